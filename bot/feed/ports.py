"""What the watcher needs from the site and from whoever tells people (Slack, later).

The watcher core depends on these two protocols only, so it is tested with the real
client against the sandbox, or with plain fakes, and knows nothing of Slack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.feed.changes import Change, Kind, Seen
from bot.fluentbooking.models import Activity, Booking, ScheduleList


class SiteReader(Protocol):
    async def latest_bookings(self, *, page: int, per_page: int) -> ScheduleList:
        """GET /schedules?filters[period]=latest_bookings: newest created first."""

    async def activities(self) -> list[Activity]:
        """GET /reports/activities: the newest 100 rows, newest first."""

    async def booking(self, booking_id: int) -> Booking | None:
        """GET /schedules/{id}; None when the site does not have it (any more)."""

    async def upcoming_bookings(self, *, page: int, per_page: int) -> ScheduleList:
        """GET /schedules (upcoming): used once, when the watcher first starts."""


@dataclass(frozen=True)
class Summary:
    """After a long downtime: counts, and the first few changes (the rest is `more`)."""

    counts: dict[Kind, int]
    shown: list[Change]
    more: int
    waiting_for_approval: list[Change] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Reminder:
    booking: Seen
    minutes: int  # the configured lead (60, 10, ...)


class Teller(Protocol):
    async def tell(self, change: Change, posts: dict[str, Any]) -> dict[str, Any]:
        """Tell the channel and the host about `change`. `posts` is what this returned
        for the booking before (e.g. where its channel message is); the answer is kept
        for next time. Raise to have the change tried again at the next look."""

    async def summarise(self, summary: Summary) -> None:
        """One short message instead of a flood. Raise to try again."""

    async def remind(self, reminder: Reminder) -> None:
        """DM the host (and the attendee when a member). Raise to try again."""


class NoTeller:
    """Tells nobody (the watcher still keeps its position): for `check` and tests."""

    async def tell(self, change: Change, posts: dict[str, Any]) -> dict[str, Any]:
        return posts

    async def summarise(self, summary: Summary) -> None:
        return None

    async def remind(self, reminder: Reminder) -> None:
        return None
