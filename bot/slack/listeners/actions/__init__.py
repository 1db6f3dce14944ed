"""Buttons in messages and the modal's dispatch actions."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.slack import errors
from bot.slack.deps import Deps, deps_of
from bot.slack.flows import form, lists
from bot.slack.flows.common import Prefill
from bot.slack.flows.oneline import Origin, book_button, book_line
from bot.slack.ids import REFRESH_ACTIONS, ActionId
from bot.slack.listeners.commands import origin_of


def _value(body: dict[str, Any]) -> dict[str, Any]:
    action = (body.get("actions") or [{}])[0]
    try:
        value = json.loads(action.get("value") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


async def on_book_slot(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    ts = (body.get("container") or {}).get("message_ts")
    await book_button(deps, client, origin, _value(body), message_ts=ts)


async def on_change(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    """Change / Open booking form: the modal, prefilled with the button's choice."""
    value = _value(body)
    if "t" in value and "s" in value:  # a slot button's value
        value = {**value, "day": value["s"][:10]}
    try:
        await form.open_form(
            deps,
            client,
            trigger_id=origin.trigger_id or "",
            user_id=origin.user_id,
            channel_id=origin.channel_id,
            prefill=Prefill.from_value(value),
        )
    except Exception as exc:
        await errors.tell(origin.respond, exc, action="opening the booking form")


async def on_pick_event(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    value = _value(body)
    await book_line(deps, client, origin, str(value.get("q") or ""), event_id=int(value["e"]))


async def on_more(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    value = _value(body)
    await lists.bookings(
        deps,
        client,
        origin,
        str(value.get("p") or "upcoming"),
        limit=int(value.get("n") or lists.PAGE),
        replace=True,
    )


async def on_more_slots(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    await lists.more_slots(deps, client, origin, _value(body))


async def on_refresh(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    await form.refresh(deps, client, body)


def register(app: Any) -> None:
    deps = deps_of(app)

    def bind(handler: Any) -> Any:
        async def listener(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
            await ack()
            deps.spawn(handler(deps, client, body, origin_of(body, respond)))

        listener.__name__ = f"ack_{handler.__name__}"
        return listener

    app.action(re.compile(rf"^{ActionId.BOOK_SLOT.value}(:\d+)?$"))(bind(on_book_slot))
    app.action(ActionId.CHANGE.value)(bind(on_change))
    app.action(ActionId.OPEN_FORM.value)(bind(on_change))
    app.action(re.compile(rf"^{ActionId.PICK_EVENT.value}(:\d+)?$"))(bind(on_pick_event))
    app.action(ActionId.MORE_BOOKINGS.value)(bind(on_more))
    app.action(re.compile(rf"^{ActionId.MORE_SLOTS.value}(:\d+)?$"))(bind(on_more_slots))
    for action_id in REFRESH_ACTIONS:
        app.action(action_id.value)(bind(on_refresh))
    # choosing a time needs no round trip
    app.action(ActionId.TIME.value)(_ack_only)


async def _ack_only(ack: Any) -> None:
    await ack()
