"""POST /bookings/create, GET /bookings and /schedules, with the real site's quirks."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from bot.sandbox import Sandbox

from .helpers import SLOT_TAKEN, book, slot_starts


def _day(api: httpx.Client, event_id: int, **params: object) -> list[str]:
    days = slot_starts(
        api, event_id, start_date="2025-01-07", timezone="America/New_York", **params
    )
    return [s[11:16] for s in days.get("2025-01-07", [])]


def test_create_returns_the_booking_in_utc(api: httpx.Client) -> None:
    response = book(
        api, 1, "2025-01-07 10:00:00", name="Dana Q Fox", message="hi", phone_number="x"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"] == "Booking has been created"
    booking = body["booking"]
    assert isinstance(booking["id"], int)
    assert booking["start_time"] == "2025-01-07 15:00:00"  # 10:00 EST
    assert booking["end_time"] == "2025-01-07 15:30:00"
    assert booking["slot_minutes"] == "30"
    assert booking["event_id"] == "1" and booking["calendar_id"] == "1"
    assert booking["first_name"] == "Dana" and booking["last_name"] == "Q Fox"
    assert booking["phone"] == "+1 555 0100"
    assert booking["location_details"] == {"type": "phone_guest", "description": "+1 555 0100"}
    assert booking["status"] == "scheduled" and booking["source"] == "admin"
    assert len(booking["hash"]) >= 16


def test_booking_in_another_zone(api: httpx.Client) -> None:
    response = book(api, 1, "2025-01-07 15:00:00", timezone="Europe/London")
    assert response.json()["booking"]["start_time"] == "2025-01-07 15:00:00"  # 10:00 EST
    assert response.json()["booking"]["person_time_zone"] == "Europe/London"
    assert "10:00" not in _day(api, 1)


def test_booking_removes_the_slot_for_every_event_of_the_host(api: httpx.Client) -> None:
    assert book(api, 1, "2025-01-07 10:00:00").status_code == 200
    assert "10:00" not in _day(api, 1) and "10:30" in _day(api, 1)
    assert "10:00" not in _day(api, 3, duration=60)
    assert "09:00" in _day(api, 3, duration=60)
    fifteen = _day(api, 3, duration=15)
    assert "10:00" not in fifteen and "10:15" not in fifteen and "10:30" in fifteen
    # the other host is not affected
    other = slot_starts(api, 6, start_date="2025-01-07", timezone="America/New_York")
    assert "2025-01-07 10:00:00" in other["2025-01-07"]


def test_overlapping_not_just_equal_starts_are_blocked(api: httpx.Client) -> None:
    assert book(api, 2, "2025-01-07 10:00:00", location_description="1 Main St").status_code == 200
    thirty = _day(api, 1)
    assert "10:00" not in thirty and "10:30" not in thirty and "11:00" in thirty
    forty_five = _day(api, 4)  # grid 09:00, 09:45, 10:30, 11:15
    assert "09:00" in forty_five and "09:45" not in forty_five and "10:30" not in forty_five
    assert "11:15" in forty_five
    overlap = book(api, 1, "2025-01-07 10:30:00")
    assert overlap.status_code == 422 and overlap.json()["message"].startswith(SLOT_TAKEN)


def test_double_booking_is_422_slot_message(api: httpx.Client) -> None:
    assert book(api, 1, "2025-01-07 10:00:00").status_code == 200
    again = book(api, 1, "2025-01-07 10:00:00", email="other@example.net")
    assert again.status_code == 422
    assert again.json()["message"].startswith(SLOT_TAKEN)
    assert "code" not in again.json()


@pytest.mark.parametrize(
    "event_time",
    [
        "2025-01-07 10:10:00",  # off the grid
        "2025-01-07 17:00:00",  # after hours
        "2025-01-07 16:45:00",  # would end after hours (duration 30 grid is :00/:30)
        "2025-01-11 10:00:00",  # Saturday
    ],
)
def test_times_off_the_hours_or_grid_are_422(api: httpx.Client, event_time: str) -> None:
    response = book(api, 1, event_time)
    assert response.status_code == 422
    assert response.json()["message"].startswith(SLOT_TAKEN)


def test_validation_errors_shape(api: httpx.Client) -> None:
    response = api.post("/bookings/create/1", json={"email": "not-an-email"})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Please fill up the required data"
    errors = body["errors"]
    assert errors["email"] == {"email": "Please provide a valid email address"}
    assert set(errors) >= {"name", "timezone", "event_time", "location_description"}
    assert all(isinstance(v, dict) and v for v in errors.values())


def test_phone_event_needs_location_description(api: httpx.Client) -> None:
    response = book(
        api, 1, "2025-01-07 10:00:00", location_description=None, phone_number="+1 555 0100"
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["location_description"]


def test_in_person_event_needs_an_address(api: httpx.Client) -> None:
    response = book(api, 2, "2025-01-07 10:00:00", location_description=None)
    assert "location_description" in response.json()["errors"]
    done = book(api, 2, "2025-01-07 10:00:00", location_description="1 Main St")
    assert done.json()["booking"]["location_details"]["description"] == "1 Main St"


def test_duration_must_be_offered(api: httpx.Client) -> None:
    bad = book(api, 3, "2025-01-07 10:00:00", duration=45)
    assert bad.status_code == 422 and "duration" in bad.json()["errors"]
    good = book(api, 3, "2025-01-07 10:00:00", duration=60)
    assert good.json()["booking"]["end_time"] == "2025-01-07 16:00:00"
    assert good.json()["booking"]["slot_minutes"] == "60"


def test_missing_status_is_stored_empty_and_leaves_the_slot_free(api: httpx.Client) -> None:
    first = book(api, 1, "2025-01-07 10:00:00", status=None)
    assert first.status_code == 200 and first.json()["booking"]["status"] == ""
    assert "10:00" in _day(api, 1)
    second = book(api, 1, "2025-01-07 10:00:00")
    assert second.status_code == 200  # the same slot, booked twice


def test_pending_status_blocks_the_slot(api: httpx.Client) -> None:
    assert book(api, 4, "2025-01-07 09:45:00", status="pending").status_code == 200
    assert "09:45" not in _day(api, 4) and "10:00" not in _day(api, 1)


def test_past_and_beyond_window_times_are_accepted(api: httpx.Client) -> None:
    assert book(api, 1, "2025-01-03 09:00:00").status_code == 200  # before now
    assert book(api, 1, "2025-06-02 10:00:00").status_code == 200  # beyond 60 days


def test_invalid_guest_emails_are_dropped_silently(sandbox: Sandbox, api: httpx.Client) -> None:
    response = book(
        api,
        1,
        "2025-01-07 10:00:00",
        guests=["ok@example.com", "nope", {"name": "G", "email": "g@example.org"}],
    )
    assert response.status_code == 200
    import sqlite3

    with sqlite3.connect(sandbox.db_path) as conn:
        (guests,) = conn.execute("SELECT guests FROM bookings").fetchone()
    assert guests == '["ok@example.com", "g@example.org"]'


@pytest.mark.parametrize("event_id", [5, 999])
def test_create_on_inactive_or_unknown_event_is_404(api: httpx.Client, event_id: int) -> None:
    response = book(api, event_id, "2025-01-07 10:00:00")
    assert response.status_code == 404
    assert "message" in response.json()


def test_garbage_event_time_is_500(api: httpx.Client) -> None:
    response = book(api, 1, "next tuesday-ish")
    assert response.status_code == 500
    assert "code" not in response.json()


def test_invalid_json_body_is_400(api: httpx.Client) -> None:
    response = api.post(
        "/bookings/create/1", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rest_invalid_json"


def _mine(api: httpx.Client) -> None:
    """Three bookings whose attendee is the WordPress user, one someone else's."""
    me = {"email": "demo@example.com", "name": "Demo User"}
    assert book(api, 1, "2025-01-07 13:00:00", **me).status_code == 200
    assert book(api, 3, "2025-01-08 15:00:00", timezone="Europe/London", **me).status_code == 200
    assert book(api, 1, "2025-01-03 10:00:00", **me).status_code == 200  # in the past
    assert book(api, 1, "2025-01-09 10:00:00").status_code == 200  # someone else


