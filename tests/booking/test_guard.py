"""The booking guard against the real sandbox and a real SQLite store: one booking per
slot, the truth after a lost answer, and the site's truth over what was remembered."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.booking import truth
from bot.booking.guard import (
    Attempt,
    BookingGuard,
    BookingNotMade,
    Guarded,
    TakenAtSameMoment,
)
from bot.fluentbooking import FluentBookingClient, SlotUnavailableError
from bot.sandbox import Sandbox
from bot.store import Store

from .booking_helpers import DEMO, ZONE, first_slot, live_at, make_client, request

CREATE = "/bookings/create/"


def start_of(event_time: str) -> datetime:
    return datetime.fromisoformat(event_time).replace(tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def attempt(client: FluentBookingClient, event_time: str, email: str, key: str = "") -> Attempt:
    start = start_of(event_time)
    return Attempt(
        key=key or f"booking:{email}:{event_time}",
        slot=truth.slot_key("calendar:1", start),
        email=email,
        start_utc=start,
        event_id=DEMO,
        create=lambda: client.create_booking(DEMO, request(event_time, email)),
    )


async def book(guard: BookingGuard, what: Attempt) -> Guarded:
    return await guard.book(
        what,
        to_result=lambda b: {"booking_id": b.id, "start": b.start_utc.isoformat()},
        booking_id_of=lambda r: r.get("booking_id"),
        outbox_for=lambda r: {f"dm:{r['booking_id']}": {"booking_id": r["booking_id"]}},
    )


def guard_for(client: FluentBookingClient, store: Store, **kwargs: Any) -> BookingGuard:
    kwargs.setdefault("reconcile_waits", (0.0, 0.2))
    kwargs.setdefault("recheck_seconds", 1.0)
    return BookingGuard(client, store, **kwargs)


async def test_a_booking_is_made_once_and_queues_its_dm(
    client: FluentBookingClient, store: Store
) -> None:
    slot = await first_slot(client)
    guard = guard_for(client, store)
    first = await book(guard, attempt(client, slot, "ann@example.net"))
    assert not first.already and first.saved
    again = await book(guard, attempt(client, slot, "ann@example.net"))
    assert again.already and again.booking_id == first.booking_id
    assert await store.outbox_take(f"dm:{first.booking_id}") is not None
    assert len(await live_at(client, start_of(slot), "ann@example.net")) == 1


async def test_members_on_one_slot_at_once_get_one_booking_on_a_racy_site(
    sandbox: Sandbox, client: FluentBookingClient, store: Store, tmp_path: Any
) -> None:
    from bot.store import open_store

    slot = await first_slot(client)
    other_store = await open_store("sqlite:///" + str(tmp_path / "bot.sqlite3"))
    sandbox.set_faults(race=0.2, path=CREATE)  # the site would book them all
    emails = [f"m{i}@example.net" for i in range(8)]
    guards = [guard_for(client, store), guard_for(client, other_store)]
    try:
        outcomes = await asyncio.gather(
            *(book(guards[i % 2], attempt(client, slot, e)) for i, e in enumerate(emails)),
            return_exceptions=True,
        )
    finally:
        await other_store.close()
    made = [o for o in outcomes if isinstance(o, Guarded)]
    refused = [o for o in outcomes if isinstance(o, SlotUnavailableError)]
    assert len(made) == 1 and len(refused) == 7, outcomes
    live = await live_at(client, start_of(slot), *emails)
    assert [b.id for b in live] == [made[0].booking_id]


async def test_a_booking_made_elsewhere_at_the_same_moment_leaves_one_standing(
    sandbox: Sandbox, client: FluentBookingClient, store: Store
) -> None:
    slot = await first_slot(client)
    sandbox.set_faults(race=0.3, path=CREATE)
    guard = guard_for(client, store)
    async with make_client(sandbox) as website:
        ours, theirs = await asyncio.gather(
            book(guard, attempt(client, slot, "ann@example.net")),
            website.create_booking(DEMO, request(slot, "zed@example.net")),
            return_exceptions=True,
        )
    sandbox.clear_faults()
    await guard.drain()  # a create landing just after our read-back is caught by the re-read
    assert not isinstance(theirs, BaseException)
    live = await live_at(client, start_of(slot), "ann@example.net", "zed@example.net")
    assert len(live) == 1
    if isinstance(ours, TakenAtSameMoment):  # theirs came first: ours was cancelled
        assert live[0].id == theirs.id and ours.cancelled
        assert (await client.get_schedule(ours.booking_id)).status == "cancelled"
    else:  # ours came first: the later one was cancelled with a reason
        assert isinstance(ours, Guarded) and live[0].id == ours.booking_id
        assert (await client.get_schedule(theirs.id)).status == "cancelled"


@pytest.mark.parametrize(
    "faults",
    [{"status": 502}, {"hang": True}, {"drop": True}, {"latency": 2.0}],
    ids=["5xx", "no-answer", "dropped", "late"],
)
async def test_a_lost_answer_ends_with_the_booking_the_site_made(
    sandbox: Sandbox, store: Store, faults: dict[str, Any]
) -> None:
    async with make_client(sandbox, read_timeout=0.5, total_timeout=1.0) as client:
        slot = await first_slot(client)
        guard = guard_for(client, store)
        sandbox.set_faults(after=True, path=CREATE, count=1, **faults)
        outcome = await book(guard, attempt(client, slot, "ann@example.net"))
        assert outcome.recovered and not outcome.already
        live = await live_at(client, start_of(slot), "ann@example.net")
        assert [b.id for b in live] == [outcome.booking_id]
        replay = await book(guard, attempt(client, slot, "ann@example.net"))
        assert replay.already and replay.booking_id == outcome.booking_id


async def test_a_lost_answer_with_nothing_booked_is_a_clear_failure_and_can_be_retried(
    sandbox: Sandbox, client: FluentBookingClient, store: Store
) -> None:
    slot = await first_slot(client)
    guard = guard_for(client, store)
    sandbox.set_faults(status=502, path=CREATE, count=1)  # failed before booking
    with pytest.raises(BookingNotMade) as info:
        await book(guard, attempt(client, slot, "ann@example.net"))
    assert "nothing was booked" in info.value.user_message
    assert await live_at(client, start_of(slot), "ann@example.net") == []
    outcome = await book(guard, attempt(client, slot, "ann@example.net"))
    assert not outcome.already and not outcome.recovered


async def test_a_retry_that_finds_the_members_own_booking_says_booked(
    client: FluentBookingClient, store: Store
) -> None:
    slot = await first_slot(client)
    earlier = await client.create_booking(DEMO, request(slot, "ann@example.net"))
    outcome = await book(guard_for(client, store), attempt(client, slot, "ann@example.net"))
    assert outcome.recovered and outcome.booking_id == earlier.id
    with pytest.raises(SlotUnavailableError):  # someone else's booking is no such thing
        await book(guard_for(client, store), attempt(client, slot, "ben@example.net"))


async def test_a_cancelled_booking_no_longer_answers_already_booked(
    client: FluentBookingClient, store: Store
) -> None:
    slot = await first_slot(client)
    guard = guard_for(client, store)
    first = await book(guard, attempt(client, slot, "ann@example.net"))
    await client.cancel_booking(first.booking_id, "The host cannot make it")
    second, twin = await asyncio.gather(
        book(guard, attempt(client, slot, "ann@example.net")),
        book(guard, attempt(client, slot, "ann@example.net")),  # a double click
    )
    assert not second.already and second.booking_id != first.booking_id
    assert twin.already and twin.booking_id == second.booking_id
    live = await live_at(client, start_of(slot), "ann@example.net")
    assert [b.id for b in live] == [second.booking_id]


async def test_the_store_failing_after_the_site_booked_still_answers_booked(
    client: FluentBookingClient, store: Store, tmp_path: Any
) -> None:
    slot = await first_slot(client)
    conn = sqlite3.connect(tmp_path / "bot.sqlite3")
    conn.execute(
        "CREATE TRIGGER broken BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk'); END"
    )
    conn.commit()
    conn.close()
    outcome = await book(guard_for(client, store), attempt(client, slot, "ann@example.net"))
    assert not outcome.saved and outcome.outbox == {
        f"dm:{outcome.booking_id}": {"booking_id": outcome.booking_id}
    }
    # a later click does not contradict "Booked": it finds the member's own booking
    later = await book(guard_for(client, store), attempt(client, slot, "ann@example.net"))
    assert later.booking_id == outcome.booking_id


async def test_with_the_store_down_a_late_click_is_answered_from_the_site(
    client: FluentBookingClient, store: Store
) -> None:
    slot = await first_slot(client)
    guard = guard_for(client, store)
    first = await book(guard, attempt(client, slot, "ann@example.net"))
    await store.close()  # the store is gone from here on
    later = await book(guard, attempt(client, slot, "ann@example.net"))
    assert later.already and later.booking_id == first.booking_id and not later.saved
    # a member with nothing booked at that time gets the store's error: nothing is made
    from bot.store import StoreError

    with pytest.raises(StoreError):
        await book(guard, attempt(client, slot, "bob@example.net"))
    assert await live_at(client, start_of(slot), "bob@example.net") == []
