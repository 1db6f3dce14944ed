"""The store lost and healed under running bot processes (`python -m bot` on PostgreSQL),
end to end and without a restart; and the outbox's background retries across processes.

- The schema is dropped and recreated empty between two bookings: while it is gone
  `/readyz` says so; the next booking works (the tables come back on their own) and a
  repeated click of it is still answered "Already booked" with nothing booked twice.
- The store fails between the site's answer and the bot's record: the member still sees
  Booked and gets the DM and the channel post (from memory), a late duplicate click says
  "Already booked" (never "taken" or "nothing was booked"), and once the store is back the
  delivery is recorded there, so no process sends it again.
- Slack's chat.postMessage fails right after a booking and the process that booked stops:
  when Slack is back, the other process delivers the DM once, with no new user action.
"""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
import pytest
from mp_helpers import (
    BotProcess,
    Schema,
    World,
    all_text,
    ask_to_book,
    bot_dms,
    done_keys,
    drop_schema,
    free_slots,
    prepare_click,
    wait_for,
)

from bot.slack.ids import ActionId

pytestmark = pytest.mark.postgres

CREATE = "/bookings/create/"
ZONE = "America/New_York"


def start_bot(world: World, schema: Schema, label: str, channel: str) -> BotProcess:
    env = world.env(schema.url)
    env["BOOKING_NOTIFY_CHANNEL"] = channel
    bot = BotProcess.start(label, env, world.workdir)
    assert bot.healthz() == 200
    return bot


def member(world: World, user: str, channel: str) -> str:
    email = f"{user.lower()}@example.org"
    world.slack.add_user(user, name=user.lower(), real_name=f"Member {user}", email=email, tz=ZONE)
    world.slack.add_channel(channel, channel.lower(), member=True)
    return email


def recreate_empty(world: World, schema: Schema) -> None:
    with psycopg.connect(world.pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema.name}"')


def outbox_states(world: World, schema: Schema) -> dict[str, str]:
    with psycopg.connect(world.pg_url, autocommit=True) as conn:
        try:
            rows = conn.execute(f'SELECT id, state FROM "{schema.name}".outbox').fetchall()
        except psycopg.errors.UndefinedTable:
            return {}
    return {str(r[0]): str(r[1]) for r in rows}


def readyz(bot: BotProcess) -> httpx.Response:
    return httpx.get(f"{bot.url}/readyz", timeout=15)


async def click(world: World, client: httpx.AsyncClient, bot: BotProcess, prepared: Any) -> None:
    answer = await prepared.deliver(client, bot.events_url)
    assert answer.status == 200, answer.text


async def book_once(
    world: World, client: httpx.AsyncClient, bot: BotProcess, user: str, words: str
) -> tuple[Any, str]:
    """/book words, then Book: (the prepared click, to send again; the answer's text)."""
    confirm = await ask_to_book(world.slack, client, bot, user, words)
    prepared = prepare_click(world.slack, confirm, ActionId.BOOK_SLOT.value, user)
    await click(world, client, bot, prepared)
    text = await wait_for(lambda: _replaced(world, user), "the Book click's answer")
    return prepared, text


def _replaced(world: World, user: str) -> str | None:
    """The member's last message once it is a Book click's answer."""
    last = all_text(world.slack.ephemerals(user)[-1])
    return last if "Booked" in last or "taken" in last or "nothing" in last else None


async def test_schema_dropped_and_recreated_between_two_bookings(
    world: World, schema: Schema, bot_output_check: Any
) -> None:
    user, channel = "U_HEAL0", "C_HEAL0"
    member(world, user, channel)
    (_, first_words), (_, second_words) = await free_slots(world, 2)
    bot = start_bot(world, schema, "heal-0", channel)
    try:
        async with httpx.AsyncClient(timeout=30.0) as client:
            _, text = await book_once(world, client, bot, user, first_words)
            assert "Booked" in text, text
            await wait_for(lambda: bot_dms(world.slack, user), "the first DM")

            drop_schema(world.pg_url, schema.name)
            gone = readyz(bot)
            assert gone.status_code == 503 and "state store" in gone.json()["reason"], gone.text
            recreate_empty(world, schema)  # as after a restore into an empty database
            before = world.booking_count()

            prepared, text = await book_once(world, client, bot, user, second_words)
            assert "Booked" in text and "Already" not in text, text
            assert world.booking_count() == before + 1
            await wait_for(lambda: len(bot_dms(world.slack, user)) >= 2, "the second DM")
            assert readyz(bot).status_code == 200
            assert done_keys(world.pg_url, schema.name, "booking:") == 1  # in the new tables

            # the same click again: idempotency holds in the recreated store
            seen = len(world.slack.ephemerals(user))
            await click(world, client, bot, prepared)
            again = await wait_for(
                lambda: [
                    t
                    for t in map(all_text, world.slack.ephemerals(user)[seen:])
                    if "Already booked" in t
                ],
                "the repeated click's answer",
            )
            assert "taken" not in again[-1]
            assert world.booking_count() == before + 1
    finally:
        output = bot.stop()
    bot_output_check(output)
    assert len(bot_dms(world.slack, user)) == 2  # one DM per booking, none repeated
    assert len(world.slack.messages(channel)) == 2
    assert "creating them again" in output  # the operator's log says the store healed


