"""A PostgreSQL store: a connection pool, JSONB payloads, a versioned schema.

Any number of app replicas may share one database: the schema is migrated under
an advisory lock, every write is a single statement or one transaction, and
every query is scoped by the requesting user.
"""

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import asyncpg
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

# Ordered migrations: append new ones, never edit one that has shipped. Each runs
# once per schema, recorded in chatkit_schema_version. `seq` breaks ties between
# rows with equal `created_at`.
MIGRATIONS = [
    """
    CREATE TABLE chatkit_threads (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        owner text NOT NULL,
        created_at bigint NOT NULL,
        data jsonb NOT NULL
    );
    CREATE INDEX chatkit_threads_by_owner
        ON chatkit_threads (owner, created_at, seq);
    CREATE TABLE chatkit_items (
        thread_id text NOT NULL REFERENCES chatkit_threads (id) ON DELETE CASCADE,
        id text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        created_at bigint NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (thread_id, id)
    );
    CREATE INDEX chatkit_items_by_thread
        ON chatkit_items (thread_id, created_at, seq);
    CREATE TABLE chatkit_attachments (
        id text PRIMARY KEY,
        owner text NOT NULL,
        thread_id text,
        data jsonb NOT NULL
    );
    CREATE INDEX chatkit_attachments_by_thread ON chatkit_attachments (thread_id);
    """,
    """
    CREATE TABLE chatkit_feedback (
        thread_id text NOT NULL,
        item_id text NOT NULL,
        owner text NOT NULL,
        kind text NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (thread_id, item_id),
        FOREIGN KEY (thread_id, item_id)
            REFERENCES chatkit_items (thread_id, id) ON DELETE CASCADE
    );
    """,
]

# Table and column names for paging; fixed here, never taken from input.
_PAGED = {
    "threads": ("chatkit_threads", "owner"),
    "items": ("chatkit_items", "thread_id"),
}


