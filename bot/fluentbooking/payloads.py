"""Pure request builders: what is sent to the site, checked before anything is sent.

The real server's rules live here so callers cannot get them wrong: zones are
canonicalised (``US/Pacific`` -> ``America/Los_Angeles``) and unknown ones refused;
bookings always carry ``status`` and the event's own location type, with the phone or
address in ``location_description``; past, naive, malformed and out-of-window times are
refused; ids, page sizes and integration keys are checked. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.tzdb import canonical_zone

from .errors import ValidationError
from .models import ADDRESS_LOCATIONS, PHONE_LOCATIONS, BookingSummary, Event, as_int

PERIODS = ("upcoming", "past", "all", "completed", "cancelled", "pending")
MAX_RANGE_DAYS = 366
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_EVENT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


@dataclass
class BookingRequest:
    """What the attendee asked for. Give ``start`` (aware) or ``event_time`` (the slot's
    wall-clock string in ``timezone``)."""

    name: str
    email: str
    timezone: str
    start: datetime | None = None
    event_time: str | None = None
    duration: int | None = None
    phone: str | None = None
    address: str | None = None
    message: str | None = None
    guests: list[str] = field(default_factory=list)
    location_type: str | None = None


@dataclass(frozen=True)
class Attendee:
    """A booking request's attendee and time, checked (before the event is needed)."""

    zone: str
    name: str
    email: str
    guests: list[str]
    start: datetime


def check_zone(name: str, field_name: str = "timezone") -> str:
    """Canonical IANA name, or ValidationError before anything is sent."""
    zone = canonical_zone(name)
    if zone is None:
        raise ValidationError(
            f"{name!r} is not a known timezone; use an IANA name such as America/New_York.",
            fields={field_name: "unknown timezone"},
        )
    return zone


def checked_attendee(request: BookingRequest, now: datetime) -> Attendee:
    """The request's zone, name, email, guests and start, or ValidationError."""
    zone = check_zone(request.timezone)
    name = (request.name or "").strip()
    if not name:
        raise ValidationError("A name is needed for the booking.", fields={"name": "missing"})
    email = (request.email or "").strip()
    if not _EMAIL.match(email):
        raise ValidationError(
            f"{email!r} is not a valid email address.", fields={"email": "invalid"}
        )
    guests = [g.strip() for g in request.guests if g and g.strip()]
    for guest in guests:
        if not _EMAIL.match(guest):
            raise ValidationError(
                f"Guest {guest!r} is not a valid email address.", fields={"guests": "invalid"}
            )
    start = booking_start(request, zone)
    if start <= now:
        raise ValidationError(
            "That time has already passed; pick a time in the future.",
            fields={"event_time": "in the past"},
        )
    return Attendee(zone=zone, name=name, email=email, guests=guests, start=start)


def booking_payload(request: BookingRequest, attendee: Attendee, event: Event) -> dict[str, Any]:
    """The body of POST /bookings/create for an active ``event``, or the error the site
    would give."""
    zone, start = attendee.zone, attendee.start
    check_window(event, start, zone)
    payload: dict[str, Any] = {
        "name": attendee.name,
        "email": attendee.email,
        "timezone": zone,
        "event_time": start.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S"),
        "status": "pending" if event.requires_confirmation else "scheduled",
    }
    if request.event_time and _EVENT_TIME.match(request.event_time.strip()):
        text = request.event_time.strip().replace("T", " ")
        payload["event_time"] = text if len(text) == 19 else text + ":00"
    if request.duration is not None:
        duration = positive(request.duration, "duration")
        if event.durations and duration not in event.durations:
            allowed = ", ".join(str(d) for d in event.durations)
            raise ValidationError(
                f"This event lasts {allowed} minutes, not {duration}.",
                fields={"duration": "not offered"},
            )
        payload["duration"] = duration
    elif event.multi_duration:
        payload["duration"] = event.duration
    location_type = request.location_type or event.location_type
    if location_type and event.location_types and location_type not in event.location_types:
        raise ValidationError(
            f"This event does not offer the location {location_type!r}.",
            fields={"location_type": "not offered"},
        )
    if location_type:
        payload["location_type"] = location_type
    phone = (request.phone or "").strip()
    address = (request.address or "").strip()
    if location_type in PHONE_LOCATIONS:
        if not phone:
            raise ValidationError(
                "This event needs the attendee's phone number.",
                fields={"phone": "required"},
            )
        payload["location_description"] = phone
    elif location_type in ADDRESS_LOCATIONS:
        if not address:
            raise ValidationError(
                "This event needs the attendee's address.", fields={"address": "required"}
            )
        payload["location_description"] = address
    if phone:
        payload["phone_number"] = phone
    if address:
        payload["address"] = address
    if request.message:
        payload["message"] = request.message
    if attendee.guests:
        payload["guests"] = attendee.guests
    return payload


