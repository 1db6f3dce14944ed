"""Block Kit primitives every feature builds its messages from (no feature owns them).

A message body with an escaped notification fallback; section, context and button
blocks; the one-line notice and the error message (text escaped, request id quoted).
"""

from __future__ import annotations

import html
from typing import Any

from bot.slack.codec import WireTooLarge, WireValue
from bot.slack.text import MAX_BLOCKS_MESSAGE, MAX_BUTTON_VALUE, escape, mrkdwn, plain, truncate


def message(blocks: list[dict[str, Any]], fallback: str) -> dict[str, Any]:
    """A message body: `text` is the notification fallback, blocks capped.

    The fallback is read as mrkdwn by Slack too, so it is escaped (once: text that was
    escaped for a block already is unescaped first)."""
    text = escape(html.unescape(truncate(fallback, 300)))
    return {"text": text, "blocks": blocks[:MAX_BLOCKS_MESSAGE]}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(text)]}


def button(
    text: str, action_id: str, value: WireValue | str, *, style: str | None = None
) -> dict[str, Any]:
    """A button; its value is a codec value (checked against Slack's limit as encoded)."""
    raw = value if isinstance(value, str) else value.encode()
    if len(raw) > MAX_BUTTON_VALUE:
        raise WireTooLarge(f"button value of {len(raw)} characters")
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text),
        "action_id": action_id,
        "value": raw,
    }
    if style:
        element["style"] = style
    return element


def notice(text: str, *, emoji: str = ":information_source:") -> dict[str, Any]:
    """A one-line ephemeral; `text` must be escaped already where it holds outside text."""
    return message([section(f"{emoji} {text}")], text)


def error_message(text: str, request_id: str | None = None) -> dict[str, Any]:
    blocks = [section(f":warning: {escape(text)}")]
    if request_id:
        blocks.append(context(f"Reference: `{escape(request_id)}`"))
    return message(blocks, text)
