"""What an upload must be: an allowed type, within the size limit, what it claims.

The declared MIME type is checked against the bytes for the types a browser or a
model would treat specially (images, PDF) and text must be UTF-8: a `.png` that
is really HTML is refused before it is stored.
"""

import codecs
import unicodedata
from collections.abc import AsyncIterable, AsyncIterator

from app.errors import RequestError

# The first bytes of each type whose content is checked.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/csv"})
# Served inline (an `<img>` shows them); anything else downloads as a file.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
IMAGE_TYPES = INLINE_TYPES
HEAD_BYTES = 16
NAME_LIMIT = 255


def media_type_of(declared: str) -> str:
    """`image/PNG; charset=x` -> `image/png`."""
    return declared.split(";", 1)[0].strip().lower()


def clean_name(name: str) -> str:
    """A file name safe to store, show and put in a header.

    Control characters and unpaired surrogates become U+FFFD; long names keep
    their extension. The name is data only: bytes are stored by id.
    """
    cleaned = "".join(
        "\ufffd" if unicodedata.category(char) in ("Cc", "Cs") else char
        for char in name
    ).strip()
    if len(cleaned) > NAME_LIMIT:
        stem, dot, extension = cleaned.rpartition(".")
        keep = dot + extension if stem and len(extension) <= 16 else ""
        cleaned = cleaned[: NAME_LIMIT - len(keep) - 1] + "…" + keep
    return cleaned or "attachment"


def check_declared(
    media_type: str, size: int | None, allowed: frozenset[str], max_bytes: int
) -> None:
    """Refuse an upload by what it says it is, before any bytes arrive."""
    if media_type not in allowed:
        raise RequestError(
            415,
            "unsupported_media_type",
            f"Files of type {media_type or 'unknown'} cannot be attached here; "
            f"allowed: {', '.join(sorted(allowed))}.",
        )
    if size is not None and size > max_bytes:
        raise too_large(max_bytes)


def too_large(max_bytes: int) -> RequestError:
    return RequestError(
        413,
        "file_too_large",
        f"Files are limited to {max_bytes:,} bytes here; attach a smaller one.",
    )


async def checked(
    chunks: AsyncIterable[bytes],
    media_type: str,
    max_bytes: int,
    expected_size: int | None = None,
) -> AsyncIterator[bytes]:
    """`chunks`, passed on while they stay within the limits and match the type.

    Raises `RequestError` as soon as they do not, which makes the blob backend
    discard what it received.
    """
    size = 0
    head = b""
    decoder = (
        codecs.getincrementaldecoder("utf-8")() if media_type in TEXT_TYPES else None
    )
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes or (expected_size is not None and size > expected_size):
            raise too_large(min(max_bytes, expected_size or max_bytes))
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
            if len(head) >= HEAD_BYTES:
                _check_head(head, media_type)
        if decoder is not None:
            _decode(decoder, chunk, media_type)
        yield chunk
    if len(head) < HEAD_BYTES:
        _check_head(head, media_type)
    if decoder is not None:
        _decode(decoder, b"", media_type, final=True)
    if expected_size is not None and size != expected_size:
        raise RequestError(
            400,
            "size_mismatch",
            f"The upload was {size:,} bytes; {expected_size:,} were announced.",
        )


def _check_head(head: bytes, media_type: str) -> None:
    signatures = SIGNATURES.get(media_type)
    matches = signatures is None or any(head.startswith(s) for s in signatures)
    if media_type == "image/webp":
        matches = matches and head[8:12] == b"WEBP"
    if not matches:
        raise RequestError(
            415,
            "content_mismatch",
            f"The file's content is not {media_type}, as it claims to be.",
        )


def _decode(
    decoder: codecs.IncrementalDecoder,
    chunk: bytes,
    media_type: str,
    *,
    final: bool = False,
) -> None:
    try:
        text = decoder.decode(chunk, final)
    except UnicodeDecodeError:
        text = "\0"
    if "\0" in text:
        raise RequestError(
            415,
            "content_mismatch",
            f"The file is not UTF-8 text, as {media_type} must be here.",
        )
