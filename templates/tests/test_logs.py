"""Log lines: plain by default, one JSON object per line with
`CHATKIT_LOG_FORMAT=json`; a turn's line has its ids, duration and outcome,
and nothing at INFO holds what was said."""

import json
import logging
from collections.abc import Iterator

import pytest

from app.context import RequestContext
from app.logs import HANDLER_NAME, JsonFormatter, configure_logging
from tests.conftest import StartChat
from tests.support import replies, thread_id_of

SAID = "my bank PIN is 8812"
ANSWERED = "noted, 8812"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers, root.level = handlers, level


def turn_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("turn ")]


def test_a_turn_is_logged_with_its_ids_and_never_its_text(
    start_chat: StartChat,
    caplog: pytest.LogCaptureFixture,
    client_context: RequestContext,
) -> None:
    caplog.set_level(logging.INFO)
    chat = start_chat(replies(ANSWERED), log_format="json")
    thread_id = thread_id_of(chat.create_thread(SAID))

    (turn,) = turn_records(caplog)
    line = JsonFormatter().format(turn)
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "app.server"
    assert entry["outcome"] == "completed"
    assert entry["thread_id"] == thread_id
    assert entry["user_id"] == client_context.user_id
    assert entry["turn_id"].startswith("turn_")
    assert isinstance(entry["duration_ms"], int) and entry["duration_ms"] >= 0
    assert entry["message"].startswith("turn completed")
    assert f"turn_id={entry['turn_id']} thread_id={thread_id}" in entry["message"]
    for record in caplog.records:
        shown = JsonFormatter().format(record)
        assert "\n" not in shown
        assert "8812" not in shown, shown


def test_a_failed_turn_says_so(
    start_chat: StartChat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    chat = start_chat(replies(RuntimeError("the model is down")))
    events = chat.create_thread(SAID)
    assert "error" in [event["type"] for event in events]
    (turn,) = turn_records(caplog)
    assert turn.__dict__["outcome"] == "failed"


def test_json_format_writes_one_object_per_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", "json")
    logger = logging.getLogger("app.example")
    logger.info("two\nlines", extra={"thread_id": "thr_1", "unlisted": "x"})
    logging.getLogger("uvicorn.access").info("GET /health 200")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")

    lines = capsys.readouterr().err.splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["message"] for e in entries] == [
        "two\nlines",
        "GET /health 200",
        "failed",
    ]
    assert entries[0]["thread_id"] == "thr_1"
    assert "unlisted" not in entries[0]
    assert entries[1]["logger"] == "uvicorn.access"
    assert "ValueError: boom" in entries[2]["exception"]
    assert entries[2]["level"] == "ERROR"


def test_plain_format_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "plain")
    configure_logging("INFO", "plain")  # again, as at start-up: still one handler
    logging.getLogger("app.example").info("hello %s", "there")

    assert capsys.readouterr().err == "INFO app.example: hello there\n"
    root = logging.getLogger()
    assert [h.get_name() for h in root.handlers].count(HANDLER_NAME) == 1
