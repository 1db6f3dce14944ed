"""What the watcher tells: a booking's state as the feed last saw it, and its changes.

Pure: no I/O. `Seen` is kept in the store per booking (JSON round trip); a `Change` is
derived by comparing the last `Seen` with what the site shows now, so polling, the
activity log and Pro webhooks all end in the same changes with the same keys, and a key
told once (see `bot.feed.state`) is never told again, whichever path saw it first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.fluentbooking.models import Activity, Booking

ACTIVE = ("scheduled", "pending")


class Kind(StrEnum):
    NEW = "new"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Seen:
    """A booking as the feed last saw it. Attendee contact details stay here for DMs
    to members; the channel views never show them."""

    booking_id: int
    status: str
    start_utc: datetime
    end_utc: datetime
    title: str = ""
    event_id: int | None = None
    calendar_id: int | None = None
    host_user_id: int | None = None
    host_name: str = ""
    attendee_name: str = ""
    attendee_email: str = ""
    timezone: str = ""
    source: str = ""

    @classmethod
    def from_booking(cls, booking: Booking) -> Seen:
        return cls(
            booking_id=booking.id,
            status=(booking.status or "").lower(),
            start_utc=booking.start_utc.astimezone(UTC),
            end_utc=booking.end_utc.astimezone(UTC),
            title=booking.title,
            event_id=booking.event_id,
            calendar_id=booking.calendar_id,
            host_user_id=booking.host_user_id,
            host_name=booking.host_name,
            attendee_name=booking.name,
            attendee_email=booking.email,
            timezone=booking.timezone,
            source=booking.source,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start_utc"] = self.start_utc.isoformat()
        data["end_utc"] = self.end_utc.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Seen:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["start_utc"] = datetime.fromisoformat(values["start_utc"])
        values["end_utc"] = datetime.fromisoformat(values["end_utc"])
        return cls(**values)

    def merged_with(self, newer: Seen) -> Seen:
        """`newer`, keeping what it lacks (a thin webhook row) from this one."""
        kept = {
            name: getattr(self, name)
            for name in ("title", "host_name", "attendee_name", "attendee_email", "timezone")
            if not getattr(newer, name)
        }
        for name in ("event_id", "calendar_id", "host_user_id"):
            if getattr(newer, name) is None:
                kept[name] = getattr(self, name)
        if not newer.source:
            kept["source"] = self.source
        return replace(newer, **kept)

    @property
    def start_epoch(self) -> int:
        return int(self.start_utc.timestamp())


@dataclass(frozen=True)
class Change:
    kind: Kind
    booking: Seen  # the booking after the change
    previous: Seen | None = None  # before it (a reschedule's old time), when known

    @property
    def key(self) -> str:
        """The told-once key: the same change seen by any path has the same key."""
        booking_id = self.booking.booking_id
        if self.kind is Kind.RESCHEDULED:
            return f"feed:moved:{booking_id}:{self.booking.start_epoch}"
        return f"feed:{self.kind.value}:{booking_id}"


def changes_between(previous: Seen | None, current: Seen, hint: Kind | None = None) -> list[Change]:
    """The changes from `previous` (None: never seen) to `current`.

    `hint` is what the site's log or a webhook says happened; with no earlier state it
    names the one change to tell (a booking seen first when it was cancelled is told as
    cancelled, not as new).
    """
    if previous is None:
        return [Change(hint or Kind.NEW, current)]
    found: list[Change] = []
    if current.start_utc != previous.start_utc and current.status in ACTIVE:
        found.append(Change(Kind.RESCHEDULED, current, previous))
    before, now = previous.status, current.status
    if before != now:
        if now == "cancelled" and before in ACTIVE:
            found.append(Change(Kind.CANCELLED, current, previous))
        elif now == "rejected" and before == "pending":
            found.append(Change(Kind.REJECTED, current, previous))
        elif now == "scheduled" and before == "pending":
            found.append(Change(Kind.CONFIRMED, current, previous))
    return found


_KEYWORDS: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    (Kind.RESCHEDULED, ("reschedul", "moved")),
    (Kind.CANCELLED, ("cancel",)),
    (Kind.REJECTED, ("reject", "declin")),
    (Kind.CONFIRMED, ("confirm", "approv")),
)


def activity_kind(activity: Activity) -> Kind | None:
    """What an activity-log row says happened, read from its type and title (the site
    words them loosely); None for rows the feed does not tell (notes, emails, creates)."""
    text = f"{activity.type} {activity.title}".lower()
    for kind, words in _KEYWORDS:
        if any(word in text for word in words):
            return kind
    return None