class PostgresStore(ChatStore):
    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "public",
        min_pool_size: int = 1,
        max_pool_size: int = 10,
        command_timeout: float = 30.0,
        connect_timeout: float = 10.0,
    ) -> None:
        self.dsn = dsn
        self.schema = schema
        self._pool_options: dict[str, Any] = {
            "min_size": min_pool_size,
            "max_size": max_pool_size,
            "command_timeout": command_timeout,
            "timeout": connect_timeout,
        }
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        try:
            await _create_schema(self.dsn, self.schema, self._pool_options["timeout"])
            self._pool = await asyncpg.create_pool(
                self.dsn,
                server_settings={"search_path": self.schema},
                **self._pool_options,
            )
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            raise StartupError(
                f"Cannot connect to PostgreSQL at {_server_of(self.dsn)} "
                f"(DATABASE_URL): {why(exc)}."
            ) from exc
        await migrate(self.pool, self.schema)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def ping(self) -> None:
        # A table of ours: the schema is there and no lock holds it.
        await self.pool.fetchval("SELECT 1 FROM chatkit_threads LIMIT 1")

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("PostgresStore.open() has not been called")
        return self._pool

    # Threads

    async def load_thread(
        self, thread_id: str, context: RequestContext
    ) -> ThreadMetadata:
        data = await self.pool.fetchval(
            "SELECT data FROM chatkit_threads WHERE id = $1 AND owner = $2",
            thread_id,
            context.user_id,
        )
        if data is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return ThreadMetadata.model_validate_json(data)

    async def save_thread(
        self, thread: ThreadMetadata, context: RequestContext
    ) -> None:
        metadata = as_metadata(thread)
        status = await self.pool.execute(
            """
            INSERT INTO chatkit_threads (id, owner, created_at, data)
            VALUES ($1, $2, $3, $4::jsonb)
            ON CONFLICT (id) DO UPDATE SET data = excluded.data
            WHERE chatkit_threads.owner = excluded.owner
            """,
            metadata.id,
            context.user_id,
            timestamp_us(metadata.created_at),
            metadata.model_dump_json(),
        )
        if status == "INSERT 0 0":
            # The id belongs to another user's thread.
            raise NotFoundError(f"Thread {metadata.id} not found")

    async def load_threads(
        self,
        limit: int,
        after: str | None,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadMetadata]:
        async with self.pool.acquire() as conn:
            rows = await _fetch_page(
                conn, "threads", context.user_id, after, limit, order
            )
        return make_page([ThreadMetadata.model_validate_json(r) for r in rows], limit)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM chatkit_attachments WHERE thread_id = $1 AND owner = $2",
                thread_id,
                context.user_id,
            )
            # Items go with their thread (ON DELETE CASCADE).
            status = await conn.execute(
                "DELETE FROM chatkit_threads WHERE id = $1 AND owner = $2",
                thread_id,
                context.user_id,
            )
            if status == "DELETE 0":
                raise NotFoundError(f"Thread {thread_id} not found")

    # Items

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        async with self.pool.acquire() as conn:
            await _require_thread(conn, thread_id, context)
            rows = await _fetch_page(conn, "items", thread_id, after, limit, order)
        return make_page([ITEM_ADAPTER.validate_json(r) for r in rows], limit)

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        # An upsert: the SDK adds an item again when, e.g., a workflow stays open.
        await self.save_item(thread_id, item, context)

    async def save_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        # One statement checks ownership and upserts; an existing item keeps its
        # place (created_at, seq) in the thread.
        status = await self.pool.execute(
            """
            INSERT INTO chatkit_items (thread_id, id, created_at, data)
            SELECT $1, $2, $3, $4::jsonb
            WHERE EXISTS (
                SELECT 1 FROM chatkit_threads WHERE id = $1 AND owner = $5
            )
            ON CONFLICT (thread_id, id) DO UPDATE SET data = excluded.data
            """,
            thread_id,
            item.id,
            timestamp_us(item.created_at),
            item.model_dump_json(),
            context.user_id,
        )
        if status == "INSERT 0 0":
            raise NotFoundError(f"Thread {thread_id} not found")

    async def load_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> ThreadItem:
        data = await self.pool.fetchval(
            """
            SELECT i.data FROM chatkit_items i
            JOIN chatkit_threads t ON t.id = i.thread_id
            WHERE i.thread_id = $1 AND i.id = $2 AND t.owner = $3
            """,
            thread_id,
            item_id,
            context.user_id,
        )
        if data is None:
            raise NotFoundError(f"Item {item_id} not found in thread {thread_id}")
        return ITEM_ADAPTER.validate_json(data)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        # Idempotent: the SDK also removes items that were streamed but never saved.
        async with self.pool.acquire() as conn:
            await _require_thread(conn, thread_id, context)
            await conn.execute(
                "DELETE FROM chatkit_items WHERE thread_id = $1 AND id = $2",
                thread_id,
                item_id,
            )

    # Attachments

    async def save_attachment(
        self, attachment: Attachment, context: RequestContext
    ) -> None:
        status = await self.pool.execute(
            """
            INSERT INTO chatkit_attachments (id, owner, thread_id, data)
            VALUES ($1, $2, $3, $4::jsonb)
            ON CONFLICT (id) DO UPDATE
            SET thread_id = excluded.thread_id, data = excluded.data
            WHERE chatkit_attachments.owner = excluded.owner
            """,
            attachment.id,
            context.user_id,
            attachment.thread_id,
            attachment.model_dump_json(),
        )
        if status == "INSERT 0 0":
            raise NotFoundError(f"Attachment {attachment.id} not found")

    async def load_attachment(
        self, attachment_id: str, context: RequestContext
    ) -> Attachment:
        data = await self.pool.fetchval(
            "SELECT data FROM chatkit_attachments WHERE id = $1 AND owner = $2",
            attachment_id,
            context.user_id,
        )
        if data is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return ATTACHMENT_ADAPTER.validate_json(data)

    async def delete_attachment(
        self, attachment_id: str, context: RequestContext
    ) -> None:
        await self.pool.execute(
            "DELETE FROM chatkit_attachments WHERE id = $1 AND owner = $2",
            attachment_id,
            context.user_id,
        )

    async def attachment_ids_of_thread(
        self, thread_id: str, context: RequestContext
    ) -> list[str]:
        rows = await self.pool.fetch(
            "SELECT id FROM chatkit_attachments WHERE thread_id = $1 AND owner = $2",
            thread_id,
            context.user_id,
        )
        return [row["id"] for row in rows]

    async def unsent_attachments(self, created_before_us: int) -> list[tuple[str, str]]:
        rows = await self.pool.fetch(
            "SELECT id, owner FROM chatkit_attachments WHERE thread_id IS NULL"
            " AND coalesce((data->'metadata'->>'created_us')::bigint, 0) < $1",
            created_before_us,
        )
        return [(row["id"], row["owner"]) for row in rows]

    # Feedback

    async def save_feedback(
        self,
        thread_id: str,
        item_ids: list[str],
        kind: FeedbackKind,
        context: RequestContext,
    ) -> None:
        wanted = sorted(set(item_ids))
        async with self.pool.acquire() as conn, conn.transaction():
            await _require_thread(conn, thread_id, context)
            found = await conn.fetchval(
                "SELECT count(*) FROM chatkit_items"
                " WHERE thread_id = $1 AND id = ANY($2::text[])",
                thread_id,
                wanted,
            )
            if found != len(wanted):
                raise NotFoundError(f"Item not found in thread {thread_id}")
            await conn.execute(
                """
                INSERT INTO chatkit_feedback
                    (thread_id, item_id, owner, kind, created_at)
                SELECT $1, item_id, $3, $4, $5 FROM unnest($2::text[]) AS item_id
                ON CONFLICT (thread_id, item_id) DO UPDATE
                SET kind = excluded.kind, created_at = excluded.created_at
                """,
                thread_id,
                wanted,
                context.user_id,
                kind,
                timestamp_us(datetime.now()),
            )

    async def load_feedback(
        self, thread_id: str, context: RequestContext
    ) -> list[Feedback]:
        async with self.pool.acquire() as conn:
            await _require_thread(conn, thread_id, context)
            rows = await conn.fetch(
                "SELECT item_id, kind, created_at FROM chatkit_feedback"
                " WHERE thread_id = $1 ORDER BY created_at, item_id",
                thread_id,
            )
        return [
            Feedback(
                row["item_id"],
                row["kind"],
                datetime.fromtimestamp(row["created_at"] / 1_000_000),
            )
            for row in rows
        ]


