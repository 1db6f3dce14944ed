"""The whole stack on loopback with a team channel and the demo calendar's host in Slack."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from slack_helpers import NOTIFY, U_HOST
from support.leaks import register_stack_secrets

from bot.demo.stack import LocalStack, start_local_stack


@pytest.fixture
def stack(tmp_path: Any) -> Iterator[LocalStack]:
    fb = {"backoff_base": 0.0, "backoff_max": 0.0, "max_retries": 1}
    with start_local_stack(tmp_path, fb_kwargs=fb) as running:
        register_stack_secrets(running)
        running.slack.add_channel(NOTIFY, "bookings", member=True)
        running.slack.add_user(
            U_HOST, name="alex", real_name="Alex Rivera", email="demo@example.com",
            tz="America/New_York",
        )  # fmt: skip
        running.deps.settings = dataclasses.replace(running.settings, booking_notify_channel=NOTIFY)
        yield running
