"""The per-slot lock: two intents for one slot (two members, two processes) never work at
once, and taking it costs no store round trip of its own."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest
from store_helpers import Backend, FakeClock, new_schema_name, postgres_url, run_workers, sqlite_url

from bot.store import StoreError

SLOT = "slot:host:1:2025-01-07T16:00:00Z"


async def test_a_second_intent_for_a_held_slot_waits_and_is_told_slot_busy(
    backend: Backend,
) -> None:
    one, two = await backend.open(), await backend.open()
    assert (await one.claim("booking:ann", slot=SLOT)).owner
    busy = await two.claim("booking:ben", wait_seconds=0.2, slot=SLOT)
    assert not busy.owner and busy.timed_out and busy.slot_busy
    # the loser left nothing behind: its own key is free again
    assert (await two.claim("booking:ben", wait_seconds=0)).owner
    await two.release("booking:ben")
    # another slot is not blocked
    assert (await two.claim("booking:cy", wait_seconds=0, slot=SLOT + "x")).owner


@pytest.mark.parametrize("finish", ["complete", "release"])
async def test_complete_or_release_frees_the_slot_for_a_waiting_intent(
    backend: Backend, finish: str
) -> None:
    one, two = await backend.open(), await backend.open()
    assert (await one.claim("booking:ann", slot=SLOT)).owner
    waiting = asyncio.create_task(two.claim("booking:ben", wait_seconds=10, slot=SLOT))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    if finish == "complete":
        await one.complete("booking:ann", {"booking_id": 1})
    else:
        await one.release("booking:ann")
    claim = await waiting
    assert claim.owner and not claim.slot_busy


async def test_the_same_intent_gets_its_result_not_slot_busy(backend: Backend) -> None:
    store = await backend.open()
    assert (await store.claim("booking:ann", slot=SLOT)).owner
    await store.complete("booking:ann", {"booking_id": 7})
    again = await store.claim("booking:ann", wait_seconds=0, slot=SLOT)
    assert not again.owner and again.result == {"booking_id": 7}


async def test_a_dead_owners_slot_lock_runs_out_with_its_lease(backend: Backend) -> None:
    clock = FakeClock()
    dead = await backend.open(clock=clock, lease_seconds=30)
    alive = await backend.open(clock=clock, lease_seconds=30)
    assert (await dead.claim("booking:ann", slot=SLOT)).owner  # and never completes
    assert (await alive.claim("booking:ben", wait_seconds=0, slot=SLOT)).slot_busy
    clock.advance(31)
    assert (await alive.claim("booking:ben", wait_seconds=0, slot=SLOT)).owner


async def test_the_slot_lock_adds_no_store_round_trip(backend: Backend) -> None:
    store = await backend.open()
    await store.claim("warm", wait_seconds=0)  # the first claim also purges expired keys
    before = store.round_trips
    assert (await store.claim("plain", wait_seconds=0)).owner
    await store.complete("plain", {"ok": 1})
    plain = store.round_trips - before
    before = store.round_trips
    assert (await store.claim("locked", wait_seconds=0, slot=SLOT)).owner
    await store.complete("locked", {"ok": 1}, outbox={"dm:1": {"user": "U1"}})
    assert store.round_trips - before == plain == 2


async def test_many_intents_on_one_slot_in_one_process_hold_it_one_at_a_time(
    backend: Backend,
) -> None:
    stores = [await backend.open() for _ in range(3)]
    holding: list[int] = []
    overlaps: list[list[int]] = []

    async def one(i: int) -> None:
        store = stores[i % len(stores)]
        claim = await store.claim(f"booking:{i}", wait_seconds=30, slot=SLOT)
        assert claim.owner
        holding.append(i)
        if len(holding) > 1:
            overlaps.append(list(holding))
        await asyncio.sleep(0.01)
        holding.remove(i)
        await store.complete(f"booking:{i}", {"i": i})

    await asyncio.gather(*(one(i) for i in range(12)))
    assert overlaps == []


def _no_overlap(answers: list[dict[str, Any]], total: int) -> None:
    assert all(a["ok"] for a in answers), answers
    spans = sorted(span for a in answers for span in a["held"])
    assert len(spans) == total
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end, spans


def test_two_processes_on_one_sqlite_file_never_hold_a_slot_together(tmp_path: Path) -> None:
    job = {"mode": "slot", "url": sqlite_url(tmp_path / "s.sqlite3"), "slot": SLOT}
    answers = run_workers([{**job, "tag": "p1", "claims": 6}, {**job, "tag": "p2", "claims": 6}])
    _no_overlap(answers, 12)


@pytest.mark.postgres
def test_two_processes_on_postgres_never_hold_a_slot_together() -> None:
    from store_helpers import drop_schema

    url, schema = postgres_url(), new_schema_name()
    job = {"mode": "slot", "url": url, "schema": schema, "slot": SLOT, "claims": 6}
    try:
        answers = run_workers([{**job, "tag": "p1"}, {**job, "tag": "p2"}])
    finally:
        drop_schema(url, schema)
    _no_overlap(answers, 12)


async def test_a_failed_complete_still_lets_release_free_the_slot(backend: Backend) -> None:
    store, other = await backend.open(), await backend.open()
    assert (await store.claim("booking:ann", slot=SLOT)).owner
    if backend.kind == "sqlite":
        backend.execute_raw(
            "CREATE TRIGGER broken BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'x'); END"
        )
    else:
        backend.execute_raw("ALTER TABLE outbox ADD CONSTRAINT broken CHECK (length(id) < 0)")
    with pytest.raises(StoreError):
        await store.complete("booking:ann", {"booking_id": 1}, outbox={"dm:1": {}})
    await store.release("booking:ann")
    assert (await other.claim("booking:ben", wait_seconds=0, slot=SLOT)).owner
