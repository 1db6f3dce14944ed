"""The one error path: an exception → what the user sees, where they are looking.

Work handed off after the ack runs through `reported(work, surface)` (`Deps.spawn_for`):
a failure that escapes it is told once, on the surface the request came from — the
response URL (`ResponseUrl`), the modal open for it (`OpenModal`, views.update) or, with
neither, a DM (`DirectMessage`). A flow that opens a modal moves its failures there with
`move_to`. The words come from the error itself: anything carrying a `user_message` (the
site's error tree in `bot.fluentbooking.errors`, `BookingPending`, the codec's
`WireError`, the bot's own `BotError`s) is shown with it; date errors say how to write the
time; anything unexpected gets a one-line apology quoting the request id. Every failure is
logged once with the request id (the detail and traceback in the log, never in Slack).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.booking import BookingPending
from bot.logs import request_id
from bot.slack import blocks
from bot.slack.codec import WireError
from bot.slack.shapes import View
from bot.store import StoreError

log = logging.getLogger("bot.slack")


def new_request_id() -> str:
    """The id of the request being answered (the one every log line of it carries, see
    bot.logs), so the id an apology quotes finds its lines; a fresh one outside a request."""
    return request_id.get() or secrets.token_hex(4)


#: what a Slack Web API call fails with: Slack's refusal ({"ok": false}), the connection,
#: the deadline. Catch these (not Exception) where a failed call must not fail the rest.
SLACK_CALL_FAILED: tuple[type[BaseException], ...] = (
    SlackClientError,
    aiohttp.ClientError,
    TimeoutError,
)


def slack_error(exc: BaseException) -> str:
    """Slack's error code (`not_in_channel`...) for the log, else the exception's type."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or "unknown")
    return type(exc).__name__


class BotError(Exception):
    """A failure of the bot's own that the user can act on; `user_message` is plain text
    (the error message escapes it) shown as it is, without a reference."""

    kind = "bot"

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class NotFound(BotError, LookupError):
    """Someone or something the user named does not exist (a member, a host)."""

    kind = "not_found"


@dataclass(frozen=True)
class UserError:
    message: str
    request_id: str | None = None
    kind: str = "unexpected"


#: site error kinds whose message quotes the request id (the admin may need the log)
_SITE_KINDS_WITH_ID = {"server", "bad_response"}


def describe(exc: BaseException, *, action: str = "that") -> UserError:
    """The words for the user; logs the failure once, with the request id (never a secret:
    only our own text and the error's detail)."""
    from bot.dates import DateParseError
    from bot.fluentbooking import FluentBookingError

    rid = new_request_id()
    if isinstance(exc, FluentBookingError):
        log.warning(
            "request %s: site error during %s: kind=%s status=%s %s",
            rid,
            action,
            exc.kind,
            exc.status,
            exc.detail,
        )
        shown_id = rid if exc.kind in _SITE_KINDS_WITH_ID else None
        return UserError(exc.user_message, shown_id, exc.kind)
    if isinstance(exc, DateParseError):
        log.info("request %s: a time not understood during %s", rid, action)
        return UserError(
            f"{exc} Try something like `tomorrow 3pm` or `next tue 10:30` "
            "(`/book help` lists what I understand).",
            None,
            "date",
        )
    if isinstance(exc, StoreError):
        log.error("request %s: state store error during %s: %s", rid, action, exc)
        return UserError(
            "The bot's database is not reachable right now, so nothing was booked. "
            "Try again in a minute.",
            rid,
            "store",
        )
    if isinstance(exc, WireError):
        log.warning("request %s: refused a value from Slack during %s: %s", rid, action, exc.detail)
        return UserError(exc.user_message, rid, exc.kind)
    if isinstance(exc, BookingPending):
        log.info("request %s: the booking is still being made during %s", rid, action)
        return UserError(exc.user_message, None, "pending")
    message = getattr(exc, "user_message", None)
    if isinstance(message, str) and message:  # the bot's own errors (BotError, SlotBusy...)
        kind = str(getattr(exc, "kind", "") or type(exc).__name__)
        log.info("request %s: %s during %s: %s", rid, type(exc).__name__, action, message)
        return UserError(message, None, kind)
    log.error("request %s: unexpected error during %s", rid, action, exc_info=exc)
    return UserError(
        f"Sorry, something went wrong on my side (reference {rid}). "
        "Please try again; if it keeps happening, give the reference to your admin.",
        rid,
    )


# -- surfaces: where a failure is told -------------------------------------------------


class Surface(Protocol):
    """Where the user is looking for the answer to their request."""

    async def show(self, err: UserError) -> None: ...


@dataclass(frozen=True)
class ResponseUrl:
    """An ephemeral through the request's response_url (commands, message buttons)."""

    respond: AsyncRespond

    async def show(self, err: UserError) -> None:
        await self.respond(
            **blocks.error_message(err.message, err.request_id),
            response_type="ephemeral",
            replace_original=False,
        )


@dataclass(frozen=True)
class OpenModal:
    """The modal open for the request: its content replaced by `error_view(text, rid)`."""

    client: AsyncWebClient
    view_id: str
    error_view: Callable[[str, str | None], View]

    async def show(self, err: UserError) -> None:
        view = self.error_view(err.message, err.request_id)
        await self.client.views_update(view_id=self.view_id, view=view)


@dataclass(frozen=True)
class DirectMessage:
    """A DM from the bot (a click in App Home or in a modal has no response_url)."""

    client: AsyncWebClient
    user_id: str

    async def show(self, err: UserError) -> None:
        opened = await self.client.conversations_open(users=self.user_id)
        channel = opened["channel"]["id"]
        await self.client.chat_postMessage(
            channel=channel, **blocks.error_message(err.message, err.request_id)
        )


#: the surface the running follow-up work reports on (set by `reported`, moved by a flow)
_SURFACE: ContextVar[Surface | None] = ContextVar("slack_surface", default=None)


def move_to(surface: Surface) -> None:
    """From here on, a failure of the work being reported is told on `surface` (a flow
    that has just opened a modal moves its failures into it)."""
    _SURFACE.set(surface)


@contextlib.contextmanager
def told_in(surface: Surface) -> Iterator[None]:
    """Within the block, a failure of the work being reported is told on `surface`; after
    it, where it was told before (a flow that opened a modal fills it in here)."""
    token = _SURFACE.set(surface)
    yield  # an exception leaves `surface` set, for `reported` to tell it there
    _SURFACE.reset(token)


async def report(surface: Surface, exc: BaseException, *, action: str = "that") -> None:
    """Tell `exc` once on `surface` (logged with the request id by `describe`)."""
    err = describe(exc, action=action)
    try:
        await surface.show(err)
    except Exception:  # the surface itself failed (Slack down, modal closed): the log has it
        log.exception("request %s: could not tell the user about an error", err.request_id)


async def reported(work: Awaitable[None], surface: Surface, *, action: str) -> None:
    """Run follow-up work; a failure that escapes it is told once, on its surface."""
    token = _SURFACE.set(surface)
    try:
        await work
    except Exception as exc:  # the one catch-all of work after the ack: told, not lost
        await report(_SURFACE.get() or surface, exc, action=action)
    finally:
        _SURFACE.reset(token)
