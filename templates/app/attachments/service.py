"""Attachment records and bytes: creation, both upload strategies, reads, deletion."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterable
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from chatkit.store import AttachmentStore, NotFoundError
from chatkit.types import (
    Attachment,
    AttachmentCreateParams,
    AttachmentUploadDescriptor,
    ChatKitReq,
    FileAttachment,
    ImageAttachment,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsDeleteReq,
)
from pydantic import AnyUrl

from app.attachments.blobs import AttachmentBlobs, BlobNotFoundError
from app.attachments.cleanup import remove_unsent_periodically
from app.attachments.content_checks import (
    IMAGE_TYPES,
    check_declared,
    checked,
    clean_name,
    media_type_of,
)
from app.attachments.signing import UrlSigner
from app.context import RequestContext
from app.errors import RequestError
from app.store import ChatStore
from app.store.base import new_id

# The address clients reach this server at, when settings do not name one: set
# per request by `RememberBaseUrl` (app/attachments/routes.py).
REQUEST_BASE_URL: ContextVar[str] = ContextVar(
    "request_base_url", default="http://127.0.0.1:8000"
)


@dataclass(frozen=True)
class AttachmentPolicy:
    max_bytes: int
    media_types: frozenset[str]
    per_message: int
    upload_ttl_seconds: int
    preview_ttl_seconds: int
    unsent_max_age_seconds: float
    cleanup_interval_seconds: float
    public_url: str | None = None


class AttachmentService(AttachmentStore[RequestContext]):
    """The SDK's `AttachmentStore`, and what the upload and download routes call.

    Records live in the chat store, scoped by user like threads; bytes live in
    `blobs`. The record's `metadata` (never sent to clients) says whether the
    bytes have arrived, their size and when the record was made.
    """

    def __init__(
        self,
        store: ChatStore,
        blobs: AttachmentBlobs,
        signer: UrlSigner,
        policy: AttachmentPolicy,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.signer = signer
        self.policy = policy
        self._cleanup: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the byte storage and the sweep of unsent uploads."""
        await self.blobs.start()
        self._cleanup = asyncio.create_task(
            remove_unsent_periodically(
                self.store,
                self.blobs,
                self.policy.unsent_max_age_seconds,
                self.policy.cleanup_interval_seconds,
            )
        )

    async def stop(self) -> None:
        if self._cleanup is not None:
            self._cleanup.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._cleanup
            self._cleanup = None
        await self.blobs.stop()

    async def check_request(
        self, request: ChatKitReq, context: RequestContext
    ) -> list[str]:
        """Refuse a message naming unusable files, before anything is saved.

        Returns the attachments whose bytes must go once the request is done:
        those of a thread being deleted.
        """
        if isinstance(request, ThreadsCreateReq | ThreadsAddUserMessageReq):
            await self.check_message(request.params.input.attachments, context)
        if isinstance(request, ThreadsDeleteReq):
            return await self.store.attachment_ids_of_thread(
                request.params.thread_id, context
            )
        return []

    # Two-phase upload: the record first, the bytes to its upload URL.

    async def create_attachment(
        self, input: AttachmentCreateParams, context: RequestContext
    ) -> Attachment:
        """The record `attachments.create` answers with; the SDK saves it."""
        media_type = media_type_of(input.mime_type)
        if input.size < 0:
            raise RequestError(400, "invalid_size", "A file size cannot be negative.")
        check_declared(
            media_type, input.size, self.policy.media_types, self.policy.max_bytes
        )
        attachment_id = self.generate_attachment_id(media_type, context)
        upload = self._url(
            attachment_id, "upload", context.user_id, self.policy.upload_ttl_seconds
        )
        return self._record(
            attachment_id,
            clean_name(input.name),
            media_type,
            context,
            size=input.size,
            upload=AttachmentUploadDescriptor(url=AnyUrl(upload), method="POST"),
        )

    async def receive_upload(
        self,
        attachment_id: str,
        chunks: AsyncIterable[bytes],
        context: RequestContext,
    ) -> Attachment:
        """Store the bytes sent to an upload URL; each URL takes one upload."""
        attachment = await self.store.load_attachment(attachment_id, context)
        if attachment.upload_descriptor is None:
            raise RequestError(
                409, "already_uploaded", "This attachment's file has been uploaded."
            )
        metadata = attachment.metadata or {}
        await self.blobs.put(
            attachment.id,
            checked(
                chunks,
                attachment.mime_type,
                self.policy.max_bytes,
                expected_size=metadata.get("size"),
            ),
        )
        uploaded = attachment.model_copy(
            update={
                "upload_descriptor": None,
                "metadata": {**metadata, "uploaded": True},
            }
        )
        await self.store.save_attachment(uploaded, context)
        return uploaded

    # Direct upload: the record and the bytes in one request.

    async def create_uploaded(
        self,
        name: str,
        declared_type: str,
        chunks: AsyncIterable[bytes],
        context: RequestContext,
    ) -> Attachment:
        media_type = media_type_of(declared_type)
        check_declared(media_type, None, self.policy.media_types, self.policy.max_bytes)
        attachment_id = self.generate_attachment_id(media_type, context)
        # Bytes first, then the record: an upload cut short leaves no record
        # pointing at missing bytes.
        size = await self.blobs.put(
            attachment_id, checked(chunks, media_type, self.policy.max_bytes)
        )
        attachment = self._record(attachment_id, clean_name(name), media_type, context)
        metadata = {**(attachment.metadata or {}), "size": size, "uploaded": True}
        uploaded = attachment.model_copy(update={"metadata": metadata})
        try:
            await self.store.save_attachment(uploaded, context)
        except BaseException:
            await self.blobs.delete(attachment_id)
            raise
        return uploaded

    # Reading and deleting.

    async def read(
        self, attachment_id: str, context: RequestContext
    ) -> tuple[Attachment, bytes]:
        attachment = await self.store.load_attachment(attachment_id, context)
        try:
            return attachment, await self.blobs.read(attachment_id)
        except BlobNotFoundError:
            raise NotFoundError(f"Attachment {attachment_id} has no file") from None

    async def delete_attachment(
        self, attachment_id: str, context: RequestContext
    ) -> None:
        """Remove the bytes; the SDK then removes the record."""
        await self.store.load_attachment(attachment_id, context)
        await self.blobs.delete(attachment_id)

    async def delete_files(self, attachment_ids: list[str]) -> None:
        for attachment_id in attachment_ids:
            await self.blobs.delete(attachment_id)

    async def check_message(
        self, attachment_ids: list[str], context: RequestContext
    ) -> None:
        """Refuse, before anything is saved, a message naming unusable files."""
        if len(attachment_ids) > self.policy.per_message:
            raise RequestError(
                400,
                "too_many_attachments",
                f"A message can carry at most {self.policy.per_message} attachments.",
            )
        for attachment_id in attachment_ids:
            attachment = await self.store.load_attachment(attachment_id, context)
            if not (attachment.metadata or {}).get("uploaded"):
                raise RequestError(
                    400,
                    "attachment_not_uploaded",
                    f"The file of attachment {attachment_id} has not been uploaded.",
                )
            if attachment.thread_id is not None:
                raise RequestError(
                    400,
                    "attachment_in_use",
                    f"Attachment {attachment_id} belongs to a message already; "
                    "attach the file again.",
                )

    def generate_attachment_id(self, mime_type: str, context: RequestContext) -> str:
        return new_id("attachment")

    def _record(
        self,
        attachment_id: str,
        name: str,
        media_type: str,
        context: RequestContext,
        *,
        size: int | None = None,
        upload: AttachmentUploadDescriptor | None = None,
    ) -> Attachment:
        metadata = {
            "size": size,
            "uploaded": False,
            "created_us": time.time_ns() // 1000,
        }
        if media_type in IMAGE_TYPES:
            preview = self._url(
                attachment_id,
                "content",
                context.user_id,
                self.policy.preview_ttl_seconds,
            )
            return ImageAttachment(
                id=attachment_id,
                name=name,
                mime_type=media_type,
                upload_descriptor=upload,
                preview_url=AnyUrl(preview),
                metadata=metadata,
            )
        return FileAttachment(
            id=attachment_id,
            name=name,
            mime_type=media_type,
            upload_descriptor=upload,
            metadata=metadata,
        )

    def _url(self, attachment_id: str, action: str, user_id: str, ttl: int) -> str:
        base = (self.policy.public_url or REQUEST_BASE_URL.get()).rstrip("/")
        query = urlencode(self.signer.query(action, attachment_id, user_id, ttl))
        return f"{base}/attachments/{quote(attachment_id, safe='')}/{action}?{query}"
