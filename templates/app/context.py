"""Per-request context handed to the ChatKit server, the store and the agent's tools."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    """Who is making the request. Every store query is scoped by `user_id`."""

    user_id: str
