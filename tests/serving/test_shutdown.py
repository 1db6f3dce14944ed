"""SIGTERM to a real `python -m bot`: the work already acked still reaches the user.

Every deploy sends SIGTERM. Before, the process died at once: with the site slow, a
/slots acked 0.3 s before the signal never got its answer, and the DM after a booking
could be lost. Now the process stops taking requests, finishes within 10 s, exits 0."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from proc_helpers import BotProcess, bot_env, wait_for
from support.leaks import register_secrets
from support.slack_text import all_text

from bot.localslack import (
    U_ALICE,
    LocalSlack,
    SlackRequester,
    SocketRequester,
    start_local_slack,
)
from bot.sandbox import Sandbox, start_sandbox
from bot.slack.ids import ActionId, BlockId

PRODUCT_DEMO = "3"
SLOW_SITE_SECONDS = 1.5


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Sandbox, LocalSlack, Path]]:
    sandbox = start_sandbox(str(tmp_path / "site.sqlite3"), now=None)
    slack = start_local_slack()
    register_secrets(sandbox.app_password, slack.bot_token, slack.signing_secret)
    try:
        yield sandbox, slack, tmp_path
    finally:
        slack.stop()
        sandbox.stop()


@pytest.fixture
def bot(world: tuple[Sandbox, LocalSlack, Path]) -> Iterator[BotProcess]:
    sandbox, slack, workdir = world
    process = BotProcess.start(bot_env(slack, sandbox, workdir), workdir)
    try:
        assert process.wait_up().status_code == 200
        yield process
    finally:
        process.kill()


def find_block(view: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    for b in view.get("blocks") or []:
        if (b.get("block_id") or "").startswith(prefix):
            return b
    return None


def assert_clean_exit(bot: BotProcess, code: int, started: float) -> None:
    output = bot.output()
    assert code == 0, output[-3000:]
    assert time.monotonic() - started < 12, "shutdown took longer than its 10 s bound"
    assert "Traceback" not in output, output[-3000:]
    assert "will be unused" not in output  # the misleading start-up warning is gone


async def test_slots_acked_before_sigterm_still_gets_its_answer(
    world: tuple[Sandbox, LocalSlack, Path], bot: BotProcess
) -> None:
    sandbox, slack, _ = world
    sandbox.set_faults(latency=SLOW_SITE_SECONDS)
    async with httpx.AsyncClient(timeout=10) as client:
        requester = SlackRequester(bot.events_url, slack, client=client)
        resp = await requester.command("/slots", "demo tomorrow", U_ALICE)
    assert resp.status == 200
    await asyncio.sleep(0.3)
    started = time.monotonic()
    bot.terminate()
    code = await asyncio.to_thread(bot.wait, 30)
    assert_clean_exit(bot, code, started)
    answers = slack.responses(resp.response_url_id)
    assert answers, "the acked /slots never got its answer"
    assert "Product Demo" in all_text(answers[-1])
    with pytest.raises(httpx.TransportError):  # no longer taking requests
        await asyncio.to_thread(httpx.get, bot.url + "/healthz", timeout=2)


async def test_dm_after_a_booking_is_sent_although_sigterm_came(
    world: tuple[Sandbox, LocalSlack, Path], bot: BotProcess
) -> None:
    sandbox, slack, _ = world
    async with httpx.AsyncClient(timeout=15) as client:
        requester = SlackRequester(bot.events_url, slack, client=client)
        assert (await requester.command("/book", "", U_ALICE)).status == 200
        view_id = await wait_for(
            lambda: next(
                (v["id"] for v in slack.open_modals() if find_block(v, BlockId.EVENT.value)), None
            ),
            "the booking form",
        )
        await requester.block_action(ActionId.EVENT.value, view_id=view_id, value=PRODUCT_DEMO)

        def times() -> dict[str, Any] | None:
            block = find_block(slack.view(view_id), BlockId.TIME.value)
            return block if block and block["element"].get("options") else None

        time_block = await wait_for(times, "the free times")
        choice = time_block["element"]["options"][0]["value"]
        sandbox.set_faults(latency=SLOW_SITE_SECONDS)
        resp = await requester.view_submission(view_id, {time_block["block_id"]: choice})
    assert resp.status == 200
    await asyncio.sleep(0.3)
    started = time.monotonic()
    bot.terminate()
    code = await asyncio.to_thread(bot.wait, 30)
    assert_clean_exit(bot, code, started)
    sandbox.clear_faults()
    assert sandbox_bookings(sandbox) == 1
    dm = slack.dm_id(U_ALICE)
    assert dm, "no DM channel was opened"
    texts = [all_text(m) for m in slack.messages(dm)]
    assert any("Product Demo" in t for t in texts), texts


def sandbox_bookings(sandbox: Sandbox) -> int:
    import sqlite3

    with sqlite3.connect(sandbox.db_path) as db:
        return int(db.execute("SELECT COUNT(*) FROM bookings").fetchone()[0])


async def test_socket_mode_process_finishes_acked_work_on_sigterm(
    world: tuple[Sandbox, LocalSlack, Path],
) -> None:
    """`python -m bot socket`: the same graceful stop, envelopes over the stand-in's gateway."""
    sandbox, slack, workdir = world
    env = bot_env(slack, sandbox, workdir, SLACK_APP_TOKEN=slack.app_token)
    del env["SLACK_SIGNING_SECRET"]
    bot = BotProcess.start(env, workdir, "socket")
    try:
        await wait_for(lambda: slack.socket.connected, "the Socket Mode connection", 60)
        sandbox.set_faults(latency=SLOW_SITE_SECONDS)
        resp = await SocketRequester(slack).command("/slots", "demo tomorrow", U_ALICE)
        await asyncio.sleep(0.3)
        started = time.monotonic()
        bot.terminate()
        code = await asyncio.to_thread(bot.wait, 30)
    finally:
        bot.kill()
    assert_clean_exit(bot, code, started)
    answers = slack.responses(resp.response_url_id)
    assert answers and "Product Demo" in all_text(answers[-1])
    await wait_for(lambda: slack.socket.connected == 0, "the socket to be closed")
