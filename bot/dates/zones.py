"""Time zones: canonical IANA names, names people type, and DST-aware localisation.

Wall times are localised with `zoneinfo` fold semantics, which are exactly RFC 5545
§3.3.5: a time in a spring-forward gap takes the offset before the gap (so it moves
forward by the gap), a time in a fall-back overlap is its first occurrence.

One tz database for the process (`bot.tzdb`: the copy pytz ships, a declared dependency).
A plain `ZoneInfo(name)` would read the system's /usr/share/zoneinfo first, which can be
older than pytz's copy and disagree with it (e.g. Canadian zones from November 2026), so
zones are loaded from pytz's files into `ZoneInfo` objects, and names and links come from
`bot.tzdb`, which the FluentBooking client canonicalises with too.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytz

from bot import tzdb

# Abbreviations -> the region whose clock people mean (DATES.md). IST depends on the user.
ABBREVIATIONS: dict[str, str] = {
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "ct": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mt": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "gmt": "UTC",
    "utc": "UTC",
    "z": "UTC",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "bst": "Europe/London",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "ist": "Asia/Kolkata",
    "hst": "Pacific/Honolulu",
    "akst": "America/Anchorage",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
    "kst": "Asia/Seoul",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
    "wet": "Europe/Lisbon",
    "eet": "Europe/Athens",
    "brt": "America/Sao_Paulo",
}

# Region and city names people use that are not the last part of an IANA name.
PLACES: dict[str, str] = {
    "eastern": "America/New_York",
    "central": "America/Chicago",
    "mountain": "America/Denver",
    "pacific": "America/Los_Angeles",
    "east coast": "America/New_York",
    "west coast": "America/Los_Angeles",
    "new york": "America/New_York",
    "nyc": "America/New_York",
    "ny": "America/New_York",
    "boston": "America/New_York",
    "washington": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "austin": "America/Chicago",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "california": "America/Los_Angeles",
    "arizona": "America/Phoenix",
    "hawaii": "Pacific/Honolulu",
    "alaska": "America/Anchorage",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "calgary": "America/Edmonton",
    "uk": "Europe/London",
    "britain": "Europe/London",
    "england": "Europe/London",
    "ireland": "Europe/Dublin",
    "france": "Europe/Paris",
    "germany": "Europe/Berlin",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "spain": "Europe/Madrid",
    "barcelona": "Europe/Madrid",
    "italy": "Europe/Rome",
    "milan": "Europe/Rome",
    "portugal": "Europe/Lisbon",
    "netherlands": "Europe/Amsterdam",
    "geneva": "Europe/Zurich",
    "india": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "japan": "Asia/Tokyo",
    "china": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "korea": "Asia/Seoul",
    "australia": "Australia/Sydney",
    "canberra": "Australia/Sydney",
    "new zealand": "Pacific/Auckland",
    "nz": "Pacific/Auckland",
    "wellington": "Pacific/Auckland",
    "brazil": "America/Sao_Paulo",
    "são paulo": "America/Sao_Paulo",
    "rio": "America/Sao_Paulo",
    "mexico": "America/Mexico_City",
    "uae": "Asia/Dubai",
    "abu dhabi": "Asia/Dubai",
    "israel": "Asia/Jerusalem",
    "tel aviv": "Asia/Jerusalem",
    "saigon": "Asia/Ho_Chi_Minh",
    "ho chi minh": "Asia/Ho_Chi_Minh",
    "nepal": "Asia/Kathmandu",
    "utc": "UTC",
    "gmt": "UTC",
}

# Words that are IANA city names but far more often something else in a sentence.
_CITY_STOPWORDS = {"casey", "davis", "palmer", "troll", "mawson", "vostok", "syowa", "macquarie"}
_US_ZONES_CACHE: frozenset[str] | None = None


def canonical(name: str) -> str:
    """The canonical IANA spelling of a zone name (US/Eastern -> America/New_York)."""
    found = tzdb.canonical_zone(name)
    if found is None:
        raise ZoneInfoNotFoundError(name)
    return found


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for a zone name, built from pytz's copy of the tz database (cached)."""
    if name not in pytz.all_timezones_set:
        raise ZoneInfoNotFoundError(name)
    with tzdb.database_file(name) as f:
        return ZoneInfo.from_file(f, key=name)


