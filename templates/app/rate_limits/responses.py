"""The HTTP side of the limits: 429 and 503 answers, and a stream holding its slot.

The slot is held by the response itself, as an ASGI app wrapping the stream's:
it is given back just before the last body message goes out, or when the
response ends otherwise (the client gone, cancelled at shutdown). The chunks
pass through unchanged: only each message's type is looked at, no re-streaming.
"""

import logging
from collections.abc import Awaitable, Callable

import anyio
from fastapi.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send

from app.logs import log_event
from app.rate_limits.base import LimiterUnavailable, RateLimited, RateLimiter

logger = logging.getLogger(__name__)

UNAVAILABLE_RETRY_AFTER = 5


async def limit_stream(
    limiter: RateLimiter,
    user_id: str,
    start: Callable[[], Awaitable[Response]],
) -> Response:
    """`start()`'s streaming response if the user may start a turn, else 429 (or
    503 when the counter is unreachable). The refused stream is never started."""
    try:
        lease_id = await limiter.acquire(user_id)
    except RateLimited as exc:
        log_event(logger, "turn refused", user_id=user_id, reason=exc.code)
        return _error(429, exc.code, exc.message, exc.retry_after)
    except LimiterUnavailable as exc:
        logger.error("rate limiter unavailable: %s", exc)
        return _error(
            503,
            "rate_limiter_unavailable",
            "The server cannot check its rate limits right now.",
            UNAVAILABLE_RETRY_AFTER,
        )
    try:
        response = await start()
    except BaseException:
        await _release(limiter, lease_id)
        raise
    return LeasedResponse(response, lambda: _release(limiter, lease_id))


class LeasedResponse(Response):
    """`inner`, calling `release()` as it ends (see the module docstring)."""

    def __init__(self, inner: Response, release: Callable[[], Awaitable[None]]) -> None:
        # Not Response.__init__: there is no body of its own to render.
        self.inner = inner
        self.release = release
        self.status_code = inner.status_code
        self.raw_headers = inner.raw_headers
        self.background = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_releasing_before_the_end(message: Message) -> None:
            # The slot is free before the client sees the end of the answer, so a
            # turn it sends right after is admitted. Other messages pass as they are.
            if message["type"] == "http.response.body" and not message.get("more_body"):
                await self.release()
            await send(message)

        try:
            await self.inner(scope, receive, send_releasing_before_the_end)
        finally:
            await self.release()


async def _release(limiter: RateLimiter, lease_id: str) -> None:
    # Shielded: a cancelled stream (shutdown, a lost client) still frees its slot.
    with anyio.CancelScope(shield=True):
        await limiter.release(lease_id)


def _error(status: int, code: str, message: str, retry_after: int) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}},
        status,
        headers={"Retry-After": str(retry_after)},
    )
