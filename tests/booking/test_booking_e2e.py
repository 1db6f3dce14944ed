"""End to end through the Slack stand-in and the sandbox: one booking per slot on a site
whose creates race, the truth after a lost answer, cancel-then-rebook, a store file
deleted under the bot."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.slack_text import all_text

from bot.demo.stack import LocalStack
from bot.fluentbooking import FluentBookingClient
from bot.localslack import U_ALICE
from bot.slack.ids import ActionId

from .booking_helpers import NOTIFY, dms

CREATE = "/bookings/create/"
LINE = "workshop jan 15 10am"  # event 7, Jordan Blake, London: a free slot on DEFAULT_NOW


def live_bookings(stack: LocalStack) -> list[tuple[int, str, str]]:
    with sqlite3.connect(stack.sandbox.db_path) as db:
        rows = db.execute(
            "SELECT id, email, start_time FROM bookings"
            " WHERE status IN ('scheduled', 'pending') ORDER BY id"
        ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


async def confirm_message(stack: LocalStack, user: str, line: str = LINE) -> dict[str, Any]:
    resp = await stack.requester.command("/book", line, user)
    assert resp.status == 200
    stack.wait_idle()
    message = stack.slack.ephemerals(user)[-1]
    assert "Book" in all_text(message), all_text(message)
    return message


def answer_to(stack: LocalStack, user: str) -> str:
    """What the member sees last: the reply that replaced the Book button."""
    return all_text(stack.slack.ephemerals(user)[-1])


async def click_book(stack: LocalStack, message: dict[str, Any], user: str) -> None:
    resp = await stack.requester.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=user)
    assert resp.status == 200


async def test_members_clicking_book_on_one_slot_at_once_get_one_booking(
    stack: LocalStack,
) -> None:
    members = [f"U_M{i}" for i in range(8)]
    for i, user in enumerate(members):
        stack.slack.add_user(user, name=f"m{i}", real_name=f"Member {i}", email=f"m{i}@example.com")
    messages = [await confirm_message(stack, user) for user in members]
    stack.sandbox.set_faults(race=0.3, path=CREATE)  # the site itself would book them all
    await asyncio.gather(*(click_book(stack, m, u) for m, u in zip(messages, members, strict=True)))
    stack.wait_idle()
    stack.sandbox.clear_faults()

    live = live_bookings(stack)
    assert len(live) == 1, live
    winner = next(u for u in members if "Booked" in answer_to(stack, u))
    for user in members:
        if user == winner:
            assert len(dms(stack, user)) == 1
            continue
        text = answer_to(stack, user)
        assert "was just taken" in text and "nearest free times" in text, text
        assert "Book" in text  # fresh times to pick from
        assert dms(stack, user) == []
    assert len(stack.slack.messages(NOTIFY)) == 1


@pytest.mark.parametrize(
    "faults",
    [{"status": 502}, {"drop": True}, {"latency": 5.0}],
    ids=["5xx-after-booking", "dropped-after-booking", "late-answer"],
)
async def test_a_lost_create_answer_ends_booked_with_the_dm(
    stack: LocalStack, faults: dict[str, Any]
) -> None:
    message = await confirm_message(stack, U_ALICE)
    stack.sandbox.set_faults(after=True, path=CREATE, count=1, **faults)
    await click_book(stack, message, U_ALICE)
    stack.wait_idle()
    text = answer_to(stack, U_ALICE)
    assert "Booked" in text and "may or may not" not in text, text
    [(booking_id, _, _)] = live_bookings(stack)
    assert f"#{booking_id}" in text or str(booking_id) in text
    [dm] = dms(stack, U_ALICE)
    assert "You booked" in all_text(dm)
    # the same click again (a retry) says booked too, and books nothing more
    await click_book(stack, message, U_ALICE)
    stack.wait_idle()
    assert "just taken" not in answer_to(stack, U_ALICE)
    assert len(live_bookings(stack)) == 1 and len(dms(stack, U_ALICE)) == 1


async def test_a_lost_answer_with_nothing_booked_says_so_plainly(stack: LocalStack) -> None:
    message = await confirm_message(stack, U_ALICE)
    stack.sandbox.set_faults(status=502, path=CREATE, count=1)  # failed before booking
    await click_book(stack, message, U_ALICE)
    stack.wait_idle()
    text = answer_to(stack, U_ALICE)
    assert "nothing was booked" in text and "may or may not" not in text, text
    assert live_bookings(stack) == [] and dms(stack, U_ALICE) == []


async def test_cancelled_on_the_site_then_booked_again_is_a_new_booking(
    stack: LocalStack,
) -> None:
    message = await confirm_message(stack, U_ALICE)
    await click_book(stack, message, U_ALICE)
    stack.wait_idle()
    [(first, _, _)] = live_bookings(stack)
    site = stack.sandbox
    async with FluentBookingClient(
        site.url, site.username, site.app_password, clock=site.now
    ) as client:
        await client.cancel_booking(first, "The host is away")
    again = await confirm_message(stack, U_ALICE)
    await click_book(stack, again, U_ALICE)
    stack.wait_idle()
    text = answer_to(stack, U_ALICE)
    assert "Already booked" not in text and "Booked" in text, text
    [(second, _, _)] = live_bookings(stack)
    assert second != first and str(second) in text
    assert len(dms(stack, U_ALICE)) == 2


async def test_the_bots_sqlite_file_deleted_mid_run_loses_no_booking_or_dm(
    stack: LocalStack, tmp_path: Path
) -> None:
    message = await confirm_message(stack, U_ALICE)
    await click_book(stack, message, U_ALICE)
    stack.wait_idle()
    for name in os.listdir(tmp_path):
        if name.startswith("bot.sqlite3"):
            os.unlink(tmp_path / name)
    async with httpx.AsyncClient(timeout=15) as http:
        gone = await http.get(f"{stack.bot.url}/readyz")  # noticed, and reported
    assert gone.status_code == 503 and "state store" in gone.json()["reason"], gone.text
    later = await confirm_message(stack, U_ALICE, "workshop jan 15 9am")
    await click_book(stack, later, U_ALICE)
    stack.wait_idle()
    assert "Booked" in answer_to(stack, U_ALICE)
    assert len(live_bookings(stack)) == 2 and len(dms(stack, U_ALICE)) == 2
    assert (tmp_path / "bot.sqlite3").exists()  # a new file, made on the spot
    async with httpx.AsyncClient(timeout=15) as http:
        assert (await http.get(f"{stack.bot.url}/readyz")).status_code == 200
