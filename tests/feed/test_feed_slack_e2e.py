"""End to end: what happens on the sandbox's website side reaches the channel and the
host's DM, each exactly once, through the whole bot (its watcher running in the bot
process) and the Slack stand-in over loopback HTTP."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from support import website
from support.leaks import register_stack_secrets
from support.slack_text import all_text
from support.website import attendee_cancel, attendee_reschedule, host_decides, web_book

from bot.demo.stack import LocalStack, start_local_stack
from bot.sandbox import DEMO_EMAIL

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "home"))
from home_helpers import book_one_line

NOTIFY = "C_FEED"
HOST = "U_ALEX"  # Alex Rivera, host of the sandbox's calendar 1 (WordPress user demo)
T = TypeVar("T")


def wait_for(what: Callable[[], T], timeout: float = 20.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = what()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("not seen in time")
        time.sleep(0.1)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    with start_local_stack(
        tmp_path,
        settings_overrides={"booking_poll_seconds": 1, "booking_notify_channel": NOTIFY},
    ) as running:
        register_stack_secrets(running)
        running.slack.add_channel(NOTIFY, "bookings", member=True)
        running.slack.add_user(
            HOST, name="alex", real_name="Alex Rivera", email=DEMO_EMAIL, tz="Europe/Berlin"
        )
        wait_for(lambda: looks(running) >= 2)  # the first look (baseline) is done
        yield running


def looks(stack: LocalStack) -> int:
    return sum("latest_bookings" in r.path for r in stack.sandbox.requests)


def posts(stack: LocalStack) -> list[dict[str, Any]]:
    return [m for m in stack.slack.messages(NOTIFY) if not m.get("thread_ts")]


def replies(stack: LocalStack, ts: str) -> list[str]:
    return [all_text(m) for m in stack.slack.messages(NOTIFY) if m.get("thread_ts") == ts]


def post_of(stack: LocalStack, booking_id: int) -> list[dict[str, Any]]:
    return [m for m in posts(stack) if f"Booking #{booking_id} " in all_text(m)]


def host_dms(stack: LocalStack) -> list[str]:
    return [all_text(m) for m in stack.slack.messages(HOST)]


def test_website_bookings_and_their_changes_reach_the_channel_and_the_host_once(
    stack: LocalStack,
) -> None:
    visit = web_book(stack.sandbox, 1, "2025-01-14 10:00:00", name="Dana Web")
    [post] = wait_for(lambda: post_of(stack, visit.id))
    text = all_text(post)
    assert "Booked" in text and "30 Minute Phone Call" in text and "Dana Web" in text
    assert "<!date^" in text and "visitor@example.org" not in text and "+1 555" not in text
    [dm] = wait_for(lambda: host_dms(stack))
    assert "New booking" in dm and "4:00 PM" in dm and "Europe/Berlin" in dm  # 10:00 New York

    pending = web_book(stack.sandbox, 4, "2025-01-15 09:00:00", name="Pat Request")
    [request_post] = wait_for(lambda: post_of(stack, pending.id))
    assert "Waiting for the host" in all_text(request_post)
    wait_for(lambda: len(host_dms(stack)) == 2)
    assert "New booking request" in host_dms(stack)[1]
    # the lifecycle feature offers Approve / Decline, so the DM carries them
    assert "lifecycle_approve" in host_dms(stack)[1]
    assert "lifecycle_decline" in host_dms(stack)[1]

    attendee_reschedule(stack.sandbox, visit, 1, "2025-01-14 14:00:00")
    moved = wait_for(lambda: replies(stack, post["ts"]))
    assert "Moved from <!date^" in moved[0]
    host_decides(stack.sandbox, pending.id, approve=True)
    approved = wait_for(lambda: replies(stack, request_post["ts"]))
    assert "Approved" in approved[0]
    [updated] = post_of(stack, pending.id)
    assert "Booked" in all_text(updated)  # the one message, updated in place

    declined = web_book(stack.sandbox, 4, "2025-01-16 09:00:00", name="Sam Later")
    [declined_post] = wait_for(lambda: post_of(stack, declined.id))
    host_decides(stack.sandbox, declined.id, approve=False)
    assert "Declined" in wait_for(lambda: replies(stack, declined_post["ts"]))[0]
    attendee_cancel(stack.sandbox, visit)
    wait_for(lambda: len(replies(stack, post["ts"])) == 2)
    assert "Cancelled" in replies(stack, post["ts"])[1]
    assert "Cancelled" in all_text(post_of(stack, visit.id)[0])

    time.sleep(3.5)  # three more looks: nothing is told again
    assert len(posts(stack)) == 3
    assert len(replies(stack, post["ts"])) == 2
    assert len(replies(stack, request_post["ts"])) == 1
    assert len(replies(stack, declined_post["ts"])) == 1
    headings = ("New booking request", "New booking", "Booking moved", "Booking cancelled")
    kinds = [next(h for h in headings if f"*{h}*" in d) for d in host_dms(stack)]
    assert kinds == [
        "New booking", "New booking request", "Booking moved",
        "New booking request", "Booking cancelled",
    ]  # fmt: skip


async def test_a_booking_made_in_slack_is_announced_once(stack: LocalStack) -> None:
    await book_one_line(stack, "demo with ana@acme.com jan 14 3pm")
    wait_for(lambda: posts(stack))
    await asyncio.sleep(3.5)  # the watcher has seen it on the site meanwhile
    assert len(posts(stack)) == 1  # the booking service's own channel post only
    assert "booked" in all_text(posts(stack)[0])


def test_slack_rate_limits_are_waited_out_and_told_once(stack: LocalStack) -> None:
    stack.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    visit = web_book(stack.sandbox, 1, "2025-01-14 11:00:00")
    wait_for(lambda: post_of(stack, visit.id))
    time.sleep(2.5)
    assert len(post_of(stack, visit.id)) == 1
    posted = [c for c in stack.slack.calls_to("chat.postMessage") if c.get("channel") == NOTIFY]
    assert len(posted) == 1  # the first try got the 429 (not recorded); the retry posted
    assert stack.slack.take_fault("chat.postMessage") is None  # the 429 was used up
    assert len(host_dms(stack)) == 1


def test_a_channel_the_bot_cannot_post_to_warns_once_with_the_check_hint(
    stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    stack.slack.set_member(NOTIFY, False)
    with caplog.at_level("WARNING", logger="bot.slack.feed"):
        web_book(stack.sandbox, 1, "2025-01-14 11:00:00")
        wait_for(lambda: len(host_dms(stack)) == 1)
        web_book(stack.sandbox, 1, "2025-01-14 13:00:00")
        wait_for(lambda: len(host_dms(stack)) == 2)  # the hosts are still told
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.slack.feed"]
    assert len(warnings) == 1
    assert NOTIFY in warnings[0] and "python -m bot check" in warnings[0]
    assert posts(stack) == []


def test_pro_webhooks_are_served_checked_and_not_told_twice(tmp_path: Path) -> None:
    import httpx

    from bot.config import Secret

    secret = "whsec-e2e-5a1f93c2"
    with start_local_stack(
        tmp_path,
        settings_overrides={
            "booking_poll_seconds": 1,
            "booking_notify_channel": NOTIFY,
            "booking_webhook_secret": Secret(secret),
        },
    ) as stack:
        register_stack_secrets(stack)
        stack.slack.add_channel(NOTIFY, "bookings", member=True)
        url = stack.bot.url + "/fluentbooking/webhook"
        assert httpx.post(url, json={}, timeout=10).status_code == 401
        visit = web_book(stack.sandbox, 1, "2025-01-14 10:00:00")
        row = httpx.get(
            f"{stack.sandbox.api_url}/schedules/{visit.id}",
            auth=(stack.sandbox.username, stack.sandbox.app_password),
            timeout=10,
        ).json()["schedule"]
        answer = httpx.post(
            url,
            json={"event": "booking_scheduled", "booking": row},
            headers={"X-Webhook-Secret": secret},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        time.sleep(3)  # the watcher looks meanwhile
        assert len(post_of(stack, visit.id)) == 1


def test_reminders_arrive_at_their_minute_and_never_for_a_cancelled_meeting(
    tmp_path: Path,
) -> None:
    from datetime import datetime

    with start_local_stack(
        tmp_path,
        settings_overrides={
            "booking_poll_seconds": 1,
            "booking_notify_channel": NOTIFY,
            "booking_reminder_minutes": (10,),
        },
    ) as stack:
        register_stack_secrets(stack)
        stack.slack.add_channel(NOTIFY, "bookings", member=True)
        stack.slack.add_user(
            HOST, name="alex", real_name="Alex Rivera", email=DEMO_EMAIL, tz="America/New_York"
        )
        wait_for(lambda: looks(stack) >= 2)  # the first look (baseline) is done
        kept = web_book(stack.sandbox, 1, "2025-01-14 10:00:00")  # 15:00 UTC
        dropped = web_book(stack.sandbox, 1, "2025-01-14 11:00:00")  # 16:00 UTC
        wait_for(lambda: post_of(stack, kept.id) and post_of(stack, dropped.id))
        attendee_cancel(stack.sandbox, dropped)
        wait_for(lambda: "Cancelled" in all_text(post_of(stack, dropped.id)[0]))
        stack.sandbox.set_now(datetime.fromisoformat("2025-01-14T14:49:00+00:00"))
        time.sleep(2.5)
        assert not [d for d in host_dms(stack) if "Starting in" in d]  # not yet
        stack.sandbox.set_now(datetime.fromisoformat("2025-01-14T14:50:00+00:00"))
        [reminder] = wait_for(lambda: [d for d in host_dms(stack) if "Starting in" in d])
        assert "Starting in 10 min" in reminder and "10:00 AM" in reminder
        stack.sandbox.set_now(datetime.fromisoformat("2025-01-14T15:50:00+00:00"))
        time.sleep(3)
        assert len([d for d in host_dms(stack) if "Starting in" in d]) == 1


def test_a_long_downtime_gives_one_summary(stack: LocalStack) -> None:
    from datetime import timedelta

    stack.sandbox.set_faults(html=True, path="/wp-json")  # the site answers a web page
    made = [
        web_book(stack.sandbox, 1, f"2025-01-{day} {hour}:00:00")
        for day in (14, 15)
        for hour in (10, 11, 13, 14)
    ]
    stack.sandbox.set_now(stack.sandbox.now() + timedelta(hours=3))
    time.sleep(2.5)
    stack.sandbox.clear_faults()
    [summary] = wait_for(lambda: posts(stack))
    text = all_text(summary)
    assert "8 bookings while I was away" in text
    time.sleep(3)
    assert len(posts(stack)) == 1
    assert all(not post_of(stack, b.id) for b in made)


def host_dm_messages(stack: LocalStack) -> list[dict[str, Any]]:
    return list(stack.slack.messages(HOST))


def site_status(stack: LocalStack, booking_id: int) -> str:
    return website.site_status(stack.sandbox, booking_id)


async def test_the_host_approves_and_declines_website_requests_from_the_feeds_dm(
    stack: LocalStack,
) -> None:
    """The watcher's DM for a website booking awaiting approval carries Approve and
    Decline; the host's click changes the site (read back), the DM and the one channel
    message follow, and the watcher does not tell the decision a second time."""
    request = web_book(stack.sandbox, 4, "2025-01-15 09:00:00", name="Pat Request")
    [post] = wait_for(lambda: post_of(stack, request.id))
    [dm] = wait_for(lambda: host_dm_messages(stack))
    assert "New booking request" in all_text(dm)

    resp = await stack.requester.click(dm, action_id="lifecycle_approve", user_id=HOST)
    assert resp.status == 200
    wait_for(lambda: "Approved" in all_text(host_dm_messages(stack)[0]))
    assert site_status(stack, request.id) == "scheduled"
    assert "lifecycle_approve" not in json_of(host_dm_messages(stack)[0])
    wait_for(lambda: "Booked" in all_text(post_of(stack, request.id)[0]))

    other = web_book(stack.sandbox, 4, "2025-01-16 09:00:00", name="Sam Later")
    wait_for(lambda: post_of(stack, other.id))
    dm2 = wait_for(lambda: [m for m in host_dm_messages(stack) if "Sam Later" in all_text(m)])[0]
    resp = await stack.requester.click(dm2, action_id="lifecycle_decline", user_id=HOST)
    assert resp.status == 200
    stack.wait_idle()
    [modal] = stack.slack.open_modals()
    reason_block = next(b for b in modal["blocks"] if b.get("type") == "input")
    resp = await stack.requester.view_submission(
        modal["id"], {reason_block["block_id"]: "Out of office that day"}
    )
    assert resp.status == 200
    wait_for(lambda: site_status(stack, other.id) == "rejected")
    wait_for(lambda: "Declined" in all_text(post_of(stack, other.id)[0]))

    await asyncio.sleep(3.5)  # three more looks: the site's log names both decisions
    assert len(post_of(stack, request.id)) == 1 and len(post_of(stack, other.id)) == 1
    for booking_post in (post, post_of(stack, other.id)[0]):
        said = replies(stack, booking_post["ts"])
        assert len(said) == 1, said  # one thread reply per decision, from the site's log
    assert len([m for m in host_dm_messages(stack) if "Pat Request" in all_text(m)]) == 1


def json_of(message: dict[str, Any]) -> str:
    import json

    return json.dumps(message.get("blocks") or [])
