"""Where a request came from (user, channel, trigger, response URL), to answer there."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond


@dataclass
class Origin:
    """Where a request came from, to answer in the same place."""

    user_id: str
    channel_id: str | None
    trigger_id: str | None
    received: float  # time.monotonic() when the request arrived
    respond: AsyncRespond  # Bolt's respond (response_url)


def origin_of(body: dict[str, Any], respond: AsyncRespond) -> Origin:
    """The origin of a slash command, a button click or a shortcut."""
    return Origin(
        user_id=body.get("user_id") or (body.get("user") or {}).get("id", ""),
        channel_id=body.get("channel_id") or (body.get("channel") or {}).get("id"),
        trigger_id=body.get("trigger_id"),
        received=time.monotonic(),
        respond=respond,
    )
