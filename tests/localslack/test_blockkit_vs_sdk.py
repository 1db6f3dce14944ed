"""The stand-in's Block Kit rules against slack_sdk's models, an independent definition.

slack_sdk.models (blocks, block elements, composition objects, views) is Slack's own
Python description of Block Kit: its element and block types, and its length limits
(`*_max_length` class attributes, enforced by `validate_json()`). Each test here builds
payloads at and one past a limit and asks both: the stand-in must accept what the SDK
accepts and refuse what it refuses. The comparison found `number_text_input` (a type
Slack does not have) where Slack's `number_input` belongs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import basic_components as bc
from slack_sdk.models.blocks import block_elements as be
from slack_sdk.models.blocks import blocks as bl
from slack_sdk.models.blocks.blocks import Block
from slack_sdk.models.views import View

from bot.localslack.blockkit import (
    BLOCK_TYPES,
    INPUT_ELEMENTS,
    INTERACTIVE_ELEMENTS,
    check_message_blocks,
    check_view,
)


def _subclasses(cls: type) -> list[type]:
    found, todo = [], [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def sdk_types(base: type) -> set[str]:
    return {t for c in _subclasses(base) if isinstance(t := getattr(c, "type", None), str)}


SDK_BLOCKS = sdk_types(Block)
SDK_ELEMENTS = sdk_types(be.BlockElement)
SDK_INPUTS = sdk_types(be.InputInteractiveElement)


def test_every_block_type_the_stand_in_accepts_exists_in_slack_sdk() -> None:
    assert set() == BLOCK_TYPES - SDK_BLOCKS


def test_every_element_type_the_stand_in_accepts_exists_in_slack_sdk() -> None:
    assert set() == INTERACTIVE_ELEMENTS - SDK_ELEMENTS
    assert "number_text_input" not in INTERACTIVE_ELEMENTS


def test_every_input_element_of_slack_sdk_is_accepted_in_an_input_block() -> None:
    assert set() == SDK_INPUTS - INPUT_ELEMENTS


# -- limits: both sides at the limit and one past it ------------------------------------


def text(n: int, kind: str = "plain_text") -> dict[str, Any]:
    return {"type": kind, "text": "x" * n}


def modal(*blocks: dict[str, Any], **fields: Any) -> dict[str, Any]:
    view = {"type": "modal", "title": text(5), "close": text(5), "blocks": list(blocks)}
    view.update(fields)
    return view


def section(**fields: Any) -> dict[str, Any]:
    return {"type": "section", "text": text(5, "mrkdwn"), **fields}


def input_block(element: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"type": "input", "block_id": "b", "label": text(5), "element": element, **fields}


def unique_options(n: int, label: int = 5) -> list[dict[str, Any]]:
    return [{"text": text(label), "value": f"v{i}"} for i in range(n)]


def button(**fields: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": "a", "text": text(5), **fields}


def sdk_view_ok(view: dict[str, Any]) -> bool:
    try:
        View(**copy.deepcopy(view)).to_dict()  # to_dict validates every nested object
    except (SlackObjectFormationError, ValueError, TypeError):
        return False
    return True


def sdk_blocks_ok(blocks: list[dict[str, Any]]) -> bool:
    try:
        for block in Block.parse_all(copy.deepcopy(blocks)):
            block.to_dict()
    except (SlackObjectFormationError, ValueError, TypeError):
        return False
    return True


# (name, SDK limit, payload of size n as a view)
VIEW_CASES: list[tuple[str, int, Callable[[int], dict[str, Any]]]] = [
    ("view title", View.title_max_length, lambda n: modal(section(), title=text(n))),
    ("view close", View.close_max_length, lambda n: modal(section(), close=text(n))),
    (
        "view submit",
        View.submit_max_length,
        lambda n: modal(
            input_block({"type": "plain_text_input", "action_id": "t"}), submit=text(n)
        ),
    ),
    ("view blocks", View.blocks_max_length, lambda n: modal(*[{"type": "divider"}] * n)),
    (
        "private_metadata",
        View.private_metadata_max_length,
        lambda n: modal(section(), private_metadata="x" * n),
    ),
    ("callback_id", View.callback_id_max_length, lambda n: modal(section(), callback_id="x" * n)),
    ("block_id", bl.Block.block_id_max_length, lambda n: modal(section(block_id="x" * n))),
    (
        "section text",
        bl.SectionBlock.text_max_length,
        lambda n: modal({"type": "section", "text": text(n, "mrkdwn")}),
    ),
    (
        "section fields",
        bl.SectionBlock.fields_max_length,
        lambda n: modal({"type": "section", "fields": [text(3, "mrkdwn")] * n}),
    ),
    (
        "header text",
        bl.HeaderBlock.text_max_length,
        lambda n: modal({"type": "header", "text": text(n)}),
    ),
    (
        "actions elements",
        bl.ActionsBlock.elements_max_length,
        lambda n: modal(
            {"type": "actions", "elements": [button(action_id=f"a{i}") for i in range(n)]}
        ),
    ),
    (
        "context elements",
        bl.ContextBlock.elements_max_length,
        lambda n: modal({"type": "context", "elements": [text(3, "mrkdwn")] * n}),
    ),
    (
        "input label",
        bl.InputBlock.label_max_length,
        lambda n: modal(
            input_block({"type": "plain_text_input", "action_id": "t"}, label=text(n)),
            submit=text(4),
        ),
    ),
    (
        "button text",
        be.ButtonElement.text_max_length,
        lambda n: modal(section(accessory=button(text=text(n)))),
    ),
    (
        "button value",
        be.ButtonElement.value_max_length,
        lambda n: modal(section(accessory=button(value="x" * n))),
    ),
    (
        "button url",
        be.ButtonElement.url_max_length,
        lambda n: modal(section(accessory=button(url="https://" + "x" * (n - 8)))),
    ),
    (
        "action_id",
        be.InteractiveElement.action_id_max_length,
        lambda n: modal(section(accessory=button(action_id="x" * n))),
    ),
    (
        "placeholder",
        be.InputInteractiveElement.placeholder_max_length,
        lambda n: modal(
            section(
                accessory={
                    "type": "static_select",
                    "action_id": "s",
                    "placeholder": text(n),
                    "options": unique_options(2),
                }
            )
        ),
    ),
    (
        "static_select options",
        be.StaticSelectElement.options_max_length,
        lambda n: modal(
            section(
                accessory={"type": "static_select", "action_id": "s", "options": unique_options(n)}
            )
        ),
    ),
    (
        "overflow options",
        be.OverflowMenuElement.options_max_length,
        lambda n: modal(
            section(accessory={"type": "overflow", "action_id": "o", "options": unique_options(n)})
        ),
    ),
    (
        "confirm title",
        bc.ConfirmObject.title_max_length,
        lambda n: modal(
            section(
                accessory=button(
                    confirm={"title": text(n), "text": text(5), "confirm": text(3), "deny": text(3)}
                )
            )
        ),
    ),
    (
        "confirm text",
        bc.ConfirmObject.text_max_length,
        lambda n: modal(
            section(
                accessory=button(
                    confirm={"title": text(3), "text": text(n), "confirm": text(3), "deny": text(3)}
                )
            )
        ),
    ),
    (
        "confirm button",
        bc.ConfirmObject.confirm_max_length,
        lambda n: modal(
            section(
                accessory=button(
                    confirm={"title": text(3), "text": text(5), "confirm": text(n), "deny": text(3)}
                )
            )
        ),
    ),
]


@pytest.mark.parametrize(("name", "limit", "build"), VIEW_CASES, ids=[c[0] for c in VIEW_CASES])
def test_view_limits_agree_with_slack_sdk(
    name: str, limit: int, build: Callable[[int], dict[str, Any]]
) -> None:
    at, past = build(limit), build(limit + 1)
    assert sdk_view_ok(at), f"slack_sdk refuses {name} at its own limit {limit}"
    assert not sdk_view_ok(past), f"slack_sdk accepts {name} past {limit}"
    assert check_view(at) == [], f"the stand-in refuses {name} at {limit}"
    assert check_view(past) != [], f"the stand-in accepts {name} at {limit + 1}"


def _select_with(option: dict[str, Any]) -> dict[str, Any]:
    return modal(
        section(accessory={"type": "static_select", "action_id": "s", "options": [option]})
    )


@pytest.mark.parametrize(
    ("field", "limit"),
    [("text", bc.Option.label_max_length), ("value", bc.Option.value_max_length)],
)
def test_option_limits_agree_with_slack_sdk(field: str, limit: int) -> None:
    """slack_sdk checks options on the Option object itself, not inside a select."""
    for n, fits in ((limit, True), (limit + 1, False)):
        label, value = ("x" * n, "v") if field == "text" else ("x", "v" * n)
        try:
            bc.Option(label=label, value=value).validate_json()
            sdk_fits = True
        except SlackObjectFormationError:
            sdk_fits = False
        assert sdk_fits is fits
        ours = check_view(_select_with({"text": text(len(label)), "value": value}))
        assert (ours == []) is fits, ours


def test_message_blocks_agree_with_slack_sdk_on_the_section_text() -> None:
    limit = bl.SectionBlock.text_max_length
    at = [{"type": "section", "text": text(limit, "mrkdwn")}]
    past = [{"type": "section", "text": text(limit + 1, "mrkdwn")}]
    assert sdk_blocks_ok(at) and not sdk_blocks_ok(past)
    assert check_message_blocks(at) == [] and check_message_blocks(past) != []


@pytest.mark.parametrize(
    ("element", "valid"),
    [
        ({"type": "number_input", "action_id": "n", "is_decimal_allowed": False}, True),
        (
            {
                "type": "number_input",
                "action_id": "n",
                "is_decimal_allowed": True,
                "min_value": "0.5",
                "max_value": "9.5",
                "initial_value": "1.5",
            },
            True,
        ),
        (
            {
                "type": "number_input",
                "action_id": "n",
                "is_decimal_allowed": False,
                "min_value": "1",
                "max_value": "10",
            },
            True,
        ),
        ({"type": "number_input", "action_id": "n"}, False),  # is_decimal_allowed required
        (
            {
                "type": "number_input",
                "action_id": "n",
                "is_decimal_allowed": False,
                "min_value": "10",
                "max_value": "1",
            },
            False,
        ),
        ({"type": "number_text_input", "action_id": "n", "is_decimal_allowed": False}, False),
    ],
)
def test_number_input_is_slacks(element: dict[str, Any], valid: bool) -> None:
    view = modal(input_block(element), submit=text(4))
    assert (check_view(view) == []) is valid, check_view(view)
    if element["type"] == "number_input":
        args = {k: v for k, v in element.items() if k != "type"}
        be.NumberInputElement(**args)  # the SDK knows the element and its fields
