"""After a booking: one DM to the person who booked, one post in the team channel."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from home_helpers import (
    NOTIFY,
    all_text,
    book_in_modal,
    book_one_line,
    dms,
    fill_modal,
    open_modal,
)

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE, U_BOB
from bot.slack.ids import ActionId, BlockId

TOKEN = re.compile(r"<!date\^(\d+)\^\{date_short_pretty\} at \{time\}\|([^>|]+)>")


def posts(stack: LocalStack) -> list[dict[str, Any]]:
    return stack.slack.messages(NOTIFY)


async def test_booking_sends_one_dm_and_one_channel_post(stack: LocalStack) -> None:
    answer = await book_in_modal(stack, event_id=3, day="2025-01-15", clock_text="3:00 PM")
    assert "Booked" in all_text(answer["view"])

    [dm] = dms(stack, U_ALICE)
    text = all_text(dm)
    assert "You booked *Product Demo &amp; Q&amp;A* (host Alex Rivera)" in text
    assert "Wed, Jan 15, 2025, 3:00 PM – 3:30 PM America/New_York (EST)" in text
    assert "Alice Archer (alice@example.com)" in text
    assert "Google Meet" in text

    [post] = posts(stack)
    text = all_text(post)
    assert "<@U_ALICE> booked *Product Demo &amp; Q&amp;A*" in text
    assert "with Alice Archer" in text and "*Where:* Google Meet" in text
    epoch, fallback = TOKEN.search(text).groups()  # type: ignore[union-attr]
    assert datetime.fromtimestamp(int(epoch), UTC) == datetime(2025, 1, 15, 20, 0, tzinfo=UTC)
    assert fallback == "Wed, Jan 15 3:00 PM EST (America/New_York)"
    # the notification text names the zone too, and holds no raw token
    assert "EST (America/New_York)" in post["text"] and "<!date" not in post["text"]


async def test_dm_shows_the_bookers_zone(stack: LocalStack) -> None:
    await book_one_line(stack, "demo with ana@acme.com jan 14 3pm", user=U_BOB)
    [dm] = dms(stack, U_BOB)
    # Bob asked for 3pm in his zone (Europe/Berlin): the DM says so, zone named
    assert "Tue, Jan 14, 2025, 3:00 PM – 3:30 PM Europe/Berlin (CET)" in all_text(dm)
    [post] = posts(stack)
    text = all_text(post)
    assert "<@U_BOB> booked" in text and "with Ana" in text
    assert "|Tue, Jan 14 3:00 PM CET (Europe/Berlin)>" in text
    assert dms(stack, U_ALICE) == []  # nobody else is told


async def test_pending_booking_says_it_awaits_confirmation(stack: LocalStack) -> None:
    await book_in_modal(stack, event_id=4, day="2025-01-15", clock_text="10:30 AM")
    [dm] = dms(stack, U_ALICE)
    assert "awaiting the host's confirmation" in all_text(dm)
    assert "You requested *Strategy Session*" in all_text(dm)
    [post] = posts(stack)
    assert "requested *Strategy Session*" in all_text(post)
    assert "Awaiting the host's confirmation" in all_text(post)
    assert "awaiting the host's confirmation" in post["text"]


async def test_double_submit_announces_once(stack: LocalStack) -> None:
    view_id = await open_modal(stack)
    values = await fill_modal(stack, view_id, event_id=7, day="2025-01-15", clock_text="10:00 AM")
    await asyncio.gather(
        stack.requester.view_submission(view_id, values),
        stack.requester.view_submission(view_id, values),
    )
    stack.wait_idle()
    assert stack.booking_count() == 1
    assert len(dms(stack, U_ALICE)) == 1
    assert len(posts(stack)) == 1


async def test_retried_button_and_second_click_announce_once(stack: LocalStack) -> None:
    await stack.requester.command("/book", "workshop with ana@acme.com jan 15 10am", U_ALICE)
    stack.wait_idle()
    message = stack.slack.ephemerals(U_ALICE)[-1]
    retry = stack.requester.variant(retry_num=1, retry_reason="http_timeout")
    await asyncio.gather(
        stack.requester.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=U_ALICE),
        retry.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=U_ALICE),
    )
    stack.wait_idle()
    await stack.requester.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=U_ALICE)
    stack.wait_idle()
    assert stack.booking_count() == 1
    assert len(dms(stack, U_ALICE)) == 1
    assert len(posts(stack)) == 1


async def test_replaying_an_announcement_posts_nothing(stack: LocalStack) -> None:
    """A second process (or a replay) announcing the same booking finds the key taken."""
    from bot.booking import BookingResult
    from bot.slack.booking.announce import announce

    await book_in_modal(stack)
    claimed = stack.bot.run(stack.deps.store.claim("announce:1", wait_seconds=0))
    assert not claimed.owner and claimed.result == {"dm": True, "channel": True}
    result = BookingResult.from_dict(
        {"booking_id": 1, "event_title": "x", "start": "2025-01-15T20:00:00+00:00",
         "end": None, "timezone": "UTC", "name": "", "email": ""}
    )  # fmt: skip
    again = stack.bot.run(announce(stack.deps, stack.bot.stack.app.client, U_ALICE, result))
    assert again is False
    assert len(dms(stack, U_ALICE)) == 1 and len(posts(stack)) == 1


@pytest.mark.parametrize(("member", "channel"), [(False, NOTIFY), (True, "C_GONE")])
async def test_channel_the_bot_is_not_in_logs_one_warning(
    stack: LocalStack, caplog: pytest.LogCaptureFixture, member: bool, channel: str
) -> None:
    stack.slack.set_member(NOTIFY, member)
    stack.deps.settings = dataclasses.replace(stack.settings, booking_notify_channel=channel)
    with caplog.at_level(logging.WARNING):
        answer = await book_in_modal(stack)
    assert answer["response_action"] == "update"
    assert "Booked" in all_text(answer["view"])  # the user still sees their result
    assert len(dms(stack, U_ALICE)) == 1
    assert posts(stack) == []
    warnings = [r for r in caplog.records if r.name == "bot.slack.booking.announce"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    line = warnings[0].getMessage()
    assert channel in line and "invite the bot" in line
    assert "not_in_channel" in line if not member else "channel_not_found" in line
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # nothing about it reached the user
    assert "channel" not in all_text(stack.slack.ephemerals(U_ALICE)).lower()


async def test_announcements_escape_what_people_typed(stack: LocalStack) -> None:
    evil = "<!channel> Eve & <@U_BOB>"
    await book_in_modal(stack, extra={BlockId.NAME.value: evil})
    text = all_text(posts(stack)) + all_text(dms(stack, U_ALICE))
    assert "<!channel>" not in text and "<@U_BOB>" not in text
    # the site keeps the name without its markup; what is left is escaped
    assert "with Eve &amp;\n" in all_text(posts(stack))
    assert "*Attendee:* Eve &amp; (alice@example.com)" in all_text(dms(stack, U_ALICE))


async def test_no_channel_set_means_only_the_dm(stack: LocalStack) -> None:
    stack.deps.settings = stack.settings  # BOOKING_NOTIFY_CHANNEL unset
    await book_in_modal(stack)
    assert len(dms(stack, U_ALICE)) == 1
    assert posts(stack) == []
    channels = [c["channel"] for c in stack.slack.calls_to("chat.postMessage")]
    assert channels and all(c.startswith("D") for c in channels)
