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
