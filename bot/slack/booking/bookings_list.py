"""`/bookings [upcoming|past|all]`: the meetings the site account hosts and attends."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from zoneinfo import ZoneInfo

from bot.fluentbooking import AuthError, Booking, NotFoundError
from bot.fluentbooking.models import BookingSummary
from bot.slack import errors
from bot.slack.booking.views import messages
from bot.slack.booking.views.model import BookingLine, BookingListing
from bot.slack.codec import MoreBookingsValue
from bot.slack.deps import Deps
from bot.slack.fmt import clock, day_label, iana_or, when_label, zone_label
from bot.slack.help import unknown_subcommand
from bot.slack.origin import Origin

PERIODS = ("upcoming", "past", "all")
PAGE = 10
MAX_PAGE = 40
SCHEDULE_PAGE = 50
MAX_SCHEDULE_PAGES = 4
log = logging.getLogger(__name__)


async def bookings(
    deps: Deps, client: Any, origin: Origin, text: str, *, limit: int = PAGE, replace: bool = False
) -> None:
    """`/bookings [upcoming|past|all]`: hosted meetings and the site account's bookings."""
    period = (text.strip().split() or ["upcoming"])[0].lower()
    if period not in PERIODS:
        await origin.respond(
            **unknown_subcommand("/bookings", period, "`upcoming`, `past` or `all`"),
            replace_original=False,
        )
        return
    limit = max(1, min(limit, MAX_PAGE))  # the More button's value comes back from Slack
    try:
        attending, hosted = await asyncio.gather(
            deps.fb.list_bookings(period=period, per_page=limit), _hosted(deps, period)
        )
        # a meeting the account both hosts and attends is listed once, as hosted: that
        # row has exact times (2.0.0's attendee rows show only the end time)
        hosted_ids = {b.id for b in hosted}
        own = [b for b in attending.items if b.id not in hosted_ids]
        listing = BookingListing(
            period=period,
            hosted=[_hosted_line(b) for b in hosted[:limit]],
            hosted_total=len(hosted),
            attending=[_attending_line(b) for b in own],
            attending_total=max(attending.total - (len(attending.items) - len(own)), len(own)),
        )
        more: MoreBookingsValue | None = None
        if limit < MAX_PAGE and (
            listing.hosted_total > len(listing.hosted)
            or listing.attending_total > len(listing.attending)
        ):
            more = MoreBookingsValue(period=period, limit=min(limit * 2, MAX_PAGE))
        await origin.respond(
            **messages.booking_list(listing, more_value=more), replace_original=replace
        )
    except Exception as exc:
        await errors.tell(origin.respond, exc, action="/bookings")


async def _hosted(deps: Deps, period: str) -> list[Booking]:
    """The meetings the site account hosts in `period`, newest relevant first.

    GET /schedules has UTC times, so the period is judged here (by the end, as the
    site's own filter does); a site without that list gives none."""
    rows: list[Booking] = []
    try:
        for page in range(1, MAX_SCHEDULE_PAGES + 1):
            found = await deps.fb.list_schedules(page=page, per_page=SCHEDULE_PAGE, period=period)
            rows.extend(found.items)
            if page >= found.last_page:
                break
    except (NotFoundError, AuthError) as exc:
        log.info("hosted meetings not listed: %s", exc.detail)
        return []
    now = deps.now()
    upcoming = sorted((b for b in rows if b.end_utc >= now), key=lambda b: b.start_utc)
    past = sorted((b for b in rows if b.end_utc < now), key=lambda b: b.start_utc, reverse=True)
    return {"upcoming": upcoming, "past": past}.get(period, upcoming + past)


def _hosted_line(booking: Booking) -> BookingLine:
    tz = iana_or(booking.timezone, "UTC")
    zone = ZoneInfo(tz)
    when = when_label(booking.start_utc.astimezone(zone), booking.end_utc.astimezone(zone), tz)
    people = f"attendee {booking.name}" if booking.name else ""
    return BookingLine(booking.status, booking.title, people, when)


def _attending_line(summary: BookingSummary) -> BookingLine:
    """In the attendee's zone, from the instants the client read from the row where it
    could, else as the site shows it."""
    tz = iana_or(summary.timezone, "")
    host = summary.host_name
    people = f"with {host}" if host and host.lower() not in summary.title.lower() else ""
    if tz and summary.start_utc is not None:
        zone = ZoneInfo(tz)
        end = summary.end_utc.astimezone(zone) if summary.end_utc else None
        when = when_label(summary.start_utc.astimezone(zone), end, tz)
    elif tz and summary.end_utc is not None:  # 2.0.0 shows the end time twice
        end = summary.end_utc.astimezone(ZoneInfo(tz))
        when = f"{day_label(end.date())}, until {clock(end)} {zone_label(end, tz)}"
    else:
        shown = ", ".join(t for t in (summary.date_text, summary.time_text) if t)
        when = f"{shown} {summary.timezone}".strip()
    return BookingLine(summary.status, summary.title, people, when)
