"""Block Kit -> readable terminal text (pure: data in, text and numbered controls out).

`render_blocks` turns a message's or view's blocks into lines and a list of `Control`s,
the interactive elements numbered from ``start``: buttons as ``[1] Book 10:00 AM``,
selects with their options listed, inputs with their label and current value, and a
field error (``errors[block_id]``) on the line after its input.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

WIDTH = 88
INDENT = "    "

TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
SINGLE_SELECTS = {"static_select", "external_select", "radio_buttons", "overflow"}
MULTI_SELECTS = {"multi_static_select", "multi_external_select", "checkboxes"}
PICKERS = {"datepicker": "date YYYY-MM-DD", "timepicker": "time HH:MM", "datetimepicker": "time"}


@dataclass
class Control:
    """One interactive element the user can act on by its number."""

    number: int
    kind: str  # the element type: button, static_select, plain_text_input, datepicker...
    label: str  # what the user sees: button text, or the input/section label
    block: dict[str, Any]
    element: dict[str, Any]
    in_input: bool = False  # inside an input block (its value is sent on submit)
    dispatch: bool = False  # an input that sends block_actions as soon as it changes
    options: list[dict[str, Any]] = field(default_factory=list)

    @property
    def action_id(self) -> str:
        return str(self.element.get("action_id") or "")

    @property
    def block_id(self) -> str:
        return str(self.block.get("block_id") or "")

    @property
    def is_button(self) -> bool:
        return self.kind == "button"

    @property
    def is_select(self) -> bool:
        return self.kind in SINGLE_SELECTS or self.kind in MULTI_SELECTS

    def option_text(self, option: Mapping[str, Any]) -> str:
        return plain(option.get("text"))


@dataclass
class Rendered:
    lines: list[str]
    controls: list[Control]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# -- text ----------------------------------------------------------------------------------

_DATE = re.compile(r"<!date\^(\d+)\^[^|>]*(?:\^[^|>]*)?\|([^>]*)>")
_DATE_NO_FALLBACK = re.compile(r"<!date\^(\d+)\^[^>]*>")
_USER = re.compile(r"<@([UW][A-Z0-9_]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9_]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
EMOJI = {
    "white_check_mark": "\u2705",
    "warning": "\u26a0\ufe0f",
    "x": "\u274c",
    "calendar": "\U0001f4c5",
    "hourglass_flowing_sand": "\u23f3",
    "information_source": "\u2139\ufe0f",
}
_LINK = re.compile(r"<((?:https?|mailto|tel):[^|>]+)(?:\|([^>]*))?>")


def mrkdwn(text: str, users: Mapping[str, str] | None = None) -> str:
    """Slack markup to terminal text: dates show their fallback, links their label."""
    users = users or {}
    text = _DATE.sub(lambda m: m.group(2), text)
    text = _DATE_NO_FALLBACK.sub(
        lambda m: datetime.fromtimestamp(int(m.group(1)), UTC).strftime("%Y-%m-%d %H:%M UTC"),
        text,
    )
    text = _USER.sub(lambda m: "@" + (m.group(2) or users.get(m.group(1)) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)

    def link(m: re.Match[str]) -> str:
        url, label = m.group(1), m.group(2)
        if url.startswith("mailto:") and (not label or label == url[7:]):
            return url[7:]
        return f"{label} ({url})" if label and label != url else url

    text = _LINK.sub(link, text)
    text = _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain(obj: Any, users: Mapping[str, str] | None = None) -> str:
    """A text object (plain_text or mrkdwn) or a string, as terminal text."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return mrkdwn(obj, users)
    if isinstance(obj, Mapping):
        text = str(obj.get("text") or "")
        return mrkdwn(text, users) if obj.get("type") == "mrkdwn" else text
    return str(obj)


def _wrap(text: str, indent: str = "") -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        if not para.strip():
            out.append(indent.rstrip())
            continue
        out += textwrap.wrap(
            para,
            WIDTH,
            initial_indent=indent,
            subsequent_indent=indent + ("  " if para.lstrip().startswith("•") else ""),
            break_long_words=False,
            break_on_hyphens=False,
        ) or [indent]
    return out


def _rich_text(block: Mapping[str, Any]) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, Mapping):
            kind = node.get("type")
            if kind == "text":
                parts.append(str(node.get("text", "")))
            elif kind == "link":
                parts.append(str(node.get("text") or node.get("url", "")))
            elif kind == "user":
                parts.append("@" + str(node.get("user_id", "")))
            elif kind == "emoji":
                parts.append(f":{node.get('name', '')}:")
            else:
                walk(node.get("elements"))
                if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
                    parts.append("\n")

    walk(block.get("elements"))
    return "".join(parts).strip()


# -- values --------------------------------------------------------------------------------


