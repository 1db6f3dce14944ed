"""Helpers to read what the bot showed in the Slack stand-in."""

from __future__ import annotations

import json
from typing import Any

import httpx
from support.slack_text import all_text as all_text  # re-exported for the tests

from bot.demo.stack import LocalStack


def ephemerals(stack: LocalStack, user: str) -> list[dict[str, Any]]:
    return stack.slack.ephemerals(user)


def last_ephemeral(stack: LocalStack, user: str) -> dict[str, Any]:
    found = stack.slack.ephemerals(user)
    assert found, "no ephemeral message was shown"
    return found[-1]


def methods(stack: LocalStack) -> list[str]:
    return [c.method for c in stack.slack.calls]


def button_values(message: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    out = []
    for block in message.get("blocks") or []:
        for el in block.get("elements") or []:
            if el.get("type") == "button" and el.get("action_id", "").startswith(prefix):
                out.append(json.loads(el["value"]))
    return out


def block(view: dict[str, Any], block_id_prefix: str) -> dict[str, Any]:
    for b in view.get("blocks") or []:
        if (b.get("block_id") or "").startswith(block_id_prefix):
            return b
    raise AssertionError(
        f"no block {block_id_prefix!r} in view: {[b.get('block_id') for b in view['blocks']]}"
    )


def book_on_site(stack: LocalStack, event_id: int, event_time: str, **fields: str) -> int:
    """A booking made on the site directly (not through Slack); returns its id."""
    body = {
        "name": "Dana Fox",
        "email": "dana@example.net",
        "timezone": "America/New_York",
        "event_time": event_time,
        "status": "scheduled",
        **fields,
    }
    auth = (stack.sandbox.username, stack.sandbox.app_password)
    response = httpx.post(
        f"{stack.sandbox.api_url}/bookings/create/{event_id}", json=body, auth=auth
    )
    assert response.status_code == 200, response.status_code
    return int(response.json()["booking"]["id"])
