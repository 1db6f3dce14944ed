"""The booking modal: open (loading -> filled), refresh the times, submit."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.booking.service import BookingIntent
from bot.fluentbooking import FluentBookingError
from bot.fluentbooking.models import Event
from bot.slack import errors
from bot.slack.booking import announce
from bot.slack.booking.common import (
    LOOKAHEAD_DAYS,
    Prefill,
    fetch_slots,
    parse_event_time,
    taken_phrase,
    today_in,
)
from bot.slack.booking.form_input import (
    SITE_FIELD_BLOCKS,
    FormData,
    read_metadata,
    read_state,
    validate,
)
from bot.slack.booking.views import modal
from bot.slack.booking.views.model import FormState
from bot.slack.codec import BookingFormMeta, WireError
from bot.slack.deps import Deps
from bot.slack.fmt import clock, iana_or
from bot.slack.ids import ActionId, BlockId
from bot.slack.text import truncate

log = logging.getLogger(__name__)


def metadata(
    channel_id: str | None, user_id: str, state: FormState | None = None
) -> BookingFormMeta:
    if state is None:
        return BookingFormMeta(channel_id=channel_id, user_id=user_id)
    event = state.event
    return BookingFormMeta(
        channel_id=channel_id,
        user_id=user_id,
        timezone=state.timezone,
        requires=tuple(event.requires) if event else (),
    )


def _suffix(day: date | None, duration: int | None, tz: str, event_id: int | None) -> str:
    raw = f"{event_id}|{day}|{duration}|{tz}"
    return "_" + hashlib.sha1(raw.encode()).hexdigest()[:8]


async def fill_state(
    deps: Deps,
    *,
    events: list[Event],
    timezone: str,
    event_id: int | None,
    duration: int | None,
    day: date | None,
    wanted_start: datetime | None = None,
    time_value: str | None = None,
    auto_day: bool = False,
    values: FormData | None = None,
    name: str = "",
    email: str = "",
    slots_error: str | None = None,
    shared: bool = False,
) -> FormState:
    """A FormState with the free times of the chosen day fetched from the site.

    `auto_day`: the day was not chosen by the user, so move to the first day with free
    times within two weeks. `shared`: the times may come from an identical read already
    running (opening the form; see fetch_slots)."""
    if event_id is None and len(events) == 1:
        event_id = events[0].id
    state = FormState(events=events, timezone=timezone, event_id=event_id)
    event = state.event
    if event is not None:
        state.duration = duration if duration in event.durations else event.duration
    day = day or today_in(deps, timezone)
    state.day = day
    if values is not None:
        state.name, state.email = values.name, values.email
        state.phone, state.address = values.phone, values.address
        state.message, state.guests = values.message, values.guests_text
    else:
        state.name, state.email = name, email
    if event is not None:
        end = day + timedelta(days=LOOKAHEAD_DAYS if auto_day else 0)
        try:
            by_day = await fetch_slots(
                deps, event, day, end, timezone, state.duration, shared=shared
            )
        except FluentBookingError as exc:  # show it where the times would be; keep the form
            state.form_error = errors.describe(exc, action="loading free times").message
            by_day = {}
        if auto_day and by_day and not by_day.get(day):
            day = min(by_day)
            state.day = day
        state.slots = by_day.get(day, [])
        if wanted_start is not None:
            match = next((s for s in state.slots if s.start == wanted_start), None)
            if match is not None:
                state.time_value = match.value
            elif slots_error is None:
                slots_error = f"{clock(wanted_start)} is not free that day; pick another time."
        elif time_value and any(s.value == time_value for s in state.slots):
            state.time_value = time_value
    state.slots_error = slots_error
    state.time_block_suffix = _suffix(state.day, state.duration, timezone, state.event_id)
    return state


@dataclass(frozen=True)
class LoadingModal:
    """A modal opened with the loading view: what views.update needs to fill it in."""

    view_id: str
    hash: str | None


async def open_loading(
    client: AsyncWebClient, *, trigger_id: str, user_id: str, channel_id: str | None
) -> LoadingModal:
    """views.open the loading modal: the first thing done after the ack, while the
    trigger_id is fresh (a view built once per member and channel)."""
    opened = await client.views_open(
        trigger_id=trigger_id, view=modal.loading_view_for(channel_id, user_id)
    )
    view = opened["view"]
    return LoadingModal(view["id"], view.get("hash"))


async def open_form(
    deps: Deps,
    client: AsyncWebClient,
    *,
    trigger_id: str,
    user_id: str,
    channel_id: str | None,
    prefill: Prefill | None = None,
) -> str | None:
    """views.open a loading modal at once, then fill it in with views.update; or, when
    everything the form shows is cached already, views.open the form itself.

    Returns the view id (None when the modal could not be opened)."""
    try:
        whole = await _form_at_once(deps, user_id, channel_id, prefill or Prefill())
        if whole is not None:
            done = await client.views_open(trigger_id=trigger_id, view=whole)
            return str(done["view"]["id"])
        opened = await open_loading(
            client, trigger_id=trigger_id, user_id=user_id, channel_id=channel_id
        )
    finally:
        deps.gate.urgent_done()  # the trigger is used: other work may go on
    await fill_form(deps, client, opened, user_id=user_id, channel_id=channel_id, prefill=prefill)
    return opened.view_id


async def _form_at_once(
    deps: Deps, user_id: str, channel_id: str | None, prefill: Prefill
) -> dict[str, Any] | None:
    """The filled form without any call: the event list and the member's profile are
    cached and no free times are needed (several events, none chosen yet). None when
    something must be read first (then the loading modal opens and is filled in)."""
    events = deps.cached_events()
    me = deps.cached_profile(user_id)
    if not events or me is None or prefill.event_id is not None or len(events) == 1:
        return None
    timezone = iana_or(iana_or(prefill.timezone, me.timezone), "UTC")
    state = await fill_state(  # no event chosen: reads nothing
        deps,
        events=events,
        timezone=timezone,
        event_id=None,
        duration=prefill.duration,
        day=prefill.day,
        wanted_start=prefill.start,
        auto_day=prefill.day is None,
        name=prefill.name if prefill.name is not None else me.name,
        email=prefill.email if prefill.email is not None else me.email,
    )
    state.phone, state.message = prefill.phone, prefill.message
    state.address = prefill.address
    return _form_view_once(state, metadata(channel_id, user_id, state))


async def fill_form(
    deps: Deps,
    client: AsyncWebClient,
    opened: LoadingModal,
    *,
    user_id: str,
    channel_id: str | None,
    prefill: Prefill | None = None,
) -> None:
    """Read the events, the member's profile and the free times, then views.update.

    Opening many forms at once costs the site one read of each (shared loads). The work
    takes turns with the acks (`deps.turns`): it starts, and once the reads are done the
    view is built and sent, one form per pass of the event loop and while no request is
    waiting for its ack, so a burst of forms never holds up the requests arriving."""
    prefill = prefill or Prefill()
    meta = metadata(channel_id, user_id)
    in_modal = errors.OpenModal(
        client, opened.view_id, lambda text, rid: modal.error_view(text, meta, rid)
    )
    with errors.told_in(in_modal):  # a failure from here on replaces the loading modal
        await deps.turns.wait()  # the modal is open: acks of waiting requests go first
        events_task = asyncio.ensure_future(deps.events())
        me = await deps.profile(client, user_id)
        events = await events_task
        timezone = iana_or(prefill.timezone, me.timezone)
        timezone = iana_or(timezone, "UTC")
        state = await fill_state(
            deps,
            events=events,
            timezone=timezone,
            event_id=prefill.event_id,
            duration=prefill.duration,
            day=prefill.day,
            wanted_start=prefill.start,
            auto_day=prefill.day is None,
            name=prefill.name if prefill.name is not None else me.name,
            email=prefill.email if prefill.email is not None else me.email,
            shared=True,
        )
        state.phone, state.message = prefill.phone, prefill.message
        state.address = prefill.address
        if not events:
            state.form_error = "The booking site has no bookable events right now."
        await deps.turns.wait()
        await client.views_update(
            view_id=opened.view_id,
            hash=opened.hash,
            view=_form_view_once(state, metadata(channel_id, user_id, state)),
        )


#: views built lately, by everything they show: a burst of members opening the same form
#: builds it once (the dicts are only read afterwards: serialised per views.update)
_BUILT: OrderedDict[tuple[Any, ...], tuple[list[Event], dict[str, Any]]] = OrderedDict()
_BUILT_MAX = 64


def _form_view_once(state: FormState, meta: BookingFormMeta) -> dict[str, Any]:
    key = (
        id(state.events),
        meta,
        state.timezone,
        state.event_id,
        state.duration,
        state.day,
        state.time_value,
        tuple(state.slots),
        state.slots_error,
        state.form_error,
        state.name,
        state.email,
        state.phone,
        state.address,
        state.message,
        state.guests,
        state.time_block_suffix,
    )
    built = _BUILT.get(key)
    if built is not None and built[0] is state.events:  # the same list, not a reused id
        _BUILT.move_to_end(key)
        return built[1]
    view = modal.form_view(state, meta)
    _BUILT[key] = (state.events, view)
    if len(_BUILT) > _BUILT_MAX:
        _BUILT.popitem(last=False)
    return view


async def refresh(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> None:
    """Event, duration, day or zone changed: fetch that day's times and update the modal."""
    view = body["view"]
    meta = metadata(None, (body.get("user") or {}).get("id", ""))
    form = read_state(view)
    action_id = ((body.get("actions") or [{}])[0]).get("action_id")
    errors.move_to(
        errors.OpenModal(client, view["id"], lambda text, rid: modal.error_view(text, meta, rid))
    )
    meta = read_metadata(view)
    form_view = await _form_view_again(
        deps,
        form,
        meta,
        timezone=iana_or(form.timezone, meta.timezone or "UTC"),
        user_id=meta.user_id,
        time_value=form.time_value,
        # a new event: move to its first free day (the user picks the day afterwards)
        auto_day=action_id == ActionId.EVENT,
    )
    try:
        await client.views_update(view_id=view["id"], hash=view.get("hash"), view=form_view)
    except SlackApiError as exc:
        if exc.response.get("error") == "hash_conflict":  # a newer update already landed
            return
        raise


