"""What the limiters shared by several replicas have in common: expiring leases.

A replica that dies (kill -9, a lost machine) cannot give its stream slots back.
So every slot is a lease that expires `lease_seconds` after it was last renewed,
and each process renews the leases it holds, all at once, three times per lease
period. A crashed replica's slots come free within `lease_seconds`.
"""

import asyncio
import contextlib
import logging
from abc import abstractmethod

from app.rate_limits.base import Limits, RateLimiter

logger = logging.getLogger(__name__)


class SharedRateLimiter(RateLimiter):
    def __init__(self, limits: Limits, *, lease_seconds: float) -> None:
        super().__init__(limits)
        self.lease_seconds = lease_seconds
        # The leases this process holds: lease id -> user id.
        self.held: dict[str, str] = {}
        self._renewer: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self._renewer = asyncio.create_task(self._renew_forever())

    async def close(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
            self._renewer = None

    async def acquire(self, user_id: str) -> str:
        lease_id = await self.take(user_id)
        self.held[lease_id] = user_id
        return lease_id

    async def release(self, lease_id: str) -> None:
        user_id = self.held.pop(lease_id, None)
        if user_id is None:
            return
        try:
            await self.give_back(lease_id, user_id)
        except Exception:
            # The lease expires by itself; nothing is lost but a slot for a while.
            logger.exception("could not release a stream lease; it will expire")

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                await self.renew(dict(self.held))
            except Exception:
                logger.exception("could not renew stream leases")

    @abstractmethod
    async def take(self, user_id: str) -> str:
        """`acquire` on the shared counter, with an expiring lease."""

    @abstractmethod
    async def give_back(self, lease_id: str, user_id: str) -> None:
        """Delete the lease."""

    @abstractmethod
    async def renew(self, leases: dict[str, str]) -> None:
        """Push the expiry of these leases (id -> user) `lease_seconds` ahead,
        and forget whatever expired."""
