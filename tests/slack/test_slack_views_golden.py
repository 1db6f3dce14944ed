"""Golden JSON for the pure view builders.

Compared with tests/slack/golden/*.json; regenerate on purpose with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/slack/test_slack_views_golden.py`.
Every builder's output is also checked against the Slack stand-in's Block Kit rules.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from support.golden import assert_message_golden, assert_view_golden

from bot.booking import BookingResult
from bot.fluentbooking.models import Event
from bot.localslack.blockkit import check_message_blocks, check_view
from bot.slack import blocks
from bot.slack.booking.views import messages, modal
from bot.slack.booking.views.model import (
    BookingLine,
    BookingListing,
    BookingSection,
    FormState,
    SlotChoice,
)
from bot.slack.codec import BookingFormMeta, MoreBookingsValue, SlotRangeValue
from bot.slack.fmt import when_label
from bot.slack.help import help_message
from bot.slack.home.views import home_view

GOLDEN = Path(__file__).parent / "golden"
NY = ZoneInfo("America/New_York")
META = BookingFormMeta(channel_id="C1", user_id="U1")

EVIL = Event(9, "<!channel> Party & <@U123> *bold*", 30, host_name="<b>Host</b>")
DEMO = Event(3, "Product Demo & Q&A", 30, (15, 30, 60), host_name="Alex Rivera")
PHONE = Event(1, "30 Minute Phone Call", 30, requires=("phone",), host_name="Alex Rivera")
DAY = date(2025, 1, 14)


def slot(hour: int, minute: int = 0) -> SlotChoice:
    start = datetime(2025, 1, 14, hour, minute, tzinfo=NY)
    return SlotChoice(f"2025-01-14 {hour:02d}:{minute:02d}:00", start, start.replace(minute=30))


RESULT = BookingResult(
    42, EVIL.title, slot(15).start, slot(15).end, "America/New_York", "Ana <!here>",
    "ana@acme.com", "Zoom", "scheduled", "Alex Rivera",
)  # fmt: skip


def when(start: datetime) -> str:
    return when_label(start, start + timedelta(minutes=30), "America/New_York")


def form(**kw: Any) -> FormState:
    state = FormState(
        events=[DEMO, PHONE, EVIL], timezone="America/New_York", event_id=3, duration=30,
        day=DAY, slots=[slot(9), slot(9, 30), slot(15)], time_value="2025-01-14 15:00:00",
        name="Alice Archer", email="alice@example.com", time_block_suffix="_x",
    )  # fmt: skip
    for k, v in kw.items():
        setattr(state, k, v)
    return state


VIEWS = {
    "modal_loading": lambda: modal.loading_view(META),
    "modal_form": lambda: modal.form_view(form(), META),
    "modal_form_phone_no_slots": lambda: modal.form_view(
        form(event_id=1, slots=[], time_value=None, phone="+1 555"), META
    ),
    "modal_form_slot_taken": lambda: modal.form_view(
        form(time_value=None, slots_error="3:00 PM was just taken. Pick another free time."),
        META,
    ),
    "modal_result": lambda: modal.result_view(RESULT, META),
    "modal_error": lambda: modal.error_view("The site <is> down & out", META, "ab12cd34"),
    "home": home_view,
}
MESSAGES = {
    "confirm_slot": lambda: messages.confirm_slot(
        EVIL, slot(15), "America/New_York", 30, "Ana", "ana@acme.com"
    ),
    "slot_buttons": lambda: messages.slot_buttons(
        DEMO,
        {DAY: [slot(9), slot(9, 30), slot(15)]},
        "America/New_York",
        30,
        "Ana",
        "ana@acme.com",
        intro="Free times:",
    ),
    "slot_buttons_days": lambda: messages.slot_buttons(
        DEMO,
        {DAY: [slot(h, m) for h in range(9, 17) for m in (0, 30)], date(2025, 1, 15): [slot(9)]},
        "America/New_York",
        30,
        "Ana",
        "ana@acme.com",
        intro="Free times:",
        per_day=4,
    ),
    "slot_buttons_none": lambda: messages.slot_buttons(
        DEMO, {}, "America/New_York", 30, "", "", intro="Free times:"
    ),
    "event_list": lambda: messages.event_list([DEMO, PHONE, EVIL], intro="*Bookable events*"),
    "pick_event": lambda: messages.pick_event([DEMO, EVIL], "x tomorrow", intro="Which?"),
    "booking_list": lambda: messages.booking_list(
        BookingListing(
            "upcoming",
            [
                BookingSection(
                    "You host",
                    [
                        BookingLine(
                            "scheduled",
                            "<!channel> Demo",
                            "attendee Ana <@U123> (ana@acme.com)",
                            when(RESULT.start),
                            details_id=12,
                            short_when="Tue, Jan 14 3:00 PM · Ana",
                        )
                    ],
                    3,
                ),
                BookingSection(
                    "You attend",
                    [BookingLine("Pending", "Intro & more", "with <b>Jo</b>", "January 14")],
                    1,
                ),
            ],
        ),
        more_value=MoreBookingsValue(period="upcoming", limit=20),
    ),
    "booking_list_team": lambda: messages.booking_list(
        BookingListing(
            "past",
            [
                BookingSection(
                    "Every host's bookings",
                    [BookingLine("completed", "Intro", "with Jo, attendee Ana", "January 2")],
                    1,
                )
            ],
            team=True,
        )
    ),
    "booking_list_empty": lambda: messages.booking_list(BookingListing("past", [])),
    "error_message": lambda: blocks.error_message("Bad <thing> & more", "ab12cd34"),
    "help_book": lambda: help_message("/book"),
    "help_slots": lambda: help_message("/slots"),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_golden(name: str) -> None:
    built = VIEWS[name]()
    assert_view_golden(GOLDEN, name, built)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_golden(name: str) -> None:
    built = MESSAGES[name]()
    assert_message_golden(GOLDEN, name, built)


def _mrkdwn_texts(node: Any) -> list[str]:
    """Texts Slack reads as mrkdwn (where `<!channel>` would ping): mrkdwn objects and
    a message's top-level fallback `text`. plain_text objects are shown literally."""
    if isinstance(node, list):
        return [t for item in node for t in _mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    if node.get("type") == "plain_text":
        return []
    found = [node["text"]] if isinstance(node.get("text"), str) else []
    return found + [t for k, v in node.items() if k != "text" for t in _mrkdwn_texts(v)]


@pytest.mark.parametrize("name", sorted({**VIEWS, **MESSAGES}))
def test_no_unescaped_outside_text(name: str) -> None:
    built = {**VIEWS, **MESSAGES}[name]()
    texts = _mrkdwn_texts(built)
    for text in texts:
        for raw in ("<!channel>", "<!here>", "<@U123>", "<b>"):
            assert raw not in text


def _buttons(msg: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [
        el
        for b in msg["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el["action_id"].startswith(prefix)
    ]


def test_one_day_shows_every_free_time_in_rows_of_25() -> None:
    every_15 = [
        SlotChoice(f"2025-01-14 {h:02d}:{m:02d}:00", datetime(2025, 1, 14, h, m, tzinfo=NY))
        for h in range(24) for m in range(0, 60, 15)
    ]  # fmt: skip
    msg = messages.slot_buttons(DEMO, {DAY: every_15}, "UTC", 15, "A", "a@b.co", intro="x")
    assert check_message_blocks(msg["blocks"]) == []
    assert len(_buttons(msg, "book_slot")) == 96
    assert _buttons(msg, "more_slots") == []
    assert "more times" not in json.dumps(msg).lower()


def test_many_days_show_more_times_and_later_days() -> None:
    by_day = {date(2025, 1, d): [slot(h) for h in range(9, 21)] for d in range(1, 31)}
    msg = messages.slot_buttons(
        DEMO, by_day, "UTC", 30, "A", "a@b.co", intro="x", max_days=30,
        last_day=date(2025, 1, 31),
    )  # fmt: skip
    assert len(msg["blocks"]) <= 50 and check_message_blocks(msg["blocks"]) == []
    more = _buttons(msg, "more_slots")
    whole_days = [
        SlotRangeValue.decode(b["value"]) for b in more if b["text"]["text"].startswith("More")
    ]
    assert whole_days[0] == SlotRangeValue(3, date(2025, 1, 1), date(2025, 1, 1), "UTC", 30)
    assert len(_buttons(msg, "book_slot")) == 10 * len(whole_days)  # 10 a day, then More
    later = [
        SlotRangeValue.decode(b["value"]) for b in more if b["text"]["text"].startswith("Later")
    ]
    shown_last = whole_days[-1].first
    assert later == [
        SlotRangeValue(3, shown_last + timedelta(days=1), date(2025, 1, 31), "UTC", 30)
    ]
    action_ids = [b["action_id"] for b in more]
    assert len(action_ids) == len(set(action_ids))  # Slack wants them unique per message


def test_booking_list_with_many_long_rows_fits_one_message() -> None:
    row = BookingLine("scheduled", "T" * 400 + " <&>", "attendee " + "n" * 200, when(slot(9).start))
    listing = BookingListing(
        "all",
        [BookingSection("You host", [row] * 40, 200), BookingSection("You attend", [row] * 40, 40)],
    )
    msg = messages.booking_list(listing, more_value=MoreBookingsValue(period="all", limit=40))
    assert len(msg["blocks"]) <= 50 and check_message_blocks(msg["blocks"]) == []
    assert all_text_of(msg).count("T" * 400 + " &lt;&amp;&gt;") == 80  # every row, none cut


def all_text_of(msg: dict[str, Any]) -> str:
    return " ".join(b["text"]["text"] for b in msg["blocks"] if b["type"] == "section")


def test_limits_are_respected_with_many_items() -> None:
    many_events = [Event(i, f"Event {i} " + "x" * 100, 30) for i in range(150)]
    state = FormState(events=many_events, timezone="UTC", event_id=5, day=DAY)
    state.slots = [
        SlotChoice(f"2025-01-14 {h:02d}:{m:02d}:00", datetime(2025, 1, 14, h, m, tzinfo=NY))
        for h in range(24) for m in range(0, 60, 5)
    ]  # fmt: skip
    view = modal.form_view(state, META)
    assert check_view(view) == []
    event_block = view["blocks"][0]
    assert event_block["element"]["type"] == "external_select"  # > 100 events: search
    time_block = next(b for b in view["blocks"] if b.get("block_id", "").startswith("time"))
    assert len(time_block["element"]["options"]) == 100
    by_day = {date(2025, 1, d): [slot(9)] * 30 for d in range(1, 31)}
    msg = messages.slot_buttons(DEMO, by_day, "UTC", 30, "A", "a@b.co", intro="x", max_days=30)
    assert len(msg["blocks"]) <= 50 and check_message_blocks(msg["blocks"]) == []
    long_title = modal.result_view(
        BookingResult(1, "y" * 5000, slot(9).start, None, "UTC", "n" * 4000, "e@x.co"), META
    )
    assert check_view(long_title) == []
