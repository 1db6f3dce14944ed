"""admin-ajax.php: the attendee's reschedule and cancel, and website bookings."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox import Sandbox

from .helpers import SLOT_TAKEN, book, slot_starts


def _create(api: httpx.Client, event_id: int = 1, at: str = "2025-01-07 10:00:00", **kw: object):
    response = book(api, event_id, at, **kw)
    assert response.status_code == 200, response.text
    return response.json()["booking"]


def _ajax(sandbox: Sandbox, **form: object) -> httpx.Response:
    # no auth: the site's public pages act as the guest
    return httpx.post(
        f"{sandbox.url}/wp-admin/admin-ajax.php",
        data={k: str(v) for k, v in form.items() if v is not None},
        timeout=10,
    )


def _move(sandbox: Sandbox, booking: dict, start: str, **form: object) -> httpx.Response:
    fields: dict[str, object] = {
        "action": "fluent_cal_schedule_meeting",
        "event_id": booking["event_id"],
        "rescheduling_hash": booking["hash"],
        "start_date": start,
        "timezone": "America/New_York",
        "rescheduling_reason": "Clash",
    }
    fields.update(form)
    return _ajax(sandbox, **fields)


def _row(api: httpx.Client, booking_id: int) -> dict:
    response = api.get(f"/schedules/{booking_id}")
    assert response.status_code == 200, response.text
    return response.json()["schedule"]


def _free(api: httpx.Client, event_id: int, at: str) -> bool:
    days = slot_starts(api, event_id, start_date=at[:10], timezone="America/New_York")
    return at in days.get(at[:10], [])


def test_reschedule_moves_in_place_and_both_sides_are_told(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    booking = _create(api)
    response = _move(sandbox, booking, "2025-01-08 14:00:00", rescheduling_reason="Clash")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "message": "Booking has been rescheduled",
        "booking_hash": booking["hash"],
    }
    row = _row(api, booking["id"])
    assert (row["id"], row["hash"], row["status"]) == (booking["id"], booking["hash"], "scheduled")
    assert row["start_time"] == "2025-01-08 19:00:00"  # 14:00 EST
    assert row["end_time"] == "2025-01-08 19:30:00"
    assert _free(api, 1, "2025-01-07 10:00:00") and not _free(api, 1, "2025-01-08 14:00:00")
    to_attendee = sandbox.emails_to("dana@example.net")
    assert [e.kind for e in to_attendee] == ["rescheduled"]
    assert "Reason: Clash" in to_attendee[0].body
    assert "2025-01-07 15:00:00" in to_attendee[0].body  # the previous time
    assert [e.kind for e in sandbox.emails_to("demo@example.com")] == ["rescheduled"]
    # still one booking: nothing new was created
    schedules = api.get("/schedules", params={"per_page": 50}).json()["schedules"]
    assert schedules["total"] == 1


def test_reschedule_without_a_zone_reads_the_time_as_utc(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    booking = _create(api)
    response = _move(sandbox, booking, "2025-01-08 15:00:00", timezone=None)
    assert response.status_code == 200, response.text
    assert _row(api, booking["id"])["start_time"] == "2025-01-08 15:00:00"


def test_reschedule_needs_a_reason(api: httpx.Client, sandbox: Sandbox) -> None:
    booking = _create(api)
    response = _move(sandbox, booking, "2025-01-08 14:00:00", rescheduling_reason="")
    assert response.status_code == 422
    assert "rescheduling_reason" in response.json()["errors"]
    assert _row(api, booking["id"])["start_time"] == "2025-01-07 15:00:00"


@pytest.mark.parametrize(
    "start",
    [
        "2025-01-07 11:00:00",  # taken by another booking
        "2025-01-07 18:00:00",  # after the host's hours
        "2025-01-07 10:10:00",  # off the slot grid
        "2025-01-06 08:00:00",  # in the past
        "2025-04-07 10:00:00",  # beyond the 60-day window
        "2025-01-11 10:00:00",  # a Saturday
    ],
)
def test_reschedule_to_an_unavailable_time_keeps_the_old_one(
    api: httpx.Client, sandbox: Sandbox, start: str
) -> None:
    booking = _create(api)
    _create(api, at="2025-01-07 11:00:00", email="other@example.net")
    response = _move(sandbox, booking, start)
    assert response.status_code == 422
    assert response.json()["message"].startswith(SLOT_TAKEN)
    assert _row(api, booking["id"])["start_time"] == "2025-01-07 15:00:00"
    assert sandbox.emails == []


def test_reschedule_by_half_a_slot_ignores_its_own_time(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    booking = _create(api, 2, "2025-01-08 10:00:00", location_description="1 Main St")
    # 60-minute event on a 60-minute grid: 11:00 overlaps nothing but the booking itself
    response = _move(sandbox, booking, "2025-01-08 11:00:00")
    assert response.status_code == 200, response.text


def test_availability_is_checked_against_the_event_sent(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    booking = _create(api)  # Alex's event, New York hours
    # 10:00 London (05:00 New York) is outside Alex's hours on Alex's own event ...
    refused = _move(sandbox, booking, "2025-01-09 10:00:00", timezone="Europe/London")
    assert refused.status_code == 422
    # ... but sending Jordan's event checks Jordan's hours (10-16 London) instead
    moved = _move(sandbox, booking, "2025-01-09 10:00:00", timezone="Europe/London", event_id=6)
    assert moved.status_code == 200, moved.text
    row = _row(api, booking["id"])
    assert row["start_time"] == "2025-01-09 10:00:00"  # 05:00 in New York: outside Alex's hours
    assert row["event_id"] == "1"


@pytest.mark.parametrize("status", ["cancelled", "completed", "rejected", "no_show"])
def test_reschedule_a_closed_booking_is_refused(
    api: httpx.Client, sandbox: Sandbox, status: str
) -> None:
    if status == "rejected":
        booking = _create(api, 4, "2025-01-07 09:00:00", status="pending")
    else:
        booking = _create(api)
    api.put(
        f"/schedules/{booking['id']}",
        json={"column": "status", "value": status, "cancel_reason": "x", "reject_reason": "x"},
    )
    assert _row(api, booking["id"])["status"] == status
    response = _move(sandbox, booking, "2025-01-08 14:00:00")
    assert response.status_code == 422
    assert response.json() == {"message": "Sorry! you can not reschedule this"}


def test_reschedule_an_unknown_hash(api: httpx.Client, sandbox: Sandbox) -> None:
    booking = _create(api)
    response = _move(sandbox, dict(booking, hash="0" * 32), "2025-01-08 14:00:00")
    assert response.status_code == 422
    assert response.json() == {"message": "Invalid rescheduling request"}


def test_a_pending_booking_moves_and_stays_pending(api: httpx.Client, sandbox: Sandbox) -> None:
    booking = _create(api, 4, "2025-01-07 09:00:00", status="pending")
    response = _move(sandbox, booking, "2025-01-08 09:45:00")
    assert response.status_code == 200, response.text
    assert _row(api, booking["id"])["status"] == "pending"


def test_attendee_cancel_tells_the_host(api: httpx.Client, sandbox: Sandbox) -> None:
    booking = _create(api)
    response = _ajax(
        sandbox,
        action="fcal_cancel_meeting",
        meeting_hash=booking["hash"],
        cancellation_reason="Found another time",
    )
    assert response.status_code == 200, response.text
    assert _row(api, booking["id"])["status"] == "cancelled"
    to_host = sandbox.emails_to("demo@example.com")
    assert [e.kind for e in to_host] == ["attendee_cancelled"]
    assert "Found another time" in to_host[0].body
    again = _ajax(sandbox, action="fcal_cancel_meeting", meeting_hash=booking["hash"])
    assert again.status_code == 422
    unknown = _ajax(sandbox, action="fcal_cancel_meeting", meeting_hash="nope")
    assert unknown.status_code == 422


def _web(sandbox: Sandbox, event_id: int, start: str, **form: object) -> httpx.Response:
    fields: dict[str, object] = {
        "action": "fluent_cal_schedule_meeting",
        "event_id": event_id,
        "name": "Wes Web",
        "email": "wes@example.net",
        "timezone": "America/New_York",
        "start_date": start,
        "location_description": "+1 555 0199",
    }
    fields.update(form)
    return _ajax(sandbox, **fields)


def test_website_booking_is_source_web_with_a_hash_and_no_id(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    response = _web(sandbox, 1, "2025-01-07 13:00:00")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"] == "Booking has been confirmed"
    assert "id" not in body and len(body["booking_hash"]) >= 16
    rows = api.get("/schedules", params={"per_page": 50}).json()["schedules"]["data"]
    assert len(rows) == 1
    row = rows[0]
    assert row["hash"] == body["booking_hash"]
    assert (row["source"], row["status"], row["start_time"]) == (
        "web",
        "scheduled",
        "2025-01-07 18:00:00",
    )
    assert not _free(api, 1, "2025-01-07 13:00:00")


def test_website_booking_on_a_confirmation_event_is_pending(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    response = _web(sandbox, 4, "2025-01-07 09:00:00")
    assert response.status_code == 200, response.text
    row = api.get("/schedules").json()["schedules"]["data"][0]
    assert row["status"] == "pending" and row["source"] == "web"
    assert [e.kind for e in sandbox.emails_to("wes@example.net")] == ["requested"]


def test_website_booking_refuses_a_taken_time_and_bad_fields(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    _create(api, at="2025-01-07 13:00:00")
    taken = _web(sandbox, 1, "2025-01-07 13:00:00")
    assert taken.status_code == 422 and taken.json()["message"].startswith(SLOT_TAKEN)
    bad = _web(sandbox, 1, "2025-01-07 14:00:00", email="nope", location_description="")
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"email", "location_description"}
    closed = _web(sandbox, 5, "2025-01-07 14:00:00")
    assert closed.status_code == 422


def test_unknown_action_is_wordpress_zero(sandbox: Sandbox) -> None:
    response = _ajax(sandbox, action="something_else")
    assert response.status_code == 400
    assert response.text == "0"


def test_admin_ajax_obeys_faults(api: httpx.Client, sandbox: Sandbox) -> None:
    booking = _create(api)
    sandbox.set_faults(status=503, path="admin-ajax", count=1)
    response = _move(sandbox, booking, "2025-01-08 14:00:00")
    assert response.status_code == 503
    assert _row(api, booking["id"])["start_time"] == "2025-01-07 15:00:00"
