"""Pure Block Kit builders for the feed: the channel message kept per booking, the thread
reply per change, the host's DM, the downtime summary and the reminder.

Channel text carries Slack's `<!date>` tokens (every reader sees their own zone) and no
contact details (attendee name only, never email, phone or address); DMs name the time
in the reader's profile zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.feed import Change, Kind, Reminder, Seen, Summary
from bot.slack.blocks import context, message, section
from bot.slack.fmt import date_token, when_label
from bot.slack.text import escape

STATUS = {
    "scheduled": "✅ Booked",
    "pending": "⏳ Waiting for the host's approval",
    "cancelled": "❌ Cancelled",
    "rejected": "🚫 Declined",
    "completed": "✔️ Completed",
    "no_show": "No-show",
}
SOURCE = {"web": "made on the website", "admin": "made on the site (WordPress or the API)"}
CHANGE = {
    Kind.CANCELLED: "❌ Cancelled",
    Kind.CONFIRMED: "✅ Approved by the host",
    Kind.REJECTED: "🚫 Declined by the host",
}
MAX_SUMMARY_LINES = 10


def _zone(seen: Seen) -> str:
    try:
        ZoneInfo(seen.timezone)
        return seen.timezone
    except (ValueError, KeyError, OSError):
        return "UTC"


def _token(start: datetime, zone: str) -> str:
    return date_token(start, zone)


def _minutes(seen: Seen) -> int:
    return max(0, int((seen.end_utc - seen.start_utc).total_seconds() // 60))


def _what(seen: Seen) -> str:
    text = f"*{escape(seen.title or 'A meeting')}*"
    if seen.host_name:
        text += f" with {escape(seen.host_name)}"
    return text


def status_label(seen: Seen) -> str:
    return STATUS.get(seen.status, escape(seen.status.replace("_", " ").capitalize()))


def channel_message(seen: Seen) -> dict[str, Any]:
    """The one channel message per booking, redrawn (chat.update) as it changes."""
    when = _token(seen.start_utc, _zone(seen))
    lines = [
        f"{status_label(seen)}: {_what(seen)}",
        f"*When:* {when} · {_minutes(seen)} min",
    ]
    if seen.attendee_name:
        lines.append(f"*Attendee:* {escape(seen.attendee_name)}")
    origin = SOURCE.get(seen.source, "made on the site")
    return message(
        [section("\n".join(lines)), context(f"Booking #{seen.booking_id} · {origin}")],
        f"{status_label(seen)}: {seen.title or 'a meeting'}",
    )


def change_reply(change: Change) -> dict[str, Any] | None:
    """The thread reply for a change (None for a new booking: the message itself says it)."""
    if change.kind is Kind.NEW:
        return None
    if change.kind is Kind.RESCHEDULED:
        zone = _zone(change.booking)
        new = _token(change.booking.start_utc, zone)
        if change.previous is not None:
            text = f"🔁 Moved from {_token(change.previous.start_utc, zone)} to {new}"
        else:
            text = f"🔁 Moved to {new}"
        return message([section(text)], "🔁 Moved to a new time")
    text = CHANGE[change.kind]
    return message([section(text)], text)


def local_when(start: datetime, end: datetime, timezone: str) -> str:
    zone = ZoneInfo(timezone)
    return when_label(start.astimezone(zone), end.astimezone(zone), timezone)


def host_dm(
    change: Change, timezone: str, actions: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The host's DM: what happened to their booking, the time in their zone; for a
    pending booking, `actions` (Approve / Decline) when the lifecycle feature offers them."""
    seen = change.booking
    heading = {
        Kind.NEW: "New booking" if seen.status != "pending" else "New booking request",
        Kind.CANCELLED: "Booking cancelled",
        Kind.RESCHEDULED: "Booking moved",
        Kind.CONFIRMED: "Booking approved",
        Kind.REJECTED: "Booking declined",
    }[change.kind]
    lines = [
        f"*{heading}*: {_what(seen)}",
        f"*When:* {local_when(seen.start_utc, seen.end_utc, timezone)}",
    ]
    if change.kind is Kind.RESCHEDULED and change.previous is not None:
        before = change.previous
        lines.append(f"*Was:* {local_when(before.start_utc, before.end_utc, timezone)}")
    if seen.attendee_name:
        lines.append(f"*Attendee:* {escape(seen.attendee_name)}")
    if seen.status == "pending" and change.kind is Kind.NEW and not actions:
        lines.append("It waits for your approval on the booking site.")
    blocks: list[dict[str, Any]] = [
        section("\n".join(lines)),
        context(f"Booking #{seen.booking_id} · {status_label(seen)}"),
    ]
    if actions:
        blocks.append(
            {"type": "actions", "block_id": f"feed_decide:{seen.booking_id}", "elements": actions}
        )
    return message(blocks, f"{heading}: {seen.title or 'a meeting'}")


def summary_message(summary: Summary) -> dict[str, Any]:
    """One message for a long downtime instead of a flood."""
    new = summary.counts.get(Kind.NEW, 0)
    parts = []
    if new:
        parts.append(f"{new} booking{'s' if new != 1 else ''}")
    for kind, word in (
        (Kind.CANCELLED, "cancelled"),
        (Kind.RESCHEDULED, "moved"),
        (Kind.CONFIRMED, "approved"),
        (Kind.REJECTED, "declined"),
    ):
        if summary.counts.get(kind):
            parts.append(f"{summary.counts[kind]} {word}")
    head = f"*{', '.join(parts) or 'Changes'} while I was away*"
    lines = []
    for change in summary.shown[:MAX_SUMMARY_LINES]:
        seen = change.booking
        label = {Kind.NEW: status_label(seen)}.get(change.kind, CHANGE.get(change.kind, "🔁 Moved"))
        lines.append(f"• {label}: {_what(seen)}, {_token(seen.start_utc, _zone(seen))}")
    if summary.more:
        lines.append(f"…and {summary.more} more")
    if summary.waiting_for_approval:
        count = len(summary.waiting_for_approval)
        lines.append(f"{count} wait{'s' if count == 1 else ''} for the host's approval.")
    text = "\n".join([head, *lines])
    return message([section(text)], f"{', '.join(parts) or 'Changes'} while I was away")


def reminder_dm(reminder: Reminder, timezone: str, now: datetime) -> dict[str, Any]:
    seen = reminder.booking
    left = max(1, round((seen.start_utc - now).total_seconds() / 60))
    text = (
        f"⏰ *Starting in {left} min*: {_what(seen)}\n"
        f"*When:* {local_when(seen.start_utc, seen.end_utc, timezone)}"
    )
    return message(
        [section(text), context(f"Booking #{seen.booking_id}")],
        f"Starting in {left} min: {seen.title or 'a meeting'}",
    )
