"""Create a booking at most once per user intent (no Slack types here).

The intent key (who asked, which event and slot, for whom; for modal submissions also the
view) is claimed in the state store before the site is called. The first caller creates
the booking and stores what the user saw; a second click, a double submit or a retried
request gets that same result back with `already=True`. A failure releases the key so
the user can fix the input and try again.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.booking import truth
from bot.booking.guard import Attempt, BookingGuard, BookingPending
from bot.booking.result import BookingResult
from bot.fluentbooking.models import Event
from bot.team.service import record_origin

log = logging.getLogger(__name__)

#: the site's location types, as people say them
LOCATION_NAMES = {
    "phone_guest": "Phone call (the host calls the attendee)",
    "phone_organizer": "Phone call (the attendee calls the host)",
    "in_person_guest": "In person, at the attendee's address",
    "in_person_organizer": "In person, at the host's place",
    "online_meeting": "Online meeting",
    "google_meet": "Google Meet",
    "zoom_meeting": "Zoom",
    "ms_teams": "Microsoft Teams",
    "custom": "See the booking confirmation",
}


@dataclass(frozen=True)
class BookingIntent:
    user_id: str
    event: Event
    event_time: str  # the slot's event_time, exactly as the site gave it
    start: datetime  # aware, in `timezone`
    timezone: str  # the zone the slot was read in (sent with the booking)
    name: str
    email: str
    duration: int | None = None
    phone: str | None = None
    address: str | None = None
    message: str | None = None
    guests: list[str] = field(default_factory=list)
    view_id: str | None = None
    channel: str | None = None  # where it was asked (for the booking_origin record)

    def key(self) -> str:
        parts = [
            self.user_id,
            str(self.event.id),
            self.event_time,
            self.timezone,
            self.email.lower(),
            str(self.duration or ""),
            self.view_id or "",
        ]
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
        return f"booking:{digest}"


@dataclass(frozen=True)
class BookOutcome:
    result: BookingResult
    already: bool
    recovered: bool = False  # the site booked although its answer was lost or refused
    saved: bool = True  # False: the store failed after the site booked
    deliveries: dict[str, dict[str, Any]] = field(default_factory=dict)  # the outbox items

    @property
    def to_announce(self) -> bool:
        """This request must see the announcements delivered (a replay need not)."""
        return not self.already or self.recovered


def announcement_id(booking_id: int) -> str:
    """The outbox item of a booking's DM, channel post and App Home refresh."""
    return f"booking:{booking_id}:announce"


__all__ = ["BookOutcome", "BookingIntent", "BookingPending", "BookingService"]


class BookingService:
    """The Slack flows' way to book: the intent's key and slot lock, the site's truth
    after the create, the result and its announcement saved together (`BookingGuard`)."""

    def __init__(
        self,
        client: Any,
        store: Any,
        *,
        wait_seconds: float = 10.0,
        spawn: Callable[[Coroutine[Any, Any, None]], Any] | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.wait_seconds = wait_seconds
        self.guard = BookingGuard(client, store, wait_seconds=wait_seconds, spawn=spawn)

    async def book(self, intent: BookingIntent) -> BookOutcome:
        event = intent.event
        start_utc = intent.start.astimezone(UTC)
        calendar = getattr(event, "calendar_id", None)
        unit = f"calendar:{calendar}" if calendar else f"event:{event.id}"
        attempt = Attempt(
            key=intent.key(),
            slot=truth.slot_key(unit, start_utc),
            email=intent.email,
            start_utc=start_utc,
            event_id=event.id,
            create=lambda: self.client.create_booking(event.id, self._request(intent), event=event),
        )

        def outbox_for(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
            item = announcement_id(int(result["booking_id"]))
            return {item: {"user_id": intent.user_id, "result": result}}

        guarded = await self.guard.book(
            attempt,
            to_result=lambda booking: self._result(intent, booking).to_dict(),
            booking_id_of=_booking_id,
            outbox_for=outbox_for,
        )
        if not guarded.already or guarded.recovered:
            try:  # who booked it from Slack: the authorisation rule's "booker"
                await record_origin(
                    self.store,
                    guarded.booking_id,
                    intent.user_id,
                    channel=intent.channel,
                    ts=str(int(time.time())),
                )
            except Exception:
                log.exception("booking %s made but who booked it was not saved", guarded.booking_id)
        return BookOutcome(
            BookingResult.from_dict(guarded.result),
            already=guarded.already,
            recovered=guarded.recovered,
            saved=guarded.saved,
            deliveries=guarded.outbox or outbox_for(guarded.result),
        )

    @staticmethod
    def _request(intent: BookingIntent) -> Any:
        from bot.fluentbooking import BookingRequest

        requires = intent.event.requires
        return BookingRequest(
            name=intent.name,
            email=intent.email,
            event_time=intent.event_time,
            timezone=intent.timezone,
            duration=intent.duration if intent.event.multi_duration else None,
            phone=intent.phone if "phone" in requires else None,
            address=intent.address if "address" in requires else None,
            message=intent.message or None,
            guests=list(intent.guests),
        )

    @staticmethod
    def _result(intent: BookingIntent, booking: Any) -> BookingResult:
        zone = ZoneInfo(intent.timezone)
        start = booking.start_utc.astimezone(zone) if booking.start_utc else intent.start
        end = booking.end_utc.astimezone(zone) if booking.end_utc else None
        location = booking.location or intent.phone or intent.address or None
        location = LOCATION_NAMES.get(location or "", location)
        if location is None and intent.event.location_type:
            location = LOCATION_NAMES.get(intent.event.location_type)
        return BookingResult(
            booking_id=int(booking.id),
            event_title=intent.event.title,
            start=start,
            end=end,
            timezone=intent.timezone,
            name=booking.name or intent.name,
            email=booking.email or intent.email,
            location=location,
            status=(booking.status or "scheduled").lower(),
            host_name=intent.event.host_name,
            calendar_id=getattr(booking, "calendar_id", None) or intent.event.calendar_id,
            location_type=getattr(booking, "location_type", None) or intent.event.location_type,
        )


def _booking_id(result: dict[str, Any]) -> int | None:
    try:
        return int(result["booking_id"])
    except (KeyError, TypeError, ValueError):
        return None
