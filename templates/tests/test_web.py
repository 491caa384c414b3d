"""CHATKIT_SERVE_WEB=1: the web UI's build at /, beside the API (app/web.py)."""

from pathlib import Path

import pytest

from app.security_headers import SECURITY_HEADERS
from app.startup import StartupError
from app.web import PAGE_HEADERS
from tests.conftest import StartChat
from tests.support import replies

INDEX = '<!doctype html><div id="root"></div><script src="/assets/app.js"></script>'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A stand-in for `npm run build`'s output."""
    build = tmp_path / "dist"
    (build / "assets").mkdir(parents=True)
    (build / "index.html").write_text(INDEX)
    (build / "assets" / "app.js").write_text("console.log('page');\n")
    (build / "ui-config.json").write_text('{"feedback": true}\n')
    return build


def test_the_page_and_its_files_are_served_at_the_root(
    start_chat: StartChat, dist: Path
) -> None:
    chat = start_chat(replies(), serve_web=True, web_dist=dist)
    page = chat.http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text == INDEX
    script = chat.http.get("/assets/app.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert chat.http.get("/ui-config.json").json() == {"feedback": True}
    assert chat.http.get("/assets/missing.js").status_code == 404


def test_the_page_may_run_chatkit_but_not_be_framed(
    start_chat: StartChat, dist: Path
) -> None:
    chat = start_chat(replies(), serve_web=True, web_dist=dist)
    headers = chat.http.get("/").headers
    for name, value in PAGE_HEADERS.items():
        assert headers[name] == value
    for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
        assert headers[name] == SECURITY_HEADERS[name]


def test_the_api_keeps_its_paths_and_headers(start_chat: StartChat, dist: Path) -> None:
    chat = start_chat(replies(), serve_web=True, web_dist=dist)
    assert chat.http.get("/health").json() == {"status": "ok"}
    listed = chat.send("threads.list", limit=10, order="desc")
    assert listed.status_code == 200
    assert listed.json()["data"] == []
    for name, value in SECURITY_HEADERS.items():
        assert listed.headers[name] == value


def test_a_missing_build_stops_the_start(start_chat: StartChat, tmp_path: Path) -> None:
    with pytest.raises(StartupError, match="npm run build"):
        start_chat(replies(), serve_web=True, web_dist=tmp_path / "nowhere")


def test_off_by_default(start_chat: StartChat, dist: Path) -> None:
    chat = start_chat(replies(), web_dist=dist)
    assert chat.http.get("/").status_code == 404
