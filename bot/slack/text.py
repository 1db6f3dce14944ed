"""Escaping and Block Kit size limits: the one place user- or site-supplied text passes.

Every string that did not come from this code base goes through `escape()` before it is
put in mrkdwn, so `<!channel>` or `<@U123>` in a booking title pings nobody.
"""

from __future__ import annotations

import html
import re

# Block Kit limits (https://api.slack.com/reference/block-kit)
MAX_MODAL_TITLE = 24
MAX_SECTION_TEXT = 3000
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OPTIONS = 100
MAX_BLOCKS_MESSAGE = 50
MAX_BLOCKS_MODAL = 100
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_PLAIN_INPUT = 3000
MAX_METADATA = 3000

ELLIPSIS = "…"
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def escape(text: object) -> str:
    """Escape text for mrkdwn: `&`, `<`, `>` become entities (Slack's three)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, ending with an ellipsis when cut."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def truncate_escaped(text: str, limit: int) -> str:
    """Escape, then cut without splitting an entity such as `&amp;`."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def strip_html(text: str | None) -> str:
    """Plain text from a site HTML snippet (booking titles come with markup)."""
    if not text:
        return ""
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def plain(text: str, limit: int = MAX_OPTION_TEXT) -> dict[str, object]:
    """A plain_text object (no mrkdwn, so no escaping needed), cut to `limit`."""
    return {"type": "plain_text", "text": truncate(text or " ", limit), "emoji": True}


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, str]:
    """A mrkdwn object; `text` must already be escaped where it holds outside text."""
    return {"type": "mrkdwn", "text": truncate(text or " ", limit)}


def modal_title(text: str) -> dict[str, object]:
    return plain(text, MAX_MODAL_TITLE)
