"""Canonical IANA zone names.

The site silently falls back to the host's zone for an unknown zone or a legacy alias
(``US/Pacific``), so the client canonicalises every zone before calling: aliases map to
their target through the tz database's link table (``tzdata.zi`` shipped with pytz or
tzdata), the ``Etc/UTC`` family becomes ``UTC``, and anything else is refused.
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path

_UTC_NAMES = {
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


def _read_tzdata_zi() -> str:
    try:
        import pytz

        path = Path(pytz.__file__).parent / "zoneinfo" / "tzdata.zi"
        if path.exists():
            return path.read_text(encoding="utf-8")
    except ImportError:  # pragma: no cover - pytz is a dependency
        pass
    try:  # pragma: no cover - fallback
        return (importlib.resources.files("tzdata.zoneinfo") / "tzdata.zi").read_text("utf-8")
    except (ImportError, FileNotFoundError):  # pragma: no cover
        return ""


@functools.cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(lower name -> canonical zone, lower alias -> canonical target)."""
    zones: dict[str, str] = {}
    links: dict[str, str] = {}
    for line in _read_tzdata_zi().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "Z":
            zones[parts[1].lower()] = parts[1]
        elif len(parts) >= 3 and parts[0] == "L":
            links[parts[2].lower()] = parts[1]
    return zones, links


def canonical_zone(name: str) -> str | None:
    """The canonical IANA name for ``name`` (alias or odd case accepted), else None."""
    key = (name or "").strip().lower()
    if not key:
        return None
    if key in _UTC_NAMES:
        return "UTC"
    zones, links = _tables()
    if key in zones:
        return zones[key]
    target = links.get(key)
    if target is None:
        return None
    return "UTC" if target.lower() in _UTC_NAMES else target
