"""Unit tests: escaping and limits, reading one-line commands, modal state, the booking service."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.booking.service import BookingIntent, BookingService
from bot.dates.spans import read_span
from bot.fluentbooking import Booking, SlotUnavailableError
from bot.fluentbooking.models import Event
from bot.slack.booking.form_input import read_state, validate
from bot.slack.booking.matching import extract_attendees, match_event, name_from_email
from bot.slack.text import escape, strip_html, truncate, truncate_escaped
from bot.store import open_store

EVENTS = [
    Event(1, "30 Minute Phone Call", 30, requires=("phone",)),
    Event(2, "In-Person Meeting", 60, requires=("address",)),
    Event(3, "Product Demo & Q&A", 30, (15, 30, 60)),
    Event(6, "Intro Call", 30),
    Event(7, "Workshop Planning", 60),
]


def test_escape_and_truncate() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert truncate("abcdef", 4) == "abc…" and truncate("abc", 4) == "abc"
    cut = truncate_escaped("a&b&c&d", 6)
    assert len(cut) <= 6 and not cut.rstrip("…").endswith(("&", "&a", "&am", "&amp"))
    assert strip_html("<p>Hi &amp; <b>bye</b></p>") == "Hi & bye"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("demo", 3),
        ("product demo", 3),
        ("workshp", 7),  # a typo
        ("phone call", 1),
        ("in person", 2),
        ("7", 7),
    ],
)
def test_match_event(text: str, expected: int) -> None:
    found = match_event(text, EVENTS)
    assert found.event is not None and found.event.id == expected


def test_match_event_ambiguous_and_none() -> None:
    found = match_event("call", EVENTS)
    assert found.event is None and {e.id for e in found.candidates} == {1, 6}
    assert match_event("banana", EVENTS).candidates == []
    assert match_event("with the", EVENTS).event is None


def test_extract_attendees() -> None:
    got = extract_attendees("demo with <mailto:ana@acme.com|ana@acme.com> and <@U123|bo> tue")
    assert got.emails == ["ana@acme.com"] and got.mentions == [("U123", "bo")]
    assert got.rest == "demo with and tue"
    assert name_from_email("ana.lopez+x@acme.com") == "Ana Lopez X"


MONDAY = date(2025, 1, 13)


@pytest.mark.parametrize(
    ("text", "rest", "days"),
    [
        ("phone next 2 weeks", "phone", 14),
        ("the next ten days demo", "demo", 10),
        ("demo coming 3 weeks", "demo", 21),
        ("demo next 1 day", "demo", 1),
        ("demo next 90 days", "demo", 60),  # the site's window at most
        ("demo this week", "demo", 7),  # said on a Monday: to Sunday
    ],
)
def test_read_span(text: str, rest: str, days: int) -> None:
    found = read_span(text, MONDAY)
    assert found is not None
    assert found[0] == rest and found[1] == MONDAY
    assert (found[2] - found[1]).days + 1 == days


def test_read_span_leaves_single_dates_to_the_dates_module() -> None:
    for text in ("demo next week", "demo tomorrow", "demo in 2 weeks", "phone next tue"):
        assert read_span(text, MONDAY) is None


def _view(values: dict[str, Any]) -> dict[str, Any]:
    return {"state": {"values": values}}


def test_read_state_and_validate() -> None:
    view = _view(
        {
            "event": {"event_select": {"type": "static_select", "selected_option": {"value": "1"}}},
            "day": {"day_pick": {"type": "datepicker", "selected_date": "2025-01-14"}},
            "time_ab": {"time_select": {"type": "static_select", "selected_option": None}},
            "attendee_name": {"name_input": {"type": "plain_text_input", "value": " Ana "}},
            "attendee_email": {"email_input": {"type": "plain_text_input", "value": "ana@"}},
            "guests": {"guests_input": {"type": "plain_text_input", "value": "a@b.co, nope"}},
        }
    )
    form = read_state(view)
    assert form.event_id == 1 and form.name == "Ana" and form.time_block == "time_ab"
    errors = validate(form, requires=("phone",))
    assert set(errors) == {"time_ab", "attendee_email", "phone", "guests"}
    assert "nope" in errors["guests"]


class FakeClient:
    """Counts create_booking calls; optionally slow or failing."""

    def __init__(self, fail: Exception | None = None, delay: float = 0.0) -> None:
        self.calls = 0
        self.fail = fail
        self.delay = delay

    async def create_booking(self, event_id: int, request: Any, *, event: Any = None) -> Booking:
        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        start = datetime(2025, 1, 14, 20, 0, tzinfo=UTC)
        return Booking(
            id=self.calls, hash="h", status="scheduled", start_utc=start,
            end_utc=start + timedelta(minutes=30), timezone=request.timezone,
            name=request.name, email=request.email,
        )  # fmt: skip


def _intent(**kw: Any) -> BookingIntent:
    base: dict[str, Any] = {
        "user_id": "U1",
        "event": EVENTS[4],
        "event_time": "2025-01-14 15:00:00",
        "start": datetime(2025, 1, 14, 20, 0, tzinfo=UTC),
        "timezone": "America/New_York",
        "name": "Ana",
        "email": "ana@acme.com",
    }
    base.update(kw)
    return BookingIntent(**base)


async def test_booking_service_once_per_intent(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    client = FakeClient(delay=0.05)
    service = BookingService(client, store)
    a, b = await asyncio.gather(service.book(_intent()), service.book(_intent()))
    assert client.calls == 1
    assert {a.already, b.already} == {False, True}
    assert a.result.booking_id == b.result.booking_id
    assert a.result.start.tzname() == "EST" and a.result.start.hour == 15
    other = await service.book(_intent(email="bob@acme.com"))
    assert client.calls == 2 and not other.already
    await store.close()


async def test_booking_service_releases_on_failure(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    failing = BookingService(FakeClient(fail=SlotUnavailableError()), store)
    with pytest.raises(SlotUnavailableError):
        await failing.book(_intent())
    working = BookingService(FakeClient(), store)
    assert not (await working.book(_intent())).already  # the same intent may be tried again
    await store.close()
