"""The client's lifecycle operations against the sandbox over loopback: every change read
back, and the changes the site would take silently or wrongly refused before writing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from client_helpers import register

from bot.fluentbooking import (
    BookingRequest,
    FluentBookingClient,
    NotChangedError,
    NotFoundError,
    RefusedError,
    SiteTimeoutError,
    SlotUnavailableError,
    ValidationError,
)
from bot.fluentbooking.models import Booking
from bot.sandbox import Sandbox, start_sandbox

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # a Monday, 07:00 in New York
NY = "America/New_York"


@pytest.fixture
def sandbox(tmp_path, pytestconfig):
    box = start_sandbox(db_path=str(tmp_path / "site.sqlite3"), now=NOW)
    register(box.app_password, pytestconfig)
    yield box
    box.stop()


def _client(sandbox: Sandbox, url: str | None = None, **kw: object) -> FluentBookingClient:
    kw.setdefault("clock", lambda: NOW)
    kw.setdefault("read_timeout", 5.0)
    return FluentBookingClient(
        url or sandbox.url,
        sandbox.username,
        sandbox.app_password,
        backoff_base=0.01,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
async def client(sandbox):
    async with _client(sandbox) as c:
        yield c


async def _book(
    client: FluentBookingClient, event_id: int = 1, at: str = "2025-03-04 10:00", **kw: object
) -> Booking:
    fields: dict[str, object] = {"name": "Dana Fox", "email": "dana@example.net"}
    fields.update(kw)
    request = BookingRequest(timezone=NY, event_time=at, phone="+15550100", **fields)  # type: ignore[arg-type]
    return await client.create_booking(event_id, request)


def _put(sandbox: Sandbox, booking_id: int, value: str) -> None:
    response = httpx.put(
        f"{sandbox.api_url}/schedules/{booking_id}",
        json={"column": "status", "value": value, "cancel_reason": "", "reject_reason": ""},
        auth=(sandbox.username, sandbox.app_password),
    )
    assert response.status_code == 200, response.text


async def test_get_booking_reads_the_site(client):
    made = await _book(client)
    got = await client.get_booking(made.id)
    assert (got.id, got.hash, got.status, got.event_id) == (made.id, made.hash, "scheduled", 1)
    assert got.start_utc == datetime(2025, 3, 4, 15, 0, tzinfo=UTC)
    assert got.calendar_id == 1 and got.source == "admin"
    assert await client.booking_host_email(got) == "demo@example.com"
    with pytest.raises(NotFoundError):
        await client.get_booking(9999)


async def test_cancel_reads_back_and_the_attendee_gets_the_reason(client, sandbox):
    made = await _book(client)
    after = await client.cancel_booking(made.id, "The host is ill")
    assert after.status == "cancelled"
    assert (await client.get_booking(made.id)).status == "cancelled"
    sent = sandbox.emails_to("dana@example.net")
    assert [e.kind for e in sent] == ["cancelled"] and "The host is ill" in sent[0].body


async def test_cancel_twice_is_refused_as_already_done(client, sandbox):
    made = await _book(client)
    await client.cancel_booking(made.id)
    sandbox.clear_requests()
    with pytest.raises(RefusedError) as refused:
        await client.cancel_booking(made.id, strict=True)
    assert refused.value.already and refused.value.booking.status == "cancelled"
    assert [r.method for r in sandbox.requests] == ["GET"]  # nothing written
    # not strict (a clean-up that only wants it cancelled): the booking as it is
    assert (await client.cancel_booking(made.id)).status == "cancelled"


async def test_cancel_a_completed_booking_is_refused_before_writing(client, sandbox):
    made = await _book(client)
    _put(sandbox, made.id, "completed")
    sandbox.clear_requests()
    with pytest.raises(RefusedError) as refused:
        await client.cancel_booking(made.id, "x")
    assert "completed" in refused.value.user_message and not refused.value.already
    assert all(r.method == "GET" for r in sandbox.requests)
    assert sandbox.emails == []


async def test_approve_and_decline_pending_bookings(client, sandbox):
    first = await _book(client, 4, "2025-03-04 09:00")
    second = await _book(client, 4, "2025-03-04 10:30")
    assert first.status == "pending"
    assert (await client.approve_booking(first.id)).status == "scheduled"
    declined = await client.decline_booking(second.id, "Fully booked")
    assert declined.status == "rejected"
    kinds = [(e.booking_id, e.kind) for e in sandbox.emails_to("dana@example.net")]
    assert kinds == [(first.id, "confirmed"), (second.id, "rejected")]
    assert "Fully booked" in sandbox.emails_to("dana@example.net")[1].body


async def test_decline_a_scheduled_booking_is_refused(client, sandbox):
    # the site would answer "The booking has been rejected" and do nothing
    made = await _book(client)
    sandbox.clear_requests()
    with pytest.raises(RefusedError) as refused:
        await client.decline_booking(made.id, "no")
    assert "waiting for approval" in refused.value.user_message
    assert all(r.method == "GET" for r in sandbox.requests)
    assert (await client.get_booking(made.id)).status == "scheduled"


async def test_approve_a_cancelled_booking_is_refused(client, sandbox):
    # the site would re-book it with no slot check
    made = await _book(client, 4, "2025-03-04 09:00")
    await client.cancel_booking(made.id)
    sandbox.clear_requests()
    with pytest.raises(RefusedError):
        await client.approve_booking(made.id)
    assert all(r.method == "GET" for r in sandbox.requests)
    assert (await client.get_booking(made.id)).status == "cancelled"


async def test_mark_past_meetings_only(sandbox):
    async with _client(sandbox) as early:
        made = await _book(early)
    later = NOW + timedelta(days=2)
    sandbox.set_now(later)
    async with _client(sandbox, clock=lambda: later) as client:
        assert (await client.mark_booking(made.id, "no_show")).status == "no_show"
        assert (await client.mark_booking(made.id, "completed")).status == "completed"
        with pytest.raises(ValidationError):
            await client.mark_booking(made.id, "cancelled")


async def test_mark_a_future_meeting_is_refused(client, sandbox):
    made = await _book(client)
    with pytest.raises(RefusedError) as refused:
        await client.mark_booking(made.id, "completed")
    assert "not started yet" in refused.value.user_message
    assert (await client.get_booking(made.id)).status == "scheduled"


async def test_reschedule_moves_in_place(client, sandbox):
    made = await _book(client)
    moved = await client.reschedule_booking(made.id, "2025-03-05 14:00", NY, "Clash")
    assert (moved.id, moved.hash, moved.status) == (made.id, made.hash, "scheduled")
    assert moved.start_utc == datetime(2025, 3, 5, 19, 0, tzinfo=UTC)
    assert moved.end_utc - moved.start_utc == timedelta(minutes=30)
    assert [e.kind for e in sandbox.emails_to("dana@example.net")] == ["rescheduled"]
    assert "Clash" in sandbox.emails_to("dana@example.net")[0].body
    ajax = [r for r in sandbox.requests if "admin-ajax" in r.path]
    assert len(ajax) == 1 and ajax[0].method == "POST"


async def test_reschedule_with_a_booking_and_an_aware_time(client, sandbox):
    made = await _book(client)
    start = datetime(2025, 3, 5, 16, 0, tzinfo=UTC)  # 11:00 New York
    moved = await client.reschedule_booking(made, start, "Europe/Berlin")
    assert moved.start_utc == start and moved.timezone == "Europe/Berlin"


async def test_reschedule_to_a_taken_time_keeps_the_old_one(client, sandbox):
    made = await _book(client)
    await _book(client, at="2025-03-05 14:00", email="other@example.net")
    with pytest.raises(SlotUnavailableError):
        await client.reschedule_booking(made.id, "2025-03-05 14:00", NY, "x")
    assert (await client.get_booking(made.id)).start_utc == made.start_utc
    assert sandbox.emails == []


async def test_reschedule_refusals(client, sandbox):
    made = await _book(client)
    with pytest.raises(ValidationError):
        await client.reschedule_booking(made.id, "2025-03-01 10:00", NY)  # the past
    with pytest.raises(ValidationError):
        await client.reschedule_booking(made.id, "tomorrow", NY)
    with pytest.raises(ValidationError):
        await client.reschedule_booking(made.id, "2025-03-05 10:00", "Mars/Olympus")
    await client.cancel_booking(made.id)
    sandbox.clear_requests()
    with pytest.raises(RefusedError):
        await client.reschedule_booking(made.id, "2025-03-05 10:00", NY)
    assert not [r for r in sandbox.requests if r.method != "GET"]


@pytest.mark.parametrize(
    "form",
    ["{root}", "{root}/", "{root}/wp-json/fluent-booking/v2", "{root}/?rest_route=/"],
)
async def test_reschedule_through_every_url_form(sandbox, form):
    async with _client(sandbox, form.format(root=sandbox.url)) as client:
        made = await _book(client)
        moved = await client.reschedule_booking(made.id, "2025-03-05 14:00", NY, "x")
        assert moved.start_utc == datetime(2025, 3, 5, 19, 0, tzinfo=UTC)


async def test_a_site_that_answers_success_but_does_not_change_is_an_error(client, sandbox):
    made = await _book(client)
    # a site (or a plugin on it) that swallows the write: answers 200, changes nothing
    sandbox.set_faults(no_store=True, path=f"/schedules/{made.id}")
    with pytest.raises(NotChangedError) as unchanged:
        await client.cancel_booking(made.id, "x")
    assert unchanged.value.booking.status == "scheduled"
    assert "still scheduled" in unchanged.value.user_message


async def test_site_down_on_the_write_reads_back_before_saying_so(client, sandbox):
    made = await _book(client)
    sandbox.set_faults(status=500, path=f"/schedules/{made.id}", count=10)
    with pytest.raises(Exception) as failed:
        await client.cancel_booking(made.id)
    assert getattr(failed.value, "kind", None) == "server"
    sandbox.clear_faults()
    assert (await client.get_booking(made.id)).status == "scheduled"


async def test_a_write_that_times_out_says_it_may_still_happen(sandbox):
    async with _client(sandbox, read_timeout=0.5, total_timeout=0.8) as client:
        made = await _book(client)
        # the answer is late and the change lands after the client gave up: the read-back
        # still shows the old time, so the client cannot say it failed for sure
        sandbox.set_faults(latency=1.5, path="admin-ajax", count=1)
        with pytest.raises(SiteTimeoutError) as late:
            await client.reschedule_booking(made.id, "2025-03-05 14:00", NY, "x")
        assert "may still" in late.value.user_message
        assert "check" in late.value.user_message.lower()


# ------------------------------------------------------------- command line


@pytest.fixture
def cli(sandbox, monkeypatch, capsys):
    """`python -m bot api ... --json` in this process, on the sandbox's fixed clock."""
    from bot.fluentbooking.cli import main

    monkeypatch.setenv("FLUENTBOOKING_URL", sandbox.url)
    monkeypatch.setenv("FLUENTBOOKING_USERNAME", sandbox.username)
    monkeypatch.setenv("FLUENTBOOKING_APP_PASSWORD", sandbox.app_password)

    def factory(settings):  # type: ignore[no-untyped-def]
        return FluentBookingClient.from_settings(settings, clock=lambda: NOW)

    def run(*args: str) -> tuple[int, dict]:
        code = main([*args, "--json"], client_factory=factory)
        out = capsys.readouterr().out
        assert sandbox.app_password not in out
        return code, json.loads(out)

    return run


