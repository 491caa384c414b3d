"""Models that reuse one placeholder id still get one stored item per message."""

from datetime import datetime
from typing import Any

from agents import (
    Agent,
    GuardrailFunctionOutput,
    RunContextWrapper,
    function_tool,
    output_guardrail,
)
from agents.testing import ScriptedModel, assistant_message, function_call
from chatkit.types import (
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    HiddenContextItem,
    ThoughtTask,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemUpdatedEvent,
    UserMessageItem,
    WorkflowTaskAdded,
)

from app.agent import build_agent
from app.context import RequestContext
from app.item_ids import ItemIdRemapper
from app.tool_calls import ToolCallRecord
from tests.conftest import StartChat
from tests.support import (
    PLACEHOLDER_ID,
    assistant_events,
    item_text,
    replies,
    streamed_in_pieces,
    thread_id_of,
)


def test_reused_ids_become_distinct_items(start_chat: StartChat) -> None:
    chat = start_chat(replies(["a1", "a2"], ["b1", "b2"]))

    first_turn = chat.create_thread("q1")
    thread_id = thread_id_of(first_turn)
    second_turn = chat.add_message(thread_id, "q2")

    for events in (first_turn, second_turn):
        streamed = assistant_events(events)
        assert len(streamed) == 2
        assert PLACEHOLDER_ID not in streamed
        for event_types in streamed.values():
            # added, updated..., done: all under the one id.
            assert event_types[0] == "thread.item.added"
            assert event_types[-1] == "thread.item.done"

    items = chat.items(thread_id)
    assert [item_text(item) for item in items] == ["q1", "a1", "a2", "q2", "b1", "b2"]
    assert len({item["id"] for item in items}) == 6


def test_a_message_streamed_in_many_deltas_is_one_item(start_chat: StartChat) -> None:
    text = "This answer arrives in many small pieces, one delta at a time."
    chat = start_chat(replies(streamed_in_pieces(text, 12)))

    events = chat.create_thread("Tell me something")

    streamed = assistant_events(events)
    assert len(streamed) == 1
    (event_types,) = streamed.values()
    assert event_types.count("thread.item.updated") >= 12
    deltas = [
        e["update"]["delta"]
        for e in events
        if e["type"] == "thread.item.updated"
        and e["update"]["type"] == "assistant_message.content_part.text_delta"
    ]
    assert "".join(deltas) == text
    items = chat.items(thread_id_of(events))
    assert [item_text(item) for item in items] == ["Tell me something", text]


def test_three_turns_store_every_message_and_tool_call_once(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    @function_tool
    def lookup(topic: str) -> str:
        """Look a topic up."""
        return f"notes on {topic}"

    def tool_turn(call_id: str, topic: str) -> list[Any]:
        return [
            assistant_message("Looking it up.", item_id=PLACEHOLDER_ID),
            function_call(
                "lookup", {"topic": topic}, call_id=call_id, item_id=PLACEHOLDER_ID
            ),
        ]

    long_answer = "An answer that arrives in many small pieces."
    model = ScriptedModel(
        [
            tool_turn("call_1", "ids"),
            [assistant_message("Found it.", item_id=PLACEHOLDER_ID)],
            streamed_in_pieces(long_answer, 8),
            tool_turn("call_2", "more"),
            [assistant_message("Found more.", item_id=PLACEHOLDER_ID)],
        ]
    )
    chat = start_chat(build_agent(model).clone(tools=[lookup]))

    first_turn = chat.create_thread("Find notes")
    thread_id = thread_id_of(first_turn)
    turns = [
        first_turn,
        chat.add_message(thread_id, "Tell me more"),
        chat.add_message(thread_id, "And more notes?"),
    ]

    for events, messages in zip(turns, (2, 1, 2), strict=True):
        streamed = assistant_events(events)
        assert len(streamed) == messages
        assert PLACEHOLDER_ID not in streamed
        for event_types in streamed.values():
            assert event_types[0] == "thread.item.added"
            assert event_types[-1] == "thread.item.done"
    # The tool calls are stored in their place, hidden from the client.
    stored = chat.stored_items(thread_id, client_context)
    assert [describe(item) for item in stored] == [
        "user: Find notes",
        "assistant: Looking it up.",
        "tool call: lookup -> notes on ids",
        "assistant: Found it.",
        "user: Tell me more",
        f"assistant: {long_answer}",
        "user: And more notes?",
        "assistant: Looking it up.",
        "tool call: lookup -> notes on more",
        "assistant: Found more.",
    ]
    assert len({item.id for item in stored}) == len(stored)
    visible = [item for item in stored if item.type != "hidden_context_item"]
    assert [item["id"] for item in chat.items(thread_id)] == [
        item.id for item in visible
    ]
    # Turn 3's model saw turn 1's call and what it returned.
    turn_3_input = model.calls[3].input
    assert isinstance(turn_3_input, list)
    assert [entry for entry in turn_3_input if entry.get("call_id")] == [
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "lookup",
            "arguments": '{"topic":"ids"}',
        },
        {"type": "function_call_output", "call_id": "call_1", "output": "notes on ids"},
    ]


def describe(item: ThreadItem) -> str:
    match item:
        case UserMessageItem():
            return "user: " + "".join(part.text for part in item.content)
        case AssistantMessageItem():
            return "assistant: " + "".join(part.text for part in item.content)
        case HiddenContextItem():
            record = ToolCallRecord.of(item)
            assert record is not None, item.content
            return f"tool call: {record.name} -> {record.output}"
    raise AssertionError(f"unexpected item {item!r}")


