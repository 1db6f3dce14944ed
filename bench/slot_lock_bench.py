"""What the per-slot lock costs a booking: store round trips and time, with and without it.

    python -m bench.slot_lock_bench [--quick] [--postgres URL]

For each backend (a SQLite file; PostgreSQL when reachable) it runs the store's side of
a booking, `claim` then `complete` (with the announcement outbox queued, as the booking
service does), many times, once without a slot and once with `slot=`, and reports per
booking: store round trips (calls that reached the database, `store.round_trips`) and
the median / p95 time of the pair. Then N intents on N different slots at once (no
contention: the lock must not serialise what does not collide), and N intents on one slot
(contention: one at a time, by design).

The Slack ack comes before any of this (the Book click is acknowledged first and the
booking runs after). The last part shows it through the whole local stack (bot, Slack
stand-in, sandbox): the ack time of a lone Book click, and of N members clicking Book on
one slot at the same instant (the lock then makes N-1 of them wait, after their ack).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

from bot.store import Store, open_store

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


async def _one(store: Store, i: int, slot: str | None) -> float:
    key = f"bench:{uuid.uuid4().hex}"
    started = time.perf_counter()
    claim = await store.claim(key, wait_seconds=30, slot=slot)
    assert claim.owner
    await store.complete(
        key, {"booking_id": i}, outbox={f"dm:{key}": {"u": "U1"}}, outbox_delay=30.0
    )
    return (time.perf_counter() - started) * 1000


async def _sequential(store: Store, n: int, with_slot: bool) -> tuple[float, list[float]]:
    before = store.round_trips
    times = [
        await _one(store, i, f"slot:bench:{uuid.uuid4().hex}" if with_slot else None)
        for i in range(n)
    ]
    return (store.round_trips - before) / n, times


async def _parallel(store: Store, n: int, one_slot: bool) -> float:
    slot = f"slot:bench:{uuid.uuid4().hex}"
    started = time.perf_counter()
    await asyncio.gather(*(_one(store, i, slot if one_slot else f"{slot}:{i}") for i in range(n)))
    return (time.perf_counter() - started) * 1000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


async def run_backend(name: str, url: str, schema: str | None, n: int, burst: int) -> None:
    store = await open_store(url, schema=schema, poll_interval=0.005)
    try:
        await _one(store, 0, None)  # warm: the first claim also purges
        print(f"\n{name}")
        rows = []
        for with_slot in (False, True):
            trips, times = await _sequential(store, n, with_slot)
            rows.append((with_slot, trips, statistics.median(times), _p95(times)))
        for with_slot, trips, median, p95 in rows:
            label = "with slot lock   " if with_slot else "without slot lock"
            print(
                f"  {label}: {trips:.2f} store round trips per booking, "
                f"claim+complete median {median:.2f} ms, p95 {p95:.2f} ms"
            )
        spread = await _parallel(store, burst, one_slot=False)
        print(f"  {burst} bookings on {burst} different slots at once: {spread:.0f} ms in all")
        same = await _parallel(store, burst, one_slot=True)
        print(f"  {burst} bookings on one slot at once (one at a time): {same:.0f} ms in all")
    finally:
        await store.close()


async def _confirm(stack: Any, user: str, line: str) -> dict[str, Any]:
    """`/book line` as `user`: the confirm message with its Book button."""
    await stack.requester.command("/book", line, user)
    stack.wait_idle()
    return dict(stack.slack.ephemerals(user)[-1])


async def _click(stack: Any, message: dict[str, Any], user: str) -> float:
    """Click Book on `message`; the milliseconds until the ack."""
    from bot.slack.ids import ActionId

    started = time.perf_counter()
    answer = await stack.requester.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=user)
    assert answer.status == 200
    return (time.perf_counter() - started) * 1000


def _live_bookings(stack: Any) -> int:
    """Live (scheduled or pending) bookings on the sandbox, read from its database."""
    with sqlite3.connect(stack.sandbox.db_path) as db:
        row = db.execute(
            "SELECT COUNT(*) FROM bookings WHERE status IN ('scheduled', 'pending')"
        ).fetchone()
    return int(row[0])


async def ack_times(members: int) -> tuple[float, list[float], int]:
    """Book-click ack times (ms): one member alone, then `members` on one slot at once;
    and how many live bookings that slot ended with."""
    from bot.demo.stack import start_local_stack

    with tempfile.TemporaryDirectory() as tmp, start_local_stack(Path(tmp)) as stack:
        users = [f"U_B{i}" for i in range(members + 1)]
        for i, user in enumerate(users):
            stack.slack.add_user(user, name=f"b{i}", real_name=f"Bench {i}", email=f"b{i}@ex.com")

        def confirm(user: str, line: str) -> Any:
            return _confirm(stack, user, line)

        def click(message: dict[str, Any], user: str) -> Any:
            return _click(stack, message, user)

        lone = await click(await confirm(users[0], "workshop jan 15 9am"), users[0])
        stack.wait_idle()
        messages = [await confirm(u, "workshop jan 15 10am") for u in users[1:]]
        together = await asyncio.gather(
            *(click(m, u) for m, u in zip(messages, users[1:], strict=True))
        )
        stack.wait_idle()
        return lone, list(together), _live_bookings(stack) - 1


def _without_slot_lock(store: Store) -> Any:
    """Make `store.claim` ignore `slot=` (the lock switched off); returns the undo."""
    original = store.claim

    async def claim(key: str, ttl_seconds: float = 86400, wait_seconds: float = 10.0, **_: Any):  # type: ignore[no-untyped-def]
        return await original(key, ttl_seconds, wait_seconds)

    store.claim = claim  # type: ignore[method-assign]
    return lambda: setattr(store, "claim", original)


async def lock_ablation(members: int, repeats: int) -> dict[str, dict[str, list[float]]]:
    """The same Book clicks with the slot lock on and off, alternating in one run (so both
    see the same machine load): per repeat, a lone member's ack and the store round trips
    its whole booking took (claim to announcement), then `members` on one slot at once."""
    from datetime import date

    from bot.demo.stack import start_local_stack

    zone = "America/New_York"
    stats: dict[str, dict[str, list[float]]] = {
        mode: {
            "lone_ack": [],
            "lone_trips": [],
            "burst_ack": [],
            "burst_median": [],
            "burst_trips": [],
            "live": [],
        }
        for mode in ("lock", "no lock")
    }
    with tempfile.TemporaryDirectory() as tmp, start_local_stack(Path(tmp)) as stack:
        bot = stack.bot
        store = bot.stack.store
        bot.run(bot.stack.outbox.stop())  # its polling would add round trips of its own
        users = [f"U_A{i}" for i in range(members + 1)]
        for i, user in enumerate(users):
            stack.slack.add_user(user, name=f"a{i}", real_name=f"Abl {i}", email=f"a{i}@ex.com")
        slots = bot.run(
            stack.deps.fb.get_slots(
                7, start=date(2025, 1, 14), end=date(2025, 2, 14), timezone=zone
            )
        ).all()
        lines = iter(
            f"workshop {s.start:%b} {s.start.day} {s.start:%I:%M%p}".lower() for s in slots
        )

        def confirm(user: str, line: str) -> Any:
            return _confirm(stack, user, line)

        def click(message: dict[str, Any], user: str) -> Any:
            return _click(stack, message, user)

        def live() -> int:
            return _live_bookings(stack)

        for r in range(repeats):
            for mode in ("lock", "no lock") if r % 2 == 0 else ("no lock", "lock"):
                undo = _without_slot_lock(store) if mode == "no lock" else (lambda: None)
                try:
                    one = await confirm(users[0], next(lines))
                    before = store.round_trips
                    stats[mode]["lone_ack"].append(await click(one, users[0]))
                    stack.wait_idle()
                    stats[mode]["lone_trips"].append(float(store.round_trips - before))
                    line = next(lines)
                    messages = [await confirm(u, line) for u in users[1:]]
                    live_before = live()
                    before = store.round_trips
                    acks = await asyncio.gather(
                        *(click(m, u) for m, u in zip(messages, users[1:], strict=True))
                    )
                    stack.wait_idle()
                    stats[mode]["burst_trips"].append((store.round_trips - before) / members)
                    stats[mode]["burst_ack"] += acks
                    stats[mode]["burst_median"].append(statistics.median(acks))
                    stats[mode]["live"].append(float(live() - live_before))
                finally:
                    undo()
    return stats


def print_ablation(stats: dict[str, dict[str, list[float]]], members: int) -> None:
    print("\nSlot lock on vs off, same run, alternating (whole stack; acks in ms)")
    med = statistics.median
    for mode, s in stats.items():
        print(
            f"  {mode:7}: lone ack median {med(s['lone_ack']):.1f}; store round trips per "
            f"lone booking {med(s['lone_trips']):.1f} (min {min(s['lone_trips']):.0f}, max "
            f"{max(s['lone_trips']):.0f}); {members} on one slot: ack median "
            f"{med(s['burst_ack']):.1f}, max {max(s['burst_ack']):.1f}, store round trips per "
            f"click {med(s['burst_trips']):.1f}; live bookings made per burst "
            f"{sorted(set(s['live']))}"
        )
    on, off = stats["lock"], stats["no lock"]
    print(f"  lone booking round trips per repeat, lock on:  {on['lone_trips']}")
    print(f"  lone booking round trips per repeat, lock off: {off['lone_trips']}")
    ratios = sorted(a / b for a, b in zip(on["burst_median"], off["burst_median"], strict=True))
    print("  burst ack median on/off per repeat: " + ", ".join(f"{r:.2f}x" for r in ratios))
    print(
        f"  ratio on/off: lone ack {med(on['lone_ack']) / med(off['lone_ack']):.2f}x, "
        f"burst ack median {med(on['burst_ack']) / med(off['burst_ack']):.2f}x; round trips "
        f"per lone booking +{med(on['lone_trips']) - med(off['lone_trips']):.1f}"
    )


async def main_async(args: argparse.Namespace) -> int:
    n = 50 if args.quick else 400
    burst = 10 if args.quick else 40
    with tempfile.TemporaryDirectory() as tmp:
        url = "sqlite:///" + str(Path(tmp) / "bench.sqlite3")
        await run_backend("SQLite file", url, None, n, burst)
    members = 5 if args.quick else 12
    repeats = 4 if args.quick else 10
    print_ablation(await lock_ablation(members, repeats), members)
    lone, together, live = await ack_times(members)
    print("\nBook-click acks through the local stack (bot, Slack stand-in, sandbox)")
    print(f"  one member alone: ack in {lone:.1f} ms")
    print(
        f"  {members} members on one slot at once: ack median {statistics.median(together):.1f}"
        f" ms, max {max(together):.1f} ms; live bookings on that slot afterwards: {live}"
    )
    schema = "bench_" + uuid.uuid4().hex[:12]
    try:
        with psycopg.connect(args.postgres, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        print(f"\nPostgreSQL at {args.postgres}: not reachable ({exc}); skipped")
        return 0
    try:
        await run_backend(f"PostgreSQL (schema {schema})", args.postgres, schema, n, burst)
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer bookings")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="PostgreSQL URL")
    args, _ = parser.parse_known_args(argv)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
