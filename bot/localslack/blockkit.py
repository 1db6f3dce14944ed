"""Block Kit checks the stand-in applies to messages and views, as Slack does.

Each check appends a Slack-style message (``"[ERROR] ... [json-pointer:/view/title/text]"``)
to a list; an empty list means the payload passed. Checked: block and element types, text
objects (``plain_text``/``mrkdwn``, non-empty, length limits), unique ``block_id`` per
payload and unique ``action_id`` per block, option counts and lengths, select
``initial_option`` belonging to the options, date/time formats, and the view limits (type,
title/submit/close <= 24, <= 100 blocks, ``private_metadata`` <= 3000, ``callback_id`` <=
255, a ``submit`` when the modal has input blocks). Not checked: image URLs resolving,
rich_text internals, mrkdwn syntax, and some rarely used fields (they pass unexamined).
"""

from __future__ import annotations

import re
from typing import Any

MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_BLOCKS = 50

BLOCK_TYPES = {
    "section",
    "divider",
    "image",
    "actions",
    "context",
    "input",
    "header",
    "rich_text",
    "video",
    "file",
    "call",
}
INPUT_ELEMENTS = {
    "plain_text_input",
    "email_text_input",
    "url_text_input",
    "number_input",
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
    "datepicker",
    "timepicker",
    "datetimepicker",
    "checkboxes",
    "radio_buttons",
    "rich_text_input",
    "file_input",
}
INTERACTIVE_ELEMENTS = INPUT_ELEMENTS | {"button", "overflow", "workflow_button"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _number(raw: Any, decimal: bool) -> float | None:
    if not isinstance(raw, str):
        return None
    try:
        value = float(raw) if decimal else int(raw)
    except ValueError:
        return None
    return float(value)


class Checker:
    """Collects Slack-style error messages while walking a payload."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"[ERROR] {message} [json-pointer:{path}]")

    def text(
        self,
        obj: Any,
        path: str,
        *,
        max_len: int,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.error(path, "missing required field: text")
            return
        if not isinstance(obj, dict):
            self.error(path, "must be a text object")
            return
        kind = obj.get("type")
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if kind not in allowed:
            self.error(f"{path}/type", f"must be one of {', '.join(allowed)}")
        value = obj.get("text")
        if not isinstance(value, str):
            self.error(f"{path}/text", "must be a string")
        elif not value:
            self.error(f"{path}/text", "must be more than 0 characters")
        elif len(value) > max_len:
            self.error(f"{path}/text", f"must be less than {max_len + 1} characters")
        if kind == "mrkdwn" and "emoji" in obj:
            self.error(f"{path}/emoji", "emoji is only allowed on plain_text")
        if kind == "plain_text" and "verbatim" in obj:
            self.error(f"{path}/verbatim", "verbatim is only allowed on mrkdwn")
        extra = set(obj) - {"type", "text", "emoji", "verbatim"}
        if extra:
            self.error(path, f"unknown fields in text object: {', '.join(sorted(extra))}")

    def string(self, value: Any, path: str, *, max_len: int, required: bool = False) -> None:
        if value is None:
            if required:
                self.error(path, "missing required field")
            return
        if not isinstance(value, str):
            self.error(path, "must be a string")
        elif len(value) > max_len:
            self.error(path, f"must be less than {max_len + 1} characters")
        elif required and not value:
            self.error(path, "must be more than 0 characters")

    def option(self, obj: Any, path: str, *, plain_only: bool) -> None:
        if not isinstance(obj, dict):
            self.error(path, "must be an option object")
            return
        self.text(obj.get("text"), f"{path}/text", max_len=75, plain_only=plain_only)
        self.string(obj.get("value"), f"{path}/value", max_len=150, required=True)
        if "description" in obj:
            self.text(obj["description"], f"{path}/description", max_len=75)

    def options(
        self,
        opts: Any,
        path: str,
        *,
        min_n: int,
        max_n: int,
        plain_only: bool = True,
    ) -> list[dict[str, Any]]:
        if not isinstance(opts, list):
            self.error(path, "must be a list of options")
            return []
        if not min_n <= len(opts) <= max_n:
            self.error(path, f"must have between {min_n} and {max_n} items")
        for i, opt in enumerate(opts):
            self.option(opt, f"{path}/{i}", plain_only=plain_only)
        return [o for o in opts if isinstance(o, dict)]

    # -- elements -----------------------------------------------------------------------

    def element(self, el: Any, path: str, *, allowed: set[str] | None = None) -> None:
        if not isinstance(el, dict):
            self.error(path, "must be an element object")
            return
        kind = el.get("type")
        if kind == "image":
            self.string(el.get("image_url"), f"{path}/image_url", max_len=3000, required=True)
            self.string(el.get("alt_text"), f"{path}/alt_text", max_len=2000, required=True)
            return
        if kind not in INTERACTIVE_ELEMENTS or (allowed is not None and kind not in allowed):
            self.error(f"{path}/type", f"invalid element type: {kind!r}")
            return
        self.string(el.get("action_id"), f"{path}/action_id", max_len=255)
        if "placeholder" in el:
            self.text(el["placeholder"], f"{path}/placeholder", max_len=150, plain_only=True)
        if "confirm" in el:
            self._confirm(el["confirm"], f"{path}/confirm")
        if kind == "button":
            self.text(el.get("text"), f"{path}/text", max_len=75, plain_only=True)
            self.string(el.get("value"), f"{path}/value", max_len=2000)
            self.string(el.get("url"), f"{path}/url", max_len=3000)
            if "style" in el and el["style"] not in ("primary", "danger"):
                self.error(f"{path}/style", "must be one of primary, danger")
        elif kind in ("static_select", "multi_static_select"):
            self._static_select(el, path)
        elif kind == "overflow":
            self.options(el.get("options"), f"{path}/options", min_n=1, max_n=5)
        elif kind in ("checkboxes", "radio_buttons"):
            opts = self.options(
                el.get("options"), f"{path}/options", min_n=1, max_n=10, plain_only=False
            )
            values = {o.get("value") for o in opts}
            initial = (
                el.get("initial_options") if kind == "checkboxes" else [el.get("initial_option")]
            )
            for i, opt in enumerate(initial or []):
                if opt is not None and (
                    not isinstance(opt, dict) or opt.get("value") not in values
                ):
                    self.error(
                        f"{path}/initial_option/{i}", "initial option must be one of options"
                    )
        elif kind == "datepicker":
            date = el.get("initial_date")
            if date is not None and not (isinstance(date, str) and _DATE.match(date)):
                self.error(f"{path}/initial_date", "must be a date in YYYY-MM-DD format")
        elif kind == "timepicker":
            time = el.get("initial_time")
            if time is not None and not (isinstance(time, str) and _TIME.match(time)):
                self.error(f"{path}/initial_time", "must be a time in HH:mm format")
            self.string(el.get("timezone"), f"{path}/timezone", max_len=100)
        elif kind in ("plain_text_input", "email_text_input", "url_text_input"):
            self.string(el.get("initial_value"), f"{path}/initial_value", max_len=3000)
            min_len, max_len = el.get("min_length"), el.get("max_length")
            if min_len is not None and not (isinstance(min_len, int) and 0 <= min_len <= 3000):
                self.error(f"{path}/min_length", "must be between 0 and 3000")
            if max_len is not None and not (isinstance(max_len, int) and 1 <= max_len <= 3000):
                self.error(f"{path}/max_length", "must be between 1 and 3000")
        elif kind == "number_input":
            self._number_input(el, path)
        elif kind in ("external_select", "multi_external_select"):
            min_q = el.get("min_query_length")
            if min_q is not None and not (isinstance(min_q, int) and min_q >= 0):
                self.error(f"{path}/min_query_length", "must be a non-negative integer")

    def _number_input(self, el: dict[str, Any], path: str) -> None:
        """number_input: is_decimal_allowed required; values are numbers as strings,
        whole numbers unless decimals are allowed, min_value <= initial <= max_value."""
        decimal = el.get("is_decimal_allowed")
        if not isinstance(decimal, bool):
            self.error(f"{path}/is_decimal_allowed", "missing required field: is_decimal_allowed")
        values: dict[str, float] = {}
        for key in ("initial_value", "min_value", "max_value"):
            raw = el.get(key)
            if raw is None:
                continue
            number = _number(raw, decimal is True)
            if number is None:
                kind = "a number" if decimal else "a whole number"
                self.error(f"{path}/{key}", f"must be {kind} given as a string")
            else:
                values[key] = number
        low, high = values.get("min_value"), values.get("max_value")
        if low is not None and high is not None and low > high:
            self.error(f"{path}/min_value", "min_value cannot be greater than max_value")
        initial = values.get("initial_value")
        if initial is not None and (
            (low is not None and initial < low) or (high is not None and initial > high)
        ):
            self.error(f"{path}/initial_value", "initial_value must be within min and max")

    def _static_select(self, el: dict[str, Any], path: str) -> None:
        has_opts, has_groups = "options" in el, "option_groups" in el
        opts: list[dict[str, Any]] = []
        if has_opts == has_groups:
            self.error(path, "must provide exactly one of options or option_groups")
        elif has_opts:
            opts = self.options(el["options"], f"{path}/options", min_n=1, max_n=100)
        else:
            groups = el["option_groups"]
            if not isinstance(groups, list) or not 1 <= len(groups) <= 100:
                self.error(f"{path}/option_groups", "must have between 1 and 100 items")
                groups = groups if isinstance(groups, list) else []
            for i, group in enumerate(groups):
                gpath = f"{path}/option_groups/{i}"
                if not isinstance(group, dict):
                    self.error(gpath, "must be an option group")
                    continue
                self.text(group.get("label"), f"{gpath}/label", max_len=75, plain_only=True)
                opts += self.options(group.get("options"), f"{gpath}/options", min_n=1, max_n=100)
        values = {o.get("value") for o in opts}
        initial = el.get("initial_options") or (
            [el["initial_option"]] if el.get("initial_option") is not None else []
        )
        for opt in initial:
            if not isinstance(opt, dict) or opt.get("value") not in values:
                self.error(f"{path}/initial_option", "initial option must be one of options")

    def _confirm(self, obj: Any, path: str) -> None:
        if not isinstance(obj, dict):
            self.error(path, "must be a confirmation dialog object")
            return
        self.text(obj.get("title"), f"{path}/title", max_len=100, plain_only=True)
        self.text(obj.get("text"), f"{path}/text", max_len=300)
        self.text(obj.get("confirm"), f"{path}/confirm", max_len=30, plain_only=True)
        self.text(obj.get("deny"), f"{path}/deny", max_len=30, plain_only=True)

    # -- blocks -------------------------------------------------------------------------

    def blocks(self, blocks: Any, path: str, *, max_blocks: int, surface: str) -> None:
        if not isinstance(blocks, list):
            self.error(path, "must be a list of blocks")
            return
        if len(blocks) > max_blocks:
            self.error(path, f"no more than {max_blocks} items allowed")
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            bpath = f"{path}/{i}"
            if not isinstance(block, dict):
                self.error(bpath, "must be a block object")
                continue
            block_id = block.get("block_id")
            if block_id is not None:
                self.string(block_id, f"{bpath}/block_id", max_len=255)
                if block_id in seen:
                    self.error(f"{bpath}/block_id", f"duplicate block_id: {block_id!r}")
                seen.add(str(block_id))
            self.block(block, bpath, surface=surface)

    def block(self, block: dict[str, Any], path: str, *, surface: str) -> None:
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.error(f"{path}/type", f"invalid block type: {kind!r}")
            return
        if kind == "section":
            if block.get("text") is None and block.get("fields") is None:
                self.error(path, "must provide text or fields")
            if block.get("text") is not None:
                self.text(block["text"], f"{path}/text", max_len=3000)
            fields = block.get("fields")
            if fields is not None:
                if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
                    self.error(f"{path}/fields", "must have between 1 and 10 items")
                else:
                    for i, field in enumerate(fields):
                        self.text(field, f"{path}/fields/{i}", max_len=2000)
            if block.get("accessory") is not None:
                self.element(block["accessory"], f"{path}/accessory")
        elif kind == "header":
            self.text(block.get("text"), f"{path}/text", max_len=150, plain_only=True)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
                self.error(f"{path}/elements", "must have between 1 and 25 items")
                return
            for i, el in enumerate(elements):
                self.element(el, f"{path}/elements/{i}")
            self._unique_action_ids(elements, f"{path}/elements")
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                self.error(f"{path}/elements", "must have between 1 and 10 items")
                return
            for i, el in enumerate(elements):
                epath = f"{path}/elements/{i}"
                if isinstance(el, dict) and el.get("type") == "image":
                    self.element(el, epath)
                else:
                    self.text(el, epath, max_len=3000)
        elif kind == "input":
            if surface == "message":
                self.error(path, "input blocks are only supported in modals and home tabs")
            self.text(block.get("label"), f"{path}/label", max_len=2000, plain_only=True)
            if "hint" in block:
                self.text(block["hint"], f"{path}/hint", max_len=2000, plain_only=True)
            if "element" not in block:
                self.error(f"{path}/element", "missing required field: element")
            else:
                self.element(block["element"], f"{path}/element", allowed=INPUT_ELEMENTS)
        elif kind == "image":
            self.string(block.get("image_url"), f"{path}/image_url", max_len=3000, required=True)
            self.string(block.get("alt_text"), f"{path}/alt_text", max_len=2000, required=True)
            if "title" in block:
                self.text(block["title"], f"{path}/title", max_len=2000, plain_only=True)

    def _unique_action_ids(self, elements: list[Any], path: str) -> None:
        seen: set[str] = set()
        for i, el in enumerate(elements):
            action_id = el.get("action_id") if isinstance(el, dict) else None
            if action_id is None:
                continue
            if action_id in seen:
                self.error(f"{path}/{i}/action_id", f"duplicate action_id: {action_id!r}")
            seen.add(action_id)


def check_view(view: Any) -> list[str]:
    """Slack's checks for a modal or home tab view; returns error messages (empty: valid)."""
    c = Checker()
    if not isinstance(view, dict):
        c.error("/view", "must be a view object")
        return c.errors
    kind = view.get("type")
    if kind not in ("modal", "home"):
        c.error("/view/type", "must be one of modal, home")
        return c.errors
    if kind == "modal":
        c.text(view.get("title"), "/view/title", max_len=24, plain_only=True)
    elif "title" in view:
        c.text(view["title"], "/view/title", max_len=24, plain_only=True)
    for key in ("submit", "close"):
        if view.get(key) is not None:
            c.text(view[key], f"/view/{key}", max_len=24, plain_only=True)
    blocks = view.get("blocks")
    if blocks is None:
        c.error("/view/blocks", "missing required field: blocks")
    else:
        c.blocks(blocks, "/view/blocks", max_blocks=MAX_VIEW_BLOCKS, surface=kind)
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if kind == "modal" and has_input and view.get("submit") is None:
            c.error("/view/submit", "submit is required when an input block is within the blocks")
    c.string(view.get("private_metadata"), "/view/private_metadata", max_len=3000)
    c.string(view.get("callback_id"), "/view/callback_id", max_len=255)
    c.string(view.get("external_id"), "/view/external_id", max_len=255)
    for flag in ("clear_on_close", "notify_on_close", "submit_disabled"):
        if flag in view and not isinstance(view[flag], bool):
            c.error(f"/view/{flag}", "must be a boolean")
    return c.errors


def check_message_blocks(blocks: Any) -> list[str]:
    """Slack's checks for a message's blocks; returns error messages (empty: valid)."""
    c = Checker()
    c.blocks(blocks, "/blocks", max_blocks=MAX_MESSAGE_BLOCKS, surface="message")
    return c.errors
