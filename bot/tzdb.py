"""The tz database, read once for the whole process: zone names, links, canonical names.

Both the FluentBooking client (which must send the site a canonical zone: the site
silently falls back to its own zone for an unknown one or a legacy alias such as
``US/Pacific``) and the date parser use this. One copy of the database: the one pytz
ships (a declared dependency), whose ``tzdata.zi`` source lists every zone (``Z``
lines) and alias (``L`` lines). Aliases map to their target, the ``Etc/UTC`` family
becomes ``UTC``, anything else is unknown. Neutral: imports neither Slack nor the client.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import IO

UTC_NAMES = frozenset(
    {
        "utc",
        "etc/utc",
        "etc/uct",
        "uct",
        "etc/universal",
        "universal",
        "etc/zulu",
        "zulu",
        "z",
        "gmt",
        "etc/gmt",
        "gmt0",
        "gmt+0",
        "gmt-0",
        "etc/gmt0",
        "etc/gmt+0",
        "etc/gmt-0",
        "greenwich",
        "etc/greenwich",
    }
)


def database_file(name: str) -> IO[bytes]:
    """A file of pytz's copy of the tz database ("Europe/Paris", "tzdata.zi")."""
    return resources.files("pytz").joinpath("zoneinfo", *name.split("/")).open("rb")


@dataclass(frozen=True)
class _Database:
    zones: dict[str, str]  # lowercased zone name -> its spelling
    links: dict[str, str]  # lowercased alias -> the target's spelling
    aliases: dict[str, str]  # lowercased alias -> its spelling


@functools.cache
def _database() -> _Database:
    db = _Database({}, {}, {})
    try:
        with database_file("tzdata.zi") as f:
            text = f.read().decode("utf-8")
    except OSError:  # pragma: no cover - a pytz without its source file
        return db
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "Z":
            db.zones[parts[1].lower()] = parts[1]
        elif len(parts) >= 3 and parts[0] == "L":
            db.links[parts[2].lower()] = parts[1]
            db.aliases[parts[2].lower()] = parts[2]
    return db


def names() -> dict[str, str]:
    """lowercased zone name or alias -> its spelling (for case-insensitive lookup)."""
    db = _database()
    return {**db.zones, **db.aliases}


def canonical_zone(name: str) -> str | None:
    """The canonical IANA name for ``name`` (alias or odd case accepted), else None."""
    key = (name or "").strip().lower()
    if not key:
        return None
    if key in UTC_NAMES:
        return "UTC"
    db = _database()
    if key in db.zones:
        return db.zones[key]
    target = db.links.get(key)
    for _ in range(5):  # a link to a link, bounded
        if target is None or target.lower() not in db.links:
            break
        target = db.links[target.lower()]
    if target is None:
        return None
    return "UTC" if target.lower() in UTC_NAMES else target
