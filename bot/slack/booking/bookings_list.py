"""`/bookings [upcoming|past|all] [team]`: what the member may see of the site's bookings.

The meetings they host, attend (their Slack email as attendee or guest) and booked from
Slack (bot.team); admins may ask for every host's. The *Contact details of…* menu is
decided again on each use, on the site's row and the bot's records (bot.team.service).
"""

from __future__ import annotations

import logging
import time
from zoneinfo import ZoneInfo

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.fluentbooking import Booking
from bot.slack import blocks
from bot.slack.booking.views import messages
from bot.slack.booking.views.model import BookingLine, BookingListing, BookingSection
from bot.slack.booking_actions import Where, action_buttons, changes_for
from bot.slack.codec import MoreBookingsValue
from bot.slack.deps import Deps
from bot.slack.fmt import clock, day_label, iana_or, when_label
from bot.slack.help import unknown_subcommand
from bot.slack.origin import Origin
from bot.slack.shapes import Block
from bot.team.access import Action, Viewer, allowed
from bot.team.identity import HostDirectory
from bot.team.listing import Section
from bot.team.privacy import is_contact_location
from bot.team.service import Seen

PERIODS = ("upcoming", "past", "all")
PAGE = 10
MAX_PAGE = 40
log = logging.getLogger(__name__)

TEAM_WORDS = ("team", "everyone", "all-hosts")
NOT_ADMIN_NOTE = (
    "Only admins (BOOKING_ADMINS, workspace admins and owners) can list every host's "
    "bookings. Here are yours."
)
HEADINGS = {
    Section.HOSTING: "You host",
    Section.ATTENDING: "You attend",
    Section.BOOKED: "You booked for others",
    Section.TEAM: "Every host's bookings",
}


def read_bookings_text(text: str) -> tuple[str | None, bool, str]:
    """(period or None when unknown, team asked, the unknown word)."""
    period, team = "upcoming", False
    for word in text.lower().split():
        if word in TEAM_WORDS:
            team = True
        elif word in PERIODS:
            period = word
        else:
            return None, team, word
    return period, team, ""


async def bookings(
    deps: Deps,
    client: AsyncWebClient,
    origin: Origin,
    text: str,
    *,
    limit: int = PAGE,
    replace: bool = False,
) -> None:
    """`/bookings [upcoming|past|all] [team]`: the meetings the member hosts, attends or
    booked from Slack; `team`: every host's, for admins (re-checked on every click)."""
    period, team, unknown = read_bookings_text(text)
    if period is None:
        await origin.respond(
            **unknown_subcommand("/bookings", unknown, "`upcoming`, `past`, `all` or `team`"),
            replace_original=False,
        )
        return
    limit = max(1, min(limit, MAX_PAGE))  # the More button's value comes back from Slack
    viewer = await deps.viewer(client, origin.user_id)
    granted = team and viewer.is_admin
    note = NOT_ADMIN_NOTE if team and not granted else None
    if team and not granted:
        log.info("refused the whole team's bookings to %s: not an admin", origin.user_id)
    directory = await deps.directory()
    found = await deps.team.visible(viewer, period, team=granted)
    sections = []
    shown_ids: list[int] = []
    for kind, items in found.sections():
        if not items:
            continue
        where = Where("bookings", period, limit, granted)
        lines = [
            _line(kind, seen, viewer, directory, _actions(deps, viewer, seen, where))
            for seen in items[:limit]
        ]
        shown_ids.extend(seen.booking.id for seen in items[:limit])
        sections.append(BookingSection(HEADINGS[kind], lines, len(items)))
    await deps.team.remember_shown(origin.user_id, shown_ids)
    listing = BookingListing(period=period, sections=sections, team=granted, note=note)
    more: MoreBookingsValue | None = None
    if limit < MAX_PAGE and any(s.total > len(s.lines) for s in sections):
        more = MoreBookingsValue(period=period, limit=min(limit * 2, MAX_PAGE), team=granted)
    await origin.respond(
        **messages.booking_list(listing, more_value=more), replace_original=replace
    )


def _when(booking: Booking) -> tuple[str, str]:
    """(the full time, a short one) in the attendee's zone."""
    tz = iana_or(booking.timezone, "UTC")
    zone = ZoneInfo(tz)
    start = booking.start_utc.astimezone(zone)
    short = f"{day_label(start.date())} {clock(start)}"
    return when_label(start, booking.end_utc.astimezone(zone), tz), short


def _actions(deps: Deps, viewer: Viewer, seen: Seen, where: Where) -> Block | None:
    """The lifecycle buttons this viewer may use on the row (each click checked again)."""
    booking = seen.booking
    status = (booking.status or "").lower()
    changes = changes_for(viewer, seen.facts, status, booking.start_utc, deps.now())
    return action_buttons(booking.id, status, booking.start_utc, changes, where=where)


async def redraw(
    deps: Deps, client: AsyncWebClient, user_id: str, respond: AsyncRespond, where: Where
) -> None:
    """The listing a lifecycle button was clicked in, drawn again from the site (through
    its response_url) after the change; the period, size and team view as it was."""
    origin = Origin(
        user_id=user_id, channel_id=None, trigger_id=None, received=time.monotonic(),
        respond=respond,
    )  # fmt: skip
    team = " team" if where.team else ""  # an admin's view: bookings() checks again
    await bookings(deps, client, origin, where.period + team, limit=where.limit, replace=True)


def _line(
    kind: Section,
    seen: Seen,
    viewer: Viewer,
    directory: HostDirectory,
    actions: Block | None = None,
) -> BookingLine:
    """One row: who is in it as this viewer may read it (contact only per the rule)."""
    booking = seen.booking
    contact = allowed(viewer, seen.facts, Action.VIEW_CONTACT)
    calendar = directory.calendar(seen.facts.calendar_id)
    host = calendar.title if calendar else ""
    attendee = booking.name or "someone"
    if contact and booking.email:
        attendee += f" ({booking.email})"
    if kind is Section.HOSTING:
        people = f"attendee {attendee}"
    elif kind is Section.ATTENDING:
        people = f"with {host}" if host else ""
    else:
        people = f"with {host}, attendee {attendee}" if host else f"attendee {attendee}"
    when, short = _when(booking)
    return BookingLine(
        booking.status,
        booking.title,
        people,
        when,
        details_id=booking.id if contact else None,
        short_when=f"{short} · {booking.name or 'someone'}",
        actions=actions,
    )


async def booking_details(
    deps: Deps, client: AsyncWebClient, origin: Origin, booking_id: int
) -> None:
    """The Details menu: the attendee's contact details, when the rule allows. Decided on
    the site's row and the store (the menu's value only names which booking)."""
    viewer = await deps.viewer(client, origin.user_id)
    found = await deps.team.find(viewer, booking_id, Action.VIEW_CONTACT)
    if found is None:
        log.info("refused details of booking %s to %s", booking_id, origin.user_id)
        await origin.respond(
            **blocks.error_message(
                "You can't see that booking's details: only its host, its attendee, "
                "the member who booked it and admins can. Type `/bookings` for yours."
            ),
            replace_original=False,
        )
        return
    directory = await deps.directory()
    booking = found.booking
    calendar = directory.calendar(found.facts.calendar_id)
    when, _ = _when(booking)
    await origin.respond(
        **messages.booking_details(
            booking.title,
            when,
            calendar.title if calendar else "",
            booking.name,
            booking.email,
            booking.phone,
            booking.location if is_contact_location(booking.location_type) else None,
        ),
        replace_original=False,
    )
