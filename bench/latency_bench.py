"""Ack latency, views.open delay and memory of the bot, against a bare ack-only Bolt app.

    python -m bench.latency_bench [--quick]

Both apps run as their own processes with the same server stack (uvicorn + Bolt's ASGI
adapter, via bot.slack.run.BotASGI) and the same request signing; the sandbox site and
the Slack stand-in run in this process. The load is N concurrent signed `/book` slash
commands (the modal path: views.open, then the site) while the site takes 2 s per call.

Targets (DESIGN.md, speed notes):
  1. p99 ack at 50 concurrent commands within 1.5x the bare app's;
  2. views.open under 100 ms after the command even when the site takes 10 s;
  3. no expired_trigger_id at 100 concurrent commands.
Results go to stdout and bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.localslack import SlackRequester, start_local_slack  # noqa: E402
from bot.localslack import api as slack_api  # noqa: E402
from bot.localslack.model import SlackError  # noqa: E402
from bot.sandbox import start_sandbox  # noqa: E402

LEVELS = (1, 10, 50, 100)
SITE_SLOW = 2.0
SITE_VERY_SLOW = 10.0
RESULTS = Path(__file__).with_name("RESULTS.md")
#: how the bot is started (an experiment may point this at a patched entry point)
BOT_ARGS = ["-m", "bot"]


# -- the bare app (run in its own process: `--bare-app`) -----------------------------------


def bare_app_main(port: int) -> None:
    """An app that only acks `/book`, served exactly like the bot (BotASGI + uvicorn)."""
    import uvicorn
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.run import BotASGI

    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.command("/book")
    async def book(ack: Any) -> None:
        await ack()

    config = uvicorn.Config(BotASGI(app), host="127.0.0.1", port=port, lifespan="off")
    asyncio.run(uvicorn.Server(config).serve())


# -- recording what the stand-in receives, with times --------------------------------------


@dataclass
class OpenRecord:
    at: float  # time.perf_counter() when views.open reached the stand-in
    trigger_id: str
    error: str | None


@dataclass
class Recorder:
    opens: list[OpenRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> None:
        """Wrap the stand-in's views.open handler (this process) to timestamp each call."""
        original = slack_api.METHODS["views.open"]

        def timed(s: Any, params: dict[str, Any]) -> dict[str, Any]:
            at = time.perf_counter()
            error = None
            try:
                return original(s, params)
            except SlackError as exc:
                error = exc.error
                raise
            finally:
                with self.lock:
                    self.opens.append(OpenRecord(at, str(params.get("trigger_id")), error))

        slack_api.METHODS["views.open"] = timed

    def since(self, start: int) -> list[OpenRecord]:
        with self.lock:
            return list(self.opens[start:])

    def count(self) -> int:
        with self.lock:
            return len(self.opens)


# -- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    url: str

    def rss_peak_kb(self) -> int:
        return _status_kb(self.popen.pid, "VmHWM")

    def rss_kb(self) -> int:
        return _status_kb(self.popen.pid, "VmRSS")


def _status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


