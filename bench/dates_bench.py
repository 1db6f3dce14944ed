"""Accuracy and speed of bot.dates, side by side with plain dateparser.

    python -m bench.dates_bench [--quick] [--accuracy]   (--accuracy: skip the timings)

Accuracy, on every set: the corpus (tests/data/dates.json) and the four held-out sets
(heldout: first unseen phrases; heldout2: Slack-style command lines written without
reading the parser; heldout3: issue 17's forms in five languages, written before its
fixes; heldout4: other wording of the same classes, written after the fixes and first
measured as it was committed). Each case is *right* (the expected instant, zone and
granularity, or a refusal where one is expected), *wrong* (an answer that is not the
expected one, or an answer where a refusal is expected: a silent wrong answer) or
*refused* (a refusal where an answer was expected). The do-nothing baseline is plain
`dateparser.parse(text, settings={RELATIVE_BASE, TIMEZONE, RETURN_AS_TIMEZONE_AWARE})`
on the same cases (its instant must equal the expected start, and it must return
nothing where a refusal is expected).
Speed: warm median and p99 per phrase over every set; cold = first call after import,
in a fresh interpreter; CLI wall time of `python -m bot parse-date` including
interpreter start.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.dates import DateParseError, parse_when  # noqa: E402
from tests.dates.corpus import HELDOUT, HELDOUT2, HELDOUT3, HELDOUT4, load, mismatch  # noqa: E402


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


def warm_timings(cases: list[dict[str, Any]], rounds: int) -> list[float]:
    def one(case: dict[str, Any]) -> None:
        with contextlib.suppress(Crashed):
            ours(case)

    for case in cases:  # warm every pattern and cache once
        one(case)
    out = []
    for _ in range(rounds):
        for case in cases:
            t0 = time.perf_counter()
            one(case)
            out.append((time.perf_counter() - t0) * 1000)
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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    quick = "--quick" in args
    sets = {
        "corpus": load(),
        "heldout": load(HELDOUT),
        "heldout2_slack_lines": load(HELDOUT2),
        "heldout3_issue17": load(HELDOUT3),
        "heldout4_after_fixes": load(HELDOUT4),
    }
    report: dict[str, Any] = {"accuracy": {}}
    all_failures: list[str] = []
    pct = lambda a, n: f"{a}/{n} ({100 * a / n:.1f}%)"  # noqa: E731
    for name, cases in sets.items():
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
    corpus = sets["corpus"]
    dst = [c for c in corpus if any(n.startswith("dst_") for n in c["expected"].get("notes", []))]
    dst_counts, _ = accuracy(dst)
    report["accuracy"]["corpus_dst_cases"] = pct(dst_counts["right"], len(dst))

    if "--accuracy" in args:
        print(json.dumps(report, indent=2))
        print("\n".join(all_failures))
        return 0
    every = [c for cases in sets.values() for c in cases]
    timings = warm_timings(every, rounds=2 if quick else 10)
    report["warm_ms_per_phrase"] = {
        "median": round(statistics.median(timings), 3),
        "p99": round(percentile(timings, 0.99), 3),
        "n": len(timings),
    }
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
