"""The store heals: a PostgreSQL schema emptied under it, a SQLite file deleted under it."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from store_helpers import sqlite_url

from bot.store import Store, StoreError, open_store


@pytest.mark.postgres
async def test_postgres_schema_dropped_and_recreated_empty_works_without_restart(
    pg_schema: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    url, schema = pg_schema
    store = await open_store(url, schema=schema)
    try:
        await _drop_and_recreate(store, url, schema)
    finally:
        await store.close()
    assert "creating them again" in caplog.text


async def _drop_and_recreate(store: Store, url: str, schema: str) -> None:
    assert (await store.claim("booking:1")).owner
    await store.complete("booking:1", {"booking_id": 1})
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    # while the schema is gone the store says so (the bot apologises; nothing is booked)
    with pytest.raises(StoreError):
        await store.claim("booking:2")
    with pytest.raises(StoreError):
        await store.ping()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    await store.ping()
    assert (await store.claim("booking:1")).owner  # the old result went with the schema
    await store.complete("booking:1", {"booking_id": 9}, outbox={"dm:9": {}})
    assert await store.outbox_take("dm:9") is not None


async def test_a_deleted_sqlite_file_is_noticed_logged_once_and_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state" / "bot.sqlite3"
    store = await open_store(sqlite_url(path))
    try:
        await store.set_value("n", "k", {"v": 1})
        await store.ping()
        for name in os.listdir(path.parent):
            os.unlink(path.parent / name)  # the file and its WAL, as `rm bot.sqlite3*` does
        for _ in range(3):
            with pytest.raises(StoreError, match="is gone"):
                await store.ping()  # /readyz reports it
        assert caplog.text.count("is gone") == 1  # logged once, not at every probe
        # the next use starts a new file, so bookings go on without a restart
        assert (await store.claim("booking:1")).owner
        await store.complete("booking:1", {"booking_id": 1})
        assert path.exists()
        await store.ping()
        assert await store.get_value("n", "k") is None
        assert (await store.claim("booking:1", wait_seconds=0)).result == {"booking_id": 1}
        # and a second loss is noticed again
        caplog.clear()
        path.unlink()
        with pytest.raises(StoreError, match="is gone"):
            await store.ping()
        assert caplog.text.count("is gone") == 1
    finally:
        await store.close()


async def test_a_sqlite_file_replaced_under_the_store_is_reopened(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = await open_store(sqlite_url(path))
    other = await open_store(sqlite_url(tmp_path / "other.sqlite3"))
    try:
        await other.set_value("n", "k", {"from": "other"})
        await other.close()
        for suffix in ("", "-wal", "-shm"):
            if (tmp_path / f"bot.sqlite3{suffix}").exists():
                os.unlink(tmp_path / f"bot.sqlite3{suffix}")
        os.rename(tmp_path / "other.sqlite3", path)  # a restore from a backup
        assert await store.get_value("n", "k") == {"from": "other"}
    finally:
        await store.close()
