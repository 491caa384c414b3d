"""CHATKIT_STREAM_COALESCE_MS: fewer text delta events, the same text, in order."""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import pytest
from agents.testing import ModelCall, ModelStep, ScriptedModel
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
)
from openai.types.responses import (
    ResponseOutputMessage,
    ResponseOutputText,
)
from openai.types.responses.response_output_text import AnnotationURLCitation
from pydantic import BaseModel, ValidationError

from app.coalesce import coalesce_text_deltas
from app.settings import Settings
from tests.conftest import StartChat
from tests.support import PLACEHOLDER_ID, Event, thread_id_of

PIECES = 6


def cited(text: str, url: str) -> ResponseOutputText:
    return ResponseOutputText(
        type="output_text",
        text=text,
        annotations=[
            AnnotationURLCitation(
                type="url_citation",
                url=url,
                title="A source",
                start_index=0,
                end_index=len(text),
            )
        ],
        logprobs=[],
    )


def message(*parts: ResponseOutputText) -> ResponseOutputMessage:
    return ResponseOutputMessage(
        id=PLACEHOLDER_ID,
        type="message",
        role="assistant",
        status="completed",
        content=list(parts),
    )


def in_pieces(*messages: ResponseOutputMessage) -> ModelStep:
    """The messages streamed in small deltas, each part's annotation arriving
    between its first delta and the rest, as a model citing mid-answer does."""
    whole = ScriptedModel([list(messages)])

    async def events(call: ModelCall) -> AsyncIterator[Any]:
        scripted = [
            event
            async for event in whole.stream_response(
                call.system_instructions,
                call.input,
                call.model_settings,
                call.tools,
                call.output_schema,
                call.handoffs,
                call.tracing,
                previous_response_id=call.previous_response_id,
                conversation_id=call.conversation_id,
                prompt=call.prompt,
            )
        ]
        for index, event in enumerate(scripted):
            if event.type == "response.output_text.annotation.added":
                continue
            if event.type != "response.output_text.delta":
                yield event
                continue
            annotations = []
            for later in scripted[index + 1 :]:
                if later.type != "response.output_text.annotation.added":
                    break
                # As a dict, the form chatkit reads it in (openai-chatkit 1.6).
                annotations.append(
                    later.model_copy(update={"annotation": _as_dict(later.annotation)})
                )
            for index, piece in enumerate(split(event.delta)):
                yield event.model_copy(update={"delta": piece})
                if index == 0:
                    for annotation in annotations:
                        yield annotation

    return ModelStep.stream(events)


