"""Pro webhooks: the secret checked, the payload read, the change told once with polling."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from feed_fakes import T0, Clock, FakeSite, Recorder

from bot.feed import FeedState, Watcher, WatcherOptions
from bot.feed.webhook import handle_webhook, parse_payload, secret_matches
from bot.store import open_store

SECRET = "whsec-3f9a7c1e5b"


def payload(
    booking_id: int, event: str, status: str = "scheduled", start: str = "2025-01-08 15:00:00"
) -> bytes:
    return json.dumps(
        {
            "event": event,
            "booking": {
                "id": booking_id, "status": status, "start_time": start,
                "end_time": start[:11] + "15:30:00", "title": "Intro Call",
                "first_name": "Ana", "email": "ana@example.org", "source": "web",
                "person_time_zone": "Europe/London",
            },
        }
    ).encode()  # fmt: skip


def test_the_secret_is_checked_in_a_header_a_bearer_or_the_query() -> None:
    assert secret_matches(SECRET, {"X-Webhook-Secret": SECRET}, "")
    assert secret_matches(SECRET, {"Authorization": f"Bearer {SECRET}"}, "")
    assert secret_matches(SECRET, {}, f"secret={SECRET}")
    assert not secret_matches(SECRET, {"X-Webhook-Secret": SECRET[:-1]}, "")
    assert not secret_matches(SECRET, {}, "")


def test_payloads_json_or_form_and_what_happened() -> None:
    event = parse_payload(payload(7, "booking_cancelled", "cancelled"), "application/json")
    assert event.booking.id == 7 and event.hint is not None and event.hint.value == "cancelled"
    form = b"id=8&status=pending&start_time=2025-01-08+15%3A00%3A00&trigger=after_booking_scheduled"
    event = parse_payload(form, "application/x-www-form-urlencoded")
    assert event.booking.id == 8 and event.booking.status == "pending"
    assert event.hint is not None and event.hint.value == "new"
    with pytest.raises(ValueError, match="start_time"):
        parse_payload(b'{"booking": {"id": 3}}', "application/json")


async def test_a_webhook_tells_once_and_the_next_look_does_not_repeat_it(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    try:
        clock = Clock()
        site, teller = FakeSite(clock), Recorder()
        feed = Watcher(
            FeedState(store), site, teller, WatcherOptions(interval=60, slack_grace=0),
            clock=clock,
        )  # fmt: skip
        await feed.look()
        made = site.add(start=T0 + timedelta(days=2))
        start = made.start_utc.strftime("%Y-%m-%d %H:%M:%S")
        wrong = await handle_webhook(
            feed, SECRET, headers={"X-Webhook-Secret": "nope"}, query="", body=b"{}"
        )
        assert wrong.status == 401 and teller.told == []
        bad = await handle_webhook(
            feed, SECRET, headers={"X-Webhook-Secret": SECRET}, query="", body=b"not json{"
        )
        assert bad.status == 400 and "booking" in bad.body["error"]
        answer = await handle_webhook(
            feed,
            SECRET,
            headers={"X-Webhook-Secret": SECRET, "Content-Type": "application/json"},
            query="",
            body=payload(made.id, "booking_scheduled", start=start),
        )
        assert answer.status == 200 and answer.body == {"ok": True, "told": ["new"]}
        again = await handle_webhook(
            feed, SECRET, headers={"X-Webhook-Secret": SECRET}, query="",
            body=payload(made.id, "booking_scheduled", start=start),
        )  # fmt: skip
        assert again.body["told"] == []  # Pro sent it twice
        clock.advance(60)
        await feed.look()
        assert teller.kinds() == [("new", made.id)]
        disabled = await handle_webhook(feed, "", headers={}, query="", body=b"{}")
        assert disabled.status == 404
    finally:
        await store.close()
