"""A real `python -m bot` process against a sandbox site and the Slack stand-in."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.localslack import LocalSlack

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bot_env(slack: LocalSlack, sandbox: Any, workdir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "FLUENTBOOKING_", "BOOKING_", "LOG_"))
        and k != "DATABASE_URL"
    }
    env.update(
        PORT=str(free_port()),
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=slack.signing_secret,
        SLACK_API_URL=slack.api_url,
        FLUENTBOOKING_URL=sandbox.url,
        FLUENTBOOKING_USERNAME=sandbox.username,
        FLUENTBOOKING_APP_PASSWORD=sandbox.app_password,
        DATABASE_URL=f"sqlite:///{workdir / 'bot.sqlite3'}",
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class BotProcess:
    """`python -m bot [args]` with its output in a file."""

    port: int
    log_path: Path
    proc: subprocess.Popen[bytes]
    _log: Any = field(repr=False, default=None)

    @classmethod
    def start(cls, env: dict[str, str], workdir: Path, *args: str) -> BotProcess:
        log_path = workdir / f"bot-{env['PORT']}.log"
        log = log_path.open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return cls(int(env["PORT"]), log_path, proc, log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_up(self, path: str = "/healthz", timeout: float = 60.0) -> httpx.Response:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=5.0) as client:
            while True:
                try:
                    return client.get(self.url + path)
                except httpx.TransportError:
                    if self.proc.poll() is not None or time.monotonic() > deadline:
                        tail = self.output()[-3000:]
                        raise AssertionError(
                            f"bot did not come up ({self.proc.returncode}):\n{tail}"
                        ) from None
                    time.sleep(0.05)

    def terminate(self) -> None:
        self.proc.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 30.0) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            if self._log is not None:
                self._log.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self._log is not None:
            self._log.close()


async def wait_for(predicate: Callable[[], Any], what: str, seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
