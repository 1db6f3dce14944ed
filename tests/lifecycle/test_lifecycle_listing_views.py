"""The lifecycle buttons in /bookings and App Home (pure builders): where they go, the
Block Kit limits, and golden JSON for a listing and a tab with buttons (new on purpose;
the views without buttons keep their own golden files byte for byte).

Regenerate on purpose with UPDATE_GOLDEN=1 (see tests/support/golden.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from support.golden import assert_message_golden, assert_view_golden
from support.slack_text import all_text

from bot.fluentbooking.lifecycle import Change
from bot.localslack.blockkit import check_message_blocks, check_view
from bot.slack.booking.views import messages
from bot.slack.booking.views.model import BookingLine, BookingListing, BookingSection
from bot.slack.booking_actions import HOME, Where, action_buttons, offered
from bot.slack.codec import MoreBookingsValue
from bot.slack.home.views import HomeBooking, home_view

GOLDEN = Path(__file__).parent / "golden"
NY = ZoneInfo("America/New_York")
START = datetime(2025, 1, 15, 20, 0, tzinfo=UTC)
LISTED = Where("bookings", "upcoming", 10, False)


def _line(n: int, changes: list[Change], status: str = "scheduled") -> BookingLine:
    return BookingLine(
        status, f"Meeting {n}", "attendee Ana Lopez (ana@acme.com)",
        "Wed, Jan 15, 2025, 3:00 PM – 3:30 PM America/New_York (EST)",
        details_id=n, short_when=f"Jan 15 3:00 PM · Ana {n}",
        actions=action_buttons(n, status, START, changes, where=LISTED),
    )  # fmt: skip


def test_offered_on_past_meetings() -> None:
    now = START + timedelta(hours=1)
    assert offered("scheduled", START, now) == [Change.COMPLETED, Change.NO_SHOW]
    # the site turns a past scheduled meeting into a completed one when read; either can
    # be corrected once
    assert offered("completed", START, now) == [Change.NO_SHOW]
    assert offered("no_show", START, now) == [Change.COMPLETED]
    assert offered("cancelled", START, now) == []
    assert offered("completed", START, START - timedelta(hours=1)) == []


def test_completed_and_no_show_ask_first() -> None:
    block = action_buttons(7, "scheduled", START, [Change.COMPLETED, Change.NO_SHOW])
    assert block is not None
    assert [e["text"]["text"] for e in block["elements"]] == ["Completed", "No-show"]
    assert all("confirm" in e for e in block["elements"])


def test_listing_golden_with_buttons() -> None:
    listing = BookingListing(
        "upcoming",
        [
            BookingSection(
                "You host",
                [
                    _line(1, [Change.APPROVE, Change.DECLINE, Change.RESCHEDULE, Change.CANCEL],
                          "pending"),
                    _line(2, []),  # nothing this viewer may do: text only, packed
                    _line(3, [Change.RESCHEDULE, Change.CANCEL]),
                ],
                3,
            )
        ],
    )  # fmt: skip
    built = messages.booking_list(listing, more_value=None)
    assert_message_golden(GOLDEN, "booking_list_with_buttons", built)
    ids = [b.get("block_id") for b in built["blocks"] if b["type"] == "actions"]
    assert ids == ["lifecycle_actions_1", "lifecycle_actions_3", None]  # then Details


def test_a_long_listing_keeps_slacks_50_blocks_and_says_where_buttons_stop() -> None:
    rows = [_line(n, [Change.RESCHEDULE, Change.CANCEL]) for n in range(1, 41)]
    sections = [BookingSection(h, rows, 60) for h in ("You host", "You attend", "You booked")]
    listing = BookingListing("all", sections)
    built = messages.booking_list(listing, more_value=MoreBookingsValue(period="all", limit=40))
    assert check_message_blocks(built["blocks"]) == []
    assert len(built["blocks"]) <= 50
    with_buttons = [
        b for b in built["blocks"] if str(b.get("block_id", "")).startswith("lifecycle")
    ]
    assert 10 <= len(with_buttons) < 120
    assert f"buttons for only the first {len(with_buttons)} bookings" in all_text(built)
    # a short one has every row's buttons and no note
    short = messages.booking_list(BookingListing("all", [BookingSection("You host", rows[:5], 5)]))
    assert len([b for b in short["blocks"] if b.get("block_id")]) == 5
    assert "buttons for only" not in all_text(short)


def _home_row(n: int, changes: list[Change], status: str = "scheduled") -> HomeBooking:
    start = datetime(2025, 1, 13 + n // 3, 9 + n % 3, 0, tzinfo=NY)
    return HomeBooking(
        n, f"Meeting {n}", start, start + timedelta(minutes=30), status=status,
        attendee_name="Ana", role="host",
        actions=action_buttons(n, status, start, changes, where=HOME),
    )  # fmt: skip


def test_home_golden_with_buttons() -> None:
    rows = [
        _home_row(1, [Change.APPROVE, Change.DECLINE, Change.RESCHEDULE, Change.CANCEL],
                  "pending"),
        _home_row(2, []),
        _home_row(3, [Change.RESCHEDULE, Change.CANCEL]),
    ]  # fmt: skip
    built = home_view(rows, timezone="America/New_York", today=date(2025, 1, 13))
    assert_view_golden(GOLDEN, "home_with_buttons", built)


def test_a_full_home_keeps_slacks_100_blocks() -> None:
    every = [Change.APPROVE, Change.DECLINE, Change.RESCHEDULE, Change.CANCEL]
    rows = [_home_row(n, every, "pending") for n in range(1, 11)]  # App Home's most
    built = home_view(rows, timezone="America/New_York", today=date(2025, 1, 13))
    assert check_view(built) == []
    assert len([b for b in built["blocks"] if b.get("block_id", "").startswith("lifecycle")]) == 10


def test_a_booking_listed_twice_gets_one_set_of_buttons() -> None:
    # the site's pages can shift between reads: the same booking twice must not give two
    # blocks with one block_id (Slack would refuse the whole message)
    twice = [_line(5, [Change.CANCEL]), _line(5, [Change.CANCEL])]
    built = messages.booking_list(BookingListing("all", [BookingSection("You host", twice, 2)]))
    assert check_message_blocks(built["blocks"]) == []
    home = home_view(
        [_home_row(4, [Change.CANCEL]), _home_row(4, [Change.CANCEL])],
        timezone="America/New_York",
        today=date(2025, 1, 13),
    )
    assert check_view(home) == []
