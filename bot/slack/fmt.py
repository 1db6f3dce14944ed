"""Date and time wording shared by the builders (English, locale independent)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def clock(dt: datetime) -> str:
    """'3:00 PM'."""
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"


def day_label(day: date) -> str:
    """'Tue, Jan 14, 2025'."""
    return f"{day:%a}, {day:%b} {day.day}, {day.year}"


def zone_label(dt: datetime, timezone: str) -> str:
    """'America/New_York (EST)'; the abbreviation only when it is a real one."""
    abbr = dt.tzname() or ""
    if abbr and abbr[0] not in "+-" and abbr != timezone:
        return f"{timezone} ({abbr})"
    return timezone


def when_label(start: datetime, end: datetime | None, timezone: str) -> str:
    """'Tue, Jan 14, 2025, 3:00 PM – 3:30 PM America/New_York (EST)'."""
    text = f"{day_label(start.date())}, {clock(start)}"
    if end is not None:
        text += f" – {clock(end)}"
    return f"{text} {zone_label(start, timezone)}"


def duration_label(minutes: int) -> str:
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return f"{hours} hour" + ("s" if hours > 1 else "")
    return f"{minutes} min"


def iana_or(zone: str | None, fallback: str) -> str:
    """A usable IANA zone name (parse results may be bare offsets like '+05:30')."""
    if zone:
        try:
            ZoneInfo(zone)
            return zone
        except (ValueError, KeyError, OSError):
            pass
    return fallback


def fallback_time(start: datetime, timezone: str) -> str:
    """'Tue, Jan 14 3:00 PM EST (America/New_York)': the zone always named."""
    local = start.astimezone(ZoneInfo(timezone))
    abbr = local.tzname() or ""
    abbr = f" {abbr}" if abbr and abbr[0] not in "+-" and abbr != timezone else ""
    return f"{local:%a}, {local:%b} {local.day} {clock(local)}{abbr} ({timezone})"


def date_token(start: datetime, timezone: str) -> str:
    """Slack's `<!date^…>`: every reader sees the time in their own zone.

    The fallback (shown where the token cannot be rendered) is ours, never outside text,
    and cannot hold `|` or `>`."""
    epoch = int(start.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback_time(start, timezone)}>"
