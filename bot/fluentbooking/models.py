"""Typed results, built from the site's loosely typed JSON.

The real API sends numbers as strings, ``[]`` where an object is empty, HTML in titles
and two slot formats (``"HH:MM"`` in the published pages, ``{start, end}`` on real
sites); the ``from_api`` builders here absorb all of that so callers see one shape.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .display_times import shown_times

# location types whose description the attendee must supply
PHONE_LOCATIONS = {"phone_guest"}
ADDRESS_LOCATIONS = {"in_person_guest"}

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(value: Any) -> str:
    """HTML fragment -> plain text: tags stripped, entities unescaped, spaces collapsed."""
    if value is None:
        return ""
    text = _TAG.sub(" ", str(value))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def as_int(value: Any, default: int | None = None) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return int(float(text))
            except ValueError:
                return default
    return default


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "yes", "true", "on", "enabled"}
    return bool(value)


def as_dict(value: Any) -> dict[str, Any]:
    """The site sends ``[]`` for an empty object."""
    return dict(value) if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return []


def parse_date(value: Any) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def parse_utc(value: Any) -> datetime | None:
    """'YYYY-MM-DD HH:MM:SS' in UTC (the site's storage format) -> aware datetime."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@dataclass(frozen=True)
class Event:
    id: int
    title: str
    duration: int
    durations: list[int] = field(default_factory=list)
    location_type: str | None = None
    location_types: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    requires_confirmation: bool = False
    active: bool = True
    host_name: str = ""
    host_timezone: str = ""
    calendar_id: int | None = None
    max_lookup_date: date | None = None
    min_bookable_utc: datetime | None = None
    description: str = ""
    #: the calendar owner (a WordPress user): `/calendars` rows' `user.user_email`, `user_id`
    host_email: str | None = None
    host_user_id: int | None = None

    @property
    def multi_duration(self) -> bool:
        return len(self.durations) > 1

    @classmethod
    def from_api(cls, raw: dict[str, Any], *, calendar: dict[str, Any] | None = None) -> Event:
        calendar = calendar or {}
        settings = as_dict(raw.get("settings"))
        duration = as_int(raw.get("duration"), 0) or 0
        durations: list[int] = []
        multi = as_dict(settings.get("multi_duration"))
        if as_bool(multi.get("enabled")):
            durations = sorted(
                {d for d in (as_int(x) for x in as_list(multi.get("available_durations"))) if d}
            )
            default = as_int(multi.get("default_duration"))
            if default:
                duration = default
        if duration and duration not in durations:
            durations = sorted({*durations, duration})
        locations = [as_dict(x) for x in as_list(raw.get("location_settings"))]
        location_types = [str(x["type"]) for x in locations if x.get("type")]
        location_type = location_types[0] if location_types else None
        requires: list[str] = []
        if location_type in PHONE_LOCATIONS:
            requires.append("phone")
        if location_type in ADDRESS_LOCATIONS:
            requires.append("address")
        confirmation = settings.get("requires_confirmation")
        if isinstance(confirmation, dict):
            requires_confirmation = as_bool(confirmation.get("enabled"))
        else:
            requires_confirmation = as_bool(confirmation)
        status = raw.get("status")
        author = as_dict(raw.get("author_profile")) or as_dict(calendar.get("author_profile"))
        owner = as_dict(calendar.get("user"))
        return cls(
            id=as_int(raw.get("id"), 0) or 0,
            title=plain_text(raw.get("title")),
            duration=duration,
            durations=durations,
            location_type=location_type,
            location_types=location_types,
            requires=requires,
            requires_confirmation=requires_confirmation,
            active=status is None or str(status).lower() == "active",
            host_name=plain_text(calendar.get("title") or author.get("name") or ""),
            host_timezone=str(calendar.get("author_timezone") or raw.get("author_timezone") or ""),
            calendar_id=as_int(raw.get("calendar_id")) or as_int(calendar.get("id")),
            max_lookup_date=parse_date(raw.get("max_lookup_date")),
            min_bookable_utc=parse_utc(raw.get("min_bookable_date")),
            description=plain_text(raw.get("description")),
            host_email=str(owner.get("user_email") or "").strip() or None,
            host_user_id=(
                as_int(calendar.get("user_id"))
                or as_int(owner.get("ID"))
                or as_int(raw.get("user_id"))
            ),
        )


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, in the Slots' timezone
    end: datetime | None
    event_time: str  # exactly what to send back as event_time when booking


@dataclass
class Slots:
    event_id: int
    timezone: str
    duration: int | None
    by_date: dict[date, list[Slot]] = field(default_factory=dict)
    max_lookup_date: date | None = None

    def times_on(self, day: date) -> list[str]:
        return [s.start.strftime("%H:%M") for s in self.by_date.get(day, [])]

    def find(self, start: datetime) -> Slot | None:
        for slots in self.by_date.values():
            for slot in slots:
                if slot.start == start:
                    return slot
        return None

    def all(self) -> list[Slot]:
        return [s for day in sorted(self.by_date) for s in self.by_date[day]]

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "timezone": self.timezone,
            "slots": {d.isoformat(): self.times_on(d) for d in sorted(self.by_date)},
        }

    @classmethod
    def from_api(
        cls,
        raw_slots: Any,
        *,
        event_id: int,
        timezone: str,
        duration: int | None,
        max_lookup_date: date | None = None,
    ) -> Slots:
        zone = ZoneInfo(timezone)
        by_date: dict[date, list[Slot]] = {}
        for key, items in as_dict(raw_slots).items():
            day = parse_date(key)
            if day is None:
                continue
            slots: list[Slot] = []
            for item in as_list(items):
                slot = _parse_slot(item, day, zone, duration)
                if slot is not None:
                    slots.append(slot)
            if slots:
                slots.sort(key=lambda s: s.start)
                by_date[day] = slots
        return cls(event_id, timezone, duration, by_date, max_lookup_date)


