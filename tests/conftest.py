"""Suite-wide guards.

Every secret a test uses is registered (`support.leaks.register_secret`, or the
`add_secret` fixture); at the end of the run no log record emitted during the suite may
contain one (the issue: "a test fails if the application password appears in any log
record or exception text produced during the suite").
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from support.leaks import SECRETS, leaks_in, register_secret

__all__ = ["SECRETS", "register_secret"]


class _RecordEverything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record still must not hide a leak
            text = repr(record.msg)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.texts.append(text)


_RECORDER = _RecordEverything()


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(_RECORDER)
    if root.level > logging.DEBUG or root.level == logging.NOTSET:
        root.setLevel(logging.DEBUG)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaks = leaks_in(_RECORDER.texts)
    if leaks:
        session.exitstatus = 1
        print(f"\nSECRET LEAK: {len(leaks)} log record(s) contained a registered secret.")


@pytest.fixture
def secret_log() -> _RecordEverything:
    """The suite-wide log recorder, for tests that assert nothing secret was logged."""
    return _RECORDER


@pytest.fixture
def add_secret() -> Callable[[str], str]:
    """`register_secret`: the value joins the secrets the end-of-run leak check looks for."""
    return register_secret
