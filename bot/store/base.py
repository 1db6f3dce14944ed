"""The store's contract, shared by both backends: errors, Claim, and the claim/wait loop."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

log = logging.getLogger("bot.store")

MAX_KEY_LENGTH = 400
SCHEMA_VERSION = 1

Clock = Callable[[], float]

#: Settings namespaces that hold one record per booking, and how long a record nobody
#: has touched is kept (seconds). Without this they would grow with every booking ever
#: seen; a year is longer than any booking window a site offers, so a record only goes
#: once its booking can no longer change. The features own the names (a test checks
#: that these are theirs); the store only ages the rows.
RECORD_RETENTION: Mapping[str, float] = {
    "feed_booking": 365 * 86400.0,  # bot.feed.state.BOOKINGS
    "booking_messages": 365 * 86400.0,  # bot.lifecycle.records.MESSAGES
    "booking_changes": 365 * 86400.0,  # bot.lifecycle.records.CHANGES
    "booking_origin": 365 * 86400.0,  # bot.lifecycle.records.ORIGIN
}


class StoreError(Exception):
    """The state store is unreachable, closed or failing. The message never holds a password."""


@dataclass(frozen=True)
class Claim:
    """The answer to `Store.claim()`.

    owner True: this caller must do the work, then `complete()` or `release()`.
    owner False: `result` is the first caller's result, or None when the first caller was
    still working after `wait_seconds` (then `timed_out` is True).
    """

    key: str
    owner: bool
    result: dict[str, Any] | None = None
    timed_out: bool = False
    slot_busy: bool = False  # timed out because another intent held the slot lock


@dataclass(frozen=True)
class OutboxItem:
    """Something to deliver once (a DM, an announcement), leased to one caller at a time."""

    item_id: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class ClaimAttempt:
    """One atomic try at a key, as a backend reports it."""

    owned: bool
    state: Literal["pending", "done", "absent", "slot_busy"]
    result: dict[str, Any] | None = None


@dataclass(frozen=True)
class Lease:
    """Who holds a named lease (one worker at a time across processes) and until when.

    `held` is True when the caller of `take_lease` holds it now (taken or renewed).
    `acquired_at` is when the current holder took it (renewals keep it).
    """

    name: str
    holder: str | None
    expires_at: float
    acquired_at: float
    held: bool = False


@dataclass
class StoreOptions:
    lease_seconds: float = 60.0  # how long a "pending" claim survives a dead owner
    poll_interval: float = 0.05  # first wait between polls; doubles up to poll_max
    poll_max: float = 0.25
    clock: Clock = field(default=time.time)  # wall clock in seconds; injectable for tests
    purge_every: float = 3600.0  # expired keys are deleted by claim() at most this often
    outbox_keep: float = 7 * 86400.0  # delivered outbox rows are kept this long (never twice)
    #: namespace -> seconds a setting untouched that long is kept (see RECORD_RETENTION)
    retention: Mapping[str, float] = field(default_factory=lambda: dict(RECORD_RETENTION))


def check_key(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    if len(value) > MAX_KEY_LENGTH:
        raise ValueError(f"{name} is longer than {MAX_KEY_LENGTH} characters")
    return value


def dump_json(name: str, value: object) -> str:
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict (a JSON object), got {type(value).__name__}")
    try:
        return json.dumps(value, separators=(",", ":"), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} is not JSON-serialisable: {exc}") from None


def load_json(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


class Store(ABC):
    """Small persistent state shared by every process of the bot.

    Idempotency keys (`claim`/`complete`/`release`) and namespaced JSON settings
    (`get_value`/`set_value`). Every failure of the database surfaces as StoreError.
    """

    kind: str = ""

    def __init__(self, options: StoreOptions) -> None:
        self.options = options
        self._tokens: dict[str, str] = {}  # key -> token of the claims this process owns
        self._closed = False
        self._next_purge = 0.0
        #: calls that reached the database (one transaction each); benchmarks count them
        self.round_trips = 0

    # -- idempotency keys ------------------------------------------------------------

    async def claim(
        self,
        key: str,
        ttl_seconds: float = 86400,
        wait_seconds: float = 10.0,
        *,
        slot: str | None = None,
    ) -> Claim:
        """Atomically become the one owner of `key`, or get the owner's result.

        A non-owner polls while the owner is still working, up to `wait_seconds`. If the
        owner releases the key or its pending lease runs out meanwhile, this caller takes
        the key over and becomes the owner.

        `slot` (e.g. "slot:host:7:2025-01-07T15:00Z") is also locked, in the same
        transaction: owning the key means holding the slot, so two intents for one slot
        (two members, two processes) never work at once. The lock goes with `complete()` or
        `release()` (same transaction) or when the lease runs out. While another intent
        holds the slot this call waits; after `wait_seconds` it answers `slot_busy`.
        """
        check_key("key", key)
        if slot is not None:
            check_key("slot", slot)
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        if wait_seconds < 0:
            raise ValueError("wait_seconds must not be negative")
        self._check_open()
        await self._maybe_purge()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        delay = self.options.poll_interval
        while True:
            token = uuid.uuid4().hex
            now = self.options.clock()
            attempt = await self._try_claim(
                key, token, now, now + self.options.lease_seconds, float(ttl_seconds), slot
            )
            if attempt.owned:
                self._tokens[key] = token
                return Claim(key=key, owner=True)
            if attempt.state == "done":
                return Claim(key=key, owner=False, result=attempt.result)
            if attempt.state == "absent":
                continue  # released between our insert and our read: try again at once
            remaining = deadline - loop.time()
            if remaining <= 0:
                busy = attempt.state == "slot_busy"
                log.info(
                    "claim %r still %s after %.1fs; giving up waiting",
                    key,
                    "waiting for its slot" if busy else "pending",
                    wait_seconds,
                )
                return Claim(key=key, owner=False, timed_out=True, slot_busy=busy)
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, self.options.poll_max)

    async def complete(
        self,
        key: str,
        result: dict[str, Any],
        *,
        outbox: dict[str, dict[str, Any]] | None = None,
        outbox_delay: float = 0.0,
    ) -> None:
        """Record the owner's result; later claims of `key` get it until the key's TTL ends.

        `outbox` ({item id: payload}) is queued in the same transaction, due after
        `outbox_delay` seconds (items already queued are kept as they are): the result
        and what must be delivered because of it are saved together or not at all."""
        check_key("key", key)
        text = dump_json("result", result)
        items = [
            (check_key("outbox id", i), dump_json("outbox payload", p))
            for i, p in (outbox or {}).items()
        ]
        self._check_open()
        token = self._tokens.get(key)  # kept if this fails, so release() still frees the slot
        now = self.options.clock()
        completed = await self._complete(key, token, text, now, items, now + outbox_delay)
        self._tokens.pop(key, None)
        if not completed:
            log.warning(
                "claim %r was taken over by another caller before it completed; "
                "the other caller's outcome stands",
                key,
            )

    async def release(self, key: str) -> None:
        """Give up an owned claim after a failed attempt, so the next claim may own it."""
        check_key("key", key)
        self._check_open()
        token = self._tokens.pop(key, None)
        await self._release(key, token)

    # -- outbox ----------------------------------------------------------------------

    async def outbox_add(
        self, item_id: str, payload: dict[str, Any], *, delay: float = 0.0, sent: bool = False
    ) -> bool:
        """Queue `payload` for delivery; False when `item_id` is queued or delivered already.

        `sent=True` records a delivery made while the store was unreachable (an item
        still pending under that id is marked delivered)."""
        check_key("outbox id", item_id)
        text = dump_json("outbox payload", payload)
        self._check_open()
        now = self.options.clock()
        return await self._outbox_add(item_id, text, now, now + delay, sent)

    async def outbox_take(self, item_id: str, lease_seconds: float = 60.0) -> OutboxItem | None:
        """Lease one pending item now (due or not); None when delivered or leased elsewhere."""
        check_key("outbox id", item_id)
        self._check_open()
        now = self.options.clock()
        items = await self._outbox_lease(item_id, now, now + lease_seconds, 1)
        return items[0] if items else None

    async def outbox_due(self, limit: int = 20, lease_seconds: float = 60.0) -> list[OutboxItem]:
        """Lease up to `limit` pending items whose time has come (oldest first)."""
        self._check_open()
        now = self.options.clock()
        return await self._outbox_lease(None, now, now + lease_seconds, limit)

    async def outbox_done(self, item_id: str) -> None:
        """Mark a leased item delivered: it is never handed out again."""
        check_key("outbox id", item_id)
        self._check_open()
        await self._outbox_finish(item_id, self.options.clock(), None)

    async def outbox_retry(self, item_id: str, delay: float) -> None:
        """Give a leased item back, due again in `delay` seconds."""
        check_key("outbox id", item_id)
        self._check_open()
        now = self.options.clock()
        await self._outbox_finish(item_id, now, now + max(0.0, delay))

    # -- settings --------------------------------------------------------------------

    async def get_value(self, namespace: str, key: str) -> dict[str, Any] | None:
        check_key("namespace", namespace)
        check_key("key", key)
        self._check_open()
        return load_json(await self._get_value(namespace, key))

    async def set_value(self, namespace: str, key: str, value: dict[str, Any]) -> None:
        check_key("namespace", namespace)
        check_key("key", key)
        text = dump_json("value", value)
        self._check_open()
        await self._set_value(namespace, key, text, self.options.clock())

    async def delete_value(self, namespace: str, key: str) -> bool:
        """Remove a setting; True when there was one."""
        check_key("namespace", namespace)
        check_key("key", key)
        self._check_open()
        return await self._delete_value(namespace, key)

    # -- leases ----------------------------------------------------------------------

    async def take_lease(self, name: str, holder: str, ttl_seconds: float) -> Lease:
        """Take the lease `name` for `holder` when it is free, expired or already
        `holder`'s (a renewal); otherwise report who holds it. One atomic step."""
        check_key("name", name)
        check_key("holder", holder)
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._check_open()
        now = self.options.clock()
        found = await self._take_lease(name, holder, now, now + float(ttl_seconds))
        return Lease(name, found[0], found[1], found[2], held=found[0] == holder)

    async def read_lease(self, name: str) -> Lease | None:
        """The lease's last holder (possibly expired: compare `expires_at`), or None."""
        check_key("name", name)
        self._check_open()
        found = await self._read_lease(name)
        if found is None:
            return None
        return Lease(name, found[0], found[1], found[2])

    async def release_lease(self, name: str, holder: str) -> bool:
        """Give the lease up at once (a clean shutdown); True when `holder` held it."""
        check_key("name", name)
        check_key("holder", holder)
        self._check_open()
        return await self._release_lease(name, holder)

    # -- housekeeping ----------------------------------------------------------------

    async def purge_expired(self) -> int:
        """Delete idempotency keys whose time is up (returns how many went), and the
        per-booking records untouched for longer than `options.retention` allows."""
        self._check_open()
        return await self._purge(self.options.clock())

    async def _maybe_purge(self) -> None:
        now = self.options.clock()
        if now >= self._next_purge:
            self._next_purge = now + self.options.purge_every
            try:
                purged = await self._purge(now)
            except StoreError as exc:  # housekeeping only; the claim itself will tell
                log.warning("could not purge expired idempotency keys: %s", exc)
                return
            if purged:
                log.debug("purged %d expired idempotency keys", purged)

    async def ping(self) -> None:
        """Raise StoreError unless the database answers."""
        self._check_open()
        await self._ping()

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data lives, e.g. 'PostgreSQL at db:5432/app' (never a password)."""

    async def describe(self) -> str:
        """The location and whether it answers, e.g. 'PostgreSQL at h:5432/db (reachable)'."""
        try:
            await self.ping()
        except StoreError as exc:
            return f"{self.location} (unreachable: {exc})"
        return f"{self.location} (reachable)"

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.location}{' closed' if self._closed else ''}>"

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the state store ({self.location}) is closed")

    # -- backend primitives ----------------------------------------------------------

    @abstractmethod
    async def _try_claim(
        self,
        key: str,
        token: str,
        now: float,
        lease_until: float,
        ttl: float,
        slot: str | None,
    ) -> ClaimAttempt:
        """Insert a pending row, or take over an expired one, and lock `slot` (when
        given; a slot held by another live claim undoes it all: `slot_busy`), in one
        atomic step."""

    @abstractmethod
    async def _complete(
        self,
        key: str,
        token: str | None,
        result: str,
        now: float,
        outbox: list[tuple[str, str]],
        outbox_due: float,
    ) -> bool:
        """Mark done with `result`, free the claim's slot, queue `outbox`; False when
        someone else holds the key now (the outbox is queued anyway)."""

    @abstractmethod
    async def _outbox_add(
        self, item_id: str, payload: str, now: float, due: float, sent: bool
    ) -> bool: ...

    @abstractmethod
    async def _outbox_lease(
        self, item_id: str | None, now: float, lease_until: float, limit: int
    ) -> list[OutboxItem]: ...

    @abstractmethod
    async def _outbox_finish(self, item_id: str, now: float, due_again: float | None) -> None:
        """Delivered (`due_again` None) or back in the queue, due at `due_again`."""

    @abstractmethod
    async def _release(self, key: str, token: str | None) -> None: ...

    @abstractmethod
    async def _get_value(self, namespace: str, key: str) -> str | None: ...

    @abstractmethod
    async def _set_value(self, namespace: str, key: str, value: str, now: float) -> None: ...

    @abstractmethod
    async def _delete_value(self, namespace: str, key: str) -> bool: ...

    @abstractmethod
    async def _purge(self, now: float) -> int: ...

    @abstractmethod
    async def _ping(self) -> None: ...

    @abstractmethod
    async def _take_lease(
        self, name: str, holder: str, now: float, until: float
    ) -> tuple[str, float, float]:
        """(holder, expires_at, acquired_at) after trying to take or renew the lease."""

    @abstractmethod
    async def _read_lease(self, name: str) -> tuple[str, float, float] | None: ...

    @abstractmethod
    async def _release_lease(self, name: str, holder: str) -> bool: ...

    @abstractmethod
    async def _close(self) -> None: ...
