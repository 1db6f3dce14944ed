"""Opening the store: URL forms, first-start migration races, and clear errors."""

from __future__ import annotations

import socket
import sqlite3
import traceback
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from store_helpers import run_workers, sqlite_url

from bot.store import StoreError, mask_url, open_store


def test_two_processes_start_together_on_an_empty_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "bot.sqlite3"
    job = {"mode": "open", "url": sqlite_url(path)}
    answers = run_workers([job, job, job])
    assert all(a["ok"] for a in answers), answers
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT id, version FROM schema_version").fetchall() == [(1, 1)]
    finally:
        conn.close()


@pytest.mark.postgres
def test_two_processes_start_together_on_an_empty_postgres_schema(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    job = {"mode": "open", "url": url, "schema": schema}
    answers = run_workers([job, job, job])
    assert all(a["ok"] for a in answers), answers
    with psycopg.connect(url) as conn:
        rows = conn.execute(f'SELECT id, version FROM "{schema}".schema_version').fetchall()
    assert rows == [(1, 1)]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_unreachable_postgres_names_database_url_and_masks_the_password(
    add_secret: Callable[[str], str], caplog: pytest.LogCaptureFixture
) -> None:
    password = add_secret("pg-Pass-9f3b7c21")
    port = _closed_port()
    url = f"postgresql://bot:{password}@127.0.0.1:{port}/app"
    with pytest.raises(StoreError) as info:
        await open_store(url)
    message = str(info.value)
    assert f"DATABASE_URL (postgresql://bot:****@127.0.0.1:{port}/app)" in message
    assert "127.0.0.1" in message and "refused" in message.lower()
    assert password not in message and password not in repr(info.value)
    shown = "".join(traceback.format_exception(info.value))
    assert password not in shown
    assert password not in caplog.text


async def test_unusable_sqlite_path_names_database_url(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StoreError, match=r"DATABASE_URL.*not-a-dir"):
        await open_store(sqlite_url(blocker / "bot.sqlite3"))


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://u:secretpw@h/db", "must start with sqlite:///, postgresql:// or postgres://"),
        ("", "empty"),
        ("sqlite:///", "names no file"),
        ("sqlite://relative.db", "not a SQLite URL"),
    ],
)
async def test_malformed_database_url_is_refused_clearly(url: str, problem: str) -> None:
    with pytest.raises(StoreError, match="DATABASE_URL") as info:
        await open_store(url)
    assert problem in str(info.value)
    assert "secretpw" not in str(info.value)


async def test_schema_is_checked_and_only_for_postgres(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="only be chosen for a PostgreSQL"):
        await open_store(sqlite_url(tmp_path / "x.sqlite3"), schema="t_x")
    with pytest.raises(ValueError, match="letters, digits and underscores"):
        await open_store("postgresql://u@127.0.0.1/db", schema='x"; drop table y; --')


def test_mask_url_hides_passwords_in_every_place() -> None:
    assert mask_url("postgresql://bot:s3cr%40t@db.example:5432/app") == (
        "postgresql://bot:****@db.example:5432/app"
    )
    assert mask_url("postgres://db.example/app?user=bot&password=hunter2") == (
        "postgres://db.example/app?user=bot&password=%2A%2A%2A%2A"
    )
    assert mask_url("postgresql://bot@db/app") == "postgresql://bot@db/app"


async def test_sqlite_relative_url_is_under_the_working_folder_and_uses_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = await open_store("sqlite:///var/deep/bot.sqlite3")
    try:
        await store.set_value("n", "k", {"v": 1})
        assert store.location == f"SQLite file {tmp_path / 'var' / 'deep' / 'bot.sqlite3'}"
    finally:
        await store.close()
    conn = sqlite3.connect(tmp_path / "var" / "deep" / "bot.sqlite3")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


async def test_sqlite_absolute_url_form(tmp_path: Path) -> None:
    path = tmp_path / "abs" / "bot.sqlite3"
    url = "sqlite:///" + str(path)
    assert url.startswith("sqlite:////")
    store = await open_store(url)
    await store.close()
    assert path.exists()


@pytest.mark.postgres
async def test_postgres_scheme_alias_and_search_path_option_choose_the_schema(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    aliased = url.replace("postgresql://", "postgres://", 1)
    store = await open_store(f"{aliased}?options=-csearch_path%3D{schema}")
    try:
        assert store.kind == "postgresql"
        await store.set_value("n", "k", {"v": 1})
        assert f"(schema {schema})" in store.location
    finally:
        await store.close()
    with psycopg.connect(url) as conn:
        rows = conn.execute(f'SELECT namespace, key FROM "{schema}".kv_settings').fetchall()
    assert rows == [("n", "k")]


@pytest.mark.postgres
async def test_postgres_describe_masks_the_password(
    pg_schema: tuple[str, str], add_secret: Callable[[str], str]
) -> None:
    url, schema = pg_schema
    # trust auth ignores the password, so a made-up one still connects
    password = add_secret("never-shown-7d2e")
    with_password = url.replace("@", f":{password}@", 1)
    store = await open_store(with_password, schema=schema)
    try:
        text = await store.describe()
        assert text == f"PostgreSQL at 127.0.0.1:5432/test (schema {schema}) (reachable)"
        assert password not in repr(store)
    finally:
        await store.close()


@pytest.mark.postgres
async def test_postgres_store_recovers_after_its_connections_are_killed(
    pg_schema: tuple[str, str],
) -> None:
    url, schema = pg_schema
    store = await open_store(url, schema=schema)
    try:
        await store.set_value("n", "k", {"v": 1})
        with psycopg.connect(url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s",
                (f"fluentbooking-bot:{schema}",),
            ).fetchall()
        assert killed and all(ok for (ok,) in killed)
        # the pool notices the dead connection before lending it and opens a new one
        assert await store.get_value("n", "k") == {"v": 1}
        assert (await store.describe()).endswith("(reachable)")
    finally:
        await store.close()
