"""What the model sees of an attachment: the bytes themselves, inline.

The provider cannot reach this server's URLs, so images go as base64 data URLs
(`input_image`), PDFs as `input_file` and text files as text with their name.
Anything else becomes a short note naming the file: never an exception that
would fail the turn.
"""

import base64

from chatkit.types import Attachment
from openai.types.responses import ResponseInputContentParam

from app.attachments.blobs import AttachmentBlobs, BlobNotFoundError
from app.attachments.content_checks import IMAGE_TYPES, TEXT_TYPES
from app.history import HistoryConverter

# A text file goes to the model cut to this many characters.
TEXT_LIMIT = 50_000


class AttachmentConverter(HistoryConverter):
    """`HistoryConverter` that also reads attachments from `blobs`.

    It runs only for the items in the history window, so a long thread costs
    no more reads than a short one.
    """

    def __init__(self, blobs: AttachmentBlobs) -> None:
        super().__init__()
        self.blobs = blobs

    async def attachment_to_message_content(
        self, attachment: Attachment
    ) -> ResponseInputContentParam:
        try:
            data = await self.blobs.read(attachment.id)
        except BlobNotFoundError:
            return _note(f"The file {attachment.name} is no longer available.")
        if attachment.mime_type in IMAGE_TYPES:
            return {
                "type": "input_image",
                "image_url": _data_url(attachment.mime_type, data),
                "detail": "auto",
            }
        if attachment.mime_type == "application/pdf":
            return {
                "type": "input_file",
                "file_data": _data_url(attachment.mime_type, data),
                "filename": attachment.name,
            }
        if attachment.mime_type in TEXT_TYPES:
            text = data.decode("utf-8", errors="replace")
            cut = " (cut short)" if len(text) > TEXT_LIMIT else ""
            return _note(
                f"The user attached {attachment.name}{cut}:\n\n{text[:TEXT_LIMIT]}"
            )
        return _note(
            f"The user attached {attachment.name} ({attachment.mime_type}), "
            "a kind of file you cannot read."
        )


def _data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _note(text: str) -> ResponseInputContentParam:
    return {"type": "input_text", "text": text}
