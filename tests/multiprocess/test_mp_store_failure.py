"""The store failing while a bot runs: the user gets a short apology, never a stack trace,
and no booking is made twice.

The bot here keeps its tables in a schema of its own, which the test drops under it: every
later query fails ("relation does not exist"), reliably and at a chosen moment, the way a
lost or wiped database would.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from mp_helpers import (
    BOOKING_ID,
    BotProcess,
    Schema,
    World,
    all_text,
    drop_schema,
    find_block,
    open_booking_form,
    prepare_submission,
    wait_for,
)

from bot.localslack import U_ALICE
from bot.slack.ids import BlockId

pytestmark = pytest.mark.postgres

CREATE_PATH = "/bookings/create/"


def submission(world: World, view: dict[str, Any], pick: int, email: str | None = None) -> Any:
    """Submit the `pick`th time offered (late in the day there may be one only), for
    `email` when given (an attendee with no booking at that time)."""
    times = find_block(view, BlockId.TIME.value)
    assert times is not None
    options = times["element"]["options"]
    values: dict[str, Any] = {times["block_id"]: options[pick % len(options)]["value"]}
    if email is not None:
        values[BlockId.EMAIL.value] = email
    return prepare_submission(world.slack, view["id"], values)


def assert_apology(answer: dict[str, Any]) -> str:
    """A field error under the time: short, plain, no internals."""
    assert answer.get("response_action") == "errors", answer
    message = " ".join(answer["errors"].values())
    assert "database" in message.lower() and "try again" in message.lower(), message
    assert len(message) < 300, message
    for internal in ("Traceback", "StoreError", "psycopg", "relation", "postgresql://"):
        assert internal not in message, message
    return message


async def test_store_lost_mid_request(world: World, schema: Schema, bot_output_check: Any) -> None:
    # the `postgres://` spelling (Heroku's) is accepted too
    url = schema.url.replace("postgresql://", "postgres://", 1)
    bot = BotProcess.start("store-lost", world.env(url), world.workdir)
    try:
        assert bot.healthz() == 200
        async with httpx.AsyncClient(timeout=30.0) as client:
            first_view = await open_booking_form(world.slack, client, bot, U_ALICE)
            second_view = await open_booking_form(world.slack, client, bot, U_ALICE)
            during = submission(world, first_view, 0)
            after = submission(world, second_view, 1, email="carol@example.com")
            before = world.booking_count()

            # 1. The store goes away while the site is creating the booking: the booking
            #    exists, so the user is shown it; the result just cannot be remembered.
            world.sandbox.clear_requests()
            world.sandbox.set_faults(latency=1.0, path=CREATE_PATH, count=1)
            try:
                sending = asyncio.ensure_future(during.deliver(client, bot.events_url))
                await wait_for(
                    lambda: any(CREATE_PATH in r.path for r in world.sandbox.requests),
                    "the booking request to reach the site",
                )
                drop_schema(world.pg_url, schema.name)
                answer = await sending
            finally:
                world.sandbox.clear_faults()
            assert answer.status == 200
            shown = answer.json()
            assert shown["response_action"] == "update", shown
            assert BOOKING_ID.search(all_text(shown["view"])), shown
            assert world.booking_count() == before + 1

            # Slack retries that submission: the store cannot tell it was done, the site
            # can: the same booking is shown again (never "nothing was booked"), and
            # nothing is booked twice.
            booked_id = BOOKING_ID.search(all_text(shown["view"]))
            retried = await during.deliver(client, bot.events_url, retry_num=1)
            assert retried.status == 200
            again = retried.json()
            assert again["response_action"] == "update", again
            text = all_text(again["view"])
            assert booked_id and f"Booking #{booked_id.group(1)}" in text, text
            assert "nothing was booked" not in text
            assert world.booking_count() == before + 1

            # 2. A new submission while the store is gone: an apology, nothing booked.
            answer = await after.deliver(client, bot.events_url)
            assert answer.status == 200
            message = assert_apology(answer.json())
            assert "nothing was booked" in message
            assert world.booking_count() == before + 1

        # the process keeps serving (health check, other requests) while the store is gone
        assert bot.healthz() == 200
        assert bot.proc.poll() is None
    finally:
        output = bot.stop()
    bot_output_check(output)
    assert "state store" in output  # the operator's log says what failed
