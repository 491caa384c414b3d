"""Rate limits counted in this process: right for a single server."""

import time
import uuid
from collections import deque
from collections.abc import Callable

from app.rate_limits.base import (
    WINDOW_SECONDS,
    Limits,
    RateLimiter,
    too_many_streams,
    too_many_turns,
)


class MemoryRateLimiter(RateLimiter):
    def __init__(
        self, limits: Limits, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(limits)
        self._clock = clock
        # Per user: when their turns of the last window started, oldest first.
        self._turns: dict[str, deque[float]] = {}
        # Per user: the ids of their streams running now; lease id -> user.
        self._streams: dict[str, set[str]] = {}
        self._owners: dict[str, str] = {}
        self._swept_at = clock()

    async def acquire(self, user_id: str) -> str:
        # No await in here: the check and the count cannot interleave with another.
        limits = self.limits
        streams = self._streams.get(user_id, set())
        if limits.concurrent_streams and len(streams) >= limits.concurrent_streams:
            raise too_many_streams(limits)
        now = self._clock()
        if now - self._swept_at > WINDOW_SECONDS:
            self._forget_idle_users(now)
        turns = self._turns.setdefault(user_id, deque())
        while turns and turns[0] <= now - WINDOW_SECONDS:
            turns.popleft()
        if limits.turns_per_minute and len(turns) >= limits.turns_per_minute:
            raise too_many_turns(limits, turns[0] + WINDOW_SECONDS - now)
        if limits.turns_per_minute:
            turns.append(now)
        elif not turns:
            del self._turns[user_id]
        lease_id = uuid.uuid4().hex
        self._streams.setdefault(user_id, set()).add(lease_id)
        self._owners[lease_id] = user_id
        return lease_id

    async def release(self, lease_id: str) -> None:
        user_id = self._owners.pop(lease_id, None)
        if user_id is None:
            return
        streams = self._streams[user_id]
        streams.discard(lease_id)
        if not streams:
            del self._streams[user_id]

    def _forget_idle_users(self, now: float) -> None:
        """Drop the counts of users with no turn in the last window."""
        self._swept_at = now
        for user_id, turns in list(self._turns.items()):
            if turns[-1] <= now - WINDOW_SECONDS:
                del self._turns[user_id]
