"""Properties that hold for every phrase, zone and moment (hypothesis)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.dates import DateParseError, parse_when
from bot.dates.lexicon import NOW as NOW_WORDS

ZONES = [
    "America/New_York", "America/Los_Angeles", "America/Sao_Paulo", "America/St_Johns",
    "Europe/London", "Europe/Berlin", "Europe/Dublin", "Asia/Kolkata", "Asia/Kathmandu",
    "Asia/Tokyo", "Australia/Sydney", "Australia/Adelaide", "Australia/Lord_Howe",
    "Pacific/Auckland", "Pacific/Chatham", "UTC", "America/Santiago", "Asia/Tehran",
]  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
PLACES = ["London", "Tokyo", "Sydney", "New York", "Paris", "Kolkata", "Chicago"]


@st.composite
def clock(draw: st.DrawFn) -> tuple[str, int, int]:
    """(text, hour, minute) of a clock time written with am/pm."""
    h = draw(st.integers(1, 12))
    m = draw(st.sampled_from([0, 15, 30, 45]))
    mer = draw(st.sampled_from(["am", "pm"]))
    text = f"{h}{mer}" if m == 0 else f"{h}:{m:02d}{mer}"
    return text, h % 12 + (12 if mer == "pm" else 0), m


@st.composite
def phrase(draw: st.DrawFn) -> tuple[str, tuple[int, int] | None, str | None]:
    """(text, (hour, minute) the wall clock must show or None, zone named in the text)."""
    kind = draw(st.integers(0, 8))
    c, h, m = draw(clock())
    if kind == 0:
        return c, (h, m), None
    if kind == 1:
        return f"{draw(st.sampled_from(WEEKDAYS))} at {c}", (h, m), None
    if kind == 2:
        return f"next {draw(st.sampled_from(WEEKDAYS))} {c}", (h, m), None
    if kind == 3:
        return f"tomorrow at {c}", (h, m), None
    if kind == 4:
        n = draw(st.integers(1, 500))
        unit = draw(st.sampled_from(["minutes", "hours"]))
        return f"in {n} {unit}", None, None
    if kind == 5:
        month = draw(st.sampled_from(MONTHS))
        day = draw(st.integers(1, 28))
        return f"{month} {day} {c}", (h, m), None
    if kind == 6:
        place = draw(st.sampled_from(PLACES))
        return f"{c} {place} time", (h, m), place
    if kind == 7:
        return f"in {draw(st.integers(1, 60))} days", None, None
    return draw(st.sampled_from(WEEKDAYS)), None, None


def _names_a_date(text: str) -> bool:
    return text.split()[0] in MONTHS


NOW = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2032, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@settings(max_examples=300, deadline=None)
@given(phrase(), st.sampled_from(ZONES), NOW)
def test_resolved_time_is_real_future_and_round_trips(
    p: tuple[str, tuple[int, int] | None, str | None], tz: str, now: datetime
) -> None:
    text, wall, _place = p
    try:
        r = parse_when(text, tz, now)
    except DateParseError as e:  # only a stated impossibility may be refused
        raise AssertionError(f"{text!r} refused: {e}") from None
    now_utc = now.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    start = r.start
    # A real instant in the output zone: converting back gives the same wall and offset.
    zone = ZoneInfo(r.timezone)
    again = start.astimezone(UTC).astimezone(zone)
    assert again.replace(tzinfo=None) == start.replace(tzinfo=None), (text, start)
    assert again.utcoffset() == start.utcoffset()
    # Round-trips through UTC and through its ISO text.
    # (timestamps, not ==: PEP 495 makes times in a fold unequal across zones)
    parsed = datetime.fromisoformat(start.isoformat())
    assert parsed.timestamp() == start.timestamp() and parsed.utcoffset() == start.utcoffset()
    assert start.astimezone(UTC).timestamp() == start.timestamp()
    # In the future of now (day answers: the day has not ended).
    if r.granularity == "day":
        assert start + timedelta(days=1) > now_utc, (text, start, now)
    elif not (_names_a_date(text) and start.date() == now.date()):
        # "jun 1 1am" said on June 1 at 02:00 names today: DATES.md keeps today's date.
        assert start > now_utc - timedelta(seconds=1), (text, start, now)
    # The wall clock says what was asked, unless a DST gap moved it (and says so).
    if wall is not None and "dst_gap" not in r.notes:
        assert (start.hour, start.minute) == wall, (text, start)
    if "dst_gap" in r.notes:
        assert start.hour != wall[0] if wall else True


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40), st.sampled_from(ZONES), NOW)
@example("NOW", "America/New_York", datetime(2020, 1, 1))  # asked for: the present minute
@example("nowhere", "America/New_York", datetime(2020, 1, 1))
def test_arbitrary_text_never_crashes_and_never_means_now(
    text: str, tz: str, now: datetime
) -> None:
    try:
        r = parse_when(text, tz, now)
    except DateParseError:
        return
    assert r.matched.strip(), text  # an answer always points at the words it read
    now_aware = now.replace(tzinfo=ZoneInfo(tz))
    asked_for_now = "in 0" in text or _says_now(text)
    assert not (r.granularity == "minute" and r.start == now_aware and not asked_for_now)


def _says_now(text: str) -> bool:
    """'now', 'NOW', 'jetzt'...: DATES.md reads these as the present minute."""
    folded = text.casefold()
    return any(re.search(rf"\b{re.escape(w)}\b", folded) for ws in NOW_WORDS.values() for w in ws)


VOCAB = [
    "tomorrow", "at", "3pm", "next", "friday", "in", "2", "hours", "the", "3rd", "London",
    "time", "PST", "25:00", "13/13", "jan", "15", "-", "4pm", "morning", "noon", "midnight",
    "this", "week", "after", "days", "10:30", "UTC+2", "GMT-3", "Europe/Paris", "mañana",
    "a", "las", "demain", "à", "15h", "um", "Uhr", "03/04", "tonight", "7", "and", "between",
    "<@U1>", "ana@acme.com", "1:1", "room", "42", "z", "IST", "2025-03-09", "02:30", "feb",
    "30", "from", "now", "half", "an", "hour", "sun", "mon", "weeks", "+05:30", "12am",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=6), st.sampled_from(ZONES), NOW)
def test_word_salad_is_read_or_refused_cleanly(words: list[str], tz: str, now: datetime) -> None:
    text = " ".join(words)
    try:
        r = parse_when(text, tz, now)
    except DateParseError as e:
        assert str(e)  # a message for the user
        return
    assert r.start.tzinfo is not None
    assert r.granularity in ("minute", "day", "range")
    assert (r.end is None) == (r.granularity != "range")
    if r.end is not None:
        assert r.end > r.start
