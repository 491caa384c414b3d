"""The example counter widget: shown by a tool, stored, and updated by its buttons."""

from typing import Any

from agents.testing import ScriptedModel, assistant_message, function_call
from chatkit.types import WidgetItem
from chatkit.widgets import StrictWidgetRoot
from pydantic import TypeAdapter

from app.agent import build_agent
from app.context import RequestContext
from tests.conftest import StartChat
from tests.support import ChatKitClient, covers, thread_id_of

STRICT_WIDGET: TypeAdapter[Any] = TypeAdapter(StrictWidgetRoot)


def counter_model(*answers: str) -> ScriptedModel:
    return ScriptedModel(
        [
            [function_call("show_counter", {"start": 3}, call_id="call_1")],
            [assistant_message("Here is a counter.", item_id="msg_a")],
            *[[assistant_message(text, item_id=f"msg_{text}")] for text in answers],
        ]
    )


def shown_counter(chat: ChatKitClient) -> tuple[str, dict[str, Any]]:
    thread_id = thread_id_of(chat.create_thread("Show me a counter"))
    (widget,) = [i for i in chat.items(thread_id) if i["type"] == "widget"]
    return thread_id, widget


def texts(widget: dict[str, Any]) -> list[str]:
    found = []
    for child in widget.get("children") or []:
        if child.get("type") == "Text":
            found.append(child["value"])
        found.extend(texts(child))
    return found


def button_action(widget: dict[str, Any], label: str) -> dict[str, Any]:
    for child in widget.get("children") or []:
        if child.get("type") == "Button" and child.get("label") == label:
            return child["onClickAction"]
        nested = button_action(child, label)
        if nested:
            return nested
    return {}


def test_the_tool_shows_a_valid_widget_that_is_stored(start_chat: StartChat) -> None:
    chat = start_chat(counter_model())

    thread_id, item = shown_counter(chat)

    assert texts(item["widget"]) == ["Count: 3"]
    # The client renders only widgets of the SDK's strict types.
    STRICT_WIDGET.validate_python(item["widget"])
    assert button_action(item["widget"], "Add one")["payload"] == {"count": 3}
    assert button_action(item["widget"], "Reset")["streaming"] is False
    assert [i["type"] for i in chat.items(thread_id)][-1] == "assistant_message"


@covers("threads.custom_action")
def test_add_one_replaces_the_widget_and_keeps_it(start_chat: StartChat) -> None:
    chat = start_chat(counter_model())
    thread_id, item = shown_counter(chat)

    events = chat.stream(
        "threads.custom_action",
        thread_id=thread_id,
        item_id=item["id"],
        action=button_action(item["widget"], "Add one"),
    )

    (replaced,) = [e for e in events if e["type"] == "thread.item.replaced"]
    assert replaced["item"]["id"] == item["id"]
    assert texts(replaced["item"]["widget"]) == ["Count: 4"]
    stored = next(i for i in chat.items(thread_id) if i["id"] == item["id"])
    assert texts(stored["widget"]) == ["Count: 4"]


@covers("threads.sync_custom_action")
def test_reset_is_answered_at_once_and_kept(start_chat: StartChat) -> None:
    chat = start_chat(counter_model())
    thread_id, item = shown_counter(chat)

    answer = chat.call(
        "threads.sync_custom_action",
        thread_id=thread_id,
        item_id=item["id"],
        action=button_action(item["widget"], "Reset"),
    )

    assert texts(answer["updated_item"]["widget"]) == ["Count: 0"]
    stored = next(i for i in chat.items(thread_id) if i["id"] == item["id"])
    assert texts(stored["widget"]) == ["Count: 0"]


def test_a_bad_payload_is_an_error_and_changes_nothing(start_chat: StartChat) -> None:
    chat = start_chat(counter_model())
    thread_id, item = shown_counter(chat)

    for payload in ({"count": -1}, {"count": "many"}, None):
        events = chat.stream(
            "threads.custom_action",
            thread_id=thread_id,
            item_id=item["id"],
            action={"type": "counter.increment", "payload": payload},
        )
        types = [e["type"] for e in events if e["type"] != "stream_options"]
        assert types == ["error"], payload
        assert "counter.increment" in events[-1]["message"]

    stored = next(i for i in chat.items(thread_id) if i["id"] == item["id"])
    assert texts(stored["widget"]) == ["Count: 3"]


def test_the_next_turn_tells_the_model_what_the_widget_shows(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    model = counter_model("Noted.")
    chat = start_chat(build_agent(model))
    thread_id, item = shown_counter(chat)
    chat.stream(
        "threads.custom_action",
        thread_id=thread_id,
        item_id=item["id"],
        action=button_action(item["widget"], "Add one"),
    )

    chat.add_message(thread_id, "What does it say now?")

    model_input = str(model.calls[-1].input)
    assert "graphical UI widget" in model_input
    assert "Count: 4" in model_input
    stored = chat.stored_items(thread_id, client_context)
    assert sum(isinstance(i, WidgetItem) for i in stored) == 1
