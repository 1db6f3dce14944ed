"""Events and the message shortcut."""

from __future__ import annotations

import logging
from typing import Any

from bot.slack import errors
from bot.slack.deps import Deps, deps_of
from bot.slack.flows.common import Prefill
from bot.slack.flows.form import open_form
from bot.slack.ids import CallbackId
from bot.slack.views.home import home_view

log = logging.getLogger(__name__)


async def publish_home(deps: Deps, client: Any, user_id: str) -> None:
    try:
        await client.views_publish(user_id=user_id, view=home_view())
    except Exception as exc:
        errors.describe(exc, action="publishing App Home")


async def book_with_person(deps: Deps, client: Any, body: dict[str, Any]) -> None:
    """Message shortcut: the form with the message's author as attendee."""
    user_id = body["user"]["id"]
    author = (body.get("message") or {}).get("user")
    channel = (body.get("channel") or {}).get("id")
    prefill = Prefill()
    try:
        if author and author != user_id:
            person = await deps.profile(client, author)
            prefill = Prefill(name=person.name, email=person.email, timezone=person.timezone)
        await open_form(
            deps,
            client,
            trigger_id=body["trigger_id"],
            user_id=user_id,
            channel_id=channel,
            prefill=prefill,
        )
    except Exception as exc:
        errors.describe(exc, action="the message shortcut")


def register(app: Any) -> None:
    deps = deps_of(app)

    @app.event("app_home_opened")
    async def on_home_opened(ack: Any, event: dict[str, Any], client: Any) -> None:
        await ack()
        if event.get("tab", "home") == "home":
            deps.spawn(publish_home(deps, client, event["user"]))

    @app.shortcut(CallbackId.BOOK_SHORTCUT.value)
    async def on_shortcut(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        deps.spawn(book_with_person(deps, client, body))
