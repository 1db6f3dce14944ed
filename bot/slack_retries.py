"""Retries for Slack Web API calls: slack_sdk's own handlers, bounded to what is safe.

- 429 (rate limited): wait `Retry-After` and try again (twice at most), for every
  method: Slack did not act on a rate-limited call. Calls that spend a trigger_id
  (views.open, views.push) wait only when the wait fits in the trigger's 3 s life; any
  call gives up when Slack asks for more than `MAX_RATE_LIMIT_WAIT` seconds.
- 500/503 and a connection lost mid-call: tried again only for methods whose repeat
  cannot do a thing twice (reads, and writes that replace a whole view or message).
  `chat.postMessage` after a 500 may already have posted; it is not repeated.
- A connection that could not be opened at all (nothing was sent): tried again for
  every method.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

#: methods whose repeat cannot post, open or book anything twice
REPEATABLE_METHODS = frozenset(
    {
        "api.test",
        "apps.connections.open",
        "auth.test",
        "chat.getPermalink",
        "chat.update",
        "conversations.info",
        "conversations.open",
        "users.info",
        "users.lookupByEmail",
        "users.profile.get",
        "views.publish",
        "views.update",
    }
)
#: methods that spend a trigger_id (valid 3 s from the user's click)
TRIGGER_METHODS = frozenset({"views.open", "views.push"})
MAX_RATE_LIMIT_WAIT = 10
MAX_TRIGGER_WAIT = 1


def method_of(request: HttpRequest) -> str:
    """'https://slack.com/api/views.open?x=1' -> 'views.open'."""
    return urlparse(request.url).path.rsplit("/", 1)[-1]


def retry_after(response: HttpResponse | None) -> int | None:
    if response is None:
        return None
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, list) else values
            try:
                return int(str(value).strip())
            except ValueError:
                return None
    return None


class BoundedRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, which never waits past a trigger's life or 10 s."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response)
        limit = MAX_TRIGGER_WAIT if method_of(request) in TRIGGER_METHODS else MAX_RATE_LIMIT_WAIT
        return wait is None or wait <= limit


class RepeatableServerErrorRetry(AsyncServerErrorRetryHandler):
    """slack_sdk's 500/503 handler, for the methods that are safe to repeat."""

    async def _can_retry_async(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        if method_of(request) not in REPEATABLE_METHODS:
            return False
        return await super()._can_retry_async(request=request, **kwargs)


class SafeConnectionRetry(AsyncConnectionErrorRetryHandler):
    """slack_sdk's connection handler: a lost connection is repeated only for the
    repeatable methods; one that never opened (nothing sent) for every method."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if isinstance(error, aiohttp.ClientConnectorError):
            return True
        if method_of(request) not in REPEATABLE_METHODS:
            return False
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


def slack_retry_handlers() -> list[AsyncRetryHandler]:
    """The handlers every Web API client of the bot is built with."""
    return [
        SafeConnectionRetry(max_retry_count=1),
        BoundedRateLimitRetry(max_retry_count=2),
        RepeatableServerErrorRetry(max_retry_count=1),
    ]
