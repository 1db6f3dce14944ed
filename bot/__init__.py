"""A Slack bot that books meetings on a FluentBooking site."""

from __future__ import annotations

import importlib.util
import zoneinfo
from pathlib import Path

__version__ = "0.1.0"


def _use_one_tz_database() -> None:
    """Make every `ZoneInfo(name)` in the process read pytz's copy of the tz database.

    zoneinfo reads the system's /usr/share/zoneinfo first, which can be older than the
    copy pytz ships and disagree with it (Canadian zones from November 2026, for one), so
    the same meeting could be an hour apart in two parts of the bot. pytz is a declared
    dependency and the dates module reads zone names from it: one database everywhere.
    Done once, before any zone is loaded, without importing pytz itself (start-up time).
    """
    spec = importlib.util.find_spec("pytz")
    folders = list(spec.submodule_search_locations or []) if spec else []
    database = Path(folders[0], "zoneinfo") if folders else None
    if database is not None and (database / "UTC").is_file():
        zoneinfo.reset_tzpath(to=[str(database.resolve())])


_use_one_tz_database()
