"""App Home: find the user's next meetings and publish the tab.

The site's `GET /bookings` is per WordPress user, not per Slack user, so the tab reads
the host's schedule (`GET /schedules`, full rows with UTC times and the attendee's email)
and keeps the rows whose attendee email is the Slack user's profile email, or that this
Slack user booked through the bot (remembered in the store by `announce.remember`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.booking.records import remembered
from bot.slack import errors
from bot.slack.deps import Deps
from bot.slack.fmt import iana_or
from bot.slack.home.views import HomeBooking, home_view

log = logging.getLogger(__name__)

#: how many meetings the tab shows, and how much of the schedule it reads at most
LIMIT = 10
PER_PAGE = 50
MAX_PAGES = 6
CLOSED = {"cancelled", "canceled", "rejected", "completed", "no_show"}


@dataclass(frozen=True)
class Found:
    booking: Any  # bot.fluentbooking.models.Booking
    by_bot: bool  # made through the bot by this Slack user


async def upcoming_for(
    deps: Deps, email: str, booked_ids: set[int], *, limit: int = LIMIT
) -> list[Found]:
    """The next `limit` open meetings for this attendee email or these booking ids.

    Reads schedule pages until `limit` matches are found (when the site lists them in
    start order, as it does) or the pages run out, at most MAX_PAGES."""
    now = deps.now()
    email = email.strip().lower()
    found: list[Found] = []
    last_start: datetime | None = None
    ordered = True
    for page in range(1, MAX_PAGES + 1):
        listing = await deps.fb.list_schedules(page=page, per_page=PER_PAGE)
        for b in listing.items:
            if last_start is not None and b.start_utc < last_start:
                ordered = False
            last_start = b.start_utc
            if b.end_utc < now or (b.status or "").lower() in CLOSED:
                continue
            mine = bool(email) and (b.email or "").strip().lower() == email
            by_bot = b.id in booked_ids
            if mine or by_bot:
                found.append(Found(b, by_bot and not mine))
        if not listing.items or page >= listing.last_page:
            break
        if ordered and len(found) >= limit:
            break
    else:
        log.info("App Home: read %d schedule pages, stopping there", MAX_PAGES)
    found.sort(key=lambda f: f.booking.start_utc)
    return found[:limit]


def to_home(found: Found, timezone: str) -> HomeBooking:
    zone = ZoneInfo(timezone)
    b = found.booking
    return HomeBooking(
        booking_id=int(b.id),
        title=b.title,
        start=b.start_utc.astimezone(zone),
        end=b.end_utc.astimezone(zone) if b.end_utc else None,
        status=(b.status or "scheduled").lower(),
        attendee_name=b.name,
        attendee_email=b.email,
        booked_by_you=found.by_bot,
    )


async def build_home(deps: Deps, client: Any, user_id: str) -> dict[str, Any]:
    """The tab for this user; a site problem gives the how-to with a one-line note."""
    me = await deps.profile(client, user_id)
    tz = iana_or(me.timezone, "UTC")
    today = deps.now().astimezone(ZoneInfo(tz)).date()
    try:
        booked = {r.booking_id for r in await remembered(deps.store, user_id)}
    except Exception:  # the store is only a help here: the email match still works
        log.warning("App Home: could not read the bookings made by %s", user_id, exc_info=True)
        booked = set()
    try:
        found = await upcoming_for(deps, me.email, booked)
    except Exception as exc:
        errors.describe(exc, action="loading App Home")  # logs it
        return home_view(timezone=tz, today=today, site_error=True)
    return home_view([to_home(f, tz) for f in found], timezone=tz, today=today)


async def publish_home(deps: Deps, client: Any, user_id: str) -> None:
    """Build and publish the tab; never raises (it runs in the background)."""
    try:
        view = await build_home(deps, client, user_id)
        await client.views_publish(user_id=user_id, view=view)
    except Exception as exc:
        errors.describe(exc, action="publishing App Home")
