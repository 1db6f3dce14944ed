"""The bookings each Slack user made through the bot, kept in the state store.

App Home lists them beside the rows matched by email ("booked by you"); the booking
flows add to them. A bounded list per user: past ones dropped first, then the oldest.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from bot.booking.result import BookingResult

NAMESPACE = "bookings_by_user"
MAX_REMEMBERED = 50
#: per event loop (tests run several), per user: serialises remember() in a process
_locks: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = WeakKeyDictionary()


@dataclass(frozen=True)
class Remembered:
    """A booking made through the bot, as stored per Slack user."""

    booking_id: int
    start_utc: datetime
    end_utc: datetime | None
    email: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.booking_id,
            "start": self.start_utc.isoformat(),
            "end": self.end_utc.isoformat() if self.end_utc else None,
            "email": self.email,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Remembered:
        return cls(
            booking_id=int(raw["id"]),
            start_utc=datetime.fromisoformat(raw["start"]),
            end_utc=datetime.fromisoformat(raw["end"]) if raw.get("end") else None,
            email=str(raw.get("email") or ""),
        )


async def remembered(store: Any, user_id: str) -> list[Remembered]:
    value = await store.get_value(NAMESPACE, user_id) or {}
    out = []
    for raw in value.get("bookings") or []:
        try:
            out.append(Remembered.from_dict(raw))
        except (KeyError, TypeError, ValueError):
            continue
    return out


async def remember(store: Any, user_id: str, result: BookingResult, now: datetime) -> None:
    """Add a booking to the user's bounded list (past ones dropped first, then oldest).

    Read-modify-write: a lock keeps one process's concurrent bookings from losing one;
    across processes a lost entry only hides a "booked by you" line in App Home."""
    locks = _locks.setdefault(asyncio.get_running_loop(), {})
    lock = locks.setdefault(user_id, asyncio.Lock())
    async with lock:
        items = [r for r in await remembered(store, user_id) if r.booking_id != result.booking_id]
        items.append(
            Remembered(
                result.booking_id,
                result.start.astimezone(UTC),
                result.end.astimezone(UTC) if result.end else None,
                result.email,
            )
        )
        upcoming = [r for r in items if (r.end_utc or r.start_utc) >= now]
        items = sorted(upcoming, key=lambda r: r.start_utc)[-MAX_REMEMBERED:]
        await store.set_value(NAMESPACE, user_id, {"bookings": [r.to_dict() for r in items]})
