"""Suite-wide guards.

Every secret a test uses is registered in SECRETS; at the end of the run no log record
emitted during the suite may contain one (the issue: "a test fails if the application
password appears in any log record or exception text produced during the suite").
"""

from __future__ import annotations

import logging

import pytest

# Secrets used by the tests; tests that invent others add them with register_secret().
SECRETS: set[str] = set()


def register_secret(value: str) -> str:
    """Record a secret so the leak check looks for it (and its space-less form)."""
    SECRETS.add(value)
    if " " in value:
        SECRETS.add(value.replace(" ", ""))
    return value


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
    leaks = [text for text in _RECORDER.texts for secret in SECRETS if secret and secret in text]
    if leaks:
        session.exitstatus = 1
        print(f"\nSECRET LEAK: {len(leaks)} log record(s) contained a registered secret.")


@pytest.fixture
def secret_log() -> _RecordEverything:
    """The suite-wide log recorder, for tests that assert nothing secret was logged."""
    return _RECORDER