def _parse_slot(item: Any, day: date, zone: ZoneInfo, duration: int | None) -> Slot | None:
    if isinstance(item, dict):
        start_text = str(item.get("start") or "").strip()
        end_text = str(item.get("end") or "").strip()
    elif isinstance(item, str):
        start_text, end_text = item.strip(), ""
    else:
        return None
    start = _local(start_text, day, zone)
    if start is None:
        return None
    end = _local(end_text, day, zone) if end_text else None
    if end is None and duration:
        end = (start.astimezone(UTC) + timedelta(minutes=duration)).astimezone(zone)
    # a full "YYYY-MM-DD HH:MM:SS" is sent back exactly as received
    full = len(start_text) > 8
    event_time = start_text if full else start.strftime("%Y-%m-%d %H:%M:%S")
    return Slot(start=start, end=end, event_time=event_time)


def _local(text: str, day: date, zone: ZoneInfo) -> datetime | None:
    try:
        if len(text) <= 8:  # "HH:MM" or "HH:MM:SS" on the given day
            parts = [int(p) for p in text.split(":")]
            naive = datetime(day.year, day.month, day.day, parts[0], parts[1])
        else:
            naive = datetime.fromisoformat(text.replace(" ", "T"))
    except (ValueError, IndexError):
        return None
    return naive.replace(tzinfo=zone) if naive.tzinfo is None else naive.astimezone(zone)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str
    required: bool
    enabled: bool


@dataclass
class EventDetails:
    event: Event
    slots: Slots
    form_fields: list[FormField] = field(default_factory=list)
    invalid_dates: bool = False


@dataclass(frozen=True)
class Booking:
    id: int
    hash: str
    status: str
    start_utc: datetime
    end_utc: datetime
    timezone: str
    name: str = ""
    email: str = ""
    phone: str = ""
    location: str | None = None
    title: str = ""
    event_id: int | None = None
    calendar_id: int | None = None
    host_user_id: int | None = None  # the WordPress user who hosts it
    location_type: str | None = None  # e.g. "phone_guest": whose `location` text it is
    guests: tuple[str, ...] = ()  # guest emails, where the site lists them
    # what the site's full rows (/schedules) add; the watcher needs them
    host_name: str = ""
    source: str = ""  # "web" (the public form) or "admin" (REST API, WordPress admin)
    created_at: datetime | None = None  # UTC, one-second resolution

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "hash": self.hash,
            "status": self.status,
            "start_utc": _utc_text(self.start_utc),
            "end_utc": _utc_text(self.end_utc),
            "timezone": self.timezone,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "location": self.location,
            "title": self.title,
            "event_id": self.event_id,
        }

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Booking:
        start = parse_utc(raw.get("start_time"))
        end = parse_utc(raw.get("end_time"))
        if start is None:
            raise ValueError("booking without a valid start_time")
        if end is None:
            minutes = as_int(raw.get("slot_minutes"), 0) or 0
            end = start + timedelta(minutes=minutes)
        name = " ".join(
            p for p in (str(raw.get("first_name") or ""), str(raw.get("last_name") or "")) if p
        )
        location_details = as_dict(raw.get("location_details"))
        location = location_details.get("description") or location_details.get("type")
        event = as_dict(raw.get("calendar_event"))
        return cls(
            id=as_int(raw.get("id"), 0) or 0,
            hash=str(raw.get("hash") or ""),
            status=str(raw.get("status") or ""),
            start_utc=start,
            end_utc=end,
            timezone=str(raw.get("person_time_zone") or ""),
            name=plain_text(name),
            email=str(raw.get("email") or ""),
            phone=str(raw.get("phone") or ""),
            location=plain_text(location) if location else None,
            title=plain_text(raw.get("title") or raw.get("booking_title") or event.get("title")),
            event_id=as_int(raw.get("event_id")) or as_int(event.get("id")),
            calendar_id=as_int(raw.get("calendar_id")),
            host_user_id=as_int(raw.get("host_user_id")),
            location_type=str(location_details.get("type") or "") or None,
            guests=_guest_emails(raw.get("guests")),
            host_name=plain_text(as_dict(raw.get("author")).get("name")),
            source=str(raw.get("source") or ""),
            created_at=parse_utc(raw.get("created_at")),
        )


