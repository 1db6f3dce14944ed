"""Helpers for the booking tests: a slot, a request, the site's live bookings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.demo.stack import LocalStack
from bot.fluentbooking import BookingRequest, FluentBookingClient
from bot.fluentbooking.models import Booking
from bot.sandbox import Sandbox

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # a Monday, 07:00 in New York

NOTIFY = "C_BOOKINGS"  # the announcement channel of the stack tests
ZONE = "America/New_York"
EVENT = 2  # "In-Person Meeting" needs an address; 3 "Product Demo" needs nothing
DEMO = 3


async def first_slot(client: FluentBookingClient, event_id: int = DEMO) -> str:
    slots = await client.get_slots(
        event_id, start=date(2025, 3, 4), end=date(2025, 3, 4), timezone=ZONE
    )
    return slots.all()[0].event_time


def request(event_time: str, email: str, name: str = "Dana Fox") -> BookingRequest:
    return BookingRequest(name=name, email=email, event_time=event_time, timezone=ZONE)


async def live_at(client: FluentBookingClient, start_utc: datetime, *emails: str) -> list[Booking]:
    """Every live booking at `start_utc` whose attendee is one of `emails` (each found by
    search: the plain list hides bookings that share a group)."""
    found: dict[int, Booking] = {}
    for email in emails:
        for booking in await client.find_bookings(email=email, start_utc=start_utc):
            if booking.status in ("scheduled", "pending"):
                found[booking.id] = booking
    return sorted(found.values(), key=lambda b: b.id)


def make_client(sandbox: Sandbox, **kwargs: Any) -> FluentBookingClient:
    options: dict[str, Any] = {"clock": lambda: NOW, "backoff_base": 0.01, "read_timeout": 5.0}
    options.update(kwargs)
    return FluentBookingClient(sandbox.url, sandbox.username, sandbox.app_password, **options)


def dms(stack: LocalStack, user: str) -> list[dict[str, Any]]:
    return [m for m in stack.slack.messages(user) if m.get("user") == stack.slack.bot_user_id]
