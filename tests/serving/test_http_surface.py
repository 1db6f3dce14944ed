"""The HTTP surface under hostile or broken input: 4xx, one short line, bounded logs.

Signed but malformed payloads and bad timestamps used to reach Bolt and answer 500 with
a traceback; unsigned requests had their whole body logged at INFO (a newline in it
forged a log line). Every case here goes over loopback HTTP to the real bot server."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from support.leaks import register_stack_secrets

from bot.demo.stack import LocalStack, start_local_stack
from bot.serving.guard import MAX_BODY_BYTES


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with start_local_stack(tmp_path_factory.mktemp("surface")) as running:
        register_stack_secrets(running)
        yield running


class LogCapture(logging.Handler):
    """Every record of the process, formatted as the text log would write it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(("httpx", "httpcore")):  # the test's own client
            self.lines.append(self.format(record))

    @property
    def size(self) -> int:
        return sum(len(line) + 1 for line in self.lines)


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    capture = LogCapture()
    root = logging.getLogger()
    root.addHandler(capture)
    try:
        yield capture
    finally:
        root.removeHandler(capture)


def post(
    stack: LocalStack,
    body: bytes | str,
    *,
    signed: bool = True,
    timestamp: str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
    secret: str | None = None,
) -> httpx.Response:
    raw = body.encode() if isinstance(body, str) else body
    ts = timestamp if timestamp is not None else str(int(time.time()))
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
    if signed:
        key = secret or stack.slack.signing_secret
        base = b"v0:" + ts.encode() + b":" + raw
        digest = hmac.new(key.encode(), base, hashlib.sha256).hexdigest()
        headers["X-Slack-Signature"] = "v0=" + digest
    return httpx.post(stack.bot.events_url, content=raw, headers=headers, timeout=10)


def form(payload: Any) -> str:
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)})


MALFORMED = {
    "payload not JSON": form("{not json"),
    "payload a JSON list": form([1, 2]),
    "payload null": form("null"),
    "JSON body a list": ("[]", "application/json"),
    "JSON body null": ("null", "application/json"),
    "view without type": form(
        {
            "type": "view_submission",
            "user": {"id": "U_ALICE"},
            "team": {"id": "T_LOCAL"},
            "view": {"id": "V1", "callback_id": "book_modal", "state": {"values": {}}},
        }
    ),
    "view not an object": form({"type": "view_submission", "view": "V1"}),
    "actions not a list": form({"type": "block_actions", "actions": {"a": 1}}),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_signed_malformed_payload_is_400_with_one_short_line(
    stack: LocalStack, logs: LogCapture, case: str
) -> None:
    body = MALFORMED[case]
    if isinstance(body, tuple):
        resp = post(stack, body[0], content_type=body[1])
    else:
        resp = post(stack, body)
    assert resp.status_code == 400, resp.text
    assert "Traceback" not in resp.text
    problems = [line for line in logs.lines if " WARNING " in line or " ERROR " in line]
    assert len(problems) == 1, logs.lines
    assert "refused POST /slack/events" in problems[0] and "400" in problems[0]
    assert len(problems[0]) < 300
    assert not any("Traceback" in line for line in logs.lines)


def test_invalid_utf8_is_400(stack: LocalStack, logs: LogCapture) -> None:
    resp = post(stack, b"command=%2Fbook&text=\xff\xfe\xfd")
    assert resp.status_code == 400
    assert "UTF-8" in resp.json()["error"]
    assert sum("refused" in line for line in logs.lines) == 1


@pytest.mark.parametrize("timestamp", ["soon", "12:00", "1e9", "-", "0x5f5e100"])
def test_non_numeric_timestamp_is_400(stack: LocalStack, logs: LogCapture, timestamp: str) -> None:
    resp = post(stack, "command=%2Fslots&text=", timestamp=timestamp)
    assert resp.status_code == 400
    assert "timestamp" in resp.json()["error"].lower()
    assert not any("Traceback" in line for line in logs.lines)


def test_unsigned_bad_and_stale_requests_are_401(stack: LocalStack, logs: LogCapture) -> None:
    body = "command=%2Fslots&text=&response_url=http%3A%2F%2Fsecret.example%2Fhook"
    assert post(stack, body, signed=False).status_code == 401
    assert post(stack, body, secret="not-the-secret").status_code == 401
    stale = str(int(time.time()) - 600)
    assert post(stack, body, timestamp=stale).status_code == 401
    refused = [line for line in logs.lines if "refused" in line]
    assert len(refused) == 3
    assert not any("secret.example" in line for line in logs.lines)  # never the body


def test_body_over_the_limit_is_413_before_it_is_read(stack: LocalStack, logs: LogCapture) -> None:
    big = b"text=" + b"a" * (MAX_BODY_BYTES + 10)
    resp = post(stack, big)
    assert resp.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts the chunks
        for _ in range(MAX_BODY_BYTES // 65536 + 4):
            yield b"b" * 65536

    resp = httpx.post(
        stack.bot.events_url,
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert resp.status_code == 413
    assert sum("413" in line for line in logs.lines) == 2


def test_a_signed_well_formed_command_still_goes_through(stack: LocalStack) -> None:
    body = urlencode(
        {
            "command": "/slots",
            "text": "help",
            "user_id": "U_ALICE",
            "team_id": "T_LOCAL",
            "channel_id": "C_GENERAL",
            "trigger_id": "1.2.x",
            "response_url": f"{stack.slack.base_url}/response/none",
        }
    )
    assert post(stack, body).status_code == 200


def test_log_growth_is_bounded_whatever_unsigned_traffic_sends(
    stack: LocalStack, logs: LogCapture
) -> None:
    """60 unsigned 900 KB bodies full of newlines and forged ERROR lines: the log grows
    by a few kilobytes, no line holds the body, no forged line appears."""
    forged = b"\n2026-12-01 10:00:00,000 ERROR bot FORGED database wiped\n"
    body = (b"x" * 1000 + forged) * 850
    sent = 0
    with httpx.Client(timeout=10) as client:
        for _ in range(60):
            resp = client.post(
                stack.bot.events_url,
                content=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp": str(int(time.time())),
                    "X-Slack-Signature": "v0=" + "0" * 64,
                },
            )
            assert resp.status_code == 401
            sent += len(body)
    assert sent > 50_000_000
    assert logs.size < 8_000, logs.size  # burst of 20 short lines, then counted only
    assert not any("FORGED" in line for line in logs.lines)
    assert all("\n" not in line for line in logs.lines)
