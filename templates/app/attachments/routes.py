"""HTTP routes for attachment bytes, beside POST /chatkit.

- POST /attachments: direct upload (multipart `file`); answers the attachment.
- POST /attachments/{id}/upload?...: a two-phase upload URL from `attachments.create`.
- GET /attachments/{id}/content?...: the bytes, e.g. an image preview.
The last two are signed URLs (app/attachments/signing.py): they name their user.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from chatkit.store import NotFoundError
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.attachments.content_checks import INLINE_TYPES, too_large
from app.attachments.service import REQUEST_BASE_URL, AttachmentService
from app.context import RequestContext
from app.errors import RequestError

# Multipart framing around the file: boundaries and part headers.
FORM_OVERHEAD_BYTES = 64 * 1024
CHUNK_BYTES = 64 * 1024


class RememberBaseUrl:
    """Pure ASGI middleware: remembers the address each request came to, for
    the upload and preview URLs of attachments created while serving it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = REQUEST_BASE_URL.set(str(Request(scope).base_url))
        try:
            await self.app(scope, receive, send)
        finally:
            REQUEST_BASE_URL.reset(token)


def add_attachment_routes(
    app: FastAPI,
    service: AttachmentService,
    request_context: Callable[[Request], Awaitable[RequestContext | None]],
) -> None:
    app.add_middleware(RememberBaseUrl)
    body_limit = service.policy.max_bytes + FORM_OVERHEAD_BYTES

    @app.post("/attachments")
    async def upload_direct(request: Request) -> Response:
        context = await request_context(request)
        if context is None:
            raise RequestError(401, "unauthenticated", "This request names no user.")
        file = await _form_file(request, body_limit, service.policy.max_bytes)
        with _not_found_as_404():
            attachment = await service.create_uploaded(
                file.filename or "attachment",
                file.content_type or "",
                _chunks_of(file),
                context,
            )
        return _attachment_json(attachment)

    @app.post("/attachments/{attachment_id}/upload")
    async def upload_two_phase(attachment_id: str, request: Request) -> Response:
        context = _signed_context(service, "upload", attachment_id, request)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            file = await _form_file(request, body_limit, service.policy.max_bytes)
            chunks = _chunks_of(file)
        else:
            chunks = _body_of(request)
        with _not_found_as_404():
            attachment = await service.receive_upload(attachment_id, chunks, context)
        return _attachment_json(attachment)

    @app.get("/attachments/{attachment_id}/content")
    async def content(attachment_id: str, request: Request) -> Response:
        context = _signed_context(service, "content", attachment_id, request)
        with _not_found_as_404():
            attachment, data = await service.read(attachment_id, context)
        inline = attachment.mime_type in INLINE_TYPES
        return Response(
            data,
            media_type=attachment.mime_type if inline else "application/octet-stream",
            headers={
                "Content-Disposition": _disposition(
                    "inline" if inline else "attachment", attachment.name
                ),
                "X-Content-Type-Options": "nosniff",
            },
        )


@contextmanager
def _not_found_as_404() -> Iterator[None]:
    try:
        yield
    except NotFoundError as exc:
        raise RequestError(404, "not_found", str(exc) or "Not found.") from None


def _signed_context(
    service: AttachmentService, action: str, attachment_id: str, request: Request
) -> RequestContext:
    query = request.query_params
    user_id = query.get("user", "")
    if not user_id or not service.signer.verify(
        action,
        attachment_id,
        user_id,
        query.get("expires", ""),
        query.get("signature", ""),
    ):
        raise RequestError(
            403,
            "invalid_signature",
            "This link is not valid or has expired: ask the app for a new one.",
        )
    return RequestContext(user_id=user_id)


async def _form_file(request: Request, body_limit: int, max_bytes: int) -> UploadFile:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > body_limit:
        raise too_large(max_bytes)
    capped = Request(request.scope, _capped(request.receive, body_limit, max_bytes))
    try:
        form = await capped.form(max_files=1, max_fields=10)
    except HTTPException as exc:
        raise RequestError(400, "invalid_form", str(exc.detail)) from None
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise RequestError(
            400, "missing_file", "Send the file as the multipart field `file`."
        )
    return file


def _capped(receive: Receive, limit: int, max_bytes: int) -> Receive:
    """`receive`, refusing bodies over `limit` bytes however they are framed."""
    received = 0

    async def capped_receive() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise too_large(max_bytes)
        return message

    return capped_receive


async def _chunks_of(file: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await file.read(CHUNK_BYTES):
        yield chunk


async def _body_of(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _disposition(kind: str, name: str) -> str:
    """A Content-Disposition header value; any name is safe in it."""
    fallback = "".join(
        c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in name
    )
    return f"{kind}; filename=\"{fallback[:100] or 'file'}\"; filename*=UTF-8''{quote(name)}"


def _attachment_json(attachment: Any) -> JSONResponse:
    # The record's metadata is for this server only.
    return JSONResponse(
        attachment.model_dump(mode="json", context={"exclude_metadata": True})
    )
