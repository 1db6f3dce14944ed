"""Every input answered: details typed in one line, unknown mentions, impossible years."""

from __future__ import annotations

import sqlite3

import pytest
from support.slack_text import all_text

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE
from bot.slack.ids import ActionId

from .booking_helpers import dms

#: what an unhandled error looks like to the user (errors.describe's last resort)
GENERIC = ("traceback", "something went wrong", "overflowerror", "reference ")


async def last_answer(stack: LocalStack, command: str, text: str) -> str:
    resp = await stack.requester.command(command, text, U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    shown = [all_text(m) for m in stack.slack.ephemerals(U_ALICE)]
    assert shown, f"no answer to {command} {text!r}"
    return shown[-1]


async def test_a_phone_typed_in_one_line_is_taken(stack: LocalStack) -> None:
    line = "phone call with ana@acme.com jan 15 10am phone +1 555 0100"
    text = await last_answer(stack, "/book", line)
    assert "30 Minute Phone Call" in text and "+1 555 0100" in text, text
    assert "No event matches" not in text
    message = stack.slack.ephemerals(U_ALICE)[-1]
    await stack.requester.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=U_ALICE)
    stack.wait_idle()
    assert "Booked" in all_text(stack.slack.ephemerals(U_ALICE)[-1])
    with sqlite3.connect(stack.sandbox.db_path) as db:
        [(phone, email)] = db.execute("SELECT location_description, email FROM bookings").fetchall()
    assert phone == "+1 555 0100" and email == "ana@acme.com"
    assert len(dms(stack, U_ALICE)) == 1


async def test_a_phone_event_without_a_phone_asks_for_it(stack: LocalStack) -> None:
    resp = await stack.requester.command(
        "/book", "phone call with ana@acme.com jan 15 10am", U_ALICE
    )
    assert resp.status == 200
    stack.wait_idle()
    [modal] = stack.slack.open_modals()  # the form, to type the phone in
    assert "phone" in all_text(modal).lower()


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/book", "in person with <@U123NOBODY> tomorrow 10am"),
        ("/slots", "demo 9999-12-31"),
        ("/book", "demo with ana@acme.com 9999-12-31 10am"),
        ("/slots", "demo dec 31 9999 11pm"),
        ("/book", "demo with ana@acme.com 25:99"),
    ],
)
async def test_odd_input_gets_a_clear_answer(
    stack: LocalStack,
    command: str,
    text: str,
) -> None:
    answer = await last_answer(stack, command, text)
    for word in GENERIC:
        assert word not in answer.lower(), answer
    assert len(answer) > 20
    if "U123NOBODY" in text:
        assert "can't find" in answer and "email address" in answer, answer


def test_a_book_button_carries_a_phone_only_when_one_was_typed() -> None:
    import dataclasses
    from datetime import UTC, datetime

    from bot.slack.codec import SlotValue

    plain = SlotValue(
        event_id=1,
        event_time="2025-01-15 10:00:00",
        start=datetime(2025, 1, 15, 15, 0, tzinfo=UTC),
        timezone="UTC",
        duration=None,
        name="Ana",
        email="ana@acme.com",
    )
    assert "phone" not in plain.encode()  # buttons made before phones were carried decode
    assert SlotValue.decode(plain.encode()) == plain
    with_phone = dataclasses.replace(plain, phone="+1 555 0100")
    assert SlotValue.decode(with_phone.encode()) == with_phone
