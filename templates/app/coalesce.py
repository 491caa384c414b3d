"""Text deltas sent together: `CHATKIT_STREAM_COALESCE_MS`.

A model streams its answer a few characters at a time, and each piece becomes a
`thread.item.updated` event: one SSE message for the server to encode and write and
for the browser to parse. With a window set, the text deltas of one content part
that arrive within it are sent as one event carrying their text joined. The text is
the same; only the number of events changes.

- The first delta of each content part goes out at once: the time to the first
  text does not grow.
- A delta is held at most the window: a timer sends it when no other event comes.
- Before any other event (an annotation, the part's or the message's `done`, a
  tool call) the held delta goes out first, so the order of events is kept; at the
  end of the stream and on an error too.
- A stream cancelled because the client left drops the held text: the client never
  saw it, and the partial answer the SDK stores is what was sent.
"""

import asyncio
from collections.abc import AsyncIterator

from chatkit.types import (
    AssistantMessageContentPartTextDelta,
    ThreadItemAddedEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
)

# Events read ahead of the one being sent; bounds memory when the client is slow.
READ_AHEAD = 64


class _End:
    """The source stream ended, with `error` if it raised."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error


def coalesce_text_deltas(
    events: AsyncIterator[ThreadStreamEvent], window_ms: int
) -> AsyncIterator[ThreadStreamEvent]:
    """`events` with the text deltas of each content part joined per `window_ms`;
    `events` itself when the window is 0."""
    if window_ms <= 0:
        return events
    return _coalesce(events, window_ms / 1000)


async def _coalesce(
    events: AsyncIterator[ThreadStreamEvent], window: float
) -> AsyncIterator[ThreadStreamEvent]:
    # The source is read in a task of its own, so that a held delta can be sent
    # when its window closes while the source is still waiting for the model.
    queue: asyncio.Queue[ThreadStreamEvent | _End] = asyncio.Queue(READ_AHEAD)
    reader = asyncio.create_task(_read(events, queue))
    loop = asyncio.get_running_loop()
    held: _Held | None = None
    # (item id, content index) of the parts whose first delta has gone out.
    started: set[tuple[str, int]] = set()
    try:
        while True:
            if held is None:
                event = await queue.get()
            else:
                try:
                    async with asyncio.timeout_at(held.deadline):
                        event = await queue.get()
                except TimeoutError:
                    yield held.joined()
                    held = None
                    continue
            if isinstance(event, _End):
                if held is not None:
                    yield held.joined()
                if event.error is not None:
                    raise event.error
                return
            delta = _text_delta(event)
            if held is not None:
                if delta is not None and held.takes(event, delta, loop.time()):
                    continue
                yield held.joined()
                held = None
            if delta is None:
                if isinstance(event, ThreadItemAddedEvent):
                    # Models may reuse an item id: a new item starts afresh.
                    started = {part for part in started if part[0] != event.item.id}
                yield event
            elif (event.item_id, delta.content_index) not in started:
                started.add((event.item_id, delta.content_index))
                yield event
            else:
                held = _Held(event, delta, loop.time() + window)
    finally:
        reader.cancel()


class _Held:
    """A text delta held back, with the text of those joined to it."""

    def __init__(
        self,
        event: ThreadItemUpdatedEvent,
        delta: AssistantMessageContentPartTextDelta,
        deadline: float,
    ) -> None:
        self.event = event
        self.delta = delta
        self.texts = [delta.delta]
        self.deadline = deadline

    def takes(
        self,
        event: ThreadItemUpdatedEvent,
        delta: AssistantMessageContentPartTextDelta,
        now: float,
    ) -> bool:
        """Join `delta` if it continues the same content part within the window."""
        if (
            now < self.deadline
            and event.item_id == self.event.item_id
            and delta.content_index == self.delta.content_index
        ):
            self.texts.append(delta.delta)
            return True
        return False

    def joined(self) -> ThreadItemUpdatedEvent:
        # `stream_agent_response` makes a new event per delta: changed in place.
        if len(self.texts) > 1:
            self.delta.delta = "".join(self.texts)
        return self.event


async def _read(
    events: AsyncIterator[ThreadStreamEvent],
    queue: "asyncio.Queue[ThreadStreamEvent | _End]",
) -> None:
    try:
        async for event in events:
            await queue.put(event)
    except Exception as error:
        await queue.put(_End(error))
    else:
        await queue.put(_End())


def _text_delta(
    event: ThreadStreamEvent,
) -> AssistantMessageContentPartTextDelta | None:
    if isinstance(event, ThreadItemUpdatedEvent) and isinstance(
        event.update, AssistantMessageContentPartTextDelta
    ):
        return event.update
    return None
