"""Input blocks and reading them back: the pieces every feature's modals share."""

from __future__ import annotations

from typing import Any

from bot.slack.text import MAX_OPTIONS, plain


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    dispatch: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    """An input block; `dispatch`: changing it sends a block action (the times refresh)."""
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if dispatch:
        block["dispatch_action"] = True
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def select_input(
    block_id: str,
    label: str,
    action_id: str,
    options: list[dict[str, Any]],
    selected: str | None,
    *,
    dispatch: bool = False,
    placeholder: str = "Choose…",
    optional: bool = False,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "options": options[:MAX_OPTIONS],
    }
    initial = next((o for o in options[:MAX_OPTIONS] if o["value"] == selected), None)
    if initial is not None:
        element["initial_option"] = initial
    return input_block(block_id, label, element, optional=optional, dispatch=dispatch)


def text_input(
    block_id: str,
    label: str,
    action_id: str,
    value: str,
    *,
    optional: bool = False,
    multiline: bool = False,
    placeholder: str | None = None,
    hint: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id}
    if multiline:
        element["multiline"] = True
    if value:
        element["initial_value"] = value[:3000]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return input_block(block_id, label, element, optional=optional, hint=hint)


def element_value(element: dict[str, Any]) -> str | None:
    kind = element.get("type")
    if kind in {"static_select", "external_select"}:
        option = element.get("selected_option") or {}
        return option.get("value")
    if kind == "datepicker":
        return element.get("selected_date")
    return element.get("value")