def split(text: str) -> list[str]:
    size = -(-len(text) // PIECES)
    return [text[start : start + size] for start in range(0, len(text), size)]


def _as_dict(annotation: Any) -> Any:
    return annotation.model_dump() if isinstance(annotation, BaseModel) else annotation


TEXTS = [
    "The first part, cited. ",
    "A second part, cited too.",
    "Then a second message in its own words.",
]


def answer() -> ModelStep:
    return in_pieces(
        message(
            cited(TEXTS[0], "https://example.com/a"),
            cited(TEXTS[1], "https://example.com/b"),
        ),
        message(cited(TEXTS[2], "https://example.com/c")),
    )


def delta_texts(events: list[Event]) -> dict[tuple[str, int], str]:
    """The text each (message id, content index) was sent in deltas, joined."""
    texts: dict[tuple[str, int], str] = {}
    for event in events:
        if event["type"] == "thread.item.updated":
            update = event["update"]
            if update["type"] == "assistant_message.content_part.text_delta":
                part = (event["item_id"], update["content_index"])
                texts[part] = texts.get(part, "") + update["delta"]
    return texts


def done_texts(events: list[Event]) -> dict[tuple[str, int], str]:
    return {
        (event["item"]["id"], index): part["text"]
        for event in events
        if event["type"] == "thread.item.done"
        and event["item"]["type"] == "assistant_message"
        for index, part in enumerate(event["item"]["content"])
    }


def shape(events: list[Event]) -> list[str]:
    """The events as their kinds, a run of text deltas of one part as one."""
    kinds: list[str] = []
    for event in events:
        kind = event["type"]
        if kind == "thread.item.updated":
            kind = f"{event['update']['type']} {event['update'].get('content_index')}"
        if not (kinds and kind == kinds[-1] and kind.endswith(("delta 0", "delta 1"))):
            kinds.append(kind)
    return kinds


def count_deltas(events: list[Event]) -> int:
    return sum(
        event["type"] == "thread.item.updated"
        and event["update"]["type"] == "assistant_message.content_part.text_delta"
        for event in events
    )


def test_the_client_sees_the_same_text_in_fewer_events(start_chat: StartChat) -> None:
    seen: dict[int, tuple[list[Event], list[Event], list[str]]] = {}
    for window in (0, 1000):
        chat = start_chat(
            ScriptedModel([answer(), answer()]), stream_coalesce_ms=window
        )
        first = chat.create_thread("Tell me, with sources")
        thread_id = thread_id_of(first)
        second = chat.add_message(thread_id, "And again")
        for events in (first, second):
            # Every part of both messages: its deltas add up to its final text.
            assert delta_texts(events) == done_texts(events)
            assert len(done_texts(events)) == 3
        stored = [
            part["text"] for item in chat.items(thread_id) for part in item["content"]
        ]
        seen[window] = (first, second, stored)

    plain, joined = seen[0], seen[1000]
    # Annotations, parts and messages come in the same order.
    assert [shape(events) for events in joined[:2]] == [
        shape(events) for events in plain[:2]
    ]
    assert joined[2] == plain[2]
    # Per part: its first delta alone, one with the rest (the annotation sent
    # after the first delta splits nothing: it comes before any is held).
    assert count_deltas(plain[0]) == sum(len(split(text)) for text in TEXTS)
    assert count_deltas(joined[0]) == count_deltas(joined[1]) == 2 * len(TEXTS)


def test_the_setting_is_off_by_default(start_chat: StartChat) -> None:
    chat = start_chat(ScriptedModel([answer()]))

    events = chat.create_thread("Tell me")

    assert count_deltas(events) == sum(len(split(text)) for text in TEXTS)


# The coalescing itself, on streams with gaps timed by the test


def delta(text: str, item_id: str = "msg_1", part: int = 0) -> ThreadItemUpdatedEvent:
    return ThreadItemUpdatedEvent(
        item_id=item_id,
        update=AssistantMessageContentPartTextDelta(content_index=part, delta=text),
    )


def item(text: str, item_id: str = "msg_1") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id="thr_1",
        created_at=datetime.now(),
        content=[AssistantMessageContent(text=text)],
    )


async def timed(
    steps: Sequence[ThreadStreamEvent | float | Exception],
) -> AsyncIterator[ThreadStreamEvent]:
    """Yields the events, sleeping for each number, raising each exception."""
    for step in steps:
        if isinstance(step, float):
            await asyncio.sleep(step)
        elif isinstance(step, Exception):
            raise step
        else:
            yield step


