"""Two bot processes, one outcome: the same lifecycle click reaching both (Slack's retry
behind a load balancer), and an Approve racing a Decline on two processes, make one
site write; every surface then shows what the site holds.

The claim on the booking and its state (`lifecycle:{id}:{status}:{start}`) lives in
PostgreSQL, shared by the processes: whichever takes it writes, the others wait for it and
say what happened.
"""

from __future__ import annotations

import asyncio
import copy
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from mp_helpers import (
    BotProcess,
    Schema,
    World,
    all_text,
    find_block,
    new_world,
    prepare_click,
    prepare_submission,
    wait_for,
)
from support import website
from test_mp_booking import booking_shown, race

from bot.localslack import U_ADMIN, U_ALICE, SlackRequester
from bot.slack.ids import ActionId, BlockId
from bot.slack.lifecycle import views

pytestmark = pytest.mark.postgres

STRATEGY = "4"  # sandbox event that needs the host's approval
ALICE = "alice@example.com"


def lifecycle_buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        el["action_id"]: el
        for block in message.get("blocks") or []
        for el in block.get("elements") or []
        if str(el.get("action_id", "")).startswith("lifecycle_")
    }


def site_status(world: World, booking_id: int) -> str:
    return website.site_status(world.sandbox, booking_id)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A site of this module's own: the shared one fills up with the other multi-process
    tests' bookings, and an admin's team listing carries buttons on its first rows only."""
    with new_world(tmp_path_factory) as made:
        yield made


def status_writes(world: World, booking_id: int) -> int:
    return sum(
        1
        for r in world.sandbox.requests
        if r.method == "PUT" and r.path.endswith(f"/schedules/{booking_id}")
    )


def emails(world: World, booking_id: int) -> list[str]:
    return [e.kind for e in world.sandbox.emails_to(ALICE) if e.booking_id == booking_id]


def weekdays_ahead(count: int = 10) -> list[str]:
    """Weekdays from two days ahead (the events' hours, past any notice period); the
    sandbox is shared with the other multi-process tests, so a day may be full."""
    day = datetime.now(UTC).date() + timedelta(days=2)
    days: list[str] = []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day.isoformat())
        day += timedelta(days=1)
    return days


async def book(
    world: World, client: httpx.AsyncClient, bot: BotProcess, event: str
) -> tuple[int, dict[str, Any]]:
    """Alice books `event` on `bot` through the form; (booking id, her booked DM)."""
    slack = world.slack
    before = {v["id"] for v in slack.open_modals()}
    requester = SlackRequester(bot.events_url, slack, client=client)
    assert (await requester.command("/book", "", U_ALICE)).status == 200

    def opened() -> str | None:
        for view in slack.open_modals():
            if view["id"] not in before and find_block(view, BlockId.EVENT.value):
                return str(view["id"])
        return None

    view_id = await wait_for(opened, "the booking modal")
    await requester.block_action(ActionId.EVENT.value, view_id=view_id, value=event)

    def event_chosen() -> bool:
        block = find_block(slack.view(view_id), BlockId.EVENT.value) or {}
        return ((block.get("element") or {}).get("initial_option") or {}).get("value") == event

    await wait_for(event_chosen, f"event {event} chosen in the form")

    def times_on(day: str) -> tuple[str, dict[str, Any]] | None:
        """Once the form shows `day`: ("times", the time select) or ("full", {})."""
        view = slack.view(view_id)
        chosen = ((find_block(view, BlockId.DAY.value) or {}).get("element") or {}).get(
            "initial_date"
        )
        block = find_block(view, BlockId.TIME.value)
        if chosen != day or not block:
            return None
        if (block.get("element") or {}).get("options"):
            return "times", block
        return ("full", {}) if "No free times" in all_text(block) else None

    block: dict[str, Any] = {}
    for day in weekdays_ahead():
        await requester.block_action(ActionId.DAY.value, view_id=view_id, value=day)
        _, block = await wait_for(lambda d=day: times_on(d), f"the times of event {event} on {day}")
        if block:
            break
    assert block, f"no free time for event {event} in the next two weeks"
    answer = await requester.view_submission(
        view_id, {block["block_id"]: block["element"]["options"][-1]["value"]}
    )
    assert answer.status == 200, answer.text
    booking_id, _, _ = booking_shown(answer.json())
    slack.close_view(view_id)

    def booked_dm() -> dict[str, Any] | None:
        for message in slack.messages(U_ALICE):
            if f"Booking #{booking_id}" in all_text(message) and lifecycle_buttons(message):
                return message
        return None

    return booking_id, await wait_for(booked_dm, "the booked DM with its buttons")


async def opened_modal(world: World, callback_id: str, before: set[str]) -> dict[str, Any]:
    def filled() -> dict[str, Any] | None:
        for view in world.slack.open_modals():
            if view["id"] not in before and view.get("callback_id") == callback_id:
                return view
        return None

    return await wait_for(filled, f"the {callback_id} modal")


async def test_one_cancel_confirm_to_two_processes_cancels_once(
    world: World, bot_pair: tuple[BotProcess, BotProcess, Schema]
) -> None:
    bot_a, bot_b, _ = bot_pair
    async with httpx.AsyncClient(timeout=30.0) as client:
        booking_id, dm = await book(world, client, bot_a, "3")
        before = {v["id"] for v in world.slack.open_modals()}
        clicked = await SlackRequester(bot_b.events_url, world.slack, client=client).click(
            dm, action_id="lifecycle_cancel", user_id=U_ALICE
        )
        assert clicked.status == 200
        modal = await opened_modal(world, views.CANCEL_MODAL, before)
        prepared = prepare_submission(
            world.slack, modal["id"], {views.REASON_BLOCK: "Something came up"}
        )
        answers = await race(client, prepared, bot_a, bot_b, random.Random(3))
        assert [a.status for a in answers] == [200, 200, 200], [a.text for a in answers]

        # one site write, one email, the booking cancelled on the site
        assert status_writes(world, booking_id) == 1
        assert site_status(world, booking_id) == "cancelled"
        assert emails(world, booking_id).count("cancelled") == 1
        # at most one answer made the change; none failed
        texts = [all_text(a.json().get("view") or {}) for a in answers]
        assert sum("The booking is cancelled." in t for t in texts) <= 1
        assert not any("went wrong" in t or "still being made" in t for t in texts), texts
        # the booked DM shows the one outcome, without buttons
        await wait_for(
            lambda: next(
                (
                    m
                    for m in world.slack.messages(U_ALICE)
                    if m["ts"] == dm["ts"]
                    and "Cancelled by <@U_ALICE>" in all_text(m)
                    and not lifecycle_buttons(m)
                ),
                None,
            ),
            "the booked DM to say cancelled",
        )


def only_row(message: dict[str, Any], booking_id: int) -> dict[str, Any]:
    """The listing with only this booking's buttons (the click Slack would send for it)."""
    row = copy.deepcopy(message)
    row["blocks"] = [
        b
        for b in row["blocks"]
        if b.get("type") != "actions" or b.get("block_id") == f"lifecycle_actions_{booking_id}"
    ]
    return row


async def test_approve_racing_decline_on_two_processes_ends_in_one_outcome(
    world: World, bot_pair: tuple[BotProcess, BotProcess, Schema]
) -> None:
    bot_a, bot_b, _ = bot_pair
    async with httpx.AsyncClient(timeout=30.0) as client:
        booking_id, dm = await book(world, client, bot_a, STRATEGY)
        assert site_status(world, booking_id) == "pending"
        # an admin lists the whole team's bookings: Approve and Decline on the row
        seen = len(world.slack.ephemerals(U_ADMIN))
        listed = await SlackRequester(bot_a.events_url, world.slack, client=client).command(
            "/bookings", "team", U_ADMIN
        )
        assert listed.status == 200

        def listing() -> dict[str, Any] | None:
            for message in world.slack.ephemerals(U_ADMIN)[seen:]:
                row = lifecycle_buttons(only_row(message, booking_id))
                if "lifecycle_approve" in row and "lifecycle_decline" in row:
                    return message
            return None

        shown = await wait_for(listing, "the admin's listing with Approve and Decline")
        row = only_row(shown, booking_id)
        # the admin opens Decline on one process...
        before = {v["id"] for v in world.slack.open_modals()}
        opened = await SlackRequester(bot_b.events_url, world.slack, client=client).click(
            row, action_id="lifecycle_decline", user_id=U_ADMIN
        )
        assert opened.status == 200
        modal = await opened_modal(world, views.DECLINE_MODAL, before)
        decline = prepare_submission(world.slack, modal["id"], {views.REASON_BLOCK: "Full"})
        # ...and Approve (and Slack's retry of it) races the Decline on both
        approve = prepare_click(world.slack, row, "lifecycle_approve", U_ADMIN)
        answers = await asyncio.gather(
            approve.deliver(client, bot_a.events_url),
            decline.deliver(client, bot_b.events_url),
            approve.deliver(client, bot_b.events_url, retry_num=1),
        )
        assert [a.status for a in answers] == [200, 200, 200], [a.text for a in answers]

        final = await wait_for(
            lambda: (s := site_status(world, booking_id)) != "pending" and s, "a decision"
        )
        assert final in ("scheduled", "rejected")
        assert status_writes(world, booking_id) == 1
        word = "Approved by <@U_ADMIN>" if final == "scheduled" else "Declined by <@U_ADMIN>"
        other = "Declined by" if final == "scheduled" else "Approved by"
        # Alice's booked DM follows the one decision
        message = await wait_for(
            lambda: next(
                (
                    m
                    for m in world.slack.messages(U_ALICE)
                    if m["ts"] == dm["ts"] and word in all_text(m)
                ),
                None,
            ),
            "the booked DM to show the decision",
        )
        assert other not in all_text(message)
        # the decline modal says what happened: declined, or already approved
        # (its answer is the outcome, or "Declining…" and the outcome follows in the modal)
        modal_text = all_text(answers[1].json()["view"])
        if "Declining" in modal_text:

            def outcome_shown() -> str | None:
                text = all_text(world.slack.view(modal["id"]))
                return text if "already" in text or "declined" in text else None

            modal_text = await wait_for(outcome_shown, "the decline modal's outcome")
        if final == "rejected":
            assert "declined" in modal_text and "already" not in modal_text
        else:
            assert "already scheduled" in modal_text, modal_text
        # the listing the admin clicked in is drawn again from the site: no Approve left
        await wait_for(
            lambda: next(
                (
                    m
                    for m in world.slack.ephemerals(U_ADMIN)
                    if m["ts"] == shown["ts"]
                    and "lifecycle_approve" not in lifecycle_buttons(only_row(m, booking_id))
                ),
                None,
            ),
            "the admin's listing to be redrawn",
        )
        kinds = [k for k in emails(world, booking_id) if k in ("confirmed", "rejected")]
        assert kinds == (["confirmed"] if final == "scheduled" else ["rejected"])
        assert json.loads(approve.request.payload["actions"][0]["value"])["booking_id"] == (
            booking_id
        )
