"""The booking modal end to end: signed HTTP requests -> bot -> sandbox site + Slack stand-in."""

from __future__ import annotations

import asyncio

import httpx
from slack_test_helpers import all_text, block, methods

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE, U_BOB
from bot.slack.ids import ActionId, BlockId


async def open_modal(stack: LocalStack, user: str = U_ALICE) -> str:
    resp = await stack.requester.command("/book", "", user)
    assert resp.status == 200
    assert resp.text == ""  # acked, nothing else
    stack.wait_idle()
    modals = stack.slack.open_modals()
    assert modals, "no modal was opened"
    return modals[-1]["id"]


async def modal_with_event(
    stack: LocalStack, event_id: int, user: str = U_ALICE
) -> tuple[str, dict, str]:
    """A filled modal with `event_id` chosen: (view id, its time block, the first time)."""
    view_id = await open_modal(stack, user)
    await stack.requester.block_action(ActionId.EVENT.value, view_id=view_id, value=str(event_id))
    stack.wait_idle()
    time_block = block(stack.slack.view(view_id), BlockId.TIME.value)
    return view_id, time_block, time_block["element"]["options"][0]["value"]


def time_options(view: dict) -> list[dict]:
    return block(view, BlockId.TIME.value)["element"]["options"]


async def test_book_opens_modal_first_then_fills_it(stack: LocalStack) -> None:
    view_id = await open_modal(stack)
    calls = methods(stack)
    assert calls.index("views.open") < calls.index("users.info") < calls.index("views.update")
    opened = stack.slack.calls_to("views.open")[0]
    assert "Loading" in all_text(opened)
    view = stack.slack.view(view_id)
    # prefilled from the Slack profile; the first day with free times is chosen
    assert block(view, BlockId.NAME.value)["element"]["initial_value"] == "Alice Archer"
    assert block(view, BlockId.EMAIL.value)["element"]["initial_value"] == "alice@example.com"
    tz = block(view, BlockId.TIMEZONE.value)["element"]["initial_option"]["value"]
    assert tz == "America/New_York"
    # two hosts: the events are grouped under each host's name
    groups = block(view, BlockId.EVENT.value)["element"]["option_groups"]
    assert [g["label"]["text"] for g in groups] == ["Alex Rivera", "Jordan Blake"]
    titles = [o["text"]["text"] for g in groups for o in g["options"]]
    assert "Product Demo & Q&A — Alex Rivera" in titles
    assert "Office Hours" not in " ".join(titles)  # a draft event is not offered


async def test_choosing_event_and_day_refreshes_times_then_books(stack: LocalStack) -> None:
    view_id = await open_modal(stack)
    await stack.requester.block_action(ActionId.EVENT.value, view_id=view_id, value="3")
    stack.wait_idle()
    view = stack.slack.view(view_id)
    durations = block(view, BlockId.DURATION.value)["element"]["options"]
    assert [o["value"] for o in durations] == ["15", "30", "60"]
    await stack.requester.block_action(ActionId.DAY.value, view_id=view_id, value="2025-01-15")
    stack.wait_idle()
    view = stack.slack.view(view_id)
    options = time_options(view)
    assert options[0]["value"].startswith("2025-01-15 09:00")
    assert "America/New_York" in block(view, BlockId.TIME.value)["label"]["text"]
    three_pm = next(o for o in options if o["text"]["text"] == "3:00 PM")

    resp = await stack.requester.view_submission(
        view_id, {block(view, BlockId.TIME.value)["block_id"]: three_pm["value"]}
    )
    answer = resp.json()
    assert answer["response_action"] == "update"
    text = all_text(answer["view"])
    assert "Booked" in text and "Product Demo &amp; Q&amp;A" in text
    assert "Wed, Jan 15, 2025, 3:00 PM – 3:30 PM America/New_York (EST)" in text
    assert "Alice Archer (alice@example.com)" in text
    assert stack.booking_count() == 1


async def test_double_submit_books_once(stack: LocalStack) -> None:
    view_id, time_block, first_time = await modal_with_event(stack, 7)
    values = {time_block["block_id"]: first_time}
    first, second = await asyncio.gather(
        stack.requester.view_submission(view_id, values),
        stack.requester.view_submission(view_id, values),
    )
    stack.wait_idle()
    texts = [all_text(first.json()["view"]), all_text(second.json()["view"])]
    assert stack.booking_count() == 1
    assert sum("Already booked" in t for t in texts) == 1


async def test_bad_email_is_a_field_error(stack: LocalStack) -> None:
    view_id = await open_modal(stack)
    resp = await stack.requester.view_submission(view_id, {BlockId.EMAIL.value: "ana@@acme"})
    answer = resp.json()
    assert answer["response_action"] == "errors"
    assert "valid email" in answer["errors"][BlockId.EMAIL.value]
    assert stack.booking_count() == 0


async def test_phone_event_needs_a_phone(stack: LocalStack) -> None:
    view_id, time_block, first_time = await modal_with_event(stack, 1)
    resp = await stack.requester.view_submission(view_id, {time_block["block_id"]: first_time})
    answer = resp.json()
    assert answer["response_action"] == "errors"
    assert "phone" in answer["errors"][BlockId.PHONE.value]
    resp = await stack.requester.view_submission(
        view_id,
        {
            time_block["block_id"]: first_time,
            BlockId.PHONE.value: "+1 555 123 4567",
        },
    )
    assert "+1 555 123 4567" in all_text(resp.json()["view"])
    assert stack.booking_count() == 1


async def test_slot_taken_meanwhile_offers_fresh_times(stack: LocalStack) -> None:
    view_id, time_block, taken = await modal_with_event(stack, 7)
    # Bob books the same time first
    other, bob_block, bob_first = await modal_with_event(stack, 7, U_BOB)
    await stack.requester.view_submission(other, {bob_block["block_id"]: bob_first})
    assert stack.booking_count() == 1

    resp = await stack.requester.view_submission(view_id, {time_block["block_id"]: taken})
    answer = resp.json()
    assert answer["response_action"] == "update"
    fresh = block(answer["view"], BlockId.TIME.value)
    assert "was just taken" in fresh["hint"]["text"]
    assert taken not in [o["value"] for o in fresh["element"]["options"]]
    assert stack.booking_count() == 1


async def test_site_down_keeps_the_form_with_an_error(stack: LocalStack) -> None:
    view_id, time_block, first_time = await modal_with_event(stack, 7)
    stack.sandbox.set_faults(status=500)
    resp = await stack.requester.view_submission(view_id, {time_block["block_id"]: first_time})
    answer = resp.json()
    assert answer["response_action"] == "errors"
    message = answer["errors"][time_block["block_id"]]
    assert "Traceback" not in message and message
    stack.sandbox.clear_faults()
    assert stack.booking_count() == 0


async def test_timezone_suggestions(stack: LocalStack) -> None:
    view_id = await open_modal(stack)
    resp = await stack.requester.block_suggestion(view_id, ActionId.TIMEZONE.value, "tokyo")
    assert [o["value"] for o in resp.json()["options"]] == ["Asia/Tokyo"]


async def test_healthz(stack: LocalStack) -> None:
    async with httpx.AsyncClient() as client:
        resp = await client.get(f"{stack.bot.url}/healthz")
    assert resp.status_code == 200 and resp.json() == {"ok": True}
