"""`/slots` and `/bookings`."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
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
from bot.slack.views.model import BookingLine, EventInfo

PERIODS = ("upcoming", "past", "all")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
}  # fmt: skip
PAGE = 10
MAX_PAGE = 40


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
    event: EventInfo,
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
