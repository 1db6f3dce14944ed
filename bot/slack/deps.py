"""What the listeners share: settings, the site client, the store, short caches, tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.booking import BookingService
from bot.cache import SingleFlight, TTLCache
from bot.config import Settings
from bot.fluentbooking.client import FluentBookingClient
from bot.fluentbooking.models import Event
from bot.slack.errors import SLACK_CALL_FAILED, Surface, reported, slack_error
from bot.slack.turns import Turns
from bot.store import Store
from bot.store.outbox import Outbox
from bot.team.access import Viewer
from bot.team.identity import HostDirectory, owners_of
from bot.team.service import TeamService

log = logging.getLogger(__name__)
T = TypeVar("T")

EVENTS_TTL = 60.0
PROFILE_TTL = 300.0
PROFILES_MAX = 2000
#: loop passes an at-once task gets before the ack is sent (its views.open goes out first)
HEAD_START_PASSES = 3
#: follow-up work starts once no request has arrived for this long (a burst has ended)...
ACK_FIRST_QUIET = 0.01
#: ...or after this long at most, so a trigger_id (valid 3 s) is still fresh for views.open
ACK_FIRST_MAX_WAIT = 0.5

#: the Slack request being answered in this context (set by AckGate.answering)
_REQUEST: ContextVar[object | None] = ContextVar("slack_request", default=None)
#: the urgent call (views.open) still to make in this task (set by Deps.spawn(at_once))
_URGENT: ContextVar[object | None] = ContextVar("slack_urgent", default=None)


class AckGate:
    """Acks first: work started after an ack waits until a burst of requests is answered.

    Every listener acks within milliseconds and hands the rest to `Deps.spawn`. In a burst
    that follow-up work (views.open, profiles, site calls) costs several times the CPU of
    an ack; run at once on the same event loop it would delay the acks still to come. So
    follow-up work starts only when no request is unanswered and none has arrived for
    `quiet` seconds (a lone command's views.open waits about that long), and never waits
    longer than `max_wait`, so a steady flood cannot starve it. A request counts as
    unanswered from its arrival until it hands work off (`spawn`) or is answered, so a view
    submission that waits for its own task holds nobody up, itself included."""

    def __init__(self, quiet: float = ACK_FIRST_QUIET, max_wait: float = ACK_FIRST_MAX_WAIT):
        self.quiet = quiet
        self.max_wait = max_wait
        self._unanswered: set[object] = set()
        self._last_arrival = float("-inf")
        self._answered: asyncio.Event | None = None
        self._idle_callbacks: list[Callable[[], None]] = []

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Around the handling of one Slack request (the HTTP server's side)."""
        token = object()
        self._unanswered.add(token)
        self._last_arrival = time.monotonic()
        self._event().clear()
        reset = _REQUEST.set(token)
        try:
            yield
        finally:
            _REQUEST.reset(reset)
            self._done(token)

    def hold(self) -> object:
        """Work as urgent as an ack (a views.open with a running-out trigger): counted
        as unanswered, so other follow-up work waits, until `release(token)`."""
        token = object()
        self._unanswered.add(token)
        self._event().clear()
        return token

    def release(self, token: object) -> None:
        self._done(token)

    def urgent_done(self) -> None:
        """The current task's urgent call is made (see Deps.spawn(at_once=True))."""
        token = _URGENT.get()
        if token is not None:
            self._done(token)

    def handed_off(self) -> None:
        """The current request has acked and handed its work off."""
        token = _REQUEST.get()
        if token is not None:
            self._done(token)

    async def wait_turn(self) -> None:
        """Until the requests of the current burst are answered (at most `max_wait`)."""
        deadline = time.monotonic() + self.max_wait
        while (left := deadline - time.monotonic()) > 0:
            if self._unanswered:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._event().wait(), left)
                continue
            calm = self._last_arrival + self.quiet - time.monotonic()
            if calm <= 0:
                return
            await asyncio.sleep(min(calm, left))

    @property
    def unanswered(self) -> int:
        return len(self._unanswered)

    @property
    def last_arrival(self) -> float:
        """time.monotonic() when the latest request arrived (-inf: none yet)."""
        return self._last_arrival

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Call `callback` (on the loop) each time the last unanswered request is answered."""
        self._idle_callbacks.append(callback)

    def _done(self, token: object) -> None:
        if token not in self._unanswered:
            return
        self._unanswered.discard(token)
        if not self._unanswered:
            self._event().set()
            for callback in self._idle_callbacks:
                callback()

    def _event(self) -> asyncio.Event:
        if self._answered is None:
            self._answered = asyncio.Event()
        return self._answered


@dataclass(frozen=True)
class Profile:
    user_id: str
    name: str
    email: str
    timezone: str
    is_workspace_admin: bool = False  # users.info is_admin / is_owner


@dataclass
class Deps:
    settings: Settings
    fb: FluentBookingClient
    store: Store
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    #: how long a view submission may wait for the site before acking with "Booking…"
    submit_inline_seconds: float = 2.0
    #: a trigger_id is valid for 3 s; past this age, offer a button instead of views.open
    trigger_fresh_seconds: float = 2.0
    #: follow-up work yields to requests still waiting for their ack
    gate: AckGate = field(default_factory=AckGate, init=False)
    #: follow-up work woken together goes one task per loop pass, acks first (bot.slack.turns)
    turns: Turns = field(init=False)
    #: concurrent reads of the same free times share one site call (never cached after)
    slots_flight: SingleFlight[Any, Any] = field(default_factory=SingleFlight, init=False)
    booking: BookingService = field(init=False)
    #: the durable outbox of booking announcements (bot.store.outbox.Outbox), made on first use
    outbox: Outbox | None = field(default=None, init=False)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set, init=False)
    _events: TTLCache[str, list[Event]] = field(
        default_factory=lambda: TTLCache(maxsize=1, ttl=EVENTS_TTL), init=False
    )
    _profiles: TTLCache[str, Profile] = field(
        default_factory=lambda: TTLCache(maxsize=PROFILES_MAX, ttl=PROFILE_TTL), init=False
    )
    #: who hosts which calendar: built with the event list, from the same site read
    _directory: HostDirectory = field(default_factory=lambda: HostDirectory([]), init=False)
    _event_calendars: dict[int, int] = field(default_factory=dict, init=False)
    #: Slack user id by email (hosts to tell), from users.lookupByEmail
    _members_by_email: TTLCache[str, str] = field(
        default_factory=lambda: TTLCache(maxsize=PROFILES_MAX, ttl=PROFILE_TTL), init=False
    )
    team: TeamService = field(init=False)

    def __post_init__(self) -> None:
        self.turns = Turns(busy=lambda: self.gate.unanswered > 0)
        self.gate.when_idle(self.turns.kick)
        self.booking = BookingService(self.fb, self.store, spawn=self.spawn)
        self.team = TeamService(
            self.fb,
            self.store,
            self.directory,
            clock=self.now,
            event_calendars=self.event_calendars,
        )

    def now(self) -> datetime:
        return self.clock()

    # -- background work after the ack ---------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, T], *, at_once: bool = False) -> asyncio.Task[T]:
        """Run `coro` after the ack, once other requests are answered (see AckGate);
        `at_once`: start right after the ack, not held by the gate, and hold other
        follow-up work back like an unanswered request until its urgent call is made
        (`gate.urgent_done()`: a views.open whose trigger_id is running out).

        The task is kept referenced so it is not collected mid-way."""
        self.gate.handed_off()
        if at_once:
            token = self.gate.hold()
            task = asyncio.ensure_future(self._urgent_first(coro, token))
            task.add_done_callback(lambda _: self.gate.release(token))  # even if never run
        else:
            task = asyncio.ensure_future(self._after_acks(coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def spawn_for(
        self,
        surface: Surface,
        work: Coroutine[Any, Any, None],
        *,
        action: str,
        at_once: bool = False,
    ) -> asyncio.Task[None]:
        """`spawn` for a request's follow-up work: a failure that escapes `work` is told
        once, on `surface` (bot.slack.errors.reported)."""
        return self.spawn(reported(work, surface, action=action), at_once=at_once)

    async def head_start(self) -> None:
        """A few passes of the loop for the task just spawned `at_once`, before the ack
        is sent: its views.open is written before the next request comes in (which it
        would otherwise wait behind) and before the ack's reader is woken."""
        for _ in range(HEAD_START_PASSES):
            await asyncio.sleep(0)

    async def _urgent_first(self, coro: Coroutine[Any, Any, T], token: object) -> T:
        """Run `coro` at once; until it calls `gate.urgent_done()` (or ends) it counts
        as a request still to answer, so other follow-up work lets its views.open go first."""
        _URGENT.set(token)
        try:
            return await coro
        finally:
            self.gate.release(token)

    async def _after_acks(self, coro: Coroutine[Any, Any, T]) -> T:
        try:
            await self.gate.wait_turn()
        except BaseException:
            coro.close()  # cancelled before it started: no "never awaited" warning
            raise
        return await coro

    @property
    def busy(self) -> int:
        return len(self._tasks)

    async def drain(self, seconds: float = 30.0) -> None:
        """Wait until no background work is left (tests, shutdown)."""
        deadline = time.monotonic() + seconds
        while self._tasks and time.monotonic() < deadline:
            await asyncio.wait(list(self._tasks), timeout=deadline - time.monotonic())

    # -- caches (only caches: the site and Slack stay the truth) -------------------------
    async def events(self, *, fresh: bool = False) -> list[Event]:
        if fresh:
            self._events.invalidate("all")
        return await self._events.get_or_load("all", self._load_events)

    async def _load_events(self) -> list[Event]:
        raw = await self.fb.list_events()
        host_map = getattr(self.settings, "booking_host_map", ()) or ()
        self._directory = HostDirectory(owners_of(raw), host_map)
        self._event_calendars = {int(e.id): int(e.calendar_id) for e in raw if e.calendar_id}
        return [e for e in raw if e.active]

    async def directory(self) -> HostDirectory:
        """Who hosts which calendar (cached with the event list)."""
        await self.events()
        return self._directory

    async def event_calendars(self) -> dict[int, int]:
        await self.events()
        return dict(self._event_calendars)

    async def viewer(self, client: AsyncWebClient, user_id: str) -> Viewer:
        """The member behind a signed request, for the authorisation rule: their Slack
        profile email, admin rights (BOOKING_ADMINS or workspace admin/owner) and the
        calendars they host. Built from Slack's and the site's answers only."""
        me = await self.profile(client, user_id)
        admins = getattr(self.settings, "booking_admins", None) or ()
        directory = await self.directory()
        return Viewer(
            user_id=user_id,
            email=me.email or None,
            is_admin=user_id in admins or me.is_workspace_admin,
            hosted_calendar_ids=directory.hosted_by(user_id, me.email),
        )

    async def host_member(self, client: AsyncWebClient, calendar_id: int | None) -> str | None:
        """The Slack member hosting `calendar_id` (BOOKING_HOST_MAP, else the owner's
        email looked up in Slack); None when nobody in the workspace hosts it."""
        if calendar_id is None:
            return None
        directory = await self.directory()
        mapped = directory.mapped_host(calendar_id)
        if mapped is not None:
            return mapped
        email = (directory.host_email(calendar_id) or "").strip().lower()
        if not email:
            return None
        cached = self._members_by_email.get(email)
        if cached is not None:
            return cached or None
        try:
            found = await client.users_lookupByEmail(email=email)
            user_id = str((found.get("user") or {}).get("id") or "")
        except SLACK_CALL_FAILED as exc:  # no host DM this time; the booking is told anyway
            error = slack_error(exc)
            if error != "users_not_found":
                log.warning("could not look up the host of calendar %s: %s", calendar_id, error)
                return None
            user_id = ""
        self._members_by_email.set(email, user_id)
        return user_id or None

    def forget_cached(self) -> None:
        """Drop the caches (the next request reads the site and Slack again)."""
        self._events.clear()
        self._profiles.clear()

    def cached_events(self) -> list[Event] | None:
        """The event list if it is cached now (no site call), else None."""
        return self._events.get("all")

    def cached_profile(self, user_id: str) -> Profile | None:
        """The member's Slack profile if it is cached now (no Slack call), else None."""
        return self._profiles.get(user_id)

    def cached_event(self, event_id: int) -> Event | None:
        events = self._events.get("all") or []
        return next((e for e in events if e.id == event_id), None)

    async def event(self, event_id: int) -> Event | None:
        found = self.cached_event(event_id)
        if found is None:
            found = next((e for e in await self.events(fresh=True) if e.id == event_id), None)
        return found

    async def profile(self, client: AsyncWebClient, user_id: str) -> Profile:
        return await self._profiles.get_or_load(
            user_id, lambda: self._load_profile(client, user_id)
        )

    async def _load_profile(self, client: AsyncWebClient, user_id: str) -> Profile:
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
            is_workspace_admin=bool(
                user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
            ),
        )
        return profile


_DEPS: WeakKeyDictionary[AsyncApp, Deps] = WeakKeyDictionary()


def attach(app: AsyncApp, deps: Deps) -> None:
    _DEPS[app] = deps


def deps_of(app: AsyncApp) -> Deps:
    return _DEPS[app]


def ack_gate_of(app: AsyncApp) -> AckGate | None:
    """The app's AckGate; None for an app built without Deps."""
    deps = _DEPS.get(app)
    return deps.gate if deps is not None else None
