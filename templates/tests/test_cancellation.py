"""A client that hangs up mid-answer: the model stops, what the user saw is kept."""

import asyncio
import gc
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from agents.testing import ModelCall, ModelStep, ScriptedModel, assistant_message
from chatkit.server import StreamingResult
from chatkit.types import AssistantMessageItem, SDKHiddenContextItem

from app.context import RequestContext
from tests.conftest import StartChat
from tests.support import (
    PLACEHOLDER_ID,
    ChatKitClient,
    Event,
    covers,
    item_text,
    user_input,
)


class HeldAnswer:
    """A model step that streams the first `held_after` of `pieces` as text
    deltas, then waits until it is cancelled, noting that it was."""

    def __init__(self, pieces: list[str], held_after: int) -> None:
        self.pieces = pieces
        self.held_after = held_after
        self.cancelled = False

    def step(self) -> ModelStep:
        return ModelStep.stream(self._events)

    async def _events(self, call: ModelCall) -> AsyncIterator[Any]:
        text = "".join(self.pieces)
        whole = ScriptedModel([[assistant_message(text, item_id=PLACEHOLDER_ID)]])
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
        ):
            if event.type != "response.output_text.delta":
                yield event
                continue
            for sent, piece in enumerate(self.pieces):
                if sent == self.held_after:
                    try:
                        await asyncio.Event().wait()
                    except asyncio.CancelledError:
                        self.cancelled = True
                        raise
                yield event.model_copy(update={"delta": piece})

    def wait_until_cancelled(self, seconds: float = 5) -> bool:
        deadline = time.monotonic() + seconds
        while not self.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.cancelled


def hang_up_after(
    chat: ChatKitClient,
    deltas: int,
    context: RequestContext,
    request_type: str,
    **params: Any,
) -> list[Event]:
    """Send a streaming request and hang up after `deltas` text deltas, as a
    closed browser tab does: the task reading the answer is cancelled."""
    assert chat.http.portal is not None, "start the TestClient first"
    server = chat.http.app.state.chatkit_server  # type: ignore[attr-defined]
    body = json.dumps({"type": request_type, "params": params}).encode()
    return chat.http.portal.call(_read_then_cancel, server, body, context, deltas)


async def _read_then_cancel(
    server: Any, body: bytes, context: RequestContext, deltas: int
) -> list[Event]:
    result = await server.process(body, context)
    assert isinstance(result, StreamingResult)
    seen: list[Event] = []
    enough = asyncio.Event()

    async def read() -> None:
        async for chunk in result:
            event = json.loads(chunk.decode().removeprefix("data: "))
            seen.append(event)
            if sum(_is_text_delta(e) for e in seen) == deltas:
                enough.set()

    reader = asyncio.create_task(read())
    await asyncio.wait_for(enough.wait(), timeout=5)
    reader.cancel()
    await asyncio.gather(reader, return_exceptions=True)
    return seen


def _is_text_delta(event: Event) -> bool:
    return (
        event["type"] == "thread.item.updated"
        and event["update"]["type"] == "assistant_message.content_part.text_delta"
    )


def _seen_text(events: list[Event]) -> tuple[str, str]:
    """The id of the answer the client saw and the text it saw of it."""
    (added,) = [
        e
        for e in events
        if e["type"] == "thread.item.added" and e["item"]["type"] == "assistant_message"
    ]
    text = "".join(e["update"]["delta"] for e in events if _is_text_delta(e))
    return added["item"]["id"], text


@covers("threads.create")
def test_hanging_up_stops_the_model_and_keeps_what_was_seen(
    start_chat: StartChat,
    client_context: RequestContext,
    caplog: pytest.LogCaptureFixture,
) -> None:
    held = HeldAnswer(["one ", "two ", "three ", "four ", "five"], held_after=3)
    model = ScriptedModel([held.step()])
    chat = start_chat(model)

    events = hang_up_after(
        chat, 3, client_context, "threads.create", input=user_input("Count")
    )

    assert held.wait_until_cancelled(), "the model call ran on for nobody"
    # Tasks the hang-up left behind are collected: none may be still waiting
    # or hold an error nobody saw (asyncio logs either).
    assert chat.http.portal is not None
    chat.http.portal.call(asyncio.sleep, 0.05)
    gc.collect()
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == []
    thread_id = next(e["thread"]["id"] for e in events if e["type"] == "thread.created")
    answer_id, seen = _seen_text(events)
    assert answer_id != PLACEHOLDER_ID
    assert seen == "one two three "
    stored = chat.stored_items(thread_id, client_context)
    partials = [item for item in stored if isinstance(item, AssistantMessageItem)]
    assert [(item.id, item.content[0].text) for item in partials] == [(answer_id, seen)]
    assert sum(isinstance(item, SDKHiddenContextItem) for item in stored) == 1
    assert [(item["type"], item_text(item)) for item in chat.items(thread_id)] == [
        ("user_message", "Count"),
        ("assistant_message", seen),
    ]


@covers("threads.add_user_message")
def test_the_turn_after_a_hang_up_sees_a_consistent_history(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    held = HeldAnswer(["alpha ", "beta ", "gamma ", "delta"], held_after=2)
    model = ScriptedModel(
        [
            [assistant_message("Hello.", item_id=PLACEHOLDER_ID)],
            held.step(),
            [assistant_message("Ok.", item_id=PLACEHOLDER_ID)],
        ]
    )
    chat = start_chat(model)
    thread_id = next(
        e["thread"]["id"]
        for e in chat.create_thread("Hi")
        if e["type"] == "thread.created"
    )

    events = hang_up_after(
        chat,
        2,
        client_context,
        "threads.add_user_message",
        thread_id=thread_id,
        input=user_input("Greek letters?"),
    )
    assert held.wait_until_cancelled()
    _, seen = _seen_text(events)
    chat.add_message(thread_id, "Stop. Something else.")

    sent = model.last_call
    assert sent is not None
    texts = [_input_text(item) for item in sent.input]  # type: ignore[union-attr]
    assert texts[:4] == ["Hi", "Hello.", "Greek letters?", seen]
    assert "cancelled" in texts[4]
    assert texts[5:] == ["Stop. Something else."]
    items = chat.items(thread_id)
    assert [item_text(item) for item in items] == [
        "Hi",
        "Hello.",
        "Greek letters?",
        seen,
        "Stop. Something else.",
        "Ok.",
    ]
    assert len({item["id"] for item in items}) == len(items)
    assert PLACEHOLDER_ID not in {item["id"] for item in items}


def _input_text(item: dict[str, Any]) -> str:
    content = item["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)
