"""The booking watcher with two `python -m bot` processes on one PostgreSQL schema:
website bookings told once, the watching process killed mid-run (the other takes over),
and a restart that tells nothing again."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any, TypeVar

import httpx
import psycopg
import pytest
from mp_helpers import BotProcess, Schema, World, all_text
from support.website import attendee_cancel, web_book

from bot.sandbox import DEMO_EMAIL

pytestmark = pytest.mark.postgres

CHANNEL = "C_MP_FEED"
HOST = "U_MP_HOST"
T = TypeVar("T")


def wait_for(what: Callable[[], T], timeout: float = 30.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = what()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("not seen in time")
        time.sleep(0.1)


def feed_env(world: World, schema: Schema) -> dict[str, str]:
    env = world.env(schema.url)
    env.update(BOOKING_POLL_SECONDS="1", BOOKING_NOTIFY_CHANNEL=CHANNEL)
    return env


@pytest.fixture
def feed_world(world: World) -> World:
    if CHANNEL not in world.slack.channels:
        world.slack.add_channel(CHANNEL, "mp-feed", member=True)
    if HOST not in world.slack.users:
        world.slack.add_user(HOST, name="alex", real_name="Alex Rivera", email=DEMO_EMAIL)
    return world


def free_slots(world: World) -> list[str]:
    """Free 'Product Demo' times (wall time in New York) a few days ahead, shuffled."""
    day = date.today() + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    answer = httpx.get(
        f"{world.sandbox.api_url}/bookings/event/3",
        params={"start_date": day.isoformat(), "timezone": "America/New_York"},
        auth=(world.sandbox.username, world.sandbox.app_password),
        timeout=10,
    ).json()
    slots = [s["start"] for items in (answer["available_slots"] or {}).values() for s in items]
    random.shuffle(slots)
    return slots


def posts_for(world: World, booking_id: int) -> list[dict[str, Any]]:
    return [
        m
        for m in world.slack.messages(CHANNEL)
        if not m.get("thread_ts") and f"Booking #{booking_id} " in all_text(m)
    ]


def thread_of(world: World, ts: str) -> list[str]:
    return [all_text(m) for m in world.slack.messages(CHANNEL) if m.get("thread_ts") == ts]


def host_dms_for(world: World, booking_id: int) -> list[dict[str, Any]]:
    return [m for m in world.slack.messages(HOST) if f"Booking #{booking_id} " in all_text(m)]


def lease_holder(world: World, schema: Schema) -> str | None:
    with psycopg.connect(world.pg_url, autocommit=True) as conn:
        row = conn.execute(
            f'SELECT holder, expires_at FROM "{schema.name}".leases WHERE name = %s',
            ("feed.watcher",),
        ).fetchone()
    return None if row is None or row[1] < time.time() else str(row[0])


def has_looked(world: World, schema: Schema) -> bool:
    """The watcher's first look (its baseline) is saved: later bookings are told."""
    with psycopg.connect(world.pg_url, autocommit=True) as conn:
        try:
            row = conn.execute(
                f'SELECT 1 FROM "{schema.name}".kv_settings WHERE namespace = %s AND key = %s',
                ("feed", "position"),
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            return False
    return row is not None


@pytest.fixture
def two_bots(feed_world: World, schema: Schema) -> Iterator[list[BotProcess]]:
    bots = [
        BotProcess.start(f"feed-{n}", feed_env(feed_world, schema), feed_world.workdir)
        for n in ("a", "b")
    ]
    try:
        for bot in bots:
            assert bot.healthz() == 200
        yield bots
    finally:
        for bot in bots:
            with contextlib.suppress(Exception):
                bot.stop()


def test_two_processes_tell_each_website_booking_once_also_when_the_watcher_dies(
    feed_world: World, schema: Schema, two_bots: list[BotProcess]
) -> None:
    world = feed_world
    wait_for(lambda: has_looked(world, schema))  # the first look only learns where the site is
    holder = wait_for(lambda: lease_holder(world, schema))
    slots = free_slots(world)
    first = web_book(world.sandbox, 3, slots.pop(), name="First Visitor")
    wait_for(lambda: posts_for(world, first.id))
    wait_for(lambda: host_dms_for(world, first.id))

    # kill the watching process mid-run: the other takes the lease over and carries on
    watching = next(b for b in two_bots if f":{b.proc.pid}:" in holder)
    other = next(b for b in two_bots if b is not watching)
    watching.proc.kill()
    watching.proc.wait(10)
    second = web_book(world.sandbox, 3, slots.pop(), name="Second Visitor")
    wait_for(lambda: posts_for(world, second.id))
    new_holder = lease_holder(world, schema)
    assert new_holder is not None and f":{other.proc.pid}:" in new_holder

    # restart the killed one: nothing is told again
    restarted = BotProcess.start("feed-a2", feed_env(world, schema), world.workdir)
    try:
        assert restarted.healthz() == 200
        third = web_book(world.sandbox, 3, slots.pop(), name="Third Visitor")
        wait_for(lambda: posts_for(world, third.id))
        attendee_cancel(world.sandbox, first)
        [post] = posts_for(world, first.id)
        wait_for(lambda: thread_of(world, post["ts"]))
        time.sleep(4)  # several more looks, by whichever process watches
        for booking in (first, second, third):
            assert len(posts_for(world, booking.id)) == 1, booking
        assert [len(host_dms_for(world, b.id)) for b in (first, second, third)] == [2, 1, 1]
        [reply] = thread_of(world, post["ts"])
        assert "Cancelled" in reply
        assert "Cancelled" in all_text(posts_for(world, first.id)[0])  # updated in place
    finally:
        out = restarted.stop()
    assert "Traceback" not in out, out
    assert "Traceback" not in other.stop()