def test_bookings_need_calendar_ids_with_brackets(api: httpx.Client) -> None:
    _mine(api)
    assert api.get("/bookings").json() == {"bookings": [], "total": 0}
    assert api.get("/bookings", params={"calendar_ids": "all"}).status_code == 500
    listed = api.get("/bookings", params={"calendar_ids[]": "all"}).json()
    assert listed["total"] == 3
    assert api.get("/bookings", params={"calendar_ids[]": "2"}).json()["total"] == 0
    assert api.get("/bookings", params={"calendar_ids[]": "1"}).json()["total"] == 3


def test_bookings_shape_quirks(api: httpx.Client) -> None:
    _mine(api)
    items = api.get("/bookings", params={"calendar_ids[]": "all"}).json()["bookings"]
    by_id = {i["booking_title"]: i for i in items}
    call = next(i for i in items if i["booking_time"].startswith("1:30"))
    assert call["booking_date"] == "January 7, 2025"
    assert call["booking_time"] == "1:30 pm - 1:30 pm"  # the 2.0.0 bug: end time twice
    assert call["status"] == "Scheduled" and call["author_name"] == "Alex Rivera"
    demo = next(t for t in by_id if "Demo" in t)
    assert demo == "Product Demo &amp; Q&amp;A with <strong>Alex Rivera</strong>"
    assert by_id[demo]["booking_date"] == "January 8, 2025"  # in the attendee's zone
    assert by_id[demo]["person_time_zone"] == "Europe/London"


