"""Create a booking at most once per intent and once per slot, and end with the truth.

The steps, each for a reason seen on a real 2.0.0 site:

1. Claim the intent's key and lock its slot in the store, in one round trip: a double
   click, a retried request or a second process gets the first one's result, and two
   members (or processes) never create on one slot at once.
2. A remembered result is checked against the site: a booking that was cancelled,
   rejected or deleted since no longer answers "Already booked"; a new one is made
   (under a key derived from the old booking, so a double click still books once).
3. Create. An ambiguous answer (timeout after sending, dropped connection, 5xx) is
   reconciled by looking the member's booking up (attendee email and start); "slot
   taken" is checked the same way, because it may be the member's own earlier booking.
4. Read the slot back (the site's create is not atomic): when two live bookings hold
   it, the first stands and the later is cancelled; if ours is the later, the member is
   told plainly that the time was taken at the same moment.
5. Save the result and the deliveries it owes (DM, channel post) in one transaction;
   if the store fails here, the booking still stands and the caller delivers from memory.
   A later click while the store is still down is answered from the site: the member's
   booking at that time is shown again ("Already booked"), never "nothing was booked".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.booking import truth
from bot.fluentbooking.errors import FluentBookingError, SlotUnavailableError
from bot.store import Store, StoreError

log = logging.getLogger(__name__)

#: pauses before each look-up after an ambiguous create (a late create may land a
#: moment after its answer was lost); about 7 s in all
RECONCILE_WAITS = (0.0, 1.0, 2.0, 4.0)
MAX_REBOOKS = 5  # remembered bookings found gone, one after another, before giving up
#: a racing create can land just after our read-back: the slot is read once more, this
#: long after, and later bookings found there are cancelled (ours, being first, stands)
RECHECK_SECONDS = 0.5


class BookingPending(Exception):
    """Another request for the same intent is still working and did not finish in time."""

    user_message = (
        "This booking is already being made by another request. "
        "Check `/bookings upcoming` in a minute before trying again."
    )


class SlotBusy(Exception):
    """Another member's booking of this very slot was still being made after the wait."""

    user_message = "Someone else is booking this time right now."


class TakenAtSameMoment(Exception):
    """Our create booked, but another booking of the slot was made at the same moment
    and came first: ours was cancelled (`cancelled` True) or could not be kept."""

    user_message = (
        "Someone else booked this time at the same moment, and their booking came first, "
        "so yours was cancelled."
    )

    def __init__(self, booking_id: int, *, cancelled: bool) -> None:
        super().__init__(self.user_message)
        self.booking_id = booking_id
        self.cancelled = cancelled


class BookingNotMade(FluentBookingError, kind="timeout"):
    """The site's answer to a create was lost, and the booking is not on the site."""

    default_message = (
        "The booking site did not confirm the booking, and it is not on the site: "
        "nothing was booked. Try again."
    )


@dataclass(frozen=True)
class Attempt:
    """One booking request, as the guard needs it (no Slack types)."""

    key: str  # the intent's idempotency key
    slot: str  # the slot lock (`truth.slot_key`)
    email: str  # the attendee's
    start_utc: datetime
    event_id: int | None
    create: Callable[[], Awaitable[Any]]  # the site call; returns the created Booking


@dataclass(frozen=True)
class Guarded:
    """How an attempt ended."""

    result: dict[str, Any]  # what the caller saved for this booking (its own shape)
    booking_id: int
    already: bool  # a replay: the booking existed before this request
    recovered: bool = False  # the site booked although its answer was lost or refused
    saved: bool = True  # False: the store failed; deliver `outbox` from memory
    outbox: dict[str, dict[str, Any]] = field(default_factory=dict)


ToResult = Callable[[Any], dict[str, Any]]  # Booking -> the saved result
BookingIdOf = Callable[[dict[str, Any]], int | None]
OutboxFor = Callable[[dict[str, Any]], dict[str, dict[str, Any]]]


