"""Helpers shared by the store tests (imported by conftest and the test modules)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.store import Store, open_store

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_DB = "test"

_pg_url_cache: dict[str, str] = {}


def postgres_url() -> str:
    """A working URL for the test server (user postgres, else root), or fail/skip clearly."""
    if os.environ.get("SKIP_POSTGRES") == "1":
        pytest.skip("SKIP_POSTGRES=1: PostgreSQL tests skipped")
    if "url" in _pg_url_cache:
        return _pg_url_cache["url"]
    candidates = [os.environ["TEST_POSTGRES_URL"]] if os.environ.get("TEST_POSTGRES_URL") else []
    candidates += [
        f"postgresql://{user}@{PG_HOST}:{PG_PORT}/{PG_DB}" for user in ("postgres", "root")
    ]
    problems = []
    for url in candidates:
        try:
            with psycopg.connect(url, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            problems.append(f"{url}: {str(exc).strip().splitlines()[0]}")
            continue
        _pg_url_cache["url"] = url
        return url
    pytest.fail(
        "PostgreSQL tests need the server on 127.0.0.1:5432 (database 'test', trust auth, "
        "user postgres or root); none answered:\n  "
        + "\n  ".join(problems)
        + "\nStart it, or set SKIP_POSTGRES=1 to skip these tests.",
        pytrace=False,
    )


def new_schema_name() -> str:
    return "t_" + uuid.uuid4().hex[:16]


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class FakeClock:
    """Wall-clock seconds that only move when told to."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Backend:
    """One database (a SQLite file or a PostgreSQL schema) and the stores opened on it."""

    kind: str
    url: str
    schema: str | None
    stores: list[Store] = field(default_factory=list)

    async def open(self, **kwargs: Any) -> Store:
        store = await open_store(self.url, schema=self.schema, **kwargs)
        self.stores.append(store)
        return store

    def execute_raw(self, statement: str) -> None:
        """Run SQL behind the store's back (to break or inspect the database)."""
        if self.kind == "sqlite":
            path = self.url.removeprefix("sqlite:///")
            conn = sqlite3.connect(path)
            try:
                conn.execute(statement)
                conn.commit()
            finally:
                conn.close()
        else:
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute(f'SET search_path TO "{self.schema}"')
                conn.execute(statement)

    def query_raw(self, statement: str) -> list[tuple[Any, ...]]:
        if self.kind == "sqlite":
            path = self.url.removeprefix("sqlite:///")
            conn = sqlite3.connect(path)
            try:
                return list(conn.execute(statement).fetchall())
            finally:
                conn.close()
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'SET search_path TO "{self.schema}"')
            return list(conn.execute(statement).fetchall())


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + str(path)  # an absolute path gives the sqlite://// form


WORKER = Path(__file__).with_name("store_worker.py")
REPO_ROOT = Path(__file__).resolve().parents[2]


def run_workers(jobs: list[dict[str, Any]], timeout: float = 60.0) -> list[dict[str, Any]]:
    """Start one worker process per job, release them together, return their JSON answers."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), json.dumps(job)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO_ROOT,
            env=env,
        )
        for job in jobs
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.strip() == "ready", f"worker did not start: {line!r} {proc.stderr}"
        for proc in procs:  # both go at (nearly) the same instant
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        answers = []
        for proc in procs:
            out, err = proc.communicate(timeout=timeout)
            assert proc.returncode == 0, f"worker failed ({proc.returncode}):\n{err}"
            answers.append(json.loads(out.strip().splitlines()[-1]))
        return answers
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
