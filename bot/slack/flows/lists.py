"""`/slots` and `/bookings`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.slack import errors
from bot.slack.deps import Deps
from bot.slack.flows.common import fetch_slots, iana_or, read_when, today_in
from bot.slack.flows.oneline import Origin, default_range
from bot.slack.matching import match_event, words
from bot.slack.text import escape
from bot.slack.views import messages
from bot.slack.views.fmt import clock, day_label
from bot.slack.views.help import unknown_subcommand
from bot.slack.views.model import BookingLine

PERIODS = ("upcoming", "past", "all")
PAGE = 10
MAX_PAGE = 40


async def slots(deps: Deps, client: Any, origin: Origin, text: str) -> None:
    try:
        me = await deps.profile(client, origin.user_id)
        tz = iana_or(me.timezone, "UTC")
        events = await deps.events()
        if not text.strip():
            await origin.respond(
                **messages.event_list(events, intro="*Bookable events*"), replace_original=False
            )
            return
        when = read_when(text, tz, deps.now())
        if when is not None:
            event_text = when.rest
            tz = iana_or(when.timezone, tz)
            zone = ZoneInfo(tz)
            first = when.start.astimezone(zone).date()
            last = max(first, when.end.astimezone(zone).date()) if when.end is not None else first
            window = (
                (when.start.astimezone(zone), when.end.astimezone(zone))
                if (when.granularity == "range" and when.end is not None)
                else None
            )
        else:
            event_text = text
            first, last = default_range(deps, tz)
            window = None
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
        event = found.event
        today = today_in(deps, tz)
        if last < today:
            await origin.respond(
                **messages.error_message(f"{day_label(last)} is in the past."),
                replace_original=False,
            )
            return
        by_day = await fetch_slots(deps, event, max(first, today), last, tz, event.duration)
        if window is not None:
            by_day = {
                d: [s for s in v if window[0] <= s.start < window[1]] for d, v in by_day.items()
            }
        period = day_label(first) if first == last else f"{day_label(first)} – {day_label(last)}"
        intro = f"Free times for *{escape(event.title)}*, {period}, in *{escape(tz)}*:"
        await origin.respond(
            **messages.slot_buttons(
                event, by_day, tz, event.duration, me.name, me.email, intro=intro
            ),
            replace_original=False,
        )
    except Exception as exc:
        await errors.tell(origin.respond, exc, action="/slots")


def _sort_key(line: BookingLine) -> datetime:
    start = line.time_text.split("-")[0].strip()
    for fmt in ("%B %d, %Y %I:%M %p", "%B %d, %Y %H:%M"):
        try:
            return datetime.strptime(f"{line.date_text} {start}".upper().title(), fmt)
        except ValueError:
            continue
    try:
        return datetime.strptime(line.date_text, "%B %d, %Y")
    except ValueError:
        return datetime.min


async def bookings(
    deps: Deps, client: Any, origin: Origin, text: str, *, per_page: int = PAGE, replace=False
) -> None:
    period = (text.strip().split() or ["upcoming"])[0].lower()
    if period not in PERIODS:
        await origin.respond(
            **unknown_subcommand("/bookings", period, "`upcoming`, `past` or `all`"),
            replace_original=False,
        )
        return
    try:
        found = await deps.fb.list_bookings(period=period, per_page=per_page)
        lines = [
            BookingLine(b.status, b.title, b.host_name, b.date_text, b.time_text, b.timezone)
            for b in found.items
        ]
        lines.sort(key=_sort_key, reverse=period != "upcoming")
        hosted: list[BookingLine] = []
        if period == "upcoming":
            hosted = await _hosted(deps, client, origin)
        more = None
        if found.total > len(lines) and per_page < MAX_PAGE:
            more = {"p": period, "n": min(per_page * 2, MAX_PAGE)}
        await origin.respond(
            **messages.booking_list(
                lines, period=period, total=found.total, more_value=more, hosted=hosted
            ),
            replace_original=replace,
        )
    except Exception as exc:
        await errors.tell(origin.respond, exc, action="/bookings")


async def _hosted(deps: Deps, client: Any, origin: Origin) -> list[BookingLine]:
    """The site account's own hosted meetings, where the site offers that list."""
    from bot.fluentbooking import FluentBookingError

    try:
        schedules = await deps.fb.list_schedules(page=1, per_page=10)
    except FluentBookingError:
        return []
    me = await deps.profile(client, origin.user_id)
    tz = iana_or(me.timezone, "UTC")
    zone = ZoneInfo(tz)
    out = []
    for b in schedules.items:
        start = b.start_utc.astimezone(zone)
        end = b.end_utc.astimezone(zone)
        out.append(
            BookingLine(
                b.status,
                b.title,
                "",
                day_label(start.date()),
                f"{clock(start)} – {clock(end)}",
                tz,
            )
        )
    return out
