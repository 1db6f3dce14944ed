"""The front door for Slack's HTTP requests: size, signature and shape, before Bolt.

Anything the internet can send reaches this code, so it answers every bad request with a
4xx and logs one short line without the body: a body over `MAX_BODY_BYTES` is refused
from its Content-Length (or as soon as the chunks pass the limit) without being read
whole; an unsigned, badly signed or stale request is 401; a signed request whose
timestamp is not a number, whose body is not UTF-8, or whose payload is not a JSON
object of the shape Bolt expects is 400 (Bolt itself would raise and answer 500 with a
traceback). Bolt's own "invalid signature" log line, which carries the whole body, is
never reached for these (and `bot.logs.BoltNoise` drops it should it fire anyway).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

log = logging.getLogger("bot.http")

#: Slack's payloads are a few kilobytes; a view submission with every field is < 100 KB.
MAX_BODY_BYTES = 1024 * 1024
#: Slack refuses requests whose timestamp is more than five minutes off.
MAX_CLOCK_SKEW_SECONDS = 5 * 60

Receive = Callable[[], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Rejection:
    """Why a request is refused: the HTTP status and a short reason with no request data."""

    status: int
    reason: str


class BodyTooLarge(Exception):
    pass


async def read_body(receive: Receive, content_length: str | None, limit: int) -> bytes:
    """The whole request body, or BodyTooLarge without reading past `limit` bytes."""
    if content_length is not None:
        try:
            if int(content_length) > limit:
                raise BodyTooLarge
        except ValueError:
            pass  # the server rejects a malformed Content-Length itself
    chunks = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return bytes(chunks)
        chunks.extend(message.get("body", b""))
        if len(chunks) > limit:
            raise BodyTooLarge
        if not message.get("more_body", False):
            return bytes(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the already-read body on once, then the real one."""
    sent = False

    async def again() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def check_signature(
    headers: Mapping[str, str], body: bytes, secret: str, now: float | None = None
) -> Rejection | None:
    """Slack's v0 request signature (HMAC-SHA256 of "v0:{timestamp}:{body}")."""
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if not timestamp or not signature:
        return Rejection(401, "unsigned (no X-Slack-Signature or timestamp)")
    if not timestamp.isascii() or not timestamp.strip().isdigit():
        return Rejection(400, "X-Slack-Request-Timestamp is not a number")
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return Rejection(401, "stale timestamp (more than 5 minutes off)")
    base = b"v0:" + timestamp.strip().encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return Rejection(401, "bad signature")
    return None


def parse_payload(body: bytes, content_type: str | None) -> Any:
    """The request body read as Bolt reads it (JSON, form, or a form's `payload` field)."""
    text = body.decode("utf-8")  # UnicodeDecodeError: not UTF-8
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        return json.loads(text)
    if "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        return {} if payload is None else json.loads(payload)
    return dict(parse_qsl(text, keep_blank_values=True))


_OBJECT_FIELDS = ("view", "event", "message", "container", "state")
_NAMED_FIELDS = ("user", "team", "channel", "enterprise")


def check_payload(body: bytes, content_type: str | None) -> Rejection | None:
    """A signed body Bolt can dispatch without raising: a JSON object of the known shapes."""
    try:
        payload = parse_payload(body, content_type)
    except UnicodeDecodeError:
        return Rejection(400, "body is not UTF-8")
    except ValueError:
        return Rejection(400, "payload is not JSON")
    if not isinstance(payload, dict):
        return Rejection(400, f"payload is a JSON {_json_kind(payload)}, not an object")
    if not isinstance(payload.get("type", ""), str):
        return Rejection(400, "payload type is not a string")
    for name in _OBJECT_FIELDS:
        if name in payload and not isinstance(payload[name], dict):
            return Rejection(400, f"payload {name} is not an object")
    for name in _NAMED_FIELDS:
        if payload.get(name) is not None and not isinstance(payload[name], dict | str):
            return Rejection(400, f"payload {name} is neither an object nor an id")
    view = payload.get("view")
    if view is not None and not isinstance(view.get("type"), str):
        return Rejection(400, "payload view has no type")
    actions = payload.get("actions")
    if actions is not None and not (
        isinstance(actions, list) and all(isinstance(a, dict) for a in actions)
    ):
        return Rejection(400, "payload actions is not a list of objects")
    return None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


class RejectionLog:
    """One short line per refused request, at most `burst` lines per `window` seconds.

    Past the burst the lines are counted, and the next line says how many were not
    logged one by one: log volume stays bounded whatever unauthenticated traffic does."""

    def __init__(
        self,
        logger: logging.Logger = log,
        *,
        burst: int = 20,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger, self.burst, self.window, self.clock = logger, burst, window, clock
        self._lock = threading.Lock()
        self._window_start = clock()
        self._logged = 0
        self._suppressed = 0

    def __call__(self, rejection: Rejection, *, method: str, path: str, client: str, size: int):
        with self._lock:
            now = self.clock()
            if now - self._window_start >= self.window:
                self._window_start, self._logged = now, 0
            if self._logged >= self.burst:
                self._suppressed += 1
                return
            self._logged += 1
            suppressed, self._suppressed = self._suppressed, 0
        more = f"; {suppressed} more refused and not logged one by one" if suppressed else ""
        self.logger.warning(
            "refused %s %s from %s: %s %s (%d bytes)%s",
            method,
            _safe(path, 80),
            _safe(client, 60),
            rejection.status,
            rejection.reason,
            size,
            more,
        )


def _safe(text: str, limit: int) -> str:
    """At most `limit` characters, with control characters (newlines) escaped."""
    cut = text[:limit]
    escaped = cut.encode("unicode_escape").decode("ascii")
    return escaped + ("…" if len(text) > limit else "")
