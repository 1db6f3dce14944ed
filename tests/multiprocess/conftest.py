"""Shared wiring for the multi-process tests: one sandbox site and one Slack stand-in in
this process, bots as real `python -m bot` subprocesses sharing one PostgreSQL schema.

The tests are marked `postgres`: they fail clearly when the server on 127.0.0.1:5432 is
unreachable; SKIP_POSTGRES=1 skips them instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from mp_helpers import (
    BotProcess,
    Schema,
    World,
    drop_schema,
    new_schema_name,
    new_world,
    schema_url,
)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with new_world(tmp_path_factory) as made:
        yield made


@pytest.fixture
def schema(world: World) -> Iterator[Schema]:
    """A fresh schema (not created yet: the bots create it), dropped afterwards."""
    name = new_schema_name()
    try:
        yield Schema(name, schema_url(world.pg_url, name))
    finally:
        drop_schema(world.pg_url, name)


@pytest.fixture(scope="module")
def bot_pair(world: World) -> Iterator[tuple[BotProcess, BotProcess, Schema]]:
    """Two bots on one schema, kept for the whole module (starting one takes a second)."""
    name = new_schema_name()
    shared = Schema(name, schema_url(world.pg_url, name))
    bots: list[BotProcess] = []
    try:
        for label in ("bot-a", "bot-b"):
            bots.append(BotProcess.start(label, world.env(shared.url), world.workdir))
        for bot in bots:
            assert bot.healthz() == 200
        yield bots[0], bots[1], shared
    finally:
        outputs = [bot.stop() for bot in bots]
        drop_schema(world.pg_url, name)
        for out in outputs:
            assert_no_secrets(world, out)


def assert_no_secrets(world: World, output: str) -> None:
    for secret in (world.sandbox.app_password, world.slack.bot_token, world.slack.signing_secret):
        assert secret not in output, "a bot process printed a secret"


@pytest.fixture
def bot_output_check(world: World) -> Any:
    return lambda output: assert_no_secrets(world, output)
