"""The latency benchmark's load generator, in a process of its own.

    python -m bench.load_client        (started by bench.latency_bench; not run by hand)

A closed loop: `concurrency` workers each send a signed `/book` command, wait for the
app's answer (the ack) and send the next one at once, with no pause, until `count`
commands have been sent. Each command is signed and given its `trigger_id` the moment
it leaves, so a trigger's 3 s start when Slack would start them (the stand-in reads the
send time back from the id: `bench.<monotonic ns>.<n>`).

One JSON line in on stdin per round:

    {"url": "...", "secret": "...", "bodies": ["...trigger_id=@TRIGGER@..."],
     "concurrency": N, "warm_url": "http://.../healthz"}

(with `warm_url`, N connections are opened with a GET there first, and kept).

one JSON line out on stdout: {"samples": [[sent_at, seconds, status, trigger_id], ...]}.
`sent_at` is `time.monotonic()`, the system-wide monotonic clock on Linux, so the
benchmark process can compare it with its own timestamps.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
#: where the trigger id goes in a command's form-encoded body
TRIGGER_SLOT = "@TRIGGER@"
TRIGGER_PREFIX = "bench."


@dataclass(frozen=True)
class Sample:
    sent_at: float  # time.monotonic() just before the request went out
    seconds: float  # until the app's full answer
    status: int
    trigger_id: str


def trigger_sent_at(trigger_id: str) -> float | None:
    """The monotonic send time a load-generator trigger id carries (None: not one)."""
    if not trigger_id.startswith(TRIGGER_PREFIX):
        return None
    return int(trigger_id.split(".")[1]) / 1e9


def signed_headers(secret: str, body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    mac = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": f"v0={mac}",
    }


# -- the load generator process ------------------------------------------------------------


async def closed_loop(
    session: aiohttp.ClientSession, url: str, secret: str, bodies: list[str], concurrency: int
) -> list[list[Any]]:
    samples: list[list[Any]] = [[] for _ in bodies]
    pending = iter(range(len(bodies)))

    async def worker() -> None:
        for i in pending:  # shared iterator: each worker takes the next command
            sent_at = time.monotonic()
            trigger_id = f"{TRIGGER_PREFIX}{time.monotonic_ns()}.{i}"
            body = bodies[i].replace(TRIGGER_SLOT, trigger_id)
            start = time.perf_counter()
            try:
                async with session.post(
                    url, data=body.encode(), headers=signed_headers(secret, body)
                ) as resp:
                    await resp.read()
                    status = resp.status
            except aiohttp.ClientError:
                status = 0
            samples[i] = [sent_at, time.perf_counter() - start, status, trigger_id]

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return samples


async def open_connections(session: aiohttp.ClientSession, url: str, count: int) -> None:
    """`count` kept-alive connections to the app (GET /healthz at once on each), so a
    round measures answering requests, not opening connections (Slack keeps them too)."""

    async def one() -> None:
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(url) as resp:
                await resp.read()

    await asyncio.gather(*(one() for _ in range(count)))


async def serve() -> None:
    """Answer rounds from stdin until it closes; connections are kept alive between rounds.

    aiohttp, not httpx: with 100 requests in flight httpx's own connection pool took
    milliseconds per request and answered the first requests of a round last, which the
    benchmark then measured as the apps' latency."""
    connector = aiohttp.TCPConnector(limit=200, keepalive_timeout=600)
    timeout = aiohttp.ClientTimeout(total=60)
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            job = json.loads(line)
            concurrency = int(job["concurrency"])
            if job.get("warm_url"):
                await open_connections(session, job["warm_url"], concurrency)
            samples = await closed_loop(
                session, job["url"], job["secret"], job["bodies"], concurrency
            )
            sys.stdout.write(json.dumps({"samples": samples}) + "\n")
            sys.stdout.flush()


# -- the benchmark's handle on it ------------------------------------------------------------


class LoadClient:
    """Starts the load generator process and sends it rounds (one at a time)."""

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

    def run(
        self, url: str, secret: str, bodies: list[str], concurrency: int, warm_url: str = ""
    ) -> list[Sample]:
        """Send every command in a closed loop; returns when all have been answered.
        `warm_url`: first open `concurrency` connections with a GET there."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        job = {
            "url": url,
            "secret": secret,
            "bodies": bodies,
            "concurrency": concurrency,
            "warm_url": warm_url,
        }
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
