"""Pure helpers that shape interaction payloads: view state values, finding elements.

`state_values(view, values, remembered)` builds ``view.state.values`` the way Slack does:
every stateful element of the view appears (with its initial value, or null), then what
the user chose earlier (``remembered``), then the test's ``values``. ``values`` maps
``block_id -> value`` (a block with one element), ``block_id -> {action_id: value}``, or
``action_id -> value`` when that action_id is unique in the view. Values are typed per
element: text inputs -> ``value``; selects/radio -> ``selected_option`` (found among the
element's options by value or text, or given as an option dict); checkboxes/multi
selects -> ``selected_options``; datepicker -> ``selected_date``; timepicker ->
``selected_time``; users_select -> ``selected_user``; conversations/channels ->
``selected_conversation``/``selected_channel``; datetimepicker -> ``selected_date_time``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
SINGLE_SELECTS = {"static_select", "external_select", "radio_buttons", "overflow"}
MULTI_SELECTS = {"multi_static_select", "multi_external_select", "checkboxes"}


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(block, element) for every element in the blocks (accessories, actions, inputs)."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "input" and isinstance(block.get("element"), dict):
            yield block, block["element"]
        elif block.get("type") == "section" and isinstance(block.get("accessory"), dict):
            yield block, block["accessory"]
        elif block.get("type") == "actions":
            for el in block.get("elements") or []:
                if isinstance(el, dict):
                    yield block, el


def element_text(el: dict[str, Any]) -> str:
    text = el.get("text")
    return text.get("text", "") if isinstance(text, dict) else ""


def find_element(
    blocks: list[dict[str, Any]],
    *,
    action_id: str | None = None,
    text: str | None = None,
    block_id: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (block, element) matching action_id and/or visible text; a clear error if none."""
    if action_id is None and text is None:
        raise ValueError("give action_id or text to find an element")
    found = [
        (b, e)
        for b, e in iter_elements(blocks)
        if (action_id is None or e.get("action_id") == action_id)
        and (text is None or element_text(e) == text)
        and (block_id is None or b.get("block_id") == block_id)
    ]
    if not found:
        known = [(e.get("action_id"), element_text(e)) for _, e in iter_elements(blocks)]
        raise LookupError(
            f"no element with action_id={action_id!r} text={text!r}; elements: {known}"
        )
    return found[0]


