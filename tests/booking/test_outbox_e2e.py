"""The outbox's background retries, end to end: Slack's chat.postMessage fails for a while
right after a booking; once Slack is back, the DM and the channel post arrive once, with
no new action from anyone, and the outbox records them as delivered."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

from support.slack_text import all_text

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE

from .booking_helpers import NOTIFY, dms
from .test_booking_e2e import answer_to, click_book, confirm_message, live_bookings


def quicken(stack: LocalStack) -> Any:
    """The bot's outbox, restarted with short pauses (the defaults are seconds)."""
    outbox = stack.bot.stack.outbox

    async def restart() -> None:
        await outbox.stop()
        outbox.poll_seconds, outbox.max_poll_seconds, outbox.retry_delays = 0.1, 0.4, (0.2,)
        outbox.start()

    stack.bot.run(restart())
    return outbox


def outbox_rows(stack: LocalStack) -> list[tuple[str, str]]:
    path = Path(stack.settings.database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, state FROM outbox ORDER BY id").fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


async def until(predicate: Any, what: str, seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
    return value


async def test_slack_down_after_a_booking_the_dm_arrives_once_when_it_is_back(
    stack: LocalStack,
) -> None:
    outbox = quicken(stack)
    message = await confirm_message(stack, U_ALICE)
    stack.slack.fail_next("chat.postMessage", status=503, retry_after=None, count=None)
    await click_book(stack, message, U_ALICE)
    stack.wait_idle()
    assert "Booked" in answer_to(stack, U_ALICE)  # the answer goes by response_url
    [(booking_id, _, _)] = live_bookings(stack)
    # Slack refused the DM (and the bot did not post to the channel without it)
    await until(
        lambda: len([f for f in stack.slack.served_faults() if f[0] == "chat.postMessage"]) >= 2,
        "the bot to try the DM again while Slack is down",
    )
    assert dms(stack, U_ALICE) == [] and stack.slack.messages(NOTIFY) == []
    assert outbox_rows(stack) == [(f"booking:{booking_id}:announce", "pending")]

    stack.slack.clear_faults()  # Slack is back; nobody clicks anything
    [dm] = await until(lambda: dms(stack, U_ALICE), "the DM after Slack recovered")
    assert "You booked" in all_text(dm) and str(booking_id) in all_text(dm)
    await until(
        lambda: outbox_rows(stack) == [(f"booking:{booking_id}:announce", "sent")],
        "the outbox to record the delivery",
    )
    stack.bot.run(outbox.stop())  # a clean stop: nothing left in flight
    assert not outbox.running
    assert len(dms(stack, U_ALICE)) == 1
    assert len(stack.slack.messages(NOTIFY)) == 1
