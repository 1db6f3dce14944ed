"""Accuracy and speed of bot.dates, side by side with plain dateparser.

    python -m bench.dates_bench [--quick] [--accuracy] [--instructions]

--accuracy: skip the timings; --instructions: also count machine instructions per phrase
under valgrind (callgrind), which no other load on the machine changes (a few minutes).

Accuracy, on every set: the corpus (tests/data/dates.json) and the five held-out sets
(heldout: first unseen phrases; heldout2: Slack-style command lines written without
reading the parser; heldout3: issue 17's forms in five languages, written before its
fixes; heldout4: other wording of the same classes, written after the fixes and first
measured as it was committed; heldout5: the classes again in other zones and moments,
written before the speed work and first measured as committed). Each case is *right*
(the expected instant, zone and granularity, or a refusal where one is expected), *wrong*
(an answer that is not the expected one, or an answer where a refusal is expected: a
silent wrong answer) or *refused* (a refusal where an answer was expected). The
do-nothing baseline is plain
`dateparser.parse(text, settings={RELATIVE_BASE, TIMEZONE, RETURN_AS_TIMEZONE_AWARE})`
on the same cases (its instant must equal the expected start, and it must return
nothing where a refusal is expected).

Speed, over every phrase of every set, after one pass that warms every pattern and zone:
the warm median and p99 per phrase (wall clock: the target is a median <= 0.1 ms), and
two numbers a shared machine disturbs much less: the median over phrases of each
phrase's best round, and the median CPU time of the thread (time spent waiting for a CPU
is not counted). The same phrases are timed in the same rounds with the parser as it was
before issue 17 (read from git into a temporary package), one call of each in turn per
phrase, so both see the same load: their ratio is the cost of issue 17's rules,
whatever the load. Plain dateparser is timed the same way on every 8th phrase. The load
average is printed before and after. Cold = first call after import, in a fresh
interpreter; CLI wall time of `python -m bot parse-date` including interpreter start.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.dates import DateParseError, parse_when  # noqa: E402
from tests.dates.corpus import (  # noqa: E402
    HELDOUT,
    HELDOUT2,
    HELDOUT3,
    HELDOUT4,
    HELDOUT5,
    load,
    mismatch,
)

# The parser as it was before issue 17 (commit "Dates: a third held-out set ..."), the
# baseline the speed of issue 17's rules is measured against in the same run.
BEFORE_ISSUE_17 = "1c2485fbb8cd38d4321e093494774141a4d8c933"


class Crashed(Exception):
    """parse_when raised something other than DateParseError (a bug, counted apart)."""


def ours(case: dict[str, Any]) -> dict[str, Any] | None:
    try:
        now = datetime.fromisoformat(case["now"])
        return parse_when(case["text"], case["tz"], now).to_json()
    except DateParseError:
        return None
    except Exception as e:
        raise Crashed(f"{type(e).__name__}: {e}") from e


def accuracy(cases: list[dict[str, Any]]) -> tuple[dict[str, int], list[str]]:
    """({"right", "wrong", "refused"} counts, one line per case that is not right)."""
    counts = {"right": 0, "wrong": 0, "refused": 0, "crashed": 0}
    failures = []
    for case in cases:
        try:
            got = ours(case)
        except Crashed as e:
            counts["crashed"] += 1
            failures.append(f"  [crashed] {case['tz']} {case['now']} {case['text']!r}: {e}")
            continue
        problem = mismatch(case, got)
        if problem is None:
            counts["right"] += 1
            continue
        kind = "refused" if got is None else "wrong"
        counts[kind] += 1
        failures.append(f"  [{kind}] {case['tz']} {case['now']} {case['text']!r}: {problem}")
    return counts, failures


def baseline(cases: list[dict[str, Any]]) -> int:
    """Cases plain dateparser gets right (same instant, or None where we expect refusal)."""
    import dateparser

    ok = 0
    for case in cases:
        settings = {
            "RELATIVE_BASE": datetime.fromisoformat(case["now"]),
            "TIMEZONE": case["tz"],
            "RETURN_AS_TIMEZONE_AWARE": True,
        }
        try:
            got = dateparser.parse(case["text"], settings=settings)
        except Exception:
            got = None
        exp = case["expected"]
        if exp.get("error"):
            ok += got is None
        elif got is not None and got == datetime.fromisoformat(exp["start"]):
            ok += 1
    return ok


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


Caller = Callable[[dict[str, Any]], None]


def reader(module: ModuleType) -> Caller:
    """One phrase read by `module.parse_when` as the bot does, answer or refusal alike."""
    parse = module.parse_when

    def one(case: dict[str, Any]) -> None:
        now = datetime.fromisoformat(case["now"])
        try:  # noqa: SIM105 - cheaper than contextlib.suppress() in a timed call
            parse(case["text"], case["tz"], now).to_json()
        except Exception:  # refusals, and the old parser's crashes
            pass

    return one


def plain_dateparser() -> Caller:
    import dateparser

    def one(case: dict[str, Any]) -> None:
        settings = {
            "RELATIVE_BASE": datetime.fromisoformat(case["now"]),
            "TIMEZONE": case["tz"],
            "RETURN_AS_TIMEZONE_AWARE": True,
        }
        with contextlib.suppress(Exception):
            dateparser.parse(case["text"], settings=settings)

    return one


def before_issue_17() -> ModuleType | None:
    """bot.dates as of BEFORE_ISSUE_17, read from git into a temporary package (its
    modules import only one another and third-party packages); None without git."""
    name = "dates_before_issue17"
    if name in sys.modules:
        return sys.modules[name]
    git = ["git", "-C", str(ROOT)]
    try:
        listing = subprocess.run(
            [*git, "ls-tree", "--name-only", BEFORE_ISSUE_17, "bot/dates/"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        folder = Path(tempfile.mkdtemp(prefix="dates-bench-"))
        atexit.register(shutil.rmtree, folder, True)
        (folder / name).mkdir()
        for path in listing:
            source = subprocess.run(
                [*git, "show", f"{BEFORE_ISSUE_17}:{path}"], capture_output=True, check=True
            ).stdout
            (folder / name / Path(path).name).write_bytes(source)
    except (OSError, subprocess.CalledProcessError):
        return None
    sys.path.insert(0, str(folder))
    return importlib.import_module(name)


def timed(
    callers: dict[str, Caller], cases: list[dict[str, Any]], rounds: int
) -> dict[str, tuple[list[list[float]], list[list[float]]]]:
    """ms per call, {caller: (wall, cpu)}, each [[one per round] per case]: wall clock, and
    the thread's CPU time read around the same call (time spent waiting for a CPU is not in
    it; its slower clock is read outside the wall interval). Every caller reads each phrase
    in turn (first one way, next round the other), so all see the same load; one untimed
    pass first warms every pattern, zone and cache. The clocks' own cost is subtracted."""
    wall_clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    for one in callers.values():
        for case in cases:
            one(case)
    wall_cost = cpu_cost = 10**9
    for _ in range(2000):
        c0, t0 = cpu_clock(), wall_clock()
        t1, c1 = wall_clock(), cpu_clock()
        wall_cost, cpu_cost = min(wall_cost, t1 - t0), min(cpu_cost, c1 - c0)
    out = {name: ([[] for _ in cases], [[] for _ in cases]) for name in callers}
    order = list(callers.items())
    for r in range(rounds):
        turn = order if r % 2 == 0 else order[::-1]
        for i, case in enumerate(cases):
            for name, one in turn:
                c0 = cpu_clock()
                t0 = wall_clock()
                one(case)
                t1 = wall_clock()
                c1 = cpu_clock()
                out[name][0][i].append(max(0, t1 - t0 - wall_cost) / 1e6)
                out[name][1][i].append(max(0, c1 - c0 - cpu_cost) / 1e6)
    return out


