"""The sandbox's website side, as a visitor, an attendee and a host use it.

Public booking form, the attendee's reschedule and cancel pages (admin-ajax, no login)
and the host's decision on a pending booking (PUT /schedules/{id}). Synchronous (httpx),
usable from any test or from a helper thread.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import httpx

from bot.sandbox import Sandbox

AJAX = "/wp-admin/admin-ajax.php"


@dataclass(frozen=True)
class WebBooking:
    id: int
    hash: str


def _post(sandbox: Sandbox, form: dict[str, str]) -> dict:
    response = httpx.post(sandbox.url + AJAX, data=form, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def web_book(
    sandbox: Sandbox,
    event_id: int,
    start: str,
    *,
    timezone: str = "America/New_York",
    name: str = "Web Visitor",
    email: str = "visitor@example.org",
    phone: str = "+1 555 0199",
) -> WebBooking:
    """Book on the public form; `start` is the wall time "YYYY-MM-DD HH:MM:SS" in `timezone`."""
    answer = _post(
        sandbox,
        {
            "action": "fluent_cal_schedule_meeting",
            "event_id": str(event_id),
            "start_date": start,
            "timezone": timezone,
            "name": name,
            "email": email,
            "location_description": phone,
            "phone_number": phone,
            "address": "1 Main St",
        },
    )
    booking_hash = answer["booking_hash"]
    return WebBooking(booking_id_for(sandbox, booking_hash), booking_hash)


def booking_id_for(sandbox: Sandbox, booking_hash: str) -> int:
    conn = sqlite3.connect(sandbox.db_path)
    try:
        row = conn.execute("SELECT id FROM bookings WHERE hash = ?", (booking_hash,)).fetchone()
    finally:
        conn.close()
    assert row is not None, "the website booking is not in the site's database"
    return int(row[0])


def attendee_reschedule(
    sandbox: Sandbox,
    booking: WebBooking,
    event_id: int,
    start: str,
    *,
    timezone: str = "America/New_York",
    reason: str = "Something came up",
) -> None:
    _post(
        sandbox,
        {
            "action": "fluent_cal_schedule_meeting",
            "event_id": str(event_id),
            "rescheduling_hash": booking.hash,
            "start_date": start,
            "timezone": timezone,
            "rescheduling_reason": reason,
        },
    )


def attendee_cancel(sandbox: Sandbox, booking: WebBooking, reason: str = "Cannot make it") -> None:
    _post(
        sandbox,
        {
            "action": "fcal_cancel_meeting",
            "meeting_hash": booking.hash,
            "cancellation_reason": reason,
        },
    )


def host_decides(sandbox: Sandbox, booking_id: int, *, approve: bool) -> None:
    """The host approves or declines a pending booking in WordPress."""
    body = (
        {"column": "status", "value": "scheduled"}
        if approve
        else {"column": "status", "value": "rejected", "reject_reason": "Fully booked"}
    )
    response = httpx.put(
        f"{sandbox.api_url}/schedules/{booking_id}",
        json=body,
        auth=(sandbox.username, sandbox.app_password),
        timeout=10,
    )
    assert response.status_code == 200, response.text


def site_status(sandbox: Sandbox, booking_id: int) -> str:
    """The booking's status as the site holds it, read back through its REST API."""
    response = httpx.get(
        f"{sandbox.api_url}/schedules/{booking_id}",
        auth=(sandbox.username, sandbox.app_password),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["schedule"]["status"])
