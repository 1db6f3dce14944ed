"""The sandbox's sample site: users, host calendars, events and integration settings.

Everything here is fictional. The credentials in `INTEGRATIONS` are fake values shaped
like real ones (so a client's masking can be seen working); they unlock nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# The demo's embedded, public defaults (printed by `python -m bot sandbox`).
DEMO_USERNAME = "demo"
DEMO_APP_PASSWORD = "Sbx1 Dm0p Qx7r Lk2w Vn8t Hy3z"
DEMO_EMAIL = "demo@example.com"


@dataclass(frozen=True)
class User:
    """A WordPress user. Only users with an app password can authenticate."""

    id: int
    username: str
    email: str
    name: str
    app_password: str | None = None
    role: str = "administrator"  # or "host" (manage_own_calendar only): bot/sandbox/users.py


@dataclass(frozen=True)
class Calendar:
    """A host's calendar: weekly hours are wall-clock times in the host's zone."""

    id: int
    user_id: int
    title: str  # the host's display name, as on the real site
    timezone: str
    # weekday (0 = Monday) -> list of ("HH:MM", "HH:MM") intervals
    weekly_hours: dict[int, list[tuple[str, str]]]


@dataclass(frozen=True)
class Event:
    id: int
    calendar_id: int
    title: str
    slug: str
    duration: int  # the default length in minutes
    status: str  # bookable only when "active"
    location_settings: list[dict[str, str]]
    durations: tuple[int, ...] = ()  # multi-duration choices; empty for a single length
    requires_confirmation: bool = False
    min_notice_minutes: int = 240
    booking_window_days: int = 60
    description: str = ""
    extra_settings: dict[str, Any] = field(default_factory=dict)

    @property
    def available_durations(self) -> tuple[int, ...]:
        return self.durations or (self.duration,)

    @property
    def location_type(self) -> str | None:
        return self.location_settings[0]["type"] if self.location_settings else None


WEEKDAYS_9_TO_5 = {day: [("09:00", "17:00")] for day in range(5)}
WEEKDAYS_10_TO_4 = {day: [("10:00", "16:00")] for day in range(5)}

USERS = [
    User(1, DEMO_USERNAME, DEMO_EMAIL, "Alex Rivera", DEMO_APP_PASSWORD),
    User(2, "jordan", "jordan@example.org", "Jordan Blake"),
]

CALENDARS = [
    Calendar(1, 1, "Alex Rivera", "America/New_York", WEEKDAYS_9_TO_5),
    Calendar(2, 2, "Jordan Blake", "Europe/London", WEEKDAYS_10_TO_4),
]

PHONE = [{"type": "phone_guest", "title": "Attendee Phone Number"}]
ADDRESS = [{"type": "in_person_guest", "title": "In Person (Attendee Address)"}]
MEET = [{"type": "google_meet", "title": "Google Meet"}]
ZOOM = [{"type": "zoom_meeting", "title": "Zoom Video"}]

EVENTS = [
    Event(
        1, 1, "30 Minute Phone Call", "phone-call", 30, "active", PHONE,
        description="<p>A quick call. <strong>We call you.</strong></p>",
    ),
    Event(
        2, 1, "In-Person Meeting", "in-person", 60, "active", ADDRESS,
        min_notice_minutes=1440, booking_window_days=30,
        description="<p>We come to your office.</p>",
    ),
    Event(
        3, 1, "Product Demo & Q&A", "product-demo", 30, "active", MEET,
        durations=(15, 30, 60),
        description="<p>See the product &amp; ask anything.</p>",
    ),
    Event(
        4, 1, "Strategy Session", "strategy-session", 45, "active", ZOOM,
        requires_confirmation=True,
        description="<p>Needs the host's approval.</p>",
    ),
    Event(5, 1, "Office Hours", "office-hours", 30, "draft", MEET),
    Event(6, 2, "Intro Call", "intro-call", 30, "active",
          [{"type": "phone_organizer", "title": "Organizer will call"}]),
    Event(7, 2, "Workshop Planning", "workshop-planning", 60, "active", ZOOM),
]  # fmt: skip

FREE_INTEGRATION: dict[str, Any] = {"status": False, "settings": [], "field_settings": []}


def _integration(*rows: tuple[str, str, str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(settings, field_settings) from (key, label, field type, value) rows."""
    settings = {key: value for key, _, _, value in rows}
    fields = {key: {"label": label, "type": type_} for key, label, type_, _ in rows}
    return settings, fields


