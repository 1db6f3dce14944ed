"""GET /bookings: instants read from display strings, client-side period filter and order."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from client_helpers import NOW, json_response

from bot.fluentbooking.display_times import parse_clock, shown_times


def summary(id_: int, day: str, clock: str, zone: str = "UTC") -> dict[str, object]:
    return {
        "id": str(id_),
        "person_time_zone": zone,
        "status": "Scheduled",
        "booking_title": f"Call {id_}",
        "author_name": "Ana",
        "booking_date": day,
        "booking_time": clock,
    }


def z(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "clock", "zone", "start", "end"),
    [
        (
            "November 23, 2026",
            "1:00 pm - 1:30 pm",
            "America/New_York",
            z(2026, 11, 23, 18),
            z(2026, 11, 23, 18, 30),
        ),
        # 2.0.0 shows the end time twice: the end is known, the start is not guessed
        (
            "November 23, 2026",
            "1:30 pm - 1:30 pm",
            "America/New_York",
            None,
            z(2026, 11, 23, 18, 30),
        ),
        (
            "March 8, 2026",
            "11:30 pm - 12:30 am",
            "US/Pacific",
            z(2026, 3, 9, 6, 30),
            z(2026, 3, 9, 7, 30),
        ),
        (
            "23 novembre 2026",
            "13:00 - 13:30",
            "Europe/Paris",
            z(2026, 11, 23, 12),
            z(2026, 11, 23, 12, 30),
        ),
        ("2026-11-23", "9 AM - 10 a.m.", "UTC", z(2026, 11, 23, 9), z(2026, 11, 23, 10)),
        ("someday", "1:00 pm - 1:30 pm", "UTC", None, None),
        ("November 23, 2026", "all day", "UTC", None, None),
        ("November 23, 2026", "1:00 pm - 1:30 pm", "Mars/Base", None, None),
    ],
)
def test_rows_display_strings_become_instants(day, clock, zone, start, end):
    shown = shown_times(day, clock, zone)
    assert (shown.start_utc, shown.end_utc) == (start, end)


@pytest.mark.parametrize("text", ["13", "25:00", "0:00 pm", "1:75 am", "", "noon"])
def test_clock_refuses_what_is_not_a_time(text):
    assert parse_clock(text) is None


def bookings_site(site, rows, total=None):
    site.on(
        "GET",
        "/bookings",
        json_response(200, {"bookings": rows, "total": str(total or len(rows))}),
    )


# NOW is 2025-01-10 12:00 UTC
ROWS = [
    summary(1, "January 12, 2025", "10:00 am - 10:30 am"),  # upcoming, later
    summary(2, "January 3, 2025", "10:00 am - 10:30 am"),  # past, older
    summary(3, "January 11, 2025", "9:00 am - 9:30 am"),  # upcoming, sooner
    summary(4, "Someday", "whenever"),  # unreadable
    summary(5, "January 9, 2025", "4:00 pm - 4:30 pm"),  # past, recent
]


async def test_past_is_filtered_and_most_recent_first(site, make_client, caplog):
    bookings_site(site, ROWS)
    with caplog.at_level(logging.WARNING, logger="bot.fluentbooking"):
        result = await make_client().list_bookings(period="past", per_page=10)
    assert [b.id for b in result.items] == [5, 2]
    assert result.total == 2
    assert result.items[0].start_utc == z(2025, 1, 9, 16)
    assert sum("could not be read" in r.getMessage() for r in caplog.records) == 1


async def test_all_lists_upcoming_soonest_then_past_then_unreadable(site, make_client):
    bookings_site(site, ROWS, total=5)
    client = make_client()
    result = await client.list_bookings(period="all", per_page=10)
    assert [b.id for b in result.items] == [3, 1, 5, 2, 4]
    assert result.total == 5
    # the page is cut after ordering, and more rows are read than asked for
    result = await client.list_bookings(period="all", per_page=2)
    assert [b.id for b in result.items] == [3, 1]
    assert int(site.seen[-1].param("per_page") or 0) >= 100


async def test_upcoming_is_soonest_first_and_keeps_the_sites_unreadable_rows(site, make_client):
    bookings_site(site, [ROWS[0], ROWS[2], ROWS[3]])
    result = await make_client().list_bookings(period="upcoming", per_page=5)
    assert [b.id for b in result.items] == [3, 1, 4]
    assert site.seen[0].param("per_page") == "5"


async def test_unreadable_rows_are_logged_once_per_client(site, make_client, caplog):
    bookings_site(site, ROWS)
    client = make_client()
    with caplog.at_level(logging.WARNING, logger="bot.fluentbooking"):
        await client.list_bookings(period="all")
        await client.list_bookings(period="all")
    assert sum("could not be read" in r.getMessage() for r in caplog.records) == 1


async def test_buggy_end_twice_rows_are_still_placed(site, make_client):
    rows = [
        summary(7, "January 9, 2025", "4:30 pm - 4:30 pm"),
        summary(8, "January 10, 2025", "12:30 pm - 12:30 pm"),  # ends after NOW: upcoming
    ]
    bookings_site(site, rows)
    result = await make_client().list_bookings(period="past")
    assert [b.id for b in result.items] == [7]
    data = result.items[0].to_json()
    assert data["start_utc"] is None and data["end_utc"] == "2025-01-09T16:30:00Z"
    assert z(2025, 1, 10, 12, 30) > NOW