@contextlib.contextmanager
def spawn(name: str, args: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[Proc]:
    with open(log, "ab") as out:
        popen = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    proc = Proc(name, popen, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            if popen.poll() is not None:
                raise RuntimeError(f"{name} exited with {popen.returncode}; see {log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{proc.url}/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start; see {log}")
            time.sleep(0.1)
        yield proc
    finally:
        popen.terminate()
        try:
            popen.wait(10)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()


# -- measuring --------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class AckStats:
    n: int
    samples: list[float]
    errors: int

    def p(self, q: float) -> float:
        return pct(self.samples, q) * 1000


async def ack_round(requester: SlackRequester, n: int) -> tuple[list[float], int]:
    async def one() -> tuple[float, bool]:
        start = time.perf_counter()
        resp = await requester.command("/book", "")
        return time.perf_counter() - start, resp.status == 200

    results = await asyncio.gather(*(one() for _ in range(n)))
    return [r[0] for r in results], sum(1 for r in results if not r[1])


async def measure_acks(url: str, slack: Any, n: int, rounds: int, pause: float) -> AckStats:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        requester = SlackRequester(f"{url}/slack/events", slack, client=client)
        await ack_round(requester, min(n, 5))  # warm connections and the app
        samples: list[float] = []
        errors = 0
        for _ in range(rounds):
            got, bad = await ack_round(requester, n)
            samples += got
            errors += bad
            await asyncio.sleep(pause)
    return AckStats(n, samples, errors)


async def measure_open_delay(url: str, slack: Any, rec: Recorder, count: int) -> list[float]:
    """Seconds from sending `/book` to its views.open reaching the stand-in."""
    delays = []
    async with httpx.AsyncClient(timeout=60) as client:
        requester = SlackRequester(f"{url}/slack/events", slack, client=client)
        for _ in range(count):
            before = rec.count()
            start = time.perf_counter()
            resp = await requester.command("/book", "")
            deadline = time.perf_counter() + 5
            while time.perf_counter() < deadline:
                mine = [r for r in rec.since(before) if r.trigger_id == resp.trigger_id]
                if mine:
                    delays.append(mine[0].at - start)
                    break
                await asyncio.sleep(0.002)
            else:
                delays.append(float("inf"))
            await asyncio.sleep(0.05)
    return delays


# -- the run ----------------------------------------------------------------------------------


@dataclass
class Results:
    acks: dict[tuple[str, int], AckStats] = field(default_factory=dict)
    open_delays: list[float] = field(default_factory=list)
    expired_at_100: int = 0
    opens_at_100: int = 0
    rss_peak_mb: dict[str, float] = field(default_factory=dict)


def run(quick: bool) -> Results:
    results = Results()
    rec = Recorder()
    rec.install()
    with tempfile.TemporaryDirectory(prefix="latency-bench-") as tmp:
        work = Path(tmp)
        log = work / "processes.log"
        sandbox = start_sandbox(str(work / "site.sqlite3"))
        slack = start_local_slack()
        try:
            env = {
                **os.environ,
                "SLACK_BOT_TOKEN": slack.bot_token,
                "SLACK_SIGNING_SECRET": slack.signing_secret,
                "SLACK_API_URL": slack.api_url,
                "FLUENTBOOKING_URL": sandbox.url,
                "FLUENTBOOKING_USERNAME": sandbox.username,
                "FLUENTBOOKING_APP_PASSWORD": sandbox.app_password,
                "DATABASE_URL": f"sqlite:///{work / 'bot.sqlite3'}",
                "PYTHONUNBUFFERED": "1",
            }
            bot_port, bare_port = free_port(), free_port()
            with (
                spawn("bot", BOT_ARGS, {**env, "PORT": str(bot_port)}, bot_port, log) as bot,
                spawn(
                    "bare",
                    ["-m", "bench.latency_bench", "--bare-app", str(bare_port)],
                    env,
                    bare_port,
                    log,
                ) as bare,
            ):
                sandbox.set_faults(latency=SITE_SLOW)
                for n in LEVELS:
                    rounds = max(2 if quick else 4, (40 if quick else 200) // n)
                    for proc in (bare, bot):
                        before = rec.count()
                        # let a burst's background work end before the next burst
                        pause = 0.05 if proc is bare or n == 1 else SITE_SLOW + 0.5
                        stats = asyncio.run(measure_acks(proc.url, slack, n, rounds, pause))
                        results.acks[(proc.name, n)] = stats
                        print(
                            f"  {proc.name:>4} N={n:<3} p50={stats.p(50):7.2f} ms "
                            f"p99={stats.p(99):7.2f} ms ({len(stats.samples)} samples)",
                            flush=True,
                        )
                        if proc is bot and n == 100:
                            time.sleep(SITE_SLOW * 3)  # let the last round's views.open land
                            opened = rec.since(before)
                            results.opens_at_100 = len(opened)
                            results.expired_at_100 = sum(
                                1 for r in opened if r.error == "expired_trigger_id"
                            )
                sandbox.set_faults(latency=SITE_VERY_SLOW)
                results.open_delays = asyncio.run(
                    measure_open_delay(bot.url, slack, rec, 10 if quick else 30)
                )
                sandbox.clear_faults()
                results.rss_peak_mb = {
                    "bot": bot.rss_peak_kb() / 1024,
                    "bare": bare.rss_peak_kb() / 1024,
                }
        finally:
            sandbox.clear_faults()
            slack.stop()
            sandbox.stop()
    return results


def report(res: Results) -> str:
    lines = [
        "# Latency benchmark: last results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}. "
        f"`/book` slash commands, the site answering in {SITE_SLOW:g} s per call.",
        "",
        "| N concurrent | bare p50 ms | bare p95 | bare p99 | bot p50 ms | bot p95 | bot p99 "
        "| p50 ratio | p99 ratio | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in LEVELS:
        bare, bot = res.acks[("bare", n)], res.acks[("bot", n)]
        lines.append(
            f"| {n} | {bare.p(50):.2f} | {bare.p(95):.2f} | {bare.p(99):.2f} "
            f"| {bot.p(50):.2f} | {bot.p(95):.2f} | {bot.p(99):.2f} "
            f"| {bot.p(50) / bare.p(50):.2f}x | {bot.p(99) / bare.p(99):.2f}x "
            f"| {bot.errors + bare.errors} |"
        )
    delays = [d * 1000 for d in res.open_delays]
    lines += [
        "",
        f"`/book` -> views.open with the site taking {SITE_VERY_SLOW:g} s: "
        f"p50 {pct(delays, 50):.1f} ms, p95 {pct(delays, 95):.1f} ms, "
        f"max {max(delays):.1f} ms ({len(delays)} commands).",
        "",
        f"views.open at 100 concurrent: {res.opens_at_100} calls, "
        f"{res.expired_at_100} expired_trigger_id.",
        "",
        f"Peak RSS (VmHWM): bot {res.rss_peak_mb['bot']:.1f} MB, "
        f"bare app {res.rss_peak_mb['bare']:.1f} MB.",
        "",
        "## Verdicts",
        "",
    ]
    ratio = res.acks[("bot", 50)].p(99) / res.acks[("bare", 50)].p(99)
    verdicts = [
        (ratio <= 1.5, f"p99 ack at 50 concurrent is {ratio:.2f}x the bare app (target <= 1.5x)"),
        (
            max(delays) < 100,
            f"views.open {max(delays):.1f} ms after the command at worst (target < 100 ms, "
            f"site {SITE_VERY_SLOW:g} s)",
        ),
        (
            res.expired_at_100 == 0 and res.opens_at_100 > 0,
            f"{res.expired_at_100} expired triggers in {res.opens_at_100} views.open "
            "at 100 concurrent (target 0)",
        ),
    ]
    lines += [f"- {'PASS' if ok else 'FAIL'}: {text}" for ok, text in verdicts]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.latency_bench")
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke run)")
    parser.add_argument("--bare-app", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.bare_app:
        bare_app_main(args.bare_app)
        return 0
    print("latency bench: starting the sandbox, the stand-in, the bot and a bare app", flush=True)
    text = report(run(args.quick))
    print(text)
    RESULTS.write_text(text)
    return 0 if "FAIL" not in text else 1


if __name__ == "__main__":
    sys.exit(main())
