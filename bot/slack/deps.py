"""What the listeners share: settings, the site client, the store, short caches, tasks."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from bot.cache import TTLCache
from bot.slack.booking import BookingService
from bot.slack.views.model import EventInfo

log = logging.getLogger(__name__)

EVENTS_TTL = 60.0
PROFILE_TTL = 300.0
PROFILES_MAX = 2000


@dataclass(frozen=True)
class Profile:
    user_id: str
    name: str
    email: str
    timezone: str


@dataclass
class Deps:
    settings: Any
    fb: Any  # bot.fluentbooking.FluentBookingClient
    store: Any  # bot.store.Store
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    #: how long a view submission may wait for the site before acking with "Booking…"
    submit_inline_seconds: float = 2.0
    #: a trigger_id is valid for 3 s; past this age, offer a button instead of views.open
    trigger_fresh_seconds: float = 2.0
    booking: BookingService = field(init=False)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set, init=False)
    _events: TTLCache[str, list[EventInfo]] = field(
        default_factory=lambda: TTLCache(maxsize=1, ttl=EVENTS_TTL), init=False
    )
    _profiles: TTLCache[str, Profile] = field(
        default_factory=lambda: TTLCache(maxsize=PROFILES_MAX, ttl=PROFILE_TTL), init=False
    )

    def __post_init__(self) -> None:
        self.booking = BookingService(self.fb, self.store)

    def now(self) -> datetime:
        return self.clock()

    # -- background work after the ack ---------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `coro` after the ack; kept referenced so it is not collected mid-way."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def busy(self) -> int:
        return len(self._tasks)

    async def drain(self, seconds: float = 30.0) -> None:
        """Wait until no background work is left (tests, shutdown)."""
        deadline = time.monotonic() + seconds
        while self._tasks and time.monotonic() < deadline:
            await asyncio.wait(list(self._tasks), timeout=deadline - time.monotonic())

    # -- caches (only caches: the site and Slack stay the truth) -------------------------
    async def events(self, *, fresh: bool = False) -> list[EventInfo]:
        if fresh:
            self._events.invalidate("all")
        return await self._events.get_or_load("all", self._load_events)

    async def _load_events(self) -> list[EventInfo]:
        raw = await self.fb.list_events()
        return [EventInfo.from_event(e) for e in raw if getattr(e, "active", True)]

    def forget_cached(self) -> None:
        """Drop the caches (the next request reads the site and Slack again)."""
        self._events.clear()
        self._profiles.clear()

    def cached_event(self, event_id: int) -> EventInfo | None:
        events = self._events.get("all") or []
        return next((e for e in events if e.id == event_id), None)

    async def event(self, event_id: int) -> EventInfo | None:
        found = self.cached_event(event_id)
        if found is None:
            found = next((e for e in await self.events(fresh=True) if e.id == event_id), None)
        return found

    async def profile(self, client: Any, user_id: str) -> Profile:
        return await self._profiles.get_or_load(
            user_id, lambda: self._load_profile(client, user_id)
        )

    async def _load_profile(self, client: Any, user_id: str) -> Profile:
        resp = await client.users_info(user=user_id)
        user = resp.get("user") or {}
        prof = user.get("profile") or {}
        profile = Profile(
            user_id=user_id,
            name=str(
                prof.get("real_name")
                or user.get("real_name")
                or prof.get("display_name")
                or user.get("name")
                or ""
            ),
            email=str(prof.get("email") or ""),
            timezone=str(user.get("tz") or "UTC"),
        )
        return profile


_DEPS: WeakKeyDictionary[Any, Deps] = WeakKeyDictionary()


def attach(app: Any, deps: Deps) -> None:
    _DEPS[app] = deps


def deps_of(app: Any) -> Deps:
    return _DEPS[app]
