"""The lifecycle views: button words per DESIGN.md, state lines, modals (pure)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from support.slack_text import all_text

from bot.fluentbooking.lifecycle import Change
from bot.fluentbooking.models import Booking
from bot.slack.codec import LifecycleMeta
from bot.slack.lifecycle import views

NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
START = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)
META = LifecycleMeta(7, "scheduled", START, "Asia/Kolkata")


def _booking(status: str = "scheduled", start: datetime = START) -> Booking:
    return Booking(
        id=7, hash="h", status=status, start_utc=start, end_utc=start + timedelta(minutes=30),
        timezone="Europe/Berlin", name="Dana Fox", email="dana@example.net",
        title="30 Minute Phone Call", event_id=1,
    )  # fmt: skip


def test_offered_by_state() -> None:
    assert views.offered("scheduled", START, NOW) == [Change.RESCHEDULE, Change.CANCEL]
    assert views.offered("pending", START, NOW) == [
        Change.APPROVE, Change.DECLINE, Change.RESCHEDULE, Change.CANCEL,
    ]  # fmt: skip
    past = NOW - timedelta(hours=2)
    assert views.offered("scheduled", past, NOW) == [Change.COMPLETED, Change.NO_SHOW]
    for closed in ("cancelled", "rejected", "completed", "no_show"):
        assert views.offered(closed, START, NOW) == []


def test_buttons_carry_the_words_of_the_contract_and_the_state_seen() -> None:
    block = views.action_buttons(7, "pending", START, list(Change))
    assert block is not None
    words = [e["text"]["text"] for e in block["elements"]]
    for word in ("Approve", "Decline", "Reschedule", "Cancel", "Completed", "No-show"):
        assert any(word in w for w in words), word
    value = json.loads(block["elements"][0]["value"])
    assert value == {
        "v": 1, "kind": "lifecycle", "booking_id": 7, "status": "pending",
        "start": START.isoformat(),
    }  # fmt: skip
    no_show = next(e for e in block["elements"] if e["action_id"] == "lifecycle_no_show")
    assert "confirm" in no_show  # destructive: asks first
    assert views.action_buttons(7, "cancelled", START, []) is None


def test_card_says_who_changed_it() -> None:
    card = views.booking_card(
        _booking("cancelled"),
        timezone="America/New_York",
        change=Change.CANCEL,
        by="U_HOST",
        reason="Ill <b>",
    )
    text = all_text(card)
    assert "Cancelled by <@U_HOST>" in text and "Ill &lt;b&gt;" in text
    assert "Tue, Mar 4, 2025, 10:00 AM – 10:30 AM America/New_York (EST)" in text
    assert "cancelled" in card["text"]


def test_card_in_a_channel_uses_a_date_token() -> None:
    text = all_text(views.booking_card(_booking(), timezone=None))
    assert f"<!date^{int(START.timestamp())}^" in text


def test_reason_modals() -> None:
    meta = LifecycleMeta(7, "scheduled", START, "UTC")
    cancel = views.reason_modal(Change.CANCEL, _booking(), "UTC", meta)
    assert cancel["callback_id"] == views.CANCEL_MODAL
    assert cancel["submit"]["text"] == "Cancel booking"
    assert "attendee receives it" in all_text(cancel)
    decline = views.reason_modal(Change.DECLINE, _booking("pending"), "UTC", meta)
    assert decline["callback_id"] == views.DECLINE_MODAL and decline["submit"]["text"] == "Decline"


def test_reschedule_modal_lists_times_in_the_members_zone() -> None:
    times = [datetime(2025, 3, 5, 14, 0, tzinfo=UTC), datetime(2025, 3, 5, 14, 30, tzinfo=UTC)]
    view = views.reschedule_modal(
        _booking(), timezone="Asia/Kolkata", day=date(2025, 3, 5), times=times, metadata=META
    )
    select = next(b for b in view["blocks"] if b.get("block_id", "").startswith(views.TIME_BLOCK))
    assert [o["text"]["text"] for o in select["element"]["options"]] == ["7:30 PM", "8:00 PM"]
    assert view["submit"]["text"] == "Reschedule"
    empty = views.reschedule_modal(
        _booking(), timezone="UTC", day=date(2025, 3, 8), times=[], metadata=META
    )
    assert "submit" not in empty and "No free times" in all_text(empty)


def test_result_view_keeps_mentions_and_escapes_the_rest() -> None:
    view = views.result_view(
        "Nothing was changed: this booking is already cancelled by <@U_ADMIN> <x>",
        _booking("cancelled"),
        "UTC",
        ok=False,
    )
    text = all_text(view)
    assert "<@U_ADMIN>" in text and "&lt;x&gt;" in text
