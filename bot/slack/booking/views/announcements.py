"""Booking announcements: the DM to the person who booked and the team channel post.

Channel readers live in many zones, so the channel post carries Slack's date token
(each reader sees their own zone); its fallback, and the DM, name the zone in words.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from bot.booking.result import BookingResult
from bot.slack.blocks import context, message, section
from bot.slack.fmt import date_token, fallback_time, when_label
from bot.slack.text import escape
from bot.team.privacy import public_location

PENDING_NOTE = "awaiting the host's confirmation"
_USER_ID = re.compile(r"^[UW][A-Z0-9_]{1,40}$")


def is_pending(result: BookingResult) -> bool:
    return result.status.lower() == "pending"


def _what(result: BookingResult) -> str:
    title = f"*{escape(result.event_title)}*"
    if result.host_name:
        title += f" (host {escape(result.host_name)})"
    return title


def _attendee_name(result: BookingResult) -> str:
    """The attendee as a channel may read it: the name, never the email."""
    return escape(result.name or "someone")


def booked_dm(result: BookingResult, user_timezone: str) -> dict[str, Any]:
    """The DM to the person who booked: the time in their profile zone, named."""
    zone = ZoneInfo(user_timezone)
    start = result.start.astimezone(zone)
    end = result.end.astimezone(zone) if result.end else None
    pending = is_pending(result)
    head = (
        f":hourglass: You requested {_what(result)}: {PENDING_NOTE}."
        if pending
        else f":white_check_mark: You booked {_what(result)}."
    )
    attendee = escape(result.name)
    if result.email:
        attendee += f" ({escape(result.email)})"
    lines = [
        head,
        f"*When:* {when_label(start, end, user_timezone)}",
        f"*Attendee:* {attendee}",
    ]
    if result.location:
        lines.append(f"*Where:* {escape(result.location)}")
    blocks = [
        section("\n".join(lines)),
        context(f"Booking #{result.booking_id} · status {escape(result.status)}"),
    ]
    verb = "Requested" if pending else "Booked"
    when = fallback_time(result.start, user_timezone)
    suffix = f" ({PENDING_NOTE})" if pending else ""
    return message(blocks, f"{verb}: {result.event_title} on {when}{suffix}")


def host_dm(result: BookingResult, booker_id: str, host_timezone: str) -> dict[str, Any]:
    """The DM to the host a member booked from Slack: who booked, for whom (with the
    attendee's contact: the host may see it), when in the host's zone, and where."""
    who = f"<@{booker_id}>" if _USER_ID.match(booker_id or "") else "Someone"
    zone = ZoneInfo(host_timezone)
    start = result.start.astimezone(zone)
    end = result.end.astimezone(zone) if result.end else None
    pending = is_pending(result)
    verb = "requested" if pending else "booked"
    title = f"*{escape(result.event_title)}*"
    attendee = escape(result.name or "someone")
    if result.email:
        attendee += f" ({escape(result.email)})"
    lines = [
        f":bell: {who} {verb} {title} with you, for {attendee}.",
        f"*When:* {when_label(start, end, host_timezone)}",
    ]
    if result.location:
        lines.append(f"*Where:* {escape(result.location)}")
    if pending:
        lines.append(":hourglass: It waits for your confirmation on the booking site.")
    blocks = [
        section("\n".join(lines)),
        context(f"Booking #{result.booking_id} · status {escape(result.status)}"),
    ]
    when = fallback_time(result.start, host_timezone)
    return message(blocks, f"New booking with you: {result.event_title} on {when}")


def channel_post(result: BookingResult, booker_id: str) -> dict[str, Any]:
    """The team channel post: who booked what with whom (by name), when (date token), and
    where only when it is no one's phone or address (see bot.team.privacy)."""
    who = f"<@{booker_id}>" if _USER_ID.match(booker_id or "") else "Someone"
    pending = is_pending(result)
    verb = "requested" if pending else "booked"
    lines = [
        f":calendar: {who} {verb} {_what(result)} with {_attendee_name(result)}",
        f"*When:* {date_token(result.start, result.timezone)}",
    ]
    where = public_location(result.location_type, result.location)
    if where:
        lines.append(f"*Where:* {escape(where)}")
    if pending:
        lines.append(f":hourglass: {PENDING_NOTE.capitalize()}.")
    when = fallback_time(result.start, result.timezone)
    attendee = result.name or "someone"
    fallback = f"New booking: {result.event_title} with {attendee}, {when}"
    if pending:
        fallback += f" ({PENDING_NOTE})"
    return message([section("\n".join(lines))], fallback)
