"""The whole stack on loopback, with a team channel for booking announcements."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from bot.slack.testing import LocalStack, start_local_stack

#: the announcement channel (the bot is a member unless a test says otherwise)
NOTIFY = "C_BOOKINGS"


def _register(config: pytest.Config, value: str) -> None:
    for plugin in config.pluginmanager.get_plugins():
        fn = getattr(plugin, "register_secret", None)
        if callable(fn):
            fn(value)


@pytest.fixture
def stack(tmp_path: Any, pytestconfig: pytest.Config) -> Iterator[LocalStack]:
    # no backoff between the client's retries: a "site down" test stays fast
    fb = {"backoff_base": 0.0, "backoff_max": 0.0, "max_retries": 1}
    with start_local_stack(tmp_path, fb_kwargs=fb) as running:
        for secret in (
            running.sandbox.app_password,
            running.slack.bot_token,
            running.slack.signing_secret,
        ):
            _register(pytestconfig, secret)
        running.slack.add_channel(NOTIFY, "bookings", member=True)
        # BOOKING_NOTIFY_CHANNEL, as the environment would set it
        running.deps.settings = dataclasses.replace(running.settings, booking_notify_channel=NOTIFY)
        yield running
