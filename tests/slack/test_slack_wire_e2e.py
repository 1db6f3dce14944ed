"""A button value or modal memory the bot did not write is refused end to end: the user
is told what to do, and neither the site nor the booking is touched."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from slack_test_helpers import all_text, last_ephemeral

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE
from bot.slack.ids import ActionId


async def _confirmation(stack: LocalStack) -> dict[str, Any]:
    resp = await stack.requester.command("/book", "demo with ana@acme.com next tue 3pm", U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    return last_ephemeral(stack, U_ALICE)


def _with_value(message: dict[str, Any], action_id: str, change: Any) -> dict[str, Any]:
    changed = copy.deepcopy(message)
    for block in changed.get("blocks") or []:
        for el in block.get("elements") or []:
            if el.get("action_id") == action_id:
                el["value"] = change(el["value"])
                return changed
    raise AssertionError(f"no {action_id} button")


def _edit(**fields: Any) -> Any:
    return lambda raw: json.dumps({**json.loads(raw), **fields})


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (_edit(event_id="3; drop"), "could not be read"),  # tampered
        (_edit(email=["x@evil.test"]), "could not be read"),
        (_edit(v=2), "could not be read"),  # an unknown version
        (lambda raw: raw + " " * 2100, "too long"),  # longer than Slack allows
        (lambda raw: '{"e":3,"t":"2025-01-14 15:00:00","m":"ana@acme.com"}', "could not be read"),
    ],
)
async def test_a_changed_book_button_books_nothing_and_calls_no_site(
    stack: LocalStack, change: Any, said: str
) -> None:
    message = await _confirmation(stack)
    stack.sandbox.clear_requests()
    shown_before = len(stack.slack.ephemerals(U_ALICE))
    tampered = _with_value(message, ActionId.BOOK_SLOT.value, change)
    resp = await stack.requester.click(
        tampered, action_id=ActionId.BOOK_SLOT.value, user_id=U_ALICE
    )
    assert resp.status == 200
    stack.wait_idle()
    assert stack.booking_count() == 0
    assert stack.sandbox.requests == []  # not even a read
    answers = stack.slack.ephemerals(U_ALICE)[shown_before:]
    assert len(answers) == 1  # told once
    text = all_text(answers[0])
    assert said in text and "Reference:" in text
    assert "Traceback" not in text and "Error" not in text


async def test_the_untouched_button_still_books(stack: LocalStack) -> None:
    message = await _confirmation(stack)
    resp = await stack.requester.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    assert stack.booking_count() == 1


async def test_a_more_button_of_the_old_format_lists_nothing(stack: LocalStack) -> None:
    # a message posted before the codec: its one-letter value has no version
    resp = await stack.requester.command("/bookings", "all", U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    message = copy.deepcopy(last_ephemeral(stack, U_ALICE))
    old = {
        "type": "button",
        "text": {"type": "plain_text", "text": "More"},
        "action_id": ActionId.MORE_BOOKINGS.value,
        "value": json.dumps({"p": "all", "n": 9999}),
    }
    message["blocks"].append({"type": "actions", "elements": [old]})
    stack.sandbox.clear_requests()
    resp = await stack.requester.click(
        message, action_id=ActionId.MORE_BOOKINGS.value, user_id=U_ALICE
    )
    assert resp.status == 200
    stack.wait_idle()
    assert stack.sandbox.requests == []
    assert "could not be read" in all_text(last_ephemeral(stack, U_ALICE))
