"""The team service against the team sandbox and a real SQLite store: who sees what."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from bot.fluentbooking import FluentBookingClient
from bot.sandbox import start_sandbox
from bot.store import open_store
from bot.team.access import Action, Viewer
from bot.team.identity import HostDirectory, owners_of, parse_host_map
from bot.team.service import TeamService, record_origin

NOW = datetime(2025, 1, 13, 14, 0, tzinfo=UTC)  # Monday 09:00 New York
NATE = Viewer("U_NATE", "nate@team.example", False, frozenset())
HANA = Viewer("U_HANA", "hana@slack-mail.example", False, frozenset())
ALICE = Viewer("U_ALICE", "alice@example.com", False, frozenset())
ADMIN = Viewer("U_ADMIN", "ada@example.com", True, frozenset())


def _book(api: httpx.Client, event_id: int, when: str, tz: str, email: str, **extra) -> int:
    body = {"name": "Cli Ent", "email": email, "timezone": tz, "event_time": when,
            "status": "scheduled", **extra}  # fmt: skip
    answer = api.post(f"/bookings/create/{event_id}", json=body)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["booking"]["id"])


async def test_each_member_sees_their_own(tmp_path) -> None:
    with start_sandbox(str(tmp_path / "site.sqlite3"), now=NOW, team=True) as site:
        with httpx.Client(base_url=site.api_url, auth=(site.username, site.app_password)) as api:
            nates = _book(api, 211, "2025-01-14 10:00:00", "America/New_York", "c1@acme.com")
            hanas = _book(
                api, 221, "2025-01-14 09:45:00", "Europe/Berlin", "c2@acme.com",
                guests=["Alice@Example.com"],
            )  # fmt: skip
            alices = _book(api, 212, "2025-01-15 13:00:00", "America/New_York", "alice@example.com",
                           location_description="1 Home St")  # fmt: skip
            booked = _book(api, 222, "2025-01-15 10:00:00", "Europe/Berlin", "c3@acme.com",
                           location_description="+49 30 1")  # fmt: skip
        store = await open_store(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
        async with FluentBookingClient(
            site.url, site.username, site.app_password, clock=lambda: NOW
        ) as fb:
            events = await fb.list_events()
            directory = HostDirectory(owners_of(events), parse_host_map("U_HANA=22"))

            async def get_directory() -> HostDirectory:
                return directory

            def as_viewer(v: Viewer) -> Viewer:
                return Viewer(
                    v.user_id, v.email, v.is_admin, directory.hosted_by(v.user_id, v.email)
                )

            await record_origin(store, booked, "U_ALICE", channel="C1", ts=None)
            service = TeamService(fb, store, get_directory, clock=lambda: NOW)

            def ids(items: list) -> list[int]:
                return [s.booking.id for s in items]

            nate = await service.visible(as_viewer(NATE), "upcoming")
            assert ids(nate.hosting) == [nates, alices] and len(nate) == 2
            hana = await service.visible(as_viewer(HANA), "upcoming")
            assert ids(hana.hosting) == [hanas, booked] and len(hana) == 2
            alice = await service.visible(as_viewer(ALICE), "upcoming")
            assert ids(alice.attending) == [hanas, alices]
            assert ids(alice.booked) == [booked] and alice.hosting == []
            admin = await service.visible(as_viewer(ADMIN), "upcoming")
            assert len(admin) == 0
            team = await service.visible(as_viewer(ADMIN), "upcoming", team=True)
            assert ids(team.team) == [hanas, nates, booked, alices]  # soonest first

            # a click is honoured only on what the member was shown, re-checked on the site
            site.clear_requests()
            assert await service.find(as_viewer(ALICE), nates, Action.VIEW) is None
            assert site.request_count == 0  # refused without asking the site
            await service.remember_shown("U_ALICE", [nates, alices])  # say a forged record
            assert await service.find(as_viewer(ALICE), nates, Action.VIEW) is None
            found = await service.find(as_viewer(ALICE), alices, Action.VIEW_CONTACT)
            assert found is not None and found.booking.location == "1 Home St"
        await store.close()
