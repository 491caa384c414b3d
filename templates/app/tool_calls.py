"""The agent's own tool calls, kept in the thread so that later turns remember them.

ChatKit stores what the user sees: messages, widgets, workflows. A call of one of
the agent's function tools is not among them, so the next turn's model would not
know which tools it called or what they returned, and would call them again or
guess. Each call and its output is stored as a `HiddenContextItem`: saved in its
place between the turn's messages, never sent to the client, and turned back into
a `function_call` with its `function_call_output` when the history is loaded.
"""

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any, Literal, cast

from agents import RunResultStreaming, StreamEvent, TResponseInputItem
from chatkit.agents import AgentContext
from chatkit.types import HiddenContextItem, ThreadItemDoneEvent
from pydantic import BaseModel, ValidationError


class ToolCallRecord(BaseModel):
    """The content of a tool call's `HiddenContextItem`."""

    type: Literal["function_call"] = "function_call"
    call_id: str
    name: str
    arguments: str
    # What the model was given: text, or the structured parts a tool can return.
    output: Any

    @classmethod
    def of(cls, item: HiddenContextItem) -> "ToolCallRecord | None":
        """The record an item holds, or None for hidden context of another kind."""
        try:
            return cls.model_validate(item.content)
        except ValidationError:
            return None

    def to_input(self) -> list[TResponseInputItem]:
        return [
            {
                "type": "function_call",
                "call_id": self.call_id,
                "name": self.name,
                "arguments": self.arguments,
            },
            {
                "type": "function_call_output",
                "call_id": self.call_id,
                "output": self.output,
            },
        ]


def record_tool_calls(
    result: RunResultStreaming, context: AgentContext[Any]
) -> RunResultStreaming:
    """The run as `stream_agent_response` should read it: the same events, in the
    same order, with each function tool call stored as its output goes by."""
    return cast(RunResultStreaming, _RecordingRun(result, context))


class _RecordingRun:
    """Stands in for a streamed run; everything but `stream_events` is the run's.

    `stream_agent_response` reads the run's events and drops the tool calls among
    them. Recording them as it reads, rather than when a tool returns, keeps each
    call after the message the model wrote before it: the SDK dates a message
    when it reaches it in the stream, and the run itself may be ahead of that.
    """

    def __init__(self, result: RunResultStreaming, context: AgentContext[Any]):
        self._result = result
        self._context = context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)

    async def stream_events(self) -> AsyncIterator[StreamEvent]:
        calls: dict[str, ToolCallRecord] = {}
        async for event in self._result.stream_events():
            # Messages pass untouched: only tool items are looked into.
            if event.type == "run_item_stream_event" and event.item.type in (
                "tool_call_item",
                "tool_call_output_item",
            ):
                raw = _as_dict(event.item.raw_item)
                if event.item.type == "tool_call_item":
                    # Hosted tools (web search) run at the provider: no record.
                    if raw.get("type") == "function_call":
                        calls[raw["call_id"]] = ToolCallRecord(
                            call_id=raw["call_id"],
                            name=raw["name"],
                            arguments=raw["arguments"],
                            output=None,
                        )
                else:
                    call = calls.pop(raw.get("call_id", ""), None)
                    if call is not None and not self._is_client_tool(call):
                        call.output = raw.get("output")
                        await self._store(call)
            yield event
        _end_is_seen()

    def _is_client_tool(self, record: ToolCallRecord) -> bool:
        """A tool that handed its call to the browser: the SDK stores that call as a
        `ClientToolCallItem`, which must stay the thread's last item until the
        browser answers, so no record of it is kept here."""
        asked = self._context.client_tool_call
        return asked is not None and asked.name == record.name

    async def _store(self, record: ToolCallRecord) -> None:
        thread = self._context.thread
        item = HiddenContextItem(
            id=self._context.store.generate_item_id(
                "tool_call", thread, self._context.request_context
            ),
            thread_id=thread.id,
            created_at=datetime.now(),
            content=record.model_dump(mode="json"),
        )
        # The SDK saves an item on `done`, and keeps hidden items from the client.
        await self._context.stream(ThreadItemDoneEvent(item=item))


def _end_is_seen() -> None:
    """The SDK reads each event in a task of its own and stops awaiting them when
    the client hangs up; the end of a run it cancelled then sits in a task nobody
    reads, which asyncio reports as an error. Mark that end as seen."""
    task = asyncio.current_task()
    if task is not None:
        task.add_done_callback(lambda done: done.cancelled() or done.exception())


def _as_dict(raw_item: Any) -> Mapping[str, Any]:
    """A run item's raw item, which the SDK gives as a dict or a pydantic model."""
    if isinstance(raw_item, BaseModel):
        return raw_item.model_dump(mode="json")
    return raw_item if isinstance(raw_item, Mapping) else {}
