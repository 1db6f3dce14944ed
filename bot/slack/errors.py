"""One place that turns an exception into what the user sees, where they are looking.

Site errors carry their own user message (what happened, what to do). Date errors say
how to write the time. Anything unexpected is logged with a short request id and the
user gets a one-line apology quoting it; no stack trace or secret ever reaches Slack.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.booking import BookingPending
from bot.logs import request_id
from bot.slack import blocks
from bot.slack.codec import WireError

log = logging.getLogger("bot.slack")


def new_request_id() -> str:
    """The id of the request being answered (the one every log line of it carries, see
    bot.logs), so the id an apology quotes finds its lines; a fresh one outside a request."""
    return request_id.get() or secrets.token_hex(4)


@dataclass(frozen=True)
class UserError:
    message: str
    request_id: str | None = None
    kind: str = "unexpected"


def describe(exc: BaseException, *, action: str = "that") -> UserError:
    """The words for the user; logs as it goes (never a secret: only our own text)."""
    from bot.dates import DateParseError
    from bot.fluentbooking import FluentBookingError

    if isinstance(exc, FluentBookingError):
        log.warning("site error during %s: %s (%s)", action, exc.kind, exc.detail or exc.status)
        if exc.kind in {"server", "bad_response"}:
            rid = new_request_id()
            log.warning("request %s: site error kind=%s status=%s", rid, exc.kind, exc.status)
            return UserError(exc.user_message, rid, exc.kind)
        return UserError(exc.user_message, None, exc.kind)
    if isinstance(exc, DateParseError):
        return UserError(
            f"{exc} Try something like `tomorrow 3pm` or `next tue 10:30` "
            "(`/book help` lists what I understand).",
            None,
            "date",
        )
    if isinstance(exc, BookingPending):
        return UserError(exc.user_message, None, "pending")
    if isinstance(exc, WireError):
        rid = new_request_id()
        log.warning("request %s: refused a value from Slack during %s: %s", rid, action, exc.detail)
        return UserError(exc.user_message, rid, exc.kind)
    store_error = _store_error_type()
    if store_error is not None and isinstance(exc, store_error):
        rid = new_request_id()
        log.error("request %s: state store error during %s: %s", rid, action, exc)
        return UserError(
            "The bot's database is not reachable right now, so nothing was booked. "
            "Try again in a minute.",
            rid,
            "store",
        )
    rid = new_request_id()
    log.error("request %s: unexpected error during %s", rid, action, exc_info=exc)
    return UserError(
        f"Sorry, something went wrong on my side (reference {rid}). "
        "Please try again; if it keeps happening, give the reference to your admin.",
        rid,
    )


def _store_error_type() -> type[BaseException] | None:
    try:
        from bot.store import StoreError
    except ImportError:  # pragma: no cover - the store lands separately
        return None
    return StoreError


async def tell(respond: AsyncRespond, exc: BaseException, *, action: str = "that") -> None:
    """Report an error as an ephemeral message through response_url."""
    err = describe(exc, action=action)
    try:
        await respond(
            **blocks.error_message(err.message, err.request_id),
            response_type="ephemeral",
            replace_original=False,
        )
    except Exception:
        log.exception("could not tell the user about an error (request %s)", err.request_id)


async def show_in_modal(
    client: AsyncWebClient,
    view_id: str,
    exc: BaseException,
    error_view: Callable[[str, str | None], dict[str, Any]],
    *,
    action: str = "the booking form",
) -> None:
    """Report an error by replacing the modal's content with `error_view(message, rid)`."""
    err = describe(exc, action=action)
    try:
        await client.views_update(view_id=view_id, view=error_view(err.message, err.request_id))
    except Exception:
        log.exception("could not show an error in the modal (request %s)", err.request_id)
