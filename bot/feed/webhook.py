"""FluentBooking Pro's webhook feed, checked and turned into the watcher's changes.

Pro sites can POST a booking to a URL when it is scheduled, cancelled, rescheduled, ...
(set in the site's Webhooks integration, with request headers of your choice). The bot
serves `POST /fluentbooking/webhook` when `BOOKING_WEBHOOK_SECRET` is set; the secret
must come in the `X-Webhook-Secret` header (or `Authorization: Bearer`, or `?secret=`).
The booking then goes through `Watcher.apply`, the same pipeline as polling, so a
change the webhook told is not told again by the next look (and polling still catches
what a lost webhook missed).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from bot.feed.changes import Kind
from bot.feed.watcher import TellFailed, Watcher
from bot.fluentbooking.models import Booking
from bot.store import StoreError

log = logging.getLogger("bot.feed.webhook")

MAX_BODY = 256 * 1024
SECRET_HEADERS = ("x-webhook-secret", "x-fluentbooking-secret")
_EVENT_KEYS = ("event", "trigger", "action", "webhook_event", "event_type", "hook")
_EVENT_WORDS: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    (Kind.RESCHEDULED, ("reschedul",)),
    (Kind.CANCELLED, ("cancel",)),
    (Kind.REJECTED, ("reject", "declin")),
    (Kind.CONFIRMED, ("confirm", "approv")),
    (Kind.NEW, ("schedul", "creat", "book", "new", "pending")),
)


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class WebhookEvent:
    booking: Booking
    hint: Kind | None


class WebhookError(ValueError):
    """The payload is not a booking the bot can read; the message says why."""


def secret_matches(secret: str, headers: Mapping[str, str], query: str) -> bool:
    """Constant-time check of the secret a request carries against `secret`."""
    lowered = {k.lower(): v for k, v in headers.items()}
    given = [lowered.get(name, "") for name in SECRET_HEADERS]
    auth = lowered.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given.append(auth[7:].strip())
    given += parse_qs(query).get("secret", [])
    expected = secret.encode()
    found = False
    for value in given:
        if value and hmac.compare_digest(value.strip().encode(), expected):
            found = True
    return found


def parse_payload(body: bytes, content_type: str) -> WebhookEvent:
    """The booking and what happened to it, from a JSON or form-encoded payload."""
    if len(body) > MAX_BODY:
        raise WebhookError("the payload is too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookError("the payload is not UTF-8 text") from None
    data: Any
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise WebhookError("the payload is not valid JSON") from None
    else:
        data = {k: v[-1] for k, v in parse_qs(text).items()}
    if not isinstance(data, dict):
        raise WebhookError("the payload must be an object")
    nested = data.get("booking")
    raw: dict[str, Any] = nested if isinstance(nested, dict) else data
    try:
        booking = Booking.from_api(raw)
    except ValueError:
        raise WebhookError("the payload has no booking with a start_time") from None
    if booking.id <= 0:
        raise WebhookError("the payload's booking has no id")
    event = " ".join(str(data.get(k) or "") for k in _EVENT_KEYS).lower()
    hint = next((kind for kind, words in _EVENT_WORDS if any(w in event for w in words)), None)
    return WebhookEvent(booking, hint)


async def handle_webhook(
    watcher: Watcher | None,
    secret: str,
    *,
    headers: Mapping[str, str],
    query: str,
    body: bytes,
) -> WebhookAnswer:
    """Check, read and apply one webhook request; never raises."""
    if not secret or watcher is None:
        return WebhookAnswer(404, {"ok": False, "error": "webhooks are not enabled"})
    if not secret_matches(secret, headers, query):
        log.warning("webhook refused: missing or wrong secret")
        return WebhookAnswer(401, {"ok": False, "error": "missing or wrong secret"})
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    try:
        event = parse_payload(body, content_type)
    except WebhookError as exc:
        log.warning("webhook payload refused: %s", exc)
        return WebhookAnswer(400, {"ok": False, "error": str(exc)})
    try:
        told = await watcher.apply(event.booking, event.hint)
    except (TellFailed, StoreError) as exc:
        log.warning("webhook for booking %s not told now (%s); polling will", event.booking.id, exc)
        return WebhookAnswer(503, {"ok": False, "error": "not told now; the watcher will retry"})
    return WebhookAnswer(200, {"ok": True, "told": [c.kind.value for c in told]})
