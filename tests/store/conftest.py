"""Fixtures for the state store: real SQLite files and the real PostgreSQL on loopback.

PostgreSQL tests are marked `postgres`. When the server cannot be reached they fail with
a clear message (CI has the server); set SKIP_POSTGRES=1 to skip them instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from store_helpers import Backend, drop_schema, new_schema_name, postgres_url, sqlite_url


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    """(url, schema): a fresh schema name on the test server, dropped afterwards."""
    url = postgres_url()
    schema = new_schema_name()
    try:
        yield url, schema
    finally:
        drop_schema(url, schema)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        db = Backend("sqlite", sqlite_url(tmp_path / "state" / "bot.sqlite3"), None)
    else:
        db = Backend("postgresql", postgres_url(), new_schema_name())
    try:
        yield db
    finally:
        for store in db.stores:
            await store.close()
        if db.kind == "postgresql" and db.schema:
            drop_schema(db.url, db.schema)