async def test_store_failing_after_the_site_booked_still_delivers_and_never_contradicts(
    world: World, schema: Schema, bot_output_check: Any
) -> None:
    user, channel = "U_HEAL1", "C_HEAL1"
    member(world, user, channel)
    [(_, words)] = await free_slots(world, 1)
    bot = start_bot(world, schema, "heal-1", channel)
    try:
        async with httpx.AsyncClient(timeout=30.0) as client:
            confirm = await ask_to_book(world.slack, client, bot, user, words)
            prepared = prepare_click(world.slack, confirm, ActionId.BOOK_SLOT.value, user)
            before = world.booking_count()
            world.sandbox.clear_requests()
            world.sandbox.set_faults(latency=1.0, path=CREATE, count=1, after=True)
            try:
                await click(world, client, bot, prepared)
                await wait_for(
                    lambda: any(CREATE in r.path for r in world.sandbox.requests),
                    "the create to reach the site",
                )
                drop_schema(world.pg_url, schema.name)  # the store fails before the record
                text = await wait_for(lambda: _replaced(world, user), "the Book click's answer")
            finally:
                world.sandbox.clear_faults()
            assert "Booked" in text, text
            assert world.booking_count() == before + 1
            [dm] = await wait_for(lambda: bot_dms(world.slack, user), "the DM from memory")
            assert "You booked" in all_text(dm)
            await wait_for(lambda: world.slack.messages(channel), "the channel post")

            # a late duplicate click while the store is still down
            seen = len(world.slack.ephemerals(user))
            await click(world, client, bot, prepared)
            late = await wait_for(
                lambda: [all_text(m) for m in world.slack.ephemerals(user)[seen:]],
                "the late click's answer",
            )
            assert "Already booked" in late[-1], late[-1]
            assert "taken" not in late[-1] and "nothing was booked" not in late[-1]
            assert world.booking_count() == before + 1

            # the store comes back (empty): the delivery is recorded there by the outbox
            recreate_empty(world, schema)
            await wait_for(
                lambda: list(outbox_states(world, schema).values()) == ["sent"],
                "the delivery to be recorded in the healed store",
                seconds=60,
            )
    finally:
        output = bot.stop()
    bot_output_check(output)
    assert len(bot_dms(world.slack, user)) == 1
    assert len(world.slack.messages(channel)) == 1


async def test_slack_down_then_the_booking_process_stops_the_other_delivers_once(
    world: World, schema: Schema, bot_output_check: Any
) -> None:
    user, channel = "U_HEAL2", "C_HEAL2"
    member(world, user, channel)
    [(_, words)] = await free_slots(world, 1)
    booker = start_bot(world, schema, "outbox-a", channel)
    other = start_bot(world, schema, "outbox-b", channel)
    outputs: list[str] = []
    slack = world.slack
    try:
        async with httpx.AsyncClient(timeout=30.0) as client:
            confirm = await ask_to_book(slack, client, booker, user, words)
            prepared = prepare_click(slack, confirm, ActionId.BOOK_SLOT.value, user)
            failed_before = len(slack.served_faults())
            slack.fail_next("chat.postMessage", status=503, retry_after=None, count=None)
            await click(world, client, booker, prepared)
            text = await wait_for(lambda: _replaced(world, user), "the answer")
            assert "Booked" in text, text
            await wait_for(
                lambda: len(slack.served_faults()) > failed_before, "the DM to fail at Slack"
            )
            outputs.append(booker.stop())  # the process that booked goes away
            assert bot_dms(slack, user) == []
            [state] = outbox_states(world, schema).values()
            assert state == "pending"

            slack.clear_faults()  # Slack is back; nobody does anything
            await wait_for(lambda: bot_dms(slack, user), "the DM from the other process", 60)
            await wait_for(
                lambda: list(outbox_states(world, schema).values()) == ["sent"],
                "the delivery to be recorded",
            )
    finally:
        slack.clear_faults()
        outputs += [booker.stop(), other.stop()]
    for output in outputs:
        bot_output_check(output)
    assert "outbox: delivered 1" in outputs[-1]  # the other process delivered it
    [dm] = bot_dms(slack, user)
    assert "You booked" in all_text(dm)
    assert len(slack.messages(channel)) == 1
