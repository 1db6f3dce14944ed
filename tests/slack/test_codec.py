"""The codec of what Slack carries for the bot: typed, versioned, sized after encoding."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.slack.codec import (
    BookingFormMeta,
    MoreBookingsValue,
    PickEventValue,
    PrefillValue,
    SettingsMeta,
    SlotRangeValue,
    SlotValue,
    WireError,
    WireTooLarge,
    decode_any,
    option_int,
)

NY = timezone(timedelta(hours=-5))
SLOT = SlotValue(
    event_id=3,
    event_time="2025-01-14 15:00:00",
    start=datetime(2025, 1, 14, 15, 0, tzinfo=NY),
    timezone="America/New_York",
    duration=30,
    name="Ana",
    email="ana@acme.com",
)


def test_every_value_round_trips_with_explicit_names_and_a_version() -> None:
    values = [
        SLOT,
        PrefillValue(3, None, date(2025, 1, 14), None, "UTC", "Ana", None),
        PickEventValue(event_id=6, query="intro tomorrow"),
        MoreBookingsValue(period="past", limit=20),
        SlotRangeValue(3, date(2025, 1, 1), date(2025, 1, 7), "UTC", None),
        BookingFormMeta(channel_id="C1", user_id="U1", timezone="UTC", requires=("phone",)),
        SettingsMeta(channel_id=None, key="zoom"),
    ]
    for value in values:
        raw = value.encode()
        data = json.loads(raw)
        assert data["v"] == 1 and data["kind"] == value.KIND
        assert type(value).decode(raw) == value
    assert set(json.loads(SLOT.encode())) == {
        "v", "kind", "event_id", "event_time", "start", "timezone", "duration", "name", "email"
    }  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        lambda d: {**d, "v": 2},  # a newer (or older) bot wrote it
        lambda d: {k: v for k, v in d.items() if k != "v"},
        lambda d: {**d, "kind": "pick_event"},
        lambda d: {**d, "event_id": "3"},  # a number as text
        lambda d: {**d, "event_id": True},
        lambda d: {**d, "event_id": -1},
        lambda d: {**d, "duration": 0},
        lambda d: {**d, "start": "2025-01-14T15:00:00"},  # no offset
        lambda d: {**d, "start": "tuesday"},
        lambda d: {**d, "admin": True},  # an unknown field
        lambda d: {k: v for k, v in d.items() if k != "email"},
    ],
)
def test_a_changed_value_is_refused(change) -> None:
    raw = json.dumps(change(json.loads(SLOT.encode())))
    with pytest.raises(WireError) as refused:
        SlotValue.decode(raw)
    assert "nothing was done" in refused.value.user_message


@pytest.mark.parametrize("raw", [None, 3, "", "not json", "[1, 2]", '{"e": 3, "t": "x"}'])
def test_what_is_not_the_codecs_json_is_refused(raw) -> None:
    with pytest.raises(WireError):
        SlotValue.decode(raw)


def test_sizes_are_checked_after_encoding_against_slacks_limits() -> None:
    # 1,990 characters of name fit before encoding, but not once JSON escapes them
    quoted = SlotValue(**{**SLOT.__dict__, "name": '"' * 995})
    assert len(quoted.name) < 2000
    with pytest.raises(WireTooLarge):
        quoted.encode()
    fits = SlotValue(**{**SLOT.__dict__, "name": "a" * 1700})
    assert len(fits.encode()) <= 2000
    # private_metadata may be 3,000 characters, a button value 2,000
    meta = BookingFormMeta(channel_id="C" * 2800, user_id="U1")
    assert 2000 < len(meta.encode()) <= 3000
    with pytest.raises(WireTooLarge):
        BookingFormMeta(channel_id="C" * 3000, user_id="U1").encode()


def test_an_oversized_value_from_slack_is_refused_before_it_is_parsed() -> None:
    raw = SLOT.encode()[:-1] + " " * 2000 + "}"
    assert json.loads(raw)  # valid JSON, only too long
    with pytest.raises(WireTooLarge) as refused:
        SlotValue.decode(raw)
    assert "too long" in refused.value.user_message


def test_one_of_several_kinds() -> None:
    prefill = PrefillValue(None, None, None, None, None, None, None)
    assert decode_any(prefill.encode(), SlotValue, PrefillValue) == prefill
    assert decode_any(SLOT.encode(), SlotValue, PrefillValue) == SLOT
    with pytest.raises(WireError):
        decode_any(MoreBookingsValue("all", 10).encode(), SlotValue, PrefillValue)


def test_a_range_ending_before_it_starts_is_refused() -> None:
    raw = SlotRangeValue(3, date(2025, 1, 7), date(2025, 1, 7), "UTC", None).encode()
    with pytest.raises(WireError):
        SlotRangeValue.decode(raw.replace('"first":"2025-01-07"', '"first":"2025-01-09"'))


def test_option_numbers() -> None:
    assert option_int("15") == 15
    for bad in ("", "0", "-3", "3.5", "x", "9" * 200, None):
        with pytest.raises(WireError):
            option_int(bad)
