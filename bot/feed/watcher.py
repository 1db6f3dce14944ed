"""The watcher: every interval, one process looks at the site and tells what changed.

A look costs the site one request for the newest-created bookings
(`/schedules?filters[period]=latest_bookings`, page 1; more pages only while every row on
a page is new) and one for the activity log (`/reports/activities`). A changed booking
that is not on that page is read by id only when the log says it moved (its new time)
or the feed never saw it. Old bookings are never swept: on 2.0.0 a read that returns a
booking which ended over an hour ago rewrites it (and may email its attendee).

One process at a time watches (a lease in the store, renewed every interval, taken over
within two intervals when its holder dies); any process may tell a webhook's change.
Every change is told once (`FeedState.begin_telling`), whichever path and process sees
it first, and a look that could not tell everything leaves the position where it was,
so the next look tells the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.feed.changes import Change, Kind, Seen, activity_kind, changes_between
from bot.feed.ports import Reminder, SiteReader, Summary, Teller
from bot.feed.state import FeedState, Position
from bot.fluentbooking.errors import FluentBookingError
from bot.fluentbooking.models import Booking
from bot.store import StoreError

log = logging.getLogger("bot.feed")

# A row is new when the feed has not seen its id and it was created at most this long
# before the newest creation second seen (rows share seconds; allow a slow insert).
NEW_WINDOW = timedelta(seconds=5)
STATUS_OF = {Kind.CANCELLED: "cancelled", Kind.REJECTED: "rejected", Kind.CONFIRMED: "scheduled"}

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class WatcherOptions:
    interval: float  # seconds between looks (BOOKING_POLL_SECONDS)
    reminder_minutes: tuple[int, ...] = ()  # BOOKING_REMINDER_MINUTES
    per_page: int = 10  # rows per look; a busier site gets a second page
    max_pages: int = 5  # pages of new bookings read in one look at most
    summary_after: float | None = None  # a look this long after the last is a catch-up
    summary_threshold: int = 5  # a catch-up with more changes than this is summarised
    summary_cap: int = 10  # changes listed in a summary
    slack_grace: float = 2.0  # wait for the booking service's origin record this long
    max_backoff: float = 900.0  # a site that is down is tried at least this often
    baseline_pages: int = 10  # pages of upcoming bookings read once, at the first start

    @property
    def catch_up_after(self) -> float:
        return self.summary_after if self.summary_after is not None else 3 * self.interval

    @property
    def lease_seconds(self) -> float:
        return 1.5 * self.interval


def holder_name() -> str:
    """Who holds the lease, as `check` shows it: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class TellFailed(Exception):
    """The teller could not tell a change; the look is tried again later."""


@dataclass(frozen=True)
class LookResult:
    requests: int
    told: int
    summarised: int = 0
    baseline: bool = False


