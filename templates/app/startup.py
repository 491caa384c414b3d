"""Start-up checks: what the server cannot run without stops it at start, with
one sentence naming the variable or path to fix, instead of on the first turn."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class StartupError(Exception):
    """Why the server cannot start, in one sentence naming what to fix."""


def why(exc: BaseException) -> str:
    """An error's reason, short enough to end a StartupError's sentence."""
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


class ReportStartupErrors:
    """Pure ASGI middleware: when starting the app raises `StartupError`, the
    server (uvicorn) is told that sentence instead of a traceback, and exits."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold_failure(message: Message) -> None:
            # Starlette reports a failed start with its traceback, then raises.
            if message["type"] == "lifespan.startup.failed":
                held.append(message)
            else:
                await send(message)

        try:
            await self.app(scope, receive, hold_failure)
        except StartupError as exc:
            if held:
                held[:] = [{"type": "lifespan.startup.failed", "message": str(exc)}]
            raise
        finally:
            for message in held:
                await send(message)
