"""Async client for the FluentBooking REST API (knows nothing of Slack)."""

from .client import BookingRequest, FluentBookingClient
from .errors import (
    AuthError,
    BadResponseError,
    EventClosedError,
    FluentBookingError,
    NotFoundError,
    ServerError,
    SiteTimeoutError,
    SlotUnavailableError,
    ValidationError,
)
from .models import (
    Booking,
    BookingList,
    BookingSummary,
    Event,
    EventDetails,
    IntegrationSettings,
    ScheduleList,
    Slot,
    Slots,
)

__all__ = [
    "AuthError",
    "BadResponseError",
    "Booking",
    "BookingList",
    "BookingRequest",
    "BookingSummary",
    "Event",
    "EventClosedError",
    "EventDetails",
    "FluentBookingClient",
    "FluentBookingError",
    "IntegrationSettings",
    "NotFoundError",
    "ScheduleList",
    "ServerError",
    "SiteTimeoutError",
    "Slot",
    "SlotUnavailableError",
    "Slots",
    "ValidationError",
]
