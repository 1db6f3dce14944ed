"""The client's reads of one booking's truth, and a create whose answer is lost."""

from __future__ import annotations

import asyncio

import pytest

from bot.fluentbooking import FluentBookingClient, NotFoundError, ServerError, SiteTimeoutError
from bot.fluentbooking.errors import (
    BadResponseError,
    BookingUncertainError,
    CreateServerError,
    CreateTimeoutError,
)
from bot.sandbox import Sandbox

from .booking_helpers import DEMO, first_slot, live_at, make_client, request

CREATE = "/bookings/create/"


async def test_get_find_and_cancel_read_back_what_the_site_holds(
    client: FluentBookingClient,
) -> None:
    slot = await first_slot(client)
    made = await client.create_booking(DEMO, request(slot, "Ann@Example.net"))
    got = await client.get_schedule(made.id)
    assert (got.id, got.status, got.start_utc) == (made.id, "scheduled", made.start_utc)
    found = await client.find_bookings(email="ann@example.NET", start_utc=made.start_utc)
    assert [b.id for b in found] == [made.id]
    assert await client.find_bookings(email="ann@example.net", start_utc=made.end_utc) == []
    assert await client.find_bookings(email="nn@example.net") == []  # a part is not a match

    after = await client.cancel_booking(made.id, "Booked twice at the same moment")
    assert after.status == "cancelled"
    again = await client.cancel_booking(made.id, "again")  # 422 "No changes found"
    assert again.status == "cancelled"
    with pytest.raises(NotFoundError):
        await client.get_schedule(987654)


async def test_racing_creates_are_each_found_by_search(
    sandbox: Sandbox, client: FluentBookingClient
) -> None:
    slot = await first_slot(client)
    sandbox.set_faults(race=0.2, path=CREATE)
    made = await asyncio.gather(
        client.create_booking(DEMO, request(slot, "ann@example.net")),
        client.create_booking(DEMO, request(slot, "ben@example.net")),
    )
    sandbox.clear_faults()
    live = await live_at(client, made[0].start_utc, "ann@example.net", "ben@example.net")
    assert [b.id for b in live] == sorted(b.id for b in made)


@pytest.mark.parametrize(
    ("faults", "kind"),
    [
        ({"status": 502}, CreateServerError),
        ({"status": 500, "html": True}, CreateServerError),
        ({"hang": True}, CreateTimeoutError),
        ({"drop": True}, CreateTimeoutError),
    ],
)
async def test_a_lost_answer_after_the_site_booked_is_an_uncertain_create(
    sandbox: Sandbox, faults: dict[str, object], kind: type[Exception]
) -> None:
    async with make_client(sandbox, read_timeout=0.5, total_timeout=1.5) as client:
        slot = await first_slot(client)
        sandbox.set_faults(after=True, path=CREATE, count=1, **faults)  # type: ignore[arg-type]
        with pytest.raises(BookingUncertainError) as info:
            await client.create_booking(DEMO, request(slot, "ann@example.net"))
        assert isinstance(info.value, kind)
        assert isinstance(info.value, ServerError | SiteTimeoutError)  # its usual kind too
        assert "may or may not" in info.value.user_message
        assert len(await client.find_bookings(email="ann@example.net")) == 1


async def test_errors_that_are_not_uncertain(sandbox: Sandbox, client: FluentBookingClient) -> None:
    slot = await first_slot(client)
    sandbox.set_faults(status=429, path=CREATE, count=1)  # refused before doing anything
    with pytest.raises(ServerError) as info:
        await client.create_booking(DEMO, request(slot, "ann@example.net"))
    assert not isinstance(info.value, BookingUncertainError)
    sandbox.set_faults(status=502, path="/calendars", count=5)  # a read is retried, not uncertain
    with pytest.raises(ServerError) as read:
        await client.list_events()
    assert not isinstance(read.value, BookingUncertainError | BadResponseError)
