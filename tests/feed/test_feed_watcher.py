"""The watcher's core on an in-memory site: what it tells, once, and what it costs."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from feed_fakes import T0, Clock, FakeSite, Recorder

from bot.feed import FeedState, Kind, Watcher, WatcherOptions
from bot.store import Store, open_store

INTERVAL = 60.0


@pytest.fixture
async def store(tmp_path: Path):
    opened = await open_store(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    yield opened
    await opened.close()


def watcher(store: Store, site: FakeSite, teller: Recorder, clock: Clock, **options) -> Watcher:
    opts = WatcherOptions(interval=INTERVAL, slack_grace=0, **options)
    return Watcher(
        FeedState(store), site, teller, opts, holder="proc-a", clock=clock, monotonic=clock.epoch
    )


async def test_first_look_tells_nothing_then_each_new_booking_once(store: Store) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    old = site.add(start=T0 + timedelta(days=2))
    feed = watcher(store, site, teller, clock)
    first = await feed.look()
    assert first.baseline and teller.told == []
    clock.advance(INTERVAL)
    new = site.add(start=T0 + timedelta(days=3))
    site.requests.clear()
    result = await feed.look()
    assert teller.kinds() == [("new", new.id)]
    assert result.requests == 2 and site.requests == ["latest:1", "activities"]
    clock.advance(INTERVAL)
    await feed.look()
    await watcher(store, site, teller, clock).look()  # a restarted process
    assert teller.kinds() == [("new", new.id)]
    assert old.id not in [c.booking.booking_id for c in teller.told]


async def test_bookings_sharing_a_second_with_known_ones_are_all_found(store: Store) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    feed = watcher(store, site, teller, clock, per_page=2)
    a = site.add(start=T0 + timedelta(days=1))
    await feed.look()  # baseline knows a
    b = site.add(start=T0 + timedelta(days=2))  # the same second as a
    c = site.add(start=T0 + timedelta(days=3))
    d = site.add(start=T0 + timedelta(days=4))
    site.requests.clear()
    await feed.look()
    assert sorted(teller.kinds()) == [("new", b.id), ("new", c.id), ("new", d.id)]
    assert site.requests == ["latest:1", "latest:2", "activities"]  # page 2: page 1 all new
    assert a.id not in [c.booking.booking_id for c in teller.told]


async def test_changes_from_the_log_with_the_old_time_of_a_reschedule(store: Store) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    moved = site.add(start=T0 + timedelta(days=1))
    cancelled = site.add(start=T0 + timedelta(days=2))
    approved = site.add(start=T0 + timedelta(days=3), status="pending")
    declined = site.add(start=T0 + timedelta(days=4), status="pending")
    for _ in range(3):  # push them off the first page of the newest-created list
        clock.advance(10)
        site.add(start=T0 + timedelta(days=9))
    feed = watcher(store, site, teller, clock, per_page=3)
    await feed.look()
    clock.advance(INTERVAL)
    new_start = T0 + timedelta(days=1, hours=2)
    site.change(
        moved.id, "rescheduled", start_utc=new_start, end_utc=new_start + timedelta(minutes=30)
    )
    site.change(cancelled.id, "cancelled", status="cancelled")
    site.change(approved.id, "confirmed", status="scheduled")
    site.change(declined.id, "rejected", status="rejected")
    site.requests.clear()
    await feed.look()
    assert teller.kinds() == [
        ("rescheduled", moved.id),
        ("cancelled", cancelled.id),
        ("confirmed", approved.id),
        ("rejected", declined.id),
    ]
    reschedule = teller.told[0]
    assert reschedule.previous is not None and reschedule.previous.start_utc == moved.start_utc
    assert reschedule.booking.start_utc == new_start
    # only the reschedule needed a read by id (its new time); the rest came from the log
    assert site.requests == ["latest:1", "activities", f"booking:{moved.id}"]


async def test_old_bookings_are_never_swept(store: Store) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    clock.now = T0 - timedelta(days=30)
    past_pending = site.add(start=T0 - timedelta(days=10), status="pending")
    clock.now = T0
    for day in range(1, 5):
        site.add(start=T0 + timedelta(days=day))
        clock.advance(10)
    feed = watcher(store, site, teller, clock, per_page=3)
    for _ in range(5):
        await feed.look()
        clock.advance(INTERVAL)
    assert site.rewritten == [] and site.bookings[past_pending.id].status == "pending"
    assert not any(r.startswith("booking:") for r in site.requests)


async def test_a_site_that_is_down_is_backed_off_logged_once_and_caught_up(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    feed = watcher(store, site, teller, clock)
    assert await feed.step() == INTERVAL  # baseline
    site.down = True
    site.requests.clear()
    with caplog.at_level(logging.INFO, logger="bot.feed"):
        for _ in range(8):  # eight minutes of steps (the lease is renewed every minute)
            clock.advance(INTERVAL)
            await feed.step()
        looks_while_down = site.requests.count("latest:1")
        made = site.add(start=T0 + timedelta(days=2))
        site.change(made.id, "cancelled", status="cancelled")
        site.down = False
        for _ in range(8):
            clock.advance(INTERVAL)
            await feed.step()
    assert looks_while_down < 5  # backed off: 1, 2, 4 intervals apart
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "did not answer" in warnings[0].getMessage()
    assert any("answers again" in r.getMessage() for r in caplog.records)
    assert teller.kinds() == [("new", made.id)]
    assert teller.told[0].booking.status == "cancelled"  # seen first when already cancelled


async def test_a_long_downtime_gives_one_capped_summary(store: Store) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    await watcher(store, site, teller, clock).look()
    clock.advance(6 * 3600)  # the bot was down for six hours
    made = [site.add(start=T0 + timedelta(days=1, hours=h)) for h in range(12)]
    site.change(made[0].id, "cancelled", status="cancelled")
    feed = watcher(store, site, teller, clock, per_page=10, summary_cap=5)
    result = await feed.look()
    assert teller.told == [] and len(teller.summaries) == 1
    summary = teller.summaries[0]
    assert summary.total == 12 and summary.counts == {Kind.NEW: 12}
    assert len(summary.shown) == 5 and summary.more == 7
    assert result.summarised == 12
    clock.advance(INTERVAL)
    await feed.look()
    assert teller.told == [] and len(teller.summaries) == 1


async def test_a_change_the_teller_could_not_tell_is_told_at_the_next_look(store: Store) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    feed = watcher(store, site, teller, clock)
    await feed.look()
    made = site.add(start=T0 + timedelta(days=2))
    teller.failing = True
    await feed.step()
    assert teller.told == []
    teller.failing = False
    clock.advance(INTERVAL)
    await feed.step()
    clock.advance(INTERVAL)
    await feed.step()
    assert teller.kinds() == [("new", made.id)]


async def test_bookings_made_from_slack_are_not_announced_again(store: Store) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    feed = watcher(store, site, teller, clock)
    await feed.look()
    mine = site.add(start=T0 + timedelta(days=2), source="admin")
    await store.set_value("booking_origin", str(mine.id), {"booked_by": "U_ALICE"})
    theirs = site.add(start=T0 + timedelta(days=3), source="admin")
    await feed.look()
    assert teller.kinds() == [("new", theirs.id)]
    site.change(mine.id, "cancelled", status="cancelled")  # later changes are told
    await feed.look()
    assert teller.kinds() == [("new", theirs.id), ("cancelled", mine.id)]


async def test_one_watcher_at_a_time_and_a_dead_one_is_replaced_within_two_intervals(
    tmp_path: Path,
) -> None:
    from store_fake_clock import EpochClock

    epoch = EpochClock()
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    one, two = await open_store(url, clock=epoch), await open_store(url, clock=epoch)
    try:
        clock = Clock()
        site, teller = FakeSite(clock), Recorder()
        opts = WatcherOptions(interval=INTERVAL, slack_grace=0)
        a = Watcher(FeedState(one), site, teller, opts, holder="proc-a", clock=clock,
                    monotonic=clock.epoch)  # fmt: skip
        b = Watcher(FeedState(two), site, teller, opts, holder="proc-b", clock=clock,
                    monotonic=clock.epoch)  # fmt: skip
        await a.step()
        assert a.holding
        assert await b.step() == INTERVAL / 2 and not b.holding
        site.requests.clear()
        died_at = epoch.now  # a stops stepping here (killed)
        while not b.holding:
            wait = await b.step()
            if not b.holding:
                epoch.now += wait
                clock.advance(wait)
        assert epoch.now - died_at <= 2 * INTERVAL
        assert site.requests[:2] == ["latest:1", "activities"]  # b carries on looking
    finally:
        await one.close()
        await two.close()


async def test_a_webhook_and_the_poll_tell_a_change_once(store: Store) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    feed = watcher(store, site, teller, clock)
    await feed.look()
    made = site.add(start=T0 + timedelta(days=2))
    told = await feed.apply(made, Kind.NEW)  # the Pro webhook came first
    assert [c.kind for c in told] == [Kind.NEW]
    site.change(made.id, "cancelled", status="cancelled")
    await feed.look()
    await feed.apply(site.bookings[made.id], Kind.CANCELLED)  # a late webhook
    assert teller.kinds() == [("new", made.id), ("cancelled", made.id)]


async def test_reminders_at_their_minute_once_and_never_for_a_cancelled_or_moved_time(
    store: Store,
) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    feed = watcher(store, site, teller, clock, reminder_minutes=(60, 10))
    await feed.look()
    kept = site.add(start=T0 + timedelta(hours=3))
    dropped = site.add(start=T0 + timedelta(hours=3, minutes=30))
    moved = site.add(start=T0 + timedelta(hours=4))
    clock.advance(INTERVAL)
    await feed.step()
    assert sorted(b for _, b in teller.kinds()) == [kept.id, dropped.id, moved.id]
    # cancelled and moved on the site, after the last look: the reminders must check
    site.change(dropped.id, "cancelled", status="cancelled")
    later = T0 + timedelta(hours=6)
    site.change(moved.id, "rescheduled", start_utc=later, end_utc=later + timedelta(minutes=30))
    clock.now = T0 + timedelta(hours=2)  # 60 minutes before `kept`
    assert await feed.remind_due() == 1
    assert [(r.booking.booking_id, r.minutes) for r in teller.reminders] == [(kept.id, 60)]
    assert await feed.remind_due() == 0  # once
    clock.now = T0 + timedelta(hours=3, minutes=-10)
    await feed.remind_due()
    clock.now = T0 + timedelta(hours=3, minutes=25)  # `dropped` would be due (10 min)
    await feed.remind_due()
    clock.now = T0 + timedelta(hours=3, minutes=55)  # `moved`'s old time, 5 min before
    await feed.remind_due()
    clock.now = later - timedelta(minutes=60)
    await feed.step()  # a look (tells the changes) and the new time's reminder
    assert [(r.booking.booking_id, r.minutes) for r in teller.reminders] == [
        (kept.id, 60),
        (kept.id, 10),
        (moved.id, 60),
    ]
    assert teller.reminders[-1].booking.start_utc == later


async def test_the_next_step_wakes_for_a_reminder_before_the_next_look(store: Store) -> None:
    clock = Clock()
    site, teller = FakeSite(clock), Recorder()
    feed = watcher(store, site, teller, clock, reminder_minutes=(10,))
    await feed.step()
    site.add(start=T0 + timedelta(minutes=30, seconds=20))
    clock.advance(INTERVAL)
    wait = await feed.step()  # tells the new booking; its reminder is due in 19m20s
    assert wait == INTERVAL
    clock.now = T0 + timedelta(minutes=20)
    assert await feed.step() == pytest.approx(20.0)
