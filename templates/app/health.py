"""Liveness and readiness, both open to anyone (no credentials asked).

`GET /health` answers while the process serves requests; `GET /ready` only
while the store also answers a query within `ready_timeout_seconds`, so that a
load balancer sends no users to a replica whose database is gone.
"""

import asyncio
import logging

from fastapi import FastAPI

from app.errors import RequestError
from app.store import ChatStore

logger = logging.getLogger(__name__)


def add_health_routes(app: FastAPI, store: ChatStore, timeout: float) -> None:
    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready")
    async def ready() -> dict[str, str]:
        try:
            async with asyncio.timeout(timeout):
                await store.ping()
        except TimeoutError:
            reason = f"the store did not answer within {timeout:g} seconds"
            logger.warning("not ready: %s", reason)
        except Exception as exc:
            # The details (hosts, paths) go to the log, not to anonymous callers.
            reason = f"the store failed to answer ({type(exc).__name__})"
            logger.warning("not ready: %s: %s", reason, exc)
        else:
            return {"status": "ready"}
        raise RequestError(503, "not_ready", f"Not ready: {reason}.")
