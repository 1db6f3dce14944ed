"""The feed's Slack views: date tokens in the channel, no contact details, the thread
replies, the host's DM in their zone, the capped summary and the reminder."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.feed import Change, Kind, Reminder, Seen, Summary
from bot.slack.feed import views

START = datetime(2025, 1, 7, 15, 0, tzinfo=UTC)


def seen(**fields: object) -> Seen:
    values: dict[str, object] = dict(
        booking_id=42, status="scheduled", start_utc=START, end_utc=START + timedelta(minutes=30),
        title="Intro <Call>", host_name="Alex Rivera", attendee_name="Ana & Co",
        attendee_email="ana@example.org", timezone="America/New_York", source="web",
    )  # fmt: skip
    values.update(fields)
    return Seen(**values)  # type: ignore[arg-type]


def text_of(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False)


def test_the_channel_message_has_a_date_token_and_no_contact_details() -> None:
    message = views.channel_message(seen())
    text = text_of(message)
    assert f"<!date^{int(START.timestamp())}^" in text
    assert "ana@example.org" not in text
    assert "Intro &lt;Call&gt;" in text and "Ana &amp; Co" in text
    assert "Booking #42" in text and "website" in text
    pending = text_of(views.channel_message(seen(status="pending")))
    assert "Waiting for the host" in pending


def test_thread_replies_say_what_changed() -> None:
    before = seen()
    moved = seen(
        start_utc=START + timedelta(hours=2), end_utc=START + timedelta(hours=2, minutes=30)
    )
    reply = views.change_reply(Change(Kind.RESCHEDULED, moved, before))
    assert reply is not None
    shown = reply["blocks"][0]["text"]["text"]
    assert f"Moved from <!date^{int(START.timestamp())}^" in shown
    assert f"to <!date^{int((START + timedelta(hours=2)).timestamp())}^" in shown
    assert views.change_reply(Change(Kind.NEW, before)) is None
    cancelled = views.change_reply(Change(Kind.CANCELLED, seen(status="cancelled"), before))
    assert cancelled is not None and "Cancelled" in cancelled["text"]


def test_the_host_dm_is_in_the_hosts_zone_with_decisions_only_when_offered() -> None:
    request = Change(Kind.NEW, seen(status="pending"))
    plain = views.host_dm(request, "Europe/Berlin")
    text = text_of(plain)
    assert "4:00 PM" in text and "Europe/Berlin" in text  # 15:00 UTC
    assert "approval on the booking site" in text
    assert not any(b["type"] == "actions" for b in plain["blocks"])
    buttons = [
        {"type": "button", "text": {"type": "plain_text", "text": "Approve"}, "action_id": "a"}
    ]
    offered = views.host_dm(request, "Europe/Berlin", buttons)
    assert any(b["type"] == "actions" for b in offered["blocks"])


def test_the_summary_is_short() -> None:
    changes = [Change(Kind.NEW, seen(booking_id=i)) for i in range(12)]
    summary = Summary({Kind.NEW: 12, Kind.CANCELLED: 2}, changes[:10], 2, changes[:1])
    message = views.summary_message(summary)
    text = message["blocks"][0]["text"]["text"]
    assert text.startswith("*12 bookings, 2 cancelled while I was away*")
    assert text.count("\n• ") == 10 and "…and 2 more" in text
    assert "ana@example.org" not in text


def test_the_reminder_counts_the_minutes_left() -> None:
    message = views.reminder_dm(
        Reminder(seen(), 10), "America/New_York", START - timedelta(minutes=10)
    )
    assert "Starting in 10 min" in message["text"]
    assert "10:00 AM" in text_of(message)
