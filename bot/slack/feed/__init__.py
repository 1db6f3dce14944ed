"""The booking feed in Slack: what happens on the site (website bookings, cancellations,
reschedules, approvals) told in the team channel and to the hosts, and reminders.

The watcher (`bot.feed`, no Slack in it) runs inside the bot process, started with it
(`start`, by `bot.slack.run`) and stopped with it (`stop`); one process of a deployment
watches at a time. `webhook` serves FluentBooking Pro's webhook route.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from slack_bolt.async_app import AsyncApp

from bot.config import DEFAULT_POLL_SECONDS
from bot.feed import FeedState, Watcher, WatcherOptions
from bot.feed.site import ClientSiteReader
from bot.feed.webhook import WebhookAnswer, handle_webhook
from bot.slack.deps import Deps
from bot.slack.feed.teller import DecideActions, RememberShown, SlackTeller, feed_client

log = logging.getLogger("bot.slack.feed")


@dataclass
class Feed:
    watcher: Watcher
    teller: SlackTeller
    enabled: bool
    secret: str
    task: asyncio.Task[None] | None = None


_FEEDS: WeakKeyDictionary[Any, Feed] = WeakKeyDictionary()


def register(app: AsyncApp, deps: Deps) -> None:
    """Build the feed for this app (started later, by `start`, on the running loop)."""
    settings = deps.settings
    interval = int(getattr(settings, "booking_poll_seconds", DEFAULT_POLL_SECONDS) or 0)
    state = FeedState(deps.store)
    teller = SlackTeller(
        deps,
        feed_client(app.client),
        state,
        decide_actions=_decide_actions(),
        remember_shown=_remember_shown(deps),
    )
    options = WatcherOptions(
        interval=float(interval or DEFAULT_POLL_SECONDS),
        reminder_minutes=tuple(getattr(settings, "booking_reminder_minutes", ()) or ()),
    )
    watcher = Watcher(state, ClientSiteReader(deps.fb), teller, options, clock=deps.now)
    secret = getattr(settings, "booking_webhook_secret", "") or ""
    _FEEDS[app] = Feed(
        watcher, teller, interval > 0, str(secret.value if hasattr(secret, "value") else secret)
    )


def _decide_actions() -> DecideActions | None:
    """Approve / Decline buttons from the lifecycle feature, when it offers them:
    `bot.slack.lifecycle.decide_buttons(booking_id) -> list[Block Kit button]`."""
    from bot.slack import lifecycle

    return getattr(lifecycle, "decide_buttons", None)


def _remember_shown(deps: Deps) -> RememberShown:
    """The lifecycle feature's record of the messages showing a booking, bound to `deps`:
    the host's DM the feed posts is redrawn when the booking is changed from Slack."""
    from bot.slack import lifecycle

    async def remember(booking_id: int, channel: str, ts: str, surface: str, user: str) -> None:
        await lifecycle.remember_shown(deps, booking_id, channel, ts, surface, user)

    return remember


def feed_of(app: AsyncApp) -> Feed | None:
    return _FEEDS.get(app)


def start(app: AsyncApp) -> None:
    """Start the watcher with the bot (BOOKING_POLL_SECONDS > 0); call on the running loop."""
    feed = _FEEDS.get(app)
    if feed is None or not feed.enabled or feed.task is not None:
        return
    feed.task = asyncio.ensure_future(feed.watcher.run())


async def stop(app: AsyncApp) -> None:
    """Stop the watcher and give its lease up (another process takes over at once)."""
    feed = _FEEDS.get(app)
    if feed is None or feed.task is None:
        return
    feed.watcher.stop()
    with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
        await asyncio.wait_for(feed.task, 10)
    feed.task = None


async def webhook(
    app: AsyncApp, headers: Mapping[str, str], query: str, body: bytes
) -> WebhookAnswer:
    """`POST /fluentbooking/webhook` (FluentBooking Pro), when BOOKING_WEBHOOK_SECRET is set."""
    feed = _FEEDS.get(app)
    if feed is None:
        return WebhookAnswer(404, {"ok": False, "error": "webhooks are not enabled"})
    return await handle_webhook(feed.watcher, feed.secret, headers=headers, query=query, body=body)
