"""`/slots` and `/bookings`."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.fluentbooking import AuthError, Booking, NotFoundError
from bot.fluentbooking.models import BookingSummary, Event
from bot.slack import errors
from bot.slack.deps import Deps
from bot.slack.flows.common import fetch_slots, iana_or, read_when, today_in
from bot.slack.flows.oneline import Origin, default_range
from bot.slack.matching import match_event, words
from bot.slack.text import escape
from bot.slack.views import messages
from bot.slack.views.fmt import clock, day_label, when_label, zone_label
from bot.slack.views.help import unknown_subcommand
from bot.slack.views.model import BookingLine, BookingListing

PERIODS = ("upcoming", "past", "all")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
}  # fmt: skip
PAGE = 10
MAX_PAGE = 40
SCHEDULE_PAGE = 50
MAX_SCHEDULE_PAGES = 4
log = logging.getLogger(__name__)


#: "next 2 weeks", "the next ten days", "coming 3 weeks", "this week": a span of days
#: from today (the dates module reads one date or a part of a day, not these).
_SPAN = re.compile(
    r"\b(?:(?:the\s+)?(?:next|coming)\s+(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\s+"
    r"(days?|weeks?)|this\s+week)\b",
    re.IGNORECASE,
)
MAX_SPAN_DAYS = 60


def read_span(text: str, today: date) -> tuple[str, date, date] | None:
    """(the text without the span, first day, last day) when `text` names a span of days."""
    found = _SPAN.search(text)
    if found is None:
        return None
    rest = (text[: found.start()] + " " + text[found.end() :]).strip()
    if found.group(2) is None:  # this week: today to Sunday
        return rest, today, today + timedelta(days=6 - today.weekday())
    raw = found.group(1).lower()
    count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    days = count * (7 if found.group(2).lower().startswith("week") else 1)
    days = max(1, min(days, MAX_SPAN_DAYS))
    return rest, today, today + timedelta(days=days - 1)


async def slots(deps: Deps, client: Any, origin: Origin, text: str) -> None:
    """`/slots [event] [when]`: the events, or one event's free times as Book buttons."""
    try:
        me = await deps.profile(client, origin.user_id)
        tz = iana_or(me.timezone, "UTC")
        events = await deps.events()
        if not text.strip():
            await origin.respond(
                **messages.event_list(events, intro="*Bookable events*"), replace_original=False
            )
            return
        window: tuple[datetime, datetime] | None = None
        span = read_span(text, today_in(deps, tz))
        when = None if span is not None else read_when(text, tz, deps.now())
        if span is not None:
            event_text, first, last = span
        elif when is not None:
            event_text = when.rest
            tz = iana_or(when.timezone, tz)
            zone = ZoneInfo(tz)
            first = when.start.astimezone(zone).date()
            last = max(first, when.end.astimezone(zone).date()) if when.end is not None else first
            if when.granularity == "range" and when.end is not None:
                window = (when.start.astimezone(zone), when.end.astimezone(zone))
        else:
            event_text = text
            first, last = default_range(deps, tz)
        if not words(event_text):
            await origin.respond(
                **messages.event_list(events, intro="Which event? The events are:"),
                replace_original=False,
            )
            return
        found = match_event(event_text, events)
        if found.event is None:
            intro = (
                f"Several events match “{escape(event_text)}”:"
                if found.candidates
                else f"No event matches “{escape(event_text)}”. The events are:"
            )
            await origin.respond(
                **messages.event_list(found.candidates or events, intro=intro),
                replace_original=False,
            )
            return
        await _show_slots(deps, client, origin, found.event, first, last, tz, window=window)
    except Exception as exc:
        await errors.tell(origin.respond, exc, action="/slots")


async def more_slots(deps: Deps, client: Any, origin: Origin, value: dict[str, Any]) -> None:
    """A More times / Later days button: the free times of the days it names."""
    try:
        event = await deps.event(int(value["e"]))
        if event is None:
            await origin.respond(
                **messages.error_message("That event is no longer offered. Type `/slots`."),
                replace_original=False,
            )
            return
        first, last = date.fromisoformat(value["a"]), date.fromisoformat(value["b"])
        tz = iana_or(value.get("z"), "UTC")
        await _show_slots(deps, client, origin, event, first, last, tz, duration=value.get("d"))
    except Exception as exc:
        await errors.tell(origin.respond, exc, action="showing more free times")


