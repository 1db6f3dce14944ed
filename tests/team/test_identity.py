"""Matching Slack members to calendars by email, with BOOKING_HOST_MAP."""

from __future__ import annotations

import pytest

from bot.team.identity import (
    CalendarOwner,
    HostDirectory,
    HostMapEntry,
    HostMapError,
    Member,
    parse_host_map,
)

CALENDARS = [
    CalendarOwner(1, "Alex Rivera", "demo@example.com", 1, "America/New_York"),
    CalendarOwner(2, "Jordan Blake", "Jordan@Example.com", 2, "Europe/London"),
    CalendarOwner(3, "Hana Schmidt", "hana@wp.example", 3, "Europe/Berlin"),
    CalendarOwner(4, "Nobody Here", None, 4, "UTC"),
]


def test_match_by_email_case_insensitively() -> None:
    directory = HostDirectory(CALENDARS)
    match = directory.match(
        [Member("U_ALEX", "DEMO@example.com"), Member("U_JORDAN", "jordan@example.com ")]
    )
    assert match.hosts == {1: "U_ALEX", 2: "U_JORDAN"}
    assert [c.title for c in match.unmatched] == ["Hana Schmidt", "Nobody Here"]
    assert directory.hosted_by("U_ALEX", "demo@EXAMPLE.com") == {1}
    assert directory.hosted_by("U_OTHER", "someone@example.com") == frozenset()
    assert directory.hosted_by("U_NOMAIL", None) == frozenset()


def test_map_adds_a_host_whose_slack_email_differs() -> None:
    directory = HostDirectory(CALENDARS, parse_host_map("U_HANA=HANA@wp.example"))
    assert directory.hosted_by("U_HANA", "hana@slack.example") == {3}
    match = directory.match([Member("U_HANA", "hana@slack.example")])
    assert match.hosts == {3: "U_HANA"}


def test_map_by_calendar_id_overrides_the_email_match() -> None:
    directory = HostDirectory(CALENDARS, parse_host_map("U_ASSISTANT=1"))
    # The owner's own Slack account no longer hosts calendar 1; the assistant does.
    assert directory.hosted_by("U_ALEX", "demo@example.com") == frozenset()
    assert directory.hosted_by("U_ASSISTANT", "pa@example.com") == {1}
    match = directory.match([Member("U_ALEX", "demo@example.com")])
    assert match.hosts[1] == "U_ASSISTANT"


def test_calendar_id_entry_wins_over_email_entry_for_the_same_calendar() -> None:
    directory = HostDirectory(CALENDARS, parse_host_map("U_B=3, U_A=hana@wp.example"))
    assert directory.mapped_host(3) == "U_B"
    assert directory.hosted_by("U_A", None) == frozenset()


def test_one_member_may_host_several_calendars() -> None:
    directory = HostDirectory(CALENDARS, parse_host_map("U_ALEX=2,U_ALEX=4"))
    assert directory.hosted_by("U_ALEX", "demo@example.com") == {1, 2, 4}


def test_entries_naming_no_calendar_are_reported() -> None:
    directory = HostDirectory(CALENDARS, parse_host_map("U_A=99, U_B=ghost@example.com, U_C=3"))
    assert [str(e) for e in directory.unused_entries] == ["U_B=ghost@example.com", "U_A=99"]
    assert directory.match([]).unused_entries == directory.unused_entries


def test_two_hundred_hosts() -> None:
    calendars = [CalendarOwner(i, f"Host {i}", f"host{i}@example.com") for i in range(1, 201)]
    members = [Member(f"U{i:04d}", f"HOST{i}@example.com") for i in range(1, 201, 2)]
    directory = HostDirectory(calendars, parse_host_map("U9999=200"))
    match = directory.match(members)
    assert len(match.hosts) == 101  # the 100 odd ones, and 200 by the map
    assert len(match.unmatched) == 99
    assert match.hosts[200] == "U9999"
    assert directory.hosted_by("U0151", "host151@example.com") == {151}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        (" , ", ()),
        ("U1=a@b.c", (HostMapEntry("U1", email="a@b.c"),)),
        (" U1 = 12 ,W2=x@y.z", (HostMapEntry("U1", calendar_id=12), HostMapEntry("W2", "x@y.z"))),
        ("U1=12,U1=12", (HostMapEntry("U1", calendar_id=12),)),
    ],
)
def test_parse(text: str, expected: tuple[HostMapEntry, ...]) -> None:
    assert parse_host_map(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("U1", "is not SLACK_USER_ID=host email or calendar id"),
        ("U1=", "is not SLACK_USER_ID="),
        ("=a@b.c", "is not SLACK_USER_ID="),
        ("alice=a@b.c", "'alice' in 'alice=a@b.c' is not a Slack user id"),
        ("U1=hana", "'hana' in 'U1=hana' is neither an email nor a calendar id"),
        ("U1=@hana", "neither an email nor a calendar id"),
        ("U1=12,U2=12", "calendar 12 is given to both U1 and U2"),
        ("U1=A@b.c,U2=a@B.c", "a@b.c is given to both U1 and U2"),
    ],
)
def test_parse_errors_say_which_entry(text: str, says: str) -> None:
    with pytest.raises(HostMapError) as caught:
        parse_host_map(text)
    assert says in str(caught.value)


def test_owners_of_events_once_per_calendar() -> None:
    from bot.fluentbooking.models import Event
    from bot.team.identity import owners_of

    cal = {"id": 3, "user_id": "9", "title": "Hana", "user": {"user_email": "h@wp.example"}}
    events = [
        Event.from_api({"id": 1, "title": "A", "duration": "30"}, calendar=cal),
        Event.from_api({"id": 2, "title": "B", "duration": "30"}, calendar=cal),
        Event.from_api({"id": 3, "title": "C", "duration": "30"}),  # no calendar: skipped
    ]
    assert owners_of(events) == [CalendarOwner(3, "Hana", "h@wp.example", 9, None)]
