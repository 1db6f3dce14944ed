"""`python -m bot` as a process: clear config errors, health check, signed Slack requests."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FLUENTBOOKING_"))}
    env.update(extra)
    return env


def test_missing_settings_are_named() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=ROOT, env=_env(), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_serves_health_and_slack_requests(stack: LocalStack, tmp_path: Any) -> None:
    port = _free_port()
    s = stack.settings
    env = _env(
        PORT=str(port),
        SLACK_BOT_TOKEN=s.slack_bot_token.value,
        SLACK_SIGNING_SECRET=s.slack_signing_secret.value,
        SLACK_API_URL=s.slack_api_url,
        FLUENTBOOKING_URL=s.fluentbooking_url,
        FLUENTBOOKING_USERNAME=s.fluentbooking_username,
        FLUENTBOOKING_APP_PASSWORD=s.fluentbooking_app_password.value,
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    )
    proc = subprocess.Popen(  # noqa: ASYNC220 (starting it does not block)
        [sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                try:
                    health = await client.get(f"{url}/healthz")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, "the bot exited"
                    await asyncio.sleep(0.05)
            assert health.status_code == 200 and health.json()["ok"] is True
        requester = type(stack.requester)(f"{url}/slack/events", stack.slack)
        resp = await requester.command("/bookings", "help", U_ALICE)
        assert resp.status == 200
        for _ in range(100):
            if stack.slack.ephemerals(U_ALICE):
                break
            await asyncio.sleep(0.05)
        assert "/bookings past" in str(stack.slack.ephemerals(U_ALICE)[-1])
        bad = await requester.variant(bad_signature=True).command("/bookings", "", U_ALICE)
        assert bad.status == 401
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    assert s.fluentbooking_app_password.value not in output
    assert s.slack_bot_token.value not in output