async def _show_slots(
    deps: Deps,
    client: Any,
    origin: Origin,
    event: Event,
    first: date,
    last: date,
    tz: str,
    *,
    window: tuple[datetime, datetime] | None = None,
    duration: int | None = None,
) -> None:
    """Fetch `event`'s free times from `first` to `last` and answer with Book buttons."""
    today = today_in(deps, tz)
    if last < today:
        await origin.respond(
            **messages.error_message(f"{day_label(last)} is in the past."),
            replace_original=False,
        )
        return
    duration = duration or event.duration
    me = await deps.profile(client, origin.user_id)
    by_day = await fetch_slots(deps, event, max(first, today), last, tz, duration)
    if window is not None:
        by_day = {d: [s for s in v if window[0] <= s.start < window[1]] for d, v in by_day.items()}
    period = day_label(first) if first == last else f"{day_label(first)} – {day_label(last)}"
    intro = f"Free times for *{escape(event.title)}*, {period}, in *{escape(tz)}*:"
    await origin.respond(
        **messages.slot_buttons(
            event, by_day, tz, duration, me.name, me.email, intro=intro, last_day=last
        ),
        replace_original=False,
    )


async def bookings(
    deps: Deps, client: Any, origin: Origin, text: str, *, limit: int = PAGE, replace: bool = False
) -> None:
    """`/bookings [upcoming|past|all]`: hosted meetings and the site account's bookings."""
    period = (text.strip().split() or ["upcoming"])[0].lower()
    if period not in PERIODS:
        await origin.respond(
            **unknown_subcommand("/bookings", period, "`upcoming`, `past` or `all`"),
            replace_original=False,
        )
        return
    limit = max(1, min(limit, MAX_PAGE))  # the More button's value comes back from Slack
    try:
        attending, hosted = await asyncio.gather(
            deps.fb.list_bookings(period=period, per_page=limit), _hosted(deps, period)
        )
        # a meeting the account both hosts and attends is listed once, as hosted: that
        # row has exact times (2.0.0's attendee rows show only the end time)
        hosted_ids = {b.id for b in hosted}
        own = [b for b in attending.items if b.id not in hosted_ids]
        listing = BookingListing(
            period=period,
            hosted=[_hosted_line(b) for b in hosted[:limit]],
            hosted_total=len(hosted),
            attending=[_attending_line(b) for b in own],
            attending_total=max(attending.total - (len(attending.items) - len(own)), len(own)),
        )
        more = None
        if limit < MAX_PAGE and (
            listing.hosted_total > len(listing.hosted)
            or listing.attending_total > len(listing.attending)
        ):
            more = {"p": period, "n": min(limit * 2, MAX_PAGE)}
        await origin.respond(
            **messages.booking_list(listing, more_value=more), replace_original=replace
        )
    except Exception as exc:
        await errors.tell(origin.respond, exc, action="/bookings")


async def _hosted(deps: Deps, period: str) -> list[Booking]:
    """The meetings the site account hosts in `period`, newest relevant first.

    GET /schedules has UTC times, so the period is judged here (by the end, as the
    site's own filter does); a site without that list gives none."""
    rows: list[Booking] = []
    try:
        for page in range(1, MAX_SCHEDULE_PAGES + 1):
            found = await deps.fb.list_schedules(page=page, per_page=SCHEDULE_PAGE, period=period)
            rows.extend(found.items)
            if page >= found.last_page:
                break
    except (NotFoundError, AuthError) as exc:
        log.info("hosted meetings not listed: %s", exc.detail)
        return []
    now = deps.now()
    upcoming = sorted((b for b in rows if b.end_utc >= now), key=lambda b: b.start_utc)
    past = sorted((b for b in rows if b.end_utc < now), key=lambda b: b.start_utc, reverse=True)
    return {"upcoming": upcoming, "past": past}.get(period, upcoming + past)


def _hosted_line(booking: Booking) -> BookingLine:
    tz = iana_or(booking.timezone, "UTC")
    zone = ZoneInfo(tz)
    when = when_label(booking.start_utc.astimezone(zone), booking.end_utc.astimezone(zone), tz)
    people = f"attendee {booking.name}" if booking.name else ""
    return BookingLine(booking.status, booking.title, people, when)


def _attending_line(summary: BookingSummary) -> BookingLine:
    """In the attendee's zone, from the instants the client read from the row where it
    could, else as the site shows it."""
    tz = iana_or(summary.timezone, "")
    host = summary.host_name
    people = f"with {host}" if host and host.lower() not in summary.title.lower() else ""
    if tz and summary.start_utc is not None:
        zone = ZoneInfo(tz)
        end = summary.end_utc.astimezone(zone) if summary.end_utc else None
        when = when_label(summary.start_utc.astimezone(zone), end, tz)
    elif tz and summary.end_utc is not None:  # 2.0.0 shows the end time twice
        end = summary.end_utc.astimezone(ZoneInfo(tz))
        when = f"{day_label(end.date())}, until {clock(end)} {zone_label(end, tz)}"
    else:
        shown = ", ".join(t for t in (summary.date_text, summary.time_text) if t)
        when = f"{shown} {summary.timezone}".strip()
    return BookingLine(summary.status, summary.title, people, when)
