"""Who hosts which calendar: Slack members matched to the site's calendar owners.

A member hosts a calendar when their Slack profile email equals the calendar owner's
WordPress email (case-insensitively). `BOOKING_HOST_MAP` overrides or adds: an entry
`U123=hana@wp.example` gives every calendar owned by that WordPress email to U123, and
`U123=12` gives calendar 12 to U123; either way that calendar has no other host member.
A calendar-id entry wins over an email entry for the same calendar.

Everything here is pure and built from dictionaries once per calendar list, so a lookup
costs the same for 1 host as for 200.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.team.access import normal_email


@dataclass(frozen=True)
class CalendarOwner:
    """One calendar on the site and the WordPress user who owns it."""

    calendar_id: int
    title: str
    host_email: str | None
    host_user_id: int | None = None  # the WordPress user id
    timezone: str | None = None


def owners_of(events: Iterable[Any]) -> list[CalendarOwner]:
    """The calendars behind the site's events (`bot.fluentbooking.models.Event`s), once
    each, in site order: `calendar_id`, `host_name`, `host_email`, `host_user_id`."""
    seen: dict[int, CalendarOwner] = {}
    for event in events:
        calendar_id = getattr(event, "calendar_id", None)
        if calendar_id is None or calendar_id in seen:
            continue
        seen[calendar_id] = CalendarOwner(
            calendar_id=int(calendar_id),
            title=str(getattr(event, "host_name", "") or f"calendar {calendar_id}"),
            host_email=getattr(event, "host_email", None),
            host_user_id=getattr(event, "host_user_id", None),
            timezone=getattr(event, "host_timezone", None) or None,
        )
    return list(seen.values())


@dataclass(frozen=True)
class HostMapEntry:
    """One `SLACK_USER_ID=host email or calendar id` entry of BOOKING_HOST_MAP."""

    user_id: str
    email: str | None = None
    calendar_id: int | None = None

    def __str__(self) -> str:
        target = self.email if self.email is not None else str(self.calendar_id)
        return f"{self.user_id}={target}"


class HostMapError(ValueError):
    """BOOKING_HOST_MAP is malformed; the message says which entry and why."""


def parse_host_map(text: str) -> tuple[HostMapEntry, ...]:
    """Read `U1=hana@wp.example, U2=12`; raises HostMapError naming the bad entry."""
    entries: list[HostMapEntry] = []
    by_target: dict[str, str] = {}
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        user_id, sep, target = (part.strip() for part in item.partition("="))
        if not sep or not user_id or not target:
            raise HostMapError(
                f"{item!r} is not SLACK_USER_ID=host email or calendar id"
                " (e.g. U0123=hana@example.com)"
            )
        if user_id[:1] not in {"U", "W"} or not user_id.replace("_", "").isalnum():
            raise HostMapError(f"{user_id!r} in {item!r} is not a Slack user id (U…)")
        if target.isdigit():
            entry = HostMapEntry(user_id, calendar_id=int(target))
            key = f"calendar {int(target)}"
        elif "@" in target and " " not in target and not target.startswith("@"):
            entry = HostMapEntry(user_id, email=target)
            key = target.lower()
        else:
            raise HostMapError(
                f"{target!r} in {item!r} is neither an email nor a calendar id (a number)"
            )
        earlier = by_target.get(key)
        if earlier is not None and earlier != user_id:
            raise HostMapError(f"{key} is given to both {earlier} and {user_id}")
        by_target[key] = user_id
        if entry not in entries:
            entries.append(entry)
    return tuple(entries)


@dataclass(frozen=True)
class Member:
    """A Slack member as far as matching needs: id and profile email."""

    user_id: str
    email: str | None


@dataclass(frozen=True)
class HostMatch:
    """The result of matching every calendar against the workspace's members."""

    hosts: Mapping[int, str]  # calendar id -> Slack user id
    unmatched: tuple[CalendarOwner, ...]  # calendars no member hosts, in site order
    unused_entries: tuple[HostMapEntry, ...] = field(default=())  # map entries naming no calendar


class HostDirectory:
    """The site's calendars indexed for 'whose calendar is this' and 'what does U host'."""

    def __init__(
        self, calendars: Iterable[CalendarOwner], host_map: Sequence[HostMapEntry] = ()
    ) -> None:
        self._calendars: dict[int, CalendarOwner] = {}
        self._by_email: dict[str, list[int]] = {}
        for calendar in calendars:
            if calendar.calendar_id in self._calendars:
                continue
            self._calendars[calendar.calendar_id] = calendar
            email = normal_email(calendar.host_email)
            if email is not None:
                self._by_email.setdefault(email, []).append(calendar.calendar_id)
        self._mapped: dict[int, str] = {}
        unused: list[HostMapEntry] = []
        # Email entries first, so a calendar-id entry for the same calendar wins.
        for entry in sorted(host_map, key=lambda e: e.calendar_id is not None):
            if entry.calendar_id is not None:
                targets = [entry.calendar_id] if entry.calendar_id in self._calendars else []
            else:
                targets = self._by_email.get(normal_email(entry.email) or "", [])
            if not targets:
                unused.append(entry)
            for calendar_id in targets:
                self._mapped[calendar_id] = entry.user_id
        self._mapped_by_user: dict[str, set[int]] = {}
        for calendar_id, user_id in self._mapped.items():
            self._mapped_by_user.setdefault(user_id, set()).add(calendar_id)
        self.unused_entries: tuple[HostMapEntry, ...] = tuple(unused)

    def __len__(self) -> int:
        return len(self._calendars)

    @property
    def calendars(self) -> list[CalendarOwner]:
        return list(self._calendars.values())

    def calendar(self, calendar_id: int | None) -> CalendarOwner | None:
        return None if calendar_id is None else self._calendars.get(calendar_id)

    def mapped_host(self, calendar_id: int) -> str | None:
        """The Slack user BOOKING_HOST_MAP gives this calendar to, if any."""
        return self._mapped.get(calendar_id)

    def host_email(self, calendar_id: int | None) -> str | None:
        calendar = self.calendar(calendar_id)
        return calendar.host_email if calendar else None

    def hosted_by(self, user_id: str, email: str | None) -> frozenset[int]:
        """Ids of the calendars the member `user_id` with Slack email `email` hosts."""
        found = set(self._mapped_by_user.get(user_id, ()))
        for calendar_id in self._by_email.get(normal_email(email) or "", ()):
            if self._mapped.get(calendar_id, user_id) == user_id:
                found.add(calendar_id)
        return frozenset(found)

    def host_member(self, calendar_id: int, members_by_email: Mapping[str, str]) -> str | None:
        """The Slack user hosting `calendar_id`: the map's, else the member whose
        (normalised) email is the owner's; `members_by_email` maps email -> user id."""
        mapped = self._mapped.get(calendar_id)
        if mapped is not None:
            return mapped
        email = normal_email(self.host_email(calendar_id))
        return members_by_email.get(email) if email is not None else None

    def match(self, members: Iterable[Member]) -> HostMatch:
        """Match every calendar against the members (for `check`)."""
        by_email: dict[str, str] = {}
        for member in members:
            email = normal_email(member.email)
            if email is not None:
                by_email.setdefault(email, member.user_id)
        hosts: dict[int, str] = {}
        unmatched: list[CalendarOwner] = []
        for calendar_id, calendar in self._calendars.items():
            user_id = self.host_member(calendar_id, by_email)
            if user_id is None:
                unmatched.append(calendar)
            else:
                hosts[calendar_id] = user_id
        return HostMatch(hosts, tuple(unmatched), self.unused_entries)
