"""App Home: the user's next meetings and how to book (the `app_home_opened` event).

`flow` finds the meetings and publishes the tab (`publish_home`, also called after a
booking); `views` builds it (pure).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.deps import Deps
from bot.slack.home.flow import publish_home

__all__ = ["publish_home", "register"]


def register(app: AsyncApp, deps: Deps) -> None:
    @app.event("app_home_opened")
    async def on_home_opened(ack: AsyncAck, event: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        if event.get("tab", "home") == "home":
            deps.spawn(publish_home(deps, client, event["user"]))
