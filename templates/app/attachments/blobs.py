"""Where attachment bytes live: one small interface, one module per backend.

Bytes are stored by attachment id only, never under a name a user chose. Metadata
(name, MIME type, owner, thread) stays in the chat store. A new backend (object
storage, say) is one new module implementing `AttachmentBlobs`, chosen in
`app/attachments/setup.py`.
"""

from collections.abc import AsyncIterable
from typing import Protocol


class BlobNotFoundError(LookupError):
    """No bytes are stored under that attachment id."""


class AttachmentBlobs(Protocol):
    async def start(self) -> None:
        """Connect or create what the backend needs; called once on startup."""
        ...

    async def stop(self) -> None:
        """Release connections; called once on shutdown."""
        ...

    async def put(self, attachment_id: str, chunks: AsyncIterable[bytes]) -> int:
        """Store the bytes under `attachment_id`, all or nothing; return their size.

        Until this returns, `read` does not see them: an interrupted upload leaves
        nothing behind. Storing again under the same id replaces the bytes.
        """
        ...

    async def read(self, attachment_id: str) -> bytes:
        """The stored bytes; raises `BlobNotFoundError` when there are none."""
        ...

    async def delete(self, attachment_id: str) -> None:
        """Remove the bytes, if any (deleting twice is not an error)."""
        ...
