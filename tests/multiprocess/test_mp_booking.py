"""Two bot processes, one truth: the same booking submitted to both creates one booking.

Slack may deliver one view submission more than once (a retry with X-Slack-Retry-Num
after a slow answer), and behind a load balancer the copies land on different processes.
The idempotency key lives in PostgreSQL, so whichever process claims it books; the
others wait for its result and show the same booking.
"""

from __future__ import annotations

import asyncio
import random
import re
from typing import Any

import httpx
import pytest
from conftest import Schema, World
from mp_helpers import (
    BotProcess,
    Prepared,
    all_text,
    done_keys,
    find_block,
    prepare_submission,
    wait_for,
)

from bot.localslack import U_ALICE, U_BOB, SlackRequester
from bot.slack.ids import ActionId, BlockId

pytestmark = pytest.mark.postgres

ROUNDS = 50
PRODUCT_DEMO = "3"  # sandbox event: 30 min, Mon–Fri 09:00–17:00 New York, many slots a day

BOOKING_ID = re.compile(r"Booking #(\d+)")
WHEN = re.compile(r"\*When:\* ([^\n]+)")


async def open_booking_form(
    world: World, client: httpx.AsyncClient, bot: BotProcess, user: str
) -> dict[str, Any]:
    """/book on `bot`, choose the product demo; the filled modal (with free times)."""
    slack = world.slack
    before = {v["id"] for v in slack.open_modals()}
    requester = SlackRequester(bot.events_url, slack, client=client)
    resp = await requester.command("/book", "", user)
    assert resp.status == 200, resp.text

    def opened() -> str | None:
        for view in slack.open_modals():
            if view["id"] not in before and find_block(view, BlockId.EVENT.value):
                return str(view["id"])
        return None

    view_id = await wait_for(opened, "the booking modal to be filled")
    await requester.block_action(ActionId.EVENT.value, view_id=view_id, value=PRODUCT_DEMO)

    def refreshed() -> dict[str, Any] | None:
        view = slack.view(view_id)
        event = find_block(view, BlockId.EVENT.value)
        times = find_block(view, BlockId.TIME.value)
        chosen = ((event or {}).get("element") or {}).get("initial_option") or {}
        if chosen.get("value") == PRODUCT_DEMO and times and times["element"].get("options"):
            return view
        return None

    return await wait_for(refreshed, "the free times of the product demo")


def booking_shown(answer: dict[str, Any]) -> tuple[int, str, bool]:
    """(booking id, when, already) from a view_submission answer showing a booking."""
    assert answer.get("response_action") == "update", answer
    text = all_text(answer["view"])
    found_id, found_when = BOOKING_ID.search(text), WHEN.search(text)
    assert found_id and found_when, f"no booking in the answer: {text[:300]}"
    return int(found_id.group(1)), found_when.group(1), "Already booked" in text


async def race(
    client: httpx.AsyncClient,
    prepared: Prepared,
    first: BotProcess,
    second: BotProcess,
    rng: random.Random,
) -> list[Any]:
    """Send to `first`, a moment later to `second`, then Slack's retry to `second`."""
    gap = rng.uniform(0.0, 0.03)
    retry_gap = gap + rng.uniform(0.0, 0.05)

    async def send(delay: float, bot: BotProcess, retry: int | None) -> Any:
        if delay:
            await asyncio.sleep(delay)
        return await prepared.deliver(client, bot.events_url, retry_num=retry)

    return list(
        await asyncio.gather(
            send(0.0, first, None), send(gap, second, None), send(retry_gap, second, 1)
        )
    )


async def test_one_submission_to_two_processes_books_once(
    world: World, bot_pair: tuple[BotProcess, BotProcess, Schema]
) -> None:
    bot_a, bot_b, shared = bot_pair
    rng = random.Random(7)
    start_count = world.booking_count()
    seen_ids: set[int] = set()
    async with httpx.AsyncClient(timeout=30.0) as client:
        for round_no in range(ROUNDS):
            user = (U_ALICE, U_BOB)[round_no % 2]
            opener = (bot_a, bot_b)[rng.randrange(2)]
            view = await open_booking_form(world, client, opener, user)
            times = find_block(view, BlockId.TIME.value)
            assert times is not None
            option = rng.choice(times["element"]["options"])
            prepared = prepare_submission(
                world.slack, view["id"], {times["block_id"]: option["value"]}
            )
            first, second = (bot_a, bot_b) if rng.random() < 0.5 else (bot_b, bot_a)
            before = world.booking_count()

            answers = await race(client, prepared, first, second, rng)

            assert [a.status for a in answers] == [200, 200, 200], [a.text for a in answers]
            shown = [booking_shown(a.json()) for a in answers]
            ids = {booking_id for booking_id, _, _ in shown}
            whens = {when for _, when, _ in shown}
            assert len(ids) == 1 and len(whens) == 1, f"round {round_no}: {shown}"
            assert sum(not already for _, _, already in shown) == 1, f"round {round_no}: {shown}"
            assert world.booking_count() == before + 1, f"round {round_no}: booked twice"
            booking_id = ids.pop()
            assert booking_id not in seen_ids
            seen_ids.add(booking_id)
            world.slack.close_view(view["id"])

    assert world.booking_count() == start_count + ROUNDS
    assert done_keys(world.pg_url, shared.name) == ROUNDS