async def _form_view_again(
    deps: Deps,
    form: FormData,
    meta: BookingFormMeta,
    *,
    timezone: str,
    user_id: str,
    time_value: str | None = None,
    auto_day: bool = False,
    slots_error: str | None = None,
) -> dict[str, Any]:
    """The form as the user left it, with the chosen day's free times fetched afresh."""
    state = await fill_state(
        deps,
        events=await deps.events(),
        timezone=timezone,
        event_id=form.event_id,
        duration=form.duration,
        day=form.day,
        time_value=time_value,
        values=form,
        auto_day=auto_day,
        slots_error=slots_error,
    )
    return modal.form_view(state, metadata(meta.channel_id, user_id, state))


@dataclass
class SubmitOutcome:
    ack: dict[str, Any]  # what to answer the view_submission with
    later_view: dict[str, Any]  # the same as a view, for when the ack went out already


async def submit(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> dict[str, Any] | None:
    """Handle a view submission. Returns the ack payload; local checks answer at once.

    The booking itself is given `deps.submit_inline_seconds`; if the site is slower the
    modal shows "Booking…" and the result replaces it when it comes."""
    view = body["view"]
    try:
        meta = read_metadata(view)
    except WireError as exc:
        errors.describe(exc, action="a booking form submission")  # logs it
        user_id = (body.get("user") or {}).get("id", "")
        return {
            "response_action": "update",
            "view": modal.error_view(exc.user_message, metadata(None, user_id)),
        }
    form = read_state(view)
    requires = meta.requires
    problems = validate(form, requires=requires)
    if problems:
        return {"response_action": "errors", "errors": problems}
    task = deps.spawn(_book(deps, client, body, form, meta))
    try:
        outcome = await asyncio.wait_for(asyncio.shield(task), deps.submit_inline_seconds)
    except TimeoutError:
        deps.spawn(_finish_later(client, view["id"], task))
        return {
            "response_action": "update",
            "view": modal.loading_view(meta, "Booking… the site is slow, this takes a moment."),
        }
    return outcome.ack


async def _finish_later(
    client: AsyncWebClient, view_id: str, task: asyncio.Task[SubmitOutcome]
) -> None:
    outcome = await task
    try:
        await client.views_update(view_id=view_id, view=outcome.later_view)
    except (
        errors.SLACK_CALL_FAILED
    ) as exc:  # the modal was closed: the booking stands, the DM has it
        log.warning(
            "could not update the modal with the booking result (%s)", errors.slack_error(exc)
        )


async def _book(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], form: FormData, meta: BookingFormMeta
) -> SubmitOutcome:
    from bot.booking.guard import SlotBusy, TakenAtSameMoment
    from bot.fluentbooking import SlotUnavailableError, ValidationError

    view = body["view"]
    user_id = body["user"]["id"]
    time_block = form.time_block or BlockId.DAY.value
    slots_tz = iana_or(meta.timezone, "UTC")
    try:
        event = await deps.event(form.event_id or 0)
        if event is None:
            return _errors(
                {BlockId.EVENT.value: "This event is no longer offered; pick another."}, meta
            )
        assert form.time_value is not None
        intent = BookingIntent(
            user_id=user_id,
            event=event,
            event_time=form.time_value,
            start=parse_event_time(form.time_value, slots_tz),
            timezone=slots_tz,
            name=form.name,
            email=form.email,
            duration=form.duration,
            phone=form.phone or None,
            address=form.address or None,
            message=form.message or None,
            guests=form.guests,
            view_id=view["id"],
            channel=meta.channel_id,
        )
        outcome = await deps.booking.book(intent)
        announce.after_booking(deps, client, user_id, outcome)
        already = outcome.already and not outcome.recovered  # found on the site: "Booked"
        result_view = modal.result_view(outcome.result, meta, already=already)
        return SubmitOutcome({"response_action": "update", "view": result_view}, result_view)
    except (SlotUnavailableError, TakenAtSameMoment, SlotBusy) as lost:
        taken = clock(parse_event_time(form.time_value or "", slots_tz))
        form_view = await _form_view_again(
            deps,
            form,
            meta,
            timezone=slots_tz,
            user_id=user_id,
            slots_error=f"{taken} {taken_phrase(lost)} Pick another free time.",
        )
        return SubmitOutcome({"response_action": "update", "view": form_view}, form_view)
    except ValidationError as exc:
        mapped = {
            str(SITE_FIELD_BLOCKS[f]): truncate(msg, 150)
            for f, msg in (exc.fields or {}).items()
            if f in SITE_FIELD_BLOCKS
        }
        if not mapped:
            mapped = {time_block: truncate(exc.user_message, 150)}
        return _errors(mapped, meta)
    except Exception as exc:  # the submission's answer: the failure shown in the form itself
        err = errors.describe(exc, action="booking from the form")
        return _errors({time_block: truncate(err.message, 300)}, meta, err.request_id)


def _errors(
    problems: dict[str, str], meta: BookingFormMeta, request_id: str | None = None
) -> SubmitOutcome:
    text = " ".join(problems.values())
    return SubmitOutcome(
        {"response_action": "errors", "errors": problems},
        modal.error_view(text, meta, request_id),
    )
