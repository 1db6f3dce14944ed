"""Shared wiring for the Slack app tests: the whole stack on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.leaks import register_stack_secrets

from bot.demo.stack import LocalStack, start_local_stack


@pytest.fixture
def stack(tmp_path: Any) -> Iterator[LocalStack]:
    with start_local_stack(tmp_path) as running:
        register_stack_secrets(running)
        yield running


@pytest.fixture
def alice_hosts(tmp_path: Any) -> Iterator[LocalStack]:
    """The stack with U_ALICE as the host of calendar 1 (Alex Rivera's), by
    BOOKING_HOST_MAP: /bookings lists the meetings a member hosts."""
    from bot.team.identity import parse_host_map

    overrides = {"booking_host_map": parse_host_map("U_ALICE=1")}
    with start_local_stack(tmp_path, settings_overrides=overrides) as running:
        register_stack_secrets(running)
        yield running
