"""Helpers for the client's unit tests: a scripted FluentBooking site and its data.

A module of its own (not conftest), so test files import it by a name no other test
folder uses; the fixtures are in conftest.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from support.leaks import register_secret

PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)


def register(value: str, config: object = None) -> str:
    """`support.leaks.register_secret`, in the form the client tests call it."""
    return register_secret(value)


@dataclass
class Seen:
    method: str
    path: str  # API path, e.g. /bookings/event/7 (same for ?rest_route= requests)
    query: list[tuple[str, str]]
    url: str
    json: Any
    headers: httpx.Headers

    def param(self, name: str) -> str | None:
        return dict(self.query).get(name)


Reply = httpx.Response | Exception | Callable[["Seen"], "httpx.Response"]


@dataclass
class FakeSite:
    """Routes (method, path) to queued or standing replies and records every request."""

    routes: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    standing: dict[tuple[str, str], Reply] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def on(self, method: str, path: str, *replies: Reply) -> None:
        """Replies given once each in order; the last one stands for later calls."""
        queue = list(replies)
        self.standing[(method, path)] = queue[-1]
        self.routes[(method, path)] = queue[:-1]

    def calls(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        return [
            s
            for s in self.seen
            if (method is None or s.method == method) and (path is None or s.path == path)
        ]

    def handler(self, request: httpx.Request) -> httpx.Response:
        parts = urlsplit(str(request.url))
        query = parse_qsl(parts.query, keep_blank_values=True)
        path = parts.path
        rest = dict(query).get("rest_route")
        if rest:
            path = rest
            query = [q for q in query if q[0] != "rest_route"]
        for prefix in ("/wp-json/fluent-booking/v2", "/fluent-booking/v2"):
            if prefix in path:
                path = path[path.index(prefix) + len(prefix) :]
        body = json.loads(request.content) if request.content else None
        seen = Seen(request.method, path, query, str(request.url), body, request.headers)
        self.seen.append(seen)
        key = (request.method, path)
        if key not in self.standing:
            return json_response(404, {"code": "rest_no_route", "message": "No route"})
        queue = self.routes[key]
        reply = queue.pop(0) if queue else self.standing[key]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(seen)
        return reply


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )


def html_response(status: int = 200) -> httpx.Response:
    return httpx.Response(
        status,
        content=b"<!DOCTYPE html><html><body><h1>Briefly unavailable for scheduled "
        b"maintenance.</h1></body></html>",
        headers={"content-type": "text/html"},
    )


@dataclass
class Sleeps:
    delays: list[float] = field(default_factory=list)

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


# ---------------------------------------------------------------- site data


def event_row(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "7",
        "title": "Demo &amp; <b>Intro</b> Call",
        "duration": "30",
        "status": "active",
        "event_type": "single",
        "location_settings": [{"type": "phone_guest", "title": "Attendee Phone Number"}],
        "settings": {
            "multi_duration": {
                "enabled": True,
                "default_duration": "30",
                "available_durations": ["15", "30", "60"],
            },
            "requires_confirmation": {"enabled": False},
        },
    }
    row.update(over)
    return row


def calendars_page(page: int, last_page: int, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "calendars": {
            "data": [
                {
                    "id": str(page),
                    "title": "Ana &lt;Host&gt;",
                    "author_timezone": "America/New_York",
                    "slots": events,
                }
            ],
            "current_page": page,
            "last_page": last_page,
            "per_page": 50,
            "total": last_page,
        }
    }


def event_answer(
    slots: Any,
    *,
    nested: bool = True,
    max_lookup_date: str = "2025-03-15",
    **over: Any,
) -> dict[str, Any]:
    event = event_row(
        max_lookup_date=max_lookup_date, min_bookable_date="2025-01-10 13:00:00", **over
    )
    calendar_event: dict[str, Any] = (
        {
            "slot": event,
            "author_profile": {"name": "Ana Host"},
            "form_fields": [
                {
                    "name": "name",
                    "label": "Your Name",
                    "type": "text",
                    "required": True,
                    "enabled": True,
                },
                {
                    "name": "phone_number",
                    "label": "Phone",
                    "type": "phone",
                    "required": "yes",
                    "enabled": "yes",
                },
            ],
        }
        if nested
        else event
    )
    return {"calendar_event": calendar_event, "available_slots": slots}


def booking_row(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": 41,
        "hash": "abc123",
        "calendar_id": "1",
        "event_id": "7",
        "person_time_zone": "America/Los_Angeles",
        "start_time": "2025-01-15 17:00:00",
        "end_time": "2025-01-15 17:30:00",
        "slot_minutes": "30",
        "first_name": "Jo",
        "last_name": "Doe",
        "email": "jo@example.com",
        "phone": "+15550100",
        "status": "scheduled",
        "location_details": {"type": "phone_guest", "description": "+15550100"},
    }
    row.update(over)
    return row