def _cli_book(cli, event_id: str = "1", at: str = "2025-03-04 10:00") -> dict:
    code, booking = cli(
        "book", event_id, "--time", at, "--tz", NY, "--name", "Dana Fox",
        "--email", "dana@example.net", "--phone", "+15550100",
    )  # fmt: skip
    assert code == 0, booking
    return booking


def test_cli_booking_shows_the_design_fields(cli):
    made = _cli_book(cli)
    code, shown = cli("booking", str(made["id"]))
    assert code == 0
    assert {k: shown[k] for k in ("id", "status", "event_id", "host_email", "attendee_email")} == {
        "id": made["id"],
        "status": "scheduled",
        "event_id": 1,
        "host_email": "demo@example.com",
        "attendee_email": "dana@example.net",
    }
    assert shown["start_utc"] == "2025-03-04T15:00:00Z"
    assert shown["end_utc"] == "2025-03-04T15:30:00Z"
    code, missing = cli("booking", "9999")
    assert code == 1 and missing["error"]["kind"] == "not_found"


def test_cli_cancel_prints_the_booking_as_read_back(cli, sandbox):
    made = _cli_book(cli)
    code, cancelled = cli("cancel", str(made["id"]), "--reason", "Host is ill")
    assert code == 0 and cancelled["status"] == "cancelled" and cancelled["id"] == made["id"]
    assert "Host is ill" in sandbox.emails_to("dana@example.net")[0].body
    code, again = cli("cancel", str(made["id"]))
    assert code == 1
    assert again["error"]["kind"] == "refused" and again["error"]["already"] is True
    assert again["error"]["booking"]["status"] == "cancelled"


