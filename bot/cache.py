"""A small per-process TTL + LRU cache for asyncio code.

Only a cache: whatever it holds can be fetched again (the event list, Slack profiles), so
it is bounded in size and in age, and losing it costs one reload. `get_or_load()` lets
many concurrent requests for the same missing key share one load.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING = object()


@dataclass
class _Entry(Generic[V]):
    value: V
    expires_at: float


class TTLCache(Generic[K, V]):
    """At most `maxsize` entries, each fresh for `ttl` seconds; least recently used goes first.

    `clock` (seconds, monotonic) is injectable for tests.
    """

    def __init__(
        self,
        maxsize: int = 256,
        ttl: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        self._data: OrderedDict[K, _Entry[V]] = OrderedDict()
        self._loading: dict[K, asyncio.Future[V]] = {}
        self.hits = 0
        self.misses = 0
        self.loads = 0

    def __len__(self) -> int:
        self._drop_expired()
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        entry = self._data.get(key)  # type: ignore[arg-type]
        return entry is not None and entry.expires_at > self._clock()

    def get(self, key: K, default: V | None = None) -> V | None:
        """The fresh value for `key`, or `default`."""
        entry = self._data.get(key)
        if entry is None:
            self.misses += 1
            return default
        if entry.expires_at <= self._clock():
            del self._data[key]
            self.misses += 1
            return default
        self._data.move_to_end(key)
        self.hits += 1
        return entry.value

    def set(self, key: K, value: V, ttl: float | None = None) -> None:
        """Store `value`; `ttl` overrides the cache's default age for this entry."""
        life = self.ttl if ttl is None else ttl
        self._data[key] = _Entry(value, self._clock() + life)
        self._data.move_to_end(key)
        if len(self._data) > self.maxsize:
            self._drop_expired()
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def invalidate(self, key: K) -> None:
        self._data.pop(key, None)

    def clear(self) -> None:
        self._data.clear()

    async def get_or_load(self, key: K, loader: Callable[[], Awaitable[V]]) -> V:
        """The cached value, or the result of `loader()`, cached.

        Concurrent callers asking for the same missing key wait for one load. A failed
        load is not cached: every waiter gets the error and the next call loads again.
        A caller cancelled while waiting does not cancel the load for the others.
        """
        value = self.get(key, _MISSING)  # type: ignore[arg-type]
        if value is not _MISSING:
            return value  # type: ignore[return-value]
        future = self._loading.get(key)
        if future is None:
            self.loads += 1
            future = asyncio.ensure_future(self._load(key, loader))
            self._loading[key] = future
            future.add_done_callback(_consume)
        return await asyncio.shield(future)

    async def _load(self, key: K, loader: Callable[[], Awaitable[V]]) -> V:
        try:
            value = await loader()
            self.set(key, value)
            return value
        finally:
            self._loading.pop(key, None)

    def _drop_expired(self) -> None:
        now = self._clock()
        for key in [k for k, e in self._data.items() if e.expires_at <= now]:
            del self._data[key]


def _consume(future: asyncio.Future[Any]) -> None:
    """Mark a load's exception as seen when every waiter was cancelled meanwhile."""
    if not future.cancelled():
        future.exception()


class SingleFlight(Generic[K, V]):
    """Concurrent calls for the same key share one load; nothing is kept afterwards.

    For answers that must not be cached (free times change with every booking) but that
    many requests ask for at the same moment: a caller that arrives while a load for its
    key is running gets that load's result (or its error) instead of starting another."""

    def __init__(self) -> None:
        self._loading: dict[K, asyncio.Future[V]] = {}
        self.loads = 0
        self.shared = 0

    def __len__(self) -> int:
        return len(self._loading)

    async def do(self, key: K, loader: Callable[[], Awaitable[V]]) -> V:
        future = self._loading.get(key)
        if future is None:
            self.loads += 1
            future = asyncio.ensure_future(self._load(key, loader))
            self._loading[key] = future
            future.add_done_callback(_consume)
        else:
            self.shared += 1
        return await asyncio.shield(future)

    async def _load(self, key: K, loader: Callable[[], Awaitable[V]]) -> V:
        try:
            return await loader()
        finally:
            self._loading.pop(key, None)
