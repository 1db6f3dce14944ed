"""Starting several bots: together on an empty database, with the store down, and `check`."""

from __future__ import annotations

import subprocess
import sys

import pytest
from mp_helpers import ROOT, BotProcess, Schema, World, free_port, schema_tables
from support.leaks import register_secret

pytestmark = pytest.mark.postgres

STORE_PASSWORD = "pw-Zq81-not-for-logs"


def down_url() -> str:
    """A PostgreSQL URL (the `postgres://` spelling) with a password, where nothing listens."""
    return f"postgres://bot:{STORE_PASSWORD}@127.0.0.1:{free_port()}/test"


def test_two_processes_start_together_on_an_empty_schema(
    world: World, schema: Schema, bot_output_check: object
) -> None:
    assert schema_tables(world.pg_url, schema.name) == set()
    bots = [BotProcess.start(f"fresh-{n}", world.env(schema.url), world.workdir) for n in (1, 2)]
    try:
        assert [bot.healthz() for bot in bots] == [200, 200]
        assert all(bot.proc.poll() is None for bot in bots)
    finally:
        outputs = [bot.stop() for bot in bots]
    for out in outputs:
        assert "Traceback" not in out, out
        bot_output_check(out)  # type: ignore[operator]
    tables = schema_tables(world.pg_url, schema.name)
    assert {"idempotency_keys", "kv_settings", "schema_version"} <= tables


def run_bot(world: World, args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = world.env(database_url)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_store_down_at_start_is_a_clear_error(world: World) -> None:
    register_secret(STORE_PASSWORD)
    proc = run_bot(world, [], down_url())
    assert proc.returncode != 0
    assert "DATABASE_URL" in proc.stderr
    assert "127.0.0.1" in proc.stderr  # where it tried
    assert STORE_PASSWORD not in proc.stderr + proc.stdout
    assert world.sandbox.app_password not in proc.stderr + proc.stdout


def test_store_down_at_start_shows_no_traceback(world: World) -> None:
    proc = run_bot(world, [], down_url())
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr, proc.stderr


def test_check_names_the_store_and_says_it_is_reachable(world: World, schema: Schema) -> None:
    proc = run_bot(world, ["check"], schema.url)
    lines = [line for line in proc.stdout.splitlines() if "State store" in line]
    assert lines == [
        f"✓ State store: PostgreSQL at 127.0.0.1:5432/test (schema {schema.name}), reachable"
    ], proc.stdout
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_says_when_the_store_is_unreachable(world: World) -> None:
    register_secret(STORE_PASSWORD)
    url = down_url()
    port = url.rsplit(":", 1)[1].split("/")[0]
    proc = run_bot(world, ["check"], url)
    assert proc.returncode == 1
    lines = [line for line in proc.stdout.splitlines() if "State store" in line]
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith(f"✗ State store: PostgreSQL at 127.0.0.1:{port}/test, unreachable")
    assert "DATABASE_URL" in lines[0]
    assert STORE_PASSWORD not in proc.stdout + proc.stderr
    # the rest of the configuration is fine: only the store is reported
    assert "✓ Slack bot token" in proc.stdout and "✓ Booking site" in proc.stdout
