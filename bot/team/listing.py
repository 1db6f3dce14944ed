"""Which of the site's bookings a member's lists show, and under which heading.

A member sees the meetings they host, the ones they attend (their Slack email as the
attendee or a guest) and the ones they booked from Slack, each once, under the first
heading that fits (hosting, then attending, then booked by them); never other people's.
An admin asking for the whole team sees every booking, under one heading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from bot.team.access import Action, BookingFacts, Role, Viewer, allowed, roles

T = TypeVar("T")


class Section(StrEnum):
    HOSTING = "hosting"
    ATTENDING = "attending"
    BOOKED = "booked"
    TEAM = "team"


@dataclass
class Sorted(Generic[T]):
    """Bookings (any item type, with their facts) sorted into sections, order kept."""

    hosting: list[T] = field(default_factory=list)
    attending: list[T] = field(default_factory=list)
    booked: list[T] = field(default_factory=list)
    team: list[T] = field(default_factory=list)

    def sections(self) -> list[tuple[Section, list[T]]]:
        return [
            (Section.HOSTING, self.hosting),
            (Section.ATTENDING, self.attending),
            (Section.BOOKED, self.booked),
            (Section.TEAM, self.team),
        ]

    def __len__(self) -> int:
        return sum(len(items) for _, items in self.sections())


def section_for(viewer: Viewer, booking: BookingFacts) -> Section | None:
    """Where `booking` goes in `viewer`'s own lists; None: not theirs to see.

    Being an admin does not put a booking in one's own lists (that is `/bookings team`)."""
    mine = roles(viewer, booking) - {Role.ADMIN}
    if Role.HOST in mine:
        return Section.HOSTING
    if mine & {Role.ATTENDEE, Role.GUEST}:
        return Section.ATTENDING
    if Role.BOOKER in mine:
        return Section.BOOKED
    return None


def sort_for(
    viewer: Viewer, items: Iterable[tuple[T, BookingFacts]], *, team: bool = False
) -> Sorted[T]:
    """`items` sorted into `viewer`'s sections. `team=True` (admins only: anyone else
    gets their own lists) puts every booking under TEAM."""
    out: Sorted[T] = Sorted()
    whole_team = team and viewer.is_admin
    for item, facts in items:
        if whole_team:
            if allowed(viewer, facts, Action.VIEW):
                out.team.append(item)
            continue
        section = section_for(viewer, facts)
        if section is not None:
            getattr(out, section.value).append(item)
    return out
