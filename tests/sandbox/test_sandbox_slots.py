"""Availability from GET /bookings/event/{id}: zones, DST, month cut-off, window, notice."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.sandbox import Sandbox

from .helpers import slot_starts

CLOSED = "Sorry, the host is not accepting any new bookings at the moment."


def _instants(days: dict[str, list[str]], zone: str) -> set[datetime]:
    tz = ZoneInfo(zone)
    return {
        datetime.fromisoformat(start).replace(tzinfo=tz).astimezone(UTC)
        for starts in days.values()
        for start in starts
    }


def test_slot_objects_and_event_details(api: httpx.Client) -> None:
    body = api.get(
        "/bookings/event/1", params={"start_date": "2025-01-07", "timezone": "America/New_York"}
    ).json()
    first = body["available_slots"]["2025-01-07"][0]
    assert first == {"start": "2025-01-07 09:00:00", "end": "2025-01-07 09:30:00", "remaining": 1}
    event = body["calendar_event"]["slot"]
    assert event["title"] == "30 Minute Phone Call"
    assert event["max_lookup_date"] == "2025-03-07"
    assert event["min_bookable_date"] == "2025-01-06 16:00:00"  # now + 4 h, UTC
    assert body["calendar_event"]["author_profile"]["name"] == "Alex Rivera"
    assert any(f["name"] == "email" for f in body["calendar_event"]["form_fields"])


def test_weekly_hours_grid_and_weekends(api: httpx.Client) -> None:
    days = slot_starts(api, 1, start_date="2025-01-07", timezone="America/New_York")
    tuesday = days["2025-01-07"]
    assert tuesday[0] == "2025-01-07 09:00:00" and tuesday[-1] == "2025-01-07 16:30:00"
    assert len(tuesday) == 16
    assert "2025-01-11" not in days and "2025-01-12" not in days  # Saturday, Sunday
    sixty = slot_starts(api, 3, start_date="2025-01-07", timezone="America/New_York", duration=60)
    assert sixty["2025-01-07"] == [f"2025-01-07 {h:02d}:00:00" for h in range(9, 17)]
    odd = slot_starts(api, 3, start_date="2025-01-07", timezone="America/New_York", duration=45)
    assert len(odd["2025-01-07"]) == 16  # not an offered length: the default (30) applies


def test_minimum_notice(api: httpx.Client) -> None:
    # now is 07:00 in New York; 4 hours of notice make 11:00 the first slot today
    days = slot_starts(api, 1, timezone="America/New_York")
    assert days["2025-01-06"][0] == "2025-01-06 11:00:00"
    # the in-person meeting needs a day's notice: nothing today, tomorrow from 09:00
    in_person = slot_starts(api, 2, start_date="2025-01-06", timezone="America/New_York")
    assert "2025-01-06" not in in_person
    assert in_person["2025-01-07"][0] == "2025-01-07 09:00:00"


def test_one_month_per_call(api: httpx.Client) -> None:
    days = slot_starts(api, 1, start_date="2025-01-20", timezone="America/New_York")
    assert min(days) == "2025-01-20" and max(days) == "2025-01-31"
    feb = slot_starts(api, 1, start_date="2025-02-01", timezone="America/New_York")
    assert min(feb) == "2025-02-03" and max(feb) == "2025-02-28"


def test_later_start_within_the_day(api: httpx.Client) -> None:
    days = slot_starts(api, 1, start_date="2025-01-07 14:00:00", timezone="America/New_York")
    assert days["2025-01-07"][0] == "2025-01-07 14:00:00"


def test_booking_window_caps_and_beyond_is_invalid_dates(api: httpx.Client) -> None:
    march = slot_starts(api, 1, start_date="2025-03-01", timezone="America/New_York")
    assert max(march) == "2025-03-07"  # now + 60 days
    beyond = api.get(
        "/bookings/event/1", params={"start_date": "2025-03-10", "timezone": "America/New_York"}
    ).json()
    assert beyond["available_slots"] == [] and beyond["invalid_dates"] is True
    # the in-person meeting has a 30-day window
    feb = slot_starts(api, 2, start_date="2025-02-01", timezone="America/New_York")
    assert max(feb) == "2025-02-05"


def test_past_month_is_empty_list(api: httpx.Client) -> None:
    response = api.get("/bookings/event/1", params={"start_date": "2024-12-01"})
    assert response.json()["available_slots"] == []


@pytest.mark.parametrize(
    "zone", ["Europe/London", "UTC", "Asia/Tokyo", "Asia/Kolkata", "America/Los_Angeles"]
)
def test_same_instants_in_any_zone(api: httpx.Client, zone: str) -> None:
    home = slot_starts(api, 1, start_date="2025-01-06", timezone="America/New_York")
    there = slot_starts(api, 1, start_date="2025-01-06", timezone=zone)
    # the month is cut at the end of January in the requested zone; compare whole days
    cut = datetime(2025, 1, 31, 0, 0, tzinfo=UTC)
    assert {i for i in _instants(there, zone) if i < cut} == {
        i for i in _instants(home, "America/New_York") if i < cut
    }


def test_tokyo_days_are_tokyo_dates(api: httpx.Client) -> None:
    days = slot_starts(api, 1, start_date="2025-01-07", timezone="Asia/Tokyo")
    # New York Tuesday 09:00 EST = Tuesday 23:00 in Tokyo; 10:00 EST = Wednesday 00:00
    assert "2025-01-07 23:00:00" in days["2025-01-07"]
    assert days["2025-01-08"][0] == "2025-01-08 00:00:00"


def test_dst_transition_week(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.set_now(datetime(2025, 3, 3, 12, 0, tzinfo=UTC))
    london = slot_starts(api, 1, start_date="2025-03-03", timezone="Europe/London")
    # New York springs forward on 2025-03-09; London only on 2025-03-30
    assert london["2025-03-07"][0] == "2025-03-07 14:00:00"
    assert london["2025-03-10"][0] == "2025-03-10 13:00:00"
    utc = slot_starts(api, 1, start_date="2025-03-03", timezone="UTC")
    assert utc["2025-03-10"][0] == "2025-03-10 13:00:00"
    home = slot_starts(api, 1, start_date="2025-03-03", timezone="America/New_York")
    assert home["2025-03-10"][0] == "2025-03-10 09:00:00"
    # the London host in New York's zone, in the three weeks when the gap is 4 hours
    host2 = slot_starts(api, 6, start_date="2025-03-03", timezone="America/New_York")
    assert host2["2025-03-07"][0] == "2025-03-07 05:00:00"
    assert host2["2025-03-10"][0] == "2025-03-10 06:00:00"
    assert host2["2025-03-31"][0] == "2025-03-31 05:00:00"


@pytest.mark.parametrize("zone", ["US/Pacific", "Not/AZone", ""])
def test_unknown_or_legacy_zone_falls_back_to_host_zone(api: httpx.Client, zone: str) -> None:
    fallback = slot_starts(api, 1, start_date="2025-01-07", timezone=zone)
    assert fallback == slot_starts(api, 1, start_date="2025-01-07", timezone="America/New_York")


@pytest.mark.parametrize("event_id", [5, 999])
def test_inactive_or_unknown_event_is_422_closed(api: httpx.Client, event_id: int) -> None:
    response = api.get(f"/bookings/event/{event_id}")
    assert response.status_code == 422
    assert response.json() == {"message": CLOSED}


@pytest.mark.parametrize("start", ["tomorrow", "2025-13-45", "07/01/2025"])
def test_malformed_start_date_is_500(api: httpx.Client, start: str) -> None:
    response = api.get("/bookings/event/1", params={"start_date": start})
    assert response.status_code == 500
    assert "message" in response.json() and "code" not in response.json()
