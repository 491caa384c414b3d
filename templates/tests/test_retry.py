"""`threads.retry_after_item`: the answer after a user message is asked for again."""

from typing import Any

from agents import function_tool
from agents.testing import ScriptedModel, assistant_message, function_call

from app.agent import build_agent
from app.context import RequestContext
from tests.conftest import StartChat
from tests.support import PLACEHOLDER_ID, assistant_events, covers, thread_id_of
from tests.test_item_ids import describe


@covers("threads.retry_after_item")
def test_retry_replaces_the_answer_and_its_tool_calls(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    @function_tool
    def lookup(topic: str) -> str:
        """Look a topic up."""
        return f"notes on {topic}"

    model = ScriptedModel(
        [
            [
                assistant_message("Looking it up.", item_id=PLACEHOLDER_ID),
                function_call(
                    "lookup", {"topic": "ids"}, call_id="call_1", item_id=PLACEHOLDER_ID
                ),
            ],
            [assistant_message("First answer.", item_id=PLACEHOLDER_ID)],
            [assistant_message("Second answer.", item_id=PLACEHOLDER_ID)],
            [assistant_message("Third answer.", item_id=PLACEHOLDER_ID)],
        ]
    )
    chat = start_chat(build_agent(model).clone(tools=[lookup]))
    thread_id = thread_id_of(chat.create_thread("Find notes"))
    first_try = chat.stored_items(thread_id, client_context)
    question = first_try[0]

    events = chat.stream(
        "threads.retry_after_item", thread_id=thread_id, item_id=question.id
    )

    assert [e["type"] for e in events].count("error") == 0
    (answer_id,) = assistant_events(events)
    assert answer_id != PLACEHOLDER_ID
    stored = chat.stored_items(thread_id, client_context)
    assert [describe(item) for item in stored] == [
        "user: Find notes",
        "assistant: Second answer.",
    ]
    assert stored[0].id == question.id
    assert stored[1].id == answer_id
    assert not {item.id for item in first_try[1:]} & {item.id for item in stored}
    # The model saw the question once and nothing of the answer it replaced.
    assert texts_of(model.calls[-1].input) == ["Find notes"]

    # The next turn builds on the retried answer alone.
    chat.add_message(thread_id, "Thanks")
    assert texts_of(model.calls[-1].input) == ["Find notes", "Second answer.", "Thanks"]


def texts_of(model_input: str | list[Any]) -> list[str]:
    """The text of each message the model was sent, in order."""
    assert isinstance(model_input, list)
    texts = []
    for item in model_input:
        content = item.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts.append("".join(part.get("text", "") for part in content))
    return texts
