"""`--sample-bookings`: a few bookings around today, off by default."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from bot.fluentbooking import FluentBookingClient
from bot.sandbox import start_sandbox

from .helpers import MONDAY_NOON_UTC, slot_starts


def _api(sandbox) -> httpx.Client:
    return httpx.Client(
        base_url=sandbox.api_url, auth=(sandbox.username, sandbox.app_password), timeout=10
    )


def _mine(sandbox) -> list[dict]:
    with _api(sandbox) as api:
        found = api.get("/bookings", params={"calendar_ids[]": "all", "period": "all"})
    assert found.status_code == 200
    return found.json()["bookings"]


def test_off_by_default_and_added_once(tmp_path):
    db = str(tmp_path / "site.sqlite3")
    with start_sandbox(db_path=db, now=MONDAY_NOON_UTC) as plain:
        assert _mine(plain) == []
    for _ in range(2):  # a second start on the same database adds nothing more
        with start_sandbox(db_path=db, now=MONDAY_NOON_UTC, sample_bookings=True) as site:
            rows = _mine(site)
    assert len(rows) == 2


async def test_the_client_lists_them_by_period(tmp_path):
    # Monday 2025-01-06 12:00 UTC: an Intro Call on Wednesday 8th (upcoming), a Workshop
    # Planning on Wednesday 1st (past), both hosted in London for the demo user
    with start_sandbox(
        db_path=str(tmp_path / "site.sqlite3"), now=MONDAY_NOON_UTC, sample_bookings=True
    ) as site:
        async with FluentBookingClient(
            site.url, site.username, site.app_password, clock=lambda: MONDAY_NOON_UTC
        ) as client:
            upcoming = await client.list_bookings("upcoming")
            past = await client.list_bookings("past")
            every = await client.list_bookings("all")
            hosted = await client.list_schedules()
        with _api(site) as api:
            free = slot_starts(api, 1, start_date="2025-01-09", timezone="America/New_York")
    assert [b.title for b in upcoming.items] == ["Intro Call with Jordan Blake"]
    assert upcoming.items[0].end_utc == datetime(2025, 1, 8, 11, 30, tzinfo=UTC)
    assert [b.title for b in past.items] == ["Workshop Planning with Jordan Blake"]
    assert past.total == 1
    assert [b.id for b in every.items] == [upcoming.items[0].id, past.items[0].id]
    # the demo user is the administrator: every host's upcoming bookings
    assert [(b.email, b.start_utc) for b in hosted.items] == [
        ("demo@example.com", datetime(2025, 1, 8, 11, 0, tzinfo=UTC)),
        ("sam@example.org", datetime(2025, 1, 9, 15, 0, tzinfo=UTC)),
    ]
    assert "2025-01-09 10:00:00" not in free.get("2025-01-09", [])
    assert "2025-01-09 10:30:00" in free.get("2025-01-09", [])
