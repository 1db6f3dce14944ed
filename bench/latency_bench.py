"""Ack latency, views.open delay and memory of the bot, against a bare ack-only Bolt app.

    python -m bench.latency_bench [--quick] [--repeats N] [--no-pin]

Four kinds of process, all on 127.0.0.1: the bot (`python -m bot`, as deployed), a bare
Bolt app that only acks `/book` (same server stack, same Bolt settings, same signature
check), the load generator (bench.load_client), and this process, which runs the sandbox
site and the Slack stand-in and records every views.open the stand-in receives.

The load is N concurrent signed `/book` slash commands (the modal path: views.open, then
the site) while the site takes 2 s per call. The whole set of levels is repeated; each
repeat gives a bot/bare ratio per level and the median ratio is the one judged.

Targets (DESIGN.md, speed notes):
  1. p99 ack at 50 concurrent commands within 1.5x the bare app's;
  2. views.open under 100 ms after the command even when the site takes 10 s;
  3. no expired_trigger_id at 100 concurrent commands.
Results go to stdout and bench/RESULTS.md; the exit code is 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import socket
import statistics
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

from bench.load_client import LoadClient, Prepared, Sample  # noqa: E402
from bot.localslack import SyncSlackRequester, start_local_slack  # noqa: E402
from bot.localslack import api as slack_api  # noqa: E402
from bot.localslack.model import SlackError  # noqa: E402
from bot.sandbox import start_sandbox  # noqa: E402

LEVELS = (1, 10, 50, 100)
SITE_SLOW = 2.0
SITE_VERY_SLOW = 10.0
#: after a burst to the bot, wait this long so its follow-up work (views.open, one site
#: call of SITE_SLOW, views.update) has ended before the next burst
SETTLE = SITE_SLOW + 0.5
RESULTS = Path(__file__).with_name("RESULTS.md")
#: how the bot is started (an experiment may point this at a patched entry point)
BOT_ARGS = ["-m", "bot"]


# -- the bare app (run in its own process: `--bare-app`) -----------------------------------


def bare_app_main(port: int) -> None:
    """An app that only acks `/book`, served and configured like the bot.

    Same server (BotASGI + uvicorn), same signature check, and the same
    `process_before_response=True` the bot uses, so the ratio is the bot's own cost."""
    import uvicorn
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.run import BotASGI

    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
    )

    @app.command("/book")
    async def book(ack: Any) -> None:
        await ack()

    config = uvicorn.Config(BotASGI(app), host="127.0.0.1", port=port, lifespan="off")
    asyncio.run(uvicorn.Server(config).serve())


# -- which CPUs each process may use -------------------------------------------------------


@dataclass(frozen=True)
class CpuPlan:
    """The app under test never shares a CPU with the stand-in and the sandbox.

    Only the bot makes Web API and site calls, so whatever serves them must not take CPU
    from the app or the load generator, or the bare app (which makes no calls) would be
    measured on a quieter machine."""

    app: set[int]
    load: set[int]
    world: set[int]

    def describe(self) -> str:
        if not self.app:
            return "not pinned"

        def cpus(s: set[int]) -> str:
            return ",".join(map(str, sorted(s)))

        return (
            f"apps on CPU {cpus(self.app)}, load generator on {cpus(self.load)}, "
            f"stand-in and sandbox on {cpus(self.world)}"
        )


def cpu_plan(pin: bool) -> CpuPlan:
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not pin or len(cpus) < 2:
        return CpuPlan(set(), set(), set())
    if len(cpus) == 2:  # the load generator's cost is the same for both apps
        return CpuPlan({cpus[0]}, {cpus[0]}, {cpus[1]})
    return CpuPlan({cpus[0]}, {cpus[1]}, set(cpus[2:]))


# -- recording what the stand-in receives, with times --------------------------------------


@dataclass
class OpenRecord:
    at: float  # time.monotonic() when views.open reached the stand-in
    trigger_id: str
    error: str | None


@dataclass
class Recorder:
    opens: dict[str, OpenRecord] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> None:
        """Wrap the stand-in's views.open handler (this process) to timestamp each call."""
        original = slack_api.METHODS["views.open"]

        def timed(s: Any, params: dict[str, Any]) -> dict[str, Any]:
            at = time.monotonic()
            error = None
            try:
                return original(s, params)
            except SlackError as exc:
                error = exc.error
                raise
            finally:
                trigger_id = str(params.get("trigger_id"))
                with self.lock:
                    self.opens.setdefault(trigger_id, OpenRecord(at, trigger_id, error))

        slack_api.METHODS["views.open"] = timed

    def get(self, trigger_id: str) -> OpenRecord | None:
        with self.lock:
            return self.opens.get(trigger_id)


# -- signed commands, prepared here, sent by the load generator ----------------------------


