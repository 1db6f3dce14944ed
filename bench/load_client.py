"""The latency benchmark's load generator, in a process of its own.

    python -m bench.load_client        (started by bench.latency_bench; not run by hand)

It sends ready-made signed requests and times them, so its clock is never held up by
the Slack stand-in or the sandbox (which serve the bot's Web API and site calls in the
benchmark's own process). One JSON line in on stdin per burst:

    {"url": "http://127.0.0.1:PORT/slack/events", "requests": [{"headers": {...}, "body": "..."}]}

one JSON line out on stdout: {"samples": [[sent_at, seconds, status], ...]}, in the order
of the requests. `sent_at` is `time.monotonic()`, the system-wide monotonic clock on Linux,
so the benchmark process can compare it with its own timestamps.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Prepared:
    """A signed request ready to send (built where the stand-in issued its trigger id)."""

    headers: dict[str, str]
    body: str
    trigger_id: str


@dataclass(frozen=True)
class Sample:
    sent_at: float  # time.monotonic() just before the request went out
    seconds: float  # until the app's full answer
    status: int


# -- the load generator process ------------------------------------------------------------


async def _send_all(client: httpx.AsyncClient, url: str, requests: list[dict[str, Any]]) -> Any:
    async def one(req: dict[str, Any]) -> list[float]:
        sent_at = time.monotonic()
        start = time.perf_counter()
        try:
            resp = await client.post(url, content=req["body"].encode(), headers=req["headers"])
            status = resp.status_code
        except httpx.HTTPError:
            status = 0
        return [sent_at, time.perf_counter() - start, status]

    return await asyncio.gather(*(one(r) for r in requests))


async def serve() -> None:
    """Answer bursts from stdin until it closes; connections are kept alive between bursts."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    loop = asyncio.get_running_loop()
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            job = json.loads(line)
            samples = await _send_all(client, job["url"], job["requests"])
            sys.stdout.write(json.dumps({"samples": samples}) + "\n")
            sys.stdout.flush()


# -- the benchmark's handle on it ------------------------------------------------------------


class LoadClient:
    """Starts the load generator process and sends it bursts (one at a time)."""

    def __init__(self, cpus: set[int] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.load_client"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if cpus:
            os.sched_setaffinity(self.proc.pid, cpus)

    def burst(self, url: str, requests: list[Prepared]) -> list[Sample]:
        """Send every request at once; returns when all have been answered."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        job = {"url": url, "requests": [{"headers": r.headers, "body": r.body} for r in requests]}
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the load client exited with {self.proc.wait()}")
        return [Sample(*s) for s in json.loads(line)["samples"]]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> LoadClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    asyncio.run(serve())
