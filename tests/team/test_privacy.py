"""What a channel post may say about where a meeting is."""

from __future__ import annotations

import pytest

from bot.team.privacy import is_contact_location, public_location


@pytest.mark.parametrize(
    ("kind", "location", "shown"),
    [
        (
            "google_meet",
            "https://meet.google.com/abc-defg-hij",
            "https://meet.google.com/abc-defg-hij",
        ),
        ("zoom_meeting", "zoom_meeting", "Zoom"),
        ("ms_teams", None, "Microsoft Teams"),
        ("online_meeting", "call me on +1 555 0100", "Online meeting"),
        ("phone_guest", "+1 555 0100", "Phone call"),
        ("phone_organizer", "+49 30 1234", "Phone call"),
        ("in_person_guest", "12 Home Street, Springfield", "In person"),
        ("in_person_organizer", "Office 3, Main St", "In person"),
        ("custom", "Ask Jo for the address: 1 Private Rd", None),
        (None, "12 Home Street", None),
    ],
)
def test_public_location_never_shows_a_phone_or_address(
    kind: str | None, location: str | None, shown: str | None
) -> None:
    assert public_location(kind, location) == shown


def test_contact_locations() -> None:
    assert is_contact_location("phone_guest") and is_contact_location("in_person_guest")
    assert not is_contact_location("google_meet") and not is_contact_location(None)
