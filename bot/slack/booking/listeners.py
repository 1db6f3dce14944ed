"""Bolt listeners of the booking feature: /book, /slots, /bookings, their buttons, the
booking modal, its suggestions and the message shortcut.

Each listener acks within a few ms and hands the work to a task (`Deps.spawn`), except
the modal submission, whose answer is the ack itself (see `form.submit`). A listener
whose first call is views.open (`/book` with no text, Change / Open booking form, the
message shortcut) starts that task at once, so the trigger is used right after the ack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.fluentbooking import FluentBookingError
from bot.slack import booking_actions
from bot.slack.booking import bookings_list, form, slots
from bot.slack.booking.common import Prefill
from bot.slack.booking.oneline import book_button, book_line
from bot.slack.booking.shortcut import book_with_person
from bot.slack.booking.suggest import event_options, timezone_options
from bot.slack.codec import (
    MoreBookingsValue,
    PickEventValue,
    PrefillValue,
    SlotRangeValue,
    SlotValue,
    decode_any,
)
from bot.slack.deps import Deps
from bot.slack.errors import ResponseUrl
from bot.slack.help import help_message
from bot.slack.ids import REFRESH_ACTIONS, ActionId, CallbackId
from bot.slack.origin import Origin, origin_of

log = logging.getLogger(__name__)

HELP_WORDS = {"help", "-h", "--help", "?"}

#: a listener's work after the ack (spawned; a failure it lets escape is told once)
Handler = Callable[[Deps, AsyncWebClient, dict[str, Any], Origin], Coroutine[Any, Any, None]]
#: a Bolt listener as registered
Listener = Callable[..., Awaitable[None]]


# -- slash commands ----------------------------------------------------------------------
async def handle_book(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    text = (body.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        await origin.respond(**help_message("/book"))
        return
    if not text:
        await form.open_form(
            deps,
            client,
            trigger_id=origin.trigger_id or "",
            user_id=origin.user_id,
            channel_id=origin.channel_id,
        )
        return
    await book_line(deps, client, origin, text)


async def handle_slots(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    text = (body.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        await origin.respond(**help_message("/slots"))
        return
    await slots.slots(deps, client, origin, text)


async def handle_bookings(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    text = (body.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        await origin.respond(**help_message("/bookings"))
        return
    await bookings_list.bookings(deps, client, origin, text)


COMMANDS = {"/book": handle_book, "/slots": handle_slots, "/bookings": handle_bookings}


# -- buttons -----------------------------------------------------------------------------
def _raw_value(body: dict[str, Any]) -> object:
    return ((body.get("actions") or [{}])[0]).get("value")


async def on_book_slot(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    ts = (body.get("container") or {}).get("message_ts")
    value = SlotValue.decode(_raw_value(body))
    await book_button(deps, client, origin, value, message_ts=ts)


async def on_change(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    """Change / Open booking form: the modal, prefilled with the button's choice."""
    value = decode_any(_raw_value(body), SlotValue, PrefillValue)
    assert isinstance(value, SlotValue | PrefillValue)
    await form.open_form(
        deps,
        client,
        trigger_id=origin.trigger_id or "",
        user_id=origin.user_id,
        channel_id=origin.channel_id,
        prefill=Prefill.from_value(value),
    )


async def on_pick_event(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    value = PickEventValue.decode(_raw_value(body))
    await book_line(deps, client, origin, value.query, event_id=value.event_id)


async def on_more(deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin) -> None:
    value = MoreBookingsValue.decode(_raw_value(body))
    team = " team" if value.team else ""  # an admin's view: bookings() checks again
    await bookings_list.bookings(
        deps, client, origin, value.period + team, limit=value.limit, replace=True
    )


async def on_booking_details(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    action = (body.get("actions") or [{}])[0]
    raw = str((action.get("selected_option") or {}).get("value") or "")
    if not raw.isdigit():
        return
    await bookings_list.booking_details(deps, client, origin, int(raw))


async def on_more_slots(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    await slots.more_slots(deps, client, origin, SlotRangeValue.decode(_raw_value(body)))


async def on_refresh(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    await form.refresh(deps, client, body)


def opens_modal(body: dict[str, Any]) -> bool:
    """`/book` with no text: its first call is views.open with the command's trigger."""
    return not (body.get("text") or "").strip()


def _always(body: dict[str, Any]) -> bool:
    return True


def register(app: AsyncApp, deps: Deps) -> None:
    # a lifecycle click in a /bookings listing redraws it (bot.slack.booking_actions)
    booking_actions.register_redraw("bookings", bookings_list.redraw)

    def bind(handler: Handler, at_once: Callable[[dict[str, Any]], bool] | None = None) -> Listener:
        """Ack, then hand the work to a task: held by the AckGate, or started at once
        when `at_once(body)` says its first call is a views.open (see Deps.spawn)."""

        async def listener(
            ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
        ) -> None:
            await ack()
            origin = origin_of(body, respond)
            work = handler(deps, client, body, origin)
            urgent = at_once is not None and at_once(body)
            deps.spawn_for(origin.surface(client), work, action=handler.__name__, at_once=urgent)
            if urgent:
                await deps.head_start()

        listener.__name__ = f"ack_{handler.__name__}"
        return listener

    for name, handler in COMMANDS.items():
        app.command(name)(bind(handler, opens_modal if name == "/book" else None))

    app.action(re.compile(rf"^{ActionId.BOOK_SLOT.value}(:\d+)?$"))(bind(on_book_slot))
    app.action(ActionId.CHANGE.value)(bind(on_change, _always))
    app.action(ActionId.OPEN_FORM.value)(bind(on_change, _always))
    app.action(re.compile(rf"^{ActionId.PICK_EVENT.value}(:\d+)?$"))(bind(on_pick_event))
    app.action(ActionId.MORE_BOOKINGS.value)(bind(on_more))
    app.action(ActionId.BOOKING_DETAILS.value)(bind(on_booking_details))
    app.action(re.compile(rf"^{ActionId.MORE_SLOTS.value}(:\d+)?$"))(bind(on_more_slots))
    for action_id in REFRESH_ACTIONS:
        app.action(action_id.value)(bind(on_refresh))
    # choosing a time needs no round trip
    app.action(ActionId.TIME.value)(_ack_only)

    @app.view(CallbackId.BOOK_MODAL.value)
    async def on_book_submit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        answer = await form.submit(deps, client, body)
        await ack(**answer) if answer else await ack()

    @app.view_closed(CallbackId.BOOK_MODAL.value)
    async def on_book_closed(ack: AsyncAck) -> None:
        await ack()

    @app.options(ActionId.TIMEZONE.value)
    async def on_tz_options(ack: AsyncAck, payload: dict[str, Any]) -> None:
        await ack(options=timezone_options(payload.get("value") or ""))

    @app.options(ActionId.EVENT.value)
    async def on_event_options(ack: AsyncAck, payload: dict[str, Any]) -> None:
        try:
            options = await event_options(deps, payload.get("value") or "")
        except FluentBookingError as exc:  # no suggestions while the site is down; the form stays
            log.warning("event suggestions: the site failed (%s)", exc.kind)
            options = []
        await ack(options=options)

    @app.shortcut(CallbackId.BOOK_SHORTCUT.value)
    async def on_shortcut(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        work = book_with_person(deps, client, body, respond)
        deps.spawn_for(ResponseUrl(respond), work, action="the message shortcut", at_once=True)
        await deps.head_start()


async def _ack_only(ack: AsyncAck) -> None:
    await ack()
