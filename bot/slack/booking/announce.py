"""After a booking: remember it, DM the person who booked, post to the team channel,
refresh their App Home. Runs in the background, once per booking.

`after_booking` is called where a booking completes; it only schedules the work, so the
user's result is never delayed. The announcement is keyed `announce:{booking_id}` in the
store: a double submit, a retried request or a second process replaying the same booking
finds the key taken and announces nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import UTC
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.booking.records import remember
from bot.booking.result import BookingResult
from bot.booking.service import BookOutcome, announcement_id
from bot.fluentbooking import FluentBookingError
from bot.slack import lifecycle
from bot.slack.booking.views.announcements import booked_dm, channel_post, host_dm
from bot.slack.deps import Deps
from bot.slack.errors import SLACK_CALL_FAILED, slack_error
from bot.slack.fmt import iana_or
from bot.slack.home import publish_home
from bot.store import StoreError
from bot.store.outbox import Outbox

log = logging.getLogger(__name__)
ORIGIN = "booking_origin"

ANNOUNCE_TTL = 90 * 86400.0
#: how finding a booking's host can fail: the site (its calendars) or Slack (the email)
_LOOKUP_FAILED: tuple[type[BaseException], ...] = (FluentBookingError, *SLACK_CALL_FAILED)
_MISSING_CHANNEL = {"not_in_channel", "channel_not_found", "is_archived"}


def after_booking(deps: Deps, client: AsyncWebClient, user_id: str, outcome: BookOutcome) -> None:
    """Deliver the announcements and the Home refresh for a booking just made.

    `outcome`: the BookingService's BookOutcome. Its outbox item was saved with the
    booking (or, when the store failed, is delivered from memory and recorded later);
    a replay of a booking already announced does nothing. Items left undelivered by a
    failure (here or in a process that died) are retried first, at every booking."""
    if not getattr(outcome, "to_announce", not getattr(outcome, "already", False)):
        return
    deliveries = getattr(outcome, "deliveries", None) or {
        announcement_id(outcome.result.booking_id): {
            "user_id": user_id,
            "result": outcome.result.to_dict(),
        }
    }
    deps.spawn(
        _deliver_all(
            deps,
            client,
            deliveries,
            saved=getattr(outcome, "saved", True),
            queue=getattr(outcome, "recovered", False),
        )
    )


def outbox_of(deps: Deps, client: AsyncWebClient) -> Outbox:
    """The process's outbox, delivering through `client` (the app's Web API client)."""
    if deps.outbox is None:

        async def deliver(item_id: str, payload: dict[str, Any]) -> bool:
            return await _deliver(deps, client, payload)

        deps.outbox = Outbox(deps.store, deliver)
    return deps.outbox


async def _deliver_all(
    deps: Deps,
    client: AsyncWebClient,
    deliveries: dict[str, dict[str, Any]],
    *,
    saved: bool,
    queue: bool = False,
) -> None:
    """`queue`: a booking found on the site after a lost answer may never have been
    queued; queue it first (a no-op when it was)."""
    outbox = outbox_of(deps, client)
    for item_id, payload in deliveries.items():
        if saved and queue:
            try:
                await deps.store.outbox_add(item_id, payload)
            except StoreError:
                saved = False
        if saved:
            await outbox.deliver_now(item_id, payload)
        else:
            await outbox.deliver_unsaved(item_id, payload)
    await outbox.run_due()  # what failed earlier, here or in a process that stopped


async def _deliver(deps: Deps, client: AsyncWebClient, payload: dict[str, Any]) -> bool:
    """One outbox item: True when done (or done before), False to try again later."""
    result = BookingResult.from_dict(payload["result"])
    return await _announce(deps, client, str(payload["user_id"]), result) != "dm failed"


async def announce(deps: Deps, client: AsyncWebClient, user_id: str, result: BookingResult) -> bool:
    """Announce one booking, at most once. Returns True when this call announced it."""
    return await _announce(deps, client, user_id, result) == "announced"


async def _announce(deps: Deps, client: AsyncWebClient, user_id: str, result: BookingResult) -> str:
    """ "announced", "already" (by another caller) or "dm failed" (nothing was posted;
    the key is free again, so a retry announces it)."""
    key = f"announce:{result.booking_id}"
    claimed = True
    try:
        claim = await deps.store.claim(key, ttl_seconds=ANNOUNCE_TTL, wait_seconds=0)
    except StoreError as exc:  # the booking stands: tell its people anyway
        log.warning(
            "booking %s: the store did not answer (%s); announcing it unrecorded",
            result.booking_id,
            type(exc).__name__,
        )
        claimed = False
    else:
        if not claim.owner:
            log.info("booking %s was announced already", result.booking_id)
            return "already"
    await _record_origin(deps, user_id, result, None, None)
    try:
        await remember(deps.store, user_id, result, deps.now())
    except StoreError:  # App Home misses it until the site is read; the DM still goes
        log.warning("booking %s: could not remember it for App Home", result.booking_id)
    done: dict[str, Any] = {"dm": await _dm(deps, client, user_id, result), "channel": None}
    if not done["dm"]:
        if claimed:
            await _quietly(deps.store.release(key), result.booking_id, "released")
        return "dm failed"
    host: str | None = None
    try:
        host = await deps.host_member(client, result.calendar_id)
    except _LOOKUP_FAILED:  # the booker's DM stands without the host's
        log.warning("booking %s: could not find its host in Slack", result.booking_id)
    if host is not None and host != user_id:  # a host booking themselves: one DM
        done["host_dm"] = await _dm_host(deps, client, host, user_id, result)
    channel = getattr(deps.settings, "booking_notify_channel", None)
    if channel:
        ts = await _post_channel(deps, client, channel, user_id, result)
        done["channel"] = ts is not None
        if ts is not None:
            await _record_origin(deps, user_id, result, channel, ts)
    if claimed:
        await _quietly(deps.store.complete(key, done), result.booking_id, "recorded")
    await publish_home(deps, client, user_id)
    if host is not None and host != user_id:
        await publish_home(deps, client, host)
    return "announced"


async def _quietly(call: Awaitable[object], booking_id: int, what: str) -> None:
    try:
        await call
    except StoreError:  # bookkeeping only: the announcement itself went out
        log.warning("booking %s: announcement not %s", booking_id, what)


async def _dm_host(
    deps: Deps, client: AsyncWebClient, host: str, booker: str, result: BookingResult
) -> bool:
    """Tell the host a member booked them; the time in the host's Slack zone."""
    try:
        them = await deps.profile(client, host)
        opened = await client.conversations_open(users=host)
        channel = opened["channel"]["id"]
        body = host_dm(result, booker, iana_or(them.timezone, "UTC"))
        buttons = lifecycle.host_buttons(
            result.booking_id, result.status, result.start.astimezone(UTC), deps.now()
        )
        if buttons is not None:  # Approve / Decline when it waits, Reschedule, Cancel
            body["blocks"].append(buttons)
        answer = await client.chat_postMessage(channel=channel, **body)
        await lifecycle.remember_shown(
            deps, result.booking_id, channel, str(answer.get("ts") or ""), "host_dm", host
        )
        return True
    except SLACK_CALL_FAILED as exc:  # the booking stands; the booker's DM has it
        log.warning(
            "booking %s: could not tell its host %s (%s)",
            result.booking_id,
            host,
            slack_error(exc),
        )
        return False


