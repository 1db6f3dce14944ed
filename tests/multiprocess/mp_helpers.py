"""Helpers for the multi-process tests: schemas on the PostgreSQL test server, bot subprocesses,
and Slack requests sent byte-for-byte identical to several bots (as Slack's retries are).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from support import postgres
from support.leaks import register_secrets
from support.postgres import drop_schema as drop_schema  # re-exported for the tests
from support.postgres import postgres_url as postgres_url
from support.slack_text import all_text as all_text  # re-exported for the tests

from bot.fluentbooking import FluentBookingClient
from bot.localslack import LocalSlack, SlackRequester, start_local_slack
from bot.localslack.requester import BotResponse, _Request
from bot.sandbox import Sandbox, start_sandbox
from bot.slack.ids import ActionId, BlockId

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_DEMO = "3"  # sandbox event: 30 min, Mon–Fri 09:00–17:00 New York, many slots a day
BOOKING_ID = re.compile(r"Booking #(\d+)")


# -- PostgreSQL ------------------------------------------------------------------------------


def new_schema_name() -> str:
    return postgres.new_schema_name("mp_")


def schema_url(url: str, schema: str) -> str:
    """The DATABASE_URL form that puts the bot's tables in `schema` (libpq options)."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def schema_tables(url: str, schema: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {str(r[0]) for r in rows}


