"""Drive the local stack like a user: book through the modal or a one-line command."""

from __future__ import annotations

from typing import Any

from support.slack_text import all_text as all_text  # re-exported for the home tests

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE
from bot.slack.ids import ActionId, BlockId

#: the announcement channel (the bot is a member unless a test says otherwise)
NOTIFY = "C_BOOKINGS"


def find_block(view: dict[str, Any], prefix: str) -> dict[str, Any]:
    for b in view.get("blocks") or []:
        if (b.get("block_id") or "").startswith(prefix):
            return b
    raise AssertionError(f"no block {prefix!r} in {[b.get('block_id') for b in view['blocks']]}")


def initial_value(view: dict[str, Any], block_id: str) -> str:
    return find_block(view, block_id)["element"].get("initial_value") or ""


async def open_modal(stack: LocalStack, user: str = U_ALICE) -> str:
    resp = await stack.requester.command("/book", "", user)
    assert resp.status == 200
    stack.wait_idle()
    return stack.slack.open_modals()[-1]["id"]


async def fill_modal(
    stack: LocalStack, view_id: str, *, event_id: int, day: str, clock_text: str
) -> dict[str, Any]:
    """Choose the event and day in an open modal; the submission values for that time."""
    await stack.requester.block_action(ActionId.EVENT.value, view_id=view_id, value=str(event_id))
    stack.wait_idle()
    await stack.requester.block_action(ActionId.DAY.value, view_id=view_id, value=day)
    stack.wait_idle()
    view = stack.slack.view(view_id)
    time_block = find_block(view, BlockId.TIME.value)
    option = next(o for o in time_block["element"]["options"] if o["text"]["text"] == clock_text)
    return {time_block["block_id"]: option["value"]}


async def book_in_modal(
    stack: LocalStack,
    *,
    user: str = U_ALICE,
    event_id: int = 3,
    day: str = "2025-01-15",
    clock_text: str = "3:00 PM",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Open /book, choose, submit; returns the submission's ack (what the user sees)."""
    view_id = await open_modal(stack, user)
    values = await fill_modal(stack, view_id, event_id=event_id, day=day, clock_text=clock_text)
    resp = await stack.requester.view_submission(view_id, {**values, **(extra or {})})
    assert resp.status == 200
    stack.wait_idle()
    return resp.json()


async def book_one_line(stack: LocalStack, text: str, user: str = U_ALICE) -> None:
    """`/book <text>` for a free time, then its Book button."""
    resp = await stack.requester.command("/book", text, user)
    assert resp.status == 200
    stack.wait_idle()
    message = stack.slack.ephemerals(user)[-1]
    assert "Book" in all_text(message), all_text(message)
    resp = await stack.requester.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=user)
    assert resp.status == 200
    stack.wait_idle()


def dms(stack: LocalStack, user: str) -> list[dict[str, Any]]:
    """Messages the bot posted in its DM with `user`."""
    return [m for m in stack.slack.messages(user) if m.get("user") == stack.slack.bot_user_id]
