"""Helpers shared by the store tests (imported by conftest and the test modules)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from support.postgres import (  # re-exported for the store tests
    drop_schema as drop_schema,
)
from support.postgres import (
    new_schema_name as new_schema_name,
)
from support.postgres import (
    postgres_url as postgres_url,
)

from bot.store import Store, open_store


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
