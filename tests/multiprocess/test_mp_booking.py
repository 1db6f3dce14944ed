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
from mp_helpers import (
    BOOKING_ID,
    BotProcess,
    Prepared,
    Schema,
    World,
    all_text,
    done_keys,
    find_block,
    open_booking_form,
    prepare_click,
    prepare_submission,
    wait_for,
)

from bot.localslack import U_ALICE, U_BOB, SlackRequester
from bot.slack.ids import ActionId, BlockId

pytestmark = pytest.mark.postgres

ROUNDS = 50
WHEN = re.compile(r"\*When:\* ([^\n]+)")


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
            view = await open_booking_form(world.slack, client, opener, user)
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
    assert done_keys(world.pg_url, shared.name, "booking:") == ROUNDS
    # Each booking is announced (a DM to whoever booked) by one process only, once.
    await wait_for(
        lambda: done_keys(world.pg_url, shared.name, "announce:") >= ROUNDS,
        "the announcements to finish",
    )
    dms = [
        m
        for user in (U_ALICE, U_BOB)
        for m in world.slack.messages(user)
        if (found := BOOKING_ID.search(all_text(m))) and int(found.group(1)) in seen_ids
    ]
    assert len(dms) == ROUNDS


BUTTON_ROUNDS = 10


def book_buttons(message: dict[str, Any]) -> list[str]:
    return [
        el["action_id"]
        for block in message.get("blocks") or []
        for el in block.get("elements") or []
        if el.get("type") == "button"
        and str(el.get("action_id", "")).startswith(ActionId.BOOK_SLOT.value)
    ]


def answered(slack: Any, url_id: str, count: int) -> list[dict[str, Any]] | None:
    """The bodies posted to a response_url that show a booking, once there are `count`."""
    found = [r for r in slack.responses(url_id) if BOOKING_ID.search(all_text(r))]
    return found if len(found) >= count else None


async def test_one_book_button_click_to_two_processes_books_once(
    world: World, bot_pair: tuple[BotProcess, BotProcess, Schema]
) -> None:
    """The one-line flow's Book button: the same click delivered to both processes."""
    bot_a, bot_b, shared = bot_pair
    rng = random.Random(11)
    slack = world.slack
    keys_before = done_keys(world.pg_url, shared.name, "booking:")
    async with httpx.AsyncClient(timeout=30.0) as client:
        for round_no in range(BUTTON_ROUNDS):
            user = (U_ALICE, U_BOB)[round_no % 2]
            asker = (bot_a, bot_b)[rng.randrange(2)]
            seen = len(slack.ephemerals(user))
            resp = await SlackRequester(asker.events_url, slack, client=client).command(
                "/slots", "demo", user
            )
            assert resp.status == 200, resp.text

            def offered(user: str = user, seen: int = seen) -> dict[str, Any] | None:
                fresh = [m for m in slack.ephemerals(user)[seen:] if book_buttons(m)]
                return fresh[-1] if fresh else None

            message = await wait_for(offered, "free times with Book buttons")
            prepared = prepare_click(slack, message, rng.choice(book_buttons(message)), user)
            first, second = (bot_a, bot_b) if rng.random() < 0.5 else (bot_b, bot_a)
            before = world.booking_count()

            answers = await race(client, prepared, first, second, rng)

            assert [a.status for a in answers] == [200, 200, 200], [a.text for a in answers]
            url_id = prepared.request.payload["response_url"]
            posted = await wait_for(
                lambda url_id=url_id: answered(slack, url_id, 3),
                "all three answers through the response_url",
            )
            ids = {int(m.group(1)) for r in posted if (m := BOOKING_ID.search(all_text(r)))}
            assert len(ids) == 1, f"round {round_no}: {posted}"
            fresh = [r for r in posted if "Already booked" not in all_text(r)]
            assert len(fresh) == 1, f"round {round_no}: {posted}"
            assert world.booking_count() == before + 1, f"round {round_no}: booked twice"
    assert done_keys(world.pg_url, shared.name, "booking:") == keys_before + BUTTON_ROUNDS