class BookingGuard:
    def __init__(
        self,
        client: Any,
        store: Store,
        *,
        wait_seconds: float = 10.0,
        reconcile_waits: Iterable[float] = RECONCILE_WAITS,
        outbox_delay: float = 30.0,
        recheck_seconds: float | None = RECHECK_SECONDS,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
        spawn: Callable[[Coroutine[Any, Any, None]], Any] | None = None,
    ) -> None:
        """`spawn` runs the background re-read of each new booking's slot (the caller's
        task keeper, so its shutdown waits for it); by default a task of our own."""
        self.client = client
        self.store = store
        self.wait_seconds = wait_seconds
        self.reconcile_waits = tuple(reconcile_waits)
        self.outbox_delay = outbox_delay
        self.recheck_seconds = recheck_seconds
        self._sleep = sleep
        self._rechecks: set[asyncio.Task[None]] = set()
        self._spawn = spawn

    async def book(
        self,
        attempt: Attempt,
        *,
        to_result: ToResult,
        booking_id_of: BookingIdOf,
        outbox_for: OutboxFor,
    ) -> Guarded:
        key = attempt.key
        for _ in range(MAX_REBOOKS):
            try:
                claim = await self.store.claim(
                    key, wait_seconds=self.wait_seconds, slot=attempt.slot
                )
            except StoreError as down:
                return await self._without_store(attempt, to_result, down)
            if claim.owner:
                break
            if claim.result is None:  # still being made (or its maker died): ask the site
                try:
                    found = await self._find_own(attempt, (0.0,))
                except truth.LookupFailed:
                    found = None
                if found is None:
                    raise SlotBusy() if claim.slot_busy else BookingPending()
                return Guarded(to_result(found), found.id, already=True, recovered=True)
            prior = booking_id_of(claim.result)
            if prior is None or await truth.still_live(self.client, prior) is not False:
                return Guarded(claim.result, prior or 0, already=True)
            log.info("booking #%s is no longer live on the site; booking again", prior)
            key = f"{attempt.key}:after:{prior}"
        else:
            raise BookingPending()
        try:
            booking, recovered = await self._create(attempt)
            settled = await truth.settle(self.client, booking)
        except BaseException:
            await self._release(key)
            raise
        if not settled.kept:
            await self._release(key)
            raise TakenAtSameMoment(
                booking.id,
                cancelled=booking.id in settled.cancelled
                or not truth.is_live(settled.reading.ours),
            )
        self._recheck_later(booking)
        result = to_result(settled.reading.ours or booking)
        outbox = outbox_for(result)
        try:
            await self.store.complete(key, result, outbox=outbox, outbox_delay=self.outbox_delay)
        except StoreError as exc:  # the booking exists: never report it as failed
            log.error(
                "booking #%s made but not saved (%s); delivering from memory", booking.id, exc
            )
            await self._release(key)  # a later click then finds the booking on the site
            return Guarded(
                result, booking.id, already=False, recovered=recovered, saved=False, outbox=outbox
            )
        return Guarded(result, booking.id, already=False, recovered=recovered, outbox=outbox)

    async def _without_store(
        self, attempt: Attempt, to_result: ToResult, down: StoreError
    ) -> Guarded:
        """The store cannot be asked whether this was booked: the site can. A late
        duplicate click after "Booked" (the store failing meanwhile) finds the member's
        booking and shows it again, never "nothing was booked"; with nothing found, the
        store's error stands (nothing is created without the store's lock)."""
        try:
            found = await self._find_own(attempt, (0.0,))
        except truth.LookupFailed:
            found = None
        if found is None:
            raise down
        log.info("store down; booking #%s found on the site for this request", found.id)
        return Guarded(to_result(found), found.id, already=True, saved=False)

    def _recheck_later(self, booking: Any) -> None:
        if self.recheck_seconds is None:
            return
        if self._spawn is not None:
            self._spawn(self._recheck(booking))
            return
        task = asyncio.create_task(self._recheck(booking), name=f"recheck-{booking.id}")
        self._rechecks.add(task)
        task.add_done_callback(self._rechecks.discard)

    async def _recheck(self, booking: Any) -> None:
        await asyncio.sleep(self.recheck_seconds or 0)
        try:
            reading = await truth.read_slot(self.client, booking)
            later = [b.id for b in reading.live if b.id > booking.id]
            if later and reading.we_keep:
                log.warning("slot of booking #%s: later bookings %s; cancelling", booking.id, later)
                await truth.cancel_all(self.client, later, truth.DUPLICATE_REASON)
        except Exception:
            log.exception("re-reading the slot of booking #%s failed", booking.id)

    async def drain(self) -> None:
        """Wait for the background re-reads (tests; shutdown)."""
        while self._rechecks:
            await asyncio.gather(*list(self._rechecks), return_exceptions=True)

    async def _create(self, attempt: Attempt) -> tuple[Any, bool]:
        """The created booking, and whether it was recovered from the site's records."""
        from bot.fluentbooking.errors import BookingUncertainError

        try:
            return await attempt.create(), False
        except BookingUncertainError as exc:
            log.warning("create answer lost (%s); looking the booking up", exc.detail)
            try:
                found = await self._find_own(attempt, self.reconcile_waits)
            except truth.LookupFailed as failed:  # the site is down: say it honestly
                log.warning("could not look the booking up either (%s)", failed)
                raise exc from None
            if found is None:
                raise BookingNotMade(detail=f"{exc.detail}; not found by {attempt.email}") from None
            log.info("the site made booking #%s although its answer was lost", found.id)
            return found, True
        except SlotUnavailableError:
            try:
                found = await self._find_own(attempt, (0.0,))
            except truth.LookupFailed:
                found = None
            if found is None:
                raise
            log.info("slot taken by the member's own booking #%s", found.id)
            return found, True

    async def _find_own(self, attempt: Attempt, waits: Iterable[float]) -> Any:
        kwargs: dict[str, Any] = {} if self._sleep is None else {"sleep": self._sleep}
        return await truth.find_own(
            self.client,
            email=attempt.email,
            start_utc=attempt.start_utc,
            event_id=attempt.event_id,
            waits=waits,
            **kwargs,
        )

    async def _release(self, key: str) -> None:
        try:
            await self.store.release(key)
        except StoreError as exc:
            log.warning("could not release %r (%s); it runs out with its lease", key, exc)
