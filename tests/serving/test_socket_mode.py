"""The bot in Socket Mode against the stand-in's gateway: the same flows as over HTTP.

apps.connections.open hands out a loopback WebSocket; the gateway says hello, sends
envelopes (slash_commands, interactive, events_api) and reads the acks; it asks for a
refresh and drops the connection, and the bot reconnects each time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.leaks import register_secrets
from support.slack_text import all_text

from bot.config import Secret, Settings
from bot.localslack import U_ALICE, U_BOB, LocalSlack, SocketRequester, start_local_slack
from bot.sandbox import Sandbox, start_sandbox
from bot.slack.ids import ActionId, BlockId
from bot.slack.run import SocketBot, start_socket_bot

PRODUCT_DEMO = "3"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Sandbox, LocalSlack, SocketBot]]:
    sandbox = start_sandbox(str(tmp_path / "site.sqlite3"), now=None)
    slack = start_local_slack()
    register_secrets(sandbox.app_password, slack.bot_token, slack.app_token)
    settings = Settings(
        slack_bot_token=Secret(slack.bot_token),
        slack_app_token=Secret(slack.app_token),
        slack_api_url=slack.api_url,
        fluentbooking_url=sandbox.url,
        fluentbooking_username=sandbox.username,
        fluentbooking_app_password=Secret(sandbox.app_password),
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    bot = None
    try:
        bot = start_socket_bot(settings)
        yield sandbox, slack, bot
    finally:
        if bot is not None:
            bot.stop()
        slack.stop()
        sandbox.stop()


def find_block(view: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    for b in view.get("blocks") or []:
        if (b.get("block_id") or "").startswith(prefix):
            return b
    return None


def wait_until(predicate: Any, what: str, seconds: float = 15.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
    return value


async def test_connects_with_hello_through_apps_connections_open(world) -> None:
    _, slack, _ = world
    wait_until(lambda: slack.socket.connected == 1, "the gateway to count the connection")
    assert slack.calls_to("apps.connections.open")


async def test_a_command_is_acked_and_answered(world) -> None:
    _, slack, bot = world
    requester = SocketRequester(slack)
    resp = await requester.command("/slots", "demo tomorrow", U_ALICE)
    assert resp.status == 200
    bot.wait_idle()
    answers = slack.responses(resp.response_url_id)
    assert answers and "Product Demo" in all_text(answers[-1])


async def test_the_booking_modal_opens_and_a_submit_books(world) -> None:
    _, slack, bot = world
    requester = SocketRequester(slack)
    await requester.command("/book", "", U_ALICE)
    bot.wait_idle()
    view_id = wait_until(
        lambda: next(
            (v["id"] for v in slack.open_modals() if find_block(v, BlockId.EVENT.value)), None
        ),
        "the booking form",
    )
    await requester.block_action(ActionId.EVENT.value, view_id=view_id, value=PRODUCT_DEMO)
    bot.wait_idle()
    block = find_block(slack.view(view_id), BlockId.TIME.value)
    assert block and block["element"]["options"]
    choice = block["element"]["options"][0]["value"]
    await requester.view_submission(view_id, {block["block_id"]: choice})
    bot.wait_idle()
    dm = slack.dm_id(U_ALICE)
    assert dm and any("Product Demo" in all_text(m) for m in slack.messages(dm))


async def test_app_home_is_published(world) -> None:
    _, slack, bot = world
    resp = await SocketRequester(slack).event("app_home_opened", U_BOB)
    assert resp.status == 200
    bot.wait_idle()
    assert slack.home(U_BOB) is not None


async def test_refresh_and_a_dropped_connection_are_reconnected(world) -> None:
    _, slack, bot = world
    opened = slack.socket.connections_opened
    slack.socket.refresh()
    wait_until(lambda: slack.socket.connections_opened > opened, "a new connection after refresh")
    wait_until(lambda: slack.socket.connected == 1, "the old connection to close")
    resp = await SocketRequester(slack).event("app_home_opened", U_ALICE)
    assert resp.status == 200

    opened = slack.socket.connections_opened
    slack.socket.drop()
    wait_until(
        lambda: slack.socket.connections_opened > opened and slack.socket.connected,
        "a reconnection after the drop",
        seconds=30,
    )
    resp = await SocketRequester(slack).command("/slots", "", U_ALICE)
    assert resp.status == 200
    bot.wait_idle()


async def test_stopping_finishes_the_acked_work_then_disconnects(world) -> None:
    """What SIGTERM starts in `python -m bot socket`: the acked /slots is answered although
    the site is slow, within the 10 s bound, and only then is the socket closed."""
    sandbox, slack, bot = world
    sandbox.set_faults(latency=1.5)
    resp = await SocketRequester(slack).command("/slots", "demo tomorrow", U_ALICE)
    started = time.monotonic()
    bot.stop()
    assert time.monotonic() - started < 12
    sandbox.clear_faults()
    answers = slack.responses(resp.response_url_id)
    assert answers and "Product Demo" in all_text(answers[-1])
    wait_until(lambda: slack.socket.connected == 0, "the socket to be closed")
