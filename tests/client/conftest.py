"""Fixtures for the client's unit tests; the helpers they use are in client_helpers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from client_helpers import NOW, PASSWORD, FakeSite, Sleeps
from support.leaks import register_secret

from bot.fluentbooking import FluentBookingClient


@pytest.fixture(autouse=True)
def _register_password() -> None:
    register_secret(PASSWORD)


@pytest.fixture
def site() -> FakeSite:
    return FakeSite()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(site: FakeSite, sleeps: Sleeps):  # type: ignore[no-untyped-def]
    clients: list[FluentBookingClient] = []

    def make(url: str = "https://example.test", **kwargs: Any) -> FluentBookingClient:
        kwargs.setdefault("transport", httpx.MockTransport(site.handler))
        kwargs.setdefault("clock", lambda: NOW)
        kwargs.setdefault("sleep", sleeps)
        client = FluentBookingClient(url, "editor", PASSWORD, **kwargs)
        clients.append(client)
        return client

    yield make
    # clients are closed by the tests' event loop; MockTransport holds no sockets
