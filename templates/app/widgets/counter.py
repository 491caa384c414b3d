"""An example widget: a counter with two buttons, and what each button does.

`show_counter` is a tool: the agent calls it and the widget appears in the chat,
stored as a thread item like any message. "Add one" sends a streamed action that
replaces the widget; "Reset" a sync action (`streaming: false`) answered at once.
The layout lives in `counter.widget` (edit it at https://widgets.chatkit.studio/).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from agents import RunContextWrapper, function_tool
from chatkit.agents import AgentContext
from chatkit.types import (
    ErrorEvent,
    SyncCustomActionResponse,
    ThreadItemReplacedEvent,
    ThreadStreamEvent,
)
from chatkit.widgets import WidgetRoot, WidgetTemplate
from pydantic import BaseModel, Field, ValidationError

from app.context import RequestContext
from app.errors import RequestError

if TYPE_CHECKING:
    # Only for annotations: app.actions imports this module to register it.
    from app.actions import ActionCall

INCREMENT = "counter.increment"
RESET = "counter.reset"
MAX_COUNT = 1_000_000

TEMPLATE = WidgetTemplate.from_file("counter.widget")


class IncrementPayload(BaseModel):
    """What the "Add one" button sends: the count the widget showed."""

    count: int = Field(ge=0, lt=MAX_COUNT)


def build_counter(count: int) -> WidgetRoot:
    return TEMPLATE.build({"count": count})


@function_tool
async def show_counter(
    ctx: RunContextWrapper[AgentContext[RequestContext]], start: int = 0
) -> str:
    """Show the user a counter widget they can count up with and reset.

    Args:
        start: The number the counter starts at (0 or more).
    """
    count = min(max(start, 0), MAX_COUNT - 1)
    await ctx.context.stream_widget(build_counter(count), copy_text=f"Count: {count}")
    return f"A counter showing {count} is on the user's screen."


async def increment(call: ActionCall) -> AsyncIterator[ThreadStreamEvent]:
    """Count up by one: the widget is replaced (and stored) with the new count."""
    if call.sender is None:
        yield ErrorEvent(message=f"{INCREMENT} must come from its widget.")
        return
    try:
        payload = IncrementPayload.model_validate(call.action.payload)
    except ValidationError as exc:
        yield ErrorEvent(
            message=f"Invalid {INCREMENT} payload: {exc.errors()[0]['msg']}"
        )
        return
    widget = build_counter(payload.count + 1)
    yield ThreadItemReplacedEvent(
        item=call.sender.model_copy(update={"widget": widget})
    )


async def reset(call: ActionCall) -> SyncCustomActionResponse:
    """Back to zero, answered in the response; the SDK leaves saving it to us."""
    if call.sender is None:
        raise RequestError(400, "invalid_action", f"{RESET} must come from its widget.")
    updated = call.sender.model_copy(update={"widget": build_counter(0)})
    await call.store.save_item(call.thread.id, updated, call.context)
    return SyncCustomActionResponse(updated_item=updated)
