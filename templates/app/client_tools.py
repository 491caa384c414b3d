"""Client tools: tools the browser runs, not this server.

The agent calls one like any tool; the tool names what the browser should do
(`ClientToolCall`) and the run stops. ChatKit's client gets a pending client tool
call, runs its `onClientTool` handler and sends the result back with
`threads.add_client_tool_output`; the server then continues the answer with it.
"""

from agents import RunContextWrapper, function_tool
from chatkit.agents import AgentContext, ClientToolCall
from chatkit.types import ProgressUpdateEvent

from app.context import RequestContext


@function_tool
async def get_page_selection(
    ctx: RunContextWrapper[AgentContext[RequestContext]],
) -> str:
    """Read the text the user has selected on the page they are looking at."""
    # Shown while the browser answers; progress updates are never stored.
    await ctx.context.stream(ProgressUpdateEvent(text="Reading your selection…"))
    ctx.context.client_tool_call = ClientToolCall(
        name="get_page_selection", arguments={}
    )
    return "The browser was asked for the selection."
