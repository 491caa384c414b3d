"""Log output: plain lines, or one JSON object per line (`CHATKIT_LOG_FORMAT=json`).

A JSON line carries the time, level, logger and message, plus the fields a log
call passes in `extra=` (see FIELDS): a turn's id, thread, user, duration and
outcome. Nothing logged at INFO holds a message's text or an attachment's bytes.
"""

import json
import logging
import sys
import time

# `extra=` keys copied into each JSON object, when a record has them.
FIELDS = (
    "turn_id",
    "thread_id",
    "user_id",
    "request_type",
    "outcome",
    "duration_ms",
    "history_items",
    "reason",
)

PLAIN_FORMAT = "%(levelname)s %(name)s: %(message)s"
HANDLER_NAME = "chatkit"

# uvicorn's own loggers, which it gives handlers of its own.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            if field in record.__dict__:
                entry[field] = record.__dict__[field]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # json.dumps escapes line breaks: one record is always one line.
        return json.dumps(entry, default=str)


def configure_logging(level: str, log_format: str) -> None:
    """Send every log line to stderr in `log_format` ("plain" or "json").

    Called when the app is built and again when it starts, because uvicorn sets
    up its loggers in between when it is started from Python (`uvicorn.run`).
    Repeated calls replace this module's handler, never anyone else's.
    """
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if h.get_name() != HANDLER_NAME]
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(PLAIN_FORMAT)
    )
    root.addHandler(handler)
    root.setLevel(level)
    if log_format == "json":
        # uvicorn's start-up and access lines go through the same JSON handler.
        for name in UVICORN_LOGGERS:
            logger = logging.getLogger(name)
            logger.handlers.clear()
            logger.propagate = True


def log_event(logger: logging.Logger, event: str, **fields: object) -> None:
    """Log `event` at INFO with `fields`, e.g. `turn completed thread=thr_1 ...`
    in plain lines and as fields of their own in JSON ones. Pass ids and
    figures only: never a message's text."""
    text = " ".join([event, *(f"{key}={value}" for key, value in fields.items())])
    logger.info(text, extra=fields)
