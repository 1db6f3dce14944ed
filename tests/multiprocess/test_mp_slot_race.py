"""Eight members click Book on the same slot at the same instant, their clicks spread over
two bot processes (`python -m bot` on one PostgreSQL schema), on a site whose creates are
not atomic (two concurrent creates on one slot can both succeed, as on a real 2.0.0 site).

One booking stands on the site (read back through its API); one member is told Booked and
gets one DM, the slot is announced once; every other member is told the time was taken,
with fresh times to pick from, and gets no DM.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from mp_helpers import (
    BotProcess,
    World,
    all_text,
    ask_to_book,
    bot_dms,
    done_keys,
    drop_schema,
    free_slots,
    has_book_button,
    live_at,
    new_schema_name,
    prepare_click,
    schema_url,
    wait_for,
)

from bot.slack.ids import ActionId

pytestmark = pytest.mark.postgres

MEMBERS = 8
NOTIFY = "C_MPRACE"
CREATE = "/bookings/create/"


async def test_eight_members_one_slot_two_processes_one_booking(
    world: World, bot_output_check: Any
) -> None:
    slack = world.slack
    members = [f"U_RACE{i}" for i in range(MEMBERS)]
    emails = [f"race{i}@example.org" for i in range(MEMBERS)]
    for i, (user, email) in enumerate(zip(members, emails, strict=True)):
        slack.add_user(
            user, name=f"race{i}", real_name=f"Racer {i}", email=email, tz="America/New_York"
        )
    slack.add_channel(NOTIFY, "bookings-race", member=True)
    [(start, words)] = await free_slots(world, 1)
    name = new_schema_name()
    url = schema_url(world.pg_url, name)
    bots: list[BotProcess] = []
    outputs: list[str] = []
    try:
        for label in ("race-a", "race-b"):
            env = world.env(url)
            env["BOOKING_NOTIFY_CHANNEL"] = NOTIFY
            bots.append(BotProcess.start(label, env, world.workdir))
        for bot in bots:
            assert bot.healthz() == 200
        async with httpx.AsyncClient(timeout=30.0) as client:
            # each member asks for the same time (half of them through each process)
            confirms = [
                await ask_to_book(slack, client, bots[i % 2], user, words)
                for i, user in enumerate(members)
            ]
            clicks = [
                prepare_click(slack, message, ActionId.BOOK_SLOT.value, user)
                for message, user in zip(confirms, members, strict=True)
            ]

            world.sandbox.set_faults(race=0.3, path=CREATE)  # the site would book them all
            try:
                acks = await asyncio.gather(
                    *(
                        click.deliver(client, bots[i % 2].events_url)
                        for i, click in enumerate(clicks)
                    )
                )
                assert [a.status for a in acks] == [200] * MEMBERS, [a.text for a in acks]

                def answers() -> list[str] | None:
                    texts = [all_text(slack.ephemerals(u)[-1]) for u in members]
                    return texts if all(map(answered, texts)) else None

                texts = await wait_for(answers, "every member's answer", seconds=60)
            finally:
                world.sandbox.clear_faults()
            # every create has answered: from here bookings can only be cancelled
            live = await _settled(world, start.astimezone(UTC), emails)
        booked = [u for u, t in zip(members, texts, strict=True) if "Booked" in t]
        assert len(booked) == 1, texts
        [winner] = booked
        [booking_id] = live
        assert f"#{booking_id}" in texts[members.index(winner)]
        for user, text in zip(members, texts, strict=True):
            if user == winner:
                continue
            assert "Booked" not in text, text
            assert "nearest free times" in text and any(
                phrase in text for phrase in ("was just taken", "same moment", "right now")
            ), text
            assert has_book_button(slack.ephemerals(user)[-1]), "no fresh times to pick from"
        await wait_for(lambda: bot_dms(slack, winner), "the winner's DM", seconds=30)
        await wait_for(lambda: done_keys(world.pg_url, name, "announce:") >= 1, "the announcement")
    finally:
        outputs = [bot.stop() for bot in bots]  # each finishes its work before it exits
        drop_schema(world.pg_url, name)
    for output in outputs:
        bot_output_check(output)
    # after both processes stopped (nothing left in flight): no duplicate DM or post
    assert len(bot_dms(slack, winner)) == 1
    assert "You booked" in all_text(bot_dms(slack, winner)[0])
    for user in members:
        if user != winner:
            assert bot_dms(slack, user) == []
    [post] = slack.messages(NOTIFY)  # the channel is this test's own
    assert "Racer" in all_text(post), all_text(post)
    assert await live_at(world, start.astimezone(UTC), emails) == [booking_id]


def answered(text: str) -> bool:
    """The answer to a Book click (not the confirm message it replaces)."""
    return "Booked" in text or "nearest free times" in text


async def _settled(world: World, start_utc: datetime, emails: list[str]) -> list[int]:
    """The live bookings at the slot once duplicates made at the same moment are
    cancelled (the background re-read follows each create by about half a second)."""
    latest: list[int] = []

    async def one_left() -> bool:
        nonlocal latest
        latest = await live_at(world, start_utc, emails)
        assert latest, "no booking left standing at the slot"
        return len(latest) == 1

    for _ in range(100):
        if await one_left():
            return latest
        await asyncio.sleep(0.1)
    raise AssertionError(f"more than one live booking at the slot: {latest}")
