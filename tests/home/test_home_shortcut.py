"""Message shortcut "Book with this person": the form with the author as attendee."""

from __future__ import annotations

from typing import Any

from home_helpers import all_text, initial_value

from bot.demo.stack import LocalStack
from bot.localslack import DEMO_CHANNEL, U_ALICE, U_BOB, U_HELPER_BOT
from bot.slack.ids import BlockId, CallbackId


async def shortcut(stack: LocalStack, message: dict[str, Any], user: str = U_ALICE) -> None:
    base = {"channel": DEMO_CHANNEL, "ts": "1736700000.000100", "text": "let's meet"}
    resp = await stack.requester.message_shortcut(
        CallbackId.BOOK_SHORTCUT.value, {**base, **message}, user
    )
    assert resp.status == 200
    stack.wait_idle()


def notes(stack: LocalStack, user: str = U_ALICE) -> str:
    return all_text(stack.slack.ephemerals(user))


async def test_author_is_prefilled_as_attendee(stack: LocalStack) -> None:
    await shortcut(stack, {"user": U_BOB})
    [modal] = stack.slack.open_modals()
    assert initial_value(modal, BlockId.NAME.value) == "Bob Becker"
    assert initial_value(modal, BlockId.EMAIL.value) == "bob@example.com"
    assert notes(stack) == ""  # nothing to explain


async def test_author_without_email_opens_form_and_says_why(stack: LocalStack) -> None:
    stack.slack.add_user("U_NOMAIL", real_name="Nora <b>Nomail</b>", email=None)
    await shortcut(stack, {"user": "U_NOMAIL"})
    [modal] = stack.slack.open_modals()
    assert initial_value(modal, BlockId.NAME.value) == "Nora <b>Nomail</b>"  # plain text input
    assert initial_value(modal, BlockId.EMAIL.value) == ""  # not the user's own email
    note = notes(stack)
    assert "*Nora &lt;b&gt;Nomail&lt;/b&gt;*'s Slack profile shows no email address" in note
    assert "type their email" in note


async def test_message_from_an_app_is_refused_with_a_hint(stack: LocalStack) -> None:
    await shortcut(stack, {"user": U_HELPER_BOT, "bot_id": "B_HELPER"})
    await shortcut(stack, {"user": U_HELPER_BOT})  # no bot_id: the profile says is_bot
    await shortcut(stack, {"bot_id": "B_WEBHOOK", "subtype": "bot_message"})  # no user at all
    assert stack.slack.open_modals() == []
    assert "views.open" not in [c.method for c in stack.slack.calls]
    shown = stack.slack.ephemerals(U_ALICE)
    assert len(shown) == 3
    assert all("That message was posted by an app; pick a person" in m["text"] for m in shown)


async def test_own_message_books_for_yourself_and_says_so(stack: LocalStack) -> None:
    await shortcut(stack, {"user": U_ALICE})
    [modal] = stack.slack.open_modals()
    assert initial_value(modal, BlockId.EMAIL.value) == "alice@example.com"
    assert "That is your own message" in notes(stack)
