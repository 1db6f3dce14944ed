"""Never silently wrong: composed phrases are read exactly, or refused (hypothesis).

Each phrase is put together from a day, a clock time, sometimes a zone, and noise people
write in Slack (mentions, "1:1 with sam", "room 42", emails, versions, money, links), in
each of the five languages, in shuffled positions. Its meaning is known from its parts, so
the answer must be exactly that instant. Add one more date-like token the parts do not
account for (a second clock, a numeric date, a month, an ordinal) and the phrase must be
refused: answering from the rest would be a guess.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dates import DateParseError, parse_when

NOW = datetime(2026, 3, 17, 9, 40)  # a Tuesday
USER_ZONES = ["America/Chicago", "Europe/Madrid", "Asia/Kolkata", "UTC", "Australia/Sydney"]

# (text, date) — read on the user's calendar, whatever zone the time is in.
DAYS = {
    "en": [
        ("tomorrow", date(2026, 3, 18)), ("on friday", date(2026, 3, 20)),
        ("next monday", date(2026, 3, 23)), ("march 25", date(2026, 3, 25)),
        ("the 26th", date(2026, 3, 26)), ("2026-04-02", date(2026, 4, 2)),
        ("april 3rd", date(2026, 4, 3)), ("tuesday of next week", date(2026, 3, 24)),
        ("the twelfth of April", date(2026, 4, 12)), ("January twenty-third", date(2027, 1, 23)),
        ("Fri Apr 2 2027", date(2027, 4, 2)), ("2027 March 18", date(2027, 3, 18)),
    ],
    "es": [
        ("mañana", date(2026, 3, 18)), ("el viernes", date(2026, 3, 20)),
        ("el 25 de marzo", date(2026, 3, 25)), ("el próximo lunes", date(2026, 3, 23)),
        ("el martes de la semana que viene", date(2026, 3, 24)),
        ("el primero de abril", date(2026, 4, 1)), ("26/03/2026", date(2026, 3, 26)),
    ],
    "fr": [
        ("demain", date(2026, 3, 18)), ("vendredi", date(2026, 3, 20)),
        ("le 25 mars", date(2026, 3, 25)), ("lundi prochain", date(2026, 3, 23)),
        ("mardi de la semaine prochaine", date(2026, 3, 24)),
        ("le premier avril", date(2026, 4, 1)),
    ],
    "de": [
        ("morgen", date(2026, 3, 18)), ("am Freitag", date(2026, 3, 20)),
        ("am 25. März", date(2026, 3, 25)), ("nächsten Montag", date(2026, 3, 23)),
        ("Dienstag nächster Woche", date(2026, 3, 24)), ("26.03.2026", date(2026, 3, 26)),
    ],
    "pt": [
        ("amanhã", date(2026, 3, 18)), ("na sexta", date(2026, 3, 20)),
        ("25 de março", date(2026, 3, 25)), ("na próxima segunda", date(2026, 3, 23)),
        ("terça da semana que vem", date(2026, 3, 24)), ("primeiro de abril", date(2026, 4, 1)),
    ],
}  # fmt: skip
# (text, wall time)
TIMES = {
    "en": [
        ("at 3pm", time(15)), ("at 10:30", time(10, 30)), ("at 14:05:30", time(14, 5, 30)),
        ("2:15 pm", time(14, 15)), ("at noon", time(12)), ("at half two", time(14, 30)),
        ("at 8h10 PM", time(20, 10)),
    ],
    "es": [
        ("a las 15:00", time(15)), ("a las 10:30", time(10, 30)),
        ("a las 3 de la tarde", time(15)), ("a las 8 de la noche", time(20)),
        ("a las 18:30:15", time(18, 30, 15)),
    ],
    "fr": [
        ("à 15h", time(15)), ("à 10h30", time(10, 30)), ("à 14:05:30", time(14, 5, 30)),
        ("à midi", time(12)), ("à 8h10 du soir", time(20, 10)),
    ],
    "de": [
        ("um 15 Uhr", time(15)), ("um 10:30", time(10, 30)), ("um 8 Uhr abends", time(20)),
        ("um halb drei", time(14, 30)), ("um 20:32:13", time(20, 32, 13)),
    ],
    "pt": [
        ("às 15h", time(15)), ("às 10:30", time(10, 30)), ("às 3 da tarde", time(15)),
        ("às 14:05:30", time(14, 5, 30)), ("às 11 da noite", time(23)),
    ],
}  # fmt: skip
ZONES = [("", None), ("Europe/Paris", "Europe/Paris"), ("Asia/Tokyo", "Asia/Tokyo"),
         ("America/New_York", "America/New_York")]  # fmt: skip
NOISE = [
    "1:1 with sam", "<@U123>", "<@U0A1|ana>", "room 42", "ana@acme.com", "v1.4.2",
    "Version: 1.1.30", "$12.50", "budget 50%", "<https://example.com/a/3/4>", "#123", "please",
    "sync", "call me at 555-1234", "<!here>", "(30 min)", "re: ticket #7",
]  # fmt: skip
# Date-like tokens no part accounts for: a second clock, a date, a month, an ordinal.
STRAYS = ["4:45", "23:59:59", "10/11", "october", "the 5th", "9 p.m.", "7pm", "12.10.2026",
          "07-27-2027", "Dec 9", "o'clock", "gennaio"]  # fmt: skip


@st.composite
def composed(draw: st.DrawFn) -> tuple[str, str, date, time, str | None]:
    """(text, language, date, wall time, zone named in the text or None)."""
    lang = draw(st.sampled_from(sorted(DAYS)))
    day_text, day = draw(st.sampled_from(DAYS[lang]))
    time_text, wall = draw(st.sampled_from(TIMES[lang]))
    zone_text, zone = draw(st.sampled_from(ZONES))
    when = [day_text, time_text] if draw(st.booleans()) or lang != "en" else [time_text, day_text]
    core = " ".join([*when, zone_text]).strip()
    noise = draw(st.lists(st.sampled_from(NOISE), max_size=3, unique=True))
    cut = draw(st.integers(0, len(noise)))
    text = " ".join([*noise[:cut], core, *noise[cut:]])
    return text, lang, day, wall, zone


@settings(max_examples=400, deadline=None)
@given(composed(), st.sampled_from(USER_ZONES))
def test_a_composed_phrase_is_read_exactly(
    p: tuple[str, str, date, time, str | None], user_zone: str
) -> None:
    text, _lang, day, wall, zone = p
    try:
        r = parse_when(text, user_zone, NOW)
    except DateParseError as e:
        raise AssertionError(f"{text!r} refused: {e}") from None
    expected_zone = zone or user_zone
    expected = datetime.combine(day, wall, tzinfo=ZoneInfo(expected_zone))
    assert r.timezone == expected_zone, (text, r.timezone)
    assert r.start == expected and r.start.utcoffset() == expected.utcoffset(), (text, r.start)
    assert r.granularity == "minute", text
    for piece in NOISE:  # noise is kept for the booking's title, never read
        if piece in text:
            assert piece in r.rest, (text, r.rest)


@settings(max_examples=400, deadline=None)
@given(composed(), st.sampled_from(STRAYS), st.booleans(), st.sampled_from(USER_ZONES))
def test_a_date_like_token_left_unread_makes_a_refusal(
    p: tuple[str, str, date, time, str | None], stray: str, first: bool, user_zone: str
) -> None:
    text = f"{stray} or {p[0]}" if first else f"{p[0]} or {stray}"
    try:
        r = parse_when(text, user_zone, NOW)
    except DateParseError as e:
        assert str(e)  # a message fit for the user
        return
    raise AssertionError(f"{text!r} answered {r.start.isoformat()} ignoring {stray!r}")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(DAYS)), st.sampled_from(NOISE), st.sampled_from(STRAYS))
def test_noise_alone_or_with_a_stray_is_never_a_date(lang: str, noise: str, stray: str) -> None:
    for text in (
        noise,
        f"{noise} {stray}" if stray in ("october", "o'clock", "gennaio") else noise,
    ):
        try:
            r = parse_when(text, "UTC", NOW)
        except DateParseError:
            continue
        raise AssertionError(f"{text!r} ({lang}) read as {r.start.isoformat()}")