@dataclass(frozen=True)
class Activity:
    """One row of the site's activity log (GET /reports/activities): a booking's
    cancellation, reschedule, confirmation, rejection, ... as the site recorded it."""

    id: int
    booking_id: int
    type: str
    status: str
    title: str
    description: str
    created_at: datetime | None

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Activity:
        activity_id = as_int(raw.get("id"))
        booking_id = as_int(raw.get("booking_id"))
        if not activity_id or not booking_id:
            raise ValueError("activity without an id or a booking id")
        return cls(
            id=activity_id,
            booking_id=booking_id,
            type=str(raw.get("type") or ""),
            status=str(raw.get("status") or ""),
            title=plain_text(raw.get("title")),
            description=plain_text(raw.get("description")),
            created_at=parse_utc(raw.get("created_at")),
        )


def _guest_emails(value: Any) -> tuple[str, ...]:
    """Guest emails from a row's `guests` (strings or {email} objects); () when absent."""
    found: list[str] = []
    for item in as_list(value):
        email = item.get("email") if isinstance(item, dict) else item
        if isinstance(email, str) and "@" in email:
            found.append(email.strip())
    return tuple(found)


@dataclass(frozen=True)
class BookingSummary:
    id: int
    status: str
    title: str
    host_name: str
    date_text: str
    time_text: str
    timezone: str
    payment_status: str | None = None
    # read from the display strings (bot.fluentbooking.display_times); None where the
    # row does not say: 2.0.0 shows only the end time, some rows cannot be read at all
    start_utc: datetime | None = None
    end_utc: datetime | None = None

    @property
    def known_time(self) -> bool:
        return self.start_utc is not None or self.end_utc is not None

    def is_past(self, now: datetime) -> bool | None:
        """Over by ``now`` (judged by its end, as the site's own filter does); None if
        the row's time could not be read."""
        last = self.end_utc or self.start_utc
        return None if last is None else last < now

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "title": self.title,
            "host_name": self.host_name,
            "date": self.date_text,
            "time": self.time_text,
            "timezone": self.timezone,
            "payment_status": self.payment_status,
            "start_utc": _utc_text(self.start_utc),
            "end_utc": _utc_text(self.end_utc),
        }

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> BookingSummary:
        payment = raw.get("payment_status")
        date_text = plain_text(raw.get("booking_date"))
        time_text = plain_text(raw.get("booking_time"))
        timezone = str(raw.get("person_time_zone") or "")
        shown = shown_times(date_text, time_text, timezone)
        return cls(
            id=as_int(raw.get("id"), 0) or 0,
            status=str(raw.get("status") or ""),
            title=plain_text(raw.get("booking_title")),
            host_name=plain_text(raw.get("author_name")),
            date_text=date_text,
            time_text=time_text,
            timezone=timezone,
            payment_status=str(payment) if payment else None,
            start_utc=shown.start_utc,
            end_utc=shown.end_utc,
        )


def _utc_text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@dataclass
class BookingList:
    items: list[BookingSummary]
    total: int


@dataclass
class ScheduleList:
    items: list[Booking]
    page: int
    last_page: int
    total: int


@dataclass
class IntegrationSettings:
    key: str
    available: bool  # the site's "status": False means not available/configured here
    # credentials of the integration: kept out of repr()
    settings: dict[str, Any] = field(default_factory=dict, repr=False)
    field_settings: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_api(cls, key: str, raw: dict[str, Any]) -> IntegrationSettings:
        return cls(
            key=key,
            available=as_bool(raw.get("status")),
            settings=as_dict(raw.get("settings")),
            field_settings=as_dict(raw.get("field_settings")),
        )
