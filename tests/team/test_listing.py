"""Sorting the site's bookings into what each member sees."""

from __future__ import annotations

from bot.team.access import BookingFacts, Viewer
from bot.team.listing import Section, section_for, sort_for

NATE = Viewer("U_NATE", "nate@team.example", False, frozenset({21}))
HANA = Viewer("U_HANA", "hana@slack.example", False, frozenset({22}))
ALICE = Viewer("U_ALICE", "alice@example.com", False, frozenset())
ADMIN = Viewer("U_ADMIN", "admin@example.com", True, frozenset())


def facts(
    booking_id: int,
    calendar_id: int,
    attendee: str,
    guests: tuple[str, ...] = (),
    booked_by: str | None = None,
) -> BookingFacts:
    return BookingFacts(booking_id, calendar_id, None, attendee, frozenset(guests), booked_by)


BOOKINGS = [
    ("nate's client", facts(1, 21, "client@acme.com")),
    ("hana's client, booked by alice", facts(2, 22, "client2@acme.com", booked_by="U_ALICE")),
    ("alice attends nate", facts(3, 21, "ALICE@example.com")),
    ("alice a guest with hana", facts(4, 22, "x@acme.com", guests=("alice@example.com",))),
    ("nate attends hana", facts(5, 22, "nate@team.example", booked_by="U_NATE")),
    ("jordan's, nobody here", facts(6, 2, "y@acme.com")),
]


def test_each_member_sees_only_their_own() -> None:
    nate = sort_for(NATE, BOOKINGS)
    assert nate.hosting == ["nate's client", "alice attends nate"]
    assert nate.attending == ["nate attends hana"]
    assert nate.booked == [] and nate.team == []

    hana = sort_for(HANA, BOOKINGS)
    assert hana.hosting == [
        "hana's client, booked by alice",
        "alice a guest with hana",
        "nate attends hana",
    ]
    assert hana.attending == [] and hana.booked == []

    alice = sort_for(ALICE, BOOKINGS)
    assert alice.hosting == []
    assert alice.attending == ["alice attends nate", "alice a guest with hana"]
    assert alice.booked == ["hana's client, booked by alice"]
    assert len(alice) == 3


def test_an_admins_own_lists_are_their_own_and_team_is_everything() -> None:
    assert len(sort_for(ADMIN, BOOKINGS)) == 0
    team = sort_for(ADMIN, BOOKINGS, team=True)
    assert team.team == [name for name, _ in BOOKINGS]
    assert team.hosting == [] and team.attending == []


def test_team_asked_by_a_member_is_their_own_lists() -> None:
    alice = sort_for(ALICE, BOOKINGS, team=True)
    assert alice.team == [] and len(alice) == 3


def test_section_for_prefers_hosting_then_attending() -> None:
    self_booked = facts(9, 21, "nate@team.example", booked_by="U_NATE")
    assert section_for(NATE, self_booked) is Section.HOSTING
    assert section_for(ALICE, self_booked) is None
