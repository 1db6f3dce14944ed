"""The site's truth about a slot and a member's booking (no Slack, no store).

Why all this reading back: a real FluentBooking 2.0.0 site does not create atomically
(concurrent creates on one slot can all succeed), gives racing creates one `group_id`
and lists one row per group, and can book and then lose its answer (a timeout, a dropped
connection, a 5xx). So after a create the slot is read back three ways at once: the new
booking by id, the attendee's bookings by `search=`, the host's upcoming list around the
slot, plus the ids next to ours (rows the list hides share our group and were created at
the same moment, so their ids are adjacent).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

log = logging.getLogger(__name__)

#: statuses that hold a slot (the site blocks the time for these)
LIVE = frozenset({"scheduled", "pending"})
#: the reason sent with a cancel of the later of two bookings made at one moment
DUPLICATE_REASON = (
    "This time was booked twice at the same moment; the first booking stands and this "
    "one was cancelled. Please pick another time."
)
LIST_PAGES = 6
LIST_PER_PAGE = 50
NEIGHBOURS = 1


class BookingLike(Protocol):
    id: int
    status: str
    start_utc: datetime
    end_utc: datetime
    email: str
    event_id: int | None


class SiteReader(Protocol):
    """The client operations this module needs (FluentBookingClient has them)."""

    async def get_schedule(self, booking_id: int) -> Any: ...

    async def find_bookings(self, *, email: str, start_utc: datetime | None = None) -> Any: ...

    async def list_schedules(self, page: int = 1, per_page: int = 20) -> Any: ...

    async def cancel_booking(self, booking_id: int, reason: str) -> Any: ...


def is_live(booking: BookingLike | None) -> bool:
    return booking is not None and (booking.status or "").lower() in LIVE


def slot_key(unit: str | int, start_utc: datetime) -> str:
    """The store lock's name for one bookable unit at one start: `unit` is the host's
    calendar (bookings of one host exclude each other), else the event."""
    start = start_utc.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return f"slot:{unit}:{start}"


def _overlaps(a: BookingLike, start: datetime, end: datetime) -> bool:
    return a.start_utc < end and a.end_utc > start


def _calendar(booking: Any) -> int | None:
    return getattr(booking, "calendar_id", None)


@dataclass(frozen=True)
class SlotReading:
    """What the site holds at a new booking's time, for its host."""

    ours: BookingLike | None  # our booking as the site holds it now (None: gone)
    live: list[BookingLike]  # every live booking overlapping the slot, ours included, by id

    @property
    def first(self) -> BookingLike | None:
        return self.live[0] if self.live else None

    @property
    def others(self) -> list[BookingLike]:
        ours = self.ours.id if self.ours else None
        return [b for b in self.live if b.id != ours]

    @property
    def we_keep(self) -> bool:
        """Our booking is live and the first at its slot."""
        return is_live(self.ours) and self.first is not None and self.first.id == self.ours.id  # type: ignore[union-attr]


async def _quiet(call: Callable[[], Awaitable[Any]]) -> Any:
    """A read that may fail without failing the whole reading (logged)."""
    try:
        return await call()
    except Exception as exc:
        log.info("read-back: %s", getattr(exc, "detail", None) or exc)
        return None


async def _read(client: SiteReader, booking_id: int) -> Any:
    return await client.get_schedule(booking_id)


async def _ours(client: SiteReader, created: BookingLike) -> BookingLike | None:
    """Our booking as the site holds it: None when the site says it is gone; the created
    booking itself when the site cannot tell now (a failed read is no lost booking)."""
    from bot.fluentbooking.errors import NotFoundError

    try:
        held: BookingLike = await client.get_schedule(created.id)
    except NotFoundError:
        return None
    except Exception as exc:
        log.info("read-back of #%s: %s", created.id, getattr(exc, "detail", None) or exc)
        return created
    return held


async def _around(client: SiteReader, start: datetime, end: datetime) -> list[Any]:
    """The host's upcoming rows around [start, end): pages until the list is past `end`."""
    found: list[Any] = []
    for page in range(1, LIST_PAGES + 1):
        listing = await client.list_schedules(page=page, per_page=LIST_PER_PAGE)
        rows = list(getattr(listing, "items", []) or [])
        found.extend(r for r in rows if _overlaps(r, start, end))
        if not rows or page >= int(getattr(listing, "last_page", page) or page):
            break
        if max(r.start_utc for r in rows) >= end:  # upcoming lists go soonest first
            break
    return found


