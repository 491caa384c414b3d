"""The app's shutdown waits for running requests before it closes the store."""

import asyncio

import pytest

from app.shutdown import CountRequests, RunningRequests


async def test_requests_are_counted_until_they_end() -> None:
    running = RunningRequests()
    release = asyncio.Event()

    async def endpoint(scope: object, receive: object, send: object) -> None:
        await release.wait()

    app = CountRequests(endpoint, running)  # type: ignore[arg-type]
    request = asyncio.create_task(app({"type": "http"}, None, None))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    assert running.count == 1
    assert not await running.drained(0.1)

    release.set()
    assert await running.drained(1.0)
    await request


async def test_a_cancelled_request_is_no_longer_counted() -> None:
    running = RunningRequests()

    async def endpoint(scope: object, receive: object, send: object) -> None:
        await asyncio.sleep(60)

    app = CountRequests(endpoint, running)  # type: ignore[arg-type]
    request = asyncio.create_task(app({"type": "http"}, None, None))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    assert running.count == 0
    assert await running.drained(0)
