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
from psycopg import errors as pg_errors
from psycopg_pool import AsyncConnectionPool

from bot.store.base import (
    SCHEMA_VERSION,
    ClaimAttempt,
    OutboxItem,
    Store,
    StoreError,
    StoreOptions,
    load_json,
    log,
)
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
        self._slots = prefix + "slot_locks"
        self._outbox = prefix + "outbox"
        self._leases = prefix + "leases"
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

    async def _migrate(
        self, conn: psycopg.AsyncConnection[Any], *, create_schema: bool = True
    ) -> None:
        """Create what is missing. `create_schema=False` (healing a running store): a
        schema that was dropped stays dropped, only tables missing in it are made."""
        schema = self.target.schema
        lock_id = _advisory_lock_id(f"bot.store:{schema or ''}")
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_id,))
            if schema and create_schema:
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
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._slots} ("
                " slot TEXT PRIMARY KEY, owner TEXT NOT NULL,"
                " expires_at DOUBLE PRECISION NOT NULL)"
            )
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._outbox} ("
                " id TEXT PRIMARY KEY, payload TEXT NOT NULL,"
                " state TEXT NOT NULL CHECK (state IN ('pending', 'sent')),"
                " attempts INTEGER NOT NULL DEFAULT 0,"
                " due_at DOUBLE PRECISION NOT NULL, lease_until DOUBLE PRECISION,"
                " created_at DOUBLE PRECISION NOT NULL, sent_at DOUBLE PRECISION)"
            )
            await conn.execute(
                f"CREATE INDEX IF NOT EXISTS outbox_due ON {self._outbox} (state, due_at)"
            )
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._leases} ("
                " name TEXT PRIMARY KEY, holder TEXT NOT NULL,"
                " expires_at DOUBLE PRECISION NOT NULL, acquired_at DOUBLE PRECISION NOT NULL)"
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
        self.round_trips += 1
        try:
            async with pool.connection() as conn:
                try:
                    return await fn(conn)
                except pg_errors.UndefinedTable as exc:
                    log.warning(
                        "the state store (%s) lost its tables (%s); creating them again",
                        self.location,
                        self._scrub(exc),
                    )
                    await self._migrate(conn, create_schema=False)
                    return await fn(conn)
        except psycopg.Error as exc:
            raise StoreError(
                f"the state store ({self.location}) failed to {what}: {self._scrub(exc)}"
            ) from None

    # -- primitives ------------------------------------------------------------------

    async def _try_claim(
        self,
        key: str,
        token: str,
        now: float,
        lease_until: float,
        ttl: float,
        slot: str | None,
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
                    if slot is not None and not await self._lock_slot(
                        conn, slot, token, now, lease_until
                    ):
                        await conn.execute(
                            f"DELETE FROM {self._keys} WHERE key = %s AND owner = %s",
                            (key, token),
                        )
                        return ClaimAttempt(owned=False, state="slot_busy")
                    return ClaimAttempt(owned=True, state="pending")
                cur = await conn.execute(
                    f"SELECT state, result FROM {self._keys} WHERE key = %s", (key,)
                )
                row = await cur.fetchone()
            if row is None:
                return ClaimAttempt(owned=False, state="absent")
            return ClaimAttempt(owned=False, state=row[0], result=load_json(row[1]))

        return await self._run("claim a key", work)

    async def _lock_slot(
        self,
        conn: psycopg.AsyncConnection[Any],
        slot: str,
        token: str,
        now: float,
        lease_until: float,
    ) -> bool:
        cur = await conn.execute(
            f"INSERT INTO {self._slots} AS s (slot, owner, expires_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (slot) DO UPDATE SET owner = excluded.owner,"
            " expires_at = excluded.expires_at WHERE s.expires_at <= %s RETURNING owner",
            (slot, token, lease_until, now),
        )
        return await cur.fetchone() is not None

    async def _queue(
        self,
        conn: psycopg.AsyncConnection[Any],
        item_id: str,
        payload: str,
        state: str,
        now: float,
        due: float,
    ) -> bool:
        cur = await conn.execute(
            f"INSERT INTO {self._outbox}"
            " (id, payload, state, attempts, due_at, lease_until, created_at, sent_at)"
            " VALUES (%s, %s, %s, 0, %s, NULL, %s, %s) ON CONFLICT (id) DO NOTHING",
            (item_id, payload, state, due, now, now if state == "sent" else None),
        )
        return cur.rowcount == 1

    async def _complete(
        self,
        key: str,
        token: str | None,
        result: str,
        now: float,
        outbox: list[tuple[str, str]],
        outbox_due: float,
    ) -> bool:
        async def work(conn: psycopg.AsyncConnection[Any]) -> bool:
            async with conn.transaction():
                if token is not None:
                    await conn.execute(f"DELETE FROM {self._slots} WHERE owner = %s", (token,))
                for item_id, payload in outbox:
                    await self._queue(conn, item_id, payload, "pending", now, outbox_due)
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
            async with conn.transaction():
                if token is not None:
                    await conn.execute(f"DELETE FROM {self._slots} WHERE owner = %s", (token,))
                await conn.execute(
                    f"DELETE FROM {self._keys} WHERE key = %s AND state = 'pending'"
                    " AND (%s::text IS NULL OR owner = %s::text)",
                    (key, token, token),
                )

        await self._run("release a key", work)

    # -- outbox ----------------------------------------------------------------------

    async def _outbox_add(
        self, item_id: str, payload: str, now: float, due: float, sent: bool
    ) -> bool:
        async def work(conn: psycopg.AsyncConnection[Any]) -> bool:
            async with conn.transaction():
                state = "sent" if sent else "pending"
                if await self._queue(conn, item_id, payload, state, now, due):
                    return True
                if sent:
                    await conn.execute(
                        f"UPDATE {self._outbox} SET state = 'sent', sent_at = %s,"
                        " lease_until = NULL WHERE id = %s AND state = 'pending'",
                        (now, item_id),
                    )
                return False

        return await self._run("queue a delivery", work)

    async def _outbox_lease(
        self, item_id: str | None, now: float, lease_until: float, limit: int
    ) -> list[OutboxItem]:
        async def work(conn: psycopg.AsyncConnection[Any]) -> list[OutboxItem]:
            free = "state = 'pending' AND (lease_until IS NULL OR lease_until <= %s)"
            if item_id is not None:
                pick = f"SELECT id FROM {self._outbox} WHERE id = %s AND {free} FOR UPDATE"
                args: tuple[Any, ...] = (item_id, now)
            else:
                pick = (
                    f"SELECT id FROM {self._outbox} WHERE due_at <= %s AND {free}"
                    " ORDER BY due_at, id LIMIT %s FOR UPDATE SKIP LOCKED"
                )
                args = (now, now, limit)
            cur = await conn.execute(
                f"UPDATE {self._outbox} AS o SET lease_until = %s, attempts = o.attempts + 1"
                f" WHERE o.id IN ({pick}) AND o.state = 'pending'"
                " AND (o.lease_until IS NULL OR o.lease_until <= %s)"
                " RETURNING o.id, o.payload, o.attempts",
                (lease_until, *args, now),
            )
            rows = await cur.fetchall()
            return [OutboxItem(r[0], load_json(r[1]) or {}, int(r[2])) for r in rows]

        return await self._run("lease deliveries", work)

    async def _outbox_finish(self, item_id: str, now: float, due_again: float | None) -> None:
        async def work(conn: psycopg.AsyncConnection[Any]) -> None:
            if due_again is None:
                await conn.execute(
                    f"UPDATE {self._outbox} SET state = 'sent', sent_at = %s,"
                    " lease_until = NULL WHERE id = %s",
                    (now, item_id),
                )
            else:
                await conn.execute(
                    f"UPDATE {self._outbox} SET due_at = %s, lease_until = NULL"
                    " WHERE id = %s AND state = 'pending'",
                    (due_again, item_id),
                )

        await self._run("record a delivery", work)

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
            purged = cur.rowcount
            await conn.execute(f"DELETE FROM {self._slots} WHERE expires_at <= %s", (now,))
            await conn.execute(
                f"DELETE FROM {self._outbox} WHERE state = 'sent' AND sent_at <= %s",
                (now - self.options.outbox_keep,),
            )
            for namespace, keep in self.options.retention.items():
                await conn.execute(
                    f"DELETE FROM {self._kv} WHERE namespace = %s AND updated_at <= %s",
                    (namespace, now - keep),
                )
            return purged

        return await self._run("purge expired keys", work)

    async def _ping(self) -> None:
        async def work(conn: psycopg.AsyncConnection[Any]) -> None:
            # a table, not just "SELECT 1": a dropped schema makes the store unusable
            await conn.execute(f"SELECT 1 FROM {self._kv} LIMIT 1")

        await self._run("answer a ping", work)

    async def _take_lease(
        self, name: str, holder: str, now: float, until: float
    ) -> tuple[str, float, float]:
        async def work(conn: psycopg.AsyncConnection[Any]) -> tuple[str, float, float]:
            async with conn.transaction():
                await conn.execute(
                    f"INSERT INTO {self._leases} AS l (name, holder, expires_at, acquired_at)"
                    " VALUES (%s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET"
                    " acquired_at = CASE WHEN l.holder = excluded.holder"
                    " THEN l.acquired_at ELSE excluded.acquired_at END,"
                    " holder = excluded.holder, expires_at = excluded.expires_at"
                    " WHERE l.holder = excluded.holder OR l.expires_at <= %s",
                    (name, holder, until, now, now),
                )
                cur = await conn.execute(
                    f"SELECT holder, expires_at, acquired_at FROM {self._leases} WHERE name = %s",
                    (name,),
                )
                row = await cur.fetchone()
            assert row is not None
            return str(row[0]), float(row[1]), float(row[2])

        return await self._run("take a lease", work)

    async def _read_lease(self, name: str) -> tuple[str, float, float] | None:
        async def work(conn: psycopg.AsyncConnection[Any]) -> tuple[str, float, float] | None:
            cur = await conn.execute(
                f"SELECT holder, expires_at, acquired_at FROM {self._leases} WHERE name = %s",
                (name,),
            )
            row = await cur.fetchone()
            return None if row is None else (str(row[0]), float(row[1]), float(row[2]))

        return await self._run("read a lease", work)

    async def _release_lease(self, name: str, holder: str) -> bool:
        async def work(conn: psycopg.AsyncConnection[Any]) -> bool:
            cur = await conn.execute(
                f"DELETE FROM {self._leases} WHERE name = %s AND holder = %s", (name, holder)
            )
            return cur.rowcount > 0

        return await self._run("release a lease", work)


def _advisory_lock_id(name: str) -> int:
    """A stable signed 64-bit id for pg_advisory_xact_lock, derived from `name`."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
