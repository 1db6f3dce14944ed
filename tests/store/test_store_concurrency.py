"""Many callers, one key: exactly one owner, and everyone sees the owner's result."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from store_helpers import Backend, new_schema_name, postgres_url, run_workers, sqlite_url

from bot.store import Store


async def test_fifty_concurrent_claims_across_stores_have_one_owner(backend: Backend) -> None:
    stores: list[Store] = [await backend.open() for _ in range(5)]
    owners: list[int] = []

    async def book(i: int) -> dict[str, Any] | None:
        claim = await stores[i % len(stores)].claim("submit:U1:view42", wait_seconds=30)
        if claim.owner:
            owners.append(i)
            await asyncio.sleep(0.1)  # the booking call to the site
            result = {"booking_id": 1000 + i}
            await stores[i % len(stores)].complete("submit:U1:view42", result)
            return result
        assert not claim.timed_out
        return claim.result

    results = await asyncio.gather(*(book(i) for i in range(50)))
    assert len(owners) == 1
    assert results == [{"booking_id": 1000 + owners[0]}] * 50


async def test_different_keys_do_not_block_each_other(backend: Backend) -> None:
    store = await backend.open()
    claims = await asyncio.gather(*(store.claim(f"k{i}", wait_seconds=0) for i in range(20)))
    assert all(c.owner for c in claims)


def _check_one_owner(answers: list[dict[str, Any]], total: int) -> None:
    assert all(a["ok"] for a in answers), answers
    claims = [c for a in answers for c in a["claims"]]
    assert len(claims) == total
    owners = [c for c in claims if c["owner"]]
    assert len(owners) == 1, owners
    assert all(c["result"] == owners[0]["result"] for c in claims)


def test_two_processes_claiming_one_sqlite_key_have_one_owner(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "shared.sqlite3")
    job = {"mode": "claim", "url": url, "key": "k", "claims": 25, "stores": 3}
    answers = run_workers([{**job, "tag": "p1"}, {**job, "tag": "p2"}])
    _check_one_owner(answers, 50)


@pytest.mark.postgres
def test_two_processes_claiming_one_postgres_key_have_one_owner() -> None:
    from store_helpers import drop_schema

    url, schema = postgres_url(), new_schema_name()
    job = {"mode": "claim", "url": url, "schema": schema, "key": "k", "claims": 25, "stores": 3}
    try:
        answers = run_workers([{**job, "tag": "p1"}, {**job, "tag": "p2"}])
    finally:
        drop_schema(url, schema)
    _check_one_owner(answers, 50)
