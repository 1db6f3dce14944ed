"""views.* against the stand-in: trigger rules, Block Kit limits, hashes, stacks, home."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.localslack import U_ALICE, U_BOB, LocalSlack

from .conftest import MODAL


def modal(
    title: str = "Book", blocks: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks
        if blocks is not None
        else [{"type": "section", "text": {"type": "mrkdwn", "text": "Loading…"}}],
    }
    view.update(extra)
    return view


def text_input(block_id: str, label: str = "Name") -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {"type": "plain_text_input", "action_id": "in"},
    }


async def refused(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        await call
    return dict(info.value.response.data)


async def test_open_returns_the_full_view(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    trigger = slack.new_trigger_id(U_ALICE)
    resp = await web_client.views_open(trigger_id=trigger, view=MODAL)
    view = resp["view"]
    assert view["id"] in slack.views and view["callback_id"] == "book_modal"
    assert view["hash"] and view["root_view_id"] == view["id"]
    assert view["private_metadata"] == '{"event": 7}'
    assert slack.views[view["id"]]["blocks"] == MODAL["blocks"]
    assert slack.view_owner[view["id"]] == U_ALICE


async def test_trigger_is_valid_once(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    trigger = slack.new_trigger_id()
    await web_client.views_open(trigger_id=trigger, view=modal())
    body = await refused(web_client.views_open(trigger_id=trigger, view=modal()))
    assert body["error"] == "invalid_trigger_id"
    body = await refused(web_client.views_open(trigger_id="12.made-up", view=modal()))
    assert body["error"] == "invalid_trigger_id"
    assert len(slack.views) == 1


async def test_trigger_expires_after_three_seconds(
    web_client: AsyncWebClient, slack: LocalSlack
) -> None:
    fresh, stale = slack.new_trigger_id(), slack.new_trigger_id()
    slack.advance_clock(2.9)
    await web_client.views_open(trigger_id=fresh, view=modal())
    slack.advance_clock(0.2)
    body = await refused(web_client.views_open(trigger_id=stale, view=modal()))
    assert body["error"] == "expired_trigger_id"


async def test_invalid_view_does_not_use_the_trigger(
    web_client: AsyncWebClient, slack: LocalSlack
) -> None:
    trigger = slack.new_trigger_id()
    body = await refused(web_client.views_open(trigger_id=trigger, view=modal("x" * 25)))
    assert body["error"] == "invalid_arguments"
    await web_client.views_open(trigger_id=trigger, view=modal("x" * 24))


def options(n: int) -> list[dict[str, Any]]:
    return [{"text": {"type": "plain_text", "text": f"o{i}"}, "value": str(i)} for i in range(n)]


def select_block(n: int) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": "sel",
        "label": {"type": "plain_text", "text": "Pick"},
        "element": {"type": "static_select", "action_id": "s", "options": options(n)},
    }


SUBMIT = {"type": "plain_text", "text": "Go"}
BAD_VIEWS: list[tuple[str, dict[str, Any], str]] = [
    ("title", modal("x" * 25), "/view/title/text"),
    ("submit", modal(submit={"type": "plain_text", "text": "s" * 25}), "/view/submit/text"),
    ("close", modal(close={"type": "plain_text", "text": "c" * 25}), "/view/close/text"),
    ("blocks", modal(blocks=[{"type": "divider"}] * 101), "/view/blocks"),
    ("dup ids", modal(blocks=[text_input("a"), text_input("a")], submit=SUBMIT), "/1/block_id"),
    ("metadata", modal(private_metadata="m" * 3001), "/view/private_metadata"),
    ("callback", modal(callback_id="c" * 256), "/view/callback_id"),
    ("label", modal(blocks=[text_input("a", "l" * 2001)], submit=SUBMIT), "/label/text"),
    ("options", modal(blocks=[select_block(101)], submit=SUBMIT), "/element/options"),
    (
        "section",
        modal(blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "t" * 3001}}]),
        "/text/text",
    ),
    (
        "text type",
        modal(blocks=[{"type": "section", "text": {"type": "markdown", "text": "t"}}]),
        "/text/type",
    ),
    (
        "empty text",
        modal(blocks=[{"type": "section", "text": {"type": "plain_text", "text": ""}}]),
        "/text/text",
    ),
    (
        "mrkdwn title",
        modal(title="ok") | {"title": {"type": "mrkdwn", "text": "Hi"}},
        "/view/title/type",
    ),
    ("type", modal() | {"type": "dialog"}, "/view/type"),
    ("no submit", modal(blocks=[text_input("a")]), "/view/submit"),
]


@pytest.mark.parametrize(("case", "view", "pointer"), BAD_VIEWS, ids=[c[0] for c in BAD_VIEWS])
async def test_view_limits(
    web_client: AsyncWebClient, slack: LocalSlack, case: str, view: dict[str, Any], pointer: str
) -> None:
    body = await refused(web_client.views_open(trigger_id=slack.new_trigger_id(), view=view))
    assert body["error"] == "invalid_arguments"
    messages = body["response_metadata"]["messages"]
    assert any(pointer in m for m in messages), messages
    assert slack.views == {}


async def test_limits_are_inclusive(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    view = modal(
        "x" * 24,
        blocks=[select_block(100)] + [{"type": "divider"}] * 99,
        submit=SUBMIT,
        private_metadata="m" * 3000,
        callback_id="c" * 255,
    )
    await web_client.views_open(trigger_id=slack.new_trigger_id(), view=view)


async def test_view_as_form_encoded_json_string(
    web_client: AsyncWebClient, slack: LocalSlack
) -> None:
    await web_client.api_call(
        "views.open", data={"trigger_id": slack.new_trigger_id(), "view": json.dumps(MODAL)}
    )
    (view,) = slack.views.values()
    assert view["title"] == MODAL["title"]


async def test_update_checks_the_hash(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    opened = (await web_client.views_open(trigger_id=slack.new_trigger_id(), view=modal()))["view"]
    updated = await web_client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=modal("Slots")
    )
    assert updated["view"]["hash"] != opened["hash"]
    assert slack.views[opened["id"]]["title"]["text"] == "Slots"
    body = await refused(
        web_client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Stale"))
    )
    assert body["error"] == "hash_conflict"
    assert slack.views[opened["id"]]["title"]["text"] == "Slots"
    await web_client.views_update(view_id=opened["id"], view=modal("No hash is fine"))


async def test_update_by_external_id(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    opened = await web_client.views_open(
        trigger_id=slack.new_trigger_id(), view=modal(external_id="booking-42")
    )
    await web_client.views_update(
        external_id="booking-42", view=modal("Done", external_id="booking-42")
    )
    assert slack.views[opened["view"]["id"]]["title"]["text"] == "Done"
    body = await refused(web_client.views_update(view_id="V_NOPE", view=modal()))
    assert body["error"] == "not_found"
    body = await refused(
        web_client.views_open(
            trigger_id=slack.new_trigger_id(), view=modal(external_id="booking-42")
        )
    )
    assert body["error"] == "duplicate_external_id"


async def test_push_needs_an_open_modal(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    body = await refused(web_client.views_push(trigger_id=slack.new_trigger_id(), view=modal()))
    assert body["error"] == "not_found"
    root = (await web_client.views_open(trigger_id=slack.new_trigger_id(U_BOB), view=modal()))[
        "view"
    ]
    second = (
        await web_client.views_push(
            trigger_id=slack.new_trigger_id(view_id=root["id"]), view=modal("Two")
        )
    )["view"]
    assert second["previous_view_id"] == root["id"] and second["root_view_id"] == root["id"]
    assert slack.view_owner[second["id"]] == U_BOB
    await web_client.views_push(
        trigger_id=slack.new_trigger_id(view_id=second["id"]), view=modal("Three")
    )
    body = await refused(
        web_client.views_push(
            trigger_id=slack.new_trigger_id(view_id=second["id"]), view=modal("Four")
        )
    )
    assert body["error"] == "push_limit_reached"
    slack.close_view(root["id"], whole_stack=True)
    body = await refused(
        web_client.views_push(
            trigger_id=slack.new_trigger_id(view_id=root["id"]), view=modal("Gone")
        )
    )
    assert body["error"] == "not_found"


async def test_publish_home_per_user(web_client: AsyncWebClient, slack: LocalSlack) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Bookings"}}],
    }
    first = (await web_client.views_publish(user_id=U_ALICE, view=home))["view"]
    assert slack.home(U_ALICE)["blocks"] == home["blocks"]
    assert slack.home(U_BOB) is None
    newer = copy.deepcopy(home)
    newer["blocks"][0]["text"]["text"] = "Upcoming"
    again = await web_client.views_publish(user_id=U_ALICE, view=newer, hash=first["hash"])
    assert again["view"]["id"] == first["id"]
    body = await refused(web_client.views_publish(user_id=U_ALICE, view=home, hash=first["hash"]))
    assert body["error"] == "hash_conflict"
    assert slack.home(U_ALICE)["blocks"][0]["text"]["text"] == "Upcoming"
    body = await refused(web_client.views_publish(user_id=U_ALICE, view=modal()))
    assert body["error"] == "invalid_arguments"
