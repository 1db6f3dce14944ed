"""The Store contract, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import logging

import pytest
from store_helpers import Backend, FakeClock

from bot.store import Claim, StoreError


async def test_first_claim_owns_and_a_second_caller_does_not(backend: Backend) -> None:
    store = await backend.open()
    first = await store.claim("book:U1:abc")
    second = await store.claim("book:U1:abc", wait_seconds=0)
    assert first == Claim(key="book:U1:abc", owner=True)
    assert not second.owner
    assert second.result is None and second.timed_out


async def test_completed_result_is_returned_to_later_callers_in_other_stores(
    backend: Backend,
) -> None:
    one, two = await backend.open(), await backend.open()
    assert (await one.claim("k")).owner
    await one.complete("k", {"booking_id": 42, "hash": "abc", "note": "café ☕"})
    for store in (one, two):
        again = await store.claim("k")
        assert not again.owner and not again.timed_out
        assert again.result == {"booking_id": 42, "hash": "abc", "note": "café ☕"}


async def test_waiting_non_owner_gets_the_owners_result(backend: Backend) -> None:
    owner_store, waiter_store = await backend.open(), await backend.open()
    assert (await owner_store.claim("double-click")).owner
    waiter = asyncio.create_task(waiter_store.claim("double-click", wait_seconds=30))
    await asyncio.sleep(0.15)  # the waiter is polling while the owner works
    assert not waiter.done()
    await owner_store.complete("double-click", {"booking_id": 7})
    got = await waiter
    assert not got.owner
    assert got.result == {"booking_id": 7}


async def test_release_lets_the_next_claim_own_the_key(backend: Backend) -> None:
    store = await backend.open()
    assert (await store.claim("retry-me")).owner
    await store.release("retry-me")
    assert (await store.claim("retry-me")).owner


async def test_waiter_takes_over_when_the_owner_releases(backend: Backend) -> None:
    owner_store, waiter_store = await backend.open(), await backend.open()
    assert (await owner_store.claim("k")).owner
    waiter = asyncio.create_task(waiter_store.claim("k", wait_seconds=30))
    await asyncio.sleep(0.1)
    await owner_store.release("k")
    assert (await waiter).owner


async def test_release_does_not_erase_a_completed_result(backend: Backend) -> None:
    store = await backend.open()
    assert (await store.claim("k")).owner
    await store.complete("k", {"ok": True})
    await store.release("k")
    assert (await store.claim("k")).result == {"ok": True}


async def test_pending_claim_of_a_dead_owner_expires_after_the_lease(backend: Backend) -> None:
    clock = FakeClock()
    dead = await backend.open(clock=clock, lease_seconds=60)
    alive = await backend.open(clock=clock, lease_seconds=60)
    assert (await dead.claim("k")).owner
    clock.advance(59)
    assert not (await alive.claim("k", wait_seconds=0)).owner
    clock.advance(2)
    assert (await alive.claim("k", wait_seconds=0)).owner


async def test_late_complete_of_a_taken_over_claim_does_not_overwrite(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    slow = await backend.open(clock=clock, lease_seconds=10)
    fast = await backend.open(clock=clock, lease_seconds=10)
    assert (await slow.claim("k")).owner
    clock.advance(11)
    assert (await fast.claim("k")).owner
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        await slow.complete("k", {"by": "slow"})
    assert "taken over" in caplog.text
    await fast.complete("k", {"by": "fast"})
    assert (await slow.claim("k")).result == {"by": "fast"}


async def test_completed_key_lives_for_its_ttl_then_can_be_claimed_again(
    backend: Backend,
) -> None:
    clock = FakeClock()
    store = await backend.open(clock=clock)
    assert (await store.claim("k", ttl_seconds=100)).owner
    clock.advance(30)  # the work took a while; the TTL counts from completion
    await store.complete("k", {"n": 1})
    clock.advance(99)
    assert (await store.claim("k")).result == {"n": 1}
    clock.advance(2)
    fresh = await store.claim("k")
    assert fresh.owner and fresh.result is None


async def test_purge_removes_only_expired_keys(backend: Backend) -> None:
    clock = FakeClock()
    store = await backend.open(clock=clock)
    assert (await store.claim("old", ttl_seconds=10)).owner
    await store.complete("old", {"v": 1})
    assert (await store.claim("new", ttl_seconds=1000)).owner
    await store.complete("new", {"v": 2})
    clock.advance(11)
    assert await store.purge_expired() == 1
    assert backend.query_raw("SELECT key FROM idempotency_keys") == [("new",)]


async def test_per_booking_records_go_a_year_after_their_last_change(backend: Backend) -> None:
    clock = FakeClock()
    store = await backend.open(clock=clock)
    await store.set_value("feed_booking", "1", {"seen": {"status": "scheduled"}})
    await store.set_value("booking_messages", "1", {"messages": []})
    await store.set_value("install", "T1", {"bot_user": "U1"})  # not a per-booking record
    clock.advance(300 * 86400)
    await store.set_value("feed_booking", "2", {"seen": {"status": "pending"}})
    await store.set_value("booking_messages", "1", {"messages": [{"ts": "1.2"}]})  # touched
    clock.advance(66 * 86400)  # booking 1's feed record is now 366 days old

    await store.purge_expired()
    assert await store.get_value("feed_booking", "1") is None
    assert await store.get_value("feed_booking", "2") == {"seen": {"status": "pending"}}
    assert await store.get_value("booking_messages", "1") == {"messages": [{"ts": "1.2"}]}
    assert await store.get_value("install", "T1") == {"bot_user": "U1"}


async def test_settings_round_trip_and_survive_a_restart(backend: Backend) -> None:
    store = await backend.open()
    assert await store.get_value("install", "T1") is None
    await store.set_value("install", "T1", {"bot_user": "U1", "scopes": ["chat:write"]})
    await store.set_value("other", "T1", {"x": 1})
    await store.set_value("install", "T1", {"bot_user": "U2", "nested": {"ok": None}})
    assert await store.get_value("install", "T1") == {"bot_user": "U2", "nested": {"ok": None}}
    assert await store.get_value("other", "T1") == {"x": 1}
    await store.close()

    reopened = await backend.open()
    assert await reopened.get_value("install", "T1") == {"bot_user": "U2", "nested": {"ok": None}}
    assert await reopened.delete_value("other", "T1") is True
    assert await reopened.delete_value("other", "T1") is False
    assert await reopened.get_value("other", "T1") is None


async def test_bad_input_gets_a_clear_error(backend: Backend) -> None:
    store = await backend.open()
    with pytest.raises(ValueError, match="key must be a non-empty string"):
        await store.claim("")
    with pytest.raises(ValueError, match="longer than"):
        await store.claim("x" * 401)
    with pytest.raises(TypeError, match="result must be a dict"):
        await store.complete("k", ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not JSON-serialisable"):
        await store.set_value("ns", "k", {"when": object()})
    with pytest.raises(ValueError, match="namespace"):
        await store.get_value("", "k")


async def test_closed_store_raises_store_error(backend: Backend) -> None:
    store = await backend.open()
    await store.close()
    for call in (store.claim("k"), store.get_value("n", "k"), store.ping()):
        with pytest.raises(StoreError, match="closed"):
            await call
    await store.close()  # closing twice is harmless


async def test_ping_and_describe(backend: Backend) -> None:
    store = await backend.open()
    await store.ping()
    assert store.kind == backend.kind
    text = await store.describe()
    assert text.endswith("(reachable)")
    assert text.startswith(
        "SQLite file" if backend.kind == "sqlite" else "PostgreSQL at 127.0.0.1:5432/"
    )


def refuse_inserts(backend: Backend, table: str) -> None:
    """Make every insert into `table` fail inside the database, as a broken one would."""
    if backend.kind == "sqlite":
        backend.execute_raw(
            f"CREATE TRIGGER broken_{table} BEFORE INSERT ON {table}"
            " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
        )
    else:
        backend.execute_raw(
            f"ALTER TABLE {table} ADD CONSTRAINT broken CHECK (length(key) < 0) NOT VALID"
        )


async def test_database_failing_mid_request_raises_store_error(backend: Backend) -> None:
    store = await backend.open()
    refuse_inserts(backend, "idempotency_keys")
    with pytest.raises(StoreError, match="failed to claim a key"):
        await store.claim("k")
    refuse_inserts(backend, "kv_settings")
    with pytest.raises(StoreError, match="failed to save a setting"):
        await store.set_value("n", "k", {})


async def test_tables_dropped_under_a_running_store_are_made_again(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    store = await backend.open()
    await store.set_value("n", "k", {"v": 1})
    for table in ("idempotency_keys", "kv_settings", "slot_locks", "outbox"):
        backend.execute_raw(f"DROP TABLE {table}")
    assert (await store.claim("k")).owner
    await store.complete("k", {"done": True}, outbox={"dm:1": {"to": "U1"}})
    assert (await store.claim("k")).result == {"done": True}
    assert await store.get_value("n", "k") is None  # what was in the dropped table is gone
    await store.set_value("n", "k", {"v": 2})
    assert await store.get_value("n", "k") == {"v": 2}
    assert await store.outbox_take("dm:1") is not None
    assert "creating them again" in caplog.text


async def test_restart_keeps_the_schema_and_its_version(backend: Backend) -> None:
    store = await backend.open()
    await store.set_value("n", "k", {"v": 1})
    await store.close()
    again = await backend.open()
    assert await again.get_value("n", "k") == {"v": 1}
    assert backend.query_raw("SELECT id, version FROM schema_version") == [(1, 1)]


async def test_claims_purge_expired_keys_now_and_then(backend: Backend) -> None:
    clock = FakeClock()
    store = await backend.open(clock=clock)
    for key in ("a", "b"):
        assert (await store.claim(key, ttl_seconds=10)).owner
        await store.complete(key, {"k": key})
    clock.advance(3601)  # both expired, and the hourly purge is due
    assert (await store.claim("c")).owner
    assert backend.query_raw("SELECT key FROM idempotency_keys") == [("c",)]
