"""`/slots` and `/bookings`."""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.dates.spans import read_span
from bot.fluentbooking.models import Event
from bot.slack import blocks
from bot.slack.booking import hosts
from bot.slack.booking.common import fetch_slots, read_when, today_in
from bot.slack.booking.matching import match_event, words
from bot.slack.booking.oneline import default_range
from bot.slack.booking.views import messages
from bot.slack.codec import SlotRangeValue
from bot.slack.deps import Deps
from bot.slack.fmt import day_label, iana_or
from bot.slack.origin import Origin
from bot.slack.text import escape
from bot.team.hostpick import take_host

log = logging.getLogger(__name__)


async def slots(deps: Deps, client: AsyncWebClient, origin: Origin, text: str) -> None:
    """`/slots [event] [when]`: the events, or one event's free times as Book buttons."""
    me = await deps.profile(client, origin.user_id)
    tz = iana_or(me.timezone, "UTC")
    events = await deps.events()
    pick, text = take_host(text, bare_mention=True)
    intro = "*Bookable events*"
    if pick is not None:
        events = await hosts.events_of(deps, client, pick, events)
        intro = f"*Events hosted by {escape(events[0].host_name or 'them')}*"
    if not text.strip():
        await origin.respond(**messages.event_list(events, intro=intro), replace_original=False)
        return
    window: tuple[datetime, datetime] | None = None
    span = read_span(text, today_in(deps, tz))
    when = (
        None if span is not None else read_when(text, tz, deps.now(), deps.settings.date_languages)
    )
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


async def more_slots(
    deps: Deps, client: AsyncWebClient, origin: Origin, value: SlotRangeValue
) -> None:
    """A More times / Later days button: the free times of the days it names."""
    event = await deps.event(value.event_id)
    if event is None:
        await origin.respond(
            **blocks.error_message("That event is no longer offered. Type `/slots`."),
            replace_original=False,
        )
        return
    tz = iana_or(value.timezone, "UTC")
    await _show_slots(
        deps, client, origin, event, value.first, value.last, tz, duration=value.duration
    )


async def _show_slots(
    deps: Deps,
    client: AsyncWebClient,
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
            **blocks.error_message(f"{day_label(last)} is in the past."),
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
