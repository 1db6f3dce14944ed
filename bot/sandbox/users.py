"""The sandbox's team: more hosts, and who sees what, as FluentBooking 2.0.0 decides.

An administrator (capability `manage_all_data`; the demo user, as WordPress's first user)
sees every calendar and every booking. A host (only `manage_own_calendar`) sees its own
calendar in `/calendars` and its own bookings in `/schedules`, and gets 403 on another
host's event, slots and create routes. `/bookings` (the user's bookings as attendee)
is by email for everyone.

The team hosts are added with `start_sandbox(team=True)` (`python -m bot sandbox
--team`), after the default site, so the default site stays as it was.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.seed import (
    ADDRESS,
    MEET,
    PHONE,
    WEEKDAYS_9_TO_5,
    ZOOM,
    Calendar,
    Event,
    User,
)

ADMINISTRATOR = "administrator"
HOST = "host"

# Public, fictional credentials of the team hosts (tests log in as them).
NATE_USERNAME = "nate"
NATE_APP_PASSWORD = "Nt4e Hq8s Lw2m Xp6d Rb9k Cj3v"
HANA_USERNAME = "hana"
HANA_APP_PASSWORD = "Hn5a Wz7q Ky2r Mt8c Pd4g Fs6x"

TEAM_USERS = [
    User(21, NATE_USERNAME, "nate@team.example", "Nate Brooks", NATE_APP_PASSWORD, role=HOST),
    User(22, HANA_USERNAME, "hana@team.example", "Hana Schmidt", HANA_APP_PASSWORD, role=HOST),
]

TEAM_CALENDARS = [
    Calendar(21, 21, "Nate Brooks", "America/New_York", WEEKDAYS_9_TO_5),
    Calendar(22, 22, "Hana Schmidt", "Europe/Berlin", WEEKDAYS_9_TO_5),
]

TEAM_EVENTS = [
    Event(211, 21, "Discovery Call", "discovery-call", 30, "active", MEET),
    Event(212, 21, "Site Visit", "site-visit", 60, "active", ADDRESS,
          description="<p>Nate comes to you.</p>"),
    Event(221, 22, "Onboarding Session", "onboarding-session", 45, "active", ZOOM),
    Event(222, 22, "Support Call", "support-call", 30, "active", PHONE),
]  # fmt: skip


def is_admin(user: User) -> bool:
    return user.role == ADMINISTRATOR


def sees_calendar(user: User, calendar: Calendar) -> bool:
    """Whether `/calendars` lists `calendar` to `user`."""
    return is_admin(user) or calendar.user_id == user.id


def may_book(user: User, calendar: Calendar) -> bool:
    """Whether `user` may read and book events of `calendar` (else 403)."""
    return sees_calendar(user, calendar)


def schedule_scope(user: User) -> int | None:
    """Whose bookings `/schedules` lists to `user`: a host id, or None for all."""
    return None if is_admin(user) else user.id


def owner_json(user: User | None) -> dict[str, Any] | None:
    """The calendar row's `user` object (2.0.0 carries the owner's email here)."""
    if user is None:
        return None
    return {"ID": str(user.id), "user_login": user.username, "display_name": user.name,
            "user_email": user.email}  # fmt: skip
