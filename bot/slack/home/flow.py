"""App Home: find the user's next meetings and publish the tab.

The site's `GET /bookings` is per WordPress user, not per Slack user, so the tab reads
the site's schedule (`GET /schedules`, full rows with UTC times and the attendee's email)
and keeps what `/bookings` would show this member (bot.team): the meetings they host,
attend (their Slack email as attendee or guest) or booked from Slack.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.fluentbooking import FluentBookingError
from bot.fluentbooking.models import Booking
from bot.slack import errors
from bot.slack.booking_actions import HOME, action_buttons, changes_for
from bot.slack.deps import Deps
from bot.slack.fmt import iana_or
from bot.slack.home.views import HomeBooking, home_view
from bot.slack.shapes import Block
from bot.store import StoreError
from bot.team.access import Viewer
from bot.team.service import Seen

log = logging.getLogger(__name__)

#: how many meetings the tab shows, and how much of the schedule it reads at most
LIMIT = 10
PER_PAGE = 50
MAX_PAGES = 6
CLOSED = {"cancelled", "canceled", "rejected", "completed", "no_show"}


@dataclass(frozen=True)
class Found:
    booking: Booking
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


async def upcoming_seen(
    deps: Deps, client: AsyncWebClient, user_id: str, *, limit: int = LIMIT
) -> list[Any]:
    """The member's next open meetings: hosted, attended (as attendee or guest) and booked
    by them from Slack, soonest first (see bot.team.listing); never other people's."""
    viewer = await deps.viewer(client, user_id)
    found = await deps.team.visible(viewer, "upcoming", stop_after=limit, per_page=PER_PAGE)
    now = deps.now()
    items = []
    for role, seen_list in (
        ("host", found.hosting),
        ("attendee", found.attending),
        ("", found.booked),
    ):
        for seen in seen_list:
            b = seen.booking
            if b.end_utc < now or (b.status or "").lower() in CLOSED:
                continue
            items.append((role, seen))
    items.sort(key=lambda pair: pair[1].booking.start_utc)
    return items[:limit]


async def build_home(deps: Deps, client: AsyncWebClient, user_id: str) -> dict[str, Any]:
    """The tab for this user; a site problem gives the how-to with a one-line note."""
    me = await deps.profile(client, user_id)
    tz = iana_or(me.timezone, "UTC")
    today = deps.now().astimezone(ZoneInfo(tz)).date()
    viewer = None
    try:
        found = await upcoming_seen(deps, client, user_id)
        directory = await deps.directory()
        if found:
            viewer = await deps.viewer(client, user_id)
    except (FluentBookingError, StoreError) as exc:  # the how-to still helps; a note says why
        errors.describe(exc, action="loading App Home")  # logs it
        return home_view(timezone=tz, today=today, site_error=True)
    rows = []
    for role, seen in found:
        calendar = directory.calendar(seen.facts.calendar_id)
        home = to_home(Found(seen.booking, by_bot=not role), tz)
        rows.append(
            dataclasses.replace(
                home,
                role=role,
                host_name=calendar.title if calendar else "",
                actions=_actions(deps, viewer, seen) if viewer else None,
            )
        )
    return home_view(rows, timezone=tz, today=today)


def _actions(deps: Deps, viewer: Viewer, seen: Seen) -> Block | None:
    """The lifecycle buttons this member may use on the meeting (each click re-checked;
    after a change the tab is published again)."""
    b = seen.booking
    status = (b.status or "").lower()
    changes = changes_for(viewer, seen.facts, status, b.start_utc, deps.now())
    return action_buttons(b.id, status, b.start_utc, changes, where=HOME)


async def publish_home(deps: Deps, client: AsyncWebClient, user_id: str) -> None:
    """Build and publish the tab; never raises (it runs in the background)."""
    try:
        view = await build_home(deps, client, user_id)
        await client.views_publish(user_id=user_id, view=view)
    except Exception as exc:  # a background refresh: logged; the tab keeps what it showed
        errors.describe(exc, action="publishing App Home")
