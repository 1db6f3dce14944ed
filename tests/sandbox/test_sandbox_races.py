"""Creates that race, and creates whose answer goes astray after the site booked.

These are the real site's behaviours the booking service must survive: two concurrent
creates on one slot can both book (and share a `group_id`, so the list shows one of
them), and a create can book and then answer late, drop the connection or answer 5xx.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.sandbox import Sandbox

from .helpers import SLOT_TAKEN, book, slot_starts

CREATE = "/bookings/create/"


def first_slot(api: httpx.Client) -> str:
    days = slot_starts(api, 1, timezone="America/New_York")
    return days[min(days)][0]


def booking_body(event_time: str, email: str) -> dict[str, object]:
    return {
        "name": "Dana Fox",
        "email": email,
        "timezone": "America/New_York",
        "event_time": event_time,
        "status": "scheduled",
        "location_description": "+1 555 0100",
    }


async def create_together(sandbox: Sandbox, event_time: str, emails: list[str]) -> list[int]:
    auth = (sandbox.username, sandbox.app_password)
    async with httpx.AsyncClient(base_url=sandbox.api_url, auth=auth, timeout=10) as client:
        answers = await asyncio.gather(
            *(client.post(CREATE + "1", json=booking_body(event_time, e)) for e in emails)
        )
    return [a.status_code for a in answers]


def listed_ids(api: httpx.Client, **params: object) -> list[int]:
    response = api.get("/schedules", params={"per_page": 100, **params})
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["schedules"]["data"]]


def test_racing_creates_on_one_slot_both_book_and_the_list_hides_one(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    slot = first_slot(api)
    sandbox.set_faults(race=0.2, path=CREATE)
    statuses = asyncio.run(create_together(sandbox, slot, ["ann@example.net", "ben@example.net"]))
    assert statuses == [200, 200]

    found = {
        email: listed_ids(api, search=email) for email in ("ann@example.net", "BEN@example.NET")
    }
    ann, ben = found["ann@example.net"], found["BEN@example.NET"]
    assert len(ann) == 1 and len(ben) == 1 and ann != ben
    rows = [api.get(f"/schedules/{i}").json()["schedule"] for i in (ann[0], ben[0])]
    assert rows[0]["start_time"] == rows[1]["start_time"]
    assert {r["status"] for r in rows} == {"scheduled"}
    assert rows[0]["group_id"] == rows[1]["group_id"]  # max+1 read by both before either insert

    # one row per group: the plain list shows only one of the two
    listed = listed_ids(api)
    assert len([i for i in listed if i in (ann[0], ben[0])]) == 1


def test_without_the_race_the_second_create_is_refused(sandbox: Sandbox, api: httpx.Client) -> None:
    slot = first_slot(api)
    statuses = asyncio.run(create_together(sandbox, slot, ["ann@example.net", "ben@example.net"]))
    assert sorted(statuses) == [200, 422]
    refused = book(api, 1, slot, email="cy@example.net")
    assert refused.status_code == 422 and SLOT_TAKEN in refused.json()["message"]
    rows = [api.get(f"/schedules/{i}").json()["schedule"] for i in listed_ids(api)]
    assert len({r["group_id"] for r in rows}) == len(rows)  # each its own group


def test_search_finds_by_email_or_name_and_nothing_else(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    days = slot_starts(api, 1, timezone="America/New_York")
    times = days[min(days)]
    assert book(api, 1, times[0], email="ann@example.net", name="Ann Lee").status_code == 200
    assert book(api, 1, times[1], email="ben@example.net", name="Ben 100%").status_code == 200
    assert len(listed_ids(api, search="ann@")) == 1
    assert len(listed_ids(api, search="ben 100%")) == 1
    # LIKE wildcards are plain text: only Ben's name holds a "%", nobody's an "_"
    assert len(listed_ids(api, search="%")) == 1
    assert listed_ids(api, search="_") == []
    assert len(listed_ids(api, search="example.net")) == 2


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        ({"status": 502}, 502),
        ({"status": 500, "html": True}, 500),
    ],
)
def test_an_error_after_the_create_still_books(
    sandbox: Sandbox, api: httpx.Client, faults: dict[str, object], expected: int
) -> None:
    slot = first_slot(api)
    sandbox.set_faults(after=True, path=CREATE, count=1, **faults)  # type: ignore[arg-type]
    answer = book(api, 1, slot, email="ann@example.net")
    assert answer.status_code == expected
    assert "Booking has been created" not in answer.text
    assert len(listed_ids(api, search="ann@example.net")) == 1
    assert book(api, 1, slot, email="ben@example.net").status_code == 422  # it is taken


def test_a_late_answer_after_the_create_still_books(sandbox: Sandbox, api: httpx.Client) -> None:
    slot = first_slot(api)
    sandbox.set_faults(after=True, latency=2.0, path=CREATE, count=1)
    with pytest.raises(httpx.ReadTimeout):
        api.post(CREATE + "1", json=booking_body(slot, "ann@example.net"), timeout=0.5)
    assert len(listed_ids(api, search="ann@example.net")) == 1


def test_a_dropped_connection_after_the_create_still_books(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    slot = first_slot(api)
    sandbox.set_faults(after=True, drop=True, path=CREATE, count=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.post(CREATE + "1", json=booking_body(slot, "ann@example.net"))
    assert len(listed_ids(api, search="ann@example.net")) == 1
    assert api.get("/calendars").status_code == 200  # the next request is served


def test_a_drop_before_the_create_books_nothing(sandbox: Sandbox, api: httpx.Client) -> None:
    slot = first_slot(api)
    sandbox.set_faults(drop=True, path=CREATE, count=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.post(CREATE + "1", json=booking_body(slot, "ann@example.net"))
    assert listed_ids(api, search="ann@example.net") == []


def test_new_fault_settings_through_the_control_route(sandbox: Sandbox) -> None:
    with httpx.Client(base_url=sandbox.url) as control:
        answer = control.post(
            "/__sandbox__/faults", json={"race": 0.1, "after": True, "drop": True}
        )
        assert answer.status_code == 200
        assert answer.json()["faults"]["race"] == 0.1
        assert control.post("/__sandbox__/faults", json={"race": -1}).status_code == 400
    assert sandbox.faults.drop and sandbox.faults.after
