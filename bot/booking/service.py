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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

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


class BookingPending(Exception):
    """Another request for the same intent is still working and did not finish in time."""

    user_message = (
        "This booking is already being made by another request. "
        "Check `/bookings upcoming` in a minute before trying again."
    )


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


class BookingService:
    def __init__(self, client: Any, store: Any, *, wait_seconds: float = 10.0) -> None:
        self.client = client
        self.store = store
        self.wait_seconds = wait_seconds

    async def book(self, intent: BookingIntent) -> BookOutcome:
        key = intent.key()
        claim = await self.store.claim(key, wait_seconds=self.wait_seconds)
        if not claim.owner:
            if claim.result is None:
                raise BookingPending()
            return BookOutcome(BookingResult.from_dict(claim.result), already=True)
        try:
            booking = await self.client.create_booking(
                intent.event.id, self._request(intent), event=intent.event
            )
        except BaseException:
            await self.store.release(key)
            raise
        result = self._result(intent, booking)
        try:
            await self.store.complete(key, result.to_dict())
        except Exception:  # the booking exists: never report it as failed
            log.exception("booking %s created but its idempotency key was not saved", booking.id)
        try:  # who booked it from Slack: the authorisation rule's "booker"
            await record_origin(
                self.store,
                result.booking_id,
                intent.user_id,
                channel=intent.channel,
                ts=str(int(time.time())),
            )
        except Exception:
            log.exception("booking %s created but who booked it was not saved", booking.id)
        return BookOutcome(result, already=False)

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
