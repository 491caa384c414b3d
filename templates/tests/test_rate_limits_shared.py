"""Limits shared by replicas: two limiters on one counter act as one, and a
crashed replica's stream slots expire while a live one's are renewed."""

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from app.rate_limits import RateLimited, build_rate_limiter
from app.rate_limits.shared import SharedRateLimiter
from app.settings import Settings
from app.store import ChatStore

Replica = Callable[..., SharedRateLimiter]


@pytest.fixture
async def replica(settings: Settings, store: ChatStore) -> AsyncIterator[Replica]:
    """Builds limiters as separate replicas would, all on the test's counter."""
    started: list[SharedRateLimiter] = []

    def build(*, opened: bool = True, **overrides: object) -> SharedRateLimiter:
        limiter = build_rate_limiter(settings.model_copy(update=overrides), store)
        assert isinstance(limiter, SharedRateLimiter)
        started.append(limiter)
        return limiter

    yield build
    for limiter in started:
        await limiter.close()


async def open_replicas(
    replica: Replica, n: int, **overrides: object
) -> list[SharedRateLimiter]:
    limiters = [replica(**overrides) for _ in range(n)]
    for limiter in limiters:
        await limiter.open()
    return limiters


async def test_turns_are_counted_across_replicas(replica: Replica) -> None:
    one, two = await open_replicas(replica, 2, rate_limit_turns_per_minute=3)
    for limiter in [one, two, one]:
        await limiter.release(await limiter.acquire("alice"))
    for limiter in [one, two]:
        with pytest.raises(RateLimited) as refused:
            await limiter.acquire("alice")
        assert refused.value.code == "rate_limited"
        assert 1 <= refused.value.retry_after <= 60
    await two.acquire("bob")


async def test_streams_are_counted_across_replicas(replica: Replica) -> None:
    one, two = await open_replicas(replica, 2, rate_limit_concurrent_streams=2)
    held = await one.acquire("alice")
    await two.acquire("alice")
    with pytest.raises(RateLimited) as refused:
        await one.acquire("alice")
    assert refused.value.code == "too_many_streams"
    await one.release(held)
    await two.acquire("alice")


async def test_simultaneous_turns_never_overshoot(replica: Replica) -> None:
    limiters = await open_replicas(
        replica, 2, rate_limit_turns_per_minute=5, rate_limit_concurrent_streams=0
    )

    async def attempt(n: int) -> bool:
        try:
            await limiters[n % 2].acquire("alice")
        except RateLimited:
            return False
        return True

    admitted = await asyncio.gather(*(attempt(n) for n in range(20)))
    assert sum(admitted) == 5


async def test_a_crashed_replicas_slots_expire(replica: Replica) -> None:
    # Never opened: it renews nothing, as a killed process would not.
    crashed = replica(rate_limit_concurrent_streams=1, rate_limit_lease_seconds=1)
    alive = replica(rate_limit_concurrent_streams=1, rate_limit_lease_seconds=1)
    await alive.open()
    await crashed.acquire("alice")
    with pytest.raises(RateLimited):
        await alive.acquire("alice")
    await asyncio.sleep(1.3)
    await alive.acquire("alice")


async def test_a_live_replica_keeps_its_slots(replica: Replica) -> None:
    (alive,) = await open_replicas(
        replica, 1, rate_limit_concurrent_streams=1, rate_limit_lease_seconds=1
    )
    other = replica(rate_limit_concurrent_streams=1, rate_limit_lease_seconds=1)
    await alive.acquire("alice")
    # Three lease periods: renewed all along, the slot is still taken.
    await asyncio.sleep(3)
    with pytest.raises(RateLimited):
        await other.acquire("alice")
