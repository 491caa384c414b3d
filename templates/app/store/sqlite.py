"""A SQLite store: one file, WAL mode, every query scoped by the requesting user."""

import asyncio
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite
from chatkit.store import NotFoundError
from chatkit.types import Attachment, FeedbackKind, Page, ThreadItem, ThreadMetadata

from app.context import RequestContext
from app.startup import StartupError, why
from app.store.base import (
    ATTACHMENT_ADAPTER,
    ITEM_ADAPTER,
    ChatStore,
    Feedback,
    as_metadata,
    make_page,
    timestamp_us,
)

# `seq` breaks ties between rows with equal `created_at` in insertion order.
SCHEMA = """
CREATE TABLE IF NOT EXISTS threads (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS threads_by_owner ON threads (owner, created_at, seq);
CREATE TABLE IF NOT EXISTS items (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (thread_id, id)
);
CREATE INDEX IF NOT EXISTS items_by_thread ON items (thread_id, created_at, seq);
CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    thread_id TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_by_thread ON attachments (thread_id);
CREATE TABLE IF NOT EXISTS feedback (
    thread_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (thread_id, item_id),
    FOREIGN KEY (thread_id, item_id) REFERENCES items (thread_id, id) ON DELETE CASCADE
);
"""

# True when thread ? belongs to user ?: lets one statement check the owner and do its work.
OWNED_THREAD = "EXISTS (SELECT 1 FROM threads WHERE id = ? AND owner = ?)"


