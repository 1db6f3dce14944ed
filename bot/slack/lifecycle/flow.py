"""The lifecycle buttons and modals, after the ack (see listeners.py).

A click never trusts what Slack sends back: the booking is read from the site and the
authorisation rule checked again (`bot.lifecycle.service`). Buttons that ask for more
(Cancel, Decline: a reason; Reschedule: a new time) open a modal at once, with the
trigger still fresh, and fill it after reading the site. Approve, Completed and No-show
act at once. After a change every message that shows the booking (the booker's DM, the
host's DM, the channel announcement: `bot.lifecycle.records`) is updated to the state
read back from the site, saying who made it so; the member who clicked is told the
outcome where they clicked (the modal, or an ephemeral message beside the booking).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.fluentbooking.errors import FluentBookingError, NotFoundError
from bot.fluentbooking.lifecycle import Change
from bot.fluentbooking.models import Booking
from bot.lifecycle import records
from bot.lifecycle.records import ShownMessage
from bot.lifecycle.service import (
    ACTION_FOR,
    GONE_MESSAGE,
    ChangeRequest,
    LifecycleService,
    Outcome,
    Result,
    Seen,
    forbidden_message,
)
from bot.slack import booking_actions, errors
from bot.slack.booking_actions import NOT_LISTED, Where, where_of
from bot.slack.codec import LifecycleMeta, LifecycleValue, WireError
from bot.slack.deps import Deps
from bot.slack.home import publish_home
from bot.slack.lifecycle import views
from bot.slack.shapes import Block
from bot.store import StoreError
from bot.team.access import Viewer, allowed
from bot.team.identity import CalendarOwner, HostDirectory

log = logging.getLogger(__name__)

RESCHEDULE_DAYS = 14  # how far the reschedule modal looks for the first free day
#: how redrawing one message can fail: the site, the store or Slack
_REDRAW_FAILED: tuple[type[BaseException], ...] = (
    FluentBookingError,
    StoreError,
    *errors.SLACK_CALL_FAILED,
)


async def is_admin(deps: Deps, client: AsyncWebClient, user_id: str) -> bool:
    """BOOKING_ADMINS, or a workspace admin or owner (users.info), asked every time."""
    if user_id in (getattr(deps.settings, "booking_admins", None) or ()):
        return True
    try:
        found = await client.users_info(user=user_id)
    except errors.SLACK_CALL_FAILED as exc:  # rights unknown: not an admin (the safe answer)
        log.warning("could not check whether %s is an admin (%s)", user_id, errors.slack_error(exc))
        return False
    user = found.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def service_of(deps: Deps) -> LifecycleService:
    found = getattr(deps, "lifecycle", None)
    if found is None:
        found = LifecycleService(deps.fb, deps.store, clock=deps.now)
        deps.lifecycle = found  # type: ignore[attr-defined]
    return found


async def viewer_for(deps: Deps, client: AsyncWebClient, user_id: str) -> Viewer:
    """Who is clicking, as the rule needs it: profile email, admin, hosted calendars."""
    profile = await deps.profile(client, user_id)
    owners = await deps.fb.calendar_host_emails()
    directory = HostDirectory(
        [CalendarOwner(cid, "", email) for cid, email in owners.items()],
        getattr(deps.settings, "booking_host_map", ()) or (),
    )
    return Viewer(
        user_id=user_id,
        email=profile.email or None,
        is_admin=await is_admin(deps, client, user_id),
        hosted_calendar_ids=directory.hosted_by(user_id, profile.email or None),
    )


async def allowed_changes(deps: Deps, viewer: Viewer, booking: Booking) -> list[Change]:
    facts = await service_of(deps).facts(booking)
    return [
        c
        for c in views.offered(booking.status, booking.start_utc, deps.now())
        if allowed(viewer, facts, ACTION_FOR[c])
    ]


# -- what a click carries ---------------------------------------------------------------


WIRE_MESSAGE = (
    "That button could not be read (it may be from an older version of the bot, or was "
    "changed), so nothing was changed. Type `/bookings` for your bookings with fresh "
    "buttons."
)
LISTINGS = "lifecycle_listing"  # store key prefix: a modal's view id -> the listing's URL
RESPONSE_URL_TTL = 1800.0  # Slack honours a response_url for 30 minutes


def _clicked(body: dict[str, Any]) -> tuple[Change, LifecycleValue]:
    """The change (the action_id) and the button's value; WireError when either is not
    what the bot wrote, before anything is read or written."""
    actions = body.get("actions") or []
    if not actions:
        raise WireError("a click without an action")
    action = actions[0]
    name = str(action.get("action_id") or "").removeprefix(views.ACTION_PREFIX)
    try:
        change = Change(name)
    except ValueError:
        raise WireError(f"unknown lifecycle action {name[:40]!r}") from None
    return change, LifecycleValue.decode(action.get("value"))


def _seen(value: LifecycleValue | LifecycleMeta) -> Seen | None:
    """The state the member saw; None on buttons that do not carry it (the feed's
    Approve / Decline): the claim and the client's refusals still hold."""
    if not value.status or value.start is None:
        return None
    return Seen(value.status, value.start.astimezone(UTC))


