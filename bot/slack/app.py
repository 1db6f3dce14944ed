"""Build the Bolt app: one AsyncApp, its Web API client pointed at SLACK_API_URL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.fluentbooking.client import FluentBookingClient
from bot.logs import BOLT_NOISE
from bot.slack import admin, booking, feed, home, lifecycle
from bot.slack.deps import Deps, attach
from bot.slack.errors import new_request_id
from bot.slack_retries import slack_retry_handlers
from bot.store import Store

log = logging.getLogger("bot.slack")

#: every feature folder of bot.slack; each registers its own listeners
FEATURES = (booking, home, admin, lifecycle, feed)
#: seconds a Slack Web API call may take (the SDK's own default)
SLACK_API_TIMEOUT = 30
#: connections kept to the Slack Web API, shared by every listener
SLACK_API_CONNECTIONS = 100


def new_slack_session() -> aiohttp.ClientSession:
    """One HTTP session for every Slack Web API call of the process (kept-alive connections).

    Without it the SDK opens (and closes) a new connection for every call. Create it on
    the running event loop; its owner closes it at shutdown (`Stack.close`)."""
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=SLACK_API_TIMEOUT),
        connector=aiohttp.TCPConnector(limit=SLACK_API_CONNECTIONS),
    )


def _sdk_debug_only_when_asked() -> None:
    """slack_sdk formats its debug lines (every request's and answer's whole body, e.g. a
    modal's view, twice per call) whenever its logger's *own* level is unset, whatever
    the effective level; they are then thrown away. Setting the level it has in effect
    (LOG_LEVEL) skips that work unless DEBUG was asked for."""
    sdk = logging.getLogger("slack_sdk.web.async_client")
    if sdk.level == logging.NOTSET:
        sdk.setLevel(sdk.getEffectiveLevel())


def build_app(
    settings: Settings,
    *,
    fb_client: FluentBookingClient,
    store: Store,
    clock: Callable[[], datetime] | None = None,
    socket_mode: bool = False,
    submit_inline_seconds: float = 2.0,
    http_session: aiohttp.ClientSession | None = None,
) -> AsyncApp:
    """The app with every listener registered.

    `process_before_response=True`: the HTTP answer goes out as soon as the listener has
    acked (well under a millisecond of our own work); everything slow runs in a task.
    `http_session` (see `new_slack_session`) is shared by every Web API call; Bolt hands
    it on to the per-request clients. Without one, each call opens its own connection.
    """
    token = settings.slack_bot_token.value if settings.slack_bot_token else ""
    _sdk_debug_only_when_asked()
    client = AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=SLACK_API_TIMEOUT,
        session=http_session,
        retry_handlers=slack_retry_handlers(),  # 429 Retry-After; 5xx only where safe
    )
    bolt_logger = logging.getLogger("bot.slack.bolt")
    bolt_logger.addFilter(BOLT_NOISE)  # before AsyncApp: its loggers copy the filters
    app = AsyncApp(
        client=client,
        signing_secret=(settings.slack_signing_secret.value or None) if not socket_mode else None,
        process_before_response=not socket_mode,
        request_verification_enabled=not socket_mode,
        raise_error_for_unhandled_request=False,
        logger=bolt_logger,
    )
    deps = Deps(
        settings=settings, fb=fb_client, store=store, submit_inline_seconds=submit_inline_seconds
    )
    if clock is not None:
        deps.clock = clock
    attach(app, deps)
    for feature in FEATURES:
        feature.register(app, deps)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        rid = new_request_id()
        log.error(
            "request %s: unhandled error in a listener (%s)",
            rid,
            body.get("type") or body.get("command"),
            exc_info=error,
        )

    return app