class Watcher:
    def __init__(
        self,
        state: FeedState,
        site: SiteReader,
        teller: Teller,
        options: WatcherOptions,
        *,
        holder: str | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        if options.interval <= 0:
            raise ValueError("the watcher needs a positive interval (0 means off: do not start it)")
        self.state = state
        self.site = site
        self.teller = teller
        self.options = options
        self.holder = holder or holder_name()
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self.sleep: Sleep = sleep or asyncio.sleep
        # when to look is real elapsed time (a test may fix `clock`, the site's idea of now)
        self.monotonic: Callable[[], float] = monotonic or time.monotonic
        self.holding = False
        self.failures = 0
        self._next_look: float | None = None
        self._lock = asyncio.Lock()
        self._stopped = asyncio.Event()

    # -- running -------------------------------------------------------------------------

    async def run(self) -> None:
        """Look and remind until `stop()`; never raises (trouble is logged)."""
        log.info("booking watcher started (every %ss, as %s)", self.options.interval, self.holder)
        try:
            while not self._stopped.is_set():
                try:
                    wait = await self.step()
                except Exception:  # never let the loop die; the next step tries again
                    log.exception("booking watcher step failed")
                    wait = self.options.interval
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopped.wait(), timeout=max(wait, 0.01))
        finally:
            if self.holding:
                try:
                    await self.state.release_lease(self.holder)
                except StoreError as exc:
                    log.warning("could not release the watcher lease: %s", exc)
                self.holding = False

    def stop(self) -> None:
        self._stopped.set()

    async def step(self) -> float:
        """Renew (or try to take) the lease; look when due; send due reminders.
        Returns the seconds until the next step is needed."""
        interval = self.options.interval
        try:
            lease = await self.state.take_lease(self.holder, self.options.lease_seconds)
        except StoreError as exc:
            log.warning("booking watcher: the store is unreachable (%s)", exc)
            return interval
        if not lease.held:
            if self.holding:
                log.info("booking watcher: %s watches now", lease.holder)
            self.holding = False
            return interval / 2  # a dead holder's lease is taken within two intervals
        if not self.holding:
            log.info("booking watcher: this process (%s) watches the site", self.holder)
            self.holding = True
            self._next_look = None
        if self._next_look is None or self.monotonic() >= self._next_look:
            ok = await self._look_safely()
            self._next_look = self.monotonic() + self._delay(ok)
        await self._remind_safely()
        now = self.clock()
        waits = [interval, self._next_look - self.monotonic()]
        due = await self._next_reminder(now)
        if due is not None:
            waits.append((due - now).total_seconds())
        return max(0.0, min(waits))

    def _delay(self, ok: bool) -> float:
        interval = self.options.interval
        if ok:
            return interval
        return min(interval * 2 ** min(self.failures, 16), max(self.options.max_backoff, interval))

    async def _look_safely(self) -> bool:
        try:
            await self.look()
        except FluentBookingError as exc:
            await self._site_failed(f"{exc.kind}: {exc.detail or exc}")
            return False
        except TellFailed as exc:
            log.warning("booking watcher: could not tell a change (%s); trying again", exc)
            return True
        except StoreError as exc:
            log.warning("booking watcher: the store is unreachable (%s)", exc)
            return False
        if self.failures:
            log.info(
                "booking watcher: the site answers again after %d failed looks; caught up",
                self.failures,
            )
            self.failures = 0
            await self.state.save_health(last_error=None, failing_since=None)
        return True

    async def _site_failed(self, problem: str) -> None:
        self.failures += 1
        if self.failures == 1:  # once per outage, not every interval
            log.warning(
                "booking watcher: the site did not answer (%s); looking less often until it does",
                problem,
            )
            with contextlib.suppress(StoreError):
                await self.state.save_health(
                    last_error=problem, failing_since=self.clock().timestamp()
                )
        else:
            log.debug("booking watcher: the site still does not answer (%s)", problem)

    # -- one look ------------------------------------------------------------------------

    async def look(self) -> LookResult:
        """Read the site once and tell what changed since the last look."""
        async with self._lock:
            position = await self.state.position()
            if position is None:
                return await self._baseline()
            return await self._look(position)

    async def _baseline(self) -> LookResult:
        """The first look ever: remember where the site stands, tell nothing."""
        latest = await self.site.latest_bookings(page=1, per_page=self.options.per_page)
        activities = await self.site.activities()
        requests = 2
        for booking in latest.items:
            await self.state.save_record(Seen.from_booking(booking))
        page = 1
        while page <= self.options.baseline_pages:
            upcoming = await self.site.upcoming_bookings(page=page, per_page=50)
            requests += 1
            for booking in upcoming.items:
                if await self.state.record(booking.id) is None:
                    await self.state.save_record(Seen.from_booking(booking))
            if not upcoming.items or upcoming.last_page <= page:
                break
            page += 1
        position = Position(activity_id=max((a.id for a in activities), default=0))
        _advance(position, latest.items)
        position.last_look = self.clock().timestamp()
        await self.state.save_position(position)
        log.info(
            "booking watcher: first look; %d recent bookings known, telling changes from now on",
            len(latest.items),
        )
        return LookResult(requests=requests, told=0, baseline=True)

    async def _look(self, position: Position) -> LookResult:
        rows, requests = await self._latest_rows(position)
        activities = await self.site.activities()
        requests += 1
        fresh = sorted((a for a in activities if a.id > position.activity_id), key=lambda a: a.id)
        if (
            position.activity_id
            and len(activities) >= 100
            and fresh
            and len(fresh) == len(activities)
        ):
            log.warning(
                "booking watcher: more than 100 changes since the last look; the oldest are "
                "no longer in the site's activity log"
            )
        pending: list[tuple[Change | None, Seen]] = []  # (change or None, state to keep)
        seen_now: dict[int, Seen] = {}
        for booking in rows:
            current = Seen.from_booking(booking)
            seen_now[booking.id] = current
            record = await self.state.record(booking.id)
            if record is None:
                if _is_new(booking, position) and not await self._made_in_slack(booking):
                    pending.append((Change(Kind.NEW, current), current))
                else:
                    pending.append((None, current))
                continue
            found = changes_between(record.seen, current)
            pending.extend((c, current) for c in found)
            if not found and record.seen != current:
                pending.append((None, current))
        for activity in fresh:
            kind = activity_kind(activity)
            if kind is None or activity.booking_id in seen_now:
                continue  # the row itself was compared above
            record = await self.state.record(activity.booking_id)
            before = record.seen if record else None
            current_seen = _applied(before, kind)
            if current_seen is None:
                fetched = await self.site.booking(activity.booking_id)
                requests += 1
                if fetched is None:
                    continue
                current_seen = Seen.from_booking(fetched)
                if before is not None:
                    current_seen = before.merged_with(current_seen)
            seen_now[activity.booking_id] = current_seen
            found = changes_between(before, current_seen, hint=kind)
            pending.extend((c, current_seen) for c in found)
            if not found:
                pending.append((None, current_seen))
        now = self.clock()
        changes = [c for c, _ in pending if c is not None]
        catch_up = position.last_look is None or (
            now.timestamp() - position.last_look > self.options.catch_up_after
        )
        summarised = 0
        if catch_up and len(changes) > self.options.summary_threshold:
            summarised = await self._summarise(changes)
            for _, seen in pending:
                await self.state.save_record(seen)
            told = 0
        else:
            told = await self._tell_all(pending)
        _advance(position, rows)
        position.activity_id = max([position.activity_id, *(a.id for a in fresh)])
        position.last_look = now.timestamp()
        await self.state.save_position(position)
        return LookResult(requests=requests, told=told, summarised=summarised)

    async def _latest_rows(self, position: Position) -> tuple[list[Booking], int]:
        rows: list[Booking] = []
        requests = 0
        # the rows of the newest second(s) come in any order: ask for all of them at once
        per_page = min(100, max(self.options.per_page, len(position.ids) + 2))
        for page in range(1, self.options.max_pages + 1):
            result = await self.site.latest_bookings(page=page, per_page=per_page)
            requests += 1
            rows.extend(result.items)
            if not result.items or result.last_page <= page:
                break
            if not _may_hide_new(result.items[-1], position):
                break  # newest-created first: every later row is older still
        else:
            log.warning(
                "booking watcher: more than %d new bookings since the last look; the "
                "summary counts the newest %d",
                len(rows),
                len(rows),
            )
        return rows, requests

    async def _made_in_slack(self, booking: Booking) -> bool:
        """Bookings made from Slack were announced by the booking service. Its origin
        record is written just after the site answers it, so a booking that did not
        come from the website form is given a moment before it counts as new."""
        if await self.state.made_in_slack(booking.id) is not None:
            return True
        if booking.source == "web" or self.options.slack_grace <= 0:
            return False
        await self.sleep(self.options.slack_grace)
        return await self.state.made_in_slack(booking.id) is not None

    # -- telling -------------------------------------------------------------------------

    async def _tell_all(self, pending: list[tuple[Change | None, Seen]]) -> int:
        told = 0
        for change, seen in pending:
            if change is None:
                await self.state.save_record(seen)
                continue
            if await self.tell(change):
                told += 1
        return told

    async def tell(self, change: Change) -> bool:
        """Tell `change` unless it was told; remember the booking either way. True when
        this call told it. Raises TellFailed (the change stays untold) on trouble."""
        if not await self.state.begin_telling(change.key):
            await self.state.save_record(change.booking)
            return False
        record = await self.state.record(change.booking.booking_id)
        try:
            posts = await self.teller.tell(change, record.posts if record else {})
        except Exception as exc:
            await self.state.not_told(change.key)
            raise TellFailed(f"{change.key}: {type(exc).__name__}: {exc}") from exc
        await self.state.save_record(change.booking, posts)
        await self.state.told(change.key)
        return True

    async def _summarise(self, changes: list[Change]) -> int:
        mine: list[Change] = []
        for change in changes:
            if await self.state.begin_telling(change.key):
                mine.append(change)
        if not mine:
            return 0
        counts: dict[Kind, int] = {}
        for change in mine:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        cap = self.options.summary_cap
        waiting = [c for c in mine if c.kind is Kind.NEW and c.booking.status == "pending"]
        summary = Summary(counts, mine[:cap], max(0, len(mine) - cap), waiting)
        try:
            await self.teller.summarise(summary)
        except Exception as exc:
            for change in mine:
                await self.state.not_told(change.key)
            raise TellFailed(f"summary: {type(exc).__name__}: {exc}") from exc
        for change in mine:
            await self.state.told(change.key, {"summarised": True})
        log.info("booking watcher: %d changes while away, told in one summary", len(mine))
        return len(mine)

    async def apply(self, booking: Booking, hint: Kind | None = None) -> list[Change]:
        """A booking as a webhook (or anyone) reports it: tell what changed."""
        async with self._lock:
            current = Seen.from_booking(booking)
            record = await self.state.record(booking.id)
            before = record.seen if record else None
            if before is not None:
                current = before.merged_with(current)
            elif hint in (None, Kind.NEW) and await self._made_in_slack(booking):
                await self.state.save_record(current)
                return []
            changes = changes_between(before, current, hint)
            if not changes:
                await self.state.save_record(current)
            told = [c for c in changes if await self.tell(c)]
            return told

    # -- reminders -----------------------------------------------------------------------

    async def _remind_safely(self) -> None:
        if not self.options.reminder_minutes:
            return
        try:
            await self.remind_due()
        except FluentBookingError as exc:
            log.info("booking watcher: reminders wait for the site (%s)", exc.kind)
        except (TellFailed, StoreError) as exc:
            log.warning("booking watcher: could not send a reminder (%s); trying again", exc)

    async def remind_due(self) -> int:
        """Send the reminders that are due. A reminder is checked against the site first,
        so a cancelled or moved meeting's old reminder is never sent."""
        minutes = self.options.reminder_minutes
        if not minutes:
            return 0
        now = self.clock()
        sent = 0
        for booking_id, start in sorted((await self.state.agenda()).items()):
            if start <= now.timestamp():
                continue
            due = [m for m in minutes if start - m * 60 <= now.timestamp()]
            if not due:
                continue
            lead = min(due)
            key = f"feed:remind:{booking_id}:{start}:{lead}"
            if not await self.state.begin_telling(key):
                continue
            try:
                fresh = await self.site.booking(booking_id)
            except BaseException:
                await self.state.not_told(key)
                raise
            record = await self.state.record(booking_id)
            if fresh is None:
                await self.state.told(key, {"skipped": "gone"})
                if record is not None:
                    await self.state.save_record(replace(record.seen, status="cancelled"))
                continue
            seen = Seen.from_booking(fresh)
            if record is not None:
                seen = record.seen.merged_with(seen)
            if seen.status != "scheduled" or seen.start_epoch != start:
                # cancelled or moved since: the old time's reminder is never sent; the
                # change itself is told by the next look
                await self.state.told(key, {"skipped": seen.status})
                await self.state.save_record(seen)
                continue
            try:
                await self.teller.remind(Reminder(seen, lead))
            except Exception as exc:
                await self.state.not_told(key)
                raise TellFailed(f"{key}: {type(exc).__name__}: {exc}") from exc
            await self.state.told(key)
            sent += 1
            for larger in (m for m in due if m > lead):
                skipped = f"feed:remind:{booking_id}:{start}:{larger}"
                if await self.state.begin_telling(skipped):
                    await self.state.told(skipped, {"skipped": "later reminder sent"})
        await self.state.drop_past(now)
        return sent

    async def _next_reminder(self, now: datetime) -> datetime | None:
        minutes = self.options.reminder_minutes
        if not minutes:
            return None
        try:
            agenda = await self.state.agenda()
        except StoreError:
            return None
        times = [
            start - m * 60
            for start in agenda.values()
            for m in minutes
            if start - m * 60 > now.timestamp()
        ]
        return datetime.fromtimestamp(min(times), UTC) if times else None