def _origin(body: dict[str, Any]) -> dict[str, str]:
    """Where the click happened: the message's channel and ts (none in App Home)."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
    ts = (body.get("message") or {}).get("ts") or container.get("message_ts") or ""
    return {"c": str(channel), "m": str(ts)}


async def _zone(deps: Deps, client: AsyncWebClient, user_id: str) -> str:
    profile = await deps.profile(client, user_id)
    try:
        ZoneInfo(profile.timezone)
        return profile.timezone
    except (KeyError, ValueError):
        return "UTC"


# -- a button click ---------------------------------------------------------------------


async def on_button(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> None:
    user_id = str((body.get("user") or {}).get("id") or "")
    origin = _origin(body)
    try:
        change, value = _clicked(body)
    except WireError as exc:
        log.warning("a lifecycle click refused: %s", exc.detail)
        if user_id:
            await _tell(client, origin, user_id, WIRE_MESSAGE)
        return
    if not user_id:
        log.warning("a lifecycle click without a user")
        return
    booking_id, seen, where = value.booking_id, _seen(value), where_of(value)
    if change in (Change.CANCEL, Change.DECLINE, Change.RESCHEDULE):
        await _open_modal(deps, client, body, user_id, change, value, origin)
        return
    try:
        viewer = await viewer_for(deps, client, user_id)
    except FluentBookingError as exc:
        await _tell(client, origin, user_id, exc.user_message)
        return
    outcome = await service_of(deps).apply(ChangeRequest(booking_id, change, viewer, seen=seen))
    await after_outcome(deps, client, outcome, booking_id)
    await redraw_where(deps, client, user_id, outcome, where, _response_url(body))
    if not outcome.changed:
        await _tell(client, origin, user_id, outcome.message)


def _response_url(body: dict[str, Any]) -> str:
    return str(body.get("response_url") or "")


async def redraw_where(
    deps: Deps,
    client: AsyncWebClient,
    user_id: str,
    outcome: Outcome,
    where: Where,
    response_url: str,
) -> None:
    """The App Home or /bookings listing the member clicked in, drawn again from the site
    (the messages the bot recorded are updated by `after_outcome`)."""
    if outcome.result not in (Result.DONE, Result.ALREADY, Result.GONE):
        return  # nothing changed, or the site cannot be read now: leave it as it is
    if where.shown_in == "home":
        if not (outcome.changed and outcome.by == user_id):  # after_outcome did it
            await publish_home(deps, client, user_id)
        return
    redraw = booking_actions.redraw_of(where.shown_in) if where.shown_in else None
    if redraw is None or not response_url:
        return
    try:
        await redraw(deps, client, user_id, AsyncRespond(response_url=response_url), where)
    except _REDRAW_FAILED as exc:  # the change stands and was told; only the list is stale
        log.warning("could not redraw the %s listing (%s)", where.shown_in, errors.slack_error(exc))


async def _open_modal(
    deps: Deps,
    client: AsyncWebClient,
    body: dict[str, Any],
    user_id: str,
    change: Change,
    value: LifecycleValue,
    origin: dict[str, str],
) -> None:
    trigger = str(body.get("trigger_id") or "")
    opened = await client.views_open(
        trigger_id=trigger, view=views.working_view("Reading the booking from the site…")
    )
    view_id = opened["view"]["id"]
    errors.move_to(in_modal(client, view_id))  # from here on a failure is told in the modal
    booking_id, seen = value.booking_id, _seen(value)
    zone = await _zone(deps, client, user_id)
    service = service_of(deps)
    try:
        booking = await service.read(booking_id)
    except NotFoundError:
        await _show(client, view_id, views.result_view(GONE_MESSAGE, None, zone, ok=False))
        return
    except FluentBookingError as exc:
        await _show(client, view_id, views.result_view(exc.user_message, None, zone, ok=False))
        return
    try:
        viewer = await viewer_for(deps, client, user_id)
        may = await service.may(viewer, booking, change)
    except FluentBookingError as exc:
        await _show(client, view_id, views.result_view(exc.user_message, None, zone, ok=False))
        return
    if not may:
        message = forbidden_message(change)
        await _show(client, view_id, views.result_view(message, booking, zone, ok=False))
        return
    if seen is not None and (booking.status != seen.status or booking.start_utc != seen.start_utc):
        told = await service.explain(change, booking)
        await _show(client, view_id, views.result_view(told.message, booking, zone, ok=False))
        # the listing clicked in still shows the old state: draw it again from the site
        await redraw_where(deps, client, user_id, told, where_of(value), _response_url(body))
        return
    meta = LifecycleMeta(
        booking.id,
        booking.status,
        booking.start_utc,
        zone,
        channel=origin["c"],
        ts=origin["m"],
        shown_in=value.shown_in,
        period=value.period,
        limit=value.limit,
        team=value.team,
    )
    if value.shown_in == "bookings" and _response_url(body):
        # the listing is redrawn after the submission, through its response_url; kept in
        # the store (shared by the processes), never in what Slack sends back
        await _keep_listing(deps, view_id, _response_url(body))
    if change is Change.RESCHEDULE:
        await _show(client, view_id, await _reschedule_view(deps, booking, zone, meta, None))
    else:
        await _show(client, view_id, views.reason_modal(change, booking, zone, meta))


async def _keep_listing(deps: Deps, view_id: str, response_url: str) -> None:
    """Keep the listing's response_url for the modal's submission: a record with a time
    to live (the store's keys purge themselves) as long as Slack honours the URL."""
    key = f"{LISTINGS}:{view_id}"
    try:
        claim = await deps.store.claim(key, ttl_seconds=RESPONSE_URL_TTL, wait_seconds=0)
        if claim.owner:
            await deps.store.complete(key, {"url": response_url})
    except StoreError as exc:  # the modal still works; the listing is only not redrawn
        log.warning("the listing to redraw was not kept (%s)", type(exc).__name__)


async def _listing_url(deps: Deps, view_id: str) -> str:
    """The response_url kept for this modal ("" when none, or expired)."""
    key = f"{LISTINGS}:{view_id}"
    try:
        claim = await deps.store.claim(key, ttl_seconds=RESPONSE_URL_TTL, wait_seconds=0)
        if claim.owner:  # nothing was kept: give the key back
            await deps.store.release(key)
            return ""
    except StoreError as exc:  # the change stands; the listing is only not redrawn
        log.warning("the listing to redraw was not read (%s)", type(exc).__name__)
        return ""
    return str((claim.result or {}).get("url") or "")


async def _reschedule_view(
    deps: Deps, booking: Booking, zone: str, meta: LifecycleMeta, day: date | None
) -> dict[str, Any]:
    """The booking's own event, its free times in the member's zone, from `day` (or the
    first free day from tomorrow on)."""
    error = None
    times: list[datetime] = []
    today = deps.now().astimezone(ZoneInfo(zone)).date()
    first = day or today
    last = first if day else first + timedelta(days=RESCHEDULE_DAYS)
    try:
        slots = await deps.fb.get_slots(
            booking.event_id or 0,
            start=first,
            end=last,
            timezone=zone,
            duration=_minutes(booking),
        )
        for found_day, items in sorted(slots.by_date.items()):
            starts = [s.start for s in items if s.start.astimezone(UTC) != booking.start_utc]
            if starts:
                first, times = found_day, starts
                break
    except FluentBookingError as exc:
        error = exc.user_message
    if day is not None:
        first = day
    return views.reschedule_modal(
        booking, timezone=zone, day=first, times=times, metadata=meta, error=error
    )


def _minutes(booking: Booking) -> int | None:
    minutes = int((booking.end_utc - booking.start_utc).total_seconds() // 60)
    return minutes or None


async def on_day_pick(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> None:
    view = body.get("view") or {}
    picked = (body.get("actions") or [{}])[0].get("selected_date")
    try:
        meta = LifecycleMeta.decode(view.get("private_metadata"))
    except WireError as exc:
        log.warning("a reschedule modal's memory refused: %s", exc.detail)
        await _show(client, view["id"], views.result_view(WIRE_MESSAGE, None, "UTC", ok=False))
        return
    try:
        day = date.fromisoformat(str(picked))
        booking = await service_of(deps).read(meta.booking_id)
    except ValueError:
        return
    except FluentBookingError as exc:
        await _show(client, view["id"], views.result_view(exc.user_message, None, "UTC", ok=False))
        return
    await _show(client, view["id"], await _reschedule_view(deps, booking, meta.timezone, meta, day))


# -- a modal submitted ------------------------------------------------------------------


def submitted(body: dict[str, Any]) -> tuple[LifecycleMeta, dict[str, Any]]:
    """The modal's memory (WireError when it is not what the bot wrote) and its values."""
    view = body.get("view") or {}
    meta = LifecycleMeta.decode(view.get("private_metadata"))
    values = (view.get("state") or {}).get("values") or {}
    return meta, values


def values_of(body: dict[str, Any]) -> dict[str, Any]:
    view = body.get("view") or {}
    return (view.get("state") or {}).get("values") or {}


def reason_of(values: dict[str, Any]) -> str:
    block = values.get(views.REASON_BLOCK) or {}
    return str((block.get(views.REASON_ACTION) or {}).get("value") or "").strip()


def new_time_of(values: dict[str, Any]) -> datetime | None:
    for block_id, block in values.items():
        if block_id.startswith(views.TIME_BLOCK):
            chosen = (block.get(views.TIME_ACTION) or {}).get("selected_option") or {}
            if chosen.get("value"):
                return datetime.fromtimestamp(int(chosen["value"]), UTC)
    return None


@dataclass(frozen=True)
class Submitted:
    """A modal's change made: the view to show, and what the messages must follow."""

    view: dict[str, Any]
    outcome: Outcome
    booking_id: int
    reason: str
    user_id: str = ""
    where: Where = NOT_LISTED


async def on_submit(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], change: Change
) -> Submitted:
    """Make the change a modal asked for; the listener shows the outcome in the modal."""
    user_id = str((body.get("user") or {}).get("id") or "")
    try:
        meta, values = submitted(body)
    except WireError as exc:
        log.warning("a lifecycle modal's memory refused: %s", exc.detail)
        view = views.result_view(WIRE_MESSAGE, None, "UTC", ok=False)
        return Submitted(view, Outcome(Result.REFUSED, change, WIRE_MESSAGE), 0, "")
    zone = meta.timezone
    try:
        viewer = await viewer_for(deps, client, user_id)
    except FluentBookingError as exc:
        view = views.result_view(exc.user_message, None, zone, ok=False)
        outcome = Outcome(Result.FAILED, change, exc.user_message)
        return Submitted(view, outcome, meta.booking_id, "")
    request = ChangeRequest(
        meta.booking_id,
        change,
        viewer,
        reason=reason_of(values),
        start=new_time_of(values) if change is Change.RESCHEDULE else None,
        timezone=zone,
        seen=_seen(meta),
    )
    outcome = await service_of(deps).apply(request)
    view = views.result_view(outcome.message, outcome.booking, zone, ok=outcome.changed)
    return Submitted(view, outcome, meta.booking_id, request.reason, user_id, where_of(meta))


async def after_submit(deps: Deps, client: AsyncWebClient, view_id: str, done: Submitted) -> None:
    """Every message showing the booking, and the listing the modal was opened from."""
    await after_outcome(deps, client, done.outcome, done.booking_id, reason=done.reason)
    if done.where.shown_in == "bookings":
        url = await _listing_url(deps, view_id)
        await redraw_where(deps, client, done.user_id, done.outcome, done.where, url)
    elif done.where.shown_in:
        await redraw_where(deps, client, done.user_id, done.outcome, done.where, "")


async def finish_later(
    deps: Deps, client: AsyncWebClient, view_id: str, task: asyncio.Task[Submitted]
) -> None:
    """The site was slower than the ack: show the outcome when it comes (a failure is
    told in the modal by the error path: see the listener)."""
    done = await task
    await _show(client, view_id, done.view)
    await after_submit(deps, client, view_id, done)


def in_modal(client: AsyncWebClient, view_id: str) -> errors.OpenModal:
    """The lifecycle modal as the surface a failure is told on."""
    return errors.OpenModal(client, view_id, failed_view)


def failed_view(message: str, request_id: str | None) -> dict[str, Any]:
    """A failure, told in the modal in the error's own words (with the request id)."""
    if request_id and request_id not in message:
        message = f"{message} (reference {request_id})"
    return views.result_view(message, None, "UTC", ok=False)


# -- every message that shows the booking -----------------------------------------------


async def after_outcome(
    deps: Deps, client: AsyncWebClient, outcome: Outcome, booking_id: int, *, reason: str = ""
) -> None:
    """Bring every recorded message showing the booking to what the site now holds."""
    if outcome.booking is None or outcome.result not in (Result.DONE, Result.ALREADY):
        return
    booking = outcome.booking
    last = await records.last_change(deps.store, booking_id)
    current = last if last is not None and last.status == booking.status else None
    by = outcome.by or (current.by if current else None)
    change = outcome.change if outcome.changed else (Change(current.change) if current else None)
    why = reason or (current.reason if current else "")
    moved_from = outcome.previous_start
    shown_in = await records.messages_of(deps.store, booking_id)
    if outcome.changed and outcome.by:
        # App Home lists upcoming meetings with their buttons: redraw, from the site, the
        # tabs of the member who changed it and of the members whose DMs show it
        readers = {outcome.by} | {shown.user for shown in shown_in if shown.user}
        for reader in sorted(readers):
            deps.spawn(publish_home(deps, client, reader))
    for shown in shown_in:
        try:
            await client.chat_update(
                channel=shown.channel,
                ts=shown.ts,
                **await shown_message(deps, client, booking, shown, change, by, why, moved_from),
            )
        except _REDRAW_FAILED as exc:  # one message not redrawn must not stop the others
            log.warning(
                "booking %s: could not update a message in %s (%s)",
                booking_id,
                shown.channel,
                errors.slack_error(exc),
            )


async def shown_message(
    deps: Deps,
    client: AsyncWebClient,
    booking: Booking,
    shown: ShownMessage,
    change: Change | None,
    by: str | None,
    reason: str,
    moved_from: datetime | None,
) -> dict[str, Any]:
    """The message for one surface: a DM in its reader's zone with the buttons that
    reader may use; the channel post in each reader's zone with the buttons any allowed
    member may click (each click is checked again)."""
    buttons = None
    zone: str | None = None
    if shown.user:
        zone = await _zone(deps, client, shown.user)
        viewer = await viewer_for(deps, client, shown.user)
        buttons = booking_buttons(booking, await allowed_changes(deps, viewer, booking))
    else:
        # a channel is read by many: only the changes a booker may make, each click
        # checked again against the rule
        public = (Change.RESCHEDULE, Change.CANCEL)
        buttons = booking_buttons(
            booking,
            [
                c
                for c in views.offered(booking.status, booking.start_utc, deps.now())
                if c in public
            ],
        )
    return views.booking_card(
        booking,
        timezone=zone,
        change=change,
        by=by,
        reason=reason,
        previous_start=moved_from,
        buttons=buttons,
    )


def booking_buttons(booking: Booking, changes: list[Change]) -> dict[str, Any] | None:
    return views.action_buttons(booking.id, booking.status, booking.start_utc, changes)


async def _tell(client: AsyncWebClient, origin: dict[str, str], user_id: str, text: str) -> None:
    """Beside the booking where the member clicked; in their DM when that fails."""
    shown = views.with_mentions(text)
    if origin.get("c"):
        try:
            await client.chat_postEphemeral(channel=origin["c"], user=user_id, text=shown)
            return
        except errors.SLACK_CALL_FAILED as exc:  # not in that channel: the DM instead
            log.info("ephemeral to %s failed (%s); using the DM", user_id, errors.slack_error(exc))
    try:
        opened = await client.conversations_open(users=user_id)
        await client.chat_postMessage(channel=opened["channel"]["id"], text=shown)
    except errors.SLACK_CALL_FAILED as exc:  # nowhere left to tell: the log has it
        log.warning("could not tell %s the outcome (%s)", user_id, errors.slack_error(exc))


async def _show(client: AsyncWebClient, view_id: str, view: dict[str, Any]) -> None:
    try:
        await client.views_update(view_id=view_id, view=view)
    except errors.SLACK_CALL_FAILED as exc:  # the modal was closed: nothing to show it in
        log.warning("could not update the lifecycle modal (%s)", errors.slack_error(exc))


# -- where bookings are first shown (called by the announcements) -----------------------


def host_buttons(booking_id: int, status: str, start_utc: datetime, now: datetime) -> Block | None:
    """Everything that fits the state, for the host's own DM (each click checked again)."""
    changes = views.offered(status, start_utc, now)
    return views.action_buttons(booking_id, status, start_utc, changes)


def decide_buttons(booking_id: int) -> list[dict[str, Any]]:
    """Approve and Decline for a booking waiting for approval, as button elements (the
    feed puts them in the host's DM); each click is read and checked like any other."""
    value = LifecycleValue(booking_id).encode()
    return [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": views.BUTTON_WORDS[change]},
            "action_id": views.action_id(change),
            "value": value,
            **({"style": views.STYLES[change]} if change in views.STYLES else {}),
        }
        for change in (Change.APPROVE, Change.DECLINE)
    ]


def booker_buttons(
    booking_id: int, status: str, start_utc: datetime, now: datetime
) -> Block | None:
    """Cancel and Reschedule on what the booker (or a channel) sees; every click is
    checked again, so a channel reader who may not is told so."""
    public = (Change.RESCHEDULE, Change.CANCEL)
    changes = [c for c in views.offered(status, start_utc, now) if c in public]
    return views.action_buttons(booking_id, status, start_utc, changes)


async def remember_shown(
    deps: Deps, booking_id: int, channel: str, ts: str, surface: str, user: str = ""
) -> None:
    try:
        await records.remember_message(
            deps.store, booking_id, ShownMessage(channel, ts, surface, user)
        )
    except StoreError as exc:  # the message stands; it is only not redrawn on a later change
        log.warning("booking %s: message not remembered (%s)", booking_id, type(exc).__name__)


async def host_member(deps: Deps, client: AsyncWebClient, booking: Booking) -> str | None:
    """The Slack member hosting the booking: BOOKING_HOST_MAP, else the member whose
    Slack email is the calendar owner's."""
    if booking.calendar_id is None:
        return None
    owners = await deps.fb.calendar_host_emails()
    directory = HostDirectory(
        [CalendarOwner(cid, "", email) for cid, email in owners.items()],
        getattr(deps.settings, "booking_host_map", ()) or (),
    )
    mapped = directory.mapped_host(booking.calendar_id)
    if mapped:
        return mapped
    email = directory.host_email(booking.calendar_id)
    if not email:
        return None
    try:
        found = await client.users_lookupByEmail(email=email)
    except errors.SLACK_CALL_FAILED:  # no member with that email (or Slack down): no host DM
        return None
    user = found.get("user") or {}
    return str(user.get("id") or "") or None


async def tell_host_of_pending(deps: Deps, client: AsyncWebClient, booking_id: int) -> bool:
    """A booking waiting for approval: the host's DM with Approve and Decline."""
    try:
        booking = await service_of(deps).read(booking_id)
    except FluentBookingError as exc:
        log.warning("booking %s: host not told (%s)", booking_id, exc.kind)
        return False
    if booking.status != "pending":
        return False
    host = await host_member(deps, client, booking)
    if not host:
        log.info("booking %s waits for approval; no Slack member hosts it", booking_id)
        return False
    zone = await _zone(deps, client, host)
    viewer = await viewer_for(deps, client, host)
    body = views.booking_card(
        booking,
        timezone=zone,
        buttons=booking_buttons(booking, await allowed_changes(deps, viewer, booking)),
    )
    body["blocks"].insert(
        0,
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": ":hourglass: A booking is waiting for your approval.",
            },
        },
    )
    try:
        opened = await client.conversations_open(users=host)
        channel = opened["channel"]["id"]
        posted = await client.chat_postMessage(channel=channel, **body)
    except errors.SLACK_CALL_FAILED as exc:  # the booking stands; the channel post has it
        log.warning("booking %s: could not DM the host (%s)", booking_id, errors.slack_error(exc))
        return False
    await remember_shown(deps, booking_id, channel, str(posted.get("ts") or ""), "host_dm", host)
    return True