class SQLiteStore(ChatStore):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db: aiosqlite.Connection | None = None
        # One connection serves every request; statements that must run together
        # take this lock so another request's statements cannot interleave.
        self._write_lock = asyncio.Lock()

    async def open(self) -> None:
        try:
            self._db = await self._connect()
        except (OSError, sqlite3.Error) as exc:
            raise StartupError(
                f"Cannot write the SQLite database {self.path} (CHATKIT_DB_PATH): "
                f"{why(exc)}."
            ) from exc

    async def _connect(self) -> aiosqlite.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit; multi-statement writes use BEGIN/COMMIT.
        db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA busy_timeout=5000")
            await db.executescript(SCHEMA)
        except BaseException:
            await db.close()
            raise
        return db

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def ping(self) -> None:
        await self._fetch_one("SELECT 1 FROM threads LIMIT 1", ())

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("SQLiteStore.open() has not been called")
        return self._db

    # Threads

    async def load_thread(
        self, thread_id: str, context: RequestContext
    ) -> ThreadMetadata:
        row = await self._fetch_one(
            "SELECT data FROM threads WHERE id = ? AND owner = ?",
            (thread_id, context.user_id),
        )
        if row is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return ThreadMetadata.model_validate_json(row[0])

    async def save_thread(
        self, thread: ThreadMetadata, context: RequestContext
    ) -> None:
        metadata = as_metadata(thread)
        async with self._write_lock:
            cursor = await self.db.execute(
                """
                INSERT INTO threads (id, owner, created_at, data) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET data = excluded.data
                WHERE threads.owner = excluded.owner
                """,
                (
                    metadata.id,
                    context.user_id,
                    timestamp_us(metadata.created_at),
                    metadata.model_dump_json(),
                ),
            )
        if cursor.rowcount == 0:
            # The id belongs to another user's thread.
            raise NotFoundError(f"Thread {metadata.id} not found")

    async def load_threads(
        self,
        limit: int,
        after: str | None,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadMetadata]:
        rows = await self._fetch_page(
            table="threads",
            scope=("owner = ?", (context.user_id,)),
            after=after,
            limit=limit,
            order=order,
        )
        return make_page(
            [ThreadMetadata.model_validate_json(r[0]) for r in rows], limit
        )

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        await self._require_thread(thread_id, context)
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                await self.db.execute(
                    "DELETE FROM attachments WHERE thread_id = ? AND owner = ?",
                    (thread_id, context.user_id),
                )
                await self.db.execute(
                    "DELETE FROM items WHERE thread_id = ?", (thread_id,)
                )
                await self.db.execute("DELETE FROM threads WHERE id = ?", (thread_id,))
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    # Items

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        rows = await self._fetch_page(
            table="items",
            scope=(
                f"thread_id = ? AND {OWNED_THREAD}",
                (thread_id, thread_id, context.user_id),
            ),
            after=after,
            limit=limit,
            order=order,
        )
        if not rows:
            # An empty page, or not this user's thread.
            await self._require_thread(thread_id, context)
        return make_page([ITEM_ADAPTER.validate_json(r[0]) for r in rows], limit)

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        # An upsert: the SDK adds an item again when, e.g., a workflow stays open.
        await self.save_item(thread_id, item, context)

    async def save_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        async with self._write_lock:
            # One statement checks the owner and upserts; an existing item keeps its
            # place (created_at, seq) in the thread.
            cursor = await self.db.execute(
                f"""
                INSERT INTO items (id, thread_id, created_at, data)
                SELECT ?, ?, ?, ? WHERE {OWNED_THREAD}
                ON CONFLICT (thread_id, id) DO UPDATE SET data = excluded.data
                """,
                (
                    item.id,
                    thread_id,
                    timestamp_us(item.created_at),
                    item.model_dump_json(),
                    thread_id,
                    context.user_id,
                ),
            )
        if cursor.rowcount == 0:
            raise NotFoundError(f"Thread {thread_id} not found")

    async def load_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> ThreadItem:
        row = await self._fetch_one(
            f"SELECT data FROM items WHERE thread_id = ? AND id = ? AND {OWNED_THREAD}",
            (thread_id, item_id, thread_id, context.user_id),
        )
        if row is None:
            raise NotFoundError(f"Item {item_id} not found in thread {thread_id}")
        return ITEM_ADAPTER.validate_json(row[0])

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        # Idempotent: the SDK also removes items that were streamed but never saved.
        await self._require_thread(thread_id, context)
        async with self._write_lock:
            await self.db.execute(
                "DELETE FROM items WHERE thread_id = ? AND id = ?",
                (thread_id, item_id),
            )

    # Attachments

    async def save_attachment(
        self, attachment: Attachment, context: RequestContext
    ) -> None:
        async with self._write_lock:
            cursor = await self.db.execute(
                """
                INSERT INTO attachments (id, owner, thread_id, data) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE
                SET thread_id = excluded.thread_id, data = excluded.data
                WHERE attachments.owner = excluded.owner
                """,
                (
                    attachment.id,
                    context.user_id,
                    attachment.thread_id,
                    attachment.model_dump_json(),
                ),
            )
        if cursor.rowcount == 0:
            raise NotFoundError(f"Attachment {attachment.id} not found")

    async def load_attachment(
        self, attachment_id: str, context: RequestContext
    ) -> Attachment:
        row = await self._fetch_one(
            "SELECT data FROM attachments WHERE id = ? AND owner = ?",
            (attachment_id, context.user_id),
        )
        if row is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return ATTACHMENT_ADAPTER.validate_json(row[0])

    async def delete_attachment(
        self, attachment_id: str, context: RequestContext
    ) -> None:
        async with self._write_lock:
            await self.db.execute(
                "DELETE FROM attachments WHERE id = ? AND owner = ?",
                (attachment_id, context.user_id),
            )

    async def attachment_ids_of_thread(
        self, thread_id: str, context: RequestContext
    ) -> list[str]:
        rows = await self._fetch_all(
            "SELECT id FROM attachments WHERE thread_id = ? AND owner = ?",
            (thread_id, context.user_id),
        )
        return [row[0] for row in rows]

    async def unsent_attachments(self, created_before_us: int) -> list[tuple[str, str]]:
        rows = await self._fetch_all(
            "SELECT id, owner FROM attachments WHERE thread_id IS NULL"
            " AND coalesce(json_extract(data, '$.metadata.created_us'), 0) < ?",
            (created_before_us,),
        )
        return [(row[0], row[1]) for row in rows]

    # Feedback

    async def save_feedback(
        self,
        thread_id: str,
        item_ids: list[str],
        kind: FeedbackKind,
        context: RequestContext,
    ) -> None:
        wanted = sorted(set(item_ids))
        if not wanted:
            await self._require_thread(thread_id, context)
            return
        marks = ", ".join("?" * len(wanted))
        now = timestamp_us(datetime.now())
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                found = await self._fetch_all(
                    f"SELECT id FROM items WHERE thread_id = ? AND id IN ({marks})"
                    f" AND {OWNED_THREAD}",
                    (thread_id, *wanted, thread_id, context.user_id),
                )
                missing = set(wanted) - {row[0] for row in found}
                if missing:
                    raise NotFoundError(
                        f"Item {min(missing)} not found in thread {thread_id}"
                    )
                await self.db.executemany(
                    """
                    INSERT INTO feedback (thread_id, item_id, owner, kind, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (thread_id, item_id) DO UPDATE
                    SET kind = excluded.kind, created_at = excluded.created_at
                    """,
                    [(thread_id, i, context.user_id, kind, now) for i in wanted],
                )
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def load_feedback(
        self, thread_id: str, context: RequestContext
    ) -> list[Feedback]:
        await self._require_thread(thread_id, context)
        rows = await self._fetch_all(
            "SELECT item_id, kind, created_at FROM feedback WHERE thread_id = ?"
            " ORDER BY created_at, item_id",
            (thread_id,),
        )
        return [
            Feedback(item_id, kind, datetime.fromtimestamp(created_at / 1_000_000))
            for item_id, kind, created_at in rows
        ]

    # Helpers

    async def _require_thread(self, thread_id: str, context: RequestContext) -> None:
        row = await self._fetch_one(
            "SELECT 1 FROM threads WHERE id = ? AND owner = ?",
            (thread_id, context.user_id),
        )
        if row is None:
            raise NotFoundError(f"Thread {thread_id} not found")

    async def _fetch_one(
        self, sql: str, params: tuple[Any, ...]
    ) -> aiosqlite.Row | None:
        rows = await self._fetch_all(sql, params)
        return rows[0] if rows else None

    async def _fetch_all(
        self, sql: str, params: tuple[Any, ...] | list[Any]
    ) -> list[aiosqlite.Row]:
        # One trip to aiosqlite's thread; a cursor would take three (run, fetch, close).
        return list(await self.db.execute_fetchall(sql, params))

    async def _fetch_page(
        self,
        *,
        table: str,
        scope: tuple[str, tuple[Any, ...]],
        after: str | None,
        limit: int,
        order: str,
    ) -> list[aiosqlite.Row]:
        """Rows of `table` matching `scope`, ordered by (created_at, seq), starting
        after the row with id `after`.

        Fetches one row more than `limit` so the caller can tell whether more follow.
        `table` and the scope's SQL are fixed text from this module, never input.
        """
        where, scope_params = scope
        descending = order == "desc"
        direction = "DESC" if descending else "ASC"
        sql = f"SELECT data FROM {table} WHERE {where}"
        params: list[Any] = [*scope_params]
        if after is not None:
            cursor_row = await self._fetch_one(
                f"SELECT created_at, seq FROM {table} WHERE {where} AND id = ?",
                (*scope_params, after),
            )
            if cursor_row is None:
                raise NotFoundError(f"Cursor {after} not found")
            sql += f" AND (created_at, seq) {'<' if descending else '>'} (?, ?)"
            params.extend(cursor_row)
        sql += f" ORDER BY created_at {direction}, seq {direction} LIMIT ?"
        params.append(limit + 1)
        return await self._fetch_all(sql, params)
