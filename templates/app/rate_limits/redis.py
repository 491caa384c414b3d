"""Rate limits counted in Redis, shared by every replica.

Per user, two sorted sets: the turns of the last window (scored by start) and
the running streams' leases (scored by expiry). Each check is one Lua script,
which Redis runs atomically, on Redis's own clock.
"""

import uuid
from collections import defaultdict

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.rate_limits.base import (
    WINDOW_SECONDS,
    LimiterUnavailable,
    Limits,
    too_many_streams,
    too_many_turns,
)
from app.rate_limits.shared import SharedRateLimiter

# KEYS: turns, streams. ARGV: turn limit, stream limit, window ms, lease ms, id.
# Answers {"ok", 0}, {"streams", 0} or {"turns", ms until a turn frees up}.
TAKE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local turn_limit, stream_limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local window, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if stream_limit > 0 and redis.call('ZCARD', KEYS[2]) >= stream_limit then
  return {'streams', 0}
end
if turn_limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  if redis.call('ZCARD', KEYS[1]) >= turn_limit then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return {'turns', tonumber(oldest[2]) + window - now}
  end
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], window)
end
redis.call('ZADD', KEYS[2], now + lease, ARGV[5])
redis.call('PEXPIRE', KEYS[2], lease)
return {'ok', 0}
"""

# KEYS: streams. ARGV: lease ms, then the ids to renew (expired ones stay gone).
RENEW = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local lease = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[i])
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], lease)
end
return 0
"""


class RedisRateLimiter(SharedRateLimiter):
    def __init__(
        self,
        url: str,
        limits: Limits,
        *,
        lease_seconds: float,
        key_prefix: str = "chatkit:",
        timeout: float = 5.0,
    ) -> None:
        super().__init__(limits, lease_seconds=lease_seconds)
        self.key_prefix = key_prefix
        self.redis = Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        self._take = self.redis.register_script(TAKE)
        self._renew = self.redis.register_script(RENEW)

    async def open(self) -> None:
        try:
            await self.redis.ping()
        except RedisError as exc:
            raise LimiterUnavailable(f"Redis: {exc}") from exc
        await super().open()

    async def close(self) -> None:
        await super().close()
        await self.redis.aclose()

    def _keys(self, user_id: str) -> tuple[str, str]:
        # The braces keep a user's two keys in one Redis Cluster slot.
        base = f"{self.key_prefix}rate:{{{user_id}}}"
        return f"{base}:turns", f"{base}:streams"

    async def take(self, user_id: str) -> str:
        lease_id = uuid.uuid4().hex
        limits = self.limits
        try:
            verdict, wait_ms = await self._take(
                keys=self._keys(user_id),
                args=[
                    limits.turns_per_minute,
                    limits.concurrent_streams,
                    int(WINDOW_SECONDS * 1000),
                    int(self.lease_seconds * 1000),
                    lease_id,
                ],
            )
        except RedisError as exc:
            raise LimiterUnavailable(f"Redis: {exc}") from exc
        if verdict == "streams":
            raise too_many_streams(limits)
        if verdict == "turns":
            raise too_many_turns(limits, int(wait_ms) / 1000)
        return lease_id

    async def give_back(self, lease_id: str, user_id: str) -> None:
        await self.redis.zrem(self._keys(user_id)[1], lease_id)

    async def renew(self, leases: dict[str, str]) -> None:
        by_user: defaultdict[str, list[str]] = defaultdict(list)
        for lease_id, user_id in leases.items():
            by_user[user_id].append(lease_id)
        for user_id, lease_ids in by_user.items():
            await self._renew(
                keys=[self._keys(user_id)[1]],
                args=[int(self.lease_seconds * 1000), *lease_ids],
            )
