"""Attachment bytes as files in one directory, one file per attachment."""

import asyncio
import hashlib
import os
import tempfile
from collections.abc import AsyncIterable
from pathlib import Path
from typing import BinaryIO

from app.attachments.blobs import BlobNotFoundError
from app.startup import StartupError, why


class LocalBlobs:
    """Keeps each attachment's bytes in `directory`, under a name derived from its id.

    The name is a hash of the id, so no id, however odd, becomes a path of its own.
    A file appears under its final name only once it is complete (written to a
    temporary file, flushed to disk, then renamed), so a crash mid-upload leaves at
    most a `.part` file, which `start` removes.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def start(self) -> None:
        """Create the directory and remove uploads a crash left unfinished."""
        try:
            await asyncio.to_thread(self._prepare)
        except OSError as exc:
            raise StartupError(
                f"Cannot write the attachment directory {self.directory} "
                f"(CHATKIT_ATTACHMENTS_DIR): {why(exc)}."
            ) from exc

    async def stop(self) -> None:
        """Nothing to release: every call opens and closes its own file."""

    async def put(self, attachment_id: str, chunks: AsyncIterable[bytes]) -> int:
        target = self._path(attachment_id)
        partial = target.with_name(f"{target.name}.{os.urandom(8).hex()}.part")
        size = 0
        file = await asyncio.to_thread(partial.open, "xb")
        try:
            async for chunk in chunks:
                size += len(chunk)
                await asyncio.to_thread(file.write, chunk)
            await asyncio.to_thread(_flush_to_disk, file)
            file.close()
            await asyncio.to_thread(os.replace, partial, target)
        except BaseException:
            file.close()
            partial.unlink(missing_ok=True)
            raise
        return size

    async def read(self, attachment_id: str) -> bytes:
        try:
            return await asyncio.to_thread(self._path(attachment_id).read_bytes)
        except FileNotFoundError:
            raise BlobNotFoundError(attachment_id) from None

    async def delete(self, attachment_id: str) -> None:
        await asyncio.to_thread(self._path(attachment_id).unlink, missing_ok=True)

    def _path(self, attachment_id: str) -> Path:
        return self.directory / hashlib.sha256(attachment_id.encode()).hexdigest()

    def _prepare(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Uploads must be writable here: find out now, not on the first upload.
        with tempfile.TemporaryFile(dir=self.directory):
            pass
        for leftover in self.directory.glob("*.part"):
            leftover.unlink(missing_ok=True)


def _flush_to_disk(file: BinaryIO) -> None:
    file.flush()
    os.fsync(file.fileno())
