"""The client's models carry who owns a calendar and whose a booking is."""

from __future__ import annotations

from bot.fluentbooking.models import Booking, Event

CALENDAR = {
    "id": 22,
    "user_id": "22",
    "title": "Hana Schmidt",
    "author_timezone": "Europe/Berlin",
    "user": {"ID": "22", "display_name": "Hana Schmidt", "user_email": " Hana@Team.example "},
}


def test_event_carries_the_calendar_owner() -> None:
    event = Event.from_api({"id": 221, "title": "Onboarding", "duration": "45"}, calendar=CALENDAR)
    assert (event.calendar_id, event.host_email, event.host_user_id) == (
        22,
        "Hana@Team.example",
        22,
    )
    assert event.host_name == "Hana Schmidt" and event.host_timezone == "Europe/Berlin"


def test_event_without_an_owner_row() -> None:
    event = Event.from_api({"id": 1, "title": "Call", "duration": "30", "user_id": "7"})
    assert event.host_email is None and event.host_user_id == 7


def test_booking_row_carries_calendar_location_type_and_guests() -> None:
    row = {
        "id": 9,
        "calendar_id": "22",
        "host_user_id": "22",
        "start_time": "2025-01-07 09:30:00",
        "end_time": "2025-01-07 10:15:00",
        "location_details": {"type": "in_person_guest", "description": "1 Home St"},
        "guests": ["gus@acme.com", {"email": "g2@acme.com"}, "not an email"],
    }
    booking = Booking.from_api(row)
    assert booking.calendar_id == 22 and booking.host_user_id == 22
    assert booking.location_type == "in_person_guest" and booking.location == "1 Home St"
    assert booking.guests == ("gus@acme.com", "g2@acme.com")
    bare = Booking.from_api({"id": 1, "start_time": "2025-01-07 09:30:00"})
    assert bare.calendar_id is None and bare.guests == () and bare.location_type is None
