"""What every store backend shares: id generation and (de)serialisation."""

# Annotations stay unevaluated: pydantic would reject `Page[RowT]` at import.
from __future__ import annotations

import uuid
from abc import abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from chatkit.store import Store, StoreItemType, default_generate_id
from chatkit.types import (
    Attachment,
    FeedbackKind,
    Page,
    Thread,
    ThreadItem,
    ThreadMetadata,
)
from pydantic import TypeAdapter

from app.context import RequestContext

ITEM_ADAPTER: TypeAdapter[ThreadItem] = TypeAdapter(ThreadItem)
ATTACHMENT_ADAPTER: TypeAdapter[Attachment] = TypeAdapter(Attachment)


def new_id(item_type: StoreItemType) -> str:
    """An id with the SDK's prefix (`thr_`, `msg_`, ...) and 128 random bits.

    The SDK default keeps 32 random bits, so collisions become likely once a
    database holds some tens of thousands of threads.
    """
    prefix = default_generate_id(item_type).partition("_")[0]
    return f"{prefix}_{uuid.uuid4().hex}"


def as_metadata(thread: ThreadMetadata) -> ThreadMetadata:
    """Drop the `items` a `Thread` carries: only metadata is stored."""
    if isinstance(thread, Thread):
        return ThreadMetadata.model_validate(thread.model_dump(exclude={"items"}))
    return thread


class HasId(Protocol):
    id: str


RowT = TypeVar("RowT", bound=HasId)


def make_page(rows: list[RowT], limit: int) -> Page[RowT]:
    """A page of at most `limit` rows; a row beyond that only says more follow."""
    data = rows[:limit]
    has_more = len(rows) > limit
    return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)


def timestamp_us(moment: datetime) -> int:
    """Microseconds since the epoch: a sortable column for `created_at`."""
    return round(moment.timestamp() * 1_000_000)


@dataclass(frozen=True)
class Feedback:
    """A user's thumbs up or down on one item (the latest one counts)."""

    item_id: str
    kind: FeedbackKind
    created_at: datetime


class ChatStore(Store[RequestContext]):
    """A `chatkit.store.Store` with a lifecycle the app drives from its lifespan,
    and the users' feedback on items, which the SDK leaves to the server."""

    @abstractmethod
    async def save_feedback(
        self,
        thread_id: str,
        item_ids: list[str],
        kind: FeedbackKind,
        context: RequestContext,
    ) -> None:
        """Record `kind` for each item, replacing earlier feedback on it.

        All or nothing: raises `NotFoundError` when the thread or any of the items
        is not the user's. Feedback goes when its item or thread is deleted.
        """

    @abstractmethod
    async def load_feedback(
        self, thread_id: str, context: RequestContext
    ) -> list[Feedback]:
        """The feedback on a thread's items, oldest first."""

    @abstractmethod
    async def attachment_ids_of_thread(
        self, thread_id: str, context: RequestContext
    ) -> list[str]:
        """The attachments the user's messages in this thread carry."""

    @abstractmethod
    async def unsent_attachments(self, created_before_us: int) -> list[tuple[str, str]]:
        """(id, owner) of every user's attachments that no message carries and
        were created before `created_before_us` (microseconds since the epoch)."""

    @abstractmethod
    async def ping(self) -> None:
        """Answer once the backend has run a cheap query; raises when it cannot.
        `GET /ready` calls it (app/health.py), with a timeout."""

    async def open(self) -> None:
        """Connect and create the schema; called once on startup."""

    async def close(self) -> None:
        """Release connections; called once on shutdown."""

    def generate_thread_id(self, context: RequestContext) -> str:
        return new_id("thread")

    def generate_item_id(
        self,
        item_type: StoreItemType,
        thread: ThreadMetadata,
        context: RequestContext,
    ) -> str:
        return new_id(item_type)