def test_cli_reschedule_approve_decline_mark(cli, sandbox):
    made = _cli_book(cli)
    code, moved = cli(
        "reschedule", str(made["id"]), "--time", "2025-03-05 14:00", "--tz", NY, "--reason", "Clash"
    )
    assert code == 0, moved
    assert moved["id"] == made["id"] and moved["start_utc"] == "2025-03-05T19:00:00Z"

    pending = _cli_book(cli, "4", "2025-03-04 09:00")
    other = _cli_book(cli, "4", "2025-03-04 10:30")
    code, approved = cli("approve", str(pending["id"]))
    assert code == 0 and approved["status"] == "scheduled"
    code, declined = cli("decline", str(other["id"]), "--reason", "Full")
    assert code == 0 and declined["status"] == "rejected"
    code, refused = cli("decline", str(pending["id"]))  # no longer pending
    assert code == 1 and refused["error"]["kind"] == "refused"
    assert refused["error"]["booking"]["status"] == "scheduled"

    code, early = cli("mark", str(made["id"]), "completed")  # not yet happened
    assert code == 1 and "not started yet" in early["error"]["message"]


def test_cli_reports_a_write_the_site_did_not_make(cli, sandbox):
    made = _cli_book(cli)
    sandbox.set_faults(no_store=True, path=f"/schedules/{made['id']}")
    code, out = cli("cancel", str(made["id"]))
    assert code == 1 and out["error"]["kind"] == "not_changed"
    assert out["error"]["booking"]["status"] == "scheduled"