def done_keys(url: str, schema: str, prefix: str) -> int:
    """How many idempotency keys starting with `prefix` hold a finished result."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            f'SELECT COUNT(*) FROM "{schema}".idempotency_keys'
            " WHERE state = 'done' AND key LIKE %s",
            (prefix + "%",),
        ).fetchone()
    return int(row[0]) if row else 0


# -- the world the bots live in ---------------------------------------------------------------


@dataclass
class World:
    """The outside world the bots talk to, plus the database they share."""

    sandbox: Sandbox
    slack: LocalSlack
    pg_url: str
    workdir: Path

    def env(self, database_url: str, port: int | None = None) -> dict[str, str]:
        return bot_env(self.slack, self.sandbox, database_url, port or free_port())

    def booking_count(self) -> int:
        with sqlite3.connect(self.sandbox.db_path) as db:
            return int(db.execute("SELECT COUNT(*) FROM bookings").fetchone()[0])


@dataclass
class Schema:
    name: str
    url: str  # DATABASE_URL for the bots: the server URL with the search_path option


# -- bot processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bot_env(slack: LocalSlack, sandbox: Any, database_url: str, port: int) -> dict[str, str]:
    """The environment `python -m bot` reads, pointed at the local stand-ins."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "FLUENTBOOKING_", "BOOKING_")) and k != "DATABASE_URL"
    }
    env.update(
        PORT=str(port),
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=slack.signing_secret,
        SLACK_API_URL=slack.api_url,
        FLUENTBOOKING_URL=sandbox.url,
        FLUENTBOOKING_USERNAME=sandbox.username,
        FLUENTBOOKING_APP_PASSWORD=sandbox.app_password,
        DATABASE_URL=database_url,
        BOOKING_POLL_SECONDS="0",  # the feed tests turn the watcher on
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class BotProcess:
    """`python -m bot` in a subprocess; its output goes to a file (read with .output())."""

    name: str
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes]
    _log: Any = field(repr=False, default=None)

    @classmethod
    def start(cls, name: str, env: dict[str, str], workdir: Path) -> BotProcess:
        log_path = workdir / f"{name}.log"
        log = log_path.open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return cls(name, int(env["PORT"]), log_path, proc, log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def healthz(self, timeout: float = 60.0) -> int:
        """Wait until /healthz answers; its status. Fails if the process exits first."""
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while True:
                try:
                    return client.get(f"{self.url}/healthz").status_code
                except httpx.TransportError:
                    if self.proc.poll() is not None:
                        raise AssertionError(
                            f"bot {self.name} exited with {self.proc.returncode}:\n"
                            + self.output()[-3000:]
                        ) from None
                    if time.monotonic() > deadline:
                        raise AssertionError(f"bot {self.name} did not come up") from None
                    time.sleep(0.05)

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self._log is not None:
            self._log.close()
        return self.output()


# -- Slack requests --------------------------------------------------------------------------


class _Capture(SlackRequester):
    """Builds a request exactly as SlackRequester would, but hands it back unsent."""

    def _send(self, request: _Request) -> Any:
        return request


@dataclass
class Prepared:
    """One Slack request body, to be delivered (signed) to any bot, as often as wanted."""

    request: _Request
    slack: LocalSlack

    async def deliver(
        self, client: httpx.AsyncClient, bot_url: str, *, retry_num: int | None = None
    ) -> BotResponse:
        sender = SlackRequester(bot_url, self.slack, client=client)
        if retry_num is not None:
            sender = sender.variant(retry_num=retry_num, retry_reason="http_timeout")
        headers = sender.headers(self.request.body, self.request.content_type)
        resp = await client.post(bot_url, content=self.request.body.encode(), headers=headers)
        return BotResponse(resp.status_code, dict(resp.headers), resp.text, self.request.payload)


def prepare_submission(slack: LocalSlack, view_id: str, values: dict[str, Any]) -> Prepared:
    """The view_submission Slack would send for `view_id` with `values` filled in."""
    request: Any = _Capture("http://unused.invalid", slack).view_submission(view_id, values)
    return Prepared(request, slack)


def prepare_click(
    slack: LocalSlack, message: dict[str, Any], action_id: str, user_id: str
) -> Prepared:
    """The block_actions request Slack would send when `user_id` clicks in `message`."""
    request: Any = _Capture("http://unused.invalid", slack).click(
        message, action_id=action_id, user_id=user_id
    )
    return Prepared(request, slack)


def find_block(view: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    for b in view.get("blocks") or []:
        if (b.get("block_id") or "").startswith(prefix):
            return b
    return None


async def wait_for(predicate: Any, what: str, seconds: float = 15.0) -> Any:
    """Poll `predicate()` until it returns something truthy (state changes after an ack)."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def open_booking_form(
    slack: LocalSlack, client: httpx.AsyncClient, bot: BotProcess, user: str
) -> dict[str, Any]:
    """/book on `bot`, choose the product demo; the filled modal (with free times)."""
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


@contextlib.contextmanager
def new_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A sandbox site and a Slack stand-in in this process, stopped afterwards."""
    pg_url = postgres_url()
    workdir = tmp_path_factory.mktemp("multiprocess")
    # Real time on the site: the bot processes read the real clock for "today".
    sandbox = start_sandbox(str(workdir / "site.sqlite3"), now=None)
    slack = None
    try:
        slack = start_local_slack()
        register_secrets(sandbox.app_password, slack.bot_token, slack.signing_secret)
        yield World(sandbox, slack, pg_url, workdir)
    finally:
        if slack is not None:
            slack.stop()
        sandbox.stop()


# -- one-line /book with a Book button ---------------------------------------------------------


def has_book_button(message: dict[str, Any]) -> bool:
    return any(
        el.get("type") == "button"
        and str(el.get("action_id", "")).startswith(ActionId.BOOK_SLOT.value)
        for block in message.get("blocks") or []
        for el in block.get("elements") or []
    )


async def ask_to_book(
    slack: LocalSlack, client: httpx.AsyncClient, bot: BotProcess, user: str, words: str
) -> dict[str, Any]:
    """`/book words` on `bot`: the confirm message with its Book button."""
    seen = len(slack.ephemerals(user))
    resp = await SlackRequester(bot.events_url, slack, client=client).command("/book", words, user)
    assert resp.status == 200, resp.text

    def offered() -> dict[str, Any] | None:
        fresh = [m for m in slack.ephemerals(user)[seen:] if has_book_button(m)]
        return fresh[-1] if fresh else None

    return dict(await wait_for(offered, f"{user}'s Book button"))


def bot_dms(slack: LocalSlack, user: str) -> list[dict[str, Any]]:
    """The bot's messages in its DM with `user`."""
    return [m for m in slack.messages(user) if m.get("user") == slack.bot_user_id]


# -- the site, read through its API -----------------------------------------------------------

ZONE = "America/New_York"


def site_client(world: World) -> FluentBookingClient:
    box = world.sandbox
    return FluentBookingClient(box.url, box.username, box.app_password)


async def free_slots(world: World, count: int) -> list[tuple[datetime, str]]:
    """`count` free product-demo slots a few days ahead, on different days (far apart, so
    one test's bookings never touch another's): (start in New York, its /book words)."""
    async with site_client(world) as client:
        first = date.today() + timedelta(days=3)
        slots = await client.get_slots(
            int(PRODUCT_DEMO), start=first, end=first + timedelta(days=20), timezone=ZONE
        )
    found: list[tuple[datetime, str]] = []
    for day in sorted(slots.by_date):
        if len(found) == count:
            break
        free = slots.by_date[day]
        if not free:
            continue
        start = free[len(free) // 2].start
        if any(start.date() == f.date() for f, _ in found):
            continue
        found.append((start, f"demo {start:%b} {start.day} {start:%I:%M%p}".lower()))
    assert len(found) == count, f"only {len(found)} free days on the site"
    return found


async def live_at(world: World, start_utc: datetime, emails: list[str]) -> list[int]:
    """Ids of the live bookings at `start_utc` of these attendees, as the site lists them
    when searched (the plain list hides rows that share a group)."""
    found: set[int] = set()
    async with site_client(world) as client:
        for email in emails:
            for booking in await client.find_bookings(email=email, start_utc=start_utc):
                if booking.status in ("scheduled", "pending"):
                    found.add(booking.id)
    return sorted(found)
