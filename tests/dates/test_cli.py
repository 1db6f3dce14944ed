"""`python -m bot parse-date`: the JSON contract, exit codes, and a light import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.dates_cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert len(lines) == 1, out  # exactly one JSON object
    return code, json.loads(lines[0])


def test_prints_the_design_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys, "tomorrow at 3pm", "--tz", "America/New_York", "--now", "2025-01-10T09:00"
    )
    assert code == 0
    assert out["start"] == "2025-01-11T15:00:00-05:00"
    assert out["end"] is None
    assert out["timezone"] == "America/New_York"
    assert out["granularity"] == "minute"
    assert out["matched"] == "tomorrow at 3pm"
    assert out["text"] == "tomorrow at 3pm"


def test_range_and_named_zone(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "tomorrow afternoon", "--tz", "Europe/Berlin", "--now", "2025-01-10")
    assert code == 0 and out["granularity"] == "range"
    assert (out["start"], out["end"]) == ("2025-01-11T12:00:00+01:00", "2025-01-11T17:00:00+01:00")
    code, out = run(capsys, "3pm London time", "--tz", "America/New_York", "--now", "2025-01-10")
    assert out["timezone"] == "Europe/London" and out["start"] == "2025-01-10T15:00:00+00:00"


def test_aware_now_is_converted(capsys: pytest.CaptureFixture[str]) -> None:
    # 2025-01-10T23:30Z is 18:30 in New York: "tomorrow" is still the 11th there.
    code, out = run(capsys, "tomorrow", "--tz", "America/New_York", "--now", "2025-01-10T23:30Z")
    assert code == 0
    assert out["start"] == "2025-01-11T00:00:00-05:00" and out["granularity"] == "day"


def test_no_date_is_an_error_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "asdf", "--tz", "UTC", "--now", "2025-01-10T10:00")
    assert code == 1 and set(out) == {"error"} and out["error"]


def test_unknown_zone_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "tomorrow", "--tz", "Moon/Base", "--now", "2025-01-10T10:00")
    assert code == 1 and "Moon/Base" in out["error"]


def test_bad_now_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "tomorrow", "--tz", "UTC", "--now", "yesterday-ish")
    assert code == 1 and "--now" in out["error"]


def test_now_defaults_to_the_clock(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "in 1 hour", "--tz", "UTC")
    assert code == 0 and out["granularity"] == "minute"


def test_module_entry_point_imports_nothing_heavy() -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['bot', 'parse-date', 'next tue 3pm', '--tz', 'Europe/Paris',"
        " '--now', '2025-01-10T10:00']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "heavy = [m for m in ('slack_bolt', 'slack_sdk', 'httpx', 'aiohttp', 'dateparser')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, code)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env
    )
    lines = res.stdout.strip().splitlines()
    assert json.loads(lines[0])["start"] == "2025-01-14T15:00:00+01:00"
    assert lines[-1] == "HEAVY [] 0", res.stdout + res.stderr


def test_a_phrase_starting_with_a_dash_is_the_phrase_not_an_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, "-2hr5min", "--tz", "UTC", "--now", "2025-01-10T10:00")
    assert code == 1 and "past" in out["error"]  # a refusal in JSON, not a usage error
    code, out = run(capsys, "--tz", "UTC", "+2hr5min", "--now", "2025-01-10T10:00")
    assert code == 0 and out["start"] == "2025-01-10T12:05:00+00:00"
    code, out = run(capsys, "--now=2025-01-10T10:00", "-", "3pm", "--tz=UTC")
    assert code == 0 and out["start"] == "2025-01-10T15:00:00+00:00"


def test_a_huge_year_is_refused_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "9999-12-31 23:59", "--tz", "America/Chicago")
    assert code == 1 and "too far" in out["error"]