def test_cli_usage(cli):
    code, out = cli("mark", "1", "maybe")
    assert code == 1 and out["error"]["kind"] == "usage"
    code, out = cli("reschedule", "1", "--time", "2025-03-05 14:00", "--tz", "Nowhere/Land")
    assert code == 1 and out["error"]["kind"] == "usage"


def test_cli_in_its_own_process(tmp_path, pytestconfig):
    """The real `python -m bot api` against a sandbox on the real clock."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    box = start_sandbox(db_path=str(tmp_path / "cli.sqlite3"))
    register(box.app_password, pytestconfig)
    env = {
        **os.environ,
        "FLUENTBOOKING_URL": box.url + "/wp-json/fluent-booking/v2",
        "FLUENTBOOKING_USERNAME": box.username,
        "FLUENTBOOKING_APP_PASSWORD": box.app_password,
    }

    def run(*args: str) -> tuple[int, dict]:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "api", *args, "--json"],
            capture_output=True, text=True, env=env, timeout=60, check=False,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        assert box.app_password not in done.stdout + done.stderr
        return done.returncode, json.loads(done.stdout)

    try:
        today = datetime.now(UTC).date()
        code, slots = run(
            "slots", "1", "--from", (today + timedelta(days=3)).isoformat(),
            "--to", (today + timedelta(days=10)).isoformat(), "--tz", NY,
        )  # fmt: skip
        assert code == 0
        days = list(slots["slots"].items())
        (day, times), (later_day, later_times) = days[0], days[1]
        code, made = run(
            "book", "1", "--time", f"{day} {times[0]}", "--tz", NY, "--name", "Jo Doe",
            "--email", "jo@example.net", "--phone", "+15550100",
        )  # fmt: skip
        assert code == 0, made
        code, moved = run(
            "reschedule", str(made["id"]), "--time", f"{later_day} {later_times[0]}", "--tz", NY
        )
        assert code == 0, moved
        assert moved["id"] == made["id"] and moved["start_utc"] != made["start_utc"]
        code, cancelled = run("cancel", str(made["id"]), "--reason", "No longer needed")
        assert code == 0 and cancelled["status"] == "cancelled"
        code, shown = run("booking", str(made["id"]))
        assert code == 0 and shown["status"] == "cancelled"
        assert shown["host_email"] == "demo@example.com"
        assert [e.kind for e in box.emails_to("jo@example.net")] == ["rescheduled", "cancelled"]
    finally:
        box.stop()


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 500},  # the site moved it, then failed to answer
        {"drop": True},  # the site moved it, the connection dropped
        {"latency": 1.5},  # the site moved it, the answer came too late
    ],
    ids=["5xx", "dropped", "late"],
)
async def test_a_lost_answer_after_the_move_is_judged_by_the_read_back(sandbox, fault):
    async with _client(sandbox, read_timeout=0.5, total_timeout=0.8) as client:
        made = await _book(client)
        sandbox.set_faults(after=True, path="admin-ajax", count=1, **fault)
        moved = await client.reschedule_booking(made.id, "2025-03-05 14:00", NY, "x")
        assert moved.start_utc == datetime(2025, 3, 5, 19, 0, tzinfo=UTC)
        assert (await client.get_booking(made.id)).start_utc == moved.start_utc
