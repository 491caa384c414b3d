"""An in-memory store for demos and tests: everything is lost on restart."""

# Annotations stay unevaluated: pydantic would reject `Page[RowT]` at import.
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Generic

from chatkit.store import NotFoundError
from chatkit.types import Attachment, FeedbackKind, Page, ThreadItem, ThreadMetadata

from app.context import RequestContext
from app.store.base import (
    ChatStore,
    Feedback,
    RowT,
    as_metadata,
    make_page,
    timestamp_us,
)

_insertion_counter = count()


@dataclass
class OrderedRows(Generic[RowT]):
    """Rows kept sorted by (created_at, insertion order), so a page costs O(log n)."""

    rows: dict[str, RowT] = field(default_factory=dict)
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    order: list[tuple[int, int, str]] = field(default_factory=list)

    def upsert(self, row_id: str, row: RowT, created_at: datetime) -> None:
        """Insert, or replace in place: an existing row keeps its position."""
        if row_id not in self.keys:
            key = (timestamp_us(created_at), next(_insertion_counter))
            self.keys[row_id] = key
            bisect.insort(self.order, (*key, row_id))
        self.rows[row_id] = row

    def remove(self, row_id: str) -> None:
        key = self.keys.pop(row_id, None)
        if key is not None:
            del self.rows[row_id]
            del self.order[bisect.bisect_left(self.order, (*key, row_id))]

    def page(self, after: str | None, limit: int, order: str) -> Page[RowT]:
        if after is not None and after not in self.keys:
            raise NotFoundError(f"Cursor {after} not found")
        if order == "desc":
            end = (
                bisect.bisect_left(self.order, (*self.keys[after], after))
                if after is not None
                else len(self.order)
            )
            window = self.order[max(0, end - limit - 1) : end][::-1]
        else:
            start = (
                bisect.bisect_right(self.order, (*self.keys[after], after))
                if after is not None
                else 0
            )
            window = self.order[start : start + limit + 1]
        return make_page([self.rows[row_id] for *_, row_id in window], limit)


@dataclass
class _ThreadRecord:
    owner: str
    metadata: ThreadMetadata
    items: OrderedRows[ThreadItem] = field(default_factory=OrderedRows)
    # item id -> the latest feedback on it
    feedback: dict[str, Feedback] = field(default_factory=dict)


class MemoryStore(ChatStore):
    def __init__(self) -> None:
        self._threads: dict[str, _ThreadRecord] = {}
        self._threads_by_owner: dict[str, OrderedRows[ThreadMetadata]] = {}
        self._attachments: dict[str, tuple[str, Attachment]] = {}

    async def ping(self) -> None:
        """Always ready: nothing to connect to."""

    def _thread(self, thread_id: str, context: RequestContext) -> _ThreadRecord:
        record = self._threads.get(thread_id)
        if record is None or record.owner != context.user_id:
            raise NotFoundError(f"Thread {thread_id} not found")
        return record

    # Threads

    async def load_thread(
        self, thread_id: str, context: RequestContext
    ) -> ThreadMetadata:
        return self._thread(thread_id, context).metadata.model_copy(deep=True)

    async def save_thread(
        self, thread: ThreadMetadata, context: RequestContext
    ) -> None:
        metadata = as_metadata(thread).model_copy(deep=True)
        record = self._threads.get(metadata.id)
        if record is None:
            record = _ThreadRecord(owner=context.user_id, metadata=metadata)
            self._threads[metadata.id] = record
        elif record.owner != context.user_id:
            raise NotFoundError(f"Thread {metadata.id} not found")
        record.metadata = metadata
        owned = self._threads_by_owner.setdefault(context.user_id, OrderedRows())
        owned.upsert(metadata.id, metadata, metadata.created_at)

    async def load_threads(
        self,
        limit: int,
        after: str | None,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadMetadata]:
        owned = self._threads_by_owner.get(context.user_id, OrderedRows())
        page = owned.page(after, limit, order)
        page.data = [thread.model_copy(deep=True) for thread in page.data]
        return page

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        self._thread(thread_id, context)
        del self._threads[thread_id]
        self._threads_by_owner[context.user_id].remove(thread_id)
        for attachment_id, (owner, attachment) in list(self._attachments.items()):
            if owner == context.user_id and attachment.thread_id == thread_id:
                del self._attachments[attachment_id]

    # Items

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        page = self._thread(thread_id, context).items.page(after, limit, order)
        page.data = [item.model_copy(deep=True) for item in page.data]
        return page

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        # An upsert: the SDK adds an item again when, e.g., a workflow stays open.
        await self.save_item(thread_id, item, context)

    async def save_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        items = self._thread(thread_id, context).items
        items.upsert(item.id, item.model_copy(deep=True), item.created_at)

    async def load_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> ThreadItem:
        item = self._thread(thread_id, context).items.rows.get(item_id)
        if item is None:
            raise NotFoundError(f"Item {item_id} not found in thread {thread_id}")
        return item.model_copy(deep=True)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        # Idempotent: the SDK also removes items that were streamed but never saved.
        record = self._thread(thread_id, context)
        record.items.remove(item_id)
        record.feedback.pop(item_id, None)

    # Feedback

    async def save_feedback(
        self,
        thread_id: str,
        item_ids: list[str],
        kind: FeedbackKind,
        context: RequestContext,
    ) -> None:
        record = self._thread(thread_id, context)
        missing = [i for i in item_ids if i not in record.items.rows]
        if missing:
            raise NotFoundError(f"Item {missing[0]} not found in thread {thread_id}")
        now = datetime.now()
        for item_id in item_ids:
            # Re-inserted, so the dict stays in the order feedback was last given.
            record.feedback.pop(item_id, None)
            record.feedback[item_id] = Feedback(item_id, kind, now)

    async def load_feedback(
        self, thread_id: str, context: RequestContext
    ) -> list[Feedback]:
        return list(self._thread(thread_id, context).feedback.values())

    # Attachments

    async def save_attachment(
        self, attachment: Attachment, context: RequestContext
    ) -> None:
        existing = self._attachments.get(attachment.id)
        if existing is not None and existing[0] != context.user_id:
            raise NotFoundError(f"Attachment {attachment.id} not found")
        self._attachments[attachment.id] = (
            context.user_id,
            attachment.model_copy(deep=True),
        )

    async def load_attachment(
        self, attachment_id: str, context: RequestContext
    ) -> Attachment:
        owner, attachment = self._attachments.get(attachment_id, (None, None))
        if attachment is None or owner != context.user_id:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return attachment.model_copy(deep=True)

    async def delete_attachment(
        self, attachment_id: str, context: RequestContext
    ) -> None:
        existing = self._attachments.get(attachment_id)
        if existing is not None and existing[0] == context.user_id:
            del self._attachments[attachment_id]

    async def attachment_ids_of_thread(
        self, thread_id: str, context: RequestContext
    ) -> list[str]:
        return [
            attachment_id
            for attachment_id, (owner, attachment) in self._attachments.items()
            if owner == context.user_id and attachment.thread_id == thread_id
        ]

    async def unsent_attachments(self, created_before_us: int) -> list[tuple[str, str]]:
        return [
            (attachment_id, owner)
            for attachment_id, (owner, attachment) in self._attachments.items()
            if attachment.thread_id is None
            and (attachment.metadata or {}).get("created_us", 0) < created_before_us
        ]
