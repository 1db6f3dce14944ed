"""GET /readyz: 200 only while the store answers and the site answered recently."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from support.leaks import register_stack_secrets

from bot.demo.stack import LocalStack, start_local_stack


@pytest.fixture
def stack(tmp_path) -> Iterator[LocalStack]:
    with start_local_stack(tmp_path) as running:
        register_stack_secrets(running)
        yield running


def get(stack: LocalStack, path: str) -> httpx.Response:
    return httpx.get(stack.bot.url + path, timeout=15)


def test_ready_when_store_and_site_answer(stack: LocalStack) -> None:
    resp = get(stack, "/readyz")
    assert resp.status_code == 200, resp.text
    assert resp.json()["ok"] is True
    assert get(stack, "/healthz").json() == {"ok": True}


def test_site_probe_is_shared_and_not_repeated_while_fresh(stack: LocalStack) -> None:
    before = stack.sandbox.request_count
    for _ in range(5):
        assert get(stack, "/readyz").status_code == 200
    assert stack.sandbox.request_count - before == 1  # one GET /calendars for five probes


def test_site_down_is_503_with_a_reason_while_healthz_stays_200(stack: LocalStack) -> None:
    readiness = stack.bot.front.readiness
    readiness.site_fresh_seconds = 0  # every probe asks the site
    stack.sandbox.set_faults(status=503)
    resp = get(stack, "/readyz")
    assert resp.status_code == 503
    assert "booking site" in resp.json()["reason"]
    assert get(stack, "/healthz").status_code == 200
    stack.sandbox.set_faults(hang=True)
    readiness.probe_timeout = 0.5
    resp = get(stack, "/readyz")
    assert resp.status_code == 503 and "did not answer" in resp.json()["reason"]
    stack.sandbox.clear_faults()
    assert get(stack, "/readyz").status_code == 200


def test_store_gone_is_503(stack: LocalStack) -> None:
    stack.bot.run(stack.bot.stack.store.close())  # the store's connection is gone
    resp = get(stack, "/readyz")
    assert resp.status_code == 503
    assert "state store" in resp.json()["reason"]
    assert get(stack, "/healthz").status_code == 200


def test_shutting_down_is_503(stack: LocalStack) -> None:
    stack.bot.front.readiness.stopping = True
    resp = get(stack, "/readyz")
    assert resp.status_code == 503 and resp.json()["reason"] == "shutting down"


def test_deleted_sqlite_file_is_503(stack: LocalStack) -> None:
    """The store notices its file is gone (ping fails), and readiness says so."""
    from pathlib import Path

    path = Path(stack.settings.database_url.removeprefix("sqlite:///"))
    assert get(stack, "/readyz").status_code == 200
    path.unlink()
    resp = get(stack, "/readyz")
    assert resp.status_code == 503, resp.text
    assert "state store" in resp.json()["reason"]
