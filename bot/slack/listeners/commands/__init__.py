"""Slash commands: /book, /slots, /bookings, /booking-settings."""

from __future__ import annotations

import time
from typing import Any

from bot.slack import admin
from bot.slack.deps import Deps, deps_of
from bot.slack.flows import lists
from bot.slack.flows.form import open_form
from bot.slack.flows.oneline import Origin, book_line
from bot.slack.views.help import help_message

HELP_WORDS = {"help", "-h", "--help", "?"}


def origin_of(body: dict[str, Any], respond: Any) -> Origin:
    return Origin(
        user_id=body.get("user_id") or (body.get("user") or {}).get("id", ""),
        channel_id=body.get("channel_id") or (body.get("channel") or {}).get("id"),
        trigger_id=body.get("trigger_id"),
        received=time.monotonic(),
        respond=respond,
    )


async def handle_book(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    text = (body.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        await origin.respond(**help_message("/book"))
        return
    if not text:
        from bot.slack import errors

        try:
            await open_form(
                deps,
                client,
                trigger_id=origin.trigger_id or "",
                user_id=origin.user_id,
                channel_id=origin.channel_id,
            )
        except Exception as exc:
            await errors.tell(origin.respond, exc, action="opening the booking form")
        return
    await book_line(deps, client, origin, text)


async def handle_slots(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    text = (body.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        await origin.respond(**help_message("/slots"))
        return
    await lists.slots(deps, client, origin, text)


async def handle_bookings(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    text = (body.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        await origin.respond(**help_message("/bookings"))
        return
    await lists.bookings(deps, client, origin, text)


async def handle_settings(deps: Deps, client: Any, body: dict[str, Any], origin: Origin) -> None:
    await admin.handle_command(deps, client, body, origin)


HANDLERS = {
    "/book": handle_book,
    "/slots": handle_slots,
    "/bookings": handle_bookings,
    "/booking-settings": handle_settings,
}


def register(app: Any) -> None:
    deps = deps_of(app)
    for name, handler in HANDLERS.items():
        app.command(name)(_listener(deps, handler))


def _listener(deps: Deps, handler: Any) -> Any:
    async def listener(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
        await ack()
        deps.spawn(handler(deps, client, body, origin_of(body, respond)))

    listener.__name__ = f"ack_{handler.__name__}"
    return listener
