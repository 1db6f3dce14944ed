"""The suite's secret-leak check (tests/conftest.py) really fails a run.

Each case runs pytest in a subprocess with the real root conftest loaded as a plugin, on
a one-test file that registers a secret and logs what the case says.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

SHIM = f"""
import importlib.util

_spec = importlib.util.spec_from_file_location("suite_root", {str(TESTS / "conftest.py")!r})
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
globals().update({{k: v for k, v in vars(_module).items() if not k.startswith("__")}})
"""

LEAKY_TEST = """
import logging

import pytest
from support.leaks import register_secret

SECRET = "Leak Me Not 7f3a9c21"


def test_case(add_secret):
    register_secret(SECRET)
    add_secret("fixture-secret-5b1e")
    log = logging.getLogger("bot.somewhere")
    {body}
"""


def run_suite(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "shim").mkdir()
    (tmp_path / "shim" / "leak_guard.py").write_text(SHIM, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    code = LEAKY_TEST.format(body=textwrap.indent(body, "    ").strip())
    (tmp_path / "test_leaky.py").write_text(code, encoding="utf-8")
    env = {
        "PYTHONPATH": f"{tmp_path / 'shim'}:{TESTS}:{ROOT}",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "leak_guard", "-p", "no:cacheprovider",
         "-p", "no:randomly", "-c", str(tmp_path / "pytest.ini"), "test_leaky.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        'log.warning("connecting with %s", SECRET)',
        'log.info("password " + SECRET.replace(" ", ""))',  # the space-less form too
        'log.debug("header %s", "Bearer fixture-secret-5b1e")',  # added by the fixture
        'try:\n    raise ValueError(SECRET)\nexcept ValueError:\n    log.exception("failed")',
    ],
    ids=["message", "spaceless", "fixture", "exception"],
)
def test_a_logged_secret_fails_the_run(tmp_path: Path, body: str) -> None:
    done = run_suite(tmp_path, body)
    assert "1 passed" in done.stdout, done.stdout + done.stderr  # the test itself passed
    assert "SECRET LEAK: 1 log record(s)" in done.stdout
    assert done.returncode == 1


def test_a_clean_run_passes(tmp_path: Path) -> None:
    done = run_suite(tmp_path, 'log.warning("connecting with %s", "********9c21")')
    assert "1 passed" in done.stdout, done.stdout + done.stderr
    assert "SECRET LEAK" not in done.stdout
    assert done.returncode == 0
