"""Per-user limits on turns per minute and on streams running at once.

A turn is any streamed request (a new message, a retry, a widget action, a client
tool's answer): each one may run the model. Both limits are checked before the
stream starts, so a refusal is always a plain 429 with `Retry-After`, and nothing
of the refused request reaches the store.
"""

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

# Turns are counted over a sliding window of this many seconds.
WINDOW_SECONDS = 60.0

# What a client refused for too many streams is told to wait: streams end at
# unknown times, so this is a polite interval, not a promise.
STREAMS_RETRY_AFTER = 2


@dataclass(frozen=True)
class Limits:
    turns_per_minute: int
    """0: no limit on turns."""
    concurrent_streams: int
    """0: no limit on streams at once."""


class RateLimited(Exception):
    """A turn refused; answered with 429 and `Retry-After` (app/rate_limits/responses.py)."""

    def __init__(self, code: str, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        # Retry-After takes whole seconds; rounding down would invite a retry too early.
        self.retry_after = max(1, math.ceil(retry_after))


class LimiterUnavailable(Exception):
    """The shared counter (database, Redis) could not be asked; answered with 503."""


def too_many_turns(limits: Limits, retry_after: float) -> RateLimited:
    return RateLimited(
        "rate_limited",
        f"You may start {limits.turns_per_minute} turns per minute; "
        f"try again in {max(1, math.ceil(retry_after))} s.",
        retry_after,
    )


def too_many_streams(limits: Limits) -> RateLimited:
    return RateLimited(
        "too_many_streams",
        f"You may have {limits.concurrent_streams} answers streaming at once; "
        "wait for one to finish.",
        STREAMS_RETRY_AFTER,
    )


class RateLimiter(ABC):
    """Admits a user's turn and holds a lease on one stream slot until it ends."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    # Optional hooks, empty here: the memory limiter needs neither.
    async def open(self) -> None:  # noqa: B027
        """Connect or start background work; called once at app start-up."""

    async def close(self) -> None:  # noqa: B027
        """Release what `open` took; called once at shutdown."""

    @abstractmethod
    async def acquire(self, user_id: str) -> str:
        """Count a turn and take a stream slot; return the lease's id.

        Raises RateLimited when either limit is reached (then nothing is
        counted), LimiterUnavailable when the counter cannot be reached.
        """

    @abstractmethod
    async def release(self, lease_id: str) -> None:
        """Give the stream slot back; releasing twice is harmless."""
