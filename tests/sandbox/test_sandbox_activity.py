"""The activity log, the newest-created list and the read side effect, as 2.0.0 has them."""

from __future__ import annotations

from datetime import timedelta

import httpx
from support.website import attendee_cancel, attendee_reschedule, host_decides, web_book

from bot.sandbox import Sandbox, start_sandbox
from bot.sandbox.users import NATE_APP_PASSWORD, NATE_USERNAME

from .helpers import MONDAY_NOON_UTC, book


def activities(api: httpx.Client) -> list[dict]:
    response = api.get("/reports/activities")
    assert response.status_code == 200, response.text
    return response.json()["activities"]


def test_creates_and_attendee_and_host_changes_are_logged_newest_first(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    made = web_book(sandbox, 1, "2025-01-07 10:00:00")
    rest = book(api, 4, "2025-01-08 10:30:00", status="pending").json()["booking"]
    attendee_reschedule(sandbox, made, 1, "2025-01-07 12:00:00")
    host_decides(sandbox, rest["id"], approve=True)
    attendee_cancel(sandbox, made, "ill")
    rows = activities(api)
    assert [(r["booking_id"], r["type"]) for r in rows] == [
        (str(made.id), "cancelled"),
        (str(rest["id"]), "confirmed"),
        (str(made.id), "rescheduled"),
        (str(rest["id"]), "created"),
        (str(made.id), "booked"),
    ]
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    moved = rows[2]
    assert "from 2025-01-07 15:00:00 UTC" in moved["description"]
    assert rows[0]["status"] == "cancelled" and "ill" in rows[0]["description"]
    assert set(rows[0]) >= {"id", "booking_id", "type", "status", "title", "description"}
    assert rows[0]["created_at"] == "2025-01-06 12:00:00"


def test_the_log_keeps_the_newest_100(sandbox: Sandbox, api: httpx.Client) -> None:
    mine = web_book(sandbox, 1, "2025-01-07 10:00:00")
    other = web_book(sandbox, 6, "2025-01-07 11:00:00", timezone="Europe/London")
    for _ in range(25):
        attendee_reschedule(sandbox, mine, 1, "2025-01-07 12:00:00")
        attendee_reschedule(sandbox, other, 6, "2025-01-07 12:00:00", timezone="Europe/London")
        attendee_reschedule(sandbox, mine, 1, "2025-01-07 10:00:00")
    rows = activities(api)  # the admin sees every host's rows
    assert len(rows) == 77 and {r["booking_id"] for r in rows} == {str(mine.id), str(other.id)}
    for _ in range(15):
        attendee_reschedule(sandbox, mine, 1, "2025-01-07 12:00:00")
        attendee_reschedule(sandbox, mine, 1, "2025-01-07 10:00:00")
    rows = activities(api)
    assert len(rows) == 100 and all(r["type"] == "rescheduled" for r in rows)


def test_a_host_sees_the_rows_of_its_own_bookings(tmp_path) -> None:
    with start_sandbox(
        db_path=str(tmp_path / "team.sqlite3"), now=MONDAY_NOON_UTC, team=True
    ) as site:
        nates = web_book(site, 211, "2025-01-07 10:00:00")
        web_book(site, 1, "2025-01-07 10:00:00")
        with httpx.Client(base_url=site.api_url, auth=(NATE_USERNAME, NATE_APP_PASSWORD)) as nate:
            rows = activities(nate)
        with httpx.Client(base_url=site.api_url, auth=(site.username, site.app_password)) as admin:
            everything = activities(admin)
    assert [r["booking_id"] for r in rows] == [str(nates.id)]
    assert len(everything) == 2


def test_latest_bookings_are_newest_created_first_with_no_tie_breaker(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    first = book(api, 1, "2025-01-07 10:00:00").json()["booking"]["id"]
    second = book(api, 1, "2025-01-07 11:00:00").json()["booking"]["id"]  # same second
    sandbox.set_now(MONDAY_NOON_UTC + timedelta(seconds=5))
    third = book(api, 1, "2025-01-07 12:00:00").json()["booking"]["id"]
    page = api.get(
        "/schedules", params={"filters[period]": "latest_bookings", "per_page": 2, "page": 1}
    ).json()["schedules"]
    assert [r["id"] for r in page["data"]] == [third, first]  # not newest id first in a second
    assert page["data"][0]["created_at"] == "2025-01-06 12:00:05"
    assert page["data"][1]["created_at"] == page["data"][1]["updated_at"] == "2025-01-06 12:00:00"
    assert page["last_page"] == 2
    rest = api.get(
        "/schedules", params={"filters[period]": "latest_bookings", "per_page": 2, "page": 2}
    ).json()["schedules"]["data"]
    assert [r["id"] for r in rest] == [second]


def test_a_read_rewrites_bookings_that_ended_over_an_hour_ago(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    # the site accepts past times: two past meetings, one pending, one not yet an hour over
    sandbox.set_now(MONDAY_NOON_UTC + timedelta(hours=4))  # 11:00 in New York
    unread = book(api, 1, "2025-01-03 14:00:00").json()["booking"]["id"]
    sandbox.set_now(MONDAY_NOON_UTC + timedelta(hours=4, seconds=1))
    done = book(api, 1, "2025-01-06 09:00:00").json()["booking"]["id"]  # ended 14:30 UTC
    waiting = book(api, 4, "2025-01-03 09:00:00", status="pending").json()["booking"]["id"]
    recent = book(api, 1, "2025-01-06 10:00:00").json()["booking"]["id"]  # ended 15:30 UTC
    page = api.get(
        "/schedules", params={"filters[period]": "latest_bookings", "per_page": 3}
    ).json()["schedules"]["data"]
    assert [r["id"] for r in page] == [done, waiting, recent]  # created in one second
    status = {r["id"]: r["status"] for r in page}
    assert status == {done: "completed", waiting: "cancelled", recent: "scheduled"}
    emails = sandbox.emails
    assert [(e.booking_id, e.to, e.kind) for e in emails] == [
        (waiting, "dana@example.net", "cancelled")
    ]
    # a row that no read returned is unchanged, until a read returns it
    single = api.get(f"/schedules/{unread}").json()["schedule"]
    assert single["status"] == "completed"
    sandbox.set_now(MONDAY_NOON_UTC + timedelta(hours=4, minutes=31))
    again = api.get(f"/schedules/{recent}").json()["schedule"]
    assert again["status"] == "completed"
    assert len(sandbox.emails) == 1