async def migrate(
    pool: asyncpg.Pool,
    schema: str,
    migrations: list[str] = MIGRATIONS,
    version_table: str = "chatkit_schema_version",
) -> None:
    """Bring the schema up to date; safe when several replicas start at once.

    Other modules with tables of their own pass their own migrations and version
    table (a fixed name, never input), so that each list is numbered by itself.
    """
    async with pool.acquire() as conn, conn.transaction():
        # Replicas starting together queue here; the first one migrates.
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('chatkit-migrate:' || $1))", schema
        )
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {version_table} (version integer NOT NULL)"
        )
        applied = await conn.fetchval(
            f"SELECT coalesce(max(version), 0) FROM {version_table}"
        )
        for version, sql in enumerate(migrations[applied:], start=applied + 1):
            await conn.execute(sql)
            await conn.execute(
                f"INSERT INTO {version_table} (version) VALUES ($1)", version
            )


def _server_of(dsn: str) -> str:
    """host:port of a connection URL, without its user or password."""
    parts = urlsplit(dsn)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


async def _create_schema(dsn: str, schema: str, timeout: float) -> None:
    if schema == "public":
        return
    conn = await asyncpg.connect(dsn, timeout=timeout)
    try:
        await conn.execute(
            "SELECT pg_advisory_lock(hashtext('chatkit-schema:' || $1))", schema
        )
        quoted = '"' + schema.replace('"', '""') + '"'
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
    finally:
        await conn.close()


async def _require_thread(
    conn: asyncpg.Connection, thread_id: str, context: RequestContext
) -> None:
    found = await conn.fetchval(
        "SELECT 1 FROM chatkit_threads WHERE id = $1 AND owner = $2",
        thread_id,
        context.user_id,
    )
    if found is None:
        raise NotFoundError(f"Thread {thread_id} not found")


async def _fetch_page(
    conn: asyncpg.Connection,
    kind: str,
    scope: str,
    after: str | None,
    limit: int,
    order: str,
) -> list[str]:
    """JSON of up to limit + 1 rows ordered by (created_at, seq), after `after`."""
    table, column = _PAGED[kind]
    direction = "DESC" if order == "desc" else "ASC"
    sql = f"SELECT data FROM {table} WHERE {column} = $1"
    params: list[Any] = [scope]
    if after is not None:
        position = await conn.fetchrow(
            f"SELECT created_at, seq FROM {table} WHERE {column} = $1 AND id = $2",
            scope,
            after,
        )
        if position is None:
            raise NotFoundError(f"Cursor {after} not found")
        comparison = "<" if order == "desc" else ">"
        sql += f" AND (created_at, seq) {comparison} ($2, $3)"
        params.extend(position)
    sql += f" ORDER BY created_at {direction}, seq {direction} LIMIT ${len(params) + 1}"
    params.append(limit + 1)
    return [row["data"] for row in await conn.fetch(sql, *params)]
