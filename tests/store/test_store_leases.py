"""Named leases (one watcher at a time across processes), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from store_helpers import Backend, FakeClock


async def test_one_holder_at_a_time_and_renewal_keeps_it(backend: Backend) -> None:
    clock = FakeClock()
    one, two = await backend.open(clock=clock), await backend.open(clock=clock)
    first = await one.take_lease("feed", "proc-a", 90)
    assert first.held and first.holder == "proc-a"
    refused = await two.take_lease("feed", "proc-b", 90)
    assert not refused.held and refused.holder == "proc-a"
    clock.advance(60)
    renewed = await one.take_lease("feed", "proc-a", 90)
    assert renewed.held and renewed.acquired_at == first.acquired_at
    assert renewed.expires_at == clock.now + 90
    clock.advance(60)  # within the renewed term: still proc-a's
    assert not (await two.take_lease("feed", "proc-b", 90)).held


async def test_an_expired_lease_is_taken_over(backend: Backend) -> None:
    clock = FakeClock()
    one, two = await backend.open(clock=clock), await backend.open(clock=clock)
    await one.take_lease("feed", "proc-a", 90)
    clock.advance(91)  # proc-a died and stopped renewing
    taken = await two.take_lease("feed", "proc-b", 90)
    assert taken.held and taken.holder == "proc-b" and taken.acquired_at == clock.now
    back = await one.take_lease("feed", "proc-a", 90)  # the old holder wakes up: refused
    assert not back.held and back.holder == "proc-b"
    seen = await one.read_lease("feed")
    assert seen is not None and seen.holder == "proc-b" and not seen.held


async def test_release_frees_the_lease_at_once_but_only_for_its_holder(backend: Backend) -> None:
    one, two = await backend.open(), await backend.open()
    await one.take_lease("feed", "proc-a", 600)
    assert not await two.release_lease("feed", "proc-b")
    assert not (await two.take_lease("feed", "proc-b", 600)).held
    assert await one.release_lease("feed", "proc-a")
    assert await one.read_lease("feed") is None
    assert (await two.take_lease("feed", "proc-b", 600)).held


async def test_concurrent_takers_get_exactly_one_holder(backend: Backend) -> None:
    stores = [await backend.open() for _ in range(4)]
    takers = [(f"proc-{i}", s) for i, s in enumerate(stores) for _ in range(3)]
    results = await asyncio.gather(*(s.take_lease("race", who, 60) for who, s in takers))
    holders = {r.holder for r in results}
    assert len(holders) == 1
    winner = holders.pop()
    assert [r.held for r in results] == [who == winner for who, _ in takers]
