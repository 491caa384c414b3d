"""What the model gets from attachments, what storage guarantees, and the cleanup."""

import base64
from collections.abc import AsyncIterator
from typing import Any

import pytest
from chatkit.types import FileAttachment, ImageAttachment

from app.attachments.blobs import BlobNotFoundError
from app.attachments.cleanup import remove_unsent
from app.attachments.model_input import TEXT_LIMIT
from app.attachments.service import AttachmentService
from tests.conftest import StartChat
from tests.support import ChatKitClient, replies, thread_id_of, user_input

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def service_of(chat: ChatKitClient) -> AttachmentService:
    return chat.http.app.state.chatkit_server.attachments  # type: ignore[attr-defined,no-any-return]


def convert(chat: ChatKitClient, attachment: Any) -> Any:
    converter = chat.http.app.state.chatkit_server.converter  # type: ignore[attr-defined]
    assert chat.http.portal is not None
    return chat.http.portal.call(converter.attachment_to_message_content, attachment)


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def put(chat: ChatKitClient, attachment_id: str, data: bytes) -> None:
    assert chat.http.portal is not None
    chat.http.portal.call(service_of(chat).blobs.put, attachment_id, chunks(data))


def file(attachment_id: str, name: str, media_type: str) -> FileAttachment:
    return FileAttachment(id=attachment_id, name=name, mime_type=media_type)


def test_images_and_pdfs_go_inline_as_data_urls(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    put(chat, "atc_png", PNG)
    put(chat, "atc_pdf", b"%PDF-1.7 x")
    image = ImageAttachment(
        id="atc_png",
        name="a.png",
        mime_type="image/png",
        preview_url="http://testserver/p",  # type: ignore[arg-type]
    )

    assert convert(chat, image) == {
        "type": "input_image",
        "image_url": "data:image/png;base64," + base64.b64encode(PNG).decode(),
        "detail": "auto",
    }
    assert convert(chat, file("atc_pdf", "r.pdf", "application/pdf")) == {
        "type": "input_file",
        "file_data": "data:application/pdf;base64,"
        + base64.b64encode(b"%PDF-1.7 x").decode(),
        "filename": "r.pdf",
    }


def test_text_files_go_as_text_with_their_name(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    put(chat, "atc_csv", b"a,b\n1,2\n")
    put(chat, "atc_long", b"x" * (TEXT_LIMIT + 10))

    part = convert(chat, file("atc_csv", "data.csv", "text/csv"))
    assert part["type"] == "input_text"
    assert "data.csv" in part["text"] and part["text"].endswith("a,b\n1,2\n")
    long = convert(chat, file("atc_long", "long.md", "text/markdown"))["text"]
    assert "cut short" in long
    assert long.count("x") == TEXT_LIMIT


def test_unreadable_or_missing_files_become_a_note(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    put(chat, "atc_zip", b"PK\x03\x04")

    zipped = convert(chat, file("atc_zip", "a.zip", "application/zip"))
    assert zipped["type"] == "input_text" and "a.zip" in zipped["text"]
    missing = convert(chat, file("atc_gone", "gone.pdf", "application/pdf"))
    assert missing["type"] == "input_text" and "gone.pdf" in missing["text"]


def test_history_reads_attachments_of_the_window_only(start_chat: StartChat) -> None:
    chat = start_chat(replies(*["ok"] * 6), history_limit=3)
    blobs = service_of(chat).blobs
    reads: list[str] = []
    original = blobs.read

    async def counting_read(attachment_id: str) -> bytes:
        reads.append(attachment_id)
        return await original(attachment_id)

    blobs.read = counting_read  # type: ignore[method-assign]

    def send(thread_id: str | None) -> str:
        attachment = chat.http.post(
            "/attachments",
            files={"file": ("n.txt", b"note", "text/plain")},
            headers=chat.headers,
        ).json()
        message = {**user_input("see"), "attachments": [attachment["id"]]}
        if thread_id is None:
            return thread_id_of(chat.stream("threads.create", input=message))
        chat.stream("threads.add_user_message", thread_id=thread_id, input=message)
        return thread_id

    thread_id = send(None)
    for _ in range(5):
        reads.clear()
        send(thread_id)
        # Three items: two user messages at most carry files.
        assert len(reads) <= 2


def test_an_interrupted_upload_leaves_nothing(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    blobs = service_of(chat).blobs

    async def broken() -> AsyncIterator[bytes]:
        yield b"half of it"
        raise ConnectionResetError("client went away")

    assert chat.http.portal is not None
    with pytest.raises(ConnectionResetError):
        chat.http.portal.call(blobs.put, "atc_half", broken())
    with pytest.raises(BlobNotFoundError):
        chat.http.portal.call(blobs.read, "atc_half")
    # A refused direct upload leaves no record either.
    response = chat.http.post(
        "/attachments",
        files={"file": ("a.png", b"<html>", "image/png")},
        headers=chat.headers,
    )
    assert response.status_code == 415
    assert chat.portal_call("unsent_attachments", 2**62) == []


def test_cleanup_removes_old_unsent_uploads_only(start_chat: StartChat) -> None:
    chat = start_chat(replies("Seen."))
    service = service_of(chat)

    def upload() -> str:
        response = chat.http.post(
            "/attachments",
            files={"file": ("a.png", PNG, "image/png")},
            headers=chat.headers,
        )
        return str(response.json()["id"])

    sent, unsent = upload(), upload()
    chat.stream("threads.create", input={**user_input("look"), "attachments": [sent]})
    assert chat.http.portal is not None
    # Not old enough yet: nothing goes.
    assert chat.http.portal.call(remove_unsent, service.store, service.blobs, 3600) == 0
    assert chat.http.portal.call(remove_unsent, service.store, service.blobs, 0) == 1

    assert chat.http.portal.call(service.blobs.read, sent) == PNG
    with pytest.raises(BlobNotFoundError):
        chat.http.portal.call(service.blobs.read, unsent)
    assert chat.portal_call("unsent_attachments", 2**62) == []
