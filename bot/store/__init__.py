"""Small persistent state shared by every bot process: idempotency keys and settings.

SQLite (a file; the default) for one machine, PostgreSQL when DATABASE_URL says
`postgresql://` or `postgres://` (several processes or machines). Both backends speak the
same `Store` interface; see `sqlite.py` and `postgres.py` for why each driver is used as
it is.

    store = await open_store(settings.database_url)
    claim = await store.claim(key)            # exactly one caller gets owner=True
    if claim.owner:
        try:
            booking = await create_booking(...)
        except Exception:
            await store.release(key)          # the same intent may be tried again
            raise
        await store.complete(key, {"booking_id": booking.id})
    else:
        ...                                   # claim.result is the owner's result
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.store.base import Claim, Clock, Lease, Store, StoreError, StoreOptions
from bot.store.sqlite import SQLiteStore
from bot.store.urls import PostgresTarget, mask_url, parse_database_url

if TYPE_CHECKING:
    from bot.store.postgres import PostgresStore

__all__ = [
    "Claim",
    "Lease",
    "PostgresStore",
    "SQLiteStore",
    "Store",
    "StoreError",
    "mask_url",
    "open_store",
]


def __getattr__(name: str) -> Any:
    """`PostgresStore` is imported when first named: psycopg (about 11 MB and a tenth of
    a second at start) is loaded only by processes whose DATABASE_URL is PostgreSQL."""
    if name == "PostgresStore":
        from bot.store.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


async def open_store(
    database_url: str,
    *,
    schema: str | None = None,
    lease_seconds: float = 60.0,
    poll_interval: float = 0.05,
    pool_size: int = 4,
    clock: Clock | None = None,
) -> Store:
    """Open the store named by `database_url`, creating or migrating its tables.

    `schema` (PostgreSQL only) keeps the tables in their own schema, created if missing;
    a `?options=-csearch_path%3Dname` in the URL does the same. `lease_seconds` is how
    long a pending claim survives an owner that died. Raises StoreError (naming
    DATABASE_URL, password masked) when the database cannot be reached or prepared.
    """
    if lease_seconds <= 0:
        raise ValueError("lease_seconds must be positive")
    options = StoreOptions(
        lease_seconds=lease_seconds,
        poll_interval=poll_interval,
        poll_max=max(poll_interval, 0.25),
        clock=clock or time.time,
    )
    target = parse_database_url(database_url, schema)
    store: SQLiteStore | PostgresStore
    if isinstance(target, PostgresTarget):
        from bot.store.postgres import PostgresStore

        store = PostgresStore(target, options, pool_size=pool_size)
    else:
        store = SQLiteStore(target, options)
    await store._open()
    return store
