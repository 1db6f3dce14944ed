"""One change to a booking, asked for by a member: checked, made once, read back.

Every request re-reads the booking from the site and re-checks the authorisation rule
(`bot.team.access`) against it: nothing that comes back from Slack counts. The request
names the state the member saw (`seen`); when the site holds another state by now, the
member is told what happened instead of acting on a booking decided elsewhere.

Once and consistent: the site write is guarded by a store claim on the booking *and the
state it is in* (`lifecycle:{id}:{status}:{start}`). A double click, a Slack retry or a
second process asking for any change from that same state waits for the first and gets
its outcome; so a cancel racing an approve ends in one outcome, the first one's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.fluentbooking.errors import (
    FluentBookingError,
    NotChangedError,
    NotFoundError,
    RefusedError,
)
from bot.fluentbooking.lifecycle import VERBS, Change, describe_status
from bot.fluentbooking.models import Booking
from bot.lifecycle import records
from bot.lifecycle.records import ChangeRecord
from bot.team.access import Action, BookingFacts, Viewer, allowed

log = logging.getLogger(__name__)

CLAIM_TTL = 600.0  # long enough for retries and racing processes; a new state is a new key
CLAIM_WAIT = 10.0

ACTION_FOR: dict[Change, Action] = {
    Change.CANCEL: Action.CANCEL,
    Change.RESCHEDULE: Action.RESCHEDULE,
    Change.APPROVE: Action.DECIDE,
    Change.DECLINE: Action.DECIDE,
    Change.COMPLETED: Action.MARK,
    Change.NO_SHOW: Action.MARK,
}


class Result(StrEnum):
    DONE = "done"  # this request changed the booking
    ALREADY = "already"  # another click / process / person changed it first
    REFUSED = "refused"  # the change does not fit the booking's state; nothing sent
    FORBIDDEN = "forbidden"  # the member may not make this change
    GONE = "gone"  # the booking no longer exists on the site
    FAILED = "failed"  # the site failed or did not change it; nothing changed


@dataclass(frozen=True)
class Seen:
    """The booking's state as the member saw it when they clicked."""

    status: str
    start_utc: datetime

    def token(self) -> str:
        return f"{self.status}:{int(self.start_utc.timestamp())}"


@dataclass(frozen=True)
class ChangeRequest:
    booking_id: int
    change: Change
    viewer: Viewer
    reason: str = ""
    start: datetime | None = None  # reschedule: the new start (aware)
    timezone: str | None = None  # reschedule: the member's zone
    seen: Seen | None = None


@dataclass(frozen=True)
class Outcome:
    result: Result
    change: Change
    message: str  # what to tell the member, plain text
    booking: Booking | None = None  # as the site holds it now (None when unreadable)
    by: str | None = None  # Slack user id who made the change shown, when known
    previous_start: datetime | None = None  # reschedule: the old start

    @property
    def changed(self) -> bool:
        return self.result is Result.DONE


def facts_of(booking: Booking, host_email: str | None, booked_by: str | None) -> BookingFacts:
    return BookingFacts(
        booking_id=booking.id,
        calendar_id=booking.calendar_id,
        host_email=host_email,
        attendee_email=booking.email or None,
        guest_emails=frozenset(booking.guests),
        booked_by=booked_by,
    )


