"""Attachments over HTTP: both upload strategies, previews, limits, names, deletion."""

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from chatkit.types import FileAttachment

from app.context import RequestContext
from tests.conftest import StartChat
from tests.support import ChatKitClient, covers, replies, thread_id_of

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def upload_direct(chat: ChatKitClient, name: str, data: bytes, media_type: str) -> Any:
    return chat.http.post(
        "/attachments", files={"file": (name, data, media_type)}, headers=chat.headers
    )


def create(chat: ChatKitClient, name: str, size: int, media_type: str) -> Any:
    # json.dumps escapes what UTF-8 cannot carry, as browsers do (lone surrogates).
    request = {
        "type": "attachments.create",
        "params": {"name": name, "size": size, "mime_type": media_type},
    }
    return chat.http.post("/chatkit", content=json.dumps(request), headers=chat.headers)


def upload_two_phase(
    chat: ChatKitClient, name: str, data: bytes, media_type: str
) -> Any:
    created = create(chat, name, len(data), media_type)
    assert created.status_code == 200, created.text
    url = created.json()["upload_descriptor"]["url"]
    return chat.http.post(url, files={"file": (name, data, media_type)})


def message_with(*attachment_ids: str) -> dict[str, Any]:
    return {
        "content": [{"type": "input_text", "text": "What is in these?"}],
        "attachments": list(attachment_ids),
        "inference_options": {},
    }


