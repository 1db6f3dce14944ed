"""The team site: several hosts, and what each WordPress user sees, as 2.0.0 answers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from support.leaks import register_secret

from bot.sandbox import Sandbox, start_sandbox
from bot.sandbox.users import HANA_APP_PASSWORD, HANA_USERNAME, NATE_APP_PASSWORD, NATE_USERNAME

from .helpers import MONDAY_NOON_UTC, book

API = "/wp-json/fluent-booking/v2"


@pytest.fixture(autouse=True, scope="module")
def _register_team_passwords() -> None:
    register_secret(NATE_APP_PASSWORD)
    register_secret(HANA_APP_PASSWORD)


@pytest.fixture
def team(tmp_path) -> Iterator[Sandbox]:
    with start_sandbox(
        db_path=str(tmp_path / "site.sqlite3"), now=MONDAY_NOON_UTC, team=True
    ) as site:
        yield site


def _as(site: Sandbox, username: str, password: str) -> httpx.Client:
    return httpx.Client(base_url=site.url + API, auth=(username, password), timeout=10)


@pytest.fixture
def admin(team: Sandbox) -> Iterator[httpx.Client]:
    with _as(team, team.username, team.app_password) as client:
        yield client


@pytest.fixture
def nate(team: Sandbox) -> Iterator[httpx.Client]:
    with _as(team, NATE_USERNAME, NATE_APP_PASSWORD) as client:
        yield client


@pytest.fixture
def hana(team: Sandbox) -> Iterator[httpx.Client]:
    with _as(team, HANA_USERNAME, HANA_APP_PASSWORD) as client:
        yield client


def _calendars(api: httpx.Client) -> list[dict]:
    answer = api.get("/calendars", params={"per_page": 50})
    assert answer.status_code == 200, answer.text
    return answer.json()["calendars"]["data"]


def test_the_admin_sees_every_calendar_with_its_owner(admin: httpx.Client) -> None:
    rows = _calendars(admin)
    owners = [(r["id"], r["user_id"], r["user"]["user_email"], r["author_timezone"]) for r in rows]
    assert owners == [
        (1, "1", "demo@example.com", "America/New_York"),
        (2, "2", "jordan@example.org", "Europe/London"),
        (21, "21", "nate@team.example", "America/New_York"),
        (22, "22", "hana@team.example", "Europe/Berlin"),
    ]
    titles = {r["title"]: [e["title"] for e in r["slots"]] for r in rows}
    assert titles["Nate Brooks"] == ["Discovery Call", "Site Visit"]
    assert titles["Hana Schmidt"] == ["Onboarding Session", "Support Call"]


def test_a_host_sees_only_its_own_calendar(nate: httpx.Client, hana: httpx.Client) -> None:
    assert [r["title"] for r in _calendars(nate)] == ["Nate Brooks"]
    assert [r["user"]["user_email"] for r in _calendars(hana)] == ["hana@team.example"]


def test_a_host_gets_403_on_another_hosts_event_routes(
    nate: httpx.Client, admin: httpx.Client
) -> None:
    # Hana's Onboarding Session (221) and the demo user's phone call (1)
    for event_id in (221, 1):
        answer = nate.get(f"/bookings/event/{event_id}", params={"timezone": "UTC"})
        assert answer.status_code == 403
        assert answer.json()["code"] == "rest_forbidden"
        created = book(nate, event_id, "2025-01-07 10:00:00", timezone="Europe/Berlin")
        assert created.status_code == 403
    # the host's own events and the admin's reach are unchanged
    assert nate.get("/bookings/event/211", params={"timezone": "UTC"}).status_code == 200
    assert admin.get("/bookings/event/221", params={"timezone": "UTC"}).status_code == 200
    assert admin.get("/schedules", params={"period": "all"}).json()["schedules"]["total"] == 0


def test_a_host_gets_403_on_the_slots_route_too(tmp_path) -> None:
    with (
        start_sandbox(
            db_path=str(tmp_path / "s.sqlite3"), now=MONDAY_NOON_UTC, team=True, slots_route=True
        ) as site,
        _as(site, HANA_USERNAME, HANA_APP_PASSWORD) as hana,
    ):
        assert hana.get("/bookings/slots/211", params={"timezone": "UTC"}).status_code == 403
        assert hana.get("/bookings/slots/221", params={"timezone": "UTC"}).status_code == 200


def test_schedules_per_user(admin: httpx.Client, nate: httpx.Client, hana: httpx.Client) -> None:
    # Tuesday 2025-01-07: 10:00 New York with Nate, 10:30 Berlin with Hana, 11:00 New York
    # with the demo user; the admin books them all.
    made = [
        book(admin, 211, "2025-01-07 10:00:00", email="ann@client.example"),
        book(admin, 221, "2025-01-07 10:30:00", timezone="Europe/Berlin"),
        book(admin, 1, "2025-01-07 11:00:00"),
    ]
    ids = [m.json()["booking"]["id"] for m in made]
    assert all(m.status_code == 200 for m in made)

    def listed(api: httpx.Client) -> list[int]:
        page = api.get("/schedules", params={"period": "all", "filters[author]": "1"})
        return [row["id"] for row in page.json()["schedules"]["data"]]

    # any filters[author] is ignored for a host
    assert sorted(listed(nate)) == [ids[0]]
    assert sorted(listed(hana)) == [ids[1]]
    assert sorted(listed(admin)) == sorted(ids)
    assert nate.get(f"/schedules/{ids[0]}").status_code == 200
    assert nate.get(f"/schedules/{ids[1]}").status_code == 404
    assert admin.get(f"/schedules/{ids[1]}").json()["schedule"]["host_user_id"] == "22"
    # a host's own booking blocks its own time only
    again = book(nate, 211, "2025-01-07 10:00:00")
    assert again.status_code == 422


def test_bookings_are_the_users_own_as_attendee(admin: httpx.Client, hana: httpx.Client) -> None:
    assert book(admin, 211, "2025-01-07 10:00:00", email="HANA@team.example").status_code == 200
    assert book(admin, 1, "2025-01-07 11:00:00").status_code == 200
    mine = hana.get("/bookings", params={"calendar_ids[]": "all"}).json()
    assert mine["total"] == 1
    assert mine["bookings"][0]["author_name"] == "Nate Brooks"


def test_the_default_site_has_no_team(sandbox: Sandbox, api: httpx.Client) -> None:
    assert [r["title"] for r in _calendars(api)] == ["Alex Rivera", "Jordan Blake"]
    with _as(sandbox, NATE_USERNAME, NATE_APP_PASSWORD) as stranger:
        assert stranger.get("/calendars").status_code == 401
