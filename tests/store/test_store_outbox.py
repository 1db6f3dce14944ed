"""The durable outbox: what a booking owes its people is delivered once, through faults."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import psycopg
import pytest
from store_helpers import Backend, FakeClock

from bot.store import Store, open_store
from bot.store.outbox import Outbox


class Recipient:
    """Counts deliveries; fails the first attempts of some items (Slack down)."""

    def __init__(self, **failures: int) -> None:
        self.failures = {k.replace("_", ":"): n for k, n in failures.items()}
        self.got: Counter[str] = Counter()
        self.attempts = 0

    async def __call__(self, item_id: str, payload: dict[str, Any]) -> bool:
        self.attempts += 1
        if self.failures.get(item_id, 0) > 0:
            self.failures[item_id] -= 1
            return False
        await asyncio.sleep(0.01)
        self.got[item_id] += 1
        return True


async def booked(store: Store, booking_id: int, delay: float = 30.0) -> None:
    """What the booking service does after the site booked: result and outbox together."""
    key = f"booking:{booking_id}"
    assert (await store.claim(key)).owner
    await store.complete(
        key,
        {"booking_id": booking_id},
        outbox={f"dm:{booking_id}": {"user": "U1"}, f"post:{booking_id}": {"channel": "C1"}},
        outbox_delay=delay,
    )


async def test_the_booking_process_delivers_at_once_and_never_again(backend: Backend) -> None:
    store = await backend.open()
    to = Recipient()
    outbox = Outbox(store, to)
    await booked(store, 1)
    assert await outbox.deliver_now("dm:1", {"user": "U1"})
    assert not await outbox.deliver_now("dm:1", {"user": "U1"})  # a replay: nothing
    assert await store.outbox_add("dm:1", {"user": "U1"}) is False  # queued once only
    assert to.got == Counter({"dm:1": 1})


async def test_other_processes_wait_out_the_grace_then_deliver_what_was_left(
    backend: Backend,
) -> None:
    clock = FakeClock()
    booker, other = await backend.open(clock=clock), await backend.open(clock=clock)
    to = Recipient()
    await booked(booker, 2, delay=30)  # ... and the booking process died right here
    assert await Outbox(other, to).run_due() == 0
    clock.advance(31)
    assert await Outbox(other, to).run_due() == 2
    assert await Outbox(booker, to).run_due() == 0
    assert to.got == Counter({"dm:2": 1, "post:2": 1})


async def test_a_failed_delivery_is_retried_with_backoff(backend: Backend) -> None:
    clock = FakeClock()
    store = await backend.open(clock=clock)
    to = Recipient(dm_3=2)
    outbox = Outbox(store, to, retry_delays=(5.0, 60.0))
    await booked(store, 3, delay=0)
    assert not await outbox.deliver_now("dm:3", {"user": "U1"})
    assert await outbox.run_due() == 1  # the post goes; the DM waits 5 s
    clock.advance(5)
    assert await outbox.run_due() == 0  # second DM attempt fails: 60 s now
    clock.advance(30)
    assert await outbox.run_due() == 0
    clock.advance(31)
    assert await outbox.run_due() == 1
    assert to.got == Counter({"dm:3": 1, "post:3": 1})


async def test_giving_up_after_max_attempts(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    store = await backend.open(clock=clock)
    to = Recipient(dm_4=100)
    outbox = Outbox(store, to, retry_delays=(1.0,), max_attempts=3)
    assert await store.outbox_add("dm:4", {"user": "U1"})
    for _ in range(5):
        await outbox.run_due()
        clock.advance(2)
    assert to.attempts == 3
    assert "giving up" in caplog.text


async def test_processes_racing_over_due_items_deliver_each_once(backend: Backend) -> None:
    stores = [await backend.open() for _ in range(4)]
    to = Recipient()
    for i in range(10):
        await stores[0].outbox_add(f"dm:{i}", {"i": i})
    outboxes = [Outbox(s, to) for s in stores]
    await asyncio.gather(*(o.run_due() for o in outboxes), *(o.run_due() for o in outboxes))
    assert to.got == Counter({f"dm:{i}": 1 for i in range(10)})


@pytest.mark.postgres
async def test_store_down_after_the_site_booked_delivers_from_memory_once(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    store = await open_store(url, schema=schema)
    later = await open_store(url, schema=schema)
    try:
        await _memory_path(store, later, url, schema)
    finally:
        await store.close()
        await later.close()


async def _memory_path(store: Store, later: Store, url: str, schema: str) -> None:
    to = Recipient()
    outbox = Outbox(store, to)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    # the booking's complete(outbox=...) failed, so the service hands the item over
    assert await outbox.deliver_unsaved("dm:5", {"user": "U1"})
    assert outbox.unsaved == 1  # not recorded yet: the store is still gone
    assert await outbox.run_due() == 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')  # an empty one, as after a restore
    await outbox.run_due()  # the store heals its tables and learns of the delivery
    assert outbox.unsaved == 0
    assert not await outbox.deliver_now("dm:5", {"user": "U1"})
    assert await Outbox(later, to).run_due() == 0
    assert to.got == Counter({"dm:5": 1})


async def test_the_background_loop_delivers_what_waits_at_start_without_a_call(
    backend: Backend,
) -> None:
    store = await backend.open()
    to = Recipient()
    await store.outbox_add("dm:6", {"user": "U1"})  # left by a process that stopped
    outbox = Outbox(store, to, poll_seconds=0.05)
    outbox.start()
    try:
        for _ in range(200):
            if to.got:
                break
            await asyncio.sleep(0.02)
    finally:
        await outbox.stop()
    assert to.got == Counter({"dm:6": 1})
    assert not outbox.running


async def test_stopping_the_loop_lets_a_delivery_in_progress_finish_and_be_recorded(
    backend: Backend,
) -> None:
    store = await backend.open()
    started, release = asyncio.Event(), asyncio.Event()
    got: list[str] = []

    async def slow(item_id: str, payload: dict[str, Any]) -> bool:
        started.set()
        await release.wait()
        got.append(item_id)
        return True

    await store.outbox_add("dm:7", {"user": "U1"})
    outbox = Outbox(store, slow, poll_seconds=0.05)
    outbox.start()
    await asyncio.wait_for(started.wait(), 10)
    stopping = asyncio.ensure_future(outbox.stop(grace=10))
    await asyncio.sleep(0.05)
    assert not stopping.done()  # waits for the message being posted
    release.set()
    await stopping
    assert got == ["dm:7"]
    assert await store.outbox_take("dm:7") is None  # recorded: no process sends it again


@pytest.mark.postgres
async def test_an_item_delivered_from_memory_is_not_sent_again_when_queued_later(
    pg_schema: tuple[str, str],
) -> None:
    """The store was wiped while the site booked: the DM went from memory. When the same
    booking is queued again in the healed store (a late click finds it on the site), the
    process records the delivery instead of sending the DM a second time."""
    url, schema = pg_schema
    store = await open_store(url, schema=schema)
    try:
        to = Recipient()
        outbox = Outbox(store, to)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        assert await outbox.deliver_unsaved("dm:8", {"user": "U1"})
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        assert await store.outbox_add("dm:8", {"user": "U1"})  # queued again, pending
        assert not await outbox.deliver_now("dm:8", {"user": "U1"})
        assert outbox.unsaved == 0
        assert await store.outbox_take("dm:8") is None  # recorded as delivered
        assert to.got == Counter({"dm:8": 1})
    finally:
        await store.close()


async def test_a_round_in_trouble_makes_the_loop_back_off_and_a_clean_one_resets_it(
    backend: Backend,
) -> None:
    store = await backend.open()
    to = Recipient(dm_9=1)
    outbox = Outbox(store, to, poll_seconds=5.0, max_poll_seconds=40.0, retry_delays=(0.0,))
    await store.outbox_add("dm:9", {"user": "U1"})
    assert await outbox._round() is True  # Slack refused the DM
    assert await outbox._round() is False  # delivered
    assert [outbox.next_pause(p, True) for p in (5.0, 10.0, 20.0, 40.0)] == [10, 20, 40, 40]
    assert outbox.next_pause(40.0, False) == 5.0
    await store.close()  # the store is down: a round in trouble too
    assert await outbox._round() is True
    assert to.got == Counter({"dm:9": 1})
