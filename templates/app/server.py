"""The ChatKit server: loads a thread's history, runs the agent, streams its answer."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from agents import Agent, RunConfig, Runner
from chatkit.agents import AgentContext, ThreadItemConverter, stream_agent_response
from chatkit.server import ChatKitServer
from chatkit.types import ThreadMetadata, ThreadStreamEvent, UserMessageItem

from app.context import RequestContext
from app.item_ids import ItemIdRemapper
from app.store import ChatStore

logger = logging.getLogger(__name__)


class ChatServer(ChatKitServer[RequestContext]):
    def __init__(
        self,
        store: ChatStore,
        agent: Agent[Any],
        *,
        history_limit: int,
        converter: ThreadItemConverter | None = None,
        tracing: bool = True,
    ) -> None:
        super().__init__(store)
        self.agent = agent
        self.history_limit = history_limit
        # Subclass ThreadItemConverter to send attachments or @-mentions to the model.
        self.converter = converter or ThreadItemConverter()
        self.run_config = RunConfig(tracing_disabled=not tracing)

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        started = time.perf_counter()
        # The SDK saved `input_user_message` before calling us, so the newest items
        # already include it: it must not be appended to the input a second time.
        # "desc" then reversed: the most recent items, in chronological order.
        page = await self.store.load_thread_items(
            thread.id, None, self.history_limit, "desc", context
        )
        history = list(reversed(page.data))
        agent_input = await self.converter.to_agent_input(history)
        agent_context = AgentContext(
            thread=thread, store=self.store, request_context=context
        )
        result = Runner.run_streamed(
            self.agent,
            agent_input,
            context=agent_context,
            run_config=self.run_config,
        )
        item_ids = ItemIdRemapper(
            lambda: self.store.generate_item_id("message", thread, context)
        )
        outcome = "failed"
        try:
            async for event in stream_agent_response(agent_context, result):
                for remapped in item_ids.remap(event):
                    yield remapped
            outcome = "completed"
        except (asyncio.CancelledError, GeneratorExit):
            outcome = "cancelled"
            raise
        finally:
            # A failure itself reaches the client as an `error` event: the SDK
            # turns exceptions raised here into one and logs them.
            logger.info(
                "turn %s thread=%s history_items=%d duration_ms=%.0f",
                outcome,
                thread.id,
                len(history),
                (time.perf_counter() - started) * 1000,
            )