def options_of(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    options = [dict(o) for o in element.get("options") or []]
    for group in element.get("option_groups") or []:
        options += [dict(o) for o in group.get("options") or []]
    return options


def current_value(element: Mapping[str, Any], entry: Mapping[str, Any] | None) -> str:
    """What an element shows now: the user's entry in the view state, else its initial value."""
    kind = str(element.get("type", ""))
    if entry is not None:
        if kind in TEXT_INPUTS:
            return str(entry.get("value") or "")
        if kind in SINGLE_SELECTS:
            return plain((entry.get("selected_option") or {}).get("text"))
        if kind in MULTI_SELECTS:
            return ", ".join(plain(o.get("text")) for o in entry.get("selected_options") or [])
        for key in ("selected_date", "selected_time", "selected_date_time", "selected_user"):
            if entry.get(key) is not None:
                return str(entry[key])
        return ""
    if kind in TEXT_INPUTS:
        return str(element.get("initial_value") or "")
    if kind in SINGLE_SELECTS:
        return plain((element.get("initial_option") or {}).get("text"))
    if kind in MULTI_SELECTS:
        return ", ".join(plain(o.get("text")) for o in element.get("initial_options") or [])
    for key in ("initial_date", "initial_time", "initial_date_time", "initial_user"):
        if element.get(key) is not None:
            return str(element[key])
    return ""


def _option_lines(options: list[dict[str, Any]], chosen: str) -> list[str]:
    """Options as ``(1) A  (2) B`` packed into lines; the chosen one marked with ``*``."""
    items = []
    for i, opt in enumerate(options, 1):
        text = plain(opt.get("text"))
        mark = "*" if chosen and text in {c.strip() for c in chosen.split(",")} else ""
        items.append(f"({i}){mark} {text}")
    lines: list[str] = []
    line = INDENT + "   "
    for item in items:
        if len(line) + len(item) + 2 > WIDTH and line.strip():
            lines.append(line.rstrip())
            line = INDENT + "   "
        line += item + "  "
    if line.strip():
        lines.append(line.rstrip())
    return lines


# -- blocks --------------------------------------------------------------------------------


class _Builder:
    def __init__(
        self,
        start: int,
        state: Mapping[str, Mapping[str, Any]],
        errors: Mapping[str, str],
        users: Mapping[str, str],
    ) -> None:
        self.number = start
        self.state = state
        self.errors = errors
        self.users = users
        self.lines: list[str] = []
        self.controls: list[Control] = []

    def add(
        self,
        block: dict[str, Any],
        element: dict[str, Any],
        label: str,
        *,
        in_input: bool = False,
        dispatch: bool = False,
    ) -> Control:
        kind = str(element.get("type", ""))
        control = Control(
            self.number,
            kind,
            label,
            block,
            element,
            in_input=in_input,
            dispatch=dispatch,
            options=options_of(element),
        )
        self.controls.append(control)
        self.number += 1
        return control

    def entry(self, block: Mapping[str, Any], element: Mapping[str, Any]) -> Any:
        return (self.state.get(str(block.get("block_id") or "")) or {}).get(
            str(element.get("action_id") or "")
        )

    def element_lines(self, control: Control, indent: str = "") -> list[str]:
        el, kind = control.element, control.kind
        tag = f"[{control.number}]"
        if kind == "button":
            style = {"primary": " (primary)", "danger": " (danger)"}.get(el.get("style", ""), "")
            return [f"{indent}{tag} {plain(el.get('text'))}{style}"]
        value = current_value(el, self.entry(control.block, el))
        placeholder = plain(el.get("placeholder"))
        shown = value or (f"({placeholder})" if placeholder else "(empty)")
        label = control.label or plain(el.get("placeholder")) or kind
        if kind in SINGLE_SELECTS or kind in MULTI_SELECTS:
            if kind == "overflow":
                head = f"{indent}{tag} {label or 'More'}: choose one"
            else:
                head = f"{indent}{tag} {label}: {shown}"
            if kind.endswith("external_select"):
                return [head + "  (type to search: select N TEXT)"]
            return [head, *_option_lines(control.options, value)]
        if kind in PICKERS:
            return [f"{indent}{tag} {label}: {shown}  ({PICKERS[kind]})"]
        if kind in TEXT_INPUTS:
            multiline = " (multi-line)" if el.get("multiline") else ""
            if not value:
                shown = f"(empty, e.g. {placeholder})" if placeholder else "(empty)"
            return [f"{indent}{tag} {label}: {shown}{multiline}"]
        return [f"{indent}{tag} {label}: {shown}  ({kind})"]

    def block(self, block: dict[str, Any]) -> None:
        kind = block.get("type")
        out = self.lines
        if kind == "header":
            title = plain(block.get("text"))
            out += [title.upper(), "=" * min(len(title), WIDTH)]
        elif kind == "divider":
            out.append("-" * 40)
        elif kind == "section":
            text = plain(block.get("text"), self.users)
            if text:
                out += _wrap(text)
            for fld in block.get("fields") or []:
                out += _wrap(plain(fld, self.users), INDENT)
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") != "image":
                label = text.split("\n", 1)[0][:40] if accessory.get("type") != "button" else ""
                control = self.add(block, accessory, label)
                out += self.element_lines(control, INDENT)
        elif kind == "context":
            parts = [
                plain(e, self.users) if e.get("type") != "image" else plain(e.get("alt_text"))
                for e in block.get("elements") or []
                if isinstance(e, dict)
            ]
            out += _wrap("  ".join(p for p in parts if p), "  ")
        elif kind == "actions":
            line: list[str] = []
            for el in block.get("elements") or []:
                if not isinstance(el, dict):
                    continue
                control = self.add(block, el, plain(el.get("placeholder")))
                lines = self.element_lines(control)
                if el.get("type") == "button":
                    line.append(lines[0])
                else:
                    if line:
                        out += _pack(line)
                        line = []
                    out += lines
            if line:
                out += _pack(line)
        elif kind == "input":
            el = block.get("element")
            if not isinstance(el, dict):
                return
            label = plain(block.get("label"))
            optional = " (optional)" if block.get("optional") else ""
            control = self.add(
                block, el, label, in_input=True, dispatch=bool(block.get("dispatch_action"))
            )
            lines = self.element_lines(control)
            lines[0] = (
                lines[0].replace(f"{label}:", f"{label}{optional}:", 1) if label else lines[0]
            )
            out += lines
            if block.get("hint"):
                out += _wrap(plain(block["hint"]), INDENT + "   ")
            error = self.errors.get(control.block_id)
            if error:
                out += _wrap(f"! {error}", INDENT + " ")
        elif kind == "image":
            out.append(f"[image: {plain(block.get('alt_text')) or block.get('image_url', '')}]")
        elif kind == "rich_text":
            out += _wrap(_rich_text(block))
        elif kind == "file":
            out.append("[file]")
        elif kind:
            out.append(f"[{kind} block]")


def _pack(items: list[str]) -> list[str]:
    lines: list[str] = []
    line = ""
    for item in items:
        if line and len(line) + len(item) + 2 > WIDTH:
            lines.append(line)
            line = ""
        line = f"{line}  {item}" if line else item
    if line:
        lines.append(line)
    return lines


def render_blocks(
    blocks: list[dict[str, Any]] | None,
    *,
    start: int = 1,
    state: Mapping[str, Mapping[str, Any]] | None = None,
    errors: Mapping[str, str] | None = None,
    users: Mapping[str, str] | None = None,
) -> Rendered:
    """Blocks to lines plus numbered controls. ``state``: block_id -> action_id -> the
    Slack state entry (what the user chose); ``errors``: block_id -> field error."""
    builder = _Builder(start, state or {}, errors or {}, users or {})
    for block in blocks or []:
        if isinstance(block, dict):
            builder.block(block)
    return Rendered(builder.lines, builder.controls)


def render_message(
    message: Mapping[str, Any],
    *,
    start: int = 1,
    users: Mapping[str, str] | None = None,
    label: str = "",
) -> Rendered:
    """A message (ephemeral or not): a one-line heading, then its blocks or its text."""
    head = label or ("only you can see this" if message.get("ephemeral") else "message")
    blocks = message.get("blocks") or []
    if blocks:
        body = render_blocks(blocks, start=start, users=users)
    else:
        body = Rendered(_wrap(plain(str(message.get("text") or ""), users)), [])
    return Rendered([f"--- {head} ---", *body.lines], body.controls)


def render_view(
    view: Mapping[str, Any],
    *,
    start: int = 1,
    state: Mapping[str, Mapping[str, Any]] | None = None,
    errors: Mapping[str, str] | None = None,
    users: Mapping[str, str] | None = None,
) -> Rendered:
    """A modal (title, blocks, its submit and close buttons) or an App Home tab."""
    if view.get("type") == "home":
        body = render_blocks(
            view.get("blocks"), start=start, state=state, errors=errors, users=users
        )
        return Rendered(["=== App Home ===", *body.lines], body.controls)
    title = plain(view.get("title")) or "Modal"
    body = render_blocks(view.get("blocks"), start=start, state=state, errors=errors, users=users)
    lines = [f"+== {title} " + "=" * max(3, 40 - len(title)), *body.lines]
    # field errors on blocks that are not inputs (e.g. a whole-form error) still show
    shown = {c.block_id for c in body.controls if c.in_input}
    for block_id, error in (errors or {}).items():
        if block_id not in shown:
            lines += _wrap(f"! {error}")
    actions = []
    if view.get("submit"):
        actions.append(f"submit = {plain(view['submit'])}")
    actions.append(f"close = {plain(view.get('close')) or 'Close'}")
    if view.get("previous_view_id"):
        actions.append("back")
    lines.append("+== " + " | ".join(actions))
    return Rendered(lines, body.controls)
