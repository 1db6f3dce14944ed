"""Golden JSON for the App Home and announcement builders.

Compared with tests/home/golden/*.json; regenerate on purpose with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/home/test_home_views_golden.py`.
Every output is also checked against the Slack stand-in's Block Kit rules.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from support.golden import assert_message_golden, assert_view_golden

from bot.booking import BookingResult
from bot.slack.booking.views.announcements import booked_dm, channel_post, date_token, fallback_time
from bot.slack.home.views import HomeBooking, home_view

GOLDEN = Path(__file__).parent / "golden"
NY = ZoneInfo("America/New_York")
EVIL = "<!channel> Party & <@U123> *bold*"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 1, day, hour, minute, tzinfo=NY)


def row(day: int, hour: int, **kw: Any) -> HomeBooking:
    return HomeBooking(day * 100 + hour, kw.pop("title", "Product Demo & Q&A"), at(day, hour),
                       at(day, hour, 30), **kw)  # fmt: skip


def result(**kw: Any) -> BookingResult:
    base = dict(booking_id=42, event_title=EVIL, start=at(14, 15), end=at(14, 15, 30),
                timezone="America/New_York", name="Ana <!here>", email="ana@acme.com",
                location="Zoom & <b>", status="scheduled", host_name="Alex <Rivera>")  # fmt: skip
    return BookingResult(**{**base, **kw})


VIEWS = {
    "home_how_to": lambda: home_view(),
    "home_bookings": lambda: home_view(
        [
            row(13, 16),
            row(14, 9, title=EVIL, status="pending"),
            row(14, 15, attendee_name="Ana <!here>", booked_by_you=True),
            row(20, 10, title=""),
        ],
        timezone="America/New_York",
        today=date(2025, 1, 13),
    ),
    "home_empty": lambda: home_view([], timezone="America/New_York", today=date(2025, 1, 13)),
    "home_site_down": lambda: home_view(timezone="Europe/Berlin", site_error=True),
}
MESSAGES = {
    "announce_dm": lambda: booked_dm(result(), "Europe/Berlin"),
    "announce_dm_pending": lambda: booked_dm(result(status="pending", location=None), "UTC"),
    "announce_channel": lambda: channel_post(result(), "U_ALICE"),
    "announce_channel_pending": lambda: channel_post(
        result(status="pending", name="", host_name=""), "not a user id>"
    ),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_golden(name: str) -> None:
    built = VIEWS[name]()
    assert_view_golden(GOLDEN, name, built)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_golden(name: str) -> None:
    built = MESSAGES[name]()
    assert_message_golden(GOLDEN, name, built)
    text = json.dumps(built)
    assert "<!channel>" not in text and "<!here>" not in text and "<@U123>" not in text


def test_how_to_alone_is_the_core_home() -> None:
    """Without data the tab is exactly the how-to the core published before."""
    core = Path(__file__).parents[1] / "slack" / "golden" / "home.json"
    assert json.loads(core.read_text(encoding="utf-8")) == home_view()


@pytest.mark.parametrize(
    ("start", "zone", "expected"),
    [
        (at(14, 15), "America/New_York", "Tue, Jan 14 3:00 PM EST (America/New_York)"),
        (datetime(2025, 7, 1, 9, 5, tzinfo=NY), "America/New_York",
         "Tue, Jul 1 9:05 AM EDT (America/New_York)"),
        (at(14, 15), "Asia/Kolkata", "Wed, Jan 15 1:30 AM IST (Asia/Kolkata)"),
        (at(14, 15), "Asia/Dubai", "Wed, Jan 15 12:00 AM (Asia/Dubai)"),  # "+04" is no name
        (at(14, 15), "UTC", "Tue, Jan 14 8:00 PM (UTC)"),
    ],
)  # fmt: skip
def test_fallback_names_the_zone(start: datetime, zone: str, expected: str) -> None:
    assert fallback_time(start, zone) == expected
    token = date_token(start, zone)
    assert token == (
        f"<!date^{int(start.timestamp())}^{{date_short_pretty}} at {{time}}|{expected}>"
    )