def test_bookings_per_page_and_period(api: httpx.Client) -> None:
    _mine(api)
    one = api.get("/bookings", params={"calendar_ids[]": "all", "per_page": 1}).json()
    assert len(one["bookings"]) == 1 and one["total"] == 3
    upcoming = api.get("/bookings", params={"calendar_ids[]": "all", "period": "upcoming"}).json()
    assert upcoming["total"] == 2
    for period in ("all", "past", "whatever"):
        answer = api.get("/bookings", params={"calendar_ids[]": "all", "period": period}).json()
        assert answer["total"] == 3, period


def test_schedules_are_every_hosts_bookings_for_the_admin_paginated(api: httpx.Client) -> None:
    # the demo user is the site's administrator: /schedules lists every host's bookings
    # (a host sees only its own: tests/sandbox/test_sandbox_team.py)
    for time_ in ("2025-01-07 10:00:00", "2025-01-07 11:00:00", "2025-01-08 09:00:00"):
        assert book(api, 1, time_).status_code == 200
    assert book(api, 1, "2025-01-03 09:00:00").status_code == 200  # past: not upcoming
    assert book(api, 6, "2025-01-07 10:00:00", timezone="Europe/London").status_code == 200
    first = api.get("/schedules", params={"per_page": 2}).json()["schedules"]
    assert first["total"] == 4 and first["last_page"] == 2 and len(first["data"]) == 2
    jordans, row = first["data"]
    assert jordans["title"] == "Intro Call" and jordans["host_user_id"] == "2"
    assert row["start_time"] == "2025-01-07 15:00:00" and row["title"] == "30 Minute Phone Call"
    assert row["calendar_event"]["id"] == 1 and row["email"] == "dana@example.net"
    second = api.get("/schedules", params={"per_page": 2, "page": 2}).json()["schedules"]
    assert [r["start_time"] for r in second["data"]] == [
        "2025-01-07 16:00:00",
        "2025-01-08 14:00:00",
    ]
    everything = api.get("/schedules", params={"period": "all"}).json()["schedules"]
    assert everything["total"] == 5
    one = api.get(f"/schedules/{row['id']}").json()["schedule"]
    assert one["start_time"] == row["start_time"]
    assert api.get(f"/schedules/{jordans['id']}").status_code == 200
    assert api.get("/schedules/99999").status_code == 404


def test_clock_moves_what_is_upcoming(sandbox: Sandbox, api: httpx.Client) -> None:
    _mine(api)
    sandbox.set_now(datetime(2025, 1, 8, 0, 0, tzinfo=UTC))
    upcoming = api.get("/bookings", params={"calendar_ids[]": "all", "period": "upcoming"}).json()
    assert upcoming["total"] == 1
    answer = httpx.post(sandbox.url + "/__sandbox__/clock", json={"now": "2025-01-01T00:00:00Z"})
    assert answer.json()["now"].startswith("2025-01-01T00:00:00")
    upcoming = api.get("/bookings", params={"calendar_ids[]": "all", "period": "upcoming"}).json()
    assert upcoming["total"] == 3
    bad = httpx.post(sandbox.url + "/__sandbox__/clock", json={"now": "soon"})
    assert bad.status_code == 400