class CommandMaker:
    """Signed `/book` commands with trigger ids the stand-in issues at preparation time.

    A trigger's 3 s start when it is issued, a few ms before the load generator sends the
    command, so the expiry check is, if anything, stricter than Slack's."""

    def __init__(self, slack: Any) -> None:
        self._captured: list[tuple[dict[str, str], str]] = []
        self._requester = SyncSlackRequester("http://bench.invalid/slack/events", slack)
        self._requester.client.close()
        self._requester.client = httpx.Client(transport=httpx.MockTransport(self._capture))

    def _capture(self, request: httpx.Request) -> httpx.Response:
        wanted = ("content-type", "user-agent", "x-slack-")
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith(wanted)}
        self._captured.append((headers, request.content.decode()))
        return httpx.Response(200, text="")

    def book(self, n: int) -> list[Prepared]:
        prepared = []
        for _ in range(n):
            sent = self._requester.command("/book", "")
            headers, body = self._captured.pop()
            prepared.append(Prepared(headers, body, str(sent.trigger_id)))
        return prepared


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

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def rss_peak_kb(self) -> int:
        return _status_kb(self.popen.pid, "VmHWM")


def _status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


@contextlib.contextmanager
def spawn(
    name: str, args: list[str], env: dict[str, str], port: int, log: Path, cpus: set[int]
) -> Iterator[Proc]:
    with open(log, "ab") as out:
        popen = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    if cpus:
        os.sched_setaffinity(popen.pid, cpus)
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


@dataclass
class Bench:
    """What one measurement needs: the load generator, the command maker, the recorder."""

    load: LoadClient
    maker: CommandMaker
    rec: Recorder

    def acks(self, proc: Proc, n: int, rounds: int, pause: float) -> tuple[AckStats, list[str]]:
        """`rounds` bursts of `n` commands; the stats and the trigger ids sent."""
        self.load.burst(proc.events_url, self.maker.book(min(n, 5)))  # warm connections
        time.sleep(pause)
        samples: list[Sample] = []
        triggers: list[str] = []
        for _ in range(rounds):
            commands = self.maker.book(n)
            samples += self.load.burst(proc.events_url, commands)
            triggers += [c.trigger_id for c in commands]
            time.sleep(pause)
        errors = sum(1 for s in samples if s.status != 200)
        return AckStats(n, [s.seconds for s in samples], errors), triggers

    def open_delays(self, proc: Proc, count: int) -> list[float]:
        """Seconds from sending `/book` to its views.open reaching the stand-in (inf: never)."""
        delays = []
        for _ in range(count):
            (command,) = self.maker.book(1)
            (sample,) = self.load.burst(proc.events_url, [command])
            deadline = time.monotonic() + 5
            while (record := self.rec.get(command.trigger_id)) is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.002)
            delays.append(record.at - sample.sent_at if record else float("inf"))
            time.sleep(0.05)
        return delays


# -- the run ----------------------------------------------------------------------------------


@dataclass
class Results:
    repeats: int
    cpus: str
    #: (repeat, app name, N) -> stats
    acks: dict[tuple[int, str, int], AckStats] = field(default_factory=dict)
    open_delays: list[float] = field(default_factory=list)
    sent_at_100: int = 0
    opened_at_100: int = 0
    expired_at_100: int = 0
    rss_peak_mb: dict[str, float] = field(default_factory=dict)

    def ratios(self, n: int, q: float) -> list[float]:
        return [
            self.acks[(r, "bot", n)].p(q) / self.acks[(r, "bare", n)].p(q)
            for r in range(self.repeats)
        ]

    def median_p(self, name: str, n: int, q: float) -> float:
        return statistics.median(self.acks[(r, name, n)].p(q) for r in range(self.repeats))

    def errors(self, n: int) -> int:
        return sum(
            self.acks[(r, name, n)].errors for r in range(self.repeats) for name in ("bare", "bot")
        )