async def received(
    events: AsyncIterator[ThreadStreamEvent],
) -> list[tuple[float, str]]:
    """What the consumer got, as (seconds since start, a short description)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    seen: list[tuple[float, str]] = []
    async for event in events:
        match event:
            case ThreadItemUpdatedEvent(
                update=AssistantMessageContentPartTextDelta(delta=text)
            ):
                seen.append((loop.time() - start, f"delta {text}"))
            case _:
                seen.append((loop.time() - start, event.type))
    return seen


def descriptions(seen: list[tuple[float, str]]) -> list[str]:
    return [description for _, description in seen]


async def test_the_first_delta_is_not_held() -> None:
    steps = [ThreadItemAddedEvent(item=item("")), delta("Hel"), 0.5, delta("lo")]

    seen = await received(coalesce_text_deltas(timed(steps), 100))

    assert descriptions(seen) == ["thread.item.added", "delta Hel", "delta lo"]
    assert seen[1][0] < 0.1


async def test_deltas_within_the_window_go_as_one_and_a_held_one_waits_no_longer() -> (
    None
):
    steps = [
        delta("a"),
        delta("b"),
        delta("c"),
        0.02,
        delta("d"),
        0.5,
        delta("e"),
        ThreadItemDoneEvent(item=item("abcde")),
    ]

    seen = await received(coalesce_text_deltas(timed(steps), 100))

    assert descriptions(seen) == [
        "delta a",
        "delta bcd",
        "delta e",
        "thread.item.done",
    ]
    # Sent when its window closed, not when the next event came.
    assert 0.09 < seen[1][0] < 0.4


async def test_a_held_delta_goes_before_the_done_and_any_other_event() -> None:
    annotation = ThreadItemUpdatedEvent.model_validate(
        {
            "item_id": "msg_1",
            "update": {
                "type": "assistant_message.content_part.annotation_added",
                "content_index": 0,
                "annotation_index": 0,
                "annotation": {
                    "source": {"type": "url", "url": "https://e.com", "title": "e"}
                },
            },
        }
    )
    steps = [
        delta("a"),
        delta("b"),
        annotation,
        delta("c"),
        delta("d"),
        delta("x", part=1),
        delta("y", part=1),
        ThreadItemDoneEvent(item=item("abcdxy")),
        ThreadItemAddedEvent(item=item("", "msg_2")),
        delta("z", "msg_2"),
    ]

    seen = await received(coalesce_text_deltas(timed(steps), 10_000))

    assert descriptions(seen) == [
        "delta a",
        "delta b",
        "thread.item.updated",
        "delta cd",
        "delta x",
        "delta y",
        "thread.item.done",
        "thread.item.added",
        "delta z",
    ]
    # Nothing waited for a window of 10 s.
    assert seen[-1][0] < 1


async def test_a_reused_item_id_gets_its_first_delta_sent_at_once() -> None:
    steps = [
        ThreadItemAddedEvent(item=item("", PLACEHOLDER_ID)),
        delta("a", PLACEHOLDER_ID),
        ThreadItemDoneEvent(item=item("a", PLACEHOLDER_ID)),
        ThreadItemAddedEvent(item=item("", PLACEHOLDER_ID)),
        delta("b", PLACEHOLDER_ID),
        0.5,
        delta("c", PLACEHOLDER_ID),
    ]

    seen = await received(coalesce_text_deltas(timed(steps), 100))

    assert descriptions(seen)[3:5] == ["thread.item.added", "delta b"]
    assert seen[4][0] < 0.1


async def test_a_failure_still_sends_the_held_text_first() -> None:
    steps = [delta("a"), delta("b"), RuntimeError("the model failed")]
    seen: list[str] = []

    with pytest.raises(RuntimeError, match="the model failed"):
        async for event in coalesce_text_deltas(timed(steps), 10_000):
            assert isinstance(event, ThreadItemUpdatedEvent)
            assert isinstance(event.update, AssistantMessageContentPartTextDelta)
            seen.append(event.update.delta)

    assert seen == ["a", "b"]


async def test_zero_is_off() -> None:
    source = timed([delta("a"), delta("b")])

    assert coalesce_text_deltas(source, 0) is source


async def test_a_client_leaving_stops_the_source() -> None:
    stopped = asyncio.Event()

    async def waiting_for_the_model() -> AsyncIterator[ThreadStreamEvent]:
        try:
            yield delta("a")
            yield delta("b")
            await asyncio.sleep(10)
            yield delta("never")
        finally:
            stopped.set()

    stream = coalesce_text_deltas(waiting_for_the_model(), 10_000)
    assert isinstance(stream, AsyncGenerator)
    first = await anext(stream)
    await stream.aclose()  # what the SDK does when the client goes away

    assert isinstance(first, ThreadItemUpdatedEvent)
    await asyncio.wait_for(stopped.wait(), 1)


def test_the_window_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings(_env_file=None).stream_coalesce_ms == 0
    monkeypatch.setenv("CHATKIT_STREAM_COALESCE_MS", "15")
    assert Settings(_env_file=None).stream_coalesce_ms == 15
    monkeypatch.setenv("CHATKIT_STREAM_COALESCE_MS", "-1")
    with pytest.raises(ValidationError, match="stream_coalesce_ms"):
        Settings(_env_file=None)