def test_a_guardrail_removes_every_message_of_the_turn(start_chat: StartChat) -> None:
    model = replies(["Hello.", "Fine."], ["One moment.", "The secret is 42."])
    chat = start_chat(build_agent(model).clone(output_guardrails=[no_secrets]))

    thread_id = thread_id_of(chat.create_thread("Hi"))
    events = chat.add_message(thread_id, "Tell me the secret")

    removed = [e["item_id"] for e in events if e["type"] == "thread.item.removed"]
    streamed = assistant_events(events)
    assert sorted(removed) == sorted(streamed)
    assert PLACEHOLDER_ID not in removed
    assert [e for e in events if e["type"] == "error"]
    assert [item_text(item) for item in chat.items(thread_id)] == [
        "Hi",
        "Hello.",
        "Fine.",
        "Tell me the secret",
    ]


def test_a_guardrail_leaves_no_tool_call_of_the_turn_stored(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    @function_tool
    def vault() -> str:
        """Open the vault."""
        return "42"

    model = ScriptedModel(
        [
            [assistant_message("Hello.", item_id=PLACEHOLDER_ID)],
            [
                assistant_message("One moment.", item_id=PLACEHOLDER_ID),
                function_call("vault", {}, call_id="call_1", item_id=PLACEHOLDER_ID),
            ],
            [assistant_message("The secret is 42.", item_id=PLACEHOLDER_ID)],
        ]
    )
    agent = build_agent(model).clone(output_guardrails=[no_secrets], tools=[vault])
    chat = start_chat(agent)

    thread_id = thread_id_of(chat.create_thread("Hi"))
    events = chat.add_message(thread_id, "Tell me the secret")

    # How much of the turn streams before the tripwire depends on timing (the run
    # may finish first); whatever did is removed, and nothing of it stays stored.
    removed = {e["item_id"] for e in events if e["type"] == "thread.item.removed"}
    assert set(assistant_events(events)) <= removed
    assert [e for e in events if e["type"] == "error"]
    stored = chat.stored_items(thread_id, client_context)
    assert [describe(item) for item in stored] == [
        "user: Hi",
        "assistant: Hello.",
        "user: Tell me the secret",
    ]


@output_guardrail
async def no_secrets(
    context: RunContextWrapper[Any], agent: Agent[Any], output: Any
) -> GuardrailFunctionOutput:
    return GuardrailFunctionOutput(
        output_info=None, tripwire_triggered="secret" in str(output)
    )


def message(item_id: str, text: str) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id="thr_1",
        created_at=datetime.now(),
        content=[{"text": text, "annotations": []}],
    )


def test_removal_covers_every_message_issued_under_the_id() -> None:
    fresh_ids = iter(["msg_1", "msg_2"])
    remapper = ItemIdRemapper(lambda _type: next(fresh_ids))

    for text in ("first", "second"):
        remapper.remap(ThreadItemAddedEvent(item=message(PLACEHOLDER_ID, text)))
        remapper.remap(ThreadItemDoneEvent(item=message(PLACEHOLDER_ID, text)))
    removed = remapper.remap(ThreadItemRemovedEvent(item_id=PLACEHOLDER_ID))

    assert removed == [
        ThreadItemRemovedEvent(item_id="msg_1"),
        ThreadItemRemovedEvent(item_id="msg_2"),
    ]


def test_other_events_pass_through() -> None:
    remapper = ItemIdRemapper(lambda _type: "msg_new")
    event = ThreadItemRemovedEvent(item_id="wf_1")
    assert remapper.remap(event) == [event]


def test_every_delta_carries_the_id_of_its_message() -> None:
    fresh_ids = iter(["msg_1", "msg_2"])
    remapper = ItemIdRemapper(lambda _type: next(fresh_ids))

    sent: list[tuple[str, ...]] = []
    for text in ("first", "second"):
        added = ThreadItemAddedEvent(item=message(PLACEHOLDER_ID, ""))
        (sent_added,) = remapper.remap(added)
        deltas = [remapper.remap(text_delta(piece)) for piece in (text[:2], text[2:])]
        (sent_done,) = remapper.remap(
            ThreadItemDoneEvent(item=message(PLACEHOLDER_ID, text))
        )
        assert isinstance(sent_added, ThreadItemAddedEvent)
        assert isinstance(sent_done, ThreadItemDoneEvent)
        ids = [
            event.item_id
            for (event,) in deltas
            if isinstance(event, ThreadItemUpdatedEvent)
        ]
        sent.append((sent_added.item.id, *ids, sent_done.item.id))
        # The item the SDK was given keeps its own id: the store id is on a copy.
        assert added.item.id == PLACEHOLDER_ID

    assert sent == [("msg_1",) * 4, ("msg_2",) * 4]


def test_updates_of_other_items_pass_unchanged() -> None:
    remapper = ItemIdRemapper(lambda _type: "msg_new")
    remapper.remap(ThreadItemAddedEvent(item=message(PLACEHOLDER_ID, "")))
    update = ThreadItemUpdatedEvent(
        item_id="wf_1",
        update=WorkflowTaskAdded(task_index=0, task=ThoughtTask(content="hmm")),
    )

    assert remapper.remap(update) == [update]
    assert update.item_id == "wf_1"


def text_delta(delta: str) -> ThreadItemUpdatedEvent:
    return ThreadItemUpdatedEvent(
        item_id=PLACEHOLDER_ID,
        update=AssistantMessageContentPartTextDelta(content_index=0, delta=delta),
    )
