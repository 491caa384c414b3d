"""Attachments are off: every request that needs them gets a 400 naming the setting."""

from tests.conftest import StartChat
from tests.support import covers, replies


@covers("attachments.create", "attachments.delete")
def test_attachment_requests_are_refused_clearly(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    message = {
        "content": [{"type": "input_text", "text": "See this"}],
        "attachments": ["atc_1"],
        "inference_options": {},
    }
    for request_type, params in [
        ("attachments.create", {"name": "a.png", "size": 3, "mime_type": "image/png"}),
        ("attachments.delete", {"attachment_id": "atc_1"}),
        ("threads.create", {"input": message}),
    ]:
        response = chat.send(request_type, **params)
        assert response.status_code == 400, request_type
        error = response.json()["error"]
        assert error["code"] == "attachments_off"
        assert "--attachments" in error["message"]
    assert chat.call("threads.list", limit=10, order="desc")["data"] == []
    assert chat.http.post("/attachments").status_code == 404
