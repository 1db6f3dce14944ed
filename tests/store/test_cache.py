"""The per-process TTL + LRU cache."""

from __future__ import annotations

import asyncio

import pytest

from bot.cache import TTLCache


class Ticker:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_entries_expire_after_the_ttl() -> None:
    clock = Ticker()
    cache: TTLCache[str, int] = TTLCache(maxsize=10, ttl=30, clock=clock)
    cache.set("events", 1)
    clock.now += 29.9
    assert cache.get("events") == 1 and "events" in cache
    clock.now += 0.2
    assert cache.get("events") is None and "events" not in cache
    assert len(cache) == 0


def test_per_entry_ttl_overrides_the_default() -> None:
    clock = Ticker()
    cache: TTLCache[str, str] = TTLCache(maxsize=10, ttl=30, clock=clock)
    cache.set("short", "a", ttl=1)
    cache.set("long", "b")
    clock.now += 2
    assert cache.get("short") is None
    assert cache.get("long") == "b"


def test_size_is_bounded_and_least_recently_used_goes_first() -> None:
    cache: TTLCache[str, int] = TTLCache(maxsize=3, ttl=60, clock=Ticker())
    for i, key in enumerate("abc"):
        cache.set(key, i)
    assert cache.get("a") == 0  # "a" is now the most recently used
    cache.set("d", 3)
    assert len(cache) == 3
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == [0, 2, 3]
    for i in range(100):
        cache.set(f"k{i}", i)
    assert len(cache) == 3


def test_expired_entries_are_evicted_before_live_ones() -> None:
    clock = Ticker()
    cache: TTLCache[str, int] = TTLCache(maxsize=2, ttl=60, clock=clock)
    cache.set("live", 1)
    cache.set("dying", 2, ttl=1)
    cache.get("dying")  # recently used, but about to expire
    clock.now += 5
    cache.set("new", 3)
    assert cache.get("live") == 1 and cache.get("new") == 3


async def test_concurrent_loads_of_one_key_are_collapsed_into_one() -> None:
    cache: TTLCache[str, list[str]] = TTLCache(maxsize=10, ttl=60)
    calls = 0
    gate = asyncio.Event()

    async def load_events() -> list[str]:
        nonlocal calls
        calls += 1
        await gate.wait()
        return ["Intro call", "Demo"]

    waiters = [asyncio.create_task(cache.get_or_load("events", load_events)) for _ in range(20)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*waiters)
    assert calls == 1
    assert all(r == ["Intro call", "Demo"] for r in results)
    assert await cache.get_or_load("events", load_events) == ["Intro call", "Demo"]
    assert calls == 1


async def test_different_keys_load_separately_and_expiry_reloads() -> None:
    clock = Ticker()
    cache: TTLCache[str, str] = TTLCache(maxsize=10, ttl=10, clock=clock)
    loaded: list[str] = []

    async def loader_for(key: str) -> str:
        loaded.append(key)
        return key.upper()

    assert await cache.get_or_load("a", lambda: loader_for("a")) == "A"
    assert await cache.get_or_load("b", lambda: loader_for("b")) == "B"
    assert await cache.get_or_load("a", lambda: loader_for("a")) == "A"
    clock.now += 11
    assert await cache.get_or_load("a", lambda: loader_for("a")) == "A"
    assert loaded == ["a", "b", "a"]


async def test_a_failed_load_reaches_every_waiter_and_is_not_cached() -> None:
    cache: TTLCache[str, int] = TTLCache(maxsize=10, ttl=60)
    calls = 0
    gate = asyncio.Event()

    async def flaky() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        if calls == 1:
            raise ConnectionError("site down")
        return 5

    waiters = [asyncio.create_task(cache.get_or_load("k", flaky)) for _ in range(5)]
    await asyncio.sleep(0)
    gate.set()
    outcomes = await asyncio.gather(*waiters, return_exceptions=True)
    assert all(isinstance(o, ConnectionError) for o in outcomes)
    assert await cache.get_or_load("k", flaky) == 5
    assert calls == 2


async def test_cancelling_one_waiter_does_not_cancel_the_shared_load() -> None:
    cache: TTLCache[str, int] = TTLCache(maxsize=10, ttl=60)
    gate = asyncio.Event()

    async def slow() -> int:
        await gate.wait()
        return 7

    first = asyncio.create_task(cache.get_or_load("k", slow))
    second = asyncio.create_task(cache.get_or_load("k", slow))
    await asyncio.sleep(0)
    first.cancel()
    gate.set()
    assert await second == 7
    with pytest.raises(asyncio.CancelledError):
        await first
    assert cache.get("k") == 7


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="maxsize"):
        TTLCache(maxsize=0)
    with pytest.raises(ValueError, match="ttl"):
        TTLCache(ttl=0)


async def test_single_flight_shares_one_load_among_concurrent_callers() -> None:
    from bot.cache import SingleFlight

    flight: SingleFlight[str, list[int]] = SingleFlight()
    gate = asyncio.Event()
    calls = 0

    async def load() -> list[int]:
        nonlocal calls
        calls += 1
        await gate.wait()
        return [calls]

    waiting = [asyncio.ensure_future(flight.do("day", load)) for _ in range(5)]
    other = asyncio.ensure_future(flight.do("other day", load))
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*waiting) == [[1]] * 5
    assert await other == [2]
    assert calls == 2 and flight.loads == 2 and flight.shared == 4
    # nothing is kept: the next call loads again
    assert await flight.do("day", load) == [3]


async def test_single_flight_gives_every_waiter_the_error_and_forgets_it() -> None:
    from bot.cache import SingleFlight

    flight: SingleFlight[str, int] = SingleFlight()
    gate = asyncio.Event()

    async def failing() -> int:
        await gate.wait()
        raise RuntimeError("site down")

    waiting = [asyncio.ensure_future(flight.do("k", failing)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*waiting, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)

    async def ok() -> int:
        return 7

    assert await flight.do("k", ok) == 7 and len(flight) == 0
