"""Plain data the view builders take (no Slack, no HTTP): built by listeners from client models.

Events are the client's own `bot.fluentbooking.Event` (one copy, passed through to the
booking, so creating it needs no second look-up)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.fluentbooking.models import Event


@dataclass(frozen=True)
class SlotChoice:
    """One free time: `value` is the site's event_time string, `start` aware in the zone."""

    value: str
    start: datetime
    end: datetime | None = None


@dataclass
class FormState:
    """Everything the booking modal shows: choices made so far and what to offer."""

    events: list[Event]
    timezone: str
    event_id: int | None = None
    duration: int | None = None
    day: date | None = None
    time_value: str | None = None
    slots: list[SlotChoice] = field(default_factory=list)
    slots_error: str | None = None  # shown on the times (slot taken, none that day...)
    form_error: str | None = None  # shown above the form (site trouble)
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    message: str = ""
    guests: str = ""
    time_block_suffix: str = ""

    @property
    def event(self) -> Event | None:
        return next((e for e in self.events if e.id == self.event_id), None)


@dataclass(frozen=True)
class BookingLine:
    """One row of /bookings; plain text (the builder escapes it)."""

    status: str
    title: str
    people: str  # "with Alex Rivera" (the host) or "attendee Ana Lopez (ana@acme.com)"
    when: str  # date and time with the zone named, in the attendee's zone
    #: set when the viewer may see the attendee's contact details (offered under Details)
    details_id: int | None = None
    short_when: str = ""  # for the Details menu
    #: the lifecycle buttons this viewer may use on the row (a Block Kit actions block,
    #: bot.slack.booking_actions), None when none
    actions: dict[str, Any] | None = None


@dataclass(frozen=True)
class BookingSection:
    heading: str  # "You host", "You attend", ...
    lines: list[BookingLine]
    total: int


@dataclass(frozen=True)
class BookingListing:
    """What /bookings shows for one period: the viewer's sections (or, for an admin who
    asked, the whole team's), the rows to show and how many there are."""

    period: str  # upcoming | past | all
    sections: list[BookingSection]
    team: bool = False  # the admin's whole-team view
    note: str | None = None  # e.g. why `team` was not granted
