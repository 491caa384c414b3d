"""Attachments are off in this project: requests that need them get a clear 400."""

from chatkit.types import (
    AttachmentsCreateReq,
    AttachmentsDeleteReq,
    ChatKitReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
)

from app.errors import RequestError


def refuse_attachments(request: ChatKitReq) -> None:
    """Raise a 400 naming the setting for requests that need attachments."""
    needs_them = isinstance(request, AttachmentsCreateReq | AttachmentsDeleteReq) or (
        isinstance(request, ThreadsCreateReq | ThreadsAddUserMessageReq)
        and bool(request.params.input.attachments)
    )
    if needs_them:
        raise RequestError(
            400,
            "attachments_off",
            "Attachments are off on this server: turn them on with "
            "`create-chatkit-server update --attachments local` (or `database`).",
        )
