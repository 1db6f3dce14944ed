"""Slash commands, buttons, events and request checks, end to end over HTTP."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from slack_test_helpers import all_text, book_on_site, button_values, last_ephemeral, methods

from bot.demo.stack import LocalStack
from bot.localslack import DEMO_CHANNEL, U_ALICE, U_BOB
from bot.slack.fmt import day_label
from bot.slack.ids import ActionId, CallbackId


async def run(stack: LocalStack, command: str, text: str, user: str = U_ALICE) -> dict:
    resp = await stack.requester.command(command, text, user)
    assert resp.status == 200
    stack.wait_idle()
    return last_ephemeral(stack, user)


async def click(stack: LocalStack, message: dict, action_id: str | None, user: str = U_ALICE, **kw):
    resp = await stack.requester.click(message, action_id=action_id, user_id=user, **kw)
    assert resp.status == 200
    stack.wait_idle()
    return resp


async def test_help_for_each_command(stack: LocalStack) -> None:
    book = all_text(await run(stack, "/book", "help"))
    assert "/book demo with ana@acme.com next tue 3pm" in book
    assert "next" in book.lower() and "tuesday" in book.lower()  # the dates help is included
    assert "/slots demo tomorrow" in all_text(await run(stack, "/slots", "help"))
    assert "/bookings past" in all_text(await run(stack, "/bookings", "help"))
    assert "BOOKING_ADMINS" in all_text(await run(stack, "/booking-settings", "help"))
    unknown = all_text(await run(stack, "/bookings", "yesterday"))
    assert "`upcoming`, `past`, `all` or `team`" in unknown


async def test_one_line_exact_free_slot_confirm_then_book_once(stack: LocalStack) -> None:
    message = await run(stack, "/book", "demo with ana@acme.com next tue 3pm")
    text = all_text(message)
    assert "Product Demo &amp; Q&amp;A" in text
    assert "Tue, Jan 14, 2025, 3:00 PM – 3:30 PM America/New_York (EST)" in text
    assert "Ana (ana@acme.com)" in text
    await click(stack, message, ActionId.BOOK_SLOT.value)
    assert stack.booking_count() == 1
    result = all_text(stack.slack.ephemerals(U_ALICE))
    assert "Booked" in result and "ana@acme.com" in result
    # a second click on the same Book button: the same booking, said so
    await click(stack, message, ActionId.BOOK_SLOT.value)
    assert stack.booking_count() == 1
    assert "Already booked" in all_text(last_ephemeral(stack, U_ALICE))


async def test_retried_button_request_books_once(stack: LocalStack) -> None:
    message = await run(stack, "/book", "workshop with ana@acme.com jan 15 10am")
    retry = stack.requester.variant(retry_num=1, retry_reason="http_timeout")
    first = stack.requester.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=U_ALICE)
    second = retry.click(message, action_id=ActionId.BOOK_SLOT.value, user_id=U_ALICE)
    await asyncio.gather(first, second)
    stack.wait_idle()
    assert stack.booking_count() == 1


async def test_one_line_taken_slot_offers_nearest(stack: LocalStack) -> None:
    message = await run(stack, "/book", "demo with ana@acme.com next tue 3pm")
    await click(stack, message, ActionId.BOOK_SLOT.value)
    assert stack.booking_count() == 1
    message = await run(stack, "/book", "demo with bob@acme.com next tue 3pm")
    text = all_text(message)
    assert "is not free" in text and "nearest free times" in text
    offered = [v["event_time"] for v in button_values(message, ActionId.BOOK_SLOT.value)]
    assert "2025-01-14 15:00:00" not in offered
    # the same day's closest times come first: 2:30 PM and 3:30 PM are among them
    assert {"2025-01-14 14:30:00", "2025-01-14 15:30:00"} <= set(offered)
    assert "Wed, Jan 15, 2025" in text  # then the following days


async def test_one_line_mention_is_attendee(stack: LocalStack) -> None:
    message = await run(stack, "/book", "workshop <@U_BOB|bob> jan 15 10am")
    assert "Bob Becker (bob@example.com)" in all_text(message)
    message = await run(stack, "/book", "workshop <@U_BOB|bob> jan 15 11am")
    assert "Booking for Bob Becker (bob@example.com)" in all_text(message)


async def test_one_line_ambiguous_event_asks_with_buttons(stack: LocalStack) -> None:
    message = await run(stack, "/book", "call tomorrow 3pm")
    assert "Which event" in all_text(message)
    picks = button_values(message, ActionId.PICK_EVENT.value)
    assert {p["event_id"] for p in picks} >= {1, 6}  # both calls
    await click(stack, message, None, text="Intro Call")
    answer = all_text(last_ephemeral(stack, U_ALICE))
    assert "*Intro Call* is not free" in answer  # 3 PM New York is after London hours


async def test_one_line_without_time_opens_prefilled_form(stack: LocalStack) -> None:
    await stack.requester.command("/book", "workshop with ana@acme.com", U_ALICE)
    stack.wait_idle()
    view = stack.slack.open_modals()[-1]
    text = all_text(view)
    assert "ana@acme.com" in text and "Workshop Planning" in text


async def test_unknown_event_and_escaping(stack: LocalStack) -> None:
    text = all_text(await run(stack, "/book", "<!channel> zzzz tomorrow 3pm"))
    assert "No event matches" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


async def test_bad_date_is_explained(stack: LocalStack) -> None:
    text = all_text(await run(stack, "/slots", "demo feb 30"))
    assert "February 30 is not a date" in text and "tomorrow 3pm" in text
    assert stack.booking_count() == 0


async def test_slots_lists_events_then_times_in_user_zone(stack: LocalStack) -> None:
    events = all_text(await run(stack, "/slots", ""))
    assert "Workshop Planning" in events and "Office Hours" not in events
    message = await run(stack, "/slots", "demo tomorrow", U_BOB)
    text = all_text(message)
    assert "Europe/Berlin" in text and "Tue, Jan 14, 2025" in text
    values = button_values(message, ActionId.BOOK_SLOT.value)
    assert values and values[0]["timezone"] == "Europe/Berlin"
    assert values[0]["event_time"].startswith("2025-01-14 15:00")  # 9:00 New York = 15:00 Berlin
    await click(stack, message, f"{ActionId.BOOK_SLOT.value}:0", U_BOB)
    assert stack.booking_count() == 1
    assert "bob@example.com" in all_text(stack.slack.ephemerals(U_BOB))


async def test_slots_one_day_shows_every_free_time(stack: LocalStack) -> None:
    message = await run(stack, "/slots", "phone tomorrow")
    times = [v["event_time"][11:16] for v in button_values(message, ActionId.BOOK_SLOT.value)]
    # Alex Rivera works 09:00-17:00 New York: 16 half hours, all of them offered
    assert times == [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)]
    assert "more times" not in all_text(message).lower()


async def test_slots_two_weeks_more_times_and_later_days(stack: LocalStack) -> None:
    message = await run(stack, "/slots", "demo next 2 weeks")
    text = all_text(message)
    assert "Mon, Jan 13, 2025 – Sun, Jan 26, 2025" in text and "America/New_York" in text
    assert len(message["blocks"]) <= 50
    # 10 working days; today (4 hours' notice) has 8 times left, the others 10 and More
    assert len(button_values(message, ActionId.BOOK_SLOT.value)) == 8 + 9 * 10
    await click(stack, message, f"{ActionId.MORE_SLOTS.value}:1")  # Tuesday's More times
    whole_day = last_ephemeral(stack, U_ALICE)
    assert "Free times for *Product Demo &amp; Q&amp;A*, Tue, Jan 14, 2025," in all_text(whole_day)
    assert len(button_values(whole_day, ActionId.BOOK_SLOT.value)) == 16
    await click(stack, whole_day, None, text="4:30 PM")
    assert stack.booking_count() == 1

    month = await run(stack, "/slots", "demo next 30 days")
    assert len(month["blocks"]) <= 50
    later = [v for v in button_values(month, ActionId.MORE_SLOTS.value) if v["first"] != v["last"]]
    assert later and later[0]["last"] == "2025-02-11"
    await click(stack, month, ActionId.MORE_SLOTS.value)
    rest = all_text(last_ephemeral(stack, U_ALICE))
    first_later = date.fromisoformat(later[0]["first"])
    assert f"Free times for *Product Demo &amp; Q&amp;A*, {day_label(first_later)}" in rest


async def test_bookings_list(stack: LocalStack) -> None:
    # the empty state says what to type, and nothing else (it used to say "No bookings
    # here" above a list of hosted meetings)
    empty = all_text(await run(stack, "/bookings", ""))
    assert "No upcoming bookings" in empty and "`/book`" in empty and "`/bookings past`" in empty
    message = await run(stack, "/book", "demo with demo@example.com next tue 3pm")
    await click(stack, message, ActionId.BOOK_SLOT.value)
    listing = all_text(await run(stack, "/bookings", "upcoming"))
    assert "Product Demo" in listing
    assert "Tue, Jan 14, 2025, 3:00 PM – 3:30 PM America/New_York (EST)" in listing
    assert "No upcoming bookings" not in listing
    assert listing.count("Product Demo") == 1  # hosted and attended by the account: once
    assert "<" not in listing.replace("<!date", "")  # no HTML from the site
    assert "No past bookings" in all_text(await run(stack, "/bookings", "past"))
    assert "Product Demo" in all_text(await run(stack, "/bookings", "all"))


async def test_bookings_past_shows_hosted_meetings_that_are_over(alice_hosts: LocalStack) -> None:
    stack = alice_hosts
    book_on_site(stack, 3, "2025-01-14 10:00:00", timezone="America/New_York")
    book_on_site(stack, 3, "2025-01-15 11:00:00", timezone="America/New_York")
    assert "No past bookings" in all_text(await run(stack, "/bookings", "past"))
    stack.sandbox.set_now(datetime(2025, 1, 15, 20, 0, tzinfo=UTC))  # both are over
    past = all_text(await run(stack, "/bookings", "past"))
    assert "No past bookings" not in past
    # most recent first
    assert past.index("Wed, Jan 15, 2025, 11:00 AM") < past.index("Tue, Jan 14, 2025, 10:00 AM")
    assert "No upcoming bookings" in all_text(await run(stack, "/bookings", "upcoming"))
    everything = all_text(await run(stack, "/bookings", "all"))
    assert "Wed, Jan 15, 2025, 11:00 AM" in everything


async def test_bookings_hosted_in_attendee_zone_soonest_first_with_more(
    alice_hosts: LocalStack,
) -> None:
    stack = alice_hosts
    book_on_site(stack, 3, "2025-01-15 16:00:00", timezone="Europe/Berlin")
    for hour in (14, 15, 16, 17, 18, 19):  # 9:00 to 14:00 in New York, the host's hours
        for day in (16, 17):
            book_on_site(stack, 3, f"2025-01-{day} {hour:02d}:00:00", timezone="Europe/London")
    message = await run(stack, "/bookings", "")
    text = all_text(message)
    assert "(10 of 13)" in text
    # soonest first: Berlin's 16:00 on the 15th is 10:00 in New York, its attendee's zone
    assert text.index("Wed, Jan 15, 2025, 4:00 PM – 4:30 PM Europe/Berlin (CET)") < text.index(
        "Thu, Jan 16, 2025, 2:00 PM – 2:30 PM Europe/London (GMT)"
    )
    assert "Fri, Jan 17, 2025, 7:00 PM" not in text  # the 13th is behind More
    assert len(button_values(message, ActionId.MORE_BOOKINGS.value)) == 1
    await click(stack, message, ActionId.MORE_BOOKINGS.value)
    more = last_ephemeral(stack, U_ALICE)
    assert "(13)" in all_text(more) and "Fri, Jan 17, 2025, 7:00 PM" in all_text(more)
    assert button_values(more, ActionId.MORE_BOOKINGS.value) == []  # all shown


async def test_site_errors_become_clear_messages(stack: LocalStack) -> None:
    stack.sandbox.set_faults(html=True)
    stack.deps.forget_cached()
    html = all_text(await run(stack, "/slots", "demo tomorrow"))
    assert "Reference" in html or "site" in html.lower()
    assert "<html" not in html.lower() and "Traceback" not in html
    stack.sandbox.set_faults(status=401)
    auth = all_text(await run(stack, "/slots", "demo tomorrow"))
    assert "FLUENTBOOKING_APP_PASSWORD" in auth
    stack.sandbox.clear_faults()


async def test_message_shortcut_books_with_the_author(stack: LocalStack) -> None:
    message = {"channel": DEMO_CHANNEL, "ts": "1736700000.000100", "user": U_BOB, "text": "hi"}
    resp = await stack.requester.message_shortcut(CallbackId.BOOK_SHORTCUT.value, message, U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    assert "bob@example.com" in all_text(stack.slack.open_modals()[-1])


async def test_app_home(stack: LocalStack) -> None:
    resp = await stack.requester.event("app_home_opened", U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    assert "/book" in all_text(stack.slack.home(U_ALICE))


async def test_bad_signature_and_stale_timestamp_rejected(stack: LocalStack) -> None:
    bad = await stack.requester.variant(bad_signature=True).command("/book", "", U_ALICE)
    stale = await stack.requester.variant(timestamp_offset=-600).command("/book", "", U_ALICE)
    assert bad.status == 401 and stale.status == 401
    stack.wait_idle()
    assert "views.open" not in methods(stack)


async def test_book_click_sends_the_site_only_the_create(stack: LocalStack) -> None:
    # the event read for the confirmation travels with the booking: no second look-up
    message = await run(stack, "/book", "demo with ana@acme.com next tue 3pm")
    stack.sandbox.clear_requests()
    await click(stack, message, ActionId.BOOK_SLOT.value)
    assert stack.booking_count() == 1
    sent = [(r.method, r.path.split("?")[0]) for r in stack.sandbox.requests]
    assert sent[0][0] == "POST" and "/bookings/create/" in sent[0][1], sent
    assert not [p for _, p in sent if "/bookings/event" in p or "/calendars" in p], sent
