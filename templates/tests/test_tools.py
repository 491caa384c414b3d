"""The example tool: called between two assistant messages that reuse one id."""

from typing import Any

from agents.testing import ScriptedModel, assistant_message, function_call

from tests.conftest import StartChat
from tests.support import PLACEHOLDER_ID, assistant_events, item_text, thread_id_of


def test_a_tool_call_between_two_messages(start_chat: StartChat) -> None:
    model = ScriptedModel(
        [
            [
                assistant_message("Let me check.", item_id=PLACEHOLDER_ID),
                function_call(
                    "get_current_time",
                    {"timezone": "UTC"},
                    call_id="call_1",
                    item_id=PLACEHOLDER_ID,
                ),
            ],
            [assistant_message("It is morning in UTC.", item_id=PLACEHOLDER_ID)],
        ]
    )
    chat = start_chat(model)

    events = chat.create_thread("What time is it?")

    assert len(assistant_events(events)) == 2
    items = chat.items(thread_id_of(events))
    assert [item_text(item) for item in items] == [
        "What time is it?",
        "Let me check.",
        "It is morning in UTC.",
    ]
    assert len({item["id"] for item in items}) == 3
    # The tool ran, and the model got its output on the next call.
    outputs = [
        entry
        for entry in model.calls[1].input
        if _get(entry, "type") == "function_call_output"
    ]
    assert [_get(entry, "call_id") for entry in outputs] == ["call_1"]
    assert "T" in str(_get(outputs[0], "output"))


def _get(entry: Any, key: str) -> Any:
    return entry.get(key) if isinstance(entry, dict) else getattr(entry, key, None)


def test_unknown_time_zones_are_reported_to_the_model() -> None:
    from app.tools import get_current_time

    assert get_current_time.name == "get_current_time"
    assert "timezone" in get_current_time.params_json_schema["properties"]
