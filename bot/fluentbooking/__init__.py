"""Async client for the FluentBooking REST API (knows nothing of Slack)."""

from . import errors
from .client import BookingRequest, FluentBookingClient
from .errors import *  # noqa: F403 (the whole error hierarchy, as errors.__all__ names it)
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
    "Booking",
    "BookingList",
    "BookingRequest",
    "BookingSummary",
    "Event",
    "EventDetails",
    "FluentBookingClient",
    "IntegrationSettings",
    "ScheduleList",
    "Slot",
    "Slots",
]
__all__ += errors.__all__