def spread(samples: list[list[float]]) -> dict[str, float]:
    """Median and p99 of every call, and the median of each phrase's best round."""
    every = [v for row in samples for v in row]
    return {
        "median": round(statistics.median(every), 4),
        "p99": round(percentile(every, 0.99), 3),
        "median_of_best_rounds": round(statistics.median(min(row) for row in samples), 4),
    }


def speed(cases: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    """Warm timings of the current parser beside the one before issue 17 and dateparser."""
    import bot.dates

    before = before_issue_17()
    callers = {"current": reader(bot.dates)}
    if before is not None:
        callers["before_issue17"] = reader(before)
    load_before = os.getloadavg()
    both = timed(callers, cases, rounds)
    wall = {name: w for name, (w, _) in both.items()}
    cpu = {name: c for name, (_, c) in both.items()}
    sample = cases[::8]
    plain = timed({"dateparser": plain_dateparser()}, sample, 2 if rounds < 10 else 3)
    load_after = os.getloadavg()

    out: dict[str, Any] = {
        "phrases": len(cases),
        "rounds": rounds,
        "cpus": os.cpu_count(),
        "load_average_1_5_15_min": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in load_after],
        },
    }
    for name in callers:
        out[name] = {
            "wall_ms": spread(wall[name]),
            "cpu_ms_median": round(statistics.median(v for r in cpu[name] for v in r), 4),
        }
    if before is not None:
        cur, old = out["current"], out["before_issue17"]
        best_ratio = [
            min(a) / min(b) for a, b in zip(wall["current"], wall["before_issue17"], strict=True)
        ]
        out["current_over_before_issue17"] = {
            "wall_median": round(cur["wall_ms"]["median"] / old["wall_ms"]["median"], 3),
            "median_of_best_rounds": round(
                cur["wall_ms"]["median_of_best_rounds"] / old["wall_ms"]["median_of_best_rounds"],
                3,
            ),
            "cpu_median": round(cur["cpu_ms_median"] / old["cpu_ms_median"], 3),
            "per_phrase_best_round_ratio_median": round(statistics.median(best_ratio), 3),
        }
    mine = [min(row) for i, row in enumerate(wall["current"]) if i % 8 == 0]
    theirs = [min(row) for row in plain["dateparser"][0]]
    out["dateparser_every_8th_phrase"] = {
        "phrases": len(sample),
        "wall_ms": spread(plain["dateparser"][0]),
        "current_over_dateparser_best_rounds": round(
            statistics.median(mine) / statistics.median(theirs), 4
        ),
    }
    return out


