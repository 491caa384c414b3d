"""The composer's tool and model menus reach the agent only where the server offers them."""

from typing import Any

from agents import function_tool
from agents.testing import ScriptedModel, assistant_message
from chatkit.types import InferenceOptions, ToolChoice

from app.agent import build_agent
from app.inference_options import apply_inference_options
from tests.conftest import StartChat
from tests.support import thread_id_of, user_input


@function_tool
def lookup(topic: str) -> str:
    """Look a topic up."""
    return f"notes on {topic}"


def with_options(text: str, **options: Any) -> dict[str, Any]:
    return {**user_input(text), "inference_options": options}


def test_a_tool_choice_the_agent_has_is_applied(start_chat: StartChat) -> None:
    model = ScriptedModel(
        [[assistant_message(text, item_id=f"msg_{n}")] for n, text in enumerate("ab")]
    )
    chat = start_chat(build_agent(model).clone(tools=[lookup]))

    events = chat.stream(
        "threads.create", input=with_options("Hi", tool_choice={"id": "lookup"})
    )
    assert model.calls[-1].model_settings.tool_choice == "lookup"

    chat.stream(
        "threads.add_user_message",
        thread_id=thread_id_of(events),
        input=with_options("Again", tool_choice={"id": "delete_everything"}),
    )
    assert model.calls[-1].model_settings.tool_choice is None
    assert [e["type"] for e in events].count("error") == 0


def test_a_model_is_switched_only_when_offered() -> None:
    agent = build_agent("gpt-configured")
    offered = {"gpt-small", "gpt-large"}

    picked = apply_inference_options(
        agent, InferenceOptions(model="gpt-large"), models=offered
    )
    refused = apply_inference_options(
        agent, InferenceOptions(model="gpt-secret"), models=offered
    )

    assert picked.model == "gpt-large"
    assert refused is agent
    assert apply_inference_options(agent, None, models=offered) is agent
    no_tool = InferenceOptions(tool_choice=ToolChoice(id="lookup"))
    assert apply_inference_options(agent, no_tool, models=offered) is agent
