"""The feed's `Teller` on Slack: the channel message per booking (posted once, then
updated in place with a thread reply per change), the host's DM, summaries, reminders.

Slack's 429 is retried after its Retry-After (the SDK's rate-limit handler on a client
of the feed's own). A channel the bot cannot post to is logged once, with the `check`
hint, and does not hold the feed up; other Slack trouble raises, so the watcher tries
the change again at its next look (told-once keys keep it from being told twice).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.feed import Change, FeedState, Kind, Reminder, Seen, Summary
from bot.fluentbooking import FluentBookingError
from bot.slack.deps import Deps
from bot.slack.feed import views
from bot.slack.shapes import Block, Message
from bot.team.identity import HostDirectory, owners_of

log = logging.getLogger("bot.slack.feed")

CHANNEL_PROBLEMS = {"not_in_channel", "channel_not_found", "is_archived", "missing_scope"}
HOST_DM_KINDS = (Kind.NEW, Kind.CANCELLED, Kind.RESCHEDULED)
#: (booking_id) -> the Approve / Decline buttons the lifecycle feature offers
DecideActions = Callable[[int], list[Block]]
#: (booking_id, channel, ts, surface, user): the lifecycle feature records a message showing it
RememberShown = Callable[[int, str, str, str, str], Awaitable[None]]


def feed_client(app_client: AsyncWebClient) -> AsyncWebClient:
    """A Web API client like the app's, that waits out 429s (Retry-After) and retries."""
    client = AsyncWebClient(
        token=app_client.token,
        base_url=app_client.base_url,
        timeout=app_client.timeout,
        session=app_client.session,
    )
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
    return client


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or "unknown")


class SlackTeller:
    def __init__(
        self,
        deps: Deps,
        client: AsyncWebClient,
        state: FeedState,
        *,
        decide_actions: DecideActions | None = None,
        remember_shown: RememberShown | None = None,
    ) -> None:
        self.deps = deps
        self.client = client
        self.state = state
        # (booking_id) -> Block Kit buttons Approve / Decline, from the lifecycle feature
        self.decide_actions = decide_actions
        # async (booking_id, channel, ts, surface, user): the lifecycle feature keeps the
        # messages that show a booking, so a change made from Slack redraws the host's DM
        self.remember_shown = remember_shown
        self.channel_warned = False

    @property
    def channel(self) -> str | None:
        return getattr(self.deps.settings, "booking_notify_channel", None)

    # -- Teller --------------------------------------------------------------------------

    async def tell(self, change: Change, posts: dict[str, Any]) -> dict[str, Any]:
        posts = dict(posts)
        if self.channel:
            posts = await self._tell_channel(change, posts, self.channel)
        if change.kind in HOST_DM_KINDS:
            await self._tell_host(change)
        return posts

    async def summarise(self, summary: Summary) -> None:
        if self.channel:
            await self._post(self.channel, views.summary_message(summary))

    async def remind(self, reminder: Reminder) -> None:
        seen = reminder.booking
        people = []
        host = await self._host_member(seen)
        if host:
            people.append(host)
        attendee = await self._member_by_email(seen.attendee_email)
        if attendee and attendee not in people:
            people.append(attendee)
        for user_id in people:
            await self._dm(user_id, lambda zone: views.reminder_dm(reminder, zone, self._now()))

    # -- the channel -----------------------------------------------------------------------

    async def _tell_channel(
        self, change: Change, posts: dict[str, Any], channel: str
    ) -> dict[str, Any]:
        ts = posts.get("ts")
        where = posts.get("channel") or channel
        if not ts:
            origin = await self.state.made_in_slack(change.booking.booking_id) or {}
            if origin.get("channel") == channel and origin.get("ts"):
                ts, where = str(origin["ts"]), channel
        message = views.channel_message(change.booking)
        reply = views.change_reply(change)
        if ts:
            await self._update(where, ts, message)
            if reply:
                await self._post(where, reply, thread_ts=ts)
            return {**posts, "channel": where, "ts": ts}
        answer = await self._post(channel, message)
        if answer is None:
            return posts
        ts = str(answer.get("ts") or "")
        if reply and ts:
            await self._post(channel, reply, thread_ts=ts)
        return {**posts, "channel": channel, "ts": ts}

    async def _post(
        self, channel: str, message: dict[str, Any], *, thread_ts: str | None = None
    ) -> dict[str, Any] | None:
        try:
            answer = await self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, **message
            )
        except SlackApiError as exc:
            if self._channel_problem(channel, exc):
                return None
            raise
        return dict(answer.data) if isinstance(answer.data, dict) else {}

    async def _update(self, channel: str, ts: str, message: dict[str, Any]) -> None:
        try:
            await self.client.chat_update(channel=channel, ts=ts, **message)
        except SlackApiError as exc:
            if _error(exc) == "message_not_found":
                return  # deleted by someone: the thread reply still goes out
            if not self._channel_problem(channel, exc):
                raise

    def _channel_problem(self, channel: str, exc: SlackApiError) -> bool:
        error = _error(exc)
        if error not in CHANNEL_PROBLEMS:
            return False
        if not self.channel_warned:
            self.channel_warned = True
            log.warning(
                "booking feed: cannot post in %s (BOOKING_NOTIFY_CHANNEL): Slack says %s; "
                "invite the bot there (/invite @bot) or fix the channel id, then run "
                "`python -m bot check`",
                channel,
                error,
            )
        return True

    # -- people ----------------------------------------------------------------------------

    async def _tell_host(self, change: Change) -> None:
        host = await self._host_member(change.booking)
        if host is None:
            return
        actions = None
        pending = change.kind is Kind.NEW and change.booking.status == "pending"
        if pending and self.decide_actions is not None:
            actions = self.decide_actions(change.booking.booking_id)
        channel, ts = await self._dm(host, lambda zone: views.host_dm(change, zone, actions))
        if change.kind is Kind.NEW and ts and self.remember_shown is not None:
            await self.remember_shown(change.booking.booking_id, channel, ts, "host_dm", host)

    async def _dm(self, user_id: str, build: Callable[[str], Message]) -> tuple[str, str]:
        """Post a DM built for the reader's zone; (channel, ts) of the message."""
        profile = await self.deps.profile(self.client, user_id)
        zone = views_zone(getattr(profile, "timezone", None))
        opened = await self.client.conversations_open(users=user_id)
        channel = opened["channel"]["id"]
        answer = await self.client.chat_postMessage(channel=channel, **build(zone))
        return str(channel), str(answer.get("ts") or "")

    async def _host_member(self, seen: Seen) -> str | None:
        if seen.calendar_id is None:
            return None
        try:
            events = await self.deps.events()
        except FluentBookingError as exc:  # the site is down: no DM this time, the channel has it
            log.info("booking feed: host of booking %s unknown (%s)", seen.booking_id, exc)
            return None
        directory = HostDirectory(
            owners_of(events), getattr(self.deps.settings, "booking_host_map", ())
        )
        mapped = directory.mapped_host(seen.calendar_id)
        if mapped is not None:
            return mapped
        return await self._member_by_email(directory.host_email(seen.calendar_id))

    async def _member_by_email(self, email: str | None) -> str | None:
        if not email:
            return None
        try:
            answer = await self.client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if _error(exc) == "users_not_found":
                return None
            raise
        user = answer.get("user") or {}
        if user.get("is_bot") or user.get("deleted"):
            return None
        return str(user.get("id") or "") or None

    def _now(self) -> datetime:
        return self.deps.now()


def views_zone(zone: str | None) -> str:
    from bot.slack.fmt import iana_or

    return iana_or(zone, "UTC")