def probe(which: str, rounds: int) -> None:
    """`--probe current|before_issue17 N`: warm pass then N rounds, for valgrind to count."""
    import bot.dates

    module = bot.dates if which == "current" else before_issue_17()
    assert module is not None, "the parser before issue 17 could not be read from git"
    one = reader(module)
    cases = [c for cs in sets().values() for c in cs]
    for _ in range(rounds + 1):
        for case in cases:
            one(case)


def instructions(phrases: int) -> dict[str, Any]:
    """Machine instructions per warm phrase (valgrind's callgrind: 2 rounds less 0)."""
    out: dict[str, Any] = {}
    for which in ("current", "before_issue17"):
        counts = []
        for rounds in (0, 2):
            res = subprocess.run(
                ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                 sys.executable, "-m", "bench.dates_bench", "--probe", which, str(rounds)],
                capture_output=True, text=True, cwd=ROOT, check=True,
            )  # fmt: skip
            found = re.search(r"Collected : (\d+)", res.stderr)
            assert found is not None, res.stderr[-2000:]
            counts.append(int(found.group(1)))
        out[which] = round((counts[1] - counts[0]) / (2 * phrases))
    out["current_over_before_issue17"] = round(out["current"] / out["before_issue17"], 3)
    return out


COLD_PROBE = """
import time, datetime
t0 = time.perf_counter()
from bot.dates import parse_when
t1 = time.perf_counter()
parse_when({text!r}, "America/New_York", datetime.datetime(2025, 1, 10, 10, 0))
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000)
"""


