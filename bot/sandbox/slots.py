"""Availability maths, as FluentBooking computes it.

Candidate starts are laid on a grid (interval = duration) inside the host's weekly
hours, in the host's zone; a start is offered when it is at least the event's minimum
notice after now, on or before the booking window's last day (host's calendar), and the
host has no scheduled or pending booking overlapping it, in any of the host's events.
Offered times are shown as wall-clock times in the requested zone (DST-correct).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytz

from bot.sandbox.seed import Calendar, Event

UTC = ZoneInfo("UTC")
WALL_FORMAT = "%Y-%m-%d %H:%M:%S"
_REGIONS = {
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
    "Europe", "Indian", "Pacific",
}  # fmt: skip
# Canonical IANA names only: legacy aliases such as US/Pacific are not among them.
CANONICAL_ZONES = frozenset(
    name for name in pytz.common_timezones if name.split("/")[0] in _REGIONS
) | {"UTC"}


def canonical_zone(name: str | None) -> ZoneInfo | None:
    """The zone when `name` is a canonical IANA name; None otherwise (caller falls back)."""
    if name and name in CANONICAL_ZONES:
        return ZoneInfo(name)
    return None


def wall(dt: datetime) -> str:
    return dt.strftime(WALL_FORMAT)


def localize(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """`day at` in `zone`, or None when that wall time does not exist (a DST gap)."""
    local = datetime.combine(day, at, tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    return local if round_trip.replace(tzinfo=None) == local.replace(tzinfo=None) else None


_START_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")


def parse_start_date(text: str) -> datetime:
    """'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM[:SS]' as a naive datetime; ValueError otherwise."""
    match = _START_DATE.match(text.strip())
    if not match:
        raise ValueError(f"DateTime::__construct(): Failed to parse time string ({text})")
    parts = [int(p) if p else 0 for p in match.groups()]
    return datetime(*parts)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Busy:
    start: datetime  # aware UTC
    end: datetime


def grid_starts(calendar: Calendar, day: date, duration: int) -> list[datetime]:
    """Every slot start on the host's local `day` (aware, host zone)."""
    zone = ZoneInfo(calendar.timezone)
    starts: list[datetime] = []
    for open_text, close_text in calendar.weekly_hours.get(day.weekday(), []):
        opens = datetime.combine(day, time.fromisoformat(open_text))
        closes = datetime.combine(day, time.fromisoformat(close_text))
        at = opens
        while at + timedelta(minutes=duration) <= closes:
            local = localize(day, at.time(), zone)
            if local is not None:
                starts.append(local)
            at += timedelta(minutes=duration)
    return starts


def on_grid(calendar: Calendar, start: datetime, duration: int) -> bool:
    """True when `start` (aware) is exactly one of the host's slot starts for `duration`."""
    local = start.astimezone(ZoneInfo(calendar.timezone))
    return any(s == local for s in grid_starts(calendar, local.date(), duration))


def overlaps(start: datetime, end: datetime, busy: Iterable[Busy]) -> bool:
    return any(b.start < end and start < b.end for b in busy)


def last_bookable_day(calendar: Calendar, event: Event, now: datetime) -> date:
    """The booking window's last day, on the host's calendar."""
    host_today = now.astimezone(ZoneInfo(calendar.timezone)).date()
    return host_today + timedelta(days=event.booking_window_days)


def earliest_start(event: Event, now: datetime) -> datetime:
    return now.astimezone(UTC) + timedelta(minutes=event.min_notice_minutes)


def month_range(
    calendar: Calendar, event: Event, zone: ZoneInfo, start_local: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """The UTC range one call covers: max(start, now + notice) to the end of that month,
    capped by the booking window's last day."""
    first = start_local.replace(tzinfo=zone)
    month_start = first.date().replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    month_end = datetime.combine(next_month, time(), tzinfo=zone)
    window_end = datetime.combine(
        last_bookable_day(calendar, event, now) + timedelta(days=1),
        time(),
        tzinfo=ZoneInfo(calendar.timezone),
    )
    begin = max(first.astimezone(UTC), earliest_start(event, now))
    return begin, min(month_end, window_end).astimezone(UTC)


def free_slots(
    calendar: Calendar,
    duration: int,
    begin: datetime,
    end: datetime,
    busy: list[Busy],
) -> list[datetime]:
    """Free slot starts (aware UTC) with begin <= start < end."""
    host_zone = ZoneInfo(calendar.timezone)
    day = begin.astimezone(host_zone).date()
    last = end.astimezone(host_zone).date()
    found: list[datetime] = []
    while day <= last:
        for local in grid_starts(calendar, day, duration):
            start = local.astimezone(UTC)
            if begin <= start < end and not overlaps(
                start, start + timedelta(minutes=duration), busy
            ):
                found.append(start)
        day += timedelta(days=1)
    return found
