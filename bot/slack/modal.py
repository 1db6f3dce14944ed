"""The modal envelope every feature's modals share: callback id, title, buttons, blocks
capped, and ``private_metadata`` checked against Slack's limit after encoding."""

from __future__ import annotations

from typing import Any

from bot.slack.codec import WireValue
from bot.slack.text import MAX_BLOCKS_MODAL, modal_title, plain


def modal_view(
    callback_id: str,
    title: str,
    blocks: list[dict[str, Any]],
    metadata: WireValue,
    *,
    submit: str | None = None,
    close: str = "Cancel",
) -> dict[str, Any]:
    meta = metadata.encode()  # checked against Slack's 3,000 characters as encoded
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": modal_title(title),
        "close": plain(close, 24),
        "private_metadata": meta,
        "blocks": blocks[:MAX_BLOCKS_MODAL],
    }
    if submit:
        view["submit"] = plain(submit, 24)
    return view
