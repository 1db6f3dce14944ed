"""The App Home tab: the user's upcoming meetings, a Book button and a short how-to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.slack.blocks import button, context, section
from bot.slack.codec import PrefillValue
from bot.slack.fmt import clock, day_label, zone_label
from bot.slack.help import TEXTS
from bot.slack.ids import ActionId
from bot.slack.text import escape

EMPTY_TEXT = "No upcoming meetings. Book one:"
SITE_DOWN_TEXT = (
    ":warning: Couldn't reach the booking site, so your meetings are not listed right now. "
    "Open this tab again in a minute."
)
PENDING_NOTE = "awaiting the host's confirmation"


@dataclass(frozen=True)
class HomeBooking:
    """One upcoming meeting, its times already in the user's zone."""

    booking_id: int
    title: str  # plain text from the site
    start: datetime
    end: datetime | None
    status: str = "scheduled"
    attendee_name: str = ""
    attendee_email: str = ""
    booked_by_you: bool = False  # made through the bot by this user, for someone else
    role: str = ""  # "host" when the user hosts it, "attendee" when they attend
    host_name: str = ""
    #: the lifecycle buttons this user may use on it (bot.slack.booking_actions), if any
    actions: dict[str, Any] | None = None


def _how_to() -> list[dict[str, Any]]:
    return [
        section(
            "See free times and book meetings on the team's booking site without leaving "
            "Slack. Times are read and shown in your Slack timezone."
        ),
        {"type": "divider"},
        section(TEXTS["/book"]),
        section(TEXTS["/slots"]),
        section(TEXTS["/bookings"]),
        context("On any message: ⋮ → *Book with this person*."),
    ]


#: the Book a meeting button opens an empty form
EMPTY_FORM = PrefillValue(
    event_id=None, duration=None, day=None, start=None, timezone=None, name=None, email=None
)


def _book_button() -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": "home_book",
        "elements": [
            button("Book a meeting", ActionId.OPEN_FORM.value, EMPTY_FORM, style="primary")
        ],
    }


def _row(item: HomeBooking) -> str:
    when = clock(item.start) + (f" – {clock(item.end)}" if item.end else "")
    text = f"• *{when}* · *{escape(item.title or 'Meeting')}*"
    who = item.attendee_name or item.attendee_email
    if item.role == "host":
        text += f" with {escape(item.attendee_name or 'someone')}"
    elif who and item.booked_by_you:
        text += f" with {escape(who)}"
    elif item.role == "attendee" and item.host_name:
        text += f" with {escape(item.host_name)}"
    notes = []
    if item.role == "host":
        notes.append("you host")
    if item.status.lower() == "pending":
        notes.append(f":hourglass: {PENDING_NOTE}")
    if item.booked_by_you:
        notes.append("booked by you")
    if notes:
        text += " · " + ", ".join(notes)
    return text


def _day(heading: str, items: list[HomeBooking], given: set[str]) -> list[dict[str, Any]]:
    """A day's meetings under its heading; a meeting with buttons ends its section and
    has them right under it."""
    out: list[dict[str, Any]] = []
    lines = [heading]
    for item in items:
        lines.append(_row(item))
        if item.actions and str(item.actions.get("block_id")) not in given:
            given.add(str(item.actions.get("block_id")))
            out += [section("\n".join(lines)), item.actions]
            lines = []
    if lines:
        out.append(section("\n".join(lines)))
    return out


def _day_heading(day: date, today: date | None) -> str:
    label = day_label(day)
    if today is not None and day == today:
        return f"*Today · {label}*"
    if today is not None and (day - today).days == 1:
        return f"*Tomorrow · {label}*"
    return f"*{label}*"


def home_view(
    bookings: list[HomeBooking] | None = None,
    *,
    timezone: str | None = None,
    today: date | None = None,
    site_error: bool = False,
) -> dict[str, Any]:
    """The Home tab. With no arguments: the how-to alone (what Slack shows before the
    first load). `bookings`: the next meetings, times in `timezone` (the user's)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Book meetings from Slack"}},
    ]
    if bookings is None and not site_error:
        return {"type": "home", "blocks": blocks + _how_to()}
    blocks.append(section("*Your upcoming meetings*"))
    if site_error:
        blocks.append(context(SITE_DOWN_TEXT))
    elif not bookings:
        blocks.append(section(EMPTY_TEXT))
    else:
        zone = timezone or "UTC"
        blocks.append(context(f"Times in {escape(zone_label(bookings[0].start, zone))}."))
        by_day: dict[date, list[HomeBooking]] = {}
        for item in sorted(bookings, key=lambda b: b.start):
            by_day.setdefault(item.start.date(), []).append(item)
        given: set[str] = set()  # one set of buttons per booking (block ids are unique)
        for day, items in by_day.items():
            blocks.extend(_day(_day_heading(day, today), items, given))
    blocks.append(_book_button())
    blocks.append({"type": "divider"})
    blocks.extend(_how_to())
    return {"type": "home", "blocks": blocks}
