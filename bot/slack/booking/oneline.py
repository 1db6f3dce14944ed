"""`/book <text>`: one line to a booking, or the nearest free times, or the prefilled form."""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.booking.service import BookingIntent
from bot.fluentbooking.models import Event
from bot.slack import blocks
from bot.slack.booking import announce, hosts
from bot.slack.booking.common import (
    LOOKAHEAD_DAYS,
    Prefill,
    fetch_slots,
    missing_details,
    nearest,
    parse_event_time,
    read_when,
    taken_phrase,
    today_in,
)
from bot.slack.booking.form import open_form
from bot.slack.booking.matching import extract_attendees, match_event, name_from_email, words
from bot.slack.booking.views import messages, modal
from bot.slack.codec import SlotValue
from bot.slack.deps import Deps, Profile
from bot.slack.errors import NotFound
from bot.slack.fmt import clock, day_label, iana_or, when_label
from bot.slack.origin import Origin
from bot.slack.text import escape
from bot.team.hostpick import take_host

if TYPE_CHECKING:
    from bot.dates import ParsedWhen

log = logging.getLogger(__name__)


async def resolve_attendee(
    deps: Deps,
    client: AsyncWebClient,
    me: Profile,
    emails: list[str],
    mentions: list[tuple[str, Any]],
) -> tuple[str, str]:
    """(name, email): the first email typed, else the first @mention, else the user."""
    if emails:
        return name_from_email(emails[0]), emails[0]
    if mentions:
        try:
            other = await deps.profile(client, mentions[0][0])
        except SlackApiError as exc:  # an unknown or deleted user: Slack says user_not_found
            log.info("mention %s could not be looked up: %s", mentions[0][0], exc)
            raise NotFound(
                f"I can't find <@{mentions[0][0]}> in this workspace. "
                "Type their email address instead."
            ) from None
        if not other.email:
            raise NotFound(
                f"I can't see the email of <@{mentions[0][0]}>. Type their email address instead."
            )
        return other.name or mentions[0][1] or other.email, other.email
    return me.name, me.email


async def _open_or_offer(
    deps: Deps, client: AsyncWebClient, origin: Origin, prefill: Prefill, why: str
) -> None:
    """Open the prefilled form while the trigger is fresh; else offer a button for it."""
    fresh = time.monotonic() - origin.received < deps.trigger_fresh_seconds
    if origin.trigger_id and fresh:
        await open_form(
            deps,
            client,
            trigger_id=origin.trigger_id,
            user_id=origin.user_id,
            channel_id=origin.channel_id,
            prefill=prefill,
        )
        return
    await origin.respond(
        **messages.open_form_prompt(why, prefill.to_value()), replace_original=False
    )


async def book_line(
    deps: Deps, client: AsyncWebClient, origin: Origin, text: str, *, event_id: int | None = None
) -> None:
    """The one-line flow. `event_id` is set when the user picked among ambiguous events."""
    me = await deps.profile(client, origin.user_id)
    user_tz = iana_or(me.timezone, "UTC")
    pick, text = take_host(text)  # `host:@hana`: a teammate's events; @x alone is the attendee
    who = extract_attendees(text)
    when = read_when(who.rest, user_tz, deps.now(), deps.settings.date_languages)
    event_text = when.rest if when is not None else who.rest
    name, email = await resolve_attendee(deps, client, me, who.emails, who.mentions)
    tz = iana_or(when.timezone if when else None, user_tz)
    prefill = Prefill(timezone=tz, name=name, email=email, phone=who.phone, address=who.address)
    if when is not None:
        prefill.day = when.start.astimezone(ZoneInfo(tz)).date()
        if when.granularity == "minute":
            prefill.start = when.start.astimezone(ZoneInfo(tz))

    events = await deps.events()
    if pick is not None:
        events = await hosts.events_of(deps, client, pick, events)
    event: Event | None = None
    if event_id is not None:
        event = next((e for e in events if e.id == event_id), None)
    elif words(event_text):
        found = match_event(event_text, events)
        if found.event is None and found.candidates:
            await origin.respond(
                **messages.pick_event(
                    found.candidates,
                    text,
                    intro=f"Which event did you mean by “{escape(event_text)}”?",
                ),
                replace_original=False,
            )
            return
        if found.event is None:
            listing = messages.event_list(
                events,
                intro=f"No event matches “{escape(event_text)}”. The events are:",
                command="/book",
            )
            await origin.respond(**listing, replace_original=False)
            return
        event = found.event
    elif len(events) == 1:
        event = events[0]
    if event is None:
        await _open_or_offer(deps, client, origin, prefill, "Which event? Pick it in the form.")
        return
    prefill.event_id = event.id
    prefill.duration = event.duration
    if when is None:
        await _open_or_offer(deps, client, origin, prefill, "When? Pick a time in the form.")
        return
    await _offer_times(deps, client, origin, event, prefill, when)


