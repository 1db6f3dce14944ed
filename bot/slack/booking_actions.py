"""The lifecycle buttons on a booking, shared by every surface that shows one.

The lifecycle feature (`bot.slack.lifecycle`) handles the clicks; the booked DM, the
announcement, `/bookings` and App Home put the buttons on what they show. The buttons'
words follow DESIGN.md ("Buttons (contract)"): *Cancel*, *Reschedule*, *Approve*,
*Decline*, *Completed*, *No-show*; their value is the codec's `LifecycleValue`. Which
buttons a member sees is decided here by the booking's state and the authorisation rule
(`bot.team.access`); every click is read and checked again.

A surface that is not a recorded message (a `/bookings` listing) registers how to redraw
itself after a change (`register_redraw`), so the lifecycle feature can call it without
importing the surface.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.fluentbooking.lifecycle import Change
from bot.lifecycle.service import ACTION_FOR
from bot.slack.codec import LifecycleMeta, LifecycleValue
from bot.slack.shapes import Block
from bot.slack.text import mrkdwn, plain
from bot.team.access import BookingFacts, Viewer, allowed

if TYPE_CHECKING:
    from bot.slack.deps import Deps

ACTION_PREFIX = "lifecycle_"
BUTTON_WORDS: dict[Change, str] = {
    Change.RESCHEDULE: "Reschedule",
    Change.CANCEL: "Cancel booking",
    Change.APPROVE: "Approve",
    Change.DECLINE: "Decline",
    Change.COMPLETED: "Completed",
    Change.NO_SHOW: "No-show",
}
STYLES = {Change.APPROVE: "primary", Change.CANCEL: "danger", Change.DECLINE: "danger"}
ORDER = (
    Change.APPROVE,
    Change.DECLINE,
    Change.RESCHEDULE,
    Change.CANCEL,
    Change.COMPLETED,
    Change.NO_SHOW,
)
#: the buttons that act at once ask first (Cancel and Decline ask in their modal)
CONFIRMS: dict[Change, tuple[str, str]] = {
    Change.NO_SHOW: (
        "Record a no-show?",
        "The attendee did not come. This frees the time on the site.",
    ),
    Change.COMPLETED: (
        "Record it as completed?",
        "The meeting took place. The site keeps it as completed.",
    ),
}


def action_id(change: Change) -> str:
    return f"{ACTION_PREFIX}{change.value}"


def offered(status: str, start_utc: datetime, now: datetime) -> list[Change]:
    """The changes that fit a booking's state now (before asking who may). A past
    meeting can be recorded completed or a no-show, and corrected once (the site turns
    a past scheduled booking into a completed one when it is read)."""
    started = start_utc <= now
    found: list[Change] = []
    if status == "pending" and not started:
        found += [Change.APPROVE, Change.DECLINE]
    if status in ("scheduled", "pending") and not started:
        found += [Change.RESCHEDULE, Change.CANCEL]
    if started and status == "scheduled":
        found += [Change.COMPLETED, Change.NO_SHOW]
    elif started and status == "completed":
        found.append(Change.NO_SHOW)
    elif started and status == "no_show":
        found.append(Change.COMPLETED)
    return found


def changes_for(
    viewer: Viewer, facts: BookingFacts, status: str, start_utc: datetime, now: datetime
) -> list[Change]:
    """What `viewer` may do to the booking now: its state's changes the rule allows."""
    return [c for c in offered(status, start_utc, now) if allowed(viewer, facts, ACTION_FOR[c])]


@dataclass(frozen=True)
class Where:
    """Where buttons are shown, when that place must be redrawn after a change: App Home
    ("home") or a /bookings listing ("bookings", with its period, size and team view);
    "" for the messages the bot records itself (DMs, the announcement)."""

    shown_in: str = ""
    period: str = ""
    limit: int = 0
    team: bool = False


HOME = Where("home")
NOT_LISTED = Where()


def where_of(value: LifecycleValue | LifecycleMeta) -> Where:
    return Where(value.shown_in, value.period, value.limit, value.team)


def button_value(
    booking_id: int, status: str, start_utc: datetime, *, where: Where | None = None
) -> str:
    """The booking, the state the member sees, and where (see `LifecycleValue`)."""
    shown = where or Where()
    return LifecycleValue(
        booking_id,
        status=status,
        start=datetime.fromtimestamp(int(start_utc.timestamp()), start_utc.tzinfo),
        shown_in=shown.shown_in,
        period=shown.period,
        limit=shown.limit,
        team=shown.team,
    ).encode()


def action_buttons(
    booking_id: int,
    status: str,
    start_utc: datetime,
    allowed_changes: Iterable[Change],
    *,
    where: Where | None = None,
) -> Block | None:
    """The actions block for the changes allowed (already filtered by state and rule);
    its block_id names the booking, so several bookings fit in one message or tab."""
    wanted = set(allowed_changes)
    value = button_value(booking_id, status, start_utc, where=where)
    elements = []
    for change in ORDER:
        if change not in wanted:
            continue
        element: Block = {
            "type": "button",
            "text": plain(BUTTON_WORDS[change]),
            "action_id": action_id(change),
            "value": value,
        }
        if change in STYLES:
            element["style"] = STYLES[change]
        if change in CONFIRMS:
            title, text = CONFIRMS[change]
            element["confirm"] = {
                "title": plain(title),
                "text": mrkdwn(text),
                "confirm": plain(BUTTON_WORDS[change]),
                "deny": plain("Back"),
            }
        elements.append(element)
    if not elements:
        return None
    return {"type": "actions", "block_id": f"lifecycle_actions_{booking_id}", "elements": elements}


# -- redrawing a listing after a change ---------------------------------------------------

#: (deps, client, user id, the listing's respond, where) -> None
Redraw = Callable[["Deps", AsyncWebClient, str, AsyncRespond, Where], Awaitable[None]]
_redraws: dict[str, Redraw] = {}


def register_redraw(shown_in: str, redraw: Redraw) -> None:
    """How a surface (e.g. "bookings") draws itself again after a change."""
    _redraws[shown_in] = redraw


def redraw_of(shown_in: str) -> Redraw | None:
    return _redraws.get(shown_in)
