"""Fresh store ids for the assistant messages a model streams.

`stream_agent_response` reuses the model's output item id as the ChatKit item id.
Chat Completions based models (OpenAI-compatible endpoints, LiteLLM) give every
item the same placeholder id (`__fake_id__`), so without remapping the second
assistant message overwrites the first. We give every assistant message a new
store id and keep it consistent across its added, updated, done and removed events.
A client tool call item is given its id from the model's tool call, placeholder
included, so it gets a fresh store id too.
"""

from collections.abc import Callable

from chatkit.store import StoreItemType
from chatkit.types import (
    AssistantMessageItem,
    ClientToolCallItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
)


class ItemIdRemapper:
    """Rewrites the item ids of one turn's events; create one per turn."""

    def __init__(self, new_id: Callable[[StoreItemType], str]) -> None:
        self._new_id = new_id
        # model id -> store id of the message currently being streamed under it
        self._streaming: dict[str, str] = {}
        # model id -> every store id issued for it this turn (for removals)
        self._issued: dict[str, list[str]] = {}

    def remap(self, event: ThreadStreamEvent) -> list[ThreadStreamEvent]:
        """Return the event(s) to emit in place of `event`."""
        if isinstance(event, ThreadItemUpdatedEvent):
            # Most of a turn's events are text deltas: an id set in place, no copy.
            # `stream_agent_response` makes a new event for every delta and keeps
            # none of them, so nothing else sees the change.
            store_id = self._streaming.get(event.item_id)
            if store_id is not None:
                event.item_id = store_id
            return [event]
        match event:
            case ThreadItemAddedEvent(item=AssistantMessageItem() as item):
                store_id = self._issue(item.id)
                self._streaming[item.id] = store_id
                return [ThreadItemAddedEvent(item=_with_id(item, store_id))]
            case ThreadItemDoneEvent(item=AssistantMessageItem() as item):
                store_id = self._streaming.pop(item.id, None) or self._issue(item.id)
                return [ThreadItemDoneEvent(item=_with_id(item, store_id))]
            case ThreadItemDoneEvent(item=ClientToolCallItem() as item):
                fresh = item.model_copy(update={"id": self._new_id("tool_call")})
                return [ThreadItemDoneEvent(item=fresh)]
            case ThreadItemRemovedEvent(item_id=model_id) if model_id in self._issued:
                # A guardrail removes what the model produced: every message of it.
                self._streaming.pop(model_id, None)
                return [
                    ThreadItemRemovedEvent(item_id=store_id)
                    for store_id in self._issued.pop(model_id)
                ]
        return [event]

    def _issue(self, model_id: str) -> str:
        store_id = self._new_id("message")
        self._issued.setdefault(model_id, []).append(store_id)
        return store_id


def _with_id(item: AssistantMessageItem, item_id: str) -> AssistantMessageItem:
    return item.model_copy(update={"id": item_id})
