"""What the model sees: the recent history window, in order, the new message once."""

from typing import Any

from tests.conftest import StartChat
from tests.support import replies, thread_id_of


def transcript(model_input: Any) -> list[tuple[str, str]]:
    return [
        (message["role"], "".join(part["text"] for part in message["content"]))
        for message in model_input
    ]


def test_first_turn_sends_the_user_message_once(start_chat: StartChat) -> None:
    model = replies("Hello!")
    chat = start_chat(model)

    chat.create_thread("Hi")

    assert transcript(model.calls[0].input) == [("user", "Hi")]


def test_model_sees_the_most_recent_items_in_order(start_chat: StartChat) -> None:
    model = replies("one", "two", "three")
    chat = start_chat(model, history_limit=3)

    thread_id = thread_id_of(chat.create_thread("first"))
    chat.add_message(thread_id, "second")
    chat.add_message(thread_id, "third")

    assert transcript(model.calls[1].input) == [
        ("user", "first"),
        ("assistant", "one"),
        ("user", "second"),
    ]
    # Five items are stored; the window holds the newest three, oldest first.
    assert transcript(model.calls[2].input) == [
        ("user", "second"),
        ("assistant", "two"),
        ("user", "third"),
    ]
