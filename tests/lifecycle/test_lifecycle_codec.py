"""The lifecycle buttons' values and the lifecycle modals' memory on the one typed codec:
round trips, and every changed or foreign value refused before anything is done."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.fluentbooking.lifecycle import Change
from bot.slack.booking_actions import Where, action_buttons, button_value
from bot.slack.codec import (
    LifecycleMeta,
    LifecycleValue,
    MoreBookingsValue,
    WireError,
    WireTooLarge,
)

START = datetime(2025, 1, 15, 20, 0, tzinfo=UTC)


def test_values_round_trip_and_leave_out_what_they_do_not_use() -> None:
    values = [
        LifecycleValue(7),  # the feed's Approve / Decline: no state seen
        LifecycleValue(7, status="pending", start=START),
        LifecycleValue(7, status="scheduled", start=START, shown_in="home"),
        LifecycleValue(
            7,
            status="scheduled",
            start=START,
            shown_in="bookings",
            period="past",
            limit=20,
            team=True,
        ),
        LifecycleMeta(7, "scheduled", START, "America/New_York", channel="D1", ts="1.2"),
        LifecycleMeta(
            7,
            "pending",
            START,
            "UTC",
            day=date(2025, 1, 16),
            shown_in="bookings",
            period="upcoming",
            limit=10,
        ),
    ]
    for value in values:
        raw = value.encode()
        assert type(value).decode(raw) == value
    assert json.loads(LifecycleValue(7).encode()) == {"v": 1, "kind": "lifecycle", "booking_id": 7}


def test_the_buttons_carry_the_codecs_value() -> None:
    where = Where("bookings", "upcoming", 10, False)
    block = action_buttons(7, "pending", START, [Change.APPROVE, Change.CANCEL], where=where)
    assert block is not None
    for element in block["elements"]:
        value = LifecycleValue.decode(element["value"])
        assert (value.booking_id, value.status, value.start) == (7, "pending", START)
        assert (value.shown_in, value.period, value.limit) == ("bookings", "upcoming", 10)
    assert button_value(7, "scheduled", START) == LifecycleValue(7, "scheduled", START).encode()


GOOD = json.loads(LifecycleValue(7, status="scheduled", start=START).encode())


@pytest.mark.parametrize(
    "data",
    [
        {"b": 7, "s": "scheduled", "t": 1736971200},  # the earlier ad-hoc value
        {**GOOD, "v": 2},
        {**GOOD, "kind": "more_bookings"},
        {**GOOD, "booking_id": "7"},
        {**GOOD, "booking_id": 0},
        {**GOOD, "booking_id": True},
        {**GOOD, "status": "deleted"},
        {**GOOD, "start": "2025-01-15T20:00:00"},  # no offset
        {k: v for k, v in GOOD.items() if k != "start"},  # a state without its start
        {**GOOD, "admin": True},  # an unknown field
        {**GOOD, "shown_in": "channel"},
        {**GOOD, "shown_in": "bookings"},  # a listing without its period and size
        {**GOOD, "shown_in": "home", "period": "past", "limit": 10},
        {**GOOD, "shown_in": "bookings", "period": "tomorrow", "limit": 10},
        {**GOOD, "shown_in": "bookings", "period": "past", "limit": -1},
    ],
)
def test_a_changed_or_foreign_value_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(WireError):
        LifecycleValue.decode(json.dumps(data))


def test_other_values_are_not_lifecycle_values() -> None:
    with pytest.raises(WireError):
        LifecycleValue.decode(MoreBookingsValue(period="past", limit=20).encode())
    with pytest.raises(WireError):
        LifecycleMeta.decode(LifecycleValue(7).encode())
    with pytest.raises(WireTooLarge):
        LifecycleValue.decode("{" + " " * 2100 + "}")


def test_modal_memory_is_checked_too() -> None:
    good = json.loads(LifecycleMeta(7, "scheduled", START, "UTC").encode())
    for data in (
        {**good, "timezone": "Mars/Olympus"},
        {**good, "status": ""},
        {**good, "day": "tomorrow"},
        {**good, "channel": 5},
    ):
        with pytest.raises(WireError):
            LifecycleMeta.decode(json.dumps(data))
    with pytest.raises(WireTooLarge):
        LifecycleMeta(7, "scheduled", START, "UTC", channel="C" * 3000).encode()
