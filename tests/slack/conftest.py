"""Shared wiring for the Slack app tests: the whole stack on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack.testing import LocalStack, start_local_stack


def register(config: pytest.Config, value: str) -> str:
    """The suite-wide register_secret (tests/conftest.py, loaded as a plugin)."""
    for plugin in config.pluginmanager.get_plugins():
        fn = getattr(plugin, "register_secret", None)
        if callable(fn):
            fn(value)
    return value


@pytest.fixture
def stack(tmp_path: Any, pytestconfig: pytest.Config) -> Iterator[LocalStack]:
    with start_local_stack(tmp_path) as running:
        for secret in (
            running.sandbox.app_password,
            running.slack.bot_token,
            running.slack.signing_secret,
        ):
            register(pytestconfig, secret)
        yield running
