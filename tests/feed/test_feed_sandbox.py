"""The watcher with the real client against the sandbox site, over loopback HTTP.

Everything happens on the website side (the public form, the attendee's pages, the host
in WordPress); the watcher must tell each change once, in one or two requests per look,
and never read (and so rewrite) an old booking.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feed_fakes import Recorder
from support.leaks import register_secret
from support.website import attendee_cancel, attendee_reschedule, host_decides, web_book

from bot.feed import FeedState, Watcher, WatcherOptions
from bot.feed.site import ClientSiteReader
from bot.fluentbooking import FluentBookingClient
from bot.sandbox import DEMO_APP_PASSWORD, Sandbox, start_sandbox
from bot.store import Store, open_store

MONDAY = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)  # 07:00 in New York


async def _no_sleep(_: float) -> None:
    return None


@dataclass
class Rig:
    sandbox: Sandbox
    store: Store
    client: FluentBookingClient
    teller: Recorder
    watcher: Watcher

    def api_requests(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.sandbox.requests]


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    register_secret(DEMO_APP_PASSWORD)
    sandbox = start_sandbox(db_path=str(tmp_path / "site.sqlite3"), now=MONDAY)
    store = await open_store(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    client = FluentBookingClient(
        sandbox.url, sandbox.username, sandbox.app_password, clock=sandbox.now, sleep=_no_sleep,
        max_retries=1,
    )  # fmt: skip
    teller = Recorder()
    watcher = Watcher(
        FeedState(store), ClientSiteReader(client), teller,
        WatcherOptions(interval=60, slack_grace=0), clock=sandbox.now,
        monotonic=lambda: sandbox.now().timestamp(),
    )  # fmt: skip
    try:
        yield Rig(sandbox, store, client, teller, watcher)
    finally:
        await client.aclose()
        await store.close()
        sandbox.stop()


async def test_website_bookings_and_changes_are_told_once_in_two_requests_a_look(
    rig: Rig,
) -> None:
    await rig.watcher.look()  # baseline
    visit = web_book(rig.sandbox, 1, "2025-01-07 10:00:00")
    pending = web_book(rig.sandbox, 4, "2025-01-08 09:00:00", name="Pat Lee")
    declined = web_book(rig.sandbox, 4, "2025-01-09 09:00:00", name="Sam Roe")
    rig.sandbox.clear_requests()
    result = await rig.watcher.look()
    assert sorted(rig.teller.kinds()) == [
        ("new", visit.id), ("new", pending.id), ("new", declined.id),
    ]  # fmt: skip
    assert result.requests == 2 and len(rig.sandbox.requests) == 2
    new = {c.booking.booking_id: c.booking for c in rig.teller.told}
    assert new[visit.id].source == "web" and new[pending.id].status == "pending"

    attendee_reschedule(rig.sandbox, visit, 1, "2025-01-07 14:00:00")
    host_decides(rig.sandbox, pending.id, approve=True)
    host_decides(rig.sandbox, declined.id, approve=False)
    rig.sandbox.clear_requests()
    await rig.watcher.look()
    changes = rig.teller.kinds()[3:]
    assert sorted(changes) == [
        ("confirmed", pending.id), ("rejected", declined.id), ("rescheduled", visit.id),
    ]  # fmt: skip
    moved = next(c for c in rig.teller.told if c.kind.value == "rescheduled")
    assert moved.previous is not None
    assert moved.previous.start_utc == datetime(2025, 1, 7, 15, 0, tzinfo=UTC)
    assert moved.booking.start_utc == datetime(2025, 1, 7, 19, 0, tzinfo=UTC)
    assert len(rig.sandbox.requests) == 2  # the rows were on the first page: no reads by id

    attendee_cancel(rig.sandbox, visit)
    await rig.watcher.look()
    await rig.watcher.look()
    assert rig.teller.kinds()[6:] == [("cancelled", visit.id)]


async def test_nothing_old_is_read_and_no_attendee_is_emailed(rig: Rig) -> None:
    rig.sandbox.set_now(MONDAY - timedelta(days=20))
    old = web_book(rig.sandbox, 4, "2024-12-18 09:00:00")  # pending, long over by Monday
    rig.sandbox.set_now(MONDAY)
    for day in range(7, 10):  # newer bookings fill the first page
        for hour in (10, 11, 13, 14):
            web_book(rig.sandbox, 1, f"2025-01-{day:02d} {hour}:00:00")
        rig.sandbox.set_now(rig.sandbox.now() + timedelta(seconds=30))
    for _ in range(4):
        await rig.watcher.look()
        rig.sandbox.set_now(rig.sandbox.now() + timedelta(minutes=1))
    assert f"/schedules/{old.id}" not in " ".join(rig.api_requests())
    status = (await rig.client.get_schedule(old.id)).status  # this read rewrites it
    assert status == "cancelled"
    cancelled_mails = [e for e in rig.sandbox.emails if e.kind == "cancelled"]
    assert [e.booking_id for e in cancelled_mails] == [old.id]  # only from the test's read


async def test_a_site_answering_html_is_backed_off_and_caught_up(rig: Rig) -> None:
    await rig.watcher.step()
    rig.sandbox.set_faults(html=True, path="/wp-json")
    made = web_book(rig.sandbox, 1, "2025-01-07 10:00:00")
    for _ in range(3):
        rig.sandbox.set_now(rig.sandbox.now() + timedelta(minutes=1))
        await rig.watcher.step()
    assert rig.teller.told == [] and rig.watcher.failures >= 1
    rig.sandbox.clear_faults()
    for _ in range(5):
        rig.sandbox.set_now(rig.sandbox.now() + timedelta(minutes=2))
        await rig.watcher.step()
    assert rig.teller.kinds() == [("new", made.id)]


async def test_a_booking_the_bot_made_is_not_announced_again(rig: Rig) -> None:
    from bot.fluentbooking import BookingRequest

    await rig.watcher.look()
    made = await rig.client.create_booking(
        1,
        BookingRequest(
            name="Ana", email="ana@example.org", event_time="2025-01-07 10:00:00",
            timezone="America/New_York", phone="+1 555 0100",
        ),
    )  # fmt: skip
    await rig.store.set_value("booking_origin", str(made.id), {"booked_by": "U_ALICE"})
    await rig.watcher.look()
    assert rig.teller.told == []