def all_options(el: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(el.get("options") or [])
    for group in el.get("option_groups") or []:
        options += group.get("options") or []
    return options


def pick_option(el: dict[str, Any], value: Any) -> dict[str, Any]:
    """An option dict for ``value`` (an option dict, or an option's value or text)."""
    if isinstance(value, dict):
        return copy.deepcopy(value)
    options = all_options(el)
    for opt in options:
        if opt.get("value") == value or element_text(opt) == value:
            return copy.deepcopy(opt)
    if el.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    choices = [o.get("value") for o in options]
    raise ValueError(f"{value!r} is not an option of {el.get('action_id')!r}; options: {choices}")


def typed_value(el: dict[str, Any], value: Any) -> dict[str, Any]:
    """The state entry for one element given the user's value."""
    kind = el.get("type", "")
    entry: dict[str, Any] = {"type": kind}
    if kind in TEXT_INPUTS:
        entry["value"] = None if value is None else str(value)
    elif kind in SINGLE_SELECTS:
        entry["selected_option"] = None if value is None else pick_option(el, value)
    elif kind in MULTI_SELECTS:
        items = [] if value is None else value if isinstance(value, list) else [value]
        entry["selected_options"] = [pick_option(el, v) for v in items]
    elif kind == "datepicker":
        entry["selected_date"] = value.isoformat() if isinstance(value, date) else value
    elif kind == "timepicker":
        entry["selected_time"] = value.strftime("%H:%M") if isinstance(value, time) else value
    elif kind == "datetimepicker":
        entry["selected_date_time"] = (
            int(value.timestamp()) if isinstance(value, datetime) else value
        )
    elif kind == "users_select":
        entry["selected_user"] = value
    elif kind == "multi_users_select":
        entry["selected_users"] = list(value or [])
    elif kind == "conversations_select":
        entry["selected_conversation"] = value
    elif kind == "channels_select":
        entry["selected_channel"] = value
    elif kind in ("multi_conversations_select", "multi_channels_select"):
        key = "selected_conversations" if "conversations" in kind else "selected_channels"
        entry[key] = list(value or [])
    else:
        entry["value"] = value
    return entry


def initial_entry(el: dict[str, Any]) -> dict[str, Any]:
    kind = el.get("type", "")
    if kind in TEXT_INPUTS:
        return typed_value(el, el.get("initial_value"))
    if kind in SINGLE_SELECTS:
        return typed_value(el, el.get("initial_option"))
    if kind in MULTI_SELECTS:
        return typed_value(el, el.get("initial_options"))
    initial_keys = {
        "datepicker": "initial_date",
        "timepicker": "initial_time",
        "datetimepicker": "initial_date_time",
        "users_select": "initial_user",
        "multi_users_select": "initial_users",
        "conversations_select": "initial_conversation",
        "channels_select": "initial_channel",
        "multi_conversations_select": "initial_conversations",
        "multi_channels_select": "initial_channels",
    }
    return typed_value(el, el.get(initial_keys.get(kind, "initial_value")))


STATEFUL = (
    TEXT_INPUTS
    | SINGLE_SELECTS
    | MULTI_SELECTS
    | {
        "datepicker",
        "timepicker",
        "datetimepicker",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "channels_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)


def _block_key(block: dict[str, Any], index: int) -> str:
    return str(block.get("block_id") or f"b{index}")


def state_values(
    view: dict[str, Any],
    values: dict[str, Any] | None = None,
    remembered: dict[str, dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """``view.state.values`` after the user entered ``values`` (see module docstring)."""
    blocks = view.get("blocks") or []
    state: dict[str, dict[str, Any]] = {}
    by_action: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    by_block: dict[str, list[dict[str, Any]]] = {}
    for index, block in enumerate(blocks):
        key = _block_key(block, index)
        for _, el in iter_elements([block]):
            if el.get("type") not in STATEFUL or not el.get("action_id"):
                continue
            state.setdefault(key, {})[el["action_id"]] = initial_entry(el)
            by_action.setdefault(el["action_id"], []).append((key, el))
            by_block.setdefault(key, []).append(el)
    for block_key, actions in (remembered or {}).items():
        if block_key in state:
            for action_id, entry in actions.items():
                if action_id in state[block_key]:
                    state[block_key][action_id] = copy.deepcopy(entry)
    for key, value in (values or {}).items():
        for block_key, el in _targets(key, value, by_block, by_action):
            given = value[el["action_id"]] if _is_nested(value, by_block.get(key)) else value
            state[block_key][el["action_id"]] = typed_value(el, given)
    return state


def _is_nested(value: Any, elements: list[dict[str, Any]] | None) -> bool:
    if not isinstance(value, dict) or not elements or not value:
        return False
    ids = {e["action_id"] for e in elements}
    return set(value) <= ids


def _targets(
    key: str,
    value: Any,
    by_block: dict[str, list[dict[str, Any]]],
    by_action: dict[str, list[tuple[str, dict[str, Any]]]],
) -> list[tuple[str, dict[str, Any]]]:
    elements = by_block.get(key)
    if elements:
        if _is_nested(value, elements):
            return [(key, e) for e in elements if e["action_id"] in value]
        if len(elements) != 1:
            ids = [e["action_id"] for e in elements]
            raise ValueError(f"block {key!r} has several elements {ids}: give {{action_id: value}}")
        return [(key, elements[0])]
    matches = by_action.get(key, [])
    if len(matches) == 1:
        return matches
    if len(matches) > 1:
        raise ValueError(f"action_id {key!r} is in several blocks: use the block_id")
    known = sorted(by_block)
    raise ValueError(f"{key!r} is neither a block_id nor an action_id of the view; blocks: {known}")


def action_entry(
    block: dict[str, Any], el: dict[str, Any], value: Any, action_ts: str
) -> dict[str, Any]:
    """One entry of a block_actions payload's ``actions`` list."""
    kind = el.get("type", "")
    action: dict[str, Any] = {
        "type": kind,
        "action_id": el.get("action_id"),
        "block_id": block.get("block_id"),
        "action_ts": action_ts,
    }
    if kind == "button":
        action["text"] = copy.deepcopy(el.get("text"))
        if el.get("value") is not None:
            action["value"] = el["value"]
        if el.get("style"):
            action["style"] = el["style"]
    elif kind in STATEFUL:
        entry = typed_value(el, value)
        entry.pop("type")
        action.update(entry)
        if el.get("placeholder"):
            action["placeholder"] = copy.deepcopy(el["placeholder"])
    elif value is not None:
        action["value"] = value
    return action
