"""Helpers shared by the sandbox tests."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

# Monday 2025-01-06 12:00 UTC = 07:00 in New York (EST), 12:00 in London (GMT).
MONDAY_NOON_UTC = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
SLOT_TAKEN = "This selected time slot is not available."


def book(api: httpx.Client, event_id: int, event_time: str, **fields: object) -> httpx.Response:
    """POST a booking with sensible defaults (a phone for the phone event)."""
    body: dict[str, object] = {
        "name": "Dana Fox",
        "email": "dana@example.net",
        "timezone": "America/New_York",
        "event_time": event_time,
        "status": "scheduled",
        "location_description": "+1 555 0100",
    }
    body.update(fields)
    return api.post(
        f"/bookings/create/{event_id}", json={k: v for k, v in body.items() if v is not None}
    )


def slot_starts(api: httpx.Client, event_id: int, **params: object) -> dict[str, list[str]]:
    """`available_slots` as {day: [start, ...]} ({} when the site answers [])."""
    response = api.get(f"/bookings/event/{event_id}", params=params)
    assert response.status_code == 200, response.text
    slots = response.json()["available_slots"]
    if slots == []:
        return {}
    return {day: [s["start"] for s in items] for day, items in slots.items()}
