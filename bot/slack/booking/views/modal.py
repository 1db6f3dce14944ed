"""The booking modal: loading, form, result and error states."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.booking.result import BookingResult
from bot.fluentbooking.models import Event
from bot.slack.booking.views.model import FormState
from bot.slack.codec import BookingFormMeta
from bot.slack.fmt import clock, duration_label, when_label
from bot.slack.ids import ActionId, BlockId, CallbackId
from bot.slack.inputs import input_block, option, select_input, text_input
from bot.slack.modal import modal_view
from bot.slack.text import (
    MAX_OPTIONS,
    escape,
    mrkdwn,
    plain,
    truncate,
)

TITLE = "Book a meeting"


def _view(
    blocks: list[dict[str, Any]],
    metadata: BookingFormMeta,
    *,
    submit: str | None = None,
    close: str = "Cancel",
    title: str = TITLE,
) -> dict[str, Any]:
    return modal_view(
        CallbackId.BOOK_MODAL.value, title, blocks, metadata, submit=submit, close=close
    )


def loading_view(metadata: BookingFormMeta, text: str = "Loading events and free times…"):
    return _view(
        [{"type": "section", "text": mrkdwn(f":hourglass_flowing_sand: {text}")}], metadata
    )


@lru_cache(maxsize=1024)
def loading_view_for(channel_id: str | None, user_id: str) -> dict[str, Any]:
    """The booking form's loading modal for a member in a channel, built once: it is
    what views.open sends right after the ack (callers only read it)."""
    return loading_view(BookingFormMeta(channel_id=channel_id, user_id=user_id))


def error_view(message: str, metadata: BookingFormMeta, request_id: str | None = None):
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(f":warning: {escape(message)}")},
    ]
    if request_id:
        blocks.append(
            {"type": "context", "elements": [mrkdwn(f"Reference: `{escape(request_id)}`")]}
        )
    return _view(blocks, metadata, close="Close")


def event_option(event: Event) -> dict[str, Any]:
    label = event.title if not event.host_name else f"{event.title} — {event.host_name}"
    return option(label, str(event.id))


def _by_host(events: list[Event]) -> dict[str, list[dict[str, Any]]]:
    """Event options per host name, hosts in the order their first event comes."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for event in events[:MAX_OPTIONS]:
        groups.setdefault(event.host_name or "", []).append(event_option(event))
    return groups


def time_block_id(state: FormState) -> str:
    return f"{BlockId.TIME.value}{state.time_block_suffix}"


