"""Process logging: LOG_LEVEL, LOG_FORMAT (text or json), and the request id.

`configure_logging()` is called once by the serving commands. With `LOG_FORMAT=json`
every record is one JSON object on one line (time, level, logger, message, request_id,
and the traceback as `exception`), the shape log collectors read without parsing rules.
The request id is a context variable: the HTTP front door sets it for each Slack request,
and the tasks started while answering inherit it, so the follow-up work of one request
(site calls, the DM, the announcement) carries the same id as its ack.
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request_tag)s %(message)s"

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id() -> str:
    return secrets.token_hex(4)


class LogSettingError(ValueError):
    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


def log_options(env: Mapping[str, str]) -> tuple[int, str]:
    """(level, format) from LOG_LEVEL (default INFO) and LOG_FORMAT (default text)."""
    level_name = (env.get("LOG_LEVEL") or "INFO").strip().upper()
    if level_name not in LEVELS:
        raise LogSettingError(
            "LOG_LEVEL", f"must be one of {', '.join(LEVELS)}, got {level_name!r}"
        )
    fmt = (env.get("LOG_FORMAT") or "text").strip().lower()
    if fmt not in FORMATS:
        raise LogSettingError("LOG_FORMAT", f"must be text or json, got {fmt!r}")
    return logging.getLevelName(level_name), fmt


def access_log_option(env: Mapping[str, str]) -> bool:
    """LOG_ACCESS: 1/true/yes/on writes uvicorn's access log; default off."""
    raw = (env.get("LOG_ACCESS") or "0").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise LogSettingError("LOG_ACCESS", f"must be 1 or 0, got {raw!r}")


class _RequestTag(logging.Filter):
    """Adds `request_id` (None outside a request) and `request_tag` (" [id]" or "")."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = getattr(record, "request_id", None) or request_id.get()
        record.request_id = rid
        record.request_tag = f" [{rid}]" if rid else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines in messages are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(
    env: Mapping[str, str], *, stream: TextIO | None = None, uvicorn_access: bool | None = None
) -> None:
    """Set up the root logger from LOG_LEVEL/LOG_FORMAT/LOG_ACCESS (raises LogSettingError).

    uvicorn's own loggers are routed through the same handler, so with json every line
    of the process is JSON, access log included. The access log (a line per HTTP
    request, all of them POST /slack/events) is off unless LOG_ACCESS=1: under load its
    formatting and writing cost a noticeable share of each request's CPU."""
    level, fmt = log_options(env)
    if uvicorn_access is None:
        uvicorn_access = access_log_option(env)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(_RequestTag())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_bot_handler", False):
            root.removeHandler(old)
    handler._bot_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = not uvicorn_access


class BoltNoise(logging.Filter):
    """Drops two Bolt records: "Invalid request signature detected (… body: …)", which
    writes whatever an unauthenticated sender posted into the log (the front door logs
    its own one-line refusal), and the start-up warning "`token` will be unused", which
    Bolt prints whenever SLACK_BOT_TOKEN is set although the client carries that token."""

    NOISE = ("Invalid request signature detected", "As you gave `client` as well, `token`")

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.NOISE)


BOLT_NOISE = BoltNoise()
