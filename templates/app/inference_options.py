"""The composer's menus: a tool or a model the user picked for one message."""

import logging
from collections.abc import Collection
from typing import Any

from agents import Agent, ModelSettings
from chatkit.types import InferenceOptions

logger = logging.getLogger(__name__)


def apply_inference_options(
    agent: Agent[Any], options: InferenceOptions | None, *, models: Collection[str]
) -> Agent[Any]:
    """`agent` with the client's choices applied where this server offers them.

    A tool the agent does not have, or a model outside `models`, is ignored with
    a log line: the client's menus are not a way to reach anything else.
    """
    if options is None:
        return agent
    changes: dict[str, Any] = {}
    if options.tool_choice is not None:
        name = options.tool_choice.id
        if name in {tool.name for tool in agent.tools}:
            changes["model_settings"] = agent.model_settings.resolve(
                ModelSettings(tool_choice=name)
            )
        else:
            logger.info("ignoring tool_choice %r: the agent has no such tool", name)
    if options.model is not None:
        if options.model in models:
            changes["model"] = options.model
        else:
            logger.info(
                "ignoring model %r: not in CHATKIT_COMPOSER_MODELS", options.model
            )
    return agent.clone(**changes) if changes else agent
