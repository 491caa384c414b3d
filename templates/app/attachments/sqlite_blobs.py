"""Attachment bytes in the SQLite database file, in a table of their own."""

from collections.abc import AsyncIterable
from pathlib import Path

import aiosqlite

from app.attachments.blobs import BlobNotFoundError

# Created on startup like the store's own tables, so a project that switches to
# database storage gets it on its next start.
SCHEMA = """
CREATE TABLE IF NOT EXISTS attachment_blobs (
    attachment_id TEXT PRIMARY KEY,
    data BLOB NOT NULL
)
"""


class SQLiteBlobs:
    """Keeps each attachment's bytes in one row of `attachment_blobs`.

    A connection of its own (WAL lets it write beside the store's): the bytes
    are written by one statement once they have all arrived, so an interrupted
    upload writes nothing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

    async def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(self.path, isolation_level=None)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA busy_timeout=5000")
        await db.execute(SCHEMA)
        self._db = db

    async def stop(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("SQLiteBlobs.start() has not been called")
        return self._db

    async def put(self, attachment_id: str, chunks: AsyncIterable[bytes]) -> int:
        data = bytearray()
        async for chunk in chunks:
            data += chunk
        await self.db.execute(
            "INSERT INTO attachment_blobs (attachment_id, data) VALUES (?, ?)"
            " ON CONFLICT (attachment_id) DO UPDATE SET data = excluded.data",
            (attachment_id, bytes(data)),
        )
        return len(data)

    async def read(self, attachment_id: str) -> bytes:
        async with self.db.execute(
            "SELECT data FROM attachment_blobs WHERE attachment_id = ?",
            (attachment_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            raise BlobNotFoundError(attachment_id)
        return bytes(row[0])

    async def delete(self, attachment_id: str) -> None:
        await self.db.execute(
            "DELETE FROM attachment_blobs WHERE attachment_id = ?", (attachment_id,)
        )
