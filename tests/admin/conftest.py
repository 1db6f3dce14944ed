"""Fixtures for the /booking-settings tests: the whole stack on loopback.

Every test here ends with one more check (issue 6): no integration secret, seeded on the
site or typed by an admin, nor its last 8 characters, appears in anything Slack was sent
or shows, nor in any log line of the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_test_helpers import (
    ADMIN_LISTED,
    NOTIFY,
    everything_slack_saw,
    secret_findings,
    seeded_secrets,
    start_stack,
)
from support.leaks import SECRETS, register_secrets, register_stack_secrets

from bot.demo.stack import LocalStack


@pytest.fixture
def make_stack(tmp_path: Path, secret_log: Any) -> Iterator[Callable[..., LocalStack]]:
    started: list[LocalStack] = []
    register_secrets(*seeded_secrets())
    before = set(SECRETS)
    first_log_line = len(secret_log.texts)

    def make(**kwargs: Any) -> LocalStack:
        stack = start_stack(tmp_path / f"s{len(started)}", **kwargs)
        started.append(stack)
        stack.slack.add_user(ADMIN_LISTED, name="lee", real_name="Lee Listed")
        stack.slack.add_channel(NOTIFY, "audit", member=True)
        register_stack_secrets(stack)
        return stack

    yield make
    # the seeded integration secrets, what the test typed, the stack's credentials
    watched = [*seeded_secrets(), *sorted(SECRETS - before)]
    seen = [everything_slack_saw(stack) for stack in started]
    logged = secret_log.texts[first_log_line:]
    for stack in started:
        stack.stop()
    assert secret_findings(seen, watched) == [], "a secret reached Slack"
    assert secret_findings(logged, watched) == [], "a secret was logged"


@pytest.fixture
def stack(make_stack: Callable[..., LocalStack]) -> LocalStack:
    return make_stack(booking_notify_channel=NOTIFY)
