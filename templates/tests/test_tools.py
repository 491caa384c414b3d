"""The example tool: what it answers for known and unknown time zones, as the model gets it."""

import re
from datetime import datetime, timedelta
from typing import Any

from agents.testing import ScriptedModel, assistant_message, function_call

from tests.conftest import StartChat
from tests.support import PLACEHOLDER_ID, assistant_events, item_text, thread_id_of

# A fixed offset with no daylight saving time: "Etc/GMT-3" is UTC+03:00.
ZONE, OFFSET = "Etc/GMT-3", timedelta(hours=3)


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
    [(call_id, output)] = _tool_outputs(model.calls[1].input)
    assert call_id == "call_1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", output), output


def test_the_time_is_now_in_the_zone_asked_for(start_chat: StartChat) -> None:
    before = datetime.now().astimezone().replace(microsecond=0)
    [output] = _ask_for_times(start_chat, [ZONE])
    after = datetime.now().astimezone()

    # ISO 8601 to the second, with the zone's offset.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00", output), output
    parsed = datetime.fromisoformat(output)
    assert parsed.utcoffset() == OFFSET
    assert before <= parsed <= after


def test_unknown_time_zones_are_reported_to_the_model(start_chat: StartChat) -> None:
    # Not a zone, and not a valid zone key at all (ZoneInfo raises ValueError for it).
    zones = ["Mars/Olympus_Mons", "../etc/passwd", ""]

    outputs = _ask_for_times(start_chat, zones)

    assert outputs == [f"Unknown time zone: {zone}" for zone in zones]


def test_the_model_sees_the_tool_schema() -> None:
    from app.tools import get_current_time

    assert get_current_time.name == "get_current_time"
    schema = get_current_time.params_json_schema
    assert schema["required"] == ["timezone"]
    assert schema["properties"]["timezone"]["type"] == "string"


def _ask_for_times(start_chat: StartChat, zones: list[str]) -> list[str]:
    """Lets the model call the tool once per zone; returns the outputs it got back."""
    calls = [
        function_call(
            "get_current_time",
            {"timezone": zone},
            call_id=f"call_{n}",
            item_id=PLACEHOLDER_ID,
        )
        for n, zone in enumerate(zones)
    ]
    model = ScriptedModel([calls, [assistant_message("Done.", item_id=PLACEHOLDER_ID)]])
    chat = start_chat(model)
    chat.create_thread("What time is it there?")
    outputs = dict(_tool_outputs(model.calls[1].input))
    assert sorted(outputs) == sorted(f"call_{n}" for n in range(len(zones)))
    return [outputs[f"call_{n}"] for n in range(len(zones))]


def _tool_outputs(model_input: Any) -> list[tuple[str, str]]:
    return [
        (_get(entry, "call_id"), _get(entry, "output"))
        for entry in model_input
        if _get(entry, "type") == "function_call_output"
    ]


def _get(entry: Any, key: str) -> Any:
    return entry.get(key) if isinstance(entry, dict) else getattr(entry, key, None)
