"""Helpers for the /booking-settings tests: the stack with admin settings, site reads."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Secret, Settings
from bot.slack.testing import DEFAULT_NOW, LocalStack

ADMIN_LISTED = "U_LISTED"  # in BOOKING_ADMINS, not a workspace admin
NOTIFY = "C_AUDIT"


def register(config: pytest.Config, value: str) -> str:
    """The suite-wide register_secret (tests/conftest.py, loaded as a plugin)."""
    for plugin in config.pluginmanager.get_plugins():
        fn = getattr(plugin, "register_secret", None)
        if callable(fn):
            fn(value)
    return value


def seeded_secrets() -> list[str]:
    """Every non-trivial value the sandbox seeds as an integration setting."""
    from bot.sandbox.seed import INTEGRATIONS

    return [
        v
        for values, _ in INTEGRATIONS.values()
        for v in values.values()
        if isinstance(v, str) and len(v) > 8
    ]


def start_stack(workdir: Path, *, integrations: str = "pro", **settings: Any) -> LocalStack:
    from bot.localslack import SlackRequester, start_local_slack
    from bot.sandbox import start_sandbox
    from bot.slack.run import start_bot_server

    workdir.mkdir(parents=True, exist_ok=True)
    sandbox = start_sandbox(
        str(workdir / "site.sqlite3"), now=DEFAULT_NOW, integrations=integrations
    )
    slack = start_local_slack()
    base = Settings(
        slack_bot_token=Secret(slack.bot_token),
        slack_signing_secret=Secret(slack.signing_secret),
        slack_api_url=slack.api_url,
        fluentbooking_url=sandbox.url,
        fluentbooking_username=sandbox.username,
        fluentbooking_app_password=Secret(sandbox.app_password),
        database_url=f"sqlite:///{workdir / 'bot.sqlite3'}",
        booking_admins=frozenset({ADMIN_LISTED}),
    )
    config = replace(base, **settings)
    bot = start_bot_server(
        config,
        clock=sandbox.now,
        fb_kwargs={"clock": sandbox.now, "backoff_base": 0.01, "backoff_max": 0.05},
    )
    return LocalStack(sandbox, slack, bot, config, SlackRequester(bot.events_url, slack))


def stored(stack: LocalStack, key: str) -> dict[str, Any]:
    """The settings the sandbox site really holds for `key`."""
    import sqlite3

    with sqlite3.connect(stack.sandbox.db_path) as db:
        row = db.execute("SELECT settings FROM integrations WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else {}