async def _offer_times(
    deps: Deps,
    client: AsyncWebClient,
    origin: Origin,
    event: Event,
    prefill: Prefill,
    when: ParsedWhen,
) -> None:
    tz = prefill.timezone or "UTC"
    zone = ZoneInfo(tz)
    name, email = prefill.name or "", prefill.email or ""
    first = when.start.astimezone(zone).date()
    if when.granularity == "range" and when.end is not None:
        last = max(first, (when.end - timedelta(seconds=1)).astimezone(zone).date())
    elif when.granularity == "day":
        last = first
    else:
        last = first + timedelta(days=LOOKAHEAD_DAYS)
    today = today_in(deps, tz)
    if last < today:
        await origin.respond(
            **blocks.error_message(
                f"{day_label(first)} is in the past. Pick a time from today on."
            ),
            replace_original=False,
        )
        return
    by_day = await fetch_slots(deps, event, max(first, today), last, tz, event.duration)
    if when.granularity == "minute":
        wanted = when.start.astimezone(zone)
        slot = next((s for s in by_day.get(wanted.date(), []) if s.start == wanted), None)
        if slot is not None:
            if missing_details(event, prefill.phone, prefill.address):
                # a phone number or an address is needed and was not typed: the form asks
                await _open_or_offer(
                    deps, client, origin, prefill, "This meeting needs more details."
                )
                return
            await origin.respond(
                **messages.confirm_slot(
                    event,
                    slot,
                    tz,
                    event.duration,
                    name,
                    email,
                    phone=prefill.phone if "phone" in event.requires else "",
                    address=prefill.address if "address" in event.requires else "",
                ),
                replace_original=False,
            )
            return
        close = nearest(by_day, wanted)
        intro = (
            f"*{escape(event.title)}* is not free at {when_label(wanted, None, tz)}. "
            "The nearest free times:"
            if close
            else f"*{escape(event.title)}* has no free time from {day_label(wanted.date())} "
            f"for two weeks. Try `/slots {escape(event.title)} next month`."
        )
        await origin.respond(
            **messages.slot_buttons(event, close, tz, event.duration, name, email, intro=intro),
            replace_original=False,
        )
        return
    # a day or a range: that period's free times
    if when.granularity == "range" and when.end is not None:
        start, end = when.start.astimezone(zone), when.end.astimezone(zone)
        by_day = {d: [s for s in slots if start <= s.start < end] for d, slots in by_day.items()}
    intro = f"Free times for *{escape(event.title)}*, in {escape(tz)}:"
    await origin.respond(
        **messages.slot_buttons(event, by_day, tz, event.duration, name, email, intro=intro),
        replace_original=False,
    )


async def book_button(
    deps: Deps, client: AsyncWebClient, origin: Origin, value: SlotValue, *, message_ts: str | None
) -> None:
    """A Book button: create the booking once, answer in place of the buttons."""
    from bot.booking.guard import SlotBusy, TakenAtSameMoment
    from bot.fluentbooking import SlotUnavailableError

    tz = iana_or(value.timezone, "UTC")
    event = await deps.event(value.event_id)
    if event is None:
        await origin.respond(
            **blocks.error_message("This event is no longer offered. Try `/slots`."),
            replace_original=False,
        )
        return
    start = parse_event_time(value.event_time, tz)
    phone, address = value.phone, value.address
    if missing_details(event, phone, address):
        prefill = Prefill(
            event_id=event.id,
            duration=value.duration,
            day=start.date(),
            start=start,
            timezone=tz,
            name=value.name,
            email=value.email,
            phone=phone,
            address=address,
        )
        await _open_or_offer(deps, client, origin, prefill, "This meeting needs more details.")
        return
    name, email = value.name, value.email
    if not email:
        me = await deps.profile(client, origin.user_id)
        name, email = name or me.name, me.email
    intent = BookingIntent(
        user_id=origin.user_id,
        event=event,
        event_time=value.event_time,
        start=start,
        timezone=tz,
        name=name or email,
        email=email,
        duration=value.duration,
        channel=origin.channel_id,
        phone=phone or None,
        address=address or None,
    )
    try:
        outcome = await deps.booking.book(intent)
    except (SlotUnavailableError, TakenAtSameMoment, SlotBusy) as lost:
        by_day = await fetch_slots(
            deps,
            event,
            start.date(),
            start.date() + timedelta(days=LOOKAHEAD_DAYS),
            tz,
            intent.duration,
        )
        intro = (
            f"{clock(start)} on {day_label(start.date())} {taken_phrase(lost)} "
            "The nearest free times:"
        )
        await origin.respond(
            **messages.slot_buttons(
                event,
                nearest(by_day, start),
                tz,
                intent.duration,
                intent.name,
                intent.email,
                intro=intro,
            ),
            replace_original=True,
        )
        return
    announce.after_booking(deps, client, origin.user_id, outcome)
    already = outcome.already and not outcome.recovered  # found on the site: "Booked"
    result_blocks = modal.result_blocks(outcome.result, already=already)
    text = ("Already booked: " if already else "Booked: ") + event.title
    await origin.respond(text=text, blocks=result_blocks, replace_original=not already)


def default_range(deps: Deps, tz: str) -> tuple[date, date]:
    today = today_in(deps, tz)
    return today, today + timedelta(days=6)