def cold(text: str, runs: int) -> tuple[float, float]:
    """Median (import ms, first call ms) in fresh interpreters."""
    imports, firsts = [], []
    for _ in range(runs):
        res = subprocess.run(
            [sys.executable, "-c", COLD_PROBE.format(text=text)],
            capture_output=True, text=True, cwd=ROOT, check=True,
        )  # fmt: skip
        a, b = res.stdout.split()
        imports.append(float(a))
        firsts.append(float(b))
    return statistics.median(imports), statistics.median(firsts)


WARM_UP_PROBE = """
import time
t0 = time.perf_counter()
from bot.dates import warm_up
warm_up()
print((time.perf_counter() - t0) * 1000)
"""


def warm_up_cost(runs: int) -> float:
    """Median ms of import + warm_up() (loads dateparser) in a fresh interpreter."""
    times = []
    for _ in range(runs):
        res = subprocess.run(
            [sys.executable, "-c", WARM_UP_PROBE], capture_output=True, text=True, cwd=ROOT,
            check=True,
        )  # fmt: skip
        times.append(float(res.stdout.split()[-1]))
    return statistics.median(times)


def cli_wall(runs: int) -> tuple[float, float]:
    """(median, max) ms of a whole `python -m bot parse-date` process."""
    cmd = [sys.executable, "-m", "bot", "parse-date", "next tue 3pm", "--tz", "Europe/Paris",
           "--now", "2025-01-10T10:00"]  # fmt: skip
    subprocess.run(cmd, capture_output=True, cwd=ROOT, check=True)  # page cache warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, cwd=ROOT, check=True)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def sets() -> dict[str, list[dict[str, Any]]]:
    return {
        "corpus": load(),
        "heldout": load(HELDOUT),
        "heldout2_slack_lines": load(HELDOUT2),
        "heldout3_issue17": load(HELDOUT3),
        "heldout4_after_fixes": load(HELDOUT4),
        "heldout5_speed_work": load(HELDOUT5),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--probe" in args:
        at = args.index("--probe")
        probe(args[at + 1], int(args[at + 2]))
        return 0
    quick = "--quick" in args
    all_sets = sets()
    report: dict[str, Any] = {"accuracy": {}}
    all_failures: list[str] = []
    pct = lambda a, n: f"{a}/{n} ({100 * a / n:.1f}%)"  # noqa: E731
    for name, cases in all_sets.items():
        counts, failures = accuracy(cases)
        n = len(cases)
        report["accuracy"][name] = {
            "right": pct(counts["right"], n),
            "wrong": pct(counts["wrong"], n),
            "refused": pct(counts["refused"], n),
            "crashed": counts["crashed"],
            "baseline_dateparser_right": pct(baseline(cases), n),
        }
        all_failures += [f"{name}:", *failures] if failures else []
    corpus = all_sets["corpus"]
    dst = [c for c in corpus if any(n.startswith("dst_") for n in c["expected"].get("notes", []))]
    dst_counts, _ = accuracy(dst)
    report["accuracy"]["corpus_dst_cases"] = pct(dst_counts["right"], len(dst))

    if "--accuracy" in args:
        print(json.dumps(report, indent=2))
        print("\n".join(all_failures))
        return 0
    every = [c for cases in all_sets.values() for c in cases]
    report["speed"] = speed(every, rounds=3 if quick else 10)
    if "--instructions" in args:
        report["instructions_per_phrase"] = instructions(len(every))
    imp, first = cold("tomorrow at 3pm", runs=3 if quick else 7)
    report["cold_ms"] = {
        "import": round(imp, 1),
        "first_call": round(first, 1),
        "warm_up_with_dateparser": round(warm_up_cost(runs=3), 1),
    }
    med, worst = cli_wall(runs=5 if quick else 20)
    report["cli_wall_ms"] = {"median": round(med, 1), "max": round(worst, 1)}

    print(json.dumps(report, indent=2))
    for line in all_failures:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
