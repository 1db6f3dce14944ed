"""The application password never shows in exception text, repr, traceback or logs."""

from __future__ import annotations

import base64
import logging
import traceback

import httpx
import pytest
from client_helpers import json_response, register

from bot.fluentbooking import AuthError, FluentBookingClient

SPACED = "wxyz QRST 9876 mnop UVWX 4321"


@pytest.mark.parametrize("password", [SPACED, SPACED.replace(" ", "")])
async def test_auth_failure_leaks_no_password(password, pytestconfig, caplog):
    register(password, pytestconfig)
    forms = {
        password,
        password.replace(" ", ""),
        base64.b64encode(f"editor:{password}".encode()).decode(),
        base64.b64encode(f"editor:{password.replace(' ', '')}".encode()).decode(),
    }
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(
            401,
            {
                "code": "rest_forbidden",
                "message": "Sorry, you are not allowed to do that.",
                "data": {"status": 401},
            },
        )

    caplog.set_level(logging.DEBUG)
    client = FluentBookingClient(
        "https://example.test", "editor", password, transport=httpx.MockTransport(handler)
    )
    with pytest.raises(AuthError) as info:
        await client.list_events()
    await client.aclose()

    # the header was really sent (so the checks below look at something real)
    assert seen[0].headers["authorization"].startswith("Basic ")
    assert seen[0].headers["authorization"][6:] in forms

    texts = [
        str(info.value),
        repr(info.value),
        info.value.user_message,
        info.value.detail,
        "".join(traceback.format_exception(info.value)),
        repr(client),
        repr(seen[0]),
        repr(seen[0].headers),
        repr(client._http.headers),
        *(record.getMessage() for record in caplog.records),
    ]
    assert any("401" in r.getMessage() for r in caplog.records)
    for text in texts:
        for form in forms:
            assert form not in text
    assert info.value.__cause__ is None and info.value.__context__ is None


async def test_timeout_traceback_holds_no_request(pytestconfig):
    register(SPACED, pytestconfig)

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async def no_sleep(_: float) -> None:
        return None

    client = FluentBookingClient(
        "https://example.test",
        "editor",
        SPACED,
        transport=httpx.MockTransport(handler),
        sleep=no_sleep,
    )
    with pytest.raises(Exception) as info:
        await client.list_events()
    text = "".join(traceback.format_exception(info.value))
    assert "ReadTimeout" in info.value.detail
    assert SPACED not in text and "Basic" not in text
    assert info.value.__cause__ is None
