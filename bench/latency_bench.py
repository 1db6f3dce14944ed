"""The modal as fast as the ack: the bot against a bare Bolt app, under steady load.

    python -m bench.latency_bench [--quick] [--rounds N] [--commands N] [--no-pin]

Four kinds of process, all on 127.0.0.1: the bot (`python -m bot`, as deployed), a bare
Bolt `AsyncApp` under uvicorn with Bolt's defaults that acks `/book` and opens a small
modal, the load generator (bench.load_client) and this process, which runs the sandbox
site and the Slack stand-in and records when each views.open arrives.

The load: `/book` with no text (the modal path) in a closed loop, each next command as
soon as the previous one is acked, with 1, 50 and 100 commands in flight, while the site
takes 2 s per call. Rounds alternate between the apps (A B B A ...), the same number for
each at every level; a number per app is the median over its rounds, and ratios are
bot / bare of those medians. Targets: issue 15 (see `verdicts`). Results go to stdout
and bench/RESULTS.md; the exit code is 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import math
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
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_client import TRIGGER_SLOT, LoadClient, Sample, trigger_sent_at  # noqa: E402
from bot.localslack import api as slack_api  # noqa: E402
from bot.localslack import start_local_slack  # noqa: E402
from bot.localslack.model import SlackError, Trigger  # noqa: E402
from bot.localslack.stand_in import DEMO_CHANNEL, U_ALICE  # noqa: E402
from bot.sandbox import start_sandbox  # noqa: E402

LEVELS = (1, 50, 100)
SITE_SLOW = 2.0
#: the longest a round's follow-up work (views.update of every modal) may take
FOLLOW_UP_LIMIT = 30.0
RESULTS = Path(__file__).with_name("RESULTS.md")
#: how the bot is started (an experiment may point this at a patched entry point)
BOT_ARGS = ["-m", "bot"]


# -- the bare app (run in its own process: `--bare-app PORT`) -------------------------------

SMALL_MODAL = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "Book a meeting"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Loading…"}}],
}


def bare_app_main(port: int) -> None:
    """Bolt's defaults: `AsyncApp(token, signing_secret)`, Bolt's own ASGI adapter under
    uvicorn; the listener acks, then opens a small modal. Only the access log is off
    (the bot writes none either) and the Web API URL points at the stand-in."""
    import uvicorn
    from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.command("/book")
    async def book(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=SMALL_MODAL)

    uvicorn.run(
        AsyncSlackRequestHandler(app),
        host="127.0.0.1",
        port=port,
        access_log=False,
        log_level="warning",
    )


# -- which CPUs each process may use -------------------------------------------------------


@dataclass(frozen=True)
class CpuPlan:
    """The app under test never shares a CPU with the stand-in and the sandbox.

    Only the bot makes site calls and more Web API calls, so whatever serves them must
    not take CPU from the app or the load generator."""

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
    error: str | None
    loading: bool = False  # opened with a loading view, to be filled in by views.update


@dataclass
class Recorder:
    """Replaces the stand-in's views.open / views.update handlers (this process).

    A load-generator trigger id carries the moment its command was sent; it is registered
    with the stand-in as issued then, so the stand-in's own 3 s check applies. The views
    themselves are not checked or kept: the tests check them."""

    opens: dict[str, OpenRecord] = field(default_factory=dict)
    updates: int = 0
    ids: Iterator[int] = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> None:

        def timed_open(s: Any, params: dict[str, Any]) -> dict[str, Any]:
            """Timestamped; the trigger checked by the stand-in (used once, 3 s); the view
            not checked (see counted_update: the bot's filled form would cost this
            process milliseconds per call and delay the calls queued behind it)."""
            at = time.monotonic()
            trigger_id = str(params.get("trigger_id"))
            sent_at = trigger_sent_at(trigger_id)
            if sent_at is not None:
                with s.lock:
                    if trigger_id not in s.triggers:
                        issued = s.now() - (at - sent_at)
                        s.triggers[trigger_id] = Trigger(issued, user_id=U_ALICE)
            error = None
            try:
                s.use_trigger(trigger_id)
                view_id = f"VBENCH{next(self.ids)}"
                return {"ok": True, "view": {"id": view_id, "hash": "bench"}}
            except SlackError as exc:
                error = exc.error
                raise
            finally:
                loading = "Loading events" in str(params.get("view"))
                with self.lock:
                    self.opens.setdefault(trigger_id, OpenRecord(at, error, loading))

        def counted_update(s: Any, params: dict[str, Any]) -> dict[str, Any]:
            """Counted and answered without the stand-in's checks of the view: they cost
            this process (the stand-in's) far more CPU than Slack's answer costs Slack,
            and would delay the timestamps of the views.open calls queued behind them.
            The tests check the form's views; the benchmark only needs the call."""
            with self.lock:
                self.updates += 1
            view_id = str(params.get("view_id") or "")
            return {"ok": True, "view": {"id": view_id, "hash": "bench"}}

        slack_api.METHODS["views.open"] = timed_open
        slack_api.METHODS["views.update"] = counted_update

    def get(self, trigger_id: str) -> OpenRecord | None:
        with self.lock:
            return self.opens.get(trigger_id)


def command_bodies(slack: Any, n: int) -> list[str]:
    """Form-encoded `/book` commands (no text), each with its own response URL; the
    load generator puts in the trigger id and signs each as it sends it."""
    bodies = []
    for _ in range(n):
        fields = {
            "token": slack.verification_token,
            "team_id": slack.team_id,
            "team_domain": slack.team_domain,
            "channel_id": DEMO_CHANNEL,
            "channel_name": "general",
            "user_id": U_ALICE,
            "user_name": "alice",
            "command": "/book",
            "text": "",
            "api_app_id": slack.app_id,
            "is_enterprise_install": "false",
            "response_url": slack.new_response_url(DEMO_CHANNEL, U_ALICE),
        }
        bodies.append(urlencode(fields) + "&trigger_id=" + TRIGGER_SLOT)
    return bodies


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
    ready_seconds: float
    updates_modal: bool  # the bot fills each modal in with one views.update

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def rss_peak_mb(self) -> float:
        return _status_kb(self.popen.pid, "VmHWM") / 1024

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far."""
        fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


@contextlib.contextmanager
def spawn(name: str, env: dict[str, str], log: Path, cpus: set[int]) -> Iterator[Proc]:
    """Start an app; ready = the first 200 from GET /readyz (the bot) or the first answer
    to any request (the bare app has no /readyz), polled every 5 ms from the start."""
    port = free_port()
    if name == "bot":
        args, env = BOT_ARGS, {**env, "PORT": str(port)}
    else:
        args = ["-m", "bench.latency_bench", "--bare-app", str(port)]
    with open(log, "ab") as out:
        started = time.monotonic()
        popen = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    if cpus:
        os.sched_setaffinity(popen.pid, cpus)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = started + 60
        with httpx.Client(timeout=5) as probe:
            while True:
                if popen.poll() is not None:
                    raise RuntimeError(f"{name} exited with {popen.returncode}; see {log}")
                with contextlib.suppress(httpx.HTTPError):
                    status = probe.get(f"{url}/readyz").status_code
                    if status == 200 or name != "bot":
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start; see {log}")
                time.sleep(0.005)
        ready = time.monotonic() - started
        yield Proc(name, popen, url, ready, updates_modal=name == "bot")
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
class Round:
    """One round of commands to one app at one level."""

    acks: list[float]  # seconds
    opens: list[float]  # seconds from sending the command to its views.open (inf: never)
    expired: int
    errors: int  # answers other than HTTP 200
    cpu_per_command: float  # seconds

    def ack(self, q: float) -> float:
        return pct(self.acks, q) * 1000

    def open(self, q: float) -> float:
        return pct(self.opens, q) * 1000


@dataclass
class Bench:
    load: LoadClient
    slack: Any
    rec: Recorder

    def round(self, proc: Proc, n: int, count: int) -> Round:
        """`count` commands, `n` in flight; waits for the follow-up work before the CPU."""
        bodies = command_bodies(self.slack, count)
        updates_before = self.rec.updates
        cpu_before = proc.cpu_seconds()
        warm = f"{proc.url}/healthz"
        samples = self.load.run(proc.events_url, self.slack.signing_secret, bodies, n, warm)
        opened = self._wait_follow_up(proc, samples, updates_before)
        cpu = proc.cpu_seconds() - cpu_before
        opens, expired = [], 0
        for s in samples:
            record = opened.get(s.trigger_id)
            if record is None or record.error is not None:
                opens.append(float("inf"))
                expired += record is not None and record.error == "expired_trigger_id"
            else:
                opens.append(record.at - s.sent_at)
        return Round(
            acks=[s.seconds for s in samples],
            opens=opens,
            expired=expired,
            errors=sum(1 for s in samples if s.status != 200),
            cpu_per_command=cpu / count,
        )

    def _wait_follow_up(
        self, proc: Proc, samples: list[Sample], updates_before: int
    ) -> dict[str, OpenRecord]:
        """Every views.open arrived and, for the bot, every loading modal filled in."""
        deadline = time.monotonic() + FOLLOW_UP_LIMIT
        while True:
            records = {s.trigger_id: r for s in samples if (r := self.rec.get(s.trigger_id))}
            loading = sum(1 for r in records.values() if r.error is None and r.loading)
            done = len(records) == len(samples)
            if done and proc.updates_modal:
                done = self.rec.updates - updates_before >= loading
            if done or time.monotonic() > deadline:
                time.sleep(0.2)  # the last answers' own CPU
                return records
            time.sleep(0.02)


# -- the run ----------------------------------------------------------------------------------

APPS = ("bare", "bot")


@dataclass
class Results:
    rounds: int
    commands: int
    cpus: str
    load_before: str
    load_after: str = ""
    #: (app, N) -> its rounds
    by_level: dict[tuple[str, int], list[Round]] = field(default_factory=dict)
    ready: dict[str, list[float]] = field(default_factory=dict)
    rss_peak_mb: dict[str, float] = field(default_factory=dict)

    def med(self, app: str, n: int, what: str, q: float = 50) -> float:
        rounds = self.by_level[(app, n)]
        if what == "cpu":
            return statistics.median(r.cpu_per_command for r in rounds) * 1000
        return statistics.median(getattr(r, what)(q) for r in rounds)

    def ratio(self, n: int, what: str, q: float = 50) -> float:
        return _ratio(self.med("bot", n, what, q), self.med("bare", n, what, q))

    def total(self, app: str, n: int, what: str) -> int:
        return sum(int(getattr(r, what)) for r in self.by_level[(app, n)])

    def ready_s(self, app: str) -> float:
        return statistics.median(self.ready[app])


def _ratio(bot: float, bare: float) -> float:
    """bot / bare; a bot percentile that never came (a missing modal) is infinitely worse,
    a bare one that never came while the bot's did counts as 0."""
    if math.isinf(bot):
        return math.inf
    return 0.0 if math.isinf(bare) else bot / bare


def uptime() -> str:
    with contextlib.suppress(OSError):
        return "load average " + ", ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "load average unknown"


def compile_bytecode() -> None:
    """The bot's bytecode, as a deployed install has it (README, "A VM with systemd"):
    where PYTHONDONTWRITEBYTECODE is set, every start would otherwise compile the
    sources again. The bare app's code (Bolt, uvicorn) is compiled at pip install."""
    import compileall

    compileall.compile_dir(str(ROOT / "bot"), quiet=1)


def run(quick: bool, rounds: int, commands: int, pin: bool) -> Results:
    compile_bytecode()
    plan = cpu_plan(pin)
    if plan.world:  # this process (and the threads it starts next): sandbox and stand-in
        os.sched_setaffinity(0, plan.world)
    results = Results(rounds, commands, plan.describe(), uptime())
    rec = Recorder()
    rec.install()
    with tempfile.TemporaryDirectory(prefix="latency-bench-") as tmp:
        work = Path(tmp)
        log = work / "processes.log"
        sandbox = start_sandbox(str(work / "site.sqlite3"))
        slack = start_local_slack()
        # no call log: it deep-copies every call's params (a whole view), in the process
        # that timestamps the views.open calls queued behind it
        slack.record_call = lambda method, params: None  # type: ignore[method-assign]
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
            starts = 2 if quick else 4
            print(f"time to ready: {starts} starts of each app, alternating", flush=True)
            for i in range(starts):
                for name in APPS if i % 2 == 0 else APPS[::-1]:
                    with spawn(name, env, log, plan.app) as proc:
                        results.ready.setdefault(name, []).append(proc.ready_seconds)
            with (
                spawn("bot", env, log, plan.app) as bot,
                spawn("bare", env, log, plan.app) as bare,
                LoadClient(plan.load) as load,
            ):
                bench = Bench(load, slack, rec)
                sandbox.set_faults(latency=SITE_SLOW)
                for proc in (bare, bot):  # connections, caches, first imports
                    bench.round(proc, 5, 20)
                for n in LEVELS:
                    for r in range(rounds):
                        order = (bare, bot) if r % 2 == 0 else (bot, bare)
                        for proc in order:
                            one = bench.round(proc, n, commands)
                            results.by_level.setdefault((proc.name, n), []).append(one)
                            print(
                                f"  N={n:<3} round {r + 1}/{rounds} {proc.name:4}: ack p50 "
                                f"{one.ack(50):7.2f} p99 {one.ack(99):7.2f} ms; views.open p50 "
                                f"{one.open(50):7.2f} p99 {one.open(99):7.2f} ms; "
                                f"{one.cpu_per_command * 1000:.2f} ms CPU/command, "
                                f"{one.expired} expired, {one.errors} errors",
                                flush=True,
                            )
                results.rss_peak_mb = {"bot": bot.rss_peak_mb(), "bare": bare.rss_peak_mb()}
                results.ready["bot"].append(bot.ready_seconds)
                results.ready["bare"].append(bare.ready_seconds)
        finally:
            sandbox.clear_faults()
            slack.stop()
            sandbox.stop()
    results.load_after = uptime()
    return results


# -- the report -------------------------------------------------------------------------------


def verdicts(res: Results) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    r = res.ratio(1, "ack", 50)
    out.append((r <= 0.2, f"ack p50 at 1 in flight: {r:.2f}x the bare app's (target <= 0.2x)"))
    for n in LEVELS:
        r = res.ratio(n, "ack", 99)
        out.append((r <= 1.0, f"ack p99 at {n} in flight: {r:.2f}x (target <= 1.0x)"))
    gap = res.med("bot", 1, "open", 50) - res.med("bare", 1, "open", 50)
    out.append(
        (gap <= 5.0, f"views.open p50 at 1 in flight: {gap:+.1f} ms vs the bare app (<= +5 ms)")
    )
    for n in LEVELS[1:]:
        r = res.ratio(n, "open", 99)
        out.append((r <= 1.0, f"views.open p99 at {n} in flight: {r:.2f}x (target <= 1.0x)"))
    expired = sum(res.total("bot", n, "expired") for n in LEVELS)
    missing = sum(
        1 for n in LEVELS for r in res.by_level[("bot", n)] for o in r.opens if o == float("inf")
    )
    out.append(
        (
            expired == 0 and missing == 0,
            f"triggers: {expired} expired, {missing} commands without a modal (target 0)",
        )
    )
    for n in LEVELS:
        r = res.ratio(n, "cpu")
        out.append((r <= 1.2, f"CPU per command at {n} in flight: {r:.2f}x (target <= 1.2x)"))
    mem = res.rss_peak_mb["bot"] / res.rss_peak_mb["bare"]
    out.append((mem <= 1.3, f"peak memory: {mem:.2f}x (target <= 1.3x)"))
    ready = res.ready_s("bot")
    out.append((ready <= 1.0, f"ready {ready:.2f} s after start (target <= 1.0 s)"))
    return out


def report(res: Results) -> str:
    lines = [
        "# Latency benchmark: last results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} CPUs ({res.cpus}), Python {platform.python_version()}; "
        f"machine {res.load_before} at the start, {res.load_after} at the end. "
        f"`/book` with no text in a closed loop, the site answering in {SITE_SLOW:g} s per "
        f"call; {res.rounds} rounds of {res.commands} commands per app and level, "
        "alternating bot and bare app.",
        "",
        "Milliseconds are medians over the rounds of each round's percentile (CPU: of each "
        "round's CPU time / commands); ratios are bot / bare of those medians.",
        "",
        "| | " + " | ".join(f"{n} in flight" for n in LEVELS) + " |",
        "|---|" + "---|" * len(LEVELS),
    ]

    def row(label: str, what: str, q: float, unit: str = "ms") -> str:
        cells = []
        for n in LEVELS:
            bot, bare = res.med("bot", n, what, q), res.med("bare", n, what, q)
            cells.append(f"{bot:.1f} / {bare:.1f} {unit} ({_ratio(bot, bare):.2f}x)")
        return f"| {label} | " + " | ".join(cells) + " |"

    lines += [
        row("ack p50, bot / bare", "ack", 50),
        row("ack p99, bot / bare", "ack", 99),
        row("command → views.open p50", "open", 50),
        row("command → views.open p99", "open", 99),
        row("CPU per command", "cpu", 0),
        "| expired triggers, bot / bare | "
        + " | ".join(
            f"{res.total('bot', n, 'expired')} / {res.total('bare', n, 'expired')}" for n in LEVELS
        )
        + " |",
        "| errors (not HTTP 200), bot / bare | "
        + " | ".join(
            f"{res.total('bot', n, 'errors')} / {res.total('bare', n, 'errors')}" for n in LEVELS
        )
        + " |",
        "",
        f"Peak memory (VmHWM at the end): bot {res.rss_peak_mb['bot']:.1f} MB, bare app "
        f"{res.rss_peak_mb['bare']:.1f} MB "
        f"({res.rss_peak_mb['bot'] / res.rss_peak_mb['bare']:.2f}x).",
        "",
        f"Time to ready (start → first /readyz 200 for the bot, first answered request for "
        f"the bare app; the site answering at once), median of {len(res.ready['bot'])} "
        f"starts: bot {res.ready_s('bot'):.2f} s "
        f"({', '.join(f'{s:.2f}' for s in res.ready['bot'])}), bare app "
        f"{res.ready_s('bare'):.2f} s ({', '.join(f'{s:.2f}' for s in res.ready['bare'])}).",
        "",
        "## Verdicts (issue 15's targets)",
        "",
    ]
    lines += [f"- {'PASS' if ok else 'FAIL'}: {text}" for ok, text in verdicts(res)]
    lines += [
        "",
        "### Every round (in the order run within a level)",
        "",
        "| N | app | round | ack p50 | ack p99 | views.open p50 | views.open p99 "
        "| CPU/command | expired |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in LEVELS:
        for app in APPS:
            for i, r in enumerate(res.by_level[(app, n)], 1):
                lines.append(
                    f"| {n} | {app} | {i} | {r.ack(50):.1f} | {r.ack(99):.1f} | "
                    f"{r.open(50):.1f} | {r.open(99):.1f} | "
                    f"{r.cpu_per_command * 1000:.2f} ms | {r.expired} |"
                )
    return "\n".join(lines) + "\n"


def write_results(text: str) -> None:
    """Replace the latency part of RESULTS.md; other benchmarks' sections stay."""
    old = RESULTS.read_text() if RESULTS.exists() else ""
    rest = old.find("\n# ", 1)
    RESULTS.write_text(text + (old[rest:] if rest >= 0 else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.latency_bench")
    parser.add_argument("--quick", action="store_true", help="2 rounds of 100 (a smoke run)")
    parser.add_argument("--rounds", type=int, help="rounds per app and level (4; quick: 2)")
    parser.add_argument("--commands", type=int, help="commands per round (300; quick: 100)")
    parser.add_argument(
        "--no-pin", action="store_true", help="do not give the apps a CPU of their own"
    )
    parser.add_argument("--bare-app", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.bare_app:
        bare_app_main(args.bare_app)
        return 0
    rounds = args.rounds or (2 if args.quick else 4)
    commands = args.commands or (100 if args.quick else 300)
    print("latency bench: starting the sandbox, the stand-in, the bot and a bare app", flush=True)
    res = run(args.quick, rounds, commands, pin=not args.no_pin)
    text = report(res)
    print(text)
    write_results(text)
    return 0 if all(ok for ok, _ in verdicts(res)) else 1


if __name__ == "__main__":
    sys.exit(main())
