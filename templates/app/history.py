"""How stored thread items become model input."""

import json

from agents import TResponseInputItem
from chatkit.agents import ThreadItemConverter
from chatkit.types import AssistantMessageItem, HiddenContextItem, UserMessageTagContent
from openai.types.responses import ResponseInputContentParam

from app.tool_calls import ToolCallRecord

# An entity's data goes to the model as JSON, cut to this many characters.
TAG_DATA_LIMIT = 2_000


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

    async def tag_to_message_content(
        self, tag: UserMessageTagContent
    ) -> ResponseInputContentParam:
        """An @-mention: the entity's title, id and data, as a short context part."""
        data = json.dumps(tag.data, ensure_ascii=False, default=str)
        if len(data) > TAG_DATA_LIMIT:
            data = data[:TAG_DATA_LIMIT] + "…"
        return {
            "type": "input_text",
            "text": f"@{tag.text} (id {tag.id}): {data}",
        }