def run(quick: bool, repeats: int, pin: bool) -> Results:
    plan = cpu_plan(pin)
    if plan.world:  # this process (and the threads it starts next): sandbox and stand-in
        os.sched_setaffinity(0, plan.world)
    results = Results(repeats, plan.describe())
    rec = Recorder()
    rec.install()
    triggers_at_100: list[str] = []
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
            bare_args = ["-m", "bench.latency_bench", "--bare-app", str(bare_port)]
            with (
                spawn(
                    "bot", BOT_ARGS, {**env, "PORT": str(bot_port)}, bot_port, log, plan.app
                ) as bot,
                spawn("bare", bare_args, env, bare_port, log, plan.app) as bare,
                LoadClient(plan.load) as load,
            ):
                bench = Bench(load, CommandMaker(slack), rec)
                sandbox.set_faults(latency=SITE_SLOW)
                for r in range(repeats):
                    order = (bare, bot) if r % 2 == 0 else (bot, bare)
                    for n in LEVELS:
                        rounds = max(2 if quick else 4, (40 if quick else 100) // n)
                        for proc in order:
                            pause = SETTLE if proc is bot and n > 1 else 0.05
                            stats, sent = bench.acks(proc, n, rounds, pause)
                            results.acks[(r, proc.name, n)] = stats
                            if proc is bot:
                                time.sleep(SETTLE)  # the last burst's follow-up work
                                if n == 100:
                                    triggers_at_100 += sent
                        bare_s, bot_s = results.acks[(r, "bare", n)], results.acks[(r, "bot", n)]
                        print(
                            f"  repeat {r + 1}/{repeats} N={n:<3} p99 bare {bare_s.p(99):7.2f} ms"
                            f"  bot {bot_s.p(99):7.2f} ms  ratio {bot_s.p(99) / bare_s.p(99):.2f}x"
                            f" ({len(bot_s.samples)} samples each)",
                            flush=True,
                        )
                sandbox.set_faults(latency=SITE_VERY_SLOW)
                results.open_delays = bench.open_delays(bot, 10 if quick else 30)
                sandbox.clear_faults()
                opened = [o for t in triggers_at_100 if (o := rec.get(t)) is not None]
                results.sent_at_100 = len(triggers_at_100)
                results.opened_at_100 = len(opened)
                results.expired_at_100 = sum(1 for o in opened if o.error == "expired_trigger_id")
                results.rss_peak_mb = {
                    "bot": bot.rss_peak_kb() / 1024,
                    "bare": bare.rss_peak_kb() / 1024,
                }
        finally:
            sandbox.clear_faults()
            slack.stop()
            sandbox.stop()
    return results


# -- the report -------------------------------------------------------------------------------


def verdicts(res: Results) -> list[tuple[bool, str]]:
    ratio = statistics.median(res.ratios(50, 99))
    worst = max(res.open_delays) * 1000
    return [
        (
            ratio <= 1.5,
            f"p99 ack at 50 concurrent: median {ratio:.2f}x the bare app over "
            f"{res.repeats} repeats (target <= 1.5x)",
        ),
        (
            worst < 100,
            f"views.open {worst:.1f} ms after the command at worst, site taking "
            f"{SITE_VERY_SLOW:g} s (target < 100 ms)",
        ),
        (
            res.expired_at_100 == 0 and res.opened_at_100 == res.sent_at_100 > 0,
            f"100 concurrent: {res.expired_at_100} expired triggers, "
            f"{res.opened_at_100} of {res.sent_at_100} commands opened a modal (target 0 expired, "
            "every command opens)",
        ),
    ]


def report(res: Results) -> str:
    lines = [
        "# Latency benchmark: last results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} CPUs ({res.cpus}), Python {platform.python_version()}. "
        f"`/book` slash commands, the site answering in {SITE_SLOW:g} s per call; "
        f"{res.repeats} repeats of every level.",
        "",
        "Milliseconds are medians over the repeats of each repeat's percentile; ratios are "
        "the median of the per-repeat ratios, with their range.",
        "",
        "| N | bare p50 | bare p99 | bot p50 | bot p99 | p50 ratio | p99 ratio | p99 ratio range "
        "| errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in LEVELS:
        p99s = res.ratios(n, 99)
        lines.append(
            f"| {n} | {res.median_p('bare', n, 50):.2f} | {res.median_p('bare', n, 99):.2f} "
            f"| {res.median_p('bot', n, 50):.2f} | {res.median_p('bot', n, 99):.2f} "
            f"| {statistics.median(res.ratios(n, 50)):.2f}x | {statistics.median(p99s):.2f}x "
            f"| {min(p99s):.2f}x - {max(p99s):.2f}x | {res.errors(n)} |"
        )
    delays = [d * 1000 for d in res.open_delays]
    lines += [
        "",
        "p99 ratio at 50 concurrent, per repeat: "
        + ", ".join(f"{x:.2f}x" for x in res.ratios(50, 99))
        + ".",
        "",
        f"`/book` -> views.open with the site taking {SITE_VERY_SLOW:g} s: "
        f"p50 {pct(delays, 50):.1f} ms, p95 {pct(delays, 95):.1f} ms, "
        f"max {max(delays):.1f} ms ({len(delays)} commands, one at a time).",
        "",
        f"Peak RSS (VmHWM): bot {res.rss_peak_mb['bot']:.1f} MB, "
        f"bare app {res.rss_peak_mb['bare']:.1f} MB.",
        "",
        "## Verdicts",
        "",
    ]
    lines += [f"- {'PASS' if ok else 'FAIL'}: {text}" for ok, text in verdicts(res)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.latency_bench")
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke run)")
    parser.add_argument("--repeats", type=int, help="repeats of every level (5; quick: 3)")
    parser.add_argument(
        "--no-pin", action="store_true", help="do not give the apps a CPU of their own"
    )
    parser.add_argument("--bare-app", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.bare_app:
        bare_app_main(args.bare_app)
        return 0
    repeats = args.repeats or (3 if args.quick else 5)
    print("latency bench: starting the sandbox, the stand-in, the bot and a bare app", flush=True)
    res = run(args.quick, repeats, pin=not args.no_pin)
    text = report(res)
    print(text)
    RESULTS.write_text(text)
    return 0 if all(ok for ok, _ in verdicts(res)) else 1


if __name__ == "__main__":
    sys.exit(main())
