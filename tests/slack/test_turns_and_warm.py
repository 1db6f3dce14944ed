"""Follow-up work taking turns with the acks, the warm-up after the start, and what a
bot process does not load (issue 15). Behaviour only: no timings are asserted."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.slack import warm
from bot.slack.deps import AckGate
from bot.slack.turns import Turns

ROOT = Path(__file__).resolve().parents[2]


async def test_turns_release_one_waiter_per_loop_pass_in_order() -> None:
    turns = Turns()
    order: list[str] = []

    async def waiter(name: str) -> None:
        await turns.wait()
        order.append(name)

    tasks = [asyncio.ensure_future(waiter(n)) for n in "abcd"]
    passes = 0
    while len(order) < 4:
        seen = len(order)
        await asyncio.sleep(0)  # one pass of the loop
        passes += 1
        assert len(order) - seen <= 1, "two waiters went in one pass"
        assert passes < 50
    assert order == list("abcd")
    await asyncio.gather(*tasks)


async def test_turns_wait_while_a_request_waits_for_its_ack_then_go() -> None:
    gate = AckGate()
    turns = Turns(busy=lambda: gate.unanswered > 0, max_wait=3600)
    gate.when_idle(turns.kick)
    went: list[int] = []

    async def waiter(i: int) -> None:
        await turns.wait()
        went.append(i)

    with gate.answering():  # a request not answered yet
        tasks = [asyncio.ensure_future(waiter(i)) for i in range(3)]
        for _ in range(20):
            await asyncio.sleep(0)
        assert went == [] and len(turns) == 3
    await asyncio.gather(*tasks)  # answered: the queue moves
    assert went == [0, 1, 2]


async def test_turns_never_starve_under_a_steady_stream() -> None:
    gate = AckGate()
    turns = Turns(busy=lambda: gate.unanswered > 0, max_wait=0.01)
    gate.when_idle(turns.kick)
    with gate.answering():  # never answered while the waiter waits
        await asyncio.wait_for(turns.wait(), 30)


async def test_a_cancelled_waiter_gives_its_turn_away() -> None:
    turns = Turns()
    first = asyncio.ensure_future(turns.wait())
    second = asyncio.ensure_future(turns.wait())
    first.cancel()
    await asyncio.wait_for(second, 30)
    assert first.cancelled()


async def test_warm_up_waits_for_quiet_and_dateparser_for_a_phrase(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(warm, "QUIET_SECONDS", 0.0)
    monkeypatch.setattr(warm._Phrases, "seen", False)
    gate = AckGate()
    ran: list[str] = []
    task: asyncio.Task[None] | None = None
    with gate.answering():
        task = asyncio.ensure_future(
            warm.warm_in_background(
                gate, [lambda: ran.append("grammar")], [lambda: ran.append("dateparser")], poll=0.01
            )
        )
        for _ in range(20):
            await asyncio.sleep(0)
        assert ran == []  # a request is waiting for its ack
    for _ in range(200):
        if ran:
            break
        await asyncio.sleep(0.01)
    assert ran == ["grammar"]
    await asyncio.sleep(0.05)
    assert ran == ["grammar"]  # no date phrase read yet: dateparser stays unloaded
    warm.date_phrase_read()
    await asyncio.wait_for(task, 30)
    assert ran == ["grammar", "dateparser"]


def test_a_serving_process_loads_neither_psycopg_nor_dateparser_before_a_phrase() -> None:
    code = (
        "import json, sys\n"
        "import bot.slack.run, bot.slack.app, bot.store\n"
        "from bot.slack.warm import grammar_steps\n"
        "for step in grammar_steps(): step()\n"
        "print(json.dumps([m for m in ('psycopg', 'dateparser') if m in sys.modules]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_postgres_store_is_still_importable_from_bot_store() -> None:
    from bot.store import PostgresStore
    from bot.store.postgres import PostgresStore as Direct

    assert PostgresStore is Direct


def test_access_log_is_off_unless_asked() -> None:
    from bot.logs import LogSettingError, access_log_option

    assert access_log_option({}) is False
    assert access_log_option({"LOG_ACCESS": "1"}) is True
    assert access_log_option({"LOG_ACCESS": "off"}) is False
    with pytest.raises(LogSettingError):
        access_log_option({"LOG_ACCESS": "sometimes"})
