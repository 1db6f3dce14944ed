"""What real sites do that the published pages do not: empty answers, redirects to login
pages, firewalls, TLS trouble, slow drips, endless pages, Retry-After dates."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from client_helpers import calendars_page, event_row, json_response

from bot.fluentbooking import AuthError, BadResponseError, SiteTimeoutError
from bot.fluentbooking.client import MAX_CALENDAR_PAGES


@pytest.mark.parametrize(
    ("response", "error", "words"),
    [
        (httpx.Response(200, content=b""), BadResponseError, "empty or not the API's JSON"),
        (httpx.Response(200, content=b"null"), BadResponseError, "Check FLUENTBOOKING_URL"),
        (
            httpx.Response(302, headers={"location": "https://example.test/wp-login.php?x=1"}),
            AuthError,
            "login page (https://example.test/wp-login.php)",
        ),
        (
            httpx.Response(301, headers={"location": "https://www.example.test/wp-json/x"}),
            BadResponseError,
            "Set FLUENTBOOKING_URL",
        ),
        (
            json_response(
                403,
                {
                    "code": "rest_forbidden",
                    "message": "Sorry, you are not allowed to do that.",
                    "data": {"status": 403},
                },
            ),
            AuthError,
            "not allowed to do that.): the WordPress user in FLUENTBOOKING_USERNAME",
        ),
        (
            httpx.Response(403, content=b"<html><h1>Access denied by firewall</h1></html>"),
            AuthError,
            "firewall or security plugin",
        ),
    ],
)
async def test_odd_answers_have_a_kind_and_a_next_step(site, make_client, response, error, words):
    site.on("GET", "/bookings/event/7", response)
    with pytest.raises(error) as info:
        await make_client(max_retries=2).get_event(7, timezone="UTC")
    assert words in info.value.user_message
    assert len(site.seen) == 1  # none of these is worth retrying; a redirect is not followed


async def test_redirect_query_is_not_echoed(site, make_client):
    location = "https://example.test/wp-login.php?redirect_to=%2Fwp-json&token=abc123"
    site.on("GET", "/calendars", httpx.Response(302, headers={"location": location}))
    with pytest.raises(AuthError) as info:
        await make_client().list_events()
    assert "abc123" not in info.value.user_message + info.value.detail


async def test_tls_failure_says_certificate(site, make_client):
    site.on(
        "GET",
        "/calendars",
        httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
    )
    with pytest.raises(SiteTimeoutError) as info:
        await make_client(max_retries=1).list_events()
    assert info.value.kind == "timeout" and "certificate" in info.value.user_message
    assert len(site.seen) == 2


async def test_connection_refused_says_check_the_url(site, make_client):
    site.on("GET", "/calendars", httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(SiteTimeoutError) as info:
        await make_client(max_retries=0).list_events()
    assert "Check FLUENTBOOKING_URL and that the site is up" in info.value.user_message


async def _drip() -> AsyncIterator[bytes]:
    yield b"{"
    for _ in range(1000):  # a byte now and then: never a read timeout, never done
        await asyncio.sleep(0.05)
        yield b" "


async def test_slow_drip_hits_the_attempt_deadline(site, make_client):
    site.on("GET", "/calendars", lambda seen: httpx.Response(200, content=_drip()))
    client = make_client(read_timeout=5.0, total_timeout=0.3, max_retries=1)
    with pytest.raises(SiteTimeoutError) as info:
        await client.list_events()
    assert "did not answer in time" in info.value.user_message
    assert len(site.seen) == 2  # a GET: retried once, then reported
    assert "deadline" in info.value.detail


async def test_a_calendars_page_repeating_forever_is_read_a_bounded_number_of_times(
    site, make_client
):
    site.on("GET", "/calendars", json_response(200, calendars_page(1, 10**6, [event_row()])))
    events = await make_client().list_events()
    assert [e.id for e in events] == [7]
    assert len(site.seen) == MAX_CALENDAR_PAGES


@pytest.mark.parametrize(
    ("headers", "delay"),
    [
        # against the site's own Date header
        (
            {
                "Retry-After": "Fri, 10 Jan 2025 12:00:20 GMT",
                "Date": "Fri, 10 Jan 2025 12:00:05 GMT",
            },
            15.0,
        ),
        # against the client's clock (NOW = 12:00:00 UTC) when the site sends no Date
        ({"Retry-After": "Fri, 10 Jan 2025 12:00:20 GMT"}, 20.0),
        ({"Retry-After": "Fri, 10 Jan 2025 11:00:00 GMT"}, 0.0),
    ],
)
async def test_retry_after_as_an_http_date(site, make_client, sleeps, headers, delay):
    site.on(
        "GET",
        "/calendars",
        json_response(429, {"message": "slow down"}, headers),
        json_response(200, calendars_page(1, 1, [])),
    )
    await make_client().list_events()
    assert sleeps.delays == [delay]
