"""`python -m bot demo` as a newcomer runs it: a subprocess, real clock, input from a pipe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_demo(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FLUENTBOOKING_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_piped_booking_from_command_to_booked_time() -> None:
    script = "\n".join(["/book", 'select event "Product Demo"', "select time 1", "submit"]) + "\n"
    proc = run_demo([], script)
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr
    assert "You are Alice Archer" in out and "America/New_York" in out
    assert "/book" in out and "quit" in out  # the banner says what to type and how to leave
    assert "> submit" in out  # piped commands are echoed so the transcript reads well
    booked = out[out.index("> submit") :]
    assert "Booked" in booked and "Product Demo & Q&A" in booked
    assert re.search(r"\d{1,2}:\d\d [AP]M – \d{1,2}:\d\d [AP]M America/New_York \(E[SD]T\)", booked)
    assert "Traceback" not in out + proc.stderr


def test_script_file_and_errors_stay_one_line(tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    script.write_text("# a comment\nfrobnicate\nclick 7\n/slots\nquit\n/bookings\n")
    proc = run_demo(["--script", str(script), "--state", str(tmp_path / "state")], "")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "error: unknown command 'frobnicate'; type help" in out
    assert "error: nothing to act on" in out
    assert "> /bookings" not in out  # quit stopped the script
    assert "Traceback" not in out + proc.stderr
    assert (tmp_path / "state" / "demo.log").exists()  # the bot's log went to the state dir


def test_missing_script_is_a_clear_error(tmp_path: Path) -> None:
    proc = run_demo(["--script", str(tmp_path / "nope.txt")], "")
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: cannot read the script")
    assert "Traceback" not in proc.stderr
