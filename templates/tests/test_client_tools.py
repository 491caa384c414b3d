"""The example client tool: the answer waits for the browser, then goes on with its result."""

from typing import Any

from agents import function_tool
from agents.testing import ScriptedModel, assistant_message, function_call
from chatkit.types import ClientToolCallItem, ThreadItem

from app.agent import build_agent
from app.context import RequestContext
from tests.conftest import StartChat
from tests.support import PLACEHOLDER_ID, covers, thread_id_of
from tests.test_item_ids import describe


@function_tool
def lookup(topic: str) -> str:
    """Look a topic up."""
    return f"notes on {topic}"


def ask_the_browser(call_id: str) -> list[Any]:
    return [
        function_call("get_page_selection", {}, call_id=call_id, item_id=PLACEHOLDER_ID)
    ]


def summary(item: ThreadItem) -> str:
    if isinstance(item, ClientToolCallItem):
        return f"client tool: {item.name} {item.status} -> {item.output}"
    return describe(item)


def outputs_sent(model_input: str | list[Any], call_id: str) -> list[Any]:
    assert isinstance(model_input, list)
    calls = [
        i
        for i in model_input
        if i.get("type") == "function_call" and i["call_id"] == call_id
    ]
    assert len(calls) == 1, calls
    return [
        i["output"]
        for i in model_input
        if i.get("type") == "function_call_output" and i["call_id"] == call_id
    ]


@covers("threads.add_client_tool_output")
def test_the_answer_waits_for_the_browser_and_goes_on_with_its_result(
    start_chat: StartChat, client_context: RequestContext
) -> None:
    model = ScriptedModel(
        [
            [
                assistant_message("Let me look.", item_id=PLACEHOLDER_ID),
                function_call(
                    "lookup", {"topic": "ids"}, call_id="call_1", item_id=PLACEHOLDER_ID
                ),
            ],
            ask_the_browser("call_2"),
            [assistant_message("You selected hello.", item_id=PLACEHOLDER_ID)],
            ask_the_browser("call_3"),
            [assistant_message("Now bye.", item_id=PLACEHOLDER_ID)],
        ]
    )
    agent = build_agent(model)
    chat = start_chat(agent.clone(tools=[lookup, *agent.tools]))

    first = chat.create_thread("What did I select?")
    thread_id = thread_id_of(first)

    assert "progress_update" in [e["type"] for e in first]
    pending = chat.stored_items(thread_id, client_context)
    # A server tool ran first, yet the pending client tool call is the last item:
    # the SDK takes the browser's answer only for the thread's last item.
    assert [summary(i) for i in pending] == [
        "user: What did I select?",
        "assistant: Let me look.",
        "tool call: lookup -> notes on ids",
        "client tool: get_page_selection pending -> None",
    ]

    answer = chat.stream(
        "threads.add_client_tool_output", thread_id=thread_id, result={"text": "hello"}
    )
    assert [e["type"] for e in answer].count("error") == 0
    assert outputs_sent(model.calls[-1].input, "call_2") == ['{"text": "hello"}']

    chat.add_message(thread_id, "And now?")
    chat.stream(
        "threads.add_client_tool_output", thread_id=thread_id, result={"text": "bye"}
    )

    stored = chat.stored_items(thread_id, client_context)
    assert [summary(i) for i in stored][3:] == [
        "client tool: get_page_selection completed -> {'text': 'hello'}",
        "assistant: You selected hello.",
        "user: And now?",
        "client tool: get_page_selection completed -> {'text': 'bye'}",
        "assistant: Now bye.",
    ]
    ids = [item.id for item in stored]
    assert len(set(ids)) == len(ids)
    assert PLACEHOLDER_ID not in ids
    # Progress updates reach the client and are never stored.
    assert all(item.type != "progress_update" for item in stored)