def form_view(state: FormState, metadata: BookingFormMeta) -> dict[str, Any]:
    """The filled form. Event, duration, day and zone refresh the times (dispatch_action)."""
    blocks: list[dict[str, Any]] = []
    event = state.event
    if state.form_error:
        blocks.append(
            {"type": "context", "elements": [mrkdwn(f":warning: {escape(state.form_error)}")]}
        )
    if len(state.events) > MAX_OPTIONS:
        element: dict[str, Any] = {
            "type": "external_select",
            "action_id": ActionId.EVENT.value,
            "placeholder": plain("Type to search events"),
            "min_query_length": 0,
        }
        if event is not None:
            element["initial_option"] = event_option(event)
        blocks.append(input_block(BlockId.EVENT.value, "Event", element, dispatch=True))
    else:
        event_block = select_input(
            BlockId.EVENT.value,
            "Event",
            ActionId.EVENT.value,
            [event_option(e) for e in state.events],
            str(state.event_id) if state.event_id is not None else None,
            dispatch=True,
            placeholder="Choose an event",
        )
        groups = _by_host(state.events)
        if len(groups) > 1:  # several hosts: the events under each host's name
            element = event_block["element"]
            del element["options"]
            element["option_groups"] = [
                {"label": plain(truncate(host or "Other", 75)), "options": options}
                for host, options in groups.items()
            ]
        blocks.append(event_block)
    if event is not None and event.multi_duration:
        blocks.append(
            select_input(
                BlockId.DURATION.value,
                "Duration",
                ActionId.DURATION.value,
                [option(duration_label(d), str(d)) for d in event.durations],
                str(state.duration or event.duration),
                dispatch=True,
            )
        )
    day_element: dict[str, Any] = {"type": "datepicker", "action_id": ActionId.DAY.value}
    if state.day is not None:
        day_element["initial_date"] = state.day.isoformat()
    blocks.append(input_block(BlockId.DAY.value, "Day", day_element, dispatch=True))
    if state.slots:
        options = [option(clock(s.start), s.value) for s in state.slots]
        time_input = select_input(
            time_block_id(state),
            f"Available time ({state.timezone})",
            ActionId.TIME.value,
            options,
            state.time_value,
            placeholder="Choose a time",
        )
        if state.slots_error:
            time_input["hint"] = plain(f"⚠️ {state.slots_error}", 2000)
        blocks.append(time_input)
        if len(state.slots) > MAX_OPTIONS:
            blocks.append(
                {
                    "type": "context",
                    "elements": [mrkdwn(f"Showing the first {MAX_OPTIONS} times of this day.")],
                }
            )
    if event is not None and state.day is not None and not state.slots:
        note = state.slots_error or "No free times on this day. Pick another day."
        blocks.append(
            {
                "type": "context",
                "block_id": BlockId.TIME_NOTE.value,
                "elements": [mrkdwn(f":warning: {escape(note)}")],
            }
        )
    blocks.append(text_input(BlockId.NAME.value, "Attendee name", ActionId.NAME.value, state.name))
    blocks.append(
        text_input(
            BlockId.EMAIL.value,
            "Attendee email",
            ActionId.EMAIL.value,
            state.email,
            hint="Change the name and email to book for someone else.",
        )
    )
    tz_option = option(state.timezone, state.timezone)
    tz_element = {
        "type": "external_select",
        "action_id": ActionId.TIMEZONE.value,
        "placeholder": plain("Type a city or zone"),
        "initial_option": tz_option,
        "min_query_length": 1,
    }
    blocks.append(
        input_block(BlockId.TIMEZONE.value, "Attendee timezone", tz_element, dispatch=True)
    )
    if event is not None and "phone" in event.requires:
        blocks.append(
            text_input(
                BlockId.PHONE.value,
                "Phone number",
                ActionId.PHONE.value,
                state.phone,
                placeholder="+1 555 123 4567",
                hint="The host calls this number.",
            )
        )
    if event is not None and "address" in event.requires:
        blocks.append(
            text_input(BlockId.ADDRESS.value, "Address", ActionId.ADDRESS.value, state.address)
        )
    blocks.append(
        text_input(
            BlockId.MESSAGE.value,
            "Message",
            ActionId.MESSAGE.value,
            state.message,
            optional=True,
            multiline=True,
        )
    )
    blocks.append(
        text_input(
            BlockId.GUESTS.value,
            "Guests",
            ActionId.GUESTS.value,
            state.guests,
            optional=True,
            placeholder="bob@example.com, carol@example.com",
        )
    )
    return _view(blocks, metadata, submit="Book")


def result_blocks(result: BookingResult, *, already: bool = False) -> list[dict[str, Any]]:
    """The booking as the person who booked sees it (modal or ephemeral message)."""
    pending = result.status.lower() == "pending"
    if already:
        head = ":white_check_mark: *Already booked*"
    elif pending:
        head = ":hourglass: *Requested*: the host confirms this booking"
    else:
        head = ":white_check_mark: *Booked*"
    title = escape(result.event_title)
    if result.host_name:
        title += f" with {escape(result.host_name)}"
    lines = [
        f"{head}: {title}",
        f"*When:* {when_label(result.start, result.end, result.timezone)}",
        f"*Attendee:* {escape(result.name)} ({escape(result.email)})",
    ]
    if result.location:
        lines.append(f"*Location:* {escape(result.location)}")
    return [
        {"type": "section", "text": mrkdwn("\n".join(lines))},
        {
            "type": "context",
            "elements": [mrkdwn(f"Booking #{result.booking_id} · status {escape(result.status)}")],
        },
    ]


def result_view(result: BookingResult, metadata: BookingFormMeta, *, already: bool = False):
    return _view(result_blocks(result, already=already), metadata, close="Done", title="Booked")
