"""Every part of the bot reads one tz database: the copy pytz ships."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import pytz

import bot  # noqa: F401  (sets the database for the process)


@pytest.mark.parametrize(
    "name", ["America/Vancouver", "America/New_York", "Europe/London", "Australia/Sydney"]
)
def test_zoneinfo_agrees_with_pytz(name: str) -> None:
    # British Columbia's clock change in November 2026 is in recent tz data only: an older
    # system copy would put a Vancouver meeting an hour away from what pytz says
    for moment in (datetime(2026, 11, 20, 12), datetime(2027, 3, 20, 12), datetime(2027, 7, 1)):
        assert ZoneInfo(name).utcoffset(moment) == pytz.timezone(name).utcoffset(moment)
