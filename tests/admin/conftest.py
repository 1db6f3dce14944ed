"""Fixtures for the /booking-settings tests: the whole stack on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_test_helpers import ADMIN_LISTED, NOTIFY, register, seeded_secrets, start_stack

from bot.slack.testing import LocalStack


@pytest.fixture
def make_stack(tmp_path: Path, pytestconfig: pytest.Config) -> Iterator[Callable[..., LocalStack]]:
    started: list[LocalStack] = []
    for secret in seeded_secrets():
        register(pytestconfig, secret)

    def make(**kwargs: Any) -> LocalStack:
        stack = start_stack(tmp_path / f"s{len(started)}", **kwargs)
        started.append(stack)
        stack.slack.add_user(ADMIN_LISTED, name="lee", real_name="Lee Listed")
        stack.slack.add_channel(NOTIFY, "audit", member=True)
        for secret in (
            stack.sandbox.app_password,
            stack.slack.bot_token,
            stack.slack.signing_secret,
        ):
            register(pytestconfig, secret)
        return stack

    yield make
    for stack in started:
        stack.stop()


@pytest.fixture
def stack(make_stack: Callable[..., LocalStack]) -> LocalStack:
    return make_stack(booking_notify_channel=NOTIFY)
