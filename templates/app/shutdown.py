"""Graceful shutdown: the requests still running when the app is told to stop.

On SIGTERM uvicorn stops accepting connections, lets running requests (streamed
answers) go on for up to `--timeout-graceful-shutdown` seconds, cancels what is
left, and runs the app's shutdown right away, while the cancelled requests may
still be cleaning up: saving a partial answer, giving back a rate-limit slot.
`RunningRequests` counts requests so that the shutdown can wait for them before
it closes the store. It is pure ASGI middleware: it never sees a body chunk.
"""

import asyncio
import logging
import time

from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)


class RunningRequests:
    """How many HTTP requests are being handled now."""

    def __init__(self) -> None:
        self.count = 0

    async def drained(self, timeout: float) -> bool:
        """Wait until none is running, for at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        # Polled rather than awaited on an Event: tests run one app on several loops.
        while self.count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.count:
            logger.warning("%d requests still running at shutdown", self.count)
        return not self.count


class CountRequests:
    def __init__(self, app: ASGIApp, running: RunningRequests) -> None:
        self.app = app
        self.running = running

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.running.count += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.running.count -= 1