# settings_key -> (settings, field_settings); seeded on a "pro" site.
INTEGRATIONS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "google_calendar": _integration(
        ("client_id", "Client ID", "text", "000000-sandboxfake.apps.googleusercontent.com"),
        ("client_secret", "Client Secret", "password", "GOCSPX-SandboxFake-NotARealSecret00"),
        ("caching_time", "Caching time (minutes)", "number", "5"),
    ),
    "zoom": _integration(
        ("account_id", "Account ID", "text", "SandboxFakeAcct000"),
        ("client_id", "Client ID", "text", "SbxFakeZoomClient00"),
        ("client_secret", "Client Secret", "password", "sbxFakeZoomSecret0000000000000000"),
    ),
    "stripe": _integration(
        ("payment_mode", "Payment mode", "select", "test"),
        ("test_publishable_key", "Test publishable key", "text", "pk_test_SANDBOXFAKE0000000"),
        ("test_secret_key", "Test secret key", "password", "sk_test_SANDBOXFAKE000000000000000000"),
        ("live_publishable_key", "Live publishable key", "text", ""),
        ("live_secret_key", "Live secret key", "password", ""),
    ),
}


@dataclass(frozen=True)
class SampleBooking:
    """A booking `--sample-bookings` adds: `days` weekdays from today (negative: past)."""

    event_id: int
    days: int
    at: str  # "HH:MM" in the host's zone
    name: str
    email: str
    timezone: str  # the attendee's


SAMPLE_BOOKINGS = (
    # the demo user as attendee, so GET /bookings has something to list
    SampleBooking(6, 2, "11:00", "Alex Rivera", DEMO_EMAIL, "America/New_York"),
    SampleBooking(7, -3, "14:00", "Alex Rivera", DEMO_EMAIL, "America/New_York"),
    # someone booked the demo user, so GET /schedules has a hosted meeting
    SampleBooking(1, 3, "10:00", "Sam Lee", "sam@example.org", "Europe/Berlin"),
)


def _weekday(start: datetime, days: int) -> datetime:
    """`days` weekdays after (or, negative, before) `start`, at `start`'s time."""
    step = timedelta(days=1 if days >= 0 else -1)
    moved, left = start, abs(days)
    while left:
        moved += step
        if moved.weekday() < 5:
            left -= 1
    while moved.weekday() >= 5:  # days == 0 on a weekend
        moved += step
    return moved


def sample_booking_rows(now: datetime) -> list[dict[str, Any]]:
    """Rows for `SandboxStore.insert_booking`, placed around `now` in the hosts' hours."""
    events = {e.id: e for e in EVENTS}
    calendars = {c.id: c for c in CALENDARS}
    rows = []
    for n, sample in enumerate(SAMPLE_BOOKINGS, start=1):
        event = events[sample.event_id]
        calendar = calendars[event.calendar_id]
        zone = ZoneInfo(calendar.timezone)
        today = now.astimezone(zone).replace(tzinfo=None)
        local = datetime.combine(today.date(), time.fromisoformat(sample.at))
        start = _weekday(local, sample.days).replace(tzinfo=zone).astimezone(UTC)
        end = start + timedelta(minutes=event.duration)
        first, _, last = sample.name.partition(" ")
        phone = "+15550100" if event.location_type == "phone_guest" else ""
        rows.append(
            {
                "hash": f"sample{n:026d}",
                "calendar_id": calendar.id,
                "event_id": event.id,
                "host_user_id": calendar.user_id,
                "first_name": first,
                "last_name": last,
                "email": sample.email,
                "phone": phone,
                "message": "A sample booking.",
                "person_time_zone": sample.timezone,
                "start_time": start.strftime("%Y-%m-%d %H:%M:%S"),
                "end_time": end.strftime("%Y-%m-%d %H:%M:%S"),
                "slot_minutes": event.duration,
                "status": "scheduled",
                "location_type": event.location_type or "",
                "location_description": phone,
                "guests": [],
                "created_at": now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    return rows
