"""What the store keeps about a booking's life: the messages that show it, the last
change made from the bot, and who booked it from Slack (written by the booking service).

- `booking_messages`, key `str(booking_id)`: `{"messages": [{"channel", "ts", "surface", "user"}]}`
  — every message (DM, channel post) that shows the booking, so a change updates each.
- `booking_changes`, key `str(booking_id)`: the last change made through the bot,
  `{"change", "status", "by", "at", "reason"}` — so a later click can say who did what.
- `booking_origin`, key `str(booking_id)`: `{"booked_by", "channel", "ts"}` (team's).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

log = logging.getLogger(__name__)

MESSAGES = "booking_messages"
CHANGES = "booking_changes"
ORIGIN = "booking_origin"
MAX_MESSAGES = 20

_locks: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.Lock]] = WeakKeyDictionary()


@dataclass(frozen=True)
class ShownMessage:
    """A Slack message that shows a booking."""

    channel: str
    ts: str
    surface: str  # "booker_dm" | "host_dm" | "channel" | ...
    user: str = ""  # the reader of a DM (its buttons are that member's); "" in a channel

    def to_dict(self) -> dict[str, str]:
        return {"channel": self.channel, "ts": self.ts, "surface": self.surface, "user": self.user}


@dataclass(frozen=True)
class ChangeRecord:
    change: str  # bot.fluentbooking.lifecycle.Change value
    status: str  # the status read back afterwards
    by: str  # Slack user id
    at: datetime
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "status": self.status,
            "by": self.by,
            "at": self.at.isoformat(),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ChangeRecord:
        return cls(
            change=str(raw["change"]),
            status=str(raw["status"]),
            by=str(raw["by"]),
            at=datetime.fromisoformat(str(raw["at"])),
            reason=str(raw.get("reason") or ""),
        )


def _lock(booking_id: int) -> asyncio.Lock:
    locks = _locks.setdefault(asyncio.get_running_loop(), {})
    return locks.setdefault(booking_id, asyncio.Lock())


async def remember_message(store: Any, booking_id: int, message: ShownMessage) -> None:
    """Add a message to the booking's list (read-modify-write under a per-process lock;
    the messages of one booking are posted by one process, the one that announced it)."""
    async with _lock(booking_id):
        known = await messages_of(store, booking_id)
        if any(m.channel == message.channel and m.ts == message.ts for m in known):
            return
        known = [*known, message][-MAX_MESSAGES:]
        await store.set_value(MESSAGES, str(booking_id), {"messages": [m.to_dict() for m in known]})


async def messages_of(store: Any, booking_id: int) -> list[ShownMessage]:
    value = await store.get_value(MESSAGES, str(booking_id)) or {}
    found = []
    for raw in value.get("messages") or []:
        try:
            found.append(
                ShownMessage(
                    str(raw["channel"]),
                    str(raw["ts"]),
                    str(raw["surface"]),
                    str(raw.get("user") or ""),
                )
            )
        except (KeyError, TypeError):
            continue
    return found


async def record_change(store: Any, booking_id: int, record: ChangeRecord) -> None:
    await store.set_value(CHANGES, str(booking_id), record.to_dict())


async def last_change(store: Any, booking_id: int) -> ChangeRecord | None:
    raw = await store.get_value(CHANGES, str(booking_id))
    if not raw:
        return None
    try:
        return ChangeRecord.from_dict(raw)
    except (KeyError, TypeError, ValueError):
        return None


async def booked_by(store: Any, booking_id: int) -> str | None:
    raw = await store.get_value(ORIGIN, str(booking_id)) or {}
    user = raw.get("booked_by")
    return str(user) if user else None
