"""App Home: the user's next meetings, day by day in their zone, a Book button, a how-to."""

from __future__ import annotations

import re
from typing import Any

import pytest
from home_helpers import all_text, book_in_modal, book_one_line

from bot.demo.stack import LocalStack
from bot.fluentbooking import BookingRequest, FluentBookingClient
from bot.localslack import U_ALICE, U_BOB
from bot.slack.home import flow as home
from bot.slack.ids import ActionId, BlockId


async def open_home(stack: LocalStack, user: str = U_ALICE) -> dict[str, Any]:
    resp = await stack.requester.event("app_home_opened", user)
    assert resp.status == 200
    stack.wait_idle()
    view = stack.slack.home(user)
    assert view is not None, "no App Home was published"
    return view


def book_button(view: dict[str, Any]) -> dict[str, Any]:
    for b in view["blocks"]:
        for el in b.get("elements") or []:
            if el.get("action_id") == ActionId.OPEN_FORM.value:
                return el
    raise AssertionError("no Book button in App Home")


async def seed(stack: LocalStack, times: list[str], email: str = "alice@example.com") -> None:
    """Bookings made on the site directly (not through the bot), attendee `email`."""
    client = FluentBookingClient(stack.sandbox.url, stack.sandbox.username,
                                 stack.sandbox.app_password, clock=stack.sandbox.now)  # fmt: skip
    async with client:
        for t in times:
            req = BookingRequest(name="Alice Archer", email=email, event_time=t,
                                 timezone="America/New_York", duration=30)  # fmt: skip
            await client.create_booking(3, req)


async def test_empty_state_offers_booking(stack: LocalStack) -> None:
    view = await open_home(stack)
    text = all_text(view)
    assert "No upcoming meetings. Book one:" in text
    assert book_button(view)["text"]["text"] == "Book a meeting"
    assert "/book demo with ana@acme.com next tue 3pm" in text  # the how-to


async def test_lists_upcoming_after_booking_by_day_in_user_zone(stack: LocalStack) -> None:
    await book_in_modal(stack, event_id=3, day="2025-01-15", clock_text="3:00 PM")
    # refreshed after booking: no app_home_opened needed
    text = all_text(stack.slack.home(U_ALICE))
    assert "Wed, Jan 15, 2025" in text and "3:00 PM – 3:30 PM" in text
    # a booking Alice made for someone else, and one that is not hers at all
    await book_one_line(stack, "demo with ana@acme.com next tue 3pm")
    await book_one_line(stack, "demo with bob@example.com jan 16 4pm", user=U_BOB)
    await seed(stack, ["2025-01-13 16:00:00"])  # today, made on the site

    view = await open_home(stack)
    text = all_text(view)
    assert "Times in America/New_York (EST)." in text
    days = re.findall(r"\*((?:Today|Tomorrow) · )?(\w{3}, \w{3} \d+, 2025)\*", text)
    assert [d[1] for d in days] == ["Mon, Jan 13, 2025", "Tue, Jan 14, 2025", "Wed, Jan 15, 2025"]
    assert "*Today · Mon, Jan 13, 2025*" in text and "*Tomorrow · Tue, Jan 14, 2025*" in text
    assert text.count("*Product Demo &amp; Q&amp;A*") == 3  # escaped title, Bob's not shown
    assert "with Ana · booked by you" in text
    assert "bob@example.com" not in text and "Thu, Jan 16" not in text

    bob = all_text(await open_home(stack, U_BOB))
    assert "Times in Europe/Berlin (CET)." in bob
    assert "*Thu, Jan 16, 2025*" in bob and "4:00 PM – 4:30 PM" in bob  # 10 AM New York


async def test_pending_meeting_is_marked(stack: LocalStack) -> None:
    await book_in_modal(stack, event_id=4, day="2025-01-15", clock_text="10:30 AM")
    text = all_text(stack.slack.home(U_ALICE))
    assert "Strategy Session" in text and "awaiting the host's confirmation" in text


async def test_shows_the_next_ten_reading_only_needed_pages(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(home, "PER_PAGE", 5)
    times = [f"2025-01-{d} {h:02d}:00:00" for d in (14, 15, 16) for h in (9, 10, 11, 12)]
    await seed(stack, times)
    stack.sandbox.clear_requests()
    text = all_text(await open_home(stack))
    assert text.count("*Product Demo &amp; Q&amp;A*") == 10
    assert "Thu, Jan 16, 2025" in text and "11:00 AM – 11:30 AM" in text
    assert "12:00 PM – 12:30 PM" not in text.split("Thu, Jan 16, 2025")[1]
    pages = [r.path for r in stack.sandbox.requests if "/schedules" in r.path]
    assert len(pages) == 2 and "page=2" in pages[1]  # 10 found on two pages: no third


async def test_site_down_shows_how_to_with_a_note(stack: LocalStack) -> None:
    stack.sandbox.set_faults(status=500)
    view = await open_home(stack)
    text = all_text(view)
    assert "Couldn't reach the booking site" in text
    assert "/book" in text and book_button(view)  # the how-to and the button stay
    assert "No upcoming meetings" not in text
    stack.sandbox.clear_faults()
    assert "No upcoming meetings" in all_text(await open_home(stack))


async def test_book_button_opens_the_booking_modal(stack: LocalStack) -> None:
    view = await open_home(stack)
    resp = await stack.requester.click(view, action_id=ActionId.OPEN_FORM.value, user_id=U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    [modal] = stack.slack.open_modals()
    form = all_text(modal)
    assert "Book a meeting" in form and "alice@example.com" in form
    assert any(b.get("block_id") == BlockId.EVENT.value for b in modal["blocks"])
