"""The site's truth and the booking guard against the real sandbox over loopback HTTP,
with a real SQLite store file."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from support.leaks import register_secret, register_stack_secrets

from bot.demo.stack import LocalStack, start_local_stack
from bot.fluentbooking import FluentBookingClient
from bot.sandbox import Sandbox, start_sandbox
from bot.store import Store, open_store

from .booking_helpers import NOTIFY, NOW, make_client


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    box = start_sandbox(db_path=str(tmp_path / "site.sqlite3"), now=NOW)
    register_secret(box.app_password)
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[FluentBookingClient]:
    async with make_client(sandbox) as c:
        yield c


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store("sqlite:///" + str(tmp_path / "bot.sqlite3"), poll_interval=0.01)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    fb = {"backoff_base": 0.0, "backoff_max": 0.0, "max_retries": 1, "read_timeout": 2.0}
    with start_local_stack(tmp_path, fb_kwargs=fb) as running:
        register_stack_secrets(running)
        running.slack.add_channel(NOTIFY, "bookings", member=True)
        running.deps.settings = dataclasses.replace(running.settings, booking_notify_channel=NOTIFY)
        yield running