async def _dm(deps: Deps, client: AsyncWebClient, user_id: str, result: BookingResult) -> bool:
    try:
        me = await deps.profile(client, user_id)
        opened = await client.conversations_open(users=user_id)
        channel = opened["channel"]["id"]
        body = booked_dm(result, iana_or(me.timezone, "UTC"))
        _with_buttons(deps, body, result)
        posted = await client.chat_postMessage(channel=channel, **body)
        await lifecycle.remember_shown(
            deps, result.booking_id, channel, str(posted.get("ts") or ""), "booker_dm", user_id
        )
        return True
    except SLACK_CALL_FAILED as exc:  # the booking stands; the outbox tries the DM again
        log.warning(
            "booking %s: could not send the DM to %s (%s)",
            result.booking_id,
            user_id,
            slack_error(exc),
        )
        return False


async def _record_origin(
    deps: Deps, user_id: str, result: BookingResult, channel: str | None, ts: str | None
) -> None:
    """`booking_origin` (SHARED-INTERFACES.md): made from Slack, by whom, and where its
    channel post is, so the booking watcher neither announces it again nor loses it."""
    try:
        await deps.store.set_value(
            ORIGIN, str(result.booking_id), {"booked_by": user_id, "channel": channel, "ts": ts}
        )
    except StoreError:  # the watcher may announce it once more; nothing is lost
        log.warning("booking %s: could not record that it was made from Slack", result.booking_id)


async def _post_channel(
    deps: Deps, client: AsyncWebClient, channel: str, user_id: str, result: BookingResult
) -> str | None:
    """The channel post's ts, or None when it could not be posted."""
    try:
        body = channel_post(result, user_id)
        _with_buttons(deps, body, result)
        answer = await client.chat_postMessage(channel=channel, **body)
        ts = str(answer.get("ts") or "")
        await lifecycle.remember_shown(deps, result.booking_id, channel, ts, "channel")
        return ts
    except SLACK_CALL_FAILED as exc:  # the booking stands; the log says how to fix the channel
        error = slack_error(exc)
        if error in _MISSING_CHANNEL:
            log.warning(
                "booking %s not announced in %s (BOOKING_NOTIFY_CHANNEL): Slack says %s; "
                "invite the bot to that channel (/invite @bot there) or fix the channel id",
                result.booking_id,
                channel,
                error,
            )
        else:
            log.warning("booking %s not announced in %s: %s", result.booking_id, channel, error)
        return None


def _with_buttons(deps: Deps, body: dict[str, Any], result: BookingResult) -> None:
    """Cancel and Reschedule under the booking (each click is checked again)."""
    buttons = lifecycle.booker_buttons(
        result.booking_id, result.status, result.start.astimezone(UTC), deps.now()
    )
    if buttons is not None:
        body["blocks"].append(buttons)
