"""How stored thread items become model input."""

from agents import TResponseInputItem
from chatkit.agents import ThreadItemConverter
from chatkit.types import AssistantMessageItem, HiddenContextItem

from app.tool_calls import ToolCallRecord


class HistoryConverter(ThreadItemConverter):
    """Turns stored thread items into model input; subclass it to change how an
    item type reaches the model.

    Assistant messages go back as plain text: the stock conversion uses
    `output_text` parts, which Chat Completions based models refuse. The agent's
    stored tool calls go back as the call and its output (app/tool_calls.py).
    """

    async def assistant_message_to_input(
        self, item: AssistantMessageItem
    ) -> TResponseInputItem | list[TResponseInputItem] | None:
        text = "".join(part.text for part in item.content)
        return {"type": "message", "role": "assistant", "content": text}

    async def hidden_context_to_input(
        self, item: HiddenContextItem
    ) -> TResponseInputItem | list[TResponseInputItem] | None:
        record = ToolCallRecord.of(item)
        if record is not None:
            return record.to_input()
        return await super().hidden_context_to_input(item)
