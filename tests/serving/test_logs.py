"""LOG_LEVEL and LOG_FORMAT: one JSON object per line, the request id, no start-up noise."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from bot.logs import LogSettingError, configure_logging, log_options, request_id


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


def test_json_lines_carry_time_level_logger_message_and_request_id(restore_logging) -> None:
    out = io.StringIO()
    configure_logging({"LOG_FORMAT": "json", "LOG_LEVEL": "info"}, stream=out)
    log = logging.getLogger("bot.test")
    log.debug("not shown at INFO")
    token = request_id.set("r1234567")
    try:
        log.warning("booked %s\nsecond line", "#42")
    finally:
        request_id.reset(token)
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2  # one line per record, newlines and tracebacks escaped
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "WARNING" and first["logger"] == "bot.test"
    assert first["message"] == "booked #42\nsecond line"
    assert first["request_id"] == "r1234567"
    assert first["time"].endswith("+00:00")
    assert second["request_id"] is None
    assert "ValueError: boom" in second["exception"]


def test_text_format_tags_the_request_id(restore_logging) -> None:
    out = io.StringIO()
    configure_logging({"LOG_LEVEL": "DEBUG"}, stream=out)
    token = request_id.set("abcd0001")
    try:
        logging.getLogger("bot.test").debug("hello")
    finally:
        request_id.reset(token)
    assert "DEBUG bot.test [abcd0001] hello" in out.getvalue()


@pytest.mark.parametrize(
    ("env", "variable"),
    [({"LOG_LEVEL": "loud"}, "LOG_LEVEL"), ({"LOG_FORMAT": "xml"}, "LOG_FORMAT")],
)
def test_bad_log_settings_are_named(env: dict[str, str], variable: str) -> None:
    with pytest.raises(LogSettingError, match=variable):
        log_options(env)


def test_defaults_are_info_text() -> None:
    assert log_options({}) == (logging.INFO, "text")


def test_no_token_will_be_unused_warning_at_start(monkeypatch, caplog) -> None:
    """Bolt warns whenever SLACK_BOT_TOKEN is set, although the client carries it."""
    from bot.slack.app import build_app

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token-for-start")
    settings = SimpleNamespace(
        slack_bot_token=SimpleNamespace(value="xoxb-test-token-for-start"),
        slack_signing_secret=SimpleNamespace(value="s"),
        slack_api_url="http://127.0.0.1:9/api/",
    )
    caplog.set_level(logging.DEBUG)
    build_app(settings, fb_client=None, store=None)
    assert not [r for r in caplog.records if "will be unused" in r.getMessage()]


class _Tagged(logging.Handler):
    """Records as the bot's handler sees them: with the request id of their context."""

    def __init__(self) -> None:
        from bot.logs import _RequestTag

        super().__init__(level=logging.DEBUG)
        self.addFilter(_RequestTag())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_follow_up_work_and_the_users_reference_carry_the_requests_id(tmp_path) -> None:
    """The id set when the request came in is on the lines of the work after the ack,
    and it is the reference the user is given for a site error."""
    import re

    from support.leaks import register_stack_secrets

    from bot.demo.stack import start_local_stack
    from bot.localslack import U_ALICE

    handler = _Tagged()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with start_local_stack(tmp_path) as stack:
            register_stack_secrets(stack)
            stack.sandbox.set_faults(status=500, path="/calendars")
            await stack.requester.command("/slots", "demo tomorrow", U_ALICE)
            stack.wait_idle()
    finally:
        root.removeHandler(handler)
    quoted = [
        (m.group(1), r)
        for r in handler.records
        if (m := re.match(r"request (\w+): site error", r.getMessage()))
    ]
    assert quoted, [r.getMessage() for r in handler.records][-20:]
    for rid, record in quoted:
        assert record.request_id == rid
    site_calls = [
        r for r in handler.records if r.name == "httpx" and "/calendars" in r.getMessage()
    ]
    assert site_calls and all(r.request_id == quoted[0][0] for r in site_calls)
