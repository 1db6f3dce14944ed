"""An in-memory site and a recording teller for the watcher's core tests.

The site counts its requests and applies the 2.0.0 read side effect to what it returns,
so the tests can check that the watcher stays polite and never sweeps old bookings.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.feed import Change, Reminder, Summary
from bot.fluentbooking.errors import ServerError
from bot.fluentbooking.models import Activity, Booking, ScheduleList

T0 = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def epoch(self) -> float:
        return self.now.timestamp()


class FakeSite:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.bookings: dict[int, Booking] = {}
        self.log: list[Activity] = []
        self.requests: list[str] = []
        self.down = False
        self.rewritten: list[int] = []

    # -- what happens on the site ---------------------------------------------------------

    def add(self, *, start: datetime, status: str = "scheduled", source: str = "web",
            title: str = "Intro Call", email: str = "ana@example.org") -> Booking:  # fmt: skip
        booking_id = max(self.bookings, default=100) + 1
        booking = Booking(
            id=booking_id, hash=f"h{booking_id}", status=status, start_utc=start,
            end_utc=start + timedelta(minutes=30), timezone="Europe/London", name="Ana",
            email=email, title=title, event_id=6, calendar_id=1, host_user_id=1,
            host_name="Alex Rivera", source=source,
            created_at=self.clock.now.replace(microsecond=0),
        )  # fmt: skip
        self.bookings[booking_id] = booking
        self._note(booking_id, "requested" if status == "pending" else "booked")
        return booking

    def change(self, booking_id: int, kind: str, **fields: Any) -> None:
        self.bookings[booking_id] = replace(self.bookings[booking_id], **fields)
        self._note(booking_id, kind)

    def _note(self, booking_id: int, kind: str) -> None:
        self.log.append(
            Activity(
                id=len(self.log) + 1, booking_id=booking_id, type=kind,
                status=self.bookings[booking_id].status, title=f"Booking {kind}",
                description="", created_at=self.clock.now,
            )
        )  # fmt: skip

    # -- SiteReader -----------------------------------------------------------------------

    def _answer(self, what: str) -> None:
        self.requests.append(what)
        if self.down:
            raise ServerError("the site is down", status=503)

    def _read(self, booking: Booking) -> Booking:
        """2.0.0: a read of a booking that ended over an hour ago rewrites it."""
        if booking.end_utc < self.clock.now - timedelta(minutes=60) and booking.status in (
            "scheduled",
            "pending",
        ):
            status = "completed" if booking.status == "scheduled" else "cancelled"
            booking = replace(booking, status=status)
            self.bookings[booking.id] = booking
            self.rewritten.append(booking.id)
        return booking

    async def latest_bookings(self, *, page: int, per_page: int) -> ScheduleList:
        self._answer(f"latest:{page}")
        rows = sorted(self.bookings.values(), key=lambda b: b.id)
        rows.sort(key=lambda b: b.created_at or T0, reverse=True)  # ties: oldest id first
        chunk = rows[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(rows) // per_page))
        return ScheduleList([self._read(b) for b in chunk], page, last, len(rows))

    async def activities(self) -> list[Activity]:
        self._answer("activities")
        return list(reversed(self.log))[:100]

    async def booking(self, booking_id: int) -> Booking | None:
        self._answer(f"booking:{booking_id}")
        found = self.bookings.get(booking_id)
        return None if found is None else self._read(found)

    async def upcoming_bookings(self, *, page: int, per_page: int) -> ScheduleList:
        self._answer(f"upcoming:{page}")
        rows = sorted(
            (b for b in self.bookings.values() if b.end_utc >= self.clock.now),
            key=lambda b: b.start_utc,
        )
        chunk = rows[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(rows) // per_page))
        return ScheduleList(chunk, page, last, len(rows))


class Recorder:
    """A teller that remembers what it was asked to tell; can be made to fail."""

    def __init__(self) -> None:
        self.told: list[Change] = []
        self.summaries: list[Summary] = []
        self.reminders: list[Reminder] = []
        self.failing = False

    async def tell(self, change: Change, posts: dict[str, Any]) -> dict[str, Any]:
        if self.failing:
            raise RuntimeError("Slack is down")
        self.told.append(change)
        return {"messages": int(posts.get("messages", 0)) + 1}

    async def summarise(self, summary: Summary) -> None:
        if self.failing:
            raise RuntimeError("Slack is down")
        self.summaries.append(summary)

    async def remind(self, reminder: Reminder) -> None:
        if self.failing:
            raise RuntimeError("Slack is down")
        self.reminders.append(reminder)

    def kinds(self) -> list[tuple[str, int]]:
        return [(c.kind.value, c.booking.booking_id) for c in self.told]
