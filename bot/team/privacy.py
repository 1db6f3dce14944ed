"""What of a booking may be shown to whom, beyond the rule in `access`.

Channel posts are read by the whole channel: they carry the event, the host, the
attendee's name, the time, and the meeting link for online meetings, never an email,
a phone number or an address. Where a location is an attendee's phone or home address
(or the host's, for `*_organizer` events) only the kind of meeting is named.
"""

from __future__ import annotations

#: location types whose description is a link or a room anyone invited may see
ONLINE_LOCATIONS = frozenset({"online_meeting", "google_meet", "zoom_meeting", "ms_teams"})
_KIND = {
    "phone_guest": "Phone call",
    "phone_organizer": "Phone call",
    "in_person_guest": "In person",
    "in_person_organizer": "In person",
}


def public_location(location_type: str | None, location: str | None) -> str | None:
    """The location fit for a channel: an online meeting's link (or its kind when no
    link is known), "Phone call" / "In person" for the rest, None when unknown."""
    kind = (location_type or "").strip()
    if kind in ONLINE_LOCATIONS:
        text = (location or "").strip()
        return text if text.startswith(("https://", "http://")) else _online_name(kind)
    return _KIND.get(kind)


def _online_name(kind: str) -> str:
    return {
        "google_meet": "Google Meet",
        "zoom_meeting": "Zoom",
        "ms_teams": "Microsoft Teams",
    }.get(kind, "Online meeting")


def is_contact_location(location_type: str | None) -> bool:
    """True when a booking's location text is a person's phone or address."""
    return (location_type or "").strip() in _KIND
