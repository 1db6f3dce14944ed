"""Property-based: any text typed after /book or /slots gets a clear answer, never the
generic apology or a traceback. Texts mix unicode (right-to-left scripts, emoji,
combining marks), mentions of users that do not exist, huge years, malformed times and
lengths up to 4,000 characters; they go through the real app (signed requests to the bot,
the Slack stand-in, the sandbox site)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.slack_text import all_text

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE
from bot.slack.booking.common import read_when
from bot.slack.booking.matching import extract_attendees, match_event

GENERIC = ("traceback", "something went wrong", "overflowerror", "reference ")

WORDS = st.sampled_from(
    ["demo", "phone call", "workshop", "in person", "intro", "with", "at", "next", "tomorrow",
     "call", "product demo & q&a", "office hours", "strategy"]
)  # fmt: skip
WHEN = st.one_of(
    st.sampled_from(
        ["tomorrow 10am", "next tue 3pm", "jan 15 10am", "9999-12-31", "dec 31 9999 11pm",
         "25:99", "13pm", "0am", "32 jan", "feb 30", "10:61", "yesterday", "in 99999 days",
         "year 10000", "00:00", "noon", "3pm London time", "10am +05:30", "mañana 10h"]
    ),
    st.integers(min_value=1, max_value=99999).map(lambda y: f"dec 31 {y} 11pm"),
)  # fmt: skip
WHO = st.one_of(
    st.just(""),
    st.from_regex(r"<@U[A-Z0-9]{2,12}>", fullmatch=True),
    st.sampled_from(["ana@acme.com", "not-an-email@", "<@U_ALICE>", "phone +1 555 0100"]),
)
NOISE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    max_size=80,
)  # RTL scripts, emoji, combining marks, control characters
TEXT = st.one_of(
    st.tuples(WORDS, WHO, WHEN, NOISE).map(lambda t: " ".join(t)),
    NOISE,
    st.text(alphabet="😀👩🏽‍💻🇺🇦مرحبا שלום a1 ", min_size=200, max_size=4000),
)


@settings(max_examples=2000, deadline=None)
@given(text=TEXT)
def test_the_parsing_front_of_book_never_raises_anything_but_a_date_error(text: str) -> None:
    from datetime import UTC, datetime

    from bot.dates import DateParseError
    from bot.fluentbooking.models import Event

    who = extract_attendees(text)
    try:
        when = read_when(who.rest, "America/New_York", datetime(2025, 1, 13, 14, tzinfo=UTC))
    except DateParseError as exc:
        assert str(exc).strip()
        return
    rest = when.rest if when is not None else who.rest
    event = Event(id=1, title="Product Demo & Q&A", duration=30)
    match_event(rest, [event])


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.sampled_from(["/book", "/slots"]), text=TEXT)
async def test_every_text_through_the_app_gets_a_clear_answer(
    stack: LocalStack, command: str, text: str
) -> None:
    before = len(stack.slack.ephemerals(U_ALICE))
    modals = len(stack.slack.open_modals())
    resp = await stack.requester.command(command, text, U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    answers = [all_text(m) for m in stack.slack.ephemerals(U_ALICE)[before:]]
    opened = len(stack.slack.open_modals()) > modals
    assert answers or opened, f"no answer to {command} {text[:80]!r}"
    for answer in answers:
        assert answer.strip()
        for word in GENERIC:
            assert word not in answer.lower(), (text[:200], answer)
    for view in stack.slack.open_modals():
        stack.slack.close_view(view["id"])
