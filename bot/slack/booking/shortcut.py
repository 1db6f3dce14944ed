"""The message shortcut "Book with this person": the form with the message's author."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.booking.common import Prefill
from bot.slack.booking.form import open_form
from bot.slack.deps import Deps
from bot.slack.text import escape

log = logging.getLogger(__name__)


BOT_AUTHOR = (
    "That message was posted by an app; pick a person: use *Book with this person* on a "
    "message someone wrote, or type `/book` with their email."
)
SELF_AUTHOR = (
    "That is your own message, so the form is filled in with your details. "
    "Change the name and email to book for someone else."
)


def no_email(name: str) -> str:
    who = f"*{escape(name)}*" if name else "The author"
    return (
        f"{who}'s Slack profile shows no email address, so the form's *Email* field is "
        "empty: type their email there to book."
    )


async def _is_bot_user(client: AsyncWebClient, user_id: str) -> bool:
    resp = await client.users_info(user=user_id)
    user = resp.get("user") or {}
    return bool(user.get("is_bot") or (user.get("profile") or {}).get("bot_id"))


async def book_with_person(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], respond: AsyncRespond
) -> None:
    """Message shortcut: the form with the message's author as attendee.

    An app's message gets an ephemeral instead of the form; the user's own message and an
    author without an email open the form with a one-line note next to it. Started at
    once after the ack (not held by the AckGate); another member's message costs one
    Slack profile read (users.info, cached) before views.open, to tell an app's
    author from a person's."""
    user_id = body["user"]["id"]
    message = body.get("message") or {}
    author = message.get("user")
    channel = (body.get("channel") or {}).get("id")

    async def note(text: str) -> None:
        await respond(**blocks.notice(text), response_type="ephemeral", replace_original=False)

    if message.get("bot_id") or message.get("subtype") == "bot_message" or not author:
        await note(BOT_AUTHOR)
        return
    prefill = Prefill()
    after: str | None = None
    if author == user_id:
        after = SELF_AUTHOR
    else:
        person = await deps.profile(client, author)
        if not person.email and await _is_bot_user(client, author):
            await note(BOT_AUTHOR)
            return
        prefill = Prefill(name=person.name, email=person.email, timezone=person.timezone)
        if not person.email:
            after = no_email(person.name)
    await open_form(
        deps,
        client,
        trigger_id=body["trigger_id"],
        user_id=user_id,
        channel_id=channel,
        prefill=prefill,
    )
    if after:
        await note(after)
