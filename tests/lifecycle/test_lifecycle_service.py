"""The lifecycle service against the sandbox and a real store: who may, once, consistent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from support.leaks import register_secret

from bot.fluentbooking import BookingRequest, FluentBookingClient
from bot.fluentbooking.lifecycle import Change
from bot.lifecycle import records
from bot.lifecycle.service import ChangeRequest, LifecycleService, Result, Seen
from bot.sandbox import DEMO_APP_PASSWORD, start_sandbox
from bot.store import open_store
from bot.team.access import Viewer

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # a Monday, 07:00 in New York
NY = "America/New_York"

HOST = Viewer("U_HOST", "demo@example.com", False, frozenset({1}))
ATTENDEE = Viewer("U_DANA", "Dana@Example.net", False, frozenset())
STRANGER = Viewer("U_EVE", "eve@example.net", False, frozenset())
ADMIN = Viewer("U_ADMIN", "admin@example.org", True, frozenset())
BOOKER = Viewer("U_BOOKER", "booker@example.org", False, frozenset())


@pytest.fixture
def sandbox(tmp_path):
    register_secret(DEMO_APP_PASSWORD)
    with start_sandbox(db_path=str(tmp_path / "site.sqlite3"), now=NOW) as box:
        yield box


@pytest.fixture
async def fb(sandbox):
    async with FluentBookingClient(
        sandbox.url, sandbox.username, sandbox.app_password, clock=lambda: NOW
    ) as client:
        yield client


@pytest.fixture
async def store(tmp_path):
    opened = await open_store(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    yield opened
    await opened.close()


@pytest.fixture
def service(fb, store):
    return LifecycleService(fb, store, clock=lambda: NOW)


async def _book(fb, event_id: int = 1, at: str = "2025-03-04 10:00"):
    return await fb.create_booking(
        event_id,
        BookingRequest(
            name="Dana Fox", email="dana@example.net", timezone=NY, event_time=at,
            phone="+15550100",
        ),
    )  # fmt: skip


def _writes(sandbox) -> list[str]:
    return [f"{r.method} {r.path}" for r in sandbox.requests if r.method != "GET"]


@pytest.mark.parametrize("viewer", [HOST, ATTENDEE, ADMIN], ids=["host", "attendee", "admin"])
async def test_cancel_by_those_allowed(service, fb, sandbox, viewer):
    made = await _book(fb)
    outcome = await service.apply(ChangeRequest(made.id, Change.CANCEL, viewer, reason="Ill"))
    assert outcome.result is Result.DONE, outcome.message
    assert outcome.booking.status == "cancelled"
    assert (await fb.get_booking(made.id)).status == "cancelled"
    last = await records.last_change(service.store, made.id)
    assert last is not None and (last.by, last.change, last.reason) == (
        viewer.user_id,
        "cancel",
        "Ill",
    )


async def test_the_booker_from_slack_may_cancel(service, fb, store):
    made = await _book(fb)
    await store.set_value("booking_origin", str(made.id), {"booked_by": BOOKER.user_id})
    outcome = await service.apply(ChangeRequest(made.id, Change.CANCEL, BOOKER))
    assert outcome.result is Result.DONE


async def test_a_stranger_is_refused_and_nothing_is_written(service, fb, sandbox):
    made = await _book(fb)
    sandbox.clear_requests()
    outcome = await service.apply(ChangeRequest(made.id, Change.CANCEL, STRANGER))
    assert outcome.result is Result.FORBIDDEN
    assert "Only the host" in outcome.message
    assert _writes(sandbox) == []
    assert (await fb.get_booking(made.id)).status == "scheduled"


async def test_only_host_and_admin_decide(service, fb, sandbox):
    pending = await _book(fb, 4, "2025-03-04 09:00")
    denied = await service.apply(ChangeRequest(pending.id, Change.APPROVE, ATTENDEE))
    assert denied.result is Result.FORBIDDEN
    done = await service.apply(ChangeRequest(pending.id, Change.APPROVE, HOST))
    assert done.result is Result.DONE and done.booking.status == "scheduled"


async def test_double_click_makes_one_write(service, fb, sandbox):
    made = await _book(fb)
    seen = Seen(made.status, made.start_utc)
    sandbox.clear_requests()
    request = ChangeRequest(made.id, Change.CANCEL, HOST, seen=seen)
    first, second = await asyncio.gather(service.apply(request), service.apply(request))
    results = sorted([first.result, second.result])
    assert results == [Result.ALREADY, Result.DONE]
    late = next(o for o in (first, second) if o.result is Result.ALREADY)
    assert "already cancelled by <@U_HOST>" in late.message
    assert len([w for w in _writes(sandbox) if w.startswith("PUT")]) == 1
    assert len(sandbox.emails_to("dana@example.net")) == 1


async def test_cancel_racing_approve_across_processes_ends_in_one_outcome(fb, sandbox, tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    one, two = await open_store(url), await open_store(url)
    try:
        pending = await _book(fb, 4, "2025-03-04 09:00")
        seen = Seen("pending", pending.start_utc)
        sandbox.clear_requests()
        a = LifecycleService(fb, one, clock=lambda: NOW)
        b = LifecycleService(fb, two, clock=lambda: NOW)
        cancel, approve = await asyncio.gather(
            a.apply(ChangeRequest(pending.id, Change.CANCEL, HOST, seen=seen)),
            b.apply(ChangeRequest(pending.id, Change.APPROVE, ADMIN, seen=seen)),
        )
        outcomes = {cancel.result, approve.result}
        assert outcomes == {Result.DONE, Result.ALREADY}
        final = (await fb.get_booking(pending.id)).status
        winner = cancel if cancel.result is Result.DONE else approve
        assert final == winner.booking.status
        loser = approve if winner is cancel else cancel
        assert loser.booking.status == final
        assert len([w for w in _writes(sandbox) if w.startswith("PUT")]) == 1
    finally:
        await one.close()
        await two.close()


async def test_a_click_on_a_booking_decided_elsewhere_says_what_happened(service, fb, sandbox):
    pending = await _book(fb, 4, "2025-03-04 09:00")
    seen = Seen("pending", pending.start_utc)
    await service.apply(ChangeRequest(pending.id, Change.DECLINE, ADMIN, reason="Full"))
    sandbox.clear_requests()
    late = await service.apply(ChangeRequest(pending.id, Change.APPROVE, HOST, seen=seen))
    assert late.result is Result.ALREADY
    assert late.message == "Nothing was changed: this booking is already declined by <@U_ADMIN>."
    assert _writes(sandbox) == []


async def test_changed_on_the_site_says_so_without_a_name(service, fb, sandbox):
    made = await _book(fb)
    seen = Seen("scheduled", made.start_utc)
    await fb.cancel_booking(made.id, "from the site")
    outcome = await service.apply(ChangeRequest(made.id, Change.CANCEL, HOST, seen=seen))
    assert outcome.result is Result.ALREADY
    assert outcome.message == "Nothing was changed: this booking is already cancelled."


async def test_reschedule_moves_and_records(service, fb, sandbox):
    made = await _book(fb)
    start = datetime(2025, 3, 5, 19, 0, tzinfo=UTC)
    outcome = await service.apply(
        ChangeRequest(made.id, Change.RESCHEDULE, ATTENDEE, start=start, timezone=NY)
    )
    assert outcome.result is Result.DONE, outcome.message
    assert outcome.booking.start_utc == start and outcome.previous_start == made.start_utc
    # an old click on the old time now says it was moved
    late = await service.apply(
        ChangeRequest(made.id, Change.CANCEL, HOST, seen=Seen("scheduled", made.start_utc))
    )
    assert late.result is Result.ALREADY and "moved by <@U_DANA>" in late.message


async def test_reschedule_to_a_taken_time_fails_and_keeps_the_old_time(service, fb, sandbox):
    made = await _book(fb)
    await _book(fb, at="2025-03-05 14:00")
    outcome = await service.apply(
        ChangeRequest(
            made.id, Change.RESCHEDULE, HOST,
            start=datetime(2025, 3, 5, 19, 0, tzinfo=UTC), timezone=NY,
        )
    )  # fmt: skip
    assert outcome.result is Result.FAILED
    assert "no longer available" in outcome.message
    assert (await fb.get_booking(made.id)).start_utc == made.start_utc
    # the failed attempt did not hold the key: a new attempt may be made
    again = await service.apply(
        ChangeRequest(
            made.id, Change.RESCHEDULE, HOST,
            start=datetime(2025, 3, 5, 20, 0, tzinfo=UTC), timezone=NY,
        )
    )  # fmt: skip
    assert again.result is Result.DONE


async def test_refused_transitions(service, fb, sandbox):
    made = await _book(fb)
    sandbox.clear_requests()
    outcome = await service.apply(ChangeRequest(made.id, Change.DECLINE, HOST))
    assert outcome.result is Result.REFUSED
    assert "waiting for approval" in outcome.message
    early = await service.apply(ChangeRequest(made.id, Change.COMPLETED, HOST))
    assert early.result is Result.REFUSED and "not started yet" in early.message
    assert _writes(sandbox) == []


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ({"status": 500}, "internal error"),
        ({"status": 401}, "credentials"),
        ({"html": True}, "not the API's JSON"),
    ],
)
async def test_site_faults_change_nothing_and_say_why(service, fb, sandbox, fault, words):
    made = await _book(fb)
    sandbox.set_faults(**fault)
    outcome = await service.apply(ChangeRequest(made.id, Change.CANCEL, HOST))
    assert outcome.result is Result.FAILED and words in outcome.message
    sandbox.clear_faults()
    assert (await fb.get_booking(made.id)).status == "scheduled"
    # and the key was released: the member may try again
    assert (await service.apply(ChangeRequest(made.id, Change.CANCEL, HOST))).changed


async def test_site_down(service, fb, sandbox):
    made = await _book(fb)
    sandbox.stop()
    outcome = await service.apply(ChangeRequest(made.id, Change.CANCEL, HOST))
    assert outcome.result is Result.FAILED and "reach the booking site" in outcome.message


async def test_a_booking_gone(service):
    outcome = await service.apply(ChangeRequest(9999, Change.CANCEL, ADMIN))
    assert outcome.result is Result.GONE and "no longer exists" in outcome.message


async def test_a_write_the_site_swallowed(service, fb, sandbox):
    made = await _book(fb)
    sandbox.set_faults(no_store=True, path=f"/schedules/{made.id}")
    outcome = await service.apply(ChangeRequest(made.id, Change.CANCEL, HOST))
    assert outcome.result is Result.FAILED and "still scheduled" in outcome.message
    assert outcome.booking.status == "scheduled"
