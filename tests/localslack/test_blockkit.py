"""Block Kit checks and payload helpers, without a network."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from bot.localslack.blockkit import check_message_blocks, check_view
from bot.localslack.payloads import find_element, state_values

from .conftest import MODAL

PLAIN = {"type": "plain_text", "text": "Pick"}


def opt(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value.title()}, "value": value}


def actions(*elements: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "actions", "block_id": "a", "elements": list(elements)}]


def test_a_realistic_modal_passes() -> None:
    assert check_view(MODAL) == []


@pytest.mark.parametrize(
    ("blocks", "fragment"),
    [
        (
            actions({"type": "button", "action_id": "b", "text": {**PLAIN, "text": "x" * 76}}),
            "less than 76",
        ),
        (actions({"type": "button", "action_id": "b", "text": PLAIN, "style": "blue"}), "/style"),
        (
            actions(
                {"type": "button", "action_id": "b", "text": PLAIN},
                {"type": "button", "action_id": "b", "text": PLAIN},
            ),
            "duplicate action_id",
        ),
        (
            actions(
                {
                    "type": "static_select",
                    "action_id": "s",
                    "options": [opt("a")],
                    "initial_option": opt("z"),
                }
            ),
            "initial option",
        ),
        (
            actions({"type": "datepicker", "action_id": "d", "initial_date": "14/01/2025"}),
            "YYYY-MM-DD",
        ),
        (actions({"type": "timepicker", "action_id": "t", "initial_time": "25:00"}), "HH:mm"),
        (
            actions(
                {"type": "overflow", "action_id": "o", "options": [opt(str(i)) for i in range(6)]}
            ),
            "between 1 and 5",
        ),
        (actions({"type": "static_select", "action_id": "s"}), "exactly one of options"),
        (actions({"type": "carousel"}), "invalid element type"),
        (
            [
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": "x"},
                    "accessory": {"type": "button", "text": PLAIN, "value": "v" * 2001},
                }
            ],
            "/value",
        ),
        ([{"type": "section"}], "text or fields"),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
            "between 1 and 10",
        ),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "/text/type"),
        ([{"type": "context", "elements": []}], "between 1 and 10"),
        ([{"type": "image", "image_url": "https://x/y.png"}], "/alt_text"),
        (
            [{"type": "section", "text": {"type": "mrkdwn", "text": "x", "emoji": True}}],
            "only allowed on plain_text",
        ),
        (
            [{"type": "section", "text": {"type": "plain_text", "text": "x", "bold": True}}],
            "unknown fields",
        ),
        (
            [
                {
                    "type": "input",
                    "label": PLAIN,
                    "element": {"type": "plain_text_input", "action_id": "i"},
                }
            ],
            "only supported in modals",
        ),
        ([{"type": "rich_txt"}], "invalid block type"),
        ("not a list", "must be a list"),
    ],
)
def test_message_block_errors(blocks: Any, fragment: str) -> None:
    errors = check_message_blocks(blocks)
    assert any(fragment in e for e in errors), errors


def test_view_specific_errors() -> None:
    number = {
        "type": "input",
        "block_id": "n",
        "label": PLAIN,
        "element": {"type": "number_input", "action_id": "n"},
    }
    view = {"type": "modal", "title": PLAIN, "submit": PLAIN, "blocks": [number]}
    assert any("is_decimal_allowed" in e for e in check_view(view))
    button_in_input = {
        "type": "input",
        "block_id": "b",
        "label": PLAIN,
        "element": {"type": "button", "action_id": "b", "text": PLAIN},
    }
    view["blocks"] = [button_in_input]
    assert any("invalid element type" in e for e in check_view(view))
    assert check_view({"type": "home", "blocks": []}) == []
    assert any("blocks" in e for e in check_view({"type": "home"}))
    assert check_view("modal") == ["[ERROR] must be a view object [json-pointer:/view]"]


def test_state_values_typed_per_element() -> None:
    values = state_values(
        MODAL,
        {
            "name": {"name_in": "Ana"},  # block -> {action_id: value}
            "event_sel": "7",  # action_id -> option value
            "day": date(2025, 1, 14),
            "time": time(15, 30),
            "opts": "video",
        },
    )
    assert values["name"]["name_in"]["value"] == "Ana"
    assert values["event"]["event_sel"]["selected_option"]["text"]["text"] == "Demo"
    assert values["day"]["day_pick"]["selected_date"] == "2025-01-14"
    assert values["time"]["time_pick"]["selected_time"] == "15:30"
    assert [o["value"] for o in values["opts"]["opts_cb"]["selected_options"]] == ["video"]
    assert values["email"]["email_in"] == {"type": "email_text_input", "value": None}
    assert values["host"]["host_sel"] == {"type": "users_select", "selected_user": None}
    assert "more" not in values  # buttons carry no state


def test_state_values_refuses_unknown_keys() -> None:
    with pytest.raises(ValueError, match="neither a block_id nor an action_id"):
        state_values(MODAL, {"phone": "555"})


def test_find_element_explains_what_exists() -> None:
    with pytest.raises(LookupError, match="more_slots"):
        find_element(MODAL["blocks"], text="Cancel")
    block, el = find_element(MODAL["blocks"], text="More times")
    assert block["block_id"] == "more" and el["action_id"] == "more_slots"
