"""The public interface of bot.dates: types, JSON shape, errors, languages, help text."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.dates import HELP_TEXT, DateParseError, ParsedWhen, parse_when, warm_up

NOW = datetime(2025, 1, 10, 10, 0)  # a Friday, naive = local to the user's zone


def test_design_example_json_is_exact() -> None:
    out = parse_when("tomorrow at 3pm", "America/New_York", NOW).to_json()
    assert {k: out[k] for k in ("text", "start", "end", "timezone", "granularity", "matched")} == {
        "text": "tomorrow at 3pm",
        "start": "2025-01-11T15:00:00-05:00",
        "end": None,
        "timezone": "America/New_York",
        "granularity": "minute",
        "matched": "tomorrow at 3pm",
    }
    assert out["rest"] == "" and out["notes"] == [] and out["timezone_kind"] == "iana"


def test_result_is_aware_and_in_its_zone() -> None:
    r = parse_when("3pm London time", "America/New_York", NOW)
    assert isinstance(r, ParsedWhen)
    assert r.start.tzinfo is not None
    assert r.start.utcoffset() == r.start.astimezone(ZoneInfo("Europe/London")).utcoffset()
    assert r.timezone == "Europe/London"


def test_aware_now_is_converted_to_the_user_zone() -> None:
    # 15:00 UTC is 10:00 in New York: "at 11" is still ahead today.
    r = parse_when("at 11", "America/New_York", datetime(2025, 1, 10, 15, 0, tzinfo=UTC))
    assert r.start.isoformat() == "2025-01-10T11:00:00-05:00"


def test_user_zone_alias_is_canonicalised() -> None:
    r = parse_when("tomorrow 9am", "US/Pacific", NOW)
    assert r.timezone == "America/Los_Angeles"
    assert parse_when("tomorrow 9am", "Asia/Calcutta", NOW).timezone == "Asia/Kolkata"


def test_unknown_zone_is_an_error_naming_it() -> None:
    with pytest.raises(DateParseError, match="Mars/Olympus"):
        parse_when("tomorrow", "Mars/Olympus", NOW)


def test_error_is_a_value_error_with_a_user_message() -> None:
    with pytest.raises(ValueError) as info:
        parse_when("whenever", "UTC", NOW)
    assert "tomorrow at 3pm" in str(info.value)  # tells the user what would work


@pytest.mark.parametrize("text", ["", "   ", "x" * 600])
def test_empty_or_huge_text_is_refused(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_when(text, "UTC", NOW)


def test_rest_keeps_the_event_and_email() -> None:
    r = parse_when("/book demo with ana@acme.com next tue 3pm", "America/New_York", NOW)
    assert r.rest == "/book demo with ana@acme.com"
    assert r.matched == "next tue 3pm"
    assert r.start.isoformat() == "2025-01-14T15:00:00-05:00"


def test_matched_parts_may_be_apart() -> None:
    r = parse_when("tuesday demo with bob at 3pm", "America/New_York", NOW)
    assert r.matched == "tuesday at 3pm"
    assert r.rest == "demo with bob"


def test_languages_can_be_limited() -> None:
    assert parse_when("demain à 15h", "Europe/Paris", NOW, languages=("fr",)).start.hour == 15
    with pytest.raises(DateParseError):
        parse_when("demain", "Europe/Paris", NOW, languages=("en",))


def test_languages_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATE_LANGUAGES", "en")
    with pytest.raises(DateParseError):
        parse_when("mañana", "Europe/Madrid", NOW)
    monkeypatch.setenv("DATE_LANGUAGES", "en,es")
    assert parse_when("mañana", "Europe/Madrid", NOW).start.day == 11


def test_dateparser_reads_languages_the_grammar_does_not_know() -> None:
    # Italian is not in the grammar: dateparser reads it, we localise and check it.
    r = parse_when("2 gennaio 2026 alle 15:00", "Europe/Rome", NOW, languages=("it",))
    assert r.start.isoformat() == "2026-01-02T15:00:00+01:00"
    assert "read_by_dateparser" in r.notes
    r = parse_when("domani", "Europe/Rome", NOW, languages=("it",))
    assert r.start.isoformat() == "2025-01-11T00:00:00+01:00" and r.granularity == "day"


def test_nonsense_never_becomes_now() -> None:
    for text in ("now-ish 42", "asdf 12", "ora", "boh"):
        with pytest.raises(DateParseError):
            parse_when(text, "Europe/Rome", NOW, languages=("it", "en"))


def test_abbreviated_month_names_are_read_with_the_time() -> None:
    r = parse_when("15 févr. à 10h", "Europe/Paris", NOW)
    assert r.start.isoformat() == "2025-02-15T10:00:00+01:00"


def test_conflicting_parts_are_refused() -> None:
    with pytest.raises(DateParseError, match="two"):
        parse_when("tomorrow at 3pm or 4pm", "UTC", NOW)
    with pytest.raises(DateParseError):
        parse_when("3pm London time 4pm PST", "UTC", NOW)


def test_numeric_offset_without_etc_zone_is_kept_as_offset() -> None:
    r = parse_when("tomorrow 9am UTC+5:30", "UTC", NOW)
    assert r.timezone == "+05:30" and r.timezone_kind == "offset"
    assert r.to_json()["start"] == "2025-01-11T09:00:00+05:30"


def test_gmt_minus_three_is_utc_minus_three() -> None:
    r = parse_when("tomorrow 10am GMT-3", "UTC", NOW)
    assert r.start.utcoffset() is not None
    assert r.start.utcoffset().total_seconds() == -3 * 3600  # type: ignore[union-attr]


def test_warm_up_runs() -> None:
    warm_up()


def test_help_text_states_the_readings_briefly() -> None:
    assert len(HELP_TEXT) < 1500
    for word in ("next tue", "afternoon", "in 2 hours", "03/04", "DST", "Feb 30"):
        assert word in HELP_TEXT


def test_no_date_is_told_apart_from_an_impossible_one() -> None:
    from bot.dates import DateParseError, NoDateFound, parse_when

    with pytest.raises(NoDateFound):
        parse_when("demo with ana", tz="America/New_York")
    with pytest.raises(DateParseError) as caught:
        parse_when("feb 30 at 3pm", tz="America/New_York")
    assert not isinstance(caught.value, NoDateFound)
