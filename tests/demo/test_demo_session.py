"""The demo's interpreter driving the real stack in process (clock fixed on Mon Jan 13 2025)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.demo.session import DemoSession
from bot.demo.stack import LocalStack, start_local_stack
from bot.localslack import DEMO_CHANNEL, U_ALICE, SyncSlackRequester


def _register(config: pytest.Config, value: str) -> None:
    for plugin in config.pluginmanager.get_plugins():
        fn = getattr(plugin, "register_secret", None)
        if callable(fn):
            fn(value)


@pytest.fixture
def stack(tmp_path: Any, pytestconfig: pytest.Config) -> Iterator[LocalStack]:
    with start_local_stack(tmp_path) as running:
        for secret in (running.sandbox.app_password, running.slack.bot_token):
            _register(pytestconfig, secret)
        _register(pytestconfig, running.slack.signing_secret)
        yield running


@pytest.fixture
def demo(stack: LocalStack) -> Iterator[DemoSession]:
    with SyncSlackRequester(stack.bot.events_url, stack.slack) as requester:
        yield DemoSession(
            stack.slack, requester, stack.wait_idle, user_id=U_ALICE, channel=DEMO_CHANNEL
        )


def test_slots_shows_numbered_times_and_a_click_books(demo: DemoSession, stack: LocalStack) -> None:
    out = demo.execute("/slots demo tomorrow")
    assert "Free times for *Product Demo & Q&A*, Tue, Jan 14, 2025" in out
    assert "[1] 9:00 AM  [2] 9:30 AM  [3] 10:00 AM" in out
    assert "&amp;" not in out  # escapes are undone for the terminal
    out = demo.execute("click 3")
    assert "Booked" in out and "10:00 AM – 10:30 AM America/New_York (EST)" in out
    assert "(updated)" in out  # the bot replaced the message with the result
    assert stack.booking_count() == 1


def test_one_line_book_then_book_button(demo: DemoSession, stack: LocalStack) -> None:
    out = demo.execute("/book demo with ana@acme.com tomorrow 10am")
    assert "Tue, Jan 14, 2025, 10:00 AM – 10:30 AM America/New_York (EST)" in out
    assert "Ana (ana@acme.com)" in out
    assert stack.booking_count() == 0
    out = demo.execute('click "Book"')
    assert "Booked" in out and "ana@acme.com" in out
    assert stack.booking_count() == 1


def test_modal_flow_by_labels(demo: DemoSession, stack: LocalStack) -> None:
    out = demo.execute("/book")
    assert "+== Book a meeting" in out and "[1] Event: (Choose an event)" in out
    # the event select dispatches an action; the bot then fills in the times
    out = demo.execute('select event "Product Demo"')
    assert "Available time (America/New_York)" in out
    out = demo.execute("fill day 2025-01-15")
    assert "Day: 2025-01-15" in out
    out = demo.execute('select time "3:00 PM"')
    assert "3:00 PM" in out
    out = demo.execute("fill email ana@acme.com")
    assert "Attendee email: ana@acme.com" in out
    assert stack.slack.calls_to("views.update")  # the form was refreshed by the bot
    out = demo.execute("submit")
    assert "Booked" in out
    assert "Wed, Jan 15, 2025, 3:00 PM – 3:30 PM America/New_York (EST)" in out
    assert "ana@acme.com" in out
    assert stack.booking_count() == 1
    assert "(the form closed)" in demo.execute("close")


def test_field_error_is_shown_next_to_the_input(demo: DemoSession, stack: LocalStack) -> None:
    demo.execute("/book")
    demo.execute("select event 6")
    demo.execute("fill email ana@@acme")
    out = demo.execute("submit")
    lines = out.splitlines()
    email_at = next(i for i, line in enumerate(lines) if "Attendee email: ana@@acme" in line)
    assert "! Enter a valid email address" in lines[email_at + 1] or (
        "! Enter a valid email address" in lines[email_at + 2]  # after the input's hint
    )
    assert stack.booking_count() == 0


def test_field_error_goes_away_once_the_field_is_fixed(
    demo: DemoSession, stack: LocalStack
) -> None:
    demo.execute("/book")
    demo.execute("select event 6")
    demo.execute("fill email ana@@acme")
    out = demo.execute("submit")
    assert "! Enter a valid email address" in out
    assert out.endswith("Not booked yet: 2 fields need fixing (marked !). Fix, then submit again.")
    out = demo.execute("fill email ana@acme.com")
    assert "Attendee email: ana@acme.com" in out
    assert "Enter a valid email address" not in out
    assert "Enter a valid email address" not in demo.execute("show")
    demo.execute("select time 1")
    assert "Booked" in demo.execute("submit")
    assert stack.booking_count() == 1


def test_timezone_search_uses_the_bots_suggestions(demo: DemoSession) -> None:
    demo.execute("/book")
    out = demo.execute("select timezone tokyo")
    assert "Attendee timezone: Asia/Tokyo" in out


def test_mistakes_are_one_clear_line(demo: DemoSession) -> None:
    for line, expected in [
        ("frobnicate", "error: unknown command 'frobnicate'; type help"),
        ("/nope", "error: unknown slash command /nope"),
        ("click 1", "error: nothing to act on"),
        ("submit", "error: no form is open"),
        ('select "unclosed', "error: could not read that line"),
    ]:
        out = demo.execute(line)
        assert out.startswith(expected), out
        assert "\n" not in out
    demo.execute("/book")
    assert demo.execute("click 42").startswith("error: there is no [42]")
    assert demo.execute("click 1").startswith("error: [1] is not a button")
    assert "is not an option" in demo.execute("select event zzz")
    assert "help" in demo.execute("help") and "click N" in demo.execute("help")


def test_home_shows_the_app_home(demo: DemoSession) -> None:
    out = demo.execute("home")
    assert out.startswith("=== App Home ===")
    assert "/book" in out


def test_quit_ends_the_session(demo: DemoSession) -> None:
    assert demo.execute("quit") == "bye"
    assert demo.done
