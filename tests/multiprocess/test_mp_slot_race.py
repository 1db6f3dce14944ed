"""Eight members click Book on the same slot at the same instant, their clicks spread over
two bot processes (`python -m bot` on one PostgreSQL schema), on a site whose creates are
not atomic (two concurrent creates on one slot can both succeed, as on a real 2.0.0 site).

One booking stands on the site (read back through its API); one member is told Booked and
gets one DM, the slot is announced once; every other member is told the time was taken,
with fresh times to pick from, and gets no DM.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from mp_helpers import (
    PRODUCT_DEMO,
    BotProcess,
    World,
    all_text,
    done_keys,
    drop_schema,
    new_schema_name,
    prepare_click,
    schema_url,
    wait_for,
)

from bot.fluentbooking import FluentBookingClient
from bot.localslack import SlackRequester
from bot.slack.ids import ActionId

pytestmark = pytest.mark.postgres

MEMBERS = 8
ZONE = "America/New_York"
NOTIFY = "C_MPRACE"
CREATE = "/bookings/create/"


def site_client(world: World) -> FluentBookingClient:
    box = world.sandbox
    return FluentBookingClient(box.url, box.username, box.app_password)


async def free_slot(world: World) -> tuple[datetime, str]:
    """A free product-demo slot a few days ahead: (start in New York, its /book words)."""
    async with site_client(world) as client:
        first = date.today() + timedelta(days=3)
        slots = await client.get_slots(
            int(PRODUCT_DEMO), start=first, end=first + timedelta(days=10), timezone=ZONE
        )
    start = slots.all()[len(slots.all()) // 2].start
    words = f"demo {start:%b} {start.day} {start:%I:%M%p}".lower()
    return start, words


async def live_at(world: World, start_utc: datetime, emails: list[str]) -> list[int]:
    """Ids of the live bookings at `start_utc` of these attendees, as the site lists
    them when searched (the plain list hides rows that share a group)."""
    found: set[int] = set()
    async with site_client(world) as client:
        for email in emails:
            for booking in await client.find_bookings(email=email, start_utc=start_utc):
                if booking.status in ("scheduled", "pending"):
                    found.add(booking.id)
    return sorted(found)


def book_button(message: dict[str, Any]) -> bool:
    return any(
        el.get("type") == "button"
        and str(el.get("action_id", "")).startswith(ActionId.BOOK_SLOT.value)
        for block in message.get("blocks") or []
        for el in block.get("elements") or []
    )


def bot_dms(world: World, user: str) -> list[dict[str, Any]]:
    slack = world.slack
    return [m for m in slack.messages(user) if m.get("user") == slack.bot_user_id]


async def test_eight_members_one_slot_two_processes_one_booking(
    world: World, bot_output_check: Any
) -> None:
    slack = world.slack
    members = [f"U_RACE{i}" for i in range(MEMBERS)]
    emails = [f"race{i}@example.org" for i in range(MEMBERS)]
    for i, (user, email) in enumerate(zip(members, emails, strict=True)):
        slack.add_user(user, name=f"race{i}", real_name=f"Racer {i}", email=email, tz=ZONE)
    slack.add_channel(NOTIFY, "bookings-race", member=True)
    start, words = await free_slot(world)
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
            confirms: list[dict[str, Any]] = []
            for i, user in enumerate(members):
                bot = bots[i % 2]
                seen = len(slack.ephemerals(user))
                resp = await SlackRequester(bot.events_url, slack, client=client).command(
                    "/book", words, user
                )
                assert resp.status == 200, resp.text

                def offered(user: str = user, seen: int = seen) -> dict[str, Any] | None:
                    fresh = [m for m in slack.ephemerals(user)[seen:] if book_button(m)]
                    return fresh[-1] if fresh else None

                confirms.append(await wait_for(offered, f"{user}'s Book button"))
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
            assert book_button(slack.ephemerals(user)[-1]), "no fresh times to pick from"
        await wait_for(lambda: bot_dms(world, winner), "the winner's DM", seconds=30)
        await wait_for(lambda: done_keys(world.pg_url, name, "announce:") >= 1, "the announcement")
    finally:
        outputs = [bot.stop() for bot in bots]  # each finishes its work before it exits
        drop_schema(world.pg_url, name)
    for output in outputs:
        bot_output_check(output)
    # after both processes stopped (nothing left in flight): no duplicate DM or post
    assert len(bot_dms(world, winner)) == 1
    assert "You booked" in all_text(bot_dms(world, winner)[0])
    for user in members:
        if user != winner:
            assert bot_dms(world, user) == []
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
