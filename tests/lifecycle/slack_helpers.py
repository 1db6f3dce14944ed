"""Drive the lifecycle buttons and modals like a member would."""

from __future__ import annotations

import json
from typing import Any

import httpx
from support.slack_text import all_text as all_text

from bot.demo.stack import LocalStack

NOTIFY = "C_BOOKINGS"
U_HOST = "U_HOST"  # Alex Rivera, demo@example.com: hosts the sandbox's calendar 1


def dms(stack: LocalStack, user: str) -> list[dict[str, Any]]:
    return [m for m in stack.slack.messages(user) if m.get("user") == stack.slack.bot_user_id]


def posts(stack: LocalStack) -> list[dict[str, Any]]:
    return stack.slack.messages(NOTIFY)


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """action_id -> button element, for the lifecycle buttons of a message."""
    found = {}
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if str(element.get("action_id") or "").startswith("lifecycle_"):
                found[element["action_id"]] = element
    return found


def booking_id_of(message: dict[str, Any]) -> int:
    button = next(iter(buttons(message).values()))
    return int(json.loads(button["value"])["booking_id"])


def site_booking(stack: LocalStack, booking_id: int) -> dict[str, Any]:
    """The booking as the site holds it (read over HTTP with the site's credentials)."""
    response = httpx.get(
        f"{stack.sandbox.api_url}/schedules/{booking_id}",
        auth=(stack.sandbox.username, stack.sandbox.app_password),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["schedule"]


def writes(stack: LocalStack) -> list[str]:
    return [f"{r.method} {r.path}" for r in stack.sandbox.requests if r.method in ("PUT", "POST")]


async def click(stack: LocalStack, message: dict[str, Any], action: str, user: str) -> Any:
    resp = await stack.requester.click(message, action_id=f"lifecycle_{action}", user_id=user)
    assert resp.status == 200
    stack.wait_idle()
    return resp


def last_modal(stack: LocalStack) -> dict[str, Any]:
    return stack.slack.open_modals()[-1]


async def submit(stack: LocalStack, view_id: str, values: dict[str, Any]) -> Any:
    resp = await stack.requester.view_submission(view_id, values)
    assert resp.status == 200
    stack.wait_idle()
    return resp


async def book_in_modal(
    stack: LocalStack, user: str, *, event_id: int, day: str, clock_text: str
) -> None:
    """/book, choose the event, day and time, submit (the member is the attendee)."""
    from bot.slack.ids import ActionId, BlockId

    resp = await stack.requester.command("/book", "", user)
    assert resp.status == 200
    stack.wait_idle()
    view_id = stack.slack.open_modals()[-1]["id"]
    await stack.requester.block_action(ActionId.EVENT.value, view_id=view_id, value=str(event_id))
    stack.wait_idle()
    await stack.requester.block_action(ActionId.DAY.value, view_id=view_id, value=day)
    stack.wait_idle()
    view = stack.slack.view(view_id)
    block = next(
        b for b in view["blocks"] if str(b.get("block_id") or "").startswith(BlockId.TIME.value)
    )
    option = next(o for o in block["element"]["options"] if o["text"]["text"] == clock_text)
    resp = await stack.requester.view_submission(view_id, {block["block_id"]: option["value"]})
    assert resp.status == 200
    stack.wait_idle()
