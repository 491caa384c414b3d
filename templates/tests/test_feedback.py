"""Thumbs up and down (`items.feedback`): stored per user, the latest one counts."""

import pytest
from chatkit.store import NotFoundError

from app.context import RequestContext
from app.store import ChatStore
from tests.conftest import StartChat
from tests.support import covers, replies, thread_id_of
from tests.test_store import thread, user_message


@covers("items.feedback")
def test_feedback_over_http_is_stored_and_the_latest_counts(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    chat = start_chat(replies("One.", "Two."))
    thread_id = thread_id_of(chat.create_thread("Hi"))
    chat.add_message(thread_id, "Again")
    first, second = [
        i["id"] for i in chat.items(thread_id) if i["type"] != "user_message"
    ]

    assert (
        chat.call(
            "items.feedback", thread_id=thread_id, item_ids=[first], kind="positive"
        )
        == {}
    )
    chat.call(
        "items.feedback", thread_id=thread_id, item_ids=[first, second], kind="negative"
    )

    feedback = chat.portal_call("load_feedback", thread_id, client_context)
    assert sorted((f.item_id, f.kind) for f in feedback) == sorted(
        [(first, "negative"), (second, "negative")]
    )


def test_feedback_on_an_unknown_item_or_thread_is_404_and_keeps_nothing(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    chat = start_chat(replies("One."))
    thread_id = thread_id_of(chat.create_thread("Hi"))
    answer = chat.items(thread_id)[-1]["id"]

    unknown_item = chat.send(
        "items.feedback",
        thread_id=thread_id,
        item_ids=[answer, "msg_nope"],
        kind="positive",
    )
    unknown_thread = chat.send(
        "items.feedback", thread_id="thr_nope", item_ids=[answer], kind="positive"
    )

    for response in (unknown_item, unknown_thread):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert chat.portal_call("load_feedback", thread_id, client_context) == []


async def test_feedback_is_scoped_by_user(
    store: ChatStore, alice: RequestContext, bob: RequestContext
) -> None:
    await store.save_thread(thread("thr_1"), alice)
    await store.add_thread_item("thr_1", user_message("msg_1", "Hi"), alice)

    with pytest.raises(NotFoundError):
        await store.save_feedback("thr_1", ["msg_1"], "negative", bob)
    with pytest.raises(NotFoundError):
        await store.load_feedback("thr_1", bob)
    assert await store.load_feedback("thr_1", alice) == []


async def test_feedback_goes_with_its_item_and_its_thread(
    store: ChatStore, alice: RequestContext
) -> None:
    await store.save_thread(thread("thr_1"), alice)
    for item_id in ("msg_1", "msg_2"):
        await store.add_thread_item("thr_1", user_message(item_id, "Hi"), alice)
    await store.save_feedback("thr_1", ["msg_1", "msg_2"], "positive", alice)
    await store.save_feedback("thr_1", ["msg_2"], "negative", alice)
    assert [(f.item_id, f.kind) for f in await store.load_feedback("thr_1", alice)] == [
        ("msg_1", "positive"),
        ("msg_2", "negative"),
    ]

    await store.delete_thread_item("thr_1", "msg_1", alice)
    assert [f.item_id for f in await store.load_feedback("thr_1", alice)] == ["msg_2"]

    await store.delete_thread("thr_1", alice)
    await store.save_thread(thread("thr_1"), alice)
    await store.add_thread_item("thr_1", user_message("msg_2", "Hi"), alice)
    # A thread made again under the same id starts with no feedback.
    assert await store.load_feedback("thr_1", alice) == []
