"""The team's reads: which of the site's bookings a member may see, and their facts.

Unlike the other `bot.team` modules this one does I/O (the site client and the store),
but knows nothing of Slack: the Slack surfaces give it a `Viewer` built from the signed
request's user id and that user's profile, and render what it returns.

The bot's site account is normally an administrator, so `GET /schedules` lists every
host's bookings; each row is judged by `access.allowed` before anyone sees it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.team.access import Action, BookingFacts, Viewer, allowed
from bot.team.facts import ORIGIN_NAMESPACE, booked_by_of, facts_of
from bot.team.identity import HostDirectory
from bot.team.listing import Sorted, sort_for

log = logging.getLogger(__name__)

SCHEDULE_PAGE = 50
MAX_SCHEDULE_PAGES = 6
#: the store namespace of what a member was shown (a click on anything else is forged)
SHOWN_NAMESPACE = "team_shown"
MAX_SHOWN = 400


@dataclass(frozen=True)
class Seen:
    """A booking row with its facts."""

    booking: Any  # bot.fluentbooking.models.Booking
    facts: BookingFacts


async def record_origin(
    store: Any, booking_id: int, user_id: str, *, channel: str | None, ts: str | None
) -> None:
    """The `booking_origin` record: who booked `booking_id` from Slack, and where."""
    await store.set_value(
        ORIGIN_NAMESPACE, str(booking_id), {"booked_by": user_id, "channel": channel, "ts": ts}
    )


class TeamService:
    def __init__(
        self,
        fb: Any,
        store: Any,
        directory: Callable[[], Awaitable[HostDirectory]],
        *,
        clock: Callable[[], datetime],
        event_calendars: Callable[[], Awaitable[dict[int, int]]] | None = None,
    ) -> None:
        self.fb = fb
        self.store = store
        self.directory = directory
        self.clock = clock
        self._event_calendars = event_calendars

    async def rows(self, period: str) -> list[Any]:
        """The site's bookings in `period` (all schedule pages, at most MAX_SCHEDULE_PAGES),
        upcoming soonest first, past most recent first."""
        rows: list[Any] = []
        async for page in self._pages(period, SCHEDULE_PAGE):
            rows.extend(page)
        return self._ordered(rows, period)

    async def _pages(self, period: str, per_page: int) -> Any:
        for page in range(1, MAX_SCHEDULE_PAGES + 1):
            found = await self.fb.list_schedules(page=page, per_page=per_page, period=period)
            yield found.items
            if page >= found.last_page or not found.items:
                return
        log.info("team: read %d schedule pages, stopping there", MAX_SCHEDULE_PAGES)

    def _ordered(self, rows: list[Any], period: str) -> list[Any]:
        now = self.clock()
        upcoming = sorted((b for b in rows if b.end_utc >= now), key=lambda b: b.start_utc)
        past = sorted((b for b in rows if b.end_utc < now), key=lambda b: b.start_utc, reverse=True)
        return {"upcoming": upcoming, "past": past}.get(period, upcoming + past)

    async def booked_by(self, booking_ids: Iterable[int]) -> dict[int, str]:
        """Who booked these from Slack (booking_origin records); a store failure gives
        none (the email and host matches still work)."""
        ids = list(dict.fromkeys(booking_ids))

        async def one(booking_id: int) -> tuple[int, str | None]:
            return booking_id, booked_by_of(
                await self.store.get_value(ORIGIN_NAMESPACE, str(booking_id))
            )

        try:
            found = await asyncio.gather(*(one(i) for i in ids))
        except Exception:
            log.warning("team: could not read who booked %d bookings", len(ids), exc_info=True)
            return {}
        return {i: user for i, user in found if user}

    async def seen(self, rows: list[Any]) -> list[Seen]:
        directory = await self.directory()
        calendars = await self._event_calendars() if self._event_calendars else {}
        origins = await self.booked_by(b.id for b in rows)
        return [
            Seen(
                b,
                facts_of(b, directory, booked_by=origins.get(b.id), event_calendars=calendars),
            )
            for b in rows
        ]

    async def visible(
        self,
        viewer: Viewer,
        period: str,
        *,
        team: bool = False,
        stop_after: int | None = None,
        per_page: int = SCHEDULE_PAGE,
    ) -> Sorted[Seen]:
        """The bookings `viewer` sees in `period`, in their sections (see listing).

        `stop_after`: stop reading pages once that many are found (the site lists in
        start order; App Home needs only the next few)."""
        collected: list[Seen] = []
        async for page in self._pages(period, per_page):
            collected.extend(await self.seen(page))
            if stop_after is not None and len(self._sorted(viewer, collected, team)) >= stop_after:
                break
        by_id = {id(s.booking): s for s in collected}
        ordered = [by_id[id(b)] for b in self._ordered([s.booking for s in collected], period)]
        return self._sorted(viewer, ordered, team)

    @staticmethod
    def _sorted(viewer: Viewer, seen: list[Seen], team: bool) -> Sorted[Seen]:
        return sort_for(viewer, [(s, s.facts) for s in seen], team=team)

    # -- what was shown, so a click on anything else is refused without a site call ---

    async def remember_shown(self, user_id: str, booking_ids: Iterable[int]) -> None:
        try:
            old = await self.store.get_value(SHOWN_NAMESPACE, user_id) or {}
            ids = [int(i) for i in old.get("ids") or [] if isinstance(i, int)]
            fresh = [int(i) for i in booking_ids]
            kept = [i for i in ids if i not in set(fresh)] + fresh
            await self.store.set_value(SHOWN_NAMESPACE, user_id, {"ids": kept[-MAX_SHOWN:]})
        except Exception:
            log.warning("team: could not remember what %s was shown", user_id, exc_info=True)

    async def was_shown(self, user_id: str, booking_id: int) -> bool:
        try:
            value = await self.store.get_value(SHOWN_NAMESPACE, user_id) or {}
        except Exception:
            log.warning("team: could not read what %s was shown", user_id, exc_info=True)
            return False
        return booking_id in (value.get("ids") or [])

    async def find(self, viewer: Viewer, booking_id: int, action: Action) -> Seen | None:
        """The booking, read fresh from the site, when `viewer` may do `action` on it.

        Refused (None) without asking the site when the bot never showed this booking to
        this member; otherwise decided on the site's row and the store, never on Slack."""
        if not await self.was_shown(viewer.user_id, booking_id):
            return None
        for row in await self.rows("all"):
            if int(row.id) == booking_id:
                (found,) = await self.seen([row])
                return found if allowed(viewer, found.facts, action) else None
        return None
