"""Fixtures for the sandbox tests: a fresh sandbox per test, on a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from support.leaks import register_secret

from bot.sandbox import DEMO_APP_PASSWORD, Sandbox, start_sandbox

from .helpers import MONDAY_NOON_UTC


@pytest.fixture(autouse=True, scope="session")
def _register_demo_password() -> None:
    """Register the demo password with the suite-wide leak check (tests/conftest.py)."""
    register_secret(DEMO_APP_PASSWORD)


@pytest.fixture
def sandbox(tmp_path) -> Iterator[Sandbox]:
    with start_sandbox(db_path=str(tmp_path / "site.sqlite3"), now=MONDAY_NOON_UTC) as site:
        yield site


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """An authenticated client on the pretty-permalink API base."""
    with httpx.Client(
        base_url=sandbox.url + "/wp-json/fluent-booking/v2",
        auth=(sandbox.username, sandbox.app_password),
        timeout=10,
    ) as client:
        yield client
