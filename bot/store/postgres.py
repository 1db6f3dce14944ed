"""The PostgreSQL backend, for several bot processes (possibly on several machines).

Why psycopg 3's native async API with a small `AsyncConnectionPool`: the bot is an asyncio
app, so queries must not block the loop; the pool keeps a couple of warm connections
(Heroku's hobby plans allow few) and checks each one before lending it, so a restarted
server costs one reconnect instead of a failed request.

Tables are created on start inside one transaction that first takes a transaction-scoped
advisory lock: `CREATE TABLE IF NOT EXISTS` is not safe against a concurrent twin (both
may pass the existence check and one then fails on the catalog's unique index), so
processes starting together migrate one after the other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool

from bot.store.base import SCHEMA_VERSION, ClaimAttempt, Store, StoreError, StoreOptions, load_json
from bot.store.urls import PostgresTarget, mask_url, scrub

T = TypeVar("T")

CONNECT_TIMEOUT_SECONDS = 5


class PostgresStore(Store):
    kind = "postgresql"

    def __init__(
        self,
        target: PostgresTarget,
        options: StoreOptions,
        *,
        pool_size: int = 4,
        pool_timeout: float = 5.0,
    ) -> None:
        super().__init__(options)
        self.target = target
        self.pool_size = pool_size
        self.pool_timeout = pool_timeout
        self._pool: AsyncConnectionPool | None = None
        prefix = f'"{target.schema}".' if target.schema else ""
        self._keys = prefix + "idempotency_keys"
        self._kv = prefix + "kv_settings"
        self._version = prefix + "schema_version"
        # Shown in pg_stat_activity, so an operator can tell the bot's connections apart.
        self.application_name = "fluentbooking-bot" + (f":{target.schema}" if target.schema else "")

    @property
    def location(self) -> str:
        return self.target.location()

    @property
    def _shown_url(self) -> str:
        return mask_url(self.target.url)

    # -- lifecycle -------------------------------------------------------------------

    async def _open(self) -> None:
        # One plain connection first: a server that is down fails fast, with a clear
        # message, instead of the pool retrying in the background until a timeout.
        try:
            conn = await psycopg.AsyncConnection.connect(
                self.target.url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                application_name=self.application_name,
            )
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the state store named by DATABASE_URL "
                f"({self._shown_url}): {self._scrub(exc)}"
            ) from None
        try:
            async with conn:
                await self._migrate(conn)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot prepare the state store named by DATABASE_URL "
                f"({self._shown_url}): {self._scrub(exc)}"
            ) from None
        pool = AsyncConnectionPool(
            self.target.url,
            kwargs={
                "autocommit": True,
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                "application_name": self.application_name,
            },
            min_size=1,
            max_size=self.pool_size,
            open=False,
            check=AsyncConnectionPool.check_connection,
            timeout=self.pool_timeout,
            name="bot-store",
        )
        try:
            await pool.open(wait=True, timeout=self.pool_timeout)
        except psycopg.Error as exc:
            await pool.close()
            raise StoreError(
                f"cannot connect to the state store named by DATABASE_URL "
                f"({self._shown_url}): {self._scrub(exc)}"
            ) from None
        self._pool = pool

    async def _migrate(self, conn: psycopg.AsyncConnection[Any]) -> None:
        schema = self.target.schema
        lock_id = _advisory_lock_id(f"bot.store:{schema or ''}")
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_id,))
            if schema:
                await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._version} ("
                " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
            )
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._keys} ("
                " key TEXT PRIMARY KEY,"
                " state TEXT NOT NULL CHECK (state IN ('pending', 'done')),"
                " owner TEXT, result TEXT,"
                " ttl_seconds DOUBLE PRECISION NOT NULL,"
                " expires_at DOUBLE PRECISION NOT NULL,"
                " created_at DOUBLE PRECISION NOT NULL)"
            )
            await conn.execute(
                f"CREATE INDEX IF NOT EXISTS idempotency_keys_expires ON {self._keys} (expires_at)"
            )
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._kv} ("
                " namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
                " updated_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (namespace, key))"
            )
            cur = await conn.execute(f"SELECT version FROM {self._version} WHERE id = 1")
            row = await cur.fetchone()
            if row is None:
                await conn.execute(
                    f"INSERT INTO {self._version} (id, version) VALUES (1, %s)", (SCHEMA_VERSION,)
                )
            elif row[0] > SCHEMA_VERSION:
                raise StoreError(
                    f"the database has schema version {row[0]}, newer than this bot's "
                    f"{SCHEMA_VERSION}; upgrade the bot"
                )

    async def _close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    # -- plumbing --------------------------------------------------------------------

    def _scrub(self, exc: BaseException) -> str:
        text = " ".join(str(exc).split()) or type(exc).__name__
        return scrub(text, self.target.url)

    async def _run(
        self, what: str, fn: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]
    ) -> T:
        pool = self._pool
        if pool is None:
            raise StoreError(f"the state store ({self.location}) is closed")
        try:
            async with pool.connection() as conn:
                return await fn(conn)
        except psycopg.Error as exc:
            raise StoreError(
                f"the state store ({self.location}) failed to {what}: {self._scrub(exc)}"
            ) from None

    # -- primitives ------------------------------------------------------------------

    async def _try_claim(
        self, key: str, token: str, now: float, lease_until: float, ttl: float
    ) -> ClaimAttempt:
        async def work(conn: psycopg.AsyncConnection[Any]) -> ClaimAttempt:
            async with conn.transaction():
                cur = await conn.execute(
                    f"INSERT INTO {self._keys} AS k"
                    " (key, state, owner, result, ttl_seconds, expires_at, created_at)"
                    " VALUES (%s, 'pending', %s, NULL, %s, %s, %s)"
                    " ON CONFLICT (key) DO UPDATE SET"
                    " state = 'pending', owner = excluded.owner, result = NULL,"
                    " ttl_seconds = excluded.ttl_seconds, expires_at = excluded.expires_at,"
                    " created_at = excluded.created_at"
                    " WHERE k.expires_at <= %s RETURNING owner",
                    (key, token, ttl, lease_until, now, now),
                )
                if await cur.fetchone() is not None:
                    return ClaimAttempt(owned=True, state="pending")
                cur = await conn.execute(
                    f"SELECT state, result FROM {self._keys} WHERE key = %s", (key,)
                )
                row = await cur.fetchone()
            if row is None:
                return ClaimAttempt(owned=False, state="absent")
            return ClaimAttempt(owned=False, state=row[0], result=load_json(row[1]))

        return await self._run("claim a key", work)

    async def _complete(self, key: str, token: str | None, result: str, now: float) -> bool:
        async def work(conn: psycopg.AsyncConnection[Any]) -> bool:
            async with conn.transaction():
                cur = await conn.execute(
                    f"UPDATE {self._keys} SET state = 'done', result = %s,"
                    " expires_at = %s + ttl_seconds"
                    " WHERE key = %s AND state = 'pending'"
                    " AND (%s::text IS NULL OR owner = %s::text)",
                    (result, now, key, token, token),
                )
                if cur.rowcount == 1:
                    return True
                cur = await conn.execute(
                    f"INSERT INTO {self._keys}"
                    " (key, state, owner, result, ttl_seconds, expires_at, created_at)"
                    " VALUES (%s, 'done', %s, %s, 86400, %s + 86400, %s)"
                    " ON CONFLICT (key) DO NOTHING",
                    (key, token, result, now, now),
                )
                return cur.rowcount == 1

        return await self._run("record a result", work)

    async def _release(self, key: str, token: str | None) -> None:
        async def work(conn: psycopg.AsyncConnection[Any]) -> None:
            await conn.execute(
                f"DELETE FROM {self._keys} WHERE key = %s AND state = 'pending'"
                " AND (%s::text IS NULL OR owner = %s::text)",
                (key, token, token),
            )

        await self._run("release a key", work)

    async def _get_value(self, namespace: str, key: str) -> str | None:
        async def work(conn: psycopg.AsyncConnection[Any]) -> str | None:
            cur = await conn.execute(
                f"SELECT value FROM {self._kv} WHERE namespace = %s AND key = %s",
                (namespace, key),
            )
            row = await cur.fetchone()
            return None if row is None else str(row[0])

        return await self._run("read a setting", work)

    async def _set_value(self, namespace: str, key: str, value: str, now: float) -> None:
        async def work(conn: psycopg.AsyncConnection[Any]) -> None:
            await conn.execute(
                f"INSERT INTO {self._kv} (namespace, key, value, updated_at)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (namespace, key) DO UPDATE SET"
                " value = excluded.value, updated_at = excluded.updated_at",
                (namespace, key, value, now),
            )

        await self._run("save a setting", work)

    async def _delete_value(self, namespace: str, key: str) -> bool:
        async def work(conn: psycopg.AsyncConnection[Any]) -> bool:
            cur = await conn.execute(
                f"DELETE FROM {self._kv} WHERE namespace = %s AND key = %s", (namespace, key)
            )
            return cur.rowcount > 0

        return await self._run("delete a setting", work)

    async def _purge(self, now: float) -> int:
        async def work(conn: psycopg.AsyncConnection[Any]) -> int:
            cur = await conn.execute(f"DELETE FROM {self._keys} WHERE expires_at <= %s", (now,))
            return cur.rowcount

        return await self._run("purge expired keys", work)

    async def _ping(self) -> None:
        async def work(conn: psycopg.AsyncConnection[Any]) -> None:
            await conn.execute("SELECT 1")

        await self._run("answer a ping", work)


def _advisory_lock_id(name: str) -> int:
    """A stable signed 64-bit id for pg_advisory_xact_lock, derived from `name`."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