def _is_new(booking: Booking, position: Position) -> bool:
    if booking.id in position.ids:
        return False
    if position.floor is None or booking.created_at is None:
        return True
    floor = datetime.fromisoformat(position.floor)
    return booking.created_at >= floor - NEW_WINDOW


def _may_hide_new(last: Booking, position: Position) -> bool:
    """Rows after `last` may still be new: within one second the site lists rows in no
    particular order, so a known row does not mean the rest are known."""
    if position.floor is None or last.created_at is None:
        return True
    return last.created_at >= datetime.fromisoformat(position.floor) - NEW_WINDOW


def _advance(position: Position, rows: list[Booking]) -> None:
    """Move the floor to the newest creation second seen and remember the ids near it."""
    stamps = [b.created_at for b in rows if b.created_at is not None]
    if position.floor is not None:
        stamps.append(datetime.fromisoformat(position.floor))
    if stamps:
        position.floor = max(stamps).isoformat()
    floor = datetime.fromisoformat(position.floor) if position.floor else None
    near = [
        b.id
        for b in sorted(rows, key=lambda b: b.id)
        if floor is None or b.created_at is None or b.created_at >= floor - NEW_WINDOW
    ]
    # every row near the floor is on the pages read (they come first), so these are all
    # of them; ids seen before but not read now are older than the window
    position.ids = near if rows else position.ids


def _applied(before: Seen | None, kind: Kind) -> Seen | None:
    """`before` with the status `kind` implies, or None when the site must be read
    (a reschedule's new time, a booking never seen)."""
    if before is None or kind not in STATUS_OF:
        return None
    return replace(before, status=STATUS_OF[kind])
