"""The shapes the Slack app passes around, named once so no module needs a bare `Any`.

Block Kit JSON (blocks, views, message bodies) is Slack's own format, checked by Slack and
by the golden tests, so it stays a plain JSON object here; what the bot itself reads back
from Slack goes through `bot.slack.codec` (typed dataclasses). Bolt's own objects are
re-exported under the names the listeners use.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

#: a JSON object as Slack sends or takes it (values of any JSON type)
JsonDict = dict[str, Any]
#: one Block Kit block or element
Block = JsonDict
#: a modal or App Home view
View = JsonDict
#: a message body: keyword arguments of chat.postMessage, respond or ack
Message = JsonDict
#: the request body Bolt hands a listener (a slash command, an action, a view submission)
Body = JsonDict

__all__ = [
    "AsyncAck",
    "AsyncApp",
    "AsyncRespond",
    "AsyncWebClient",
    "Block",
    "Body",
    "JsonDict",
    "Message",
    "View",
]
