"""Where a request came from (user, channel, trigger, response URL), to answer there."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.errors import DirectMessage, ResponseUrl, Surface


@dataclass
class Origin:
    """Where a request came from, to answer in the same place."""

    user_id: str
    channel_id: str | None
    trigger_id: str | None
    received: float  # time.monotonic() when the request arrived
    respond: AsyncRespond  # Bolt's respond (response_url)

    def surface(self, client: AsyncWebClient) -> Surface:
        """Where a failure of this request's follow-up work is told: its response URL,
        else (a click in App Home or in a modal has none) a DM to the user."""
        if getattr(self.respond, "response_url", None):
            return ResponseUrl(self.respond)
        return DirectMessage(client, self.user_id)


def origin_of(body: dict[str, Any], respond: AsyncRespond) -> Origin:
    """The origin of a slash command, a button click or a shortcut."""
    return Origin(
        user_id=body.get("user_id") or (body.get("user") or {}).get("id", ""),
        channel_id=body.get("channel_id") or (body.get("channel") or {}).get("id"),
        trigger_id=body.get("trigger_id"),
        received=time.monotonic(),
        respond=respond,
    )
