"""The web UI's build, served at / with `CHATKIT_SERVE_WEB=1`: one process then
serves the page and the API on one origin (no CORS set-up).

`npm run build` in web/ writes the build to `CHATKIT_WEB_DIST` (web/dist).
"""

from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from app.startup import StartupError

# The page runs ChatKit's script and frame from OpenAI's CDN: the API's
# `default-src 'none'` would block them, so the page's files only forbid framing.
# Revalidated on each load, so a new build shows at once.
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "frame-ancestors 'none'",
}


class WebBuild(StaticFiles):
    """The build's files, `index.html` at /, with `PAGE_HEADERS`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(PAGE_HEADERS)
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def check_web_build(dist: Path) -> None:
    """At start-up: the build is there, or the server stops and says what to run."""
    if not (dist / "index.html").is_file():
        raise StartupError(
            f"CHATKIT_SERVE_WEB is on but {dist / 'index.html'} is missing: "
            "run `npm run build` in web/ (or set CHATKIT_WEB_DIST to the build)."
        )


def add_web_routes(app: FastAPI, dist: Path) -> None:
    """Mount the build at /; call it after every API route, which keep their paths."""
    app.mount("/", WebBuild(directory=dist, html=True, check_dir=False), name="web")
