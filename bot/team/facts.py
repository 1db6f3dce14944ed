"""BookingFacts from what the site says about a booking and what the store remembers.

Only the site's booking row (read fresh) and the bot's own store go in: nothing that came
back from Slack (a button's value, a view's private_metadata) is a fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.team.access import BookingFacts
from bot.team.identity import HostDirectory

#: the store namespace the booking service writes when a booking is made from Slack
ORIGIN_NAMESPACE = "booking_origin"


def facts_of(
    booking: Any,
    directory: HostDirectory,
    *,
    booked_by: str | None = None,
    event_calendars: Mapping[int, int] | None = None,
) -> BookingFacts:
    """The facts of a `bot.fluentbooking.models.Booking` row.

    The calendar comes from the row, else from its event (`event_calendars`: event id ->
    calendar id, from the event list); the host email from the directory."""
    calendar_id = getattr(booking, "calendar_id", None)
    event_id = getattr(booking, "event_id", None)
    if calendar_id is None and event_id is not None and event_calendars:
        calendar_id = event_calendars.get(int(event_id))
    return BookingFacts(
        booking_id=int(booking.id),
        calendar_id=calendar_id,
        host_email=directory.host_email(calendar_id),
        attendee_email=getattr(booking, "email", None) or None,
        guest_emails=frozenset(getattr(booking, "guests", ()) or ()),
        booked_by=booked_by,
    )


def booked_by_of(origin: Mapping[str, Any] | None) -> str | None:
    """The Slack user id in a `booking_origin` record (None when absent or malformed)."""
    if not origin:
        return None
    value = origin.get("booked_by")
    return value if isinstance(value, str) and value else None
