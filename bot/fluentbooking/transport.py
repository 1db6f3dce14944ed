"""HTTP to the site: one keep-alive pool, deadlines, retries, the URL style.

GETs are retried with exponential backoff and jitter on connection errors, timeouts,
429 (honouring Retry-After, capped) and 502/503/504. Writes (booking creation,
integration updates) are never retried: a retried create can double-book. A site
without pretty permalinks (a 404 that is not JSON under /wp-json) switches the
location to ``?rest_route=`` once. Answers that are not a 2xx JSON object or list
become errors through ``bot.fluentbooking.responses``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from .errors import FluentBookingError
from .responses import connect_error, decode, error_for, redirect_error, timeout_error
from .urls import ApiLocation

log = logging.getLogger("bot.fluentbooking")

RETRY_STATUSES = {429, 502, 503, 504}


class Transport:
    """Sends one request (with its retries) and returns the decoded JSON body."""

    def __init__(
        self,
        location: ApiLocation,
        username: str,
        app_password: str,
        *,
        connect_timeout: float,
        read_timeout: float,
        total_timeout: float | None,
        max_retries: int,
        transport: httpx.AsyncBaseTransport | None,
        clock: Callable[[], datetime],
        backoff_base: float,
        backoff_max: float,
        retry_after_max: float,
        sleep: Callable[[float], Awaitable[None]] | None,
        max_connections: int,
    ) -> None:
        self.location = location
        self.max_retries = max(0, max_retries)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_max = retry_after_max
        self._clock = clock
        self._sleep = sleep or asyncio.sleep
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout)
        # read_timeout bounds each wait for bytes; a site that drips a byte at a time
        # never trips it, so every attempt also has a deadline of its own
        self.total_timeout = total_timeout or (connect_timeout + 2 * read_timeout)
        # The password lives only inside httpx.BasicAuth (whose repr shows nothing);
        # httpx masks the Authorization header in Headers' repr.
        self.http = httpx.AsyncClient(
            auth=httpx.BasicAuth(username, app_password),
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=10),
            headers={"Accept": "application/json", "User-Agent": "fluentbooking-slack-bot"},
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def get(self, path: str, params: Sequence[tuple[str, str]]) -> Any:
        return await self.request("GET", path, params=params, retry=True)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        json_body: Any = None,
        retry: bool,
        create: bool = False,
    ) -> Any:
        attempts = 1 + (self.max_retries if retry else 0)
        attempt = 0
        switched = False
        while True:
            attempt += 1
            url, lead = self.location.request_target(path)
            started = time.perf_counter()
            try:
                async with asyncio.timeout(self.total_timeout):
                    response = await self.http.request(
                        method, url, params=[*lead, *params], json=json_body
                    )
                    content = await response.aread()
            except (httpx.TimeoutException, TimeoutError) as exc:
                error: FluentBookingError = timeout_error(exc, method, path, create)
                response = None
            except httpx.TransportError as exc:
                error = connect_error(exc, method, path, create)
                response = None
            elapsed_ms = (time.perf_counter() - started) * 1000
            if response is None:
                log.warning(
                    "%s %s failed after %.0f ms (attempt %d/%d): %s",
                    method,
                    path,
                    elapsed_ms,
                    attempt,
                    attempts,
                    error.detail,
                )
                if attempt < attempts:
                    await self._sleep(self.backoff(attempt))
                    continue
                raise error from None
            status = response.status_code
            level = logging.DEBUG if method == "GET" and status < 400 else logging.INFO
            log.log(
                level,
                "%s %s -> %d in %.0f ms (attempt %d/%d)",
                method,
                path,
                status,
                elapsed_ms,
                attempt,
                attempts,
            )
            body, is_json = decode(content)
            if status == 404 and not is_json and self.location.style == "auto" and not switched:
                # a site without pretty permalinks: WordPress never saw /wp-json/...
                log.info("no REST API under /wp-json here; switching to ?rest_route=")
                self.location.style = "plain"
                switched = True
                attempt -= 1
                continue
            if self.location.style == "auto" and is_json:
                self.location.style = "pretty"
            if status in RETRY_STATUSES and attempt < attempts:
                await self._sleep(self.retry_delay(response, attempt))
                continue
            if 200 <= status < 300 and is_json and isinstance(body, dict | list):
                return body
            if 300 <= status < 400:
                error = redirect_error(response, method, path)
            else:
                error = error_for(status, body, is_json, content, method, path, create)
            log.warning("%s", error.detail)
            raise error

    async def post_form(self, url: str, form: dict[str, str]) -> Any:
        """POST a form to a page of the site outside the REST API (admin-ajax) as the
        guest those pages serve: no credentials go with it. Never retried (a write)."""
        path = urlsplit(url).path
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.total_timeout):
                response = await self.http.post(url, data=form, auth=httpx.Auth())
                content = await response.aread()
        except (httpx.TimeoutException, TimeoutError) as exc:
            error: FluentBookingError = timeout_error(exc, "POST", path, False)
            log.warning("POST %s failed: %s", path, error.detail)
            raise error from None
        except httpx.TransportError as exc:
            error = connect_error(exc, "POST", path, False)
            log.warning("POST %s failed: %s", path, error.detail)
            raise error from None
        status = response.status_code
        log.info(
            "POST %s (%s) -> %d in %.0f ms",
            path,
            form.get("action", "?"),
            status,
            (time.perf_counter() - started) * 1000,
        )
        body, is_json = decode(content)
        if 200 <= status < 300 and is_json and isinstance(body, dict | list):
            return body
        if 300 <= status < 400:
            error = redirect_error(response, "POST", path)
        else:
            error = error_for(status, body, is_json, content, "POST", path, False)
        log.warning("%s", error.detail)
        raise error

    def backoff(self, attempt: int) -> float:
        delay = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return delay * random.uniform(0.5, 1.0)

    def retry_delay(self, response: httpx.Response, attempt: int) -> float:
        header = response.headers.get("retry-after")
        if header:
            seconds: float | None
            try:
                seconds = float(header)
            except ValueError:
                when = http_date(header)
                # measured against the site's own clock where it says it (no skew)
                now = http_date(response.headers.get("date", "")) or self._clock()
                seconds = (when - now).total_seconds() if when else None
            if seconds is not None:
                return max(0.0, min(seconds, self.retry_after_max))
        return self.backoff(attempt)


def http_date(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when