async def read_slot(client: SiteReader, created: BookingLike) -> SlotReading:
    """Read the slot of a booking just created, as the site holds it now."""
    start, end = created.start_utc, created.end_utc
    tasks: list[Awaitable[Any]] = [
        _ours(client, created),
        _quiet(lambda: client.find_bookings(email=created.email, start_utc=start)),
        _quiet(lambda: _around(client, start, end)),
    ]
    neighbours = [
        created.id + d for d in range(-NEIGHBOURS, NEIGHBOURS + 1) if d and created.id + d > 0
    ]
    tasks += [_quiet(functools.partial(_read, client, i)) for i in neighbours]
    ours, by_email, around, *near = await asyncio.gather(*tasks)
    calendar = _calendar(ours) or _calendar(created)
    rows: dict[int, Any] = {}
    for row in [*(by_email or []), *(around or []), *[n for n in near if n is not None]]:
        if calendar is not None and _calendar(row) not in (None, calendar):
            continue  # another host's booking at the same time is no conflict
        if _overlaps(row, start, end):
            rows[row.id] = row
    if ours is not None:
        rows[ours.id] = ours
    live = sorted((r for r in rows.values() if is_live(r)), key=lambda r: r.id)
    return SlotReading(ours=ours, live=live)


@dataclass(frozen=True)
class Settled:
    """The outcome of reading a new booking's slot back."""

    kept: bool  # our booking stands
    reading: SlotReading
    cancelled: tuple[int, ...] = ()  # bookings this call cancelled as duplicates


async def settle(
    client: SiteReader, created: BookingLike, *, reason: str = DUPLICATE_REASON
) -> Settled:
    """Keep the first live booking at the slot, cancel the later ones.

    When ours is later (or a twin's read-back already cancelled it), ours is cancelled
    and `kept` is False: tell the member the time was taken at the same moment. When
    ours is first, later bookings at the slot are cancelled with `reason`."""
    reading = await read_slot(client, created)
    if not is_live(reading.ours):
        return Settled(kept=False, reading=reading)
    if not reading.others:
        return Settled(kept=True, reading=reading)
    first = reading.first
    assert first is not None and reading.ours is not None
    losers = [b.id for b in reading.live if b.id != first.id]
    log.warning(
        "slot %s of booking %s holds %d live bookings (%s); keeping #%s, cancelling the rest",
        created.start_utc.isoformat(),
        created.id,
        len(reading.live),
        ", ".join(f"#{b.id}" for b in reading.live),
        first.id,
    )
    cancelled = await cancel_all(client, losers, reason)
    return Settled(kept=first.id == reading.ours.id, reading=reading, cancelled=cancelled)


async def cancel_all(client: SiteReader, ids: Iterable[int], reason: str) -> tuple[int, ...]:
    """Cancel each booking (never sending `scheduled`); the ids the site now holds cancelled."""
    done = []
    for booking_id in ids:
        try:
            after = await client.cancel_booking(booking_id, reason)
        except Exception as exc:
            log.warning("could not cancel duplicate booking #%s: %s", booking_id, exc)
            continue
        if not is_live(after):
            done.append(booking_id)
    return tuple(done)


class LookupFailed(Exception):
    """The site could not be asked (down, erroring): whether the booking exists is unknown."""


async def find_own(
    client: SiteReader,
    *,
    email: str,
    start_utc: datetime,
    event_id: int | None = None,
    waits: Iterable[float] = (0.0,),
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> BookingLike | None:
    """The member's live booking at `start_utc` (by attendee email), the first one made.

    `waits`: pauses before each look (a late create may land on the site a moment after
    its answer was lost). Raises LookupFailed when the site cannot be asked."""
    for pause in waits:
        if pause:
            await sleep(pause)
        try:
            rows = await client.find_bookings(email=email, start_utc=start_utc)
        except Exception as exc:  # the site cannot tell now: no use waiting for it
            log.info("looking up %s at %s failed: %s", email, start_utc, exc)
            raise LookupFailed(str(getattr(exc, "detail", None) or exc)) from None
        mine = sorted(
            (
                r
                for r in rows or []
                if is_live(r)
                and r.start_utc == start_utc
                and (event_id is None or r.event_id in (None, event_id))
            ),
            key=lambda r: r.id,
        )
        if mine:
            return mine[0]
    return None


async def still_live(client: SiteReader, booking_id: int) -> bool | None:
    """Whether the site still holds a booking as live; None when the site cannot tell
    now (an error other than "no such booking": keep trusting what was remembered)."""
    from bot.fluentbooking.errors import NotFoundError

    try:
        booking = await client.get_schedule(booking_id)
    except NotFoundError:
        return False
    except Exception as exc:
        log.info("could not read booking #%s back: %s", booking_id, exc)
        return None
    return is_live(booking)
