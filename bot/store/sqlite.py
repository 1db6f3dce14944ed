"""The SQLite backend: a file on this machine, shared safely by several processes.

Why the standard `sqlite3` module behind `asyncio.to_thread` rather than an async driver:
every statement here is a sub-millisecond, single-row operation, SQLite serialises writers
anyway, and the standard module adds no dependency. One connection per store, guarded by
a lock, is used from worker threads so the event loop never blocks on disk or on another
process's write lock. WAL mode lets readers run alongside a writer; the busy timeout
makes a process wait for another's write instead of failing; `BEGIN IMMEDIATE` takes the
write lock up front so insert-or-take-over is one atomic step across processes.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import TypeVar

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
from bot.store.urls import SQLiteTarget

T = TypeVar("T")

BUSY_TIMEOUT_SECONDS = 10.0

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS schema_version (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS idempotency_keys (
        key TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
        owner TEXT,
        result TEXT,
        ttl_seconds REAL NOT NULL,
        expires_at REAL NOT NULL,
        created_at REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS idempotency_keys_expires ON idempotency_keys (expires_at)",
    """CREATE TABLE IF NOT EXISTS kv_settings (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (namespace, key)
    )""",
    """CREATE TABLE IF NOT EXISTS slot_locks (
        slot TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at REAL NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS outbox (
        id TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent')),
        attempts INTEGER NOT NULL DEFAULT 0,
        due_at REAL NOT NULL,
        lease_until REAL,
        created_at REAL NOT NULL,
        sent_at REAL
    )""",
    "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, due_at)",
    """CREATE TABLE IF NOT EXISTS leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at REAL NOT NULL,
        acquired_at REAL NOT NULL
    )""",
]

_LOCK_SLOT = """
INSERT INTO slot_locks (slot, owner, expires_at) VALUES (?, ?, ?)
ON CONFLICT (slot) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
WHERE slot_locks.expires_at <= ?
"""

_OUTBOX_QUEUE = """
INSERT INTO outbox (id, payload, state, attempts, due_at, lease_until, created_at, sent_at)
VALUES (?, ?, ?, 0, ?, NULL, ?, ?) ON CONFLICT (id) DO NOTHING
"""

_CLAIM = """
INSERT INTO idempotency_keys (key, state, owner, result, ttl_seconds, expires_at, created_at)
VALUES (?, 'pending', ?, NULL, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET
    state = 'pending', owner = excluded.owner, result = NULL,
    ttl_seconds = excluded.ttl_seconds, expires_at = excluded.expires_at,
    created_at = excluded.created_at
WHERE idempotency_keys.expires_at <= ?
"""

_TAKE_LEASE = """
INSERT INTO leases (name, holder, expires_at, acquired_at) VALUES (?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET
    acquired_at = CASE WHEN leases.holder = excluded.holder
                       THEN leases.acquired_at ELSE excluded.acquired_at END,
    holder = excluded.holder, expires_at = excluded.expires_at
WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
"""


class SQLiteStore(Store):
    kind = "sqlite"

    def __init__(self, target: SQLiteTarget, options: StoreOptions) -> None:
        super().__init__(options)
        self.target = target
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None  # (device, inode) of the open file
        self._gone_logged = False

    @property
    def location(self) -> str:
        return self.target.location()

    # -- lifecycle -------------------------------------------------------------------

    async def _open(self) -> None:
        try:
            await asyncio.to_thread(self._open_sync)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(
                f"cannot open the state store named by DATABASE_URL ({self.location}): {exc}"
            ) from None

    def _open_sync(self) -> None:
        path = self.target.path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            ":memory:" if path is None else str(path),
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,  # autocommit; transactions are explicit
            check_same_thread=False,  # used from worker threads, one at a time (the lock)
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            if path is not None:
                self._enable_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self._identity = self._file_identity()

    def _file_identity(self) -> tuple[int, int] | None:
        path = self.target.path
        if path is None:
            return None
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return None
        return info.st_dev, info.st_ino

    def _file_is_gone(self) -> bool:
        """True when the file we opened was deleted, moved or replaced under us.

        A deleted file stays readable and writable through the open connection (its
        inode lives on), so without this check the bot would go on writing into a file
        nobody can see, and lose it all at the next restart."""
        if self.target.path is None or self._identity is None:
            return False
        return self._file_identity() != self._identity

    def _reopen_sync(self) -> sqlite3.Connection:
        """A new file (and tables) at the configured path, after the old one went away."""
        path = self.target.path
        assert path is not None
        if not self._gone_logged:
            log.error(
                "the state store's SQLite file %s was deleted or replaced while the bot ran; "
                "its idempotency keys and remembered bookings are lost; starting a new file",
                path,
            )
            self._gone_logged = True
        old, self._conn = self._conn, None
        if old is not None:
            old.close()
        if not path.exists():  # a WAL or shared-memory file left over belongs to the old one
            for suffix in ("-wal", "-shm"):
                leftover = path.with_name(path.name + suffix)
                if leftover.exists():
                    leftover.unlink()
        self._open_sync()
        self._gone_logged = False  # a later loss is logged again
        assert self._conn is not None
        return self._conn

    @staticmethod
    def _enable_wal(conn: sqlite3.Connection) -> None:
        # Switching to WAL needs a moment of exclusive access; a process starting at the
        # same instant may hold the file, so retry briefly.
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    log.warning("SQLite refused WAL mode (journal_mode=%s)", mode)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                conn.execute(statement)
            row = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
            if row is None:
                conn.execute("INSERT INTO schema_version (id, version) VALUES (1, ?)", (1,))
            elif row[0] > SCHEMA_VERSION:
                raise StoreError(
                    f"the database has schema version {row[0]}, newer than this bot's "
                    f"{SCHEMA_VERSION}; upgrade the bot"
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await asyncio.to_thread(self._close_sync, conn)

    def _close_sync(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            conn.close()

    # -- plumbing --------------------------------------------------------------------

    async def _run(self, what: str, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._conn is None:
            raise StoreError(f"the state store ({self.location}) is closed")

        def call() -> T:
            with self._lock:
                conn = self._conn
                if conn is None:
                    raise StoreError(f"the state store ({self.location}) is closed")
                if self._file_is_gone():
                    conn = self._reopen_sync()
                try:
                    return fn(conn)
                except sqlite3.OperationalError as exc:
                    if "no such table" not in str(exc):
                        raise
                    log.warning(
                        "the state store (%s) lost its tables (%s); creating them again",
                        self.location,
                        exc,
                    )
                    self._migrate(conn)
                    return fn(conn)

        self.round_trips += 1
        try:
            return await asyncio.to_thread(call)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"the state store ({self.location}) failed to {what}: {exc}") from exc

    @staticmethod
    def _in_write_tx(conn: sqlite3.Connection, fn: Callable[[], T]) -> T:
        conn.execute("BEGIN IMMEDIATE")
        try:
            value = fn()
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return value

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
        def work(conn: sqlite3.Connection) -> ClaimAttempt:
            def tx() -> ClaimAttempt:
                cur = conn.execute(_CLAIM, (key, token, ttl, lease_until, now, now))
                if cur.rowcount == 1:
                    if slot is not None:
                        locked = conn.execute(_LOCK_SLOT, (slot, token, lease_until, now))
                        if locked.rowcount != 1:  # another intent is booking this slot
                            conn.execute(
                                "DELETE FROM idempotency_keys WHERE key = ? AND owner = ?",
                                (key, token),
                            )
                            return ClaimAttempt(owned=False, state="slot_busy")
                    return ClaimAttempt(owned=True, state="pending")
                row = conn.execute(
                    "SELECT state, result FROM idempotency_keys WHERE key = ?", (key,)
                ).fetchone()
                if row is None:
                    return ClaimAttempt(owned=False, state="absent")
                return ClaimAttempt(owned=False, state=row[0], result=load_json(row[1]))

            return self._in_write_tx(conn, tx)

        return await self._run("claim a key", work)

    async def _complete(
        self,
        key: str,
        token: str | None,
        result: str,
        now: float,
        outbox: list[tuple[str, str]],
        outbox_due: float,
    ) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            def tx() -> bool:
                if token is not None:
                    conn.execute("DELETE FROM slot_locks WHERE owner = ?", (token,))
                for item_id, payload in outbox:
                    conn.execute(
                        _OUTBOX_QUEUE, (item_id, payload, "pending", outbox_due, now, None)
                    )
                cur = conn.execute(
                    "UPDATE idempotency_keys SET state = 'done', result = ?,"
                    " expires_at = ? + ttl_seconds"
                    " WHERE key = ? AND state = 'pending' AND (? IS NULL OR owner = ?)",
                    (result, now, key, token, token),
                )
                if cur.rowcount == 1:
                    return True
                cur = conn.execute(
                    "INSERT INTO idempotency_keys"
                    " (key, state, owner, result, ttl_seconds, expires_at, created_at)"
                    " VALUES (?, 'done', ?, ?, 86400, ? + 86400, ?) ON CONFLICT (key) DO NOTHING",
                    (key, token, result, now, now),
                )
                return cur.rowcount == 1

            return self._in_write_tx(conn, tx)

        return await self._run("record a result", work)

    async def _release(self, key: str, token: str | None) -> None:
        def work(conn: sqlite3.Connection) -> None:
            def tx() -> None:
                if token is not None:
                    conn.execute("DELETE FROM slot_locks WHERE owner = ?", (token,))
                conn.execute(
                    "DELETE FROM idempotency_keys"
                    " WHERE key = ? AND state = 'pending' AND (? IS NULL OR owner = ?)",
                    (key, token, token),
                )

            self._in_write_tx(conn, tx)

        await self._run("release a key", work)

    # -- outbox ----------------------------------------------------------------------

    async def _outbox_add(
        self, item_id: str, payload: str, now: float, due: float, sent: bool
    ) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            def tx() -> bool:
                state = "sent" if sent else "pending"
                cur = conn.execute(
                    _OUTBOX_QUEUE, (item_id, payload, state, due, now, now if sent else None)
                )
                if cur.rowcount == 1:
                    return True
                if sent:
                    conn.execute(
                        "UPDATE outbox SET state = 'sent', sent_at = ?, lease_until = NULL"
                        " WHERE id = ? AND state = 'pending'",
                        (now, item_id),
                    )
                return False

            return self._in_write_tx(conn, tx)

        return await self._run("queue a delivery", work)

    async def _outbox_lease(
        self, item_id: str | None, now: float, lease_until: float, limit: int
    ) -> list[OutboxItem]:
        def work(conn: sqlite3.Connection) -> list[OutboxItem]:
            def tx() -> list[OutboxItem]:
                free = "state = 'pending' AND (lease_until IS NULL OR lease_until <= ?)"
                if item_id is not None:
                    rows = conn.execute(
                        f"SELECT id, payload, attempts FROM outbox WHERE id = ? AND {free}",
                        (item_id, now),
                    ).fetchall()
                else:
                    rows = conn.execute(
                        f"SELECT id, payload, attempts FROM outbox WHERE due_at <= ? AND {free}"
                        " ORDER BY due_at, id LIMIT ?",
                        (now, now, limit),
                    ).fetchall()
                items = []
                for found_id, payload, attempts in rows:
                    conn.execute(
                        "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id = ?",
                        (lease_until, found_id),
                    )
                    items.append(OutboxItem(found_id, load_json(payload) or {}, attempts + 1))
                return items

            return self._in_write_tx(conn, tx)

        return await self._run("lease deliveries", work)

    async def _outbox_finish(self, item_id: str, now: float, due_again: float | None) -> None:
        if due_again is None:
            sql = "UPDATE outbox SET state = 'sent', sent_at = ?, lease_until = NULL WHERE id = ?"
            args: tuple[float | str, ...] = (now, item_id)
        else:
            sql = (
                "UPDATE outbox SET due_at = ?, lease_until = NULL"
                " WHERE id = ? AND state = 'pending'"
            )
            args = (due_again, item_id)
        await self._run("record a delivery", lambda conn: conn.execute(sql, args))

    async def _get_value(self, namespace: str, key: str) -> str | None:
        def work(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT value FROM kv_settings WHERE namespace = ? AND key = ?", (namespace, key)
            ).fetchone()
            return None if row is None else str(row[0])

        return await self._run("read a setting", work)

    async def _set_value(self, namespace: str, key: str, value: str, now: float) -> None:
        await self._run(
            "save a setting",
            lambda conn: conn.execute(
                "INSERT INTO kv_settings (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (namespace, key) DO UPDATE SET"
                " value = excluded.value, updated_at = excluded.updated_at",
                (namespace, key, value, now),
            ),
        )

    async def _delete_value(self, namespace: str, key: str) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "DELETE FROM kv_settings WHERE namespace = ? AND key = ?", (namespace, key)
            )
            return cur.rowcount > 0

        return await self._run("delete a setting", work)

    async def _purge(self, now: float) -> int:
        def work(conn: sqlite3.Connection) -> int:
            cur = conn.execute("DELETE FROM idempotency_keys WHERE expires_at <= ?", (now,))
            purged = cur.rowcount
            conn.execute("DELETE FROM slot_locks WHERE expires_at <= ?", (now,))
            conn.execute(
                "DELETE FROM outbox WHERE state = 'sent' AND sent_at <= ?",
                (now - self.options.outbox_keep,),
            )
            for namespace, keep in self.options.retention.items():
                conn.execute(
                    "DELETE FROM kv_settings WHERE namespace = ? AND updated_at <= ?",
                    (namespace, now - keep),
                )
            return purged

        return await self._run("purge expired keys", work)

    async def _ping(self) -> None:
        watched = self.target.path is not None and self._identity is not None
        if watched and self._file_identity() is None:
            if not self._gone_logged:
                log.error(
                    "the state store's SQLite file %s is gone (deleted or moved); "
                    "the next write starts a new, empty one",
                    self.target.path,
                )
                self._gone_logged = True
            raise StoreError(
                f"the state store's SQLite file ({self.target.path}) is gone: "
                "deleted or moved while the bot ran"
            )
        await self._run(
            "answer a ping",
            lambda conn: conn.execute("SELECT 1 FROM kv_settings LIMIT 1").fetchone(),
        )
        await self._run("answer a ping", lambda conn: conn.execute("SELECT 1").fetchone())

    async def _take_lease(
        self, name: str, holder: str, now: float, until: float
    ) -> tuple[str, float, float]:
        def work(conn: sqlite3.Connection) -> tuple[str, float, float]:
            def tx() -> tuple[str, float, float]:
                conn.execute(_TAKE_LEASE, (name, holder, until, now, now))
                row = conn.execute(
                    "SELECT holder, expires_at, acquired_at FROM leases WHERE name = ?", (name,)
                ).fetchone()
                return str(row[0]), float(row[1]), float(row[2])

            return self._in_write_tx(conn, tx)

        return await self._run("take a lease", work)

    async def _read_lease(self, name: str) -> tuple[str, float, float] | None:
        def work(conn: sqlite3.Connection) -> tuple[str, float, float] | None:
            row = conn.execute(
                "SELECT holder, expires_at, acquired_at FROM leases WHERE name = ?", (name,)
            ).fetchone()
            return None if row is None else (str(row[0]), float(row[1]), float(row[2]))

        return await self._run("read a lease", work)

    async def _release_lease(self, name: str, holder: str) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            cur = conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))
            return cur.rowcount > 0

        return await self._run("release a lease", work)
