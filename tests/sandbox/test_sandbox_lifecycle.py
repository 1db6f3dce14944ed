"""PUT /schedules/{id}: every row of the 2.0.0 table, false successes included."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox import Sandbox

from .helpers import book, slot_starts


def _create(api: httpx.Client, event_id: int = 1, at: str = "2025-01-07 10:00:00", **kw: object):
    response = book(api, event_id, at, **kw)
    assert response.status_code == 200, response.text
    return response.json()["booking"]


def _pending(api: httpx.Client) -> dict:
    return _create(api, 4, "2025-01-07 09:00:00", status="pending")


def _put(api: httpx.Client, booking_id: int, **body: object) -> httpx.Response:
    return api.put(f"/schedules/{booking_id}", json=body)


def _status(api: httpx.Client, booking_id: int) -> str:
    response = api.get(f"/schedules/{booking_id}")
    assert response.status_code == 200, response.text
    return response.json()["schedule"]["status"]


def _free(api: httpx.Client, event_id: int, at: str) -> bool:
    days = slot_starts(api, event_id, start_date=at[:10], timezone="America/New_York")
    return at in days.get(at[:10], [])


def test_cancel_a_scheduled_booking_frees_the_slot_and_emails_the_reason(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    booking = _create(api)
    assert not _free(api, 1, "2025-01-07 10:00:00")
    response = _put(
        api, booking["id"], column="status", value="cancelled", cancel_reason="Host is ill"
    )
    assert response.status_code == 200
    assert response.json() == {"message": "The booking has been cancelled"}
    assert _status(api, booking["id"]) == "cancelled"
    assert _free(api, 1, "2025-01-07 10:00:00")
    sent = sandbox.emails_to("dana@example.net")
    assert [e.kind for e in sent] == ["cancelled"]
    assert "Reason: Host is ill" in sent[0].body
    assert "cancelled" in sent[0].subject


def test_cancel_without_a_reason_still_cancels(api: httpx.Client) -> None:
    booking = _create(api)
    response = _put(api, booking["id"], column="status", value="cancelled")
    assert response.status_code == 200
    assert _status(api, booking["id"]) == "cancelled"


def test_cancel_an_already_cancelled_booking_is_no_changes(api: httpx.Client) -> None:
    booking = _create(api)
    _put(api, booking["id"], column="status", value="cancelled", cancel_reason="x")
    again = _put(api, booking["id"], column="status", value="cancelled", cancel_reason="x")
    assert again.status_code == 422
    assert again.json() == {"message": "No changes found"}


def test_cancel_a_completed_booking_answers_success_and_does_nothing(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    booking = _create(api)
    assert _put(api, booking["id"], column="status", value="completed").status_code == 200
    response = _put(api, booking["id"], column="status", value="cancelled", cancel_reason="x")
    assert response.status_code == 200
    assert response.json()["message"] == "The booking has been cancelled"
    assert _status(api, booking["id"]) == "completed"
    assert sandbox.emails_to("dana@example.net") == []


def test_scheduled_on_a_cancelled_booking_rebooks_with_no_slot_check(api: httpx.Client) -> None:
    first = _create(api)
    _put(api, first["id"], column="status", value="cancelled", cancel_reason="x")
    second = _create(api, email="other@example.net")  # the freed slot is taken again
    response = _put(api, first["id"], column="status", value="scheduled")
    assert response.status_code == 200
    assert response.json() == {"message": "Status has been updated"}
    # both are scheduled on the same slot: the site double-booked without a word
    assert _status(api, first["id"]) == "scheduled"
    assert _status(api, second["id"]) == "scheduled"


def test_reject_a_scheduled_booking_answers_success_and_does_nothing(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    booking = _create(api)
    response = _put(api, booking["id"], column="status", value="rejected", reject_reason="no")
    assert response.status_code == 200
    assert response.json() == {"message": "The booking has been rejected"}
    assert _status(api, booking["id"]) == "scheduled"
    assert not _free(api, 1, "2025-01-07 10:00:00")
    assert sandbox.emails == []


def test_reject_a_pending_booking_frees_the_slot_and_emails_the_reason(
    api: httpx.Client, sandbox: Sandbox
) -> None:
    booking = _pending(api)
    assert _status(api, booking["id"]) == "pending"
    assert not _free(api, 4, "2025-01-07 09:00:00")
    response = _put(api, booking["id"], column="status", value="rejected", reject_reason="Busy")
    assert response.status_code == 200
    assert _status(api, booking["id"]) == "rejected"
    assert _free(api, 4, "2025-01-07 09:00:00")
    sent = sandbox.emails_to("dana@example.net")
    assert [e.kind for e in sent] == ["rejected"] and "Reason: Busy" in sent[0].body


def test_approve_a_pending_booking(api: httpx.Client, sandbox: Sandbox) -> None:
    booking = _pending(api)
    response = _put(api, booking["id"], column="status", value="scheduled")
    assert response.status_code == 200
    assert response.json() == {"message": "Status has been updated"}
    assert _status(api, booking["id"]) == "scheduled"
    assert [e.kind for e in sandbox.emails_to("dana@example.net")] == ["confirmed"]


def test_approve_twice_is_no_changes(api: httpx.Client) -> None:
    booking = _pending(api)
    _put(api, booking["id"], column="status", value="scheduled")
    again = _put(api, booking["id"], column="status", value="scheduled")
    assert again.status_code == 422 and again.json()["message"] == "No changes found"


def test_completed_keeps_the_slot_blocked_and_no_show_frees_it(api: httpx.Client) -> None:
    # both are stored even for a future booking
    kept = _create(api)
    freed = _create(api, at="2025-01-07 11:00:00")
    assert _put(api, kept["id"], column="status", value="completed").status_code == 200
    assert _put(api, freed["id"], column="status", value="no_show").status_code == 200
    assert _status(api, kept["id"]) == "completed"
    assert _status(api, freed["id"]) == "no_show"
    assert not _free(api, 1, "2025-01-07 10:00:00")
    assert _free(api, 1, "2025-01-07 11:00:00")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"column": "status", "value": "approved"}, "Invalid status"),
        ({"column": "status"}, "Invalid status"),
        ({"column": "start_time", "value": "2025-01-07 16:00:00"}, "Invalid column"),
        ({"value": "cancelled"}, "Invalid column"),
    ],
)
def test_invalid_status_or_column_changes_nothing(
    api: httpx.Client, body: dict, message: str
) -> None:
    booking = _create(api)
    response = api.put(f"/schedules/{booking['id']}", json=body)
    assert response.status_code == 422
    assert response.json() == {"message": message}
    assert _status(api, booking["id"]) == "scheduled"


def test_unknown_id_is_404(api: httpx.Client) -> None:
    response = _put(api, 999, column="status", value="cancelled", cancel_reason="x")
    assert response.status_code == 404
    assert "message" in response.json()


def test_put_needs_auth(sandbox: Sandbox, api: httpx.Client) -> None:
    booking = _create(api)
    anonymous = httpx.put(
        f"{sandbox.api_url}/schedules/{booking['id']}",
        json={"column": "status", "value": "cancelled"},
    )
    assert anonymous.status_code == 401
    assert _status(api, booking["id"]) == "scheduled"


def test_put_through_plain_permalinks(sandbox: Sandbox, api: httpx.Client) -> None:
    booking = _create(api)
    response = httpx.put(
        sandbox.url + "/",
        params={"rest_route": f"/fluent-booking/v2/schedules/{booking['id']}"},
        json={"column": "status", "value": "cancelled", "cancel_reason": "x"},
        auth=(sandbox.username, sandbox.app_password),
    )
    assert response.status_code == 200
    assert _status(api, booking["id"]) == "cancelled"


def test_rest_bookings_are_source_admin(api: httpx.Client) -> None:
    booking = _create(api)
    assert booking["source"] == "admin"
    assert api.get(f"/schedules/{booking['id']}").json()["schedule"]["source"] == "admin"


def test_emails_control_route(sandbox: Sandbox, api: httpx.Client) -> None:
    booking = _create(api)
    _put(api, booking["id"], column="status", value="cancelled", cancel_reason="Rain")
    data = httpx.get(f"{sandbox.url}/__sandbox__/emails").json()
    assert data["count"] == 1
    assert data["emails"][0]["to"] == "dana@example.net"
    assert data["emails"][0]["booking_id"] == booking["id"]
