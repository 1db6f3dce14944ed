"""Reading what the bot showed: the text of a message, view or block list."""

from __future__ import annotations

from typing import Any


def all_text(node: Any) -> str:
    """Every string inside a message, view or block list, joined (for assertions)."""
    if isinstance(node, dict):
        return " ".join(all_text(v) for v in node.values())
    if isinstance(node, list):
        return " ".join(all_text(v) for v in node)
    return node if isinstance(node, str) else ""