def booking_start(request: BookingRequest, zone: str) -> datetime:
    if request.start is not None:
        if not isinstance(request.start, datetime):
            raise ValidationError(
                "The booking time must be a date and time.", fields={"start": "malformed"}
            )
        if request.start.tzinfo is None or request.start.utcoffset() is None:
            raise ValidationError(
                "The booking time has no timezone; give an aware time.",
                fields={"start": "naive"},
            )
        return request.start
    text = (request.event_time or "").strip()
    if not _EVENT_TIME.match(text):
        raise ValidationError(
            "The booking time must look like YYYY-MM-DD HH:MM.",
            fields={"event_time": "malformed"},
        )
    try:
        naive = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a real date and time.", fields={"event_time": "malformed"}
        ) from None
    return naive.replace(tzinfo=ZoneInfo(zone))


def check_window(event: Event, start: datetime, zone: str) -> None:
    if event.min_bookable_utc and start < event.min_bookable_utc:
        raise ValidationError(
            "That time is too soon for this event's minimum notice; pick a later time.",
            fields={"event_time": "too soon"},
        )
    if event.max_lookup_date:
        host_zone = canonical_zone(event.host_timezone) or zone
        if start.astimezone(ZoneInfo(host_zone)).date() > event.max_lookup_date:
            raise ValidationError(
                "That time is beyond this event's booking window (bookable until "
                f"{event.max_lookup_date.isoformat()}).",
                fields={"event_time": "beyond booking window"},
            )


def slot_range(start: date, end: date, duration: int | None) -> tuple[date, date]:
    """``start``..``end`` as dates, checked (order, length, duration)."""
    if isinstance(start, datetime) or isinstance(end, datetime):
        start, end = as_date(start), as_date(end)
    if end < start:
        raise ValidationError(
            "The end date is before the start date.", fields={"end": "before start"}
        )
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError(
            f"Ask for at most {MAX_RANGE_DAYS} days of slots at once.",
            fields={"end": "range too long"},
        )
    if duration is not None:
        positive(duration, "duration")
    return start, end


def month_starts(first: date, end: date) -> list[date]:
    """``first``, then the first of each later calendar month up to ``end``."""
    starts = [first]
    month = date(first.year, first.month, 1)
    while True:
        month = (month + timedelta(days=32)).replace(day=1)
        if month > end:
            return starts
        starts.append(month)


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise ValidationError(
            f"Unknown period {period!r}; use one of {', '.join(PERIODS)}.",
            fields={"period": "unknown"},
        )
    return period


def order_bookings(
    rows: Sequence[BookingSummary], period: str, now: datetime
) -> list[BookingSummary]:
    """The rows of ``period`` in the order a person wants them (see list_bookings)."""
    coming = [b for b in rows if b.is_past(now) is False]
    gone = [b for b in rows if b.is_past(now) is True]
    unread = [b for b in rows if b.is_past(now) is None]
    coming.sort(key=_when)
    gone.sort(key=_when, reverse=True)
    if period == "past":
        return gone
    if period == "upcoming":
        return coming + unread  # the site filtered already; an unread row is its word
    return coming + gone + unread


def _when(booking: BookingSummary) -> datetime:
    return booking.start_utc or booking.end_utc or datetime.min.replace(tzinfo=UTC)


def event_id_param(value: Any) -> int:
    number = as_int(value)
    if number is None or number <= 0 or isinstance(value, float):
        raise ValidationError(f"{value!r} is not an event id.", fields={"event_id": "invalid"})
    return number


def positive(value: Any, name: str) -> int:
    number = as_int(value)
    if number is None or number <= 0:
        raise ValidationError(f"{name} must be a positive whole number.", fields={name: "invalid"})
    return number


def settings_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValidationError(
            "An integration key is letters, digits, _ or - (e.g. google_calendar).",
            fields={"settings_key": "invalid"},
        )
    return key


def as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def start_date_param(value: date | datetime | str) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a date (YYYY-MM-DD).", fields={"start_date": "malformed"}
        ) from None
    return text