@functools.lru_cache(maxsize=512)
def resolve_user_zone(name: str) -> str:
    """Canonical name for the user's zone, or ValueError naming the unknown zone.

    Cached (a few users' zones, asked for on every parse); an unknown name raises, which
    is never cached."""
    try:
        return canonical(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


@functools.cache
def cities() -> dict[str, str]:
    """lowercased place name -> IANA zone: last parts of IANA names plus PLACES."""
    out: dict[str, str] = {}
    for name in tzdb.names().values():
        if "/" not in name or name.startswith(("Etc/", "Antarctica/", "SystemV/", "US/")):
            continue
        city = name.rsplit("/", 1)[1].replace("_", " ").lower()
        if city in _CITY_STOPWORDS or len(city) < 3:
            continue
        try:
            out.setdefault(city, canonical(name))
        except ZoneInfoNotFoundError:  # pragma: no cover
            continue
    out.update(PLACES)
    return out


def is_us_zone(name: str) -> bool:
    """Whether the user's zone is in the United States (numeric dates read month first)."""
    global _US_ZONES_CACHE
    if _US_ZONES_CACHE is None:
        try:
            _US_ZONES_CACHE = frozenset(canonical(z) for z in pytz.country_timezones["us"])
        except Exception:  # pragma: no cover
            _US_ZONES_CACHE = frozenset()
    return name in _US_ZONES_CACHE


def abbreviation_zone(abbr: str, user_zone: str) -> str:
    """The zone an abbreviation names; IST is Irish for a user in Europe/Dublin."""
    abbr = abbr.lower()
    if abbr == "ist" and user_zone == "Europe/Dublin":
        return "Europe/Dublin"
    return ABBREVIATIONS[abbr]


_OFFSET_RE = re.compile(r"^([+-])(\d{1,2})(?::?(\d{2}))?$")


def offset_zone(sign: str, hours: int, minutes: int) -> tuple[str, tzinfo, str]:
    """(name, tzinfo, kind) for a fixed offset; whole hours map to POSIX-named Etc/GMT∓N."""
    if hours > 14 or minutes >= 60:
        raise ValueError("offset out of range")
    delta = timedelta(hours=hours, minutes=minutes)
    if sign == "-":
        delta = -delta
    if delta == timedelta(0):
        return "UTC", zone("UTC"), "iana"
    if minutes == 0 and hours <= 12:
        # Etc/GMT-2 is UTC+02:00 (POSIX signs are inverted).
        name = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        return name, zone(name), "iana"
    label = f"{sign}{hours:02d}:{minutes:02d}"
    return label, timezone(delta), "offset"


def localize(wall: datetime, tz: tzinfo) -> tuple[datetime, str | None]:
    """Attach `tz` to a naive wall time by the DATES.md rule; note 'dst_gap'/'dst_overlap'."""
    if not isinstance(tz, ZoneInfo) or wall.fold:
        first = wall.replace(tzinfo=tz, fold=0)
        if not isinstance(tz, ZoneInfo):
            return first, None
    else:  # the same as above, without replace()'s keyword parsing (1 us a call)
        first = datetime.combine(wall.date(), wall.time(), tz)
    w = wall
    fold1 = datetime(w.year, w.month, w.day, w.hour, w.minute, w.second, w.microsecond, fold=1)
    if tz.utcoffset(fold1) == first.utcoffset():
        return first, None  # PEP 495: fold changes the offset only in a gap or an overlap
    back = first.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != wall:
        return back, "dst_gap"  # fold=0 in a gap uses the offset before it: moved forward
    return first, "dst_overlap"
