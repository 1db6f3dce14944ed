"""Helpers the flows share: slot fetching and converting client models to view data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.fluentbooking.models import Event, Slots
from bot.slack.booking.views.model import SlotChoice
from bot.slack.codec import PrefillValue, SlotValue
from bot.slack.deps import Deps

if TYPE_CHECKING:
    from bot.dates import ParsedWhen


@dataclass
class Prefill:
    """What is already known when the booking form opens."""

    event_id: int | None = None
    duration: int | None = None
    day: date | None = None
    start: datetime | None = None  # a wanted time: preselected when free
    timezone: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str = ""
    address: str = ""
    message: str = ""

    def to_value(self) -> PrefillValue:
        return PrefillValue(
            event_id=self.event_id,
            duration=self.duration,
            day=self.day,
            start=self.start,
            timezone=self.timezone,
            name=self.name,
            email=self.email,
        )

    @classmethod
    def from_value(cls, value: PrefillValue | SlotValue) -> Prefill:
        """From an Open booking form button, or from a slot's Change button (its day)."""
        if isinstance(value, SlotValue):
            return cls(
                event_id=value.event_id,
                duration=value.duration,
                day=value.start.date(),
                start=value.start,
                timezone=value.timezone,
                name=value.name,
                email=value.email,
            )
        return cls(
            event_id=value.event_id,
            duration=value.duration,
            day=value.day or (value.start.date() if value.start else None),
            start=value.start,
            timezone=value.timezone,
            name=value.name,
            email=value.email,
        )


def slot_choices(slots: Slots) -> dict[date, list[SlotChoice]]:
    """Client `Slots` -> {day: [SlotChoice]} in its zone."""
    return {
        day: [SlotChoice(s.event_time, s.start, s.end) for s in items]
        for day, items in sorted(slots.by_date.items())
        if items
    }


async def fetch_slots(
    deps: Deps,
    event: Event,
    start: date,
    end: date,
    timezone: str,
    duration: int | None,
    *,
    shared: bool = False,
) -> dict[date, list[SlotChoice]]:
    """The free times, by day.

    `shared`: join an identical read already running (a burst of members opening the
    form: one site call, each caller its own copy of the lists). Only where an answer
    as old as that read will do: after a booking the times are read afresh."""
    wanted = duration if event.multi_duration else None

    async def load() -> dict[date, list[SlotChoice]]:
        slots = await deps.fb.get_slots(
            event.id, start=start, end=end, timezone=timezone, duration=wanted
        )
        return slot_choices(slots)

    if not shared:
        return await load()
    key = (event.id, start, end, timezone, wanted)
    answer = await deps.slots_flight.do(key, load)
    return {day: list(choices) for day, choices in answer.items()}


def today_in(deps: Deps, timezone: str) -> date:
    return deps.now().astimezone(ZoneInfo(timezone)).date()


def nearest(
    by_day: dict[date, list[SlotChoice]], wanted: datetime, *, same_day: int = 6, days: int = 3
) -> dict[date, list[SlotChoice]]:
    """The free times nearest `wanted`: that day's closest first, then the following days."""
    out: dict[date, list[SlotChoice]] = {}
    day = wanted.date()
    if by_day.get(day):
        closest = sorted(by_day[day], key=lambda s: abs((s.start - wanted).total_seconds()))
        out[day] = sorted(closest[:same_day], key=lambda s: s.start)
    for other in sorted(d for d in by_day if d > day):
        if len(out) >= days + (1 if day in out else 0):
            break
        out[other] = by_day[other][:same_day]
    return out


def read_when(
    text: str, tz: str, now: datetime, languages: tuple[str, ...] = ()
) -> ParsedWhen | None:
    """`parse_when`, but text with no date at all gives None (an event name alone);
    an impossible date ("feb 30") still raises DateParseError for the user to see.
    `languages`: the settings' DATE_LANGUAGES (empty: the parser's default)."""
    from bot.dates import DateParseError, NoDateFound, parse_when
    from bot.slack.warm import date_phrase_read

    date_phrase_read()  # dateparser is worth warming now (bot.slack.warm)
    try:
        when = parse_when(text, tz=tz, now=now, languages=languages or None)
    except NoDateFound:
        return None
    except OverflowError:  # a year the calendar cannot hold (9999 and beyond)
        raise DateParseError("That date is too far ahead to book.") from None
    latest = now.astimezone(UTC) + MAX_AHEAD
    for moment in (when.start, when.end):
        if moment is not None and moment.astimezone(UTC) > latest:
            raise DateParseError(
                f"{moment:%b %-d, %Y} is too far ahead: bookings open at most a few months ahead."
            )
    return when


#: further ahead than any booking window: refused before any date arithmetic overflows
MAX_AHEAD = timedelta(days=3 * 366)


def parse_event_time(value: str, timezone: str) -> datetime:
    naive = datetime.fromisoformat(value.replace(" ", "T"))
    return naive.replace(tzinfo=ZoneInfo(timezone)) if naive.tzinfo is None else naive


LOOKAHEAD_DAYS = 13


def taken_phrase(exc: BaseException) -> str:
    """How a time that could not be booked was lost, to follow "10:00 AM on Tue, Jan 7"."""
    from bot.booking.guard import SlotBusy, TakenAtSameMoment

    if isinstance(exc, TakenAtSameMoment):
        return (
            "was booked by someone else at the same moment, and theirs came first, "
            "so yours was cancelled."
        )
    if isinstance(exc, SlotBusy):
        return "is being booked by someone else right now."
    return "was just taken."


def missing_details(event: Event, phone: str, address: str) -> list[str]:
    """What the event needs that was not given ("phone", "address")."""
    given = {"phone": phone.strip(), "address": address.strip()}
    return [need for need in getattr(event, "requires", []) or [] if not given.get(need)]
