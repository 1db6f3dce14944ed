"""Facts come from the site's row and the store, never from Slack."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.fluentbooking.models import Booking
from bot.team.facts import booked_by_of, facts_of
from bot.team.identity import CalendarOwner, HostDirectory

DIRECTORY = HostDirectory([CalendarOwner(22, "Hana", "hana@team.example")])
START = datetime(2025, 1, 7, 9, 30, tzinfo=UTC)


def test_facts_of_a_row() -> None:
    row = Booking(
        9, "h", "scheduled", START, START, "UTC", email="a@x.io", calendar_id=22,
        guests=("g@x.io",),
    )  # fmt: skip
    facts = facts_of(row, DIRECTORY, booked_by="U_ALICE")
    assert facts.calendar_id == 22 and facts.host_email == "hana@team.example"
    assert facts.attendee_email == "a@x.io" and facts.guest_emails == {"g@x.io"}
    assert facts.booked_by == "U_ALICE"


def test_calendar_from_the_event_when_the_row_has_none() -> None:
    row = Booking(9, "h", "scheduled", START, START, "UTC", event_id=221)
    assert facts_of(row, DIRECTORY, event_calendars={221: 22}).calendar_id == 22
    assert facts_of(row, DIRECTORY).calendar_id is None
    assert facts_of(row, DIRECTORY).attendee_email is None


def test_booked_by_of_an_origin_record() -> None:
    assert booked_by_of({"booked_by": "U_A", "channel": "C1", "ts": "1.2"}) == "U_A"
    assert booked_by_of({"booked_by": 5}) is None and booked_by_of(None) is None
