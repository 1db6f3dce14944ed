"""The one authorisation rule: who may see a booking's details and who may act on it.

The FluentBooking site checks no ownership on writes, so the bot decides before any site
call, and again on every click and submission. Callers build the facts from the site
(the booking read back) and the store (who booked it from Slack); nothing that comes back
from Slack counts as a fact here.

| action | host | booker | attendee | guest | admin |
|---|---|---|---|---|---|
| VIEW | yes | yes | yes | yes | yes |
| VIEW_CONTACT | yes | yes | yes | no | yes |
| CANCEL, RESCHEDULE | yes | yes | yes | no | yes |
| DECIDE, MARK | yes | no | no | no | yes |

The host of a booking is the member whose `hosted_calendar_ids` hold its calendar (the
identity module fills them, `BOOKING_HOST_MAP` included); only when the booking's
calendar is unknown does the host email stand in. Emails compare case-insensitively;
an empty or missing email never matches anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    VIEW = "view"  # see the booking (title, time, host, attendee name)
    VIEW_CONTACT = "contact"  # see attendee email, phone, address
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    DECIDE = "decide"  # approve / decline a pending booking
    MARK = "mark"  # completed / no-show on a past meeting


@dataclass(frozen=True)
class Viewer:
    user_id: str  # Slack user id
    email: str | None  # Slack profile email (compared case-insensitively)
    is_admin: bool  # BOOKING_ADMINS, workspace admin or owner
    hosted_calendar_ids: frozenset[int]


@dataclass(frozen=True)
class BookingFacts:
    booking_id: int
    calendar_id: int | None
    host_email: str | None
    attendee_email: str | None
    guest_emails: frozenset[str]
    booked_by: str | None  # Slack user id who booked it from Slack (from the store)


class Role(StrEnum):
    """What a viewer is to a booking (one viewer can be several)."""

    ADMIN = "admin"
    HOST = "host"
    BOOKER = "booker"
    ATTENDEE = "attendee"
    GUEST = "guest"


_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.VIEW: frozenset(Role),
    Action.VIEW_CONTACT: frozenset({Role.ADMIN, Role.HOST, Role.BOOKER, Role.ATTENDEE}),
    Action.CANCEL: frozenset({Role.ADMIN, Role.HOST, Role.BOOKER, Role.ATTENDEE}),
    Action.RESCHEDULE: frozenset({Role.ADMIN, Role.HOST, Role.BOOKER, Role.ATTENDEE}),
    Action.DECIDE: frozenset({Role.ADMIN, Role.HOST}),
    Action.MARK: frozenset({Role.ADMIN, Role.HOST}),
}


def normal_email(email: str | None) -> str | None:
    """The comparable form of an email: trimmed, lower case; None when empty."""
    if not email:
        return None
    cleaned = email.strip().lower()
    return cleaned or None


def roles(viewer: Viewer, booking: BookingFacts) -> frozenset[Role]:
    """Every role `viewer` has on `booking` (empty: a stranger to it)."""
    found: set[Role] = set()
    if viewer.is_admin:
        found.add(Role.ADMIN)
    email = normal_email(viewer.email)
    if booking.calendar_id is not None:
        if booking.calendar_id in viewer.hosted_calendar_ids:
            found.add(Role.HOST)
    elif email is not None and email == normal_email(booking.host_email):
        found.add(Role.HOST)
    if booking.booked_by and booking.booked_by == viewer.user_id:
        found.add(Role.BOOKER)
    if email is not None:
        if email == normal_email(booking.attendee_email):
            found.add(Role.ATTENDEE)
        if email in {normal_email(guest) for guest in booking.guest_emails}:
            found.add(Role.GUEST)
    return frozenset(found)


def allowed(viewer: Viewer, booking: BookingFacts, action: Action) -> bool:
    """True when `viewer` may do `action` on `booking` (see the module's table)."""
    return not _ALLOWED[Action(action)].isdisjoint(roles(viewer, booking))
