"""The PostgreSQL test server on loopback (database `test`), one schema per test.

Tests that need it fail with a clear message when it cannot be reached (CI has the
server); SKIP_POSTGRES=1 skips them instead. TEST_POSTGRES_URL names another server.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_DB = "test"

_found: dict[str, str] = {}


def postgres_url() -> str:
    """A working URL for the test server (user postgres, else root), or fail/skip clearly."""
    if os.environ.get("SKIP_POSTGRES") == "1":
        pytest.skip("SKIP_POSTGRES=1: PostgreSQL tests skipped")
    if "url" in _found:
        return _found["url"]
    candidates = [os.environ["TEST_POSTGRES_URL"]] if os.environ.get("TEST_POSTGRES_URL") else []
    candidates += [f"postgresql://{u}@{PG_HOST}:{PG_PORT}/{PG_DB}" for u in ("postgres", "root")]
    problems = []
    for url in candidates:
        try:
            with psycopg.connect(url, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            problems.append(f"{url}: {str(exc).strip().splitlines()[0]}")
            continue
        _found["url"] = url
        return url
    pytest.fail(
        "PostgreSQL tests need the server on 127.0.0.1:5432 (database 'test', trust auth, "
        "user postgres or root); none answered:\n  "
        + "\n  ".join(problems)
        + "\nStart it, or set SKIP_POSTGRES=1 to skip these tests.",
        pytrace=False,
    )


def new_schema_name(prefix: str = "t_") -> str:
    """A schema name no other run uses (runs may share the server)."""
    return prefix + uuid.uuid4().hex[:16]


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
