"""Instants from the display strings of ``GET /bookings`` rows.

Those rows carry no machine-readable time: only ``booking_date`` ("November 23, 2026",
in the site's date format and language) and ``booking_time`` ("1:00 pm - 1:30 pm", in
its time format), both in the attendee's ``person_time_zone``. FluentBooking 2.0.0 shows
the end time twice ("1:30 pm - 1:30 pm"): then only the end is known and the start is
left unknown rather than guessed (the meeting's length is not in the row).

Dates are tried against the common WordPress formats first, then read by dateparser
(other languages); anything still unreadable gives ``None`` and the caller keeps the
display strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.tzdb import canonical_zone

# WordPress date formats seen on sites ("F j, Y" is the default)
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%m/%d/%Y")
_TIME = re.compile(
    r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?(?:\s*(?P<ampm>[ap])\.?\s*m\.?)?", re.IGNORECASE
)


@dataclass(frozen=True)
class ShownTimes:
    """What a /bookings row says, as aware UTC instants (None where it does not say)."""

    start_utc: datetime | None
    end_utc: datetime | None

    @property
    def known(self) -> bool:
        return self.start_utc is not None or self.end_utc is not None


UNKNOWN = ShownTimes(None, None)


def shown_times(date_text: str, time_text: str, zone_name: str) -> ShownTimes:
    """The start and end a row shows; ``UNKNOWN`` when the strings cannot be read."""
    zone_key = canonical_zone(zone_name or "")
    day = parse_display_date(date_text)
    if zone_key is None or day is None:
        return UNKNOWN
    start_text, _, end_text = (time_text or "").partition(" - ")
    start, end = parse_clock(start_text), parse_clock(end_text)
    zone = ZoneInfo(zone_key)
    if start is None and end is None:
        return UNKNOWN
    start_at = _instant(day, start, zone) if start is not None else None
    end_at = _instant(day, end, zone) if end is not None else None
    if start_at is not None and end_at is not None:
        if start == end:  # the 2.0.0 bug: the end time twice
            return ShownTimes(None, end_at)
        if end_at < start_at:  # ends after midnight
            end_at = _instant(day + timedelta(days=1), end, zone)  # type: ignore[arg-type]
    return ShownTimes(start_at, end_at)


def parse_display_date(text: str) -> date | None:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    import dateparser  # only for dates in other languages or formats

    parsed = dateparser.parse(
        cleaned,
        settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_LOCALE_DATE_ORDER": True},
    )
    return parsed.date() if parsed else None


def parse_clock(text: str) -> time | None:
    """'1:00 pm', '1:00 PM', '13:00', '9 am', '13h00' -> time; anything else None."""
    found = _TIME.fullmatch((text or "").strip())
    if not found:
        return None
    hour, minute = int(found["h"]), int(found["m"] or 0)
    ampm = (found["ampm"] or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    elif found["m"] is None:
        return None  # a bare number is not a time
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