class LifecycleService:
    def __init__(
        self,
        fb: Any,  # bot.fluentbooking.FluentBookingClient
        store: Any,  # bot.store.Store
        *,
        clock: Callable[[], datetime] | None = None,
        claim_wait: float = CLAIM_WAIT,
    ) -> None:
        self.fb = fb
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))
        self.claim_wait = claim_wait

    async def facts(self, booking: Booking) -> BookingFacts:
        host_email = await self.fb.booking_host_email(booking)
        return facts_of(booking, host_email, await records.booked_by(self.store, booking.id))

    async def may(self, viewer: Viewer, booking: Booking, change: Change) -> bool:
        return allowed(viewer, await self.facts(booking), ACTION_FOR[change])

    async def read(self, booking_id: int) -> Booking:
        return await self.fb.get_booking(booking_id)

    async def apply(self, request: ChangeRequest) -> Outcome:
        change = request.change
        try:
            booking = await self.read(request.booking_id)
        except NotFoundError:
            return Outcome(Result.GONE, change, GONE_MESSAGE)
        except FluentBookingError as exc:
            return Outcome(Result.FAILED, change, exc.user_message)
        try:
            may = await self.may(request.viewer, booking, change)
        except FluentBookingError as exc:
            return Outcome(Result.FAILED, change, exc.user_message, booking)
        if not may:
            return Outcome(Result.FORBIDDEN, change, forbidden_message(change), booking)
        if request.seen is not None and not _same_state(request.seen, booking):
            return await self.explain(change, booking)
        key = f"lifecycle:{booking.id}:{Seen(booking.status, booking.start_utc).token()}"
        claim = await self.store.claim(key, ttl_seconds=CLAIM_TTL, wait_seconds=self.claim_wait)
        if not claim.owner:
            if claim.result is None:
                return Outcome(Result.FAILED, change, BUSY_MESSAGE, booking)
            return await self._after_other(change, booking.id)
        try:
            outcome = await self._write(request, booking)
        except BaseException:
            await self.store.release(key)
            raise
        if outcome.changed and outcome.booking is not None:
            record = ChangeRecord(
                change=str(change),
                status=outcome.booking.status,
                by=request.viewer.user_id,
                at=self.clock(),
                reason=request.reason.strip(),
            )
            try:
                await records.record_change(self.store, booking.id, record)
            except Exception:
                log.warning("booking %s: %s made but not recorded", booking.id, change)
            await self.store.complete(key, {"change": str(change), "by": request.viewer.user_id})
        else:
            await self.store.release(key)
        return outcome

    async def _write(self, request: ChangeRequest, booking: Booking) -> Outcome:
        change = request.change
        try:
            after = await self._send(request, booking)
        except RefusedError as exc:
            if exc.already and exc.booking is not None:
                return await self.explain(change, exc.booking)
            return Outcome(Result.REFUSED, change, exc.user_message, exc.booking or booking)
        except NotChangedError as exc:
            return Outcome(Result.FAILED, change, exc.user_message, exc.booking or booking)
        except NotFoundError:
            return Outcome(Result.GONE, change, GONE_MESSAGE)
        except FluentBookingError as exc:
            log.info("booking %s: %s failed: %s", booking.id, change, exc.detail)
            return Outcome(Result.FAILED, change, exc.user_message, booking)
        log.info("booking %s %s by %s", booking.id, VERBS[change], request.viewer.user_id)
        return Outcome(
            Result.DONE,
            change,
            f"The booking is {describe_status(after.status)}."
            if change is not Change.RESCHEDULE
            else "The booking has been moved.",
            after,
            by=request.viewer.user_id,
            previous_start=booking.start_utc if change is Change.RESCHEDULE else None,
        )

    async def _send(self, request: ChangeRequest, booking: Booking) -> Booking:
        change = request.change
        if change is Change.CANCEL:
            result: Booking = await self.fb.cancel_booking(booking.id, request.reason, strict=True)
        elif change is Change.APPROVE:
            result = await self.fb.approve_booking(booking.id)
        elif change is Change.DECLINE:
            result = await self.fb.decline_booking(booking.id, request.reason)
        elif change is Change.RESCHEDULE:
            if request.start is None or request.timezone is None:
                raise ValueError("a reschedule needs the new start and the zone")
            result = await self.fb.reschedule_booking(
                booking, request.start, request.timezone, request.reason
            )
        else:
            result = await self.fb.mark_booking(booking.id, str(change))
        return result

    async def _after_other(self, change: Change, booking_id: int) -> Outcome:
        """Another request from the same state finished first: say what it did."""
        try:
            booking = await self.read(booking_id)
        except NotFoundError:
            return Outcome(Result.GONE, change, GONE_MESSAGE)
        except FluentBookingError as exc:
            return Outcome(Result.FAILED, change, exc.user_message)
        return await self.explain(change, booking)

    async def explain(self, change: Change, booking: Booking) -> Outcome:
        """The booking is no longer as the member saw it: say what happened, and who."""
        last = await records.last_change(self.store, booking.id)
        by = last.by if last is not None and last.status == booking.status else None
        who = f" by <@{by}>" if by else ""
        if last is not None and by and last.change == str(Change.RESCHEDULE):
            what = f"was already moved{who}"
        else:
            what = f"is already {describe_status(booking.status)}{who}"
        return Outcome(
            Result.ALREADY,
            change,
            f"Nothing was changed: this booking {what}.",
            booking,
            by=by,
        )


GONE_MESSAGE = "This booking no longer exists on the booking site (it may have been deleted there)."
BUSY_MESSAGE = (
    "Another change to this booking is still being made. Look again in a moment before "
    "trying again."
)


def forbidden_message(change: Change) -> str:
    if change in (Change.APPROVE, Change.DECLINE):
        return "Only the host or an admin can approve or decline this booking."
    if change in (Change.COMPLETED, Change.NO_SHOW):
        return "Only the host or an admin can record how this meeting went."
    return (
        f"Only the host, the attendee, the person who booked it or an admin can "
        f"{str(change).replace('_', ' ')} this booking."
    )


def _same_state(seen: Seen, booking: Booking) -> bool:
    return seen.status == booking.status and int(seen.start_utc.timestamp()) == int(
        booking.start_utc.timestamp()
    )


__all__ = [
    "ChangeRequest",
    "LifecycleService",
    "Outcome",
    "Result",
    "Seen",
    "facts_of",
    "forbidden_message",
]