def refused(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


@covers("attachments.create")
def test_two_phase_upload_then_preview(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    created = create(chat, "cat.png", len(PNG), "image/png").json()
    assert created["type"] == "image"
    assert "metadata" not in created
    assert created["upload_descriptor"]["method"] == "POST"
    assert urlsplit(created["upload_descriptor"]["url"]).path == (
        f"/attachments/{created['id']}/upload"
    )
    # Before its bytes arrive, the preview has nothing to show.
    assert chat.http.get(created["preview_url"]).status_code == 404

    upload = chat.http.post(
        created["upload_descriptor"]["url"], files={"file": ("cat.png", PNG)}
    )
    assert upload.status_code == 200, upload.text
    assert upload.json()["upload_descriptor"] is None

    again = chat.http.post(
        created["upload_descriptor"]["url"], files={"file": ("cat.png", PNG)}
    )
    refused(again, 409, "already_uploaded")

    preview = chat.http.get(created["preview_url"])
    assert preview.status_code == 200
    assert preview.content == PNG
    assert preview.headers["content-type"] == "image/png"
    assert preview.headers["content-disposition"].startswith("inline;")
    assert preview.headers["x-content-type-options"] == "nosniff"


def test_direct_upload_answers_the_attachment(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    response = upload_direct(chat, "report.pdf", PDF, "application/pdf")
    assert response.status_code == 200, response.text
    attachment = response.json()
    assert attachment["type"] == "file"
    assert attachment["name"] == "report.pdf"
    assert attachment["mime_type"] == "application/pdf"
    assert attachment["upload_descriptor"] is None
    assert "metadata" not in attachment and "preview_url" not in attachment


def test_the_model_sees_attachments_now_and_in_later_turns(
    start_chat: StartChat,
) -> None:
    model = replies("A cat and a report.", "Still a cat.")
    chat = start_chat(model)
    image = upload_two_phase(chat, "cat.png", PNG, "image/png").json()
    pdf = upload_direct(chat, "report.pdf", PDF, "application/pdf").json()

    events = chat.stream("threads.create", input=message_with(image["id"], pdf["id"]))
    thread_id = thread_id_of(events)
    chat.add_message(thread_id, "And now?")

    for call in model.calls:
        parts = call.input[0]["content"]
        assert parts[1]["type"] == "input_image"
        assert parts[1]["image_url"].endswith(_base64(PNG))
        assert parts[2]["type"] == "input_file"
        assert parts[2]["filename"] == "report.pdf"
        assert parts[2]["file_data"].endswith(_base64(PDF))
    (user_message, _, _, _) = chat.items(thread_id)
    assert [a["id"] for a in user_message["attachments"]] == [image["id"], pdf["id"]]
    assert all("metadata" not in a for a in user_message["attachments"])
    # Reloading the page shows the image through its signed preview link.
    preview = chat.http.get(user_message["attachments"][0]["preview_url"])
    assert preview.content == PNG


def test_limits_type_and_content_are_checked(start_chat: StartChat) -> None:
    chat = start_chat(replies(), attachments_max_bytes=len(PNG))
    refused(create(chat, "big.png", len(PNG) + 1, "image/png"), 413, "file_too_large")
    refused(create(chat, "x.svg", 10, "image/svg+xml"), 415, "unsupported_media_type")
    refused(
        upload_direct(chat, "big.png", PNG + b"!", "image/png"), 413, "file_too_large"
    )
    refused(
        upload_direct(chat, "x.html", b"<html></html>", "text/html"),
        415,
        "unsupported_media_type",
    )
    html = b"<html><script>alert(1)</script></html>"
    refused(upload_direct(chat, "a.png", html, "image/png"), 415, "content_mismatch")
    refused(
        upload_direct(chat, "a.pdf", html, "application/pdf"), 415, "content_mismatch"
    )
    refused(
        upload_direct(chat, "a.txt", b"\xff\xfe not utf-8", "text/plain"),
        415,
        "content_mismatch",
    )
    # A two-phase upload must be what was announced.
    created = create(chat, "cat.png", 100, "image/png").json()
    url = created["upload_descriptor"]["url"]
    refused(
        chat.http.post(url, files={"file": ("cat.png", PNG)}), 413, "file_too_large"
    )
    refused(
        chat.http.post(url, files={"file": ("c.png", PNG[:50])}), 400, "size_mismatch"
    )
    # Nothing refused was kept.
    unsent = chat.portal_call("unsent_attachments", 2**62)
    assert [attachment_id for attachment_id, _ in unsent] == [created["id"]]


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.txt",
        "C:\\Windows\\system32\\a.txt",
        "nul\x00byte.txt",
        "bell\x07escape\x1b[31m.txt",
        "x" * 1000 + ".txt",
        "résumé 📄.txt",
    ],
)
def test_file_names_are_data(start_chat: StartChat, name: str) -> None:
    chat = start_chat(replies())
    response = create(chat, name, 5, "text/plain")
    assert response.status_code == 200, response.text
    attachment = response.json()
    assert 0 < len(attachment["name"]) <= 255
    assert attachment["name"].endswith(".txt")
    assert not any(ord(char) < 32 for char in attachment["name"])
    upload = chat.http.post(attachment["upload_descriptor"]["url"], content=b"hello")
    assert upload.status_code == 200, upload.text
    assert upload.json()["name"] == attachment["name"]


def test_a_blank_name_gets_one(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    assert create(chat, "  ", 5, "text/plain").json()["name"] == "attachment"
    # Not even a name: JSON with a lone surrogate is no valid request.
    refused(create(chat, "lone \udc80.txt", 5, "text/plain"), 400, "invalid_request")
    direct = upload_direct(chat, "../../etc/passwd", b"root", "text/plain")
    assert direct.json()["name"] == "../../etc/passwd"


def test_signed_links_name_one_user_and_expire(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    image = upload_direct(chat, "cat.png", PNG, "image/png").json()
    url = urlsplit(image["preview_url"])
    query = {key: values[0] for key, values in parse_qs(url.query).items()}

    def fetch(**changes: str) -> Any:
        return chat.http.get(url.path, params={**query, **changes})

    assert fetch().status_code == 200
    refused(fetch(user="mallory"), 403, "invalid_signature")
    refused(fetch(signature="0" * 64), 403, "invalid_signature")
    refused(fetch(expires=str(int(query["expires"]) + 1)), 403, "invalid_signature")
    refused(chat.http.get(url.path), 403, "invalid_signature")
    expired = start_chat(replies(), attachments_preview_ttl=1)
    stale = upload_direct(expired, "cat.png", PNG, "image/png").json()["preview_url"]
    stale_query = parse_qs(urlsplit(stale).query)
    stale_query["expires"] = ["1"]
    refused(
        expired.http.get(urlsplit(stale).path, params=stale_query),
        403,
        "invalid_signature",
    )


def test_messages_name_only_usable_attachments(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    chat = start_chat(replies("Seen."))
    bobs = FileAttachment(
        id="atc_bob", name="b.txt", mime_type="text/plain", metadata={"uploaded": True}
    )
    chat.portal_call("save_attachment", bobs, RequestContext(user_id="bob"))
    pending = create(chat, "cat.png", len(PNG), "image/png").json()
    used = upload_direct(chat, "a.txt", b"a", "text/plain").json()
    chat.stream("threads.create", input=message_with(used["id"]))
    too_many = [upload_direct(chat, "a.txt", b"a", "text/plain").json()["id"]] * 11

    for attachment_ids, status, code in [
        (["atc_missing"], 404, "not_found"),
        (["atc_bob"], 404, "not_found"),
        ([pending["id"]], 400, "attachment_not_uploaded"),
        ([used["id"]], 400, "attachment_in_use"),
        (too_many, 400, "too_many_attachments"),
    ]:
        response = chat.send("threads.create", input=message_with(*attachment_ids))
        refused(response, status, code)
    threads = chat.call("threads.list", limit=10, order="desc")["data"]
    assert len(threads) == 1


def test_other_users_attachments_are_not_found(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    chat = start_chat(replies())
    bobs = FileAttachment(
        id="atc_bob", name="b.txt", mime_type="text/plain", metadata={"uploaded": True}
    )
    chat.portal_call("save_attachment", bobs, RequestContext(user_id="bob"))
    refused(chat.send("attachments.delete", attachment_id="atc_bob"), 404, "not_found")
    assert chat.portal_call("load_attachment", "atc_bob", RequestContext(user_id="bob"))


@covers("attachments.delete")
def test_deleting_an_attachment_or_its_thread_removes_the_bytes(
    start_chat: StartChat,
) -> None:
    chat = start_chat(replies("Seen."))
    loose = upload_direct(chat, "a.png", PNG, "image/png").json()
    sent = upload_direct(chat, "b.png", PNG, "image/png").json()
    thread_id = thread_id_of(
        chat.stream("threads.create", input=message_with(sent["id"]))
    )

    assert chat.call("attachments.delete", attachment_id=loose["id"]) == {}
    assert chat.http.get(loose["preview_url"]).status_code == 404
    refused(
        chat.send("attachments.delete", attachment_id=loose["id"]), 404, "not_found"
    )

    assert chat.http.get(sent["preview_url"]).status_code == 200
    chat.call("threads.delete", thread_id=thread_id)
    assert chat.http.get(sent["preview_url"]).status_code == 404


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode()
