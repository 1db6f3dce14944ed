"""The whole stack on loopback, with a team channel for booking announcements."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from home_helpers import NOTIFY
from support.leaks import register_stack_secrets

from bot.demo.stack import LocalStack, start_local_stack


@pytest.fixture
def stack(tmp_path: Any) -> Iterator[LocalStack]:
    # no backoff between the client's retries: a "site down" test stays fast
    fb = {"backoff_base": 0.0, "backoff_max": 0.0, "max_retries": 1}
    with start_local_stack(tmp_path, fb_kwargs=fb) as running:
        register_stack_secrets(running)
        running.slack.add_channel(NOTIFY, "bookings", member=True)
        # BOOKING_NOTIFY_CHANNEL, as the environment would set it (stack.settings keeps
        # none: a test restores it to run without the channel)
        running.deps.settings = dataclasses.replace(running.settings, booking_notify_channel=NOTIFY)
        yield running
