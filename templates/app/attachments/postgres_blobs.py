"""Attachment bytes in PostgreSQL, in a table of their own: every replica sees them."""

from collections.abc import AsyncIterable

from app.attachments.blobs import BlobNotFoundError
from app.store.postgres import PostgresStore

# Versioned apart from the store's own migrations (chatkit_schema_version), so
# projects can turn database storage on and off without renumbering those.
MIGRATIONS = [
    """
    CREATE TABLE chatkit_attachment_blobs (
        attachment_id text PRIMARY KEY,
        data bytea NOT NULL
    );
    """,
]


class PostgresBlobs:
    """Keeps each attachment's bytes in one row of `chatkit_attachment_blobs`.

    It uses the store's connection pool (and so its schema). The bytes are
    written by one statement once they have all arrived: an interrupted upload
    writes nothing.
    """

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    async def start(self) -> None:
        """Create the table; the store has opened its pool before."""
        async with self.store.pool.acquire() as conn, conn.transaction():
            # Replicas starting together queue here; the first one migrates.
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('chatkit-blobs:' || $1))",
                self.store.schema,
            )
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS chatkit_attachment_blobs_version"
                " (version integer NOT NULL)"
            )
            applied = await conn.fetchval(
                "SELECT coalesce(max(version), 0) FROM chatkit_attachment_blobs_version"
            )
            for version, sql in enumerate(MIGRATIONS[applied:], start=applied + 1):
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO chatkit_attachment_blobs_version (version)"
                    " VALUES ($1)",
                    version,
                )

    async def stop(self) -> None:
        """Nothing to release: the store closes its pool."""

    async def put(self, attachment_id: str, chunks: AsyncIterable[bytes]) -> int:
        data = bytearray()
        async for chunk in chunks:
            data += chunk
        await self.store.pool.execute(
            "INSERT INTO chatkit_attachment_blobs (attachment_id, data)"
            " VALUES ($1, $2)"
            " ON CONFLICT (attachment_id) DO UPDATE SET data = excluded.data",
            attachment_id,
            bytes(data),
        )
        return len(data)

    async def read(self, attachment_id: str) -> bytes:
        data = await self.store.pool.fetchval(
            "SELECT data FROM chatkit_attachment_blobs WHERE attachment_id = $1",
            attachment_id,
        )
        if data is None:
            raise BlobNotFoundError(attachment_id)
        return bytes(data)

    async def delete(self, attachment_id: str) -> None:
        await self.store.pool.execute(
            "DELETE FROM chatkit_attachment_blobs WHERE attachment_id = $1",
            attachment_id,
        )
