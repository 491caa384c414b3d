"""A conversation over HTTP in the ChatKit wire format."""

from typing import Any

import chatkit.server
import pytest
from starlette.middleware.base import BaseHTTPMiddleware

from app.security_headers import SECURITY_HEADERS, SecurityHeaders
from tests.conftest import StartChat
from tests.support import (
    PLACEHOLDER_ID,
    assistant_events,
    covers,
    item_text,
    replies,
    thread_id_of,
    user_input,
)


@covers(
    "threads.create",
    "threads.add_user_message",
    "items.list",
    "threads.list",
    "threads.get_by_id",
    "threads.update",
    "threads.delete",
)
def test_conversation_over_http(start_chat: StartChat) -> None:
    chat = start_chat(replies("Hello!", "Fine, thanks."))

    events = chat.create_thread("Hi")
    types = [event["type"] for event in events]
    assert types[:3] == ["thread.created", "thread.item.done", "stream_options"]
    assert types.count("error") == 0
    (message_id, message_events), *others = assistant_events(events).items()
    assert not others
    assert message_id != PLACEHOLDER_ID
    assert message_events[0] == "thread.item.added"
    assert message_events[-1] == "thread.item.done"
    assert "thread.item.updated" in message_events

    thread_id = thread_id_of(events)
    chat.add_message(thread_id, "How are you?")

    items = chat.items(thread_id)
    assert [(item["type"], item_text(item)) for item in items] == [
        ("user_message", "Hi"),
        ("assistant_message", "Hello!"),
        ("user_message", "How are you?"),
        ("assistant_message", "Fine, thanks."),
    ]
    assert len({item["id"] for item in items}) == 4
    assert items[1]["id"] == message_id

    listed = chat.call("threads.list", limit=10, order="desc")
    assert [thread["id"] for thread in listed["data"]] == [thread_id]

    thread = chat.call("threads.get_by_id", thread_id=thread_id)
    assert [item["id"] for item in thread["items"]["data"]] == [
        item["id"] for item in items
    ]

    updated = chat.call("threads.update", thread_id=thread_id, title="Small talk")
    assert updated["title"] == "Small talk"
    assert chat.call("threads.get_by_id", thread_id=thread_id)["title"] == "Small talk"

    chat.call("threads.delete", thread_id=thread_id)
    assert chat.send("threads.get_by_id", thread_id=thread_id).status_code == 404
    assert chat.call("threads.list", limit=10, order="desc")["data"] == []


def test_unknown_thread_is_404(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    for request_type, params in [
        ("threads.get_by_id", {}),
        ("items.list", {}),
        ("threads.update", {"title": "x"}),
        ("threads.delete", {}),
        ("threads.add_user_message", {"input": user_input("Hi")}),
    ]:
        response = chat.send(request_type, thread_id="thr_missing", **params)
        assert response.status_code == 404, request_type
        assert response.json()["error"]["code"] == "not_found"


def test_invalid_requests_are_400(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    for body in [b"not json", b"{}", b'{"type": "threads.explode", "params": {}}']:
        response = chat.http.post("/chatkit", content=body, headers=chat.headers)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "invalid_request"


def test_model_failure_is_an_error_event_and_the_thread_recovers(
    start_chat: StartChat,
) -> None:
    chat = start_chat(replies(RuntimeError("provider unavailable"), "Back again."))

    events = chat.create_thread("Hi")
    assert [e for e in events if e["type"] == "error"]
    thread_id = thread_id_of(events)
    assert [item["type"] for item in chat.items(thread_id)] == ["user_message"]

    events = chat.add_message(thread_id, "Still there?")
    assert not [e for e in events if e["type"] == "error"]
    assert [item_text(item) for item in chat.items(thread_id)] == [
        "Hi",
        "Still there?",
        "Back again.",
    ]


def test_health(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    assert chat.http.get("/health").json() == {"status": "ok"}


def test_oversized_bodies_are_413(start_chat: StartChat) -> None:
    chat = start_chat(replies(), max_request_bytes=1000)
    response = chat.send("threads.create", input=user_input("x" * 2000))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_every_response_carries_the_security_headers(start_chat: StartChat) -> None:
    chat = start_chat(replies("Hello!"), max_request_bytes=1000)
    responses = {
        "json": chat.send("threads.list", limit=10, order="desc"),
        "event stream": chat.send("threads.create", input=user_input("Hi")),
        "400": chat.http.post("/chatkit", content=b"{", headers=chat.headers),
        "404 thread": chat.send("threads.get_by_id", thread_id="thr_missing"),
        "404 route": chat.http.get("/nowhere"),
        "413": chat.send("threads.create", input=user_input("x" * 2000)),
        "health": chat.http.get("/health"),
    }
    streamed = responses["event stream"].headers["content-type"]
    assert streamed.startswith("text/event-stream")
    for kind, response in responses.items():
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (kind, name)


def test_no_middleware_re_streams_the_answers(start_chat: StartChat) -> None:
    """`BaseHTTPMiddleware` copies every SSE chunk through a queue: none may be used."""
    chat = start_chat(replies())
    app = chat.http.app
    layers = [middleware.cls for middleware in app.user_middleware]  # type: ignore[attr-defined]
    assert SecurityHeaders in layers
    assert BaseHTTPMiddleware not in layers


def test_cors_allows_only_configured_origins(start_chat: StartChat) -> None:
    chat = start_chat(replies(), cors_origins=["https://app.example.com"])
    preflight = {"Access-Control-Request-Method": "POST"}

    allowed = chat.http.options(
        "/chatkit", headers={"Origin": "https://app.example.com", **preflight}
    )
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"

    refused = chat.http.options(
        "/chatkit", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in refused.headers


def test_failures_do_not_leak_internals(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    response = chat.http.post(
        "/chatkit", content=b'{"type": "threads.list"', headers=chat.headers
    )
    assert response.status_code == 400
    assert "Traceback" not in response.text
    assert "pydantic" not in response.text.lower()


class NoAdapters:
    """Stands in for pydantic's TypeAdapter inside chatkit.server."""

    def __class_getitem__(cls, item: Any) -> type["NoAdapters"]:
        return cls

    def __init__(self, *args: Any) -> None:
        raise AssertionError("a TypeAdapter was built for a request")


def test_requests_are_parsed_by_the_shared_adapter(
    start_chat: StartChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ChatKitServer.process would build one per request (see app/server.py).
    monkeypatch.setattr(chatkit.server, "TypeAdapter", NoAdapters)
    chat = start_chat(replies("Hello!"))

    thread_id = thread_id_of(chat.create_thread("Hi"))

    assert [item_text(item) for item in chat.items(thread_id)] == ["Hi", "Hello!"]
