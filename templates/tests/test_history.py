"""What the model sees: the recent history window, in order, the new message once."""

from datetime import datetime
from typing import Any

from agents.models.chatcmpl_converter import Converter
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
)

from app.history import HistoryConverter
from tests.conftest import StartChat
from tests.support import replies, thread_id_of


def transcript(model_input: Any) -> list[tuple[str, str]]:
    return [(message["role"], text_of(message["content"])) for message in model_input]


def text_of(content: str | list[dict[str, Any]]) -> str:
    if isinstance(content, str):
        return content
    return "".join(part["text"] for part in content)


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


async def test_history_converts_for_chat_completions_models() -> None:
    # Chat Completions based models (OpenAI-compatible endpoints, LiteLLM) only take
    # assistant turns as text; the stock `output_text` parts make them fail on turn 2.
    history = [
        UserMessageItem(
            id="msg_1",
            thread_id="thr_1",
            created_at=datetime.now(),
            content=[UserMessageTextContent(text="Hi")],
            inference_options=InferenceOptions(),
        ),
        AssistantMessageItem(
            id="msg_2",
            thread_id="thr_1",
            created_at=datetime.now(),
            content=[AssistantMessageContent(text="Hello!")],
        ),
    ]

    model_input = await HistoryConverter().to_agent_input(history)

    messages = Converter.items_to_messages(model_input)
    assert [(m["role"], text_of(m["content"])) for m in messages] == [
        ("user", "Hi"),
        ("assistant", "Hello!"),
    ]


async def test_mentions_reach_the_model_as_context() -> None:
    # Without tag_to_message_content, a message with an @-mention fails the turn.
    mention = UserMessageTagContent(
        id="doc_7", text="Roadmap", data={"owner": "Ada", "body": "x" * 5_000}
    )
    message = UserMessageItem(
        id="msg_1",
        thread_id="thr_1",
        created_at=datetime.now(),
        content=[UserMessageTextContent(text="Summarise "), mention],
        inference_options=InferenceOptions(),
    )

    model_input = await HistoryConverter().to_agent_input([message])

    context = "".join(part["text"] for item in model_input for part in item["content"])
    assert "@Roadmap (id doc_7)" in context
    assert '"owner": "Ada"' in context
    # The entity's data is cut short, not sent whole.
    assert "x" * 2_500 not in context
    messages = Converter.items_to_messages(model_input)
    assert any(text_of(m["content"]).startswith("Summarise") for m in messages)
