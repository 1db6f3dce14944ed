"""The client and its command line against the local sandbox site over loopback HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from client_helpers import register

from bot.fluentbooking import (
    AuthError,
    BadResponseError,
    BookingRequest,
    FluentBookingClient,
    SiteTimeoutError,
    SlotUnavailableError,
)
from bot.sandbox import start_sandbox

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # a Monday; US clocks change on 2025-03-09
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox(tmp_path, pytestconfig):
    box = start_sandbox(db_path=str(tmp_path / "site.sqlite3"), now=NOW)
    register(box.app_password, pytestconfig)
    yield box
    box.stop()


@pytest.fixture
async def client(sandbox):
    async with FluentBookingClient(
        sandbox.url,
        sandbox.username,
        sandbox.app_password,
        clock=lambda: NOW,
        backoff_base=0.01,
        read_timeout=5.0,
    ) as c:
        yield c


async def test_discover_events(client):
    events = {e.id: e for e in await client.list_events()}
    assert {1, 2, 3, 4, 5}.issubset(events)
    assert events[1].requires == ["phone"] and events[2].requires == ["address"]
    assert events[3].durations == [15, 30, 60] and events[3].title == "Product Demo & Q&A"
    assert events[4].requires_confirmation and not events[5].active
    assert events[1].host_timezone == "America/New_York"


async def test_slots_in_several_zones_across_dst(client):
    start, end = date(2025, 3, 7), date(2025, 3, 10)  # Friday EST .. Monday EDT
    ny = await client.get_slots(1, start=start, end=end, timezone="America/New_York")
    london = await client.get_slots(1, start=start, end=end, timezone="Europe/London")
    tokyo = await client.get_slots(1, start=start, end=end, timezone="Asia/Tokyo")
    assert ny.times_on(date(2025, 3, 7))[0] == "09:00"
    assert ny.times_on(date(2025, 3, 10))[0] == "09:00"
    assert london.times_on(date(2025, 3, 7))[0] == "14:00"  # New York is UTC-5
    assert london.times_on(date(2025, 3, 10))[0] == "13:00"  # and now UTC-4
    assert date(2025, 3, 8) not in ny.by_date  # host works weekdays only
    # the same instants, whatever the zone they are read in
    ny_instants = {s.start for s in ny.all()}
    assert {s.start for s in london.all()} == ny_instants
    wide = await client.get_slots(
        1, start=date(2025, 3, 6), end=date(2025, 3, 11), timezone="America/New_York"
    )
    assert tokyo.all() and {s.start for s in tokyo.all()} <= {s.start for s in wide.all()}
    assert tokyo.by_date[date(2025, 3, 10)][0].start.strftime("%H:%M") == "22:00"
    alias = await client.get_slots(1, start=start, end=end, timezone="US/Eastern")
    assert (
        alias.timezone == "America/New_York" and alias.to_json()["slots"] == ny.to_json()["slots"]
    )


async def test_book_a_slot_then_it_is_gone_and_cannot_be_booked_again(client):
    day = date(2025, 3, 5)
    before = await client.get_slots(1, start=day, end=day, timezone="Europe/Paris")
    slot = before.by_date[day][2]
    request = BookingRequest(
        name="Jo Doe",
        email="jo@example.com",
        timezone="Europe/Paris",
        start=slot.start,
        phone="+15550100",
    )
    booking = await client.create_booking(1, request)
    assert booking.id > 0 and booking.hash and booking.status == "scheduled"
    assert booking.start_utc == slot.start.astimezone(UTC)
    assert booking.timezone == "Europe/Paris"
    after = await client.get_slots(1, start=day, end=day, timezone="Europe/Paris")
    assert slot.start not in {s.start for s in after.all()}
    assert len(after.all()) == len(before.all()) - 1
    with pytest.raises(SlotUnavailableError):
        await client.create_booking(1, request)
    hosted = await client.list_schedules(per_page=50)
    assert booking.id in {b.id for b in hosted.items}


async def test_event_needing_confirmation_is_booked_pending(client):
    day = date(2025, 3, 6)
    slots = await client.get_slots(4, start=day, end=day, timezone="America/Chicago")
    booking = await client.create_booking(
        4,
        BookingRequest(
            name="Sam Lee",
            email="sam@example.com",
            timezone="America/Chicago",
            event_time=slots.by_date[day][0].event_time,
        ),
    )
    assert booking.status == "pending"


async def test_range_across_two_months(client, sandbox):
    sandbox.clear_requests()
    slots = await client.get_slots(
        1, start=date(2025, 3, 27), end=date(2025, 4, 2), timezone="America/New_York"
    )
    days = sorted(slots.by_date)
    assert days[0] == date(2025, 3, 27) and days[-1] == date(2025, 4, 2)
    assert date(2025, 3, 31) in days and date(2025, 4, 1) in days
    assert all(date(2025, 3, 27) <= d <= date(2025, 4, 2) for d in days)


async def test_wrong_password_is_an_auth_error(sandbox, pytestconfig):
    wrong = register("Nope Nope Nope Nope Nope Nope", pytestconfig)
    async with FluentBookingClient(sandbox.url, sandbox.username, wrong) as client:
        with pytest.raises(AuthError) as info:
            await client.list_events()
    assert wrong not in repr(info.value) and "Nope" not in str(info.value)


async def test_password_without_spaces_works(sandbox):
    async with FluentBookingClient(
        sandbox.url, sandbox.username, sandbox.app_password.replace(" ", "")
    ) as client:
        assert await client.list_events()


async def test_rest_route_site_form(sandbox):
    async with FluentBookingClient(
        sandbox.url + "/?rest_route=/", sandbox.username, sandbox.app_password
    ) as client:
        assert len(await client.list_events()) >= 5


async def test_html_answer_is_a_bad_response(client, sandbox):
    sandbox.set_faults(html=True)
    with pytest.raises(BadResponseError):
        await client.list_events()


async def test_slow_site_times_out_after_retries(sandbox):
    sandbox.set_faults(hang=True)
    sandbox.clear_requests()
    async with FluentBookingClient(
        sandbox.url,
        sandbox.username,
        sandbox.app_password,
        read_timeout=0.2,
        max_retries=2,
        backoff_base=0.01,
    ) as client:
        with pytest.raises(SiteTimeoutError):
            await client.list_events()
    sandbox.clear_faults()
    assert len([r for r in sandbox.requests if "/calendars" in r.path]) == 3


async def test_503_then_recovery_is_retried(client, sandbox):
    sandbox.set_faults(status=503, count=2, retry_after=0)
    assert await client.list_events()


# ------------------------------------------------------------- command line


def run_cli(sandbox, *args: str, password: str | None = None) -> tuple[int, dict | list]:
    env = {
        **os.environ,
        "FLUENTBOOKING_URL": sandbox.url,
        "FLUENTBOOKING_USERNAME": sandbox.username,
        "FLUENTBOOKING_APP_PASSWORD": password or sandbox.app_password,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "api", *args, "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert sandbox.app_password not in done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.fixture
def live_sandbox(tmp_path, pytestconfig):
    """A sandbox on the real clock: the CLI runs in another process with real time."""
    box = start_sandbox(db_path=str(tmp_path / "cli.sqlite3"))
    register(box.app_password, pytestconfig)
    yield box
    box.stop()


def test_cli_every_subcommand(live_sandbox):
    code, events = run_cli(live_sandbox, "events")
    assert code == 0
    phone_call = next(e for e in events if e["id"] == 1)
    assert phone_call["requires"] == ["phone"] and phone_call["duration"] == 30
    assert isinstance(phone_call["durations"], list) and phone_call["active"] is True

    today = datetime.now(UTC).date()
    code, slots = run_cli(
        live_sandbox,
        "slots",
        "1",
        "--from",
        (today + timedelta(days=2)).isoformat(),
        "--to",
        (today + timedelta(days=9)).isoformat(),
        "--tz",
        "Asia/Kolkata",
    )
    assert code == 0 and slots["event_id"] == 1 and slots["timezone"] == "Asia/Kolkata"
    day, times = next(iter(slots["slots"].items()))
    assert times and all(len(t) == 5 for t in times)

    book = ("book", "1", "--time", f"{day} {times[0]}", "--tz", "Asia/Kolkata")
    attendee = ("--name", "Jo Doe", "--email", "demo@example.com", "--phone", "+15550100")
    code, booking = run_cli(live_sandbox, *book, *attendee)
    assert code == 0, booking
    assert booking["status"] == "scheduled" and booking["timezone"] == "Asia/Kolkata"
    assert booking["start_utc"].endswith(("Z", "+00:00")) and booking["hash"]

    code, again = run_cli(live_sandbox, *book, *attendee)
    assert code == 1 and again["error"]["kind"] == "slot_unavailable"

    code, mine = run_cli(live_sandbox, "bookings", "--period", "upcoming")
    assert code == 0 and booking["id"] in {b["id"] for b in mine}

    code, integration = run_cli(live_sandbox, "integration", "get", "google_calendar")
    assert code == 0 and integration["available"] is True
    secret = "GOCSPX-SandboxFake-NotARealSecret00"
    assert secret not in json.dumps(integration)
    assert integration["settings"]["client_secret"].endswith(secret[-4:])

    code, saved = run_cli(
        live_sandbox,
        "integration",
        "set",
        "zoom",
        "client_secret=brand-new-secret-9999",
        "account_id=acct-12345678",
    )
    assert code == 0 and saved["message"]
    assert saved["kept"] == ["client_secret", "account_id"] and saved["not_kept"] == []
    assert saved["settings"]["client_secret"].endswith("9999")
    # the fields not named were kept as they were
    assert saved["settings"]["client_id"].endswith("nt00")
    assert "brand-new-secret" not in json.dumps(saved)


def test_cli_integration_set_on_a_free_site_says_nothing_was_kept(tmp_path, pytestconfig):
    with start_sandbox(db_path=str(tmp_path / "free.sqlite3"), integrations="free") as box:
        register(box.app_password, pytestconfig)
        code, saved = run_cli(box, "integration", "set", "zoom", "client_secret=new-9999")
    assert code == 0 and saved["message"] == "Settings have been successfully saved."
    assert saved["kept"] == [] and saved["not_kept"] == ["client_secret"]
    assert saved["available"] is False and "not available" in saved["note"]
    assert "new-9999" not in json.dumps(saved)


def test_cli_errors_have_one_shape(live_sandbox):
    code, out = run_cli(live_sandbox, "events", password="Wrong Wrong Wrong Wrong")
    assert code == 1 and out["error"]["kind"] == "auth"
    code, out = run_cli(live_sandbox, "slots", "1", "--from", "2025-13-01", "--tz", "UTC")
    assert code == 1 and out["error"]["kind"] == "usage"
    code, out = run_cli(live_sandbox, "slots", "1", "--from", "2025-01-01", "--tz", "Mars/Base")
    assert code == 1 and out["error"]["kind"] == "usage"
