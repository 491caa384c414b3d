"""Requests with values out of bounds, or that do not fit the thread, are refused
with the app's JSON error (app/request_checks.py), never a 500."""

import json
import logging
from datetime import datetime
from typing import Any

import pytest
from chatkit.types import StructuredInputFreeform, StructuredInputItem
from httpx import Response

from app.context import RequestContext
from tests.conftest import StartChat
from tests.support import ChatKitClient, covers, replies, thread_id_of, user_input
from tests.test_store import user_message

BAD_PAGE_SIZES = [-5, 0, 101, 10**20]


def assert_refused(response: Response, status: int, code: str) -> str:
    """The app's error shape with this status and code; returns its message."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    return error["message"]


def message_input(*parts: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "content": list(parts),
        "attachments": [],
        "inference_options": {},
        **fields,
    }


def text(value: str) -> dict[str, Any]:
    return {"type": "input_text", "text": value}


def with_thread(chat: ChatKitClient, first: str = "Hi") -> str:
    return thread_id_of(chat.create_thread(first))


@pytest.mark.parametrize("limit", BAD_PAGE_SIZES)
def test_page_sizes_out_of_range_are_400(start_chat: StartChat, limit: int) -> None:
    chat = start_chat(replies("Hello."))
    thread_id = with_thread(chat)

    for request_type, params in [
        ("threads.list", {}),
        ("items.list", {"thread_id": thread_id}),
    ]:
        response = chat.send(request_type, limit=limit, **params)
        message = assert_refused(response, 400, "out_of_range")
        assert "`params.limit` must be between 1 and 100" in message
        shown = "a huge number" if limit == 10**20 else str(limit)
        assert message.endswith(f"got {shown}."), message


def test_page_sizes_at_the_bounds_are_served(start_chat: StartChat) -> None:
    chat = start_chat(replies("Hello."))
    thread_id = with_thread(chat)

    for limit, item_count in [(1, 1), (100, 2)]:
        threads = chat.call("threads.list", limit=limit)
        items = chat.call("items.list", thread_id=thread_id, limit=limit, order="asc")
        assert [t["id"] for t in threads["data"]] == [thread_id]
        assert len(items["data"]) == item_count


def test_a_smaller_max_page_size_is_honoured(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    chat = start_chat(replies("Hello."), max_page_size=10)
    thread_id = with_thread(chat)
    for n in range(10):
        chat.portal_call(
            "add_thread_item",
            thread_id,
            user_message(f"msg_more_{n:02}", str(n)).model_copy(
                update={"thread_id": thread_id, "created_at": datetime.now()}
            ),
            client_context,
        )

    message = assert_refused(
        chat.send("items.list", thread_id=thread_id, limit=11), 400, "out_of_range"
    )
    assert "between 1 and 10;" in message
    assert len(chat.call("items.list", thread_id=thread_id, limit=10)["data"]) == 10
    # Left out, the SDK's default page size (20) is cut to the maximum.
    page = chat.call("items.list", thread_id=thread_id)
    assert len(page["data"]) == 10
    assert page["has_more"] is True


def test_an_overlong_title_is_refused_and_the_old_one_kept(
    start_chat: StartChat,
) -> None:
    chat = start_chat(replies("Hello."))
    thread_id = with_thread(chat, "Plan the trip")
    before = chat.call("threads.get_by_id", thread_id=thread_id)["title"]

    response = chat.send("threads.update", thread_id=thread_id, title="x" * 900_000)

    message = assert_refused(response, 400, "out_of_range")
    assert message == "`params.title` is limited to 200 characters; got 900000."
    assert chat.call("threads.get_by_id", thread_id=thread_id)["title"] == before
    updated = chat.call("threads.update", thread_id=thread_id, title="y" * 200)
    assert updated["title"] == "y" * 200


@pytest.mark.parametrize(
    "message",
    [
        message_input(),
        message_input(text(""), text(" \n\t ")),
        message_input(text(""), quoted_text="Quoted, but nothing asked"),
    ],
    ids=["no parts", "blank text", "quoted text only"],
)
def test_an_empty_message_is_refused_and_nothing_stored(
    start_chat: StartChat, client_context: RequestContext, message: dict[str, Any]
) -> None:
    chat = start_chat(replies("Hello."))
    thread_id = with_thread(chat)
    before = chat.stored_items(thread_id, client_context)

    added = chat.send("threads.add_user_message", thread_id=thread_id, input=message)
    created = chat.send("threads.create", input=message)

    for response in (added, created):
        assert_refused(response, 400, "empty_message")
    assert chat.stored_items(thread_id, client_context) == before
    listed = chat.call("threads.list", limit=100)["data"]
    assert [t["id"] for t in listed] == [thread_id]


def test_a_tag_alone_is_a_message(start_chat: StartChat) -> None:
    chat = start_chat(replies("About that doc."))
    tag = {"type": "input_tag", "id": "doc_1", "text": "Roadmap", "data": {}}

    events = chat.stream("threads.create", input=message_input(tag))

    thread_id = thread_id_of(events)
    assert [i["type"] for i in chat.items(thread_id)] == [
        "user_message",
        "assistant_message",
    ]


def test_message_text_and_parts_are_bounded(start_chat: StartChat) -> None:
    chat = start_chat(replies("One.", "Two.", "Three."))
    thread_id = with_thread(chat)

    def add(message: dict[str, Any]) -> Response:
        return chat.send("threads.add_user_message", thread_id=thread_id, input=message)

    too_long = assert_refused(
        add(message_input(text("a" * 10_001), text("b" * 10_000))), 400, "out_of_range"
    )
    assert too_long == (
        "`params.input` is limited to 20000 characters of text; got 20001."
    )
    too_many = assert_refused(
        add(message_input(*[text("x")] * 51)), 400, "out_of_range"
    )
    assert too_many == "`params.input.content` is limited to 50 parts; got 51."
    assert len(chat.items(thread_id)) == 2

    assert add(message_input(text("a" * 20_000))).status_code == 200
    assert add(message_input(*[text("x")] * 50)).status_code == 200
    assert len(chat.items(thread_id)) == 6


def test_request_metadata_is_bounded(start_chat: StartChat) -> None:
    chat = start_chat(replies())

    def list_with(metadata: dict[str, Any]) -> Response:
        body = {"type": "threads.list", "params": {}, "metadata": metadata}
        return chat.http.post("/chatkit", json=body, headers=chat.headers)

    # {"note":"..."} is 11 bytes of JSON around the value; é is two bytes.
    message = assert_refused(list_with({"note": "é" * 8_187}), 400, "out_of_range")
    assert message == "`metadata` is limited to 16384 bytes of JSON; got 16385."
    assert list_with({"note": "é" * 8_186 + "e"}).status_code == 200


@covers("items.feedback")
def test_feedback_names_between_one_and_the_maximum_of_items(
    start_chat: StartChat,
) -> None:
    chat = start_chat(replies("Hello."))
    thread_id = with_thread(chat)

    def feedback(item_ids: list[str]) -> Response:
        return chat.send(
            "items.feedback", thread_id=thread_id, item_ids=item_ids, kind="positive"
        )

    for item_ids in ([], [f"msg_{n}" for n in range(101)]):
        message = assert_refused(feedback(item_ids), 400, "out_of_range")
        assert message == (
            f"`params.item_ids` must list between 1 and 100 items; got {len(item_ids)}."
        )
    # A hundred ids pass the bound; these name no item of the thread.
    assert_refused(feedback([f"msg_{n}" for n in range(100)]), 404, "not_found")


@covers("threads.add_client_tool_output")
def test_client_tool_output_with_no_call_pending_is_409(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    chat = start_chat(replies("Hello."))
    thread_id = with_thread(chat)
    before = chat.stored_items(thread_id, client_context)

    response = chat.send(
        "threads.add_client_tool_output", thread_id=thread_id, result={"text": "hi"}
    )

    assert_refused(response, 409, "client_tool_not_pending")
    assert chat.stored_items(thread_id, client_context) == before
    missing = chat.send(
        "threads.add_client_tool_output", thread_id="thr_missing", result={}
    )
    assert_refused(missing, 404, "not_found")


@covers("threads.retry_after_item")
def test_retry_after_anything_but_a_user_message_is_refused(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    chat = start_chat(replies("Hello."))
    thread_id = with_thread(chat)
    before = chat.stored_items(thread_id, client_context)
    answer = next(i for i in before if i.type == "assistant_message")

    on_answer = chat.send(
        "threads.retry_after_item", thread_id=thread_id, item_id=answer.id
    )
    unknown = chat.send(
        "threads.retry_after_item", thread_id=thread_id, item_id="msg_unknown"
    )

    assert_refused(on_answer, 409, "not_a_user_message")
    assert_refused(unknown, 404, "not_found")
    assert chat.stored_items(thread_id, client_context) == before


@covers("threads.custom_action", "threads.sync_custom_action")
def test_an_action_from_anything_but_a_widget_is_409(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    chat = start_chat(replies("Hello."))
    thread_id = with_thread(chat)
    before = chat.stored_items(thread_id, client_context)
    question = before[0]

    for request_type in ("threads.custom_action", "threads.sync_custom_action"):
        response = chat.send(
            request_type,
            thread_id=thread_id,
            item_id=question.id,
            action={"type": "cart.checkout", "payload": {}},
        )
        assert_refused(response, 409, "not_a_widget")
    assert chat.stored_items(thread_id, client_context) == before


@covers("threads.add_structured_input")
def test_structured_input_is_answered_once(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    chat = start_chat(replies("Hello.", "Thanks, Ada."))
    thread_id = with_thread(chat)
    question = StructuredInputItem(
        id="si_1",
        thread_id=thread_id,
        created_at=datetime.now(),
        inputs=[StructuredInputFreeform(id="name", question="Your name?")],
    )
    chat.portal_call("add_thread_item", thread_id, question, client_context)
    user_item = chat.stored_items(thread_id, client_context)[0]

    def submit(item_id: str) -> Response:
        return chat.send(
            "threads.add_structured_input",
            thread_id=thread_id,
            item_id=item_id,
            input={"answers": {"name": {"values": ["Ada"]}}},
        )

    answered = submit("si_1")
    assert answered.status_code == 200, answered.text
    stored = chat.portal_call("load_item", thread_id, "si_1", client_context)
    assert stored.status == "answered"
    assert stored.inputs[0].answer.values == ["Ada"]

    assert_refused(submit("si_1"), 409, "structured_input_not_pending")
    assert_refused(submit(user_item.id), 409, "structured_input_not_pending")
    assert_refused(submit("si_unknown"), 404, "not_found")


# Found by tests/test_fuzz.py: each was a 500, or an error in the log.


@pytest.mark.parametrize("audio", ["GkXfow", "not base64!", "é=="])
def test_audio_that_is_not_base64_is_400(start_chat: StartChat, audio: str) -> None:
    chat = start_chat(replies())

    response = chat.send("input.transcribe", audio_base64=audio, mime_type="audio/webm")

    message = assert_refused(response, 400, "invalid_base64")
    assert message == "`params.audio_base64` is not valid base64."


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ("\x00", "invalid_text"),
        ("a\x00b", "invalid_text"),
        # The JSON parser refuses these itself.
        ("\ud800", "invalid_request"),
        ("lone \udfff", "invalid_request"),
    ],
)
def test_text_no_store_can_keep_is_400_and_nothing_stored(
    start_chat: StartChat, client_context: RequestContext, bad: str, code: str
) -> None:
    chat = start_chat(replies("Hello."))
    thread_id = with_thread(chat)
    before = chat.stored_items(thread_id, client_context)

    def post(request_type: str, **params: Any) -> Response:
        # Escaped, as JSON may carry a lone surrogate.
        body = json.dumps({"type": request_type, "params": params})
        headers = {**chat.headers, "content-type": "application/json"}
        return chat.http.post("/chatkit", content=body.encode(), headers=headers)

    refused = [
        (post("threads.get_by_id", thread_id=bad), "params.thread_id"),
        (post("threads.update", thread_id=thread_id, title=bad), "params.title"),
        (
            post(
                "threads.add_user_message",
                thread_id=thread_id,
                input=message_input(text("Hi"), text(bad)),
            ),
            "params.input.content[1].text",
        ),
        (
            post(
                "threads.add_client_tool_output", thread_id=thread_id, result={bad: 1}
            ),
            "params.result",
        ),
    ]

    for response, field in refused:
        message = assert_refused(response, 400, code)
        if code == "invalid_text":
            assert message == f"`{field}` contains a NUL character."
    assert chat.stored_items(thread_id, client_context) == before
    assert chat.call("threads.get_by_id", thread_id=thread_id)["title"] != bad


def test_a_message_to_a_missing_thread_is_404_and_logs_no_error(
    start_chat: StartChat, caplog: pytest.LogCaptureFixture
) -> None:
    chat = start_chat(replies())

    response = chat.send(
        "threads.add_user_message", thread_id="thr_missing", input=user_input("Hi")
    )
    action = chat.send(
        "threads.custom_action",
        thread_id="thr_missing",
        action={"type": "cart.checkout", "payload": {}},
    )

    for answer in (response, action):
        assert_refused(answer, 404, "not_found")
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
