"""/booking-settings end to end: signed requests -> bot -> sandbox site + Slack stand-in."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from admin_test_helpers import (
    ADMIN_LISTED,
    NOTIFY,
    everything_slack_saw,
    secret_findings,
    seeded_secrets,
    stored,
)
from support.leaks import register_secret
from support.slack_text import all_text

from bot.config import Secret
from bot.demo.stack import LocalStack
from bot.localslack import U_ADMIN, U_ALICE
from bot.slack.admin.ids import OTHER, AdminAction, AdminBlock, AdminCallback

FIELD = AdminBlock.FIELD.value
NEW_SECRET = "sk_test_TYPEDBYADMIN0000000000000"


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    for b in view.get("blocks") or []:
        if b.get("block_id") == block_id:
            return b
    raise AssertionError(f"no block {block_id!r}: {[b.get('block_id') for b in view['blocks']]}")


def integration_requests(stack: LocalStack) -> list[str]:
    return [f"{r.method} {r.path}" for r in stack.sandbox.requests if "integrations" in r.path]


def assert_nothing_secret(stack: LocalStack, *responses: Any, extra: tuple[str, ...] = ()) -> None:
    seen = everything_slack_saw(stack, *responses)
    assert secret_findings([seen], [*seeded_secrets(), *extra]) == []


async def command(stack: LocalStack, text: str, user: str) -> Any:
    resp = await stack.requester.command("/booking-settings", text, user)
    assert resp.status == 200 and resp.text == ""  # acked, nothing else
    stack.wait_idle()
    return resp


async def open_settings(stack: LocalStack, key: str, user: str = U_ADMIN) -> str:
    await command(stack, key, user)
    modals = stack.slack.open_modals()
    assert modals, "no modal was opened"
    return modals[-1]["id"]


async def submit(stack: LocalStack, view_id: str, values: dict[str, Any], user: str = U_ADMIN):
    resp = await stack.requester.view_submission(view_id, values, user_id=user)
    assert resp.status == 200
    stack.wait_idle()
    return resp


# -- who may -------------------------------------------------------------------------------


async def test_non_admin_is_refused_and_the_site_is_not_asked(stack: LocalStack) -> None:
    for text in ("", "google_calendar"):
        await command(stack, text, U_ALICE)
        refusal = all_text(stack.slack.ephemerals(U_ALICE)[-1])
        assert "Only the booking site's admins" in refusal
        assert "BOOKING_ADMINS" in refusal and U_ALICE in refusal
    assert stack.slack.open_modals() == []
    assert not stack.slack.calls_to("views.open")
    assert stack.sandbox.requests == []  # no site call at all for a non-admin


async def test_workspace_admin_sees_loading_then_masked_settings(stack: LocalStack) -> None:
    view_id = await open_settings(stack, "google_calendar", U_ADMIN)
    methods = [c.method for c in stack.slack.calls]
    assert methods.index("users.info") < methods.index("views.open") < methods.index("views.update")
    assert "Loading" in all_text(stack.slack.calls_to("views.open")[0])
    view = stack.slack.view(view_id)
    assert view["callback_id"] == AdminCallback.EDIT.value
    text = all_text(view)
    assert "Google Calendar" in text and "status: true" in text
    assert "Client Secret (password)" in text  # field_settings as the site sends them
    secret = block(view, FIELD + "client_secret")
    assert secret["label"]["text"] == "Client Secret"
    assert "initial_value" not in secret["element"]
    assert secret["element"]["placeholder"]["text"] == "unchanged (********et00) — type to replace"
    client_id = block(view, FIELD + "client_id")["element"]
    assert "initial_value" not in client_id and "********.com" in client_id["placeholder"]["text"]
    caching = block(view, FIELD + "caching_time")
    assert caching["label"]["text"] == "Caching time (minutes)"
    assert caching["element"]["initial_value"] == "5"  # plainly harmless: shown as it is
    meta = json.loads(view["private_metadata"])
    assert set(meta) == {"v", "kind", "channel_id", "key"}  # never a value
    assert meta["key"] == "google_calendar"
    assert_nothing_secret(stack)


async def test_listed_admin_chooses_from_the_list_and_by_other_key(stack: LocalStack) -> None:
    await command(stack, "", ADMIN_LISTED)
    view_id = stack.slack.open_modals()[-1]["id"]
    picker = stack.slack.view(view_id)
    assert picker["callback_id"] == AdminCallback.PICK.value
    labels = [o["text"]["text"] for o in block(picker, AdminBlock.KEY.value)["element"]["options"]]
    assert "Google Calendar (google_calendar)" in labels and "Zoom (zoom)" in labels
    assert integration_requests(stack) == []  # nothing fetched before a choice
    assert not stack.slack.calls_to("users.info")  # BOOKING_ADMINS needs no lookup

    resp = await submit(stack, view_id, {AdminBlock.KEY.value: OTHER}, ADMIN_LISTED)
    assert resp.json()["response_action"] == "errors"
    assert AdminBlock.OTHER_KEY.value in resp.json()["errors"]
    resp = await submit(
        stack, view_id, {AdminBlock.KEY.value: OTHER, AdminBlock.OTHER_KEY.value: "bad key!"}
    )
    assert "letters, digits" in resp.json()["errors"][AdminBlock.OTHER_KEY.value]

    resp = await submit(stack, view_id, {AdminBlock.KEY.value: "zoom"}, ADMIN_LISTED)
    answer = resp.json()
    assert answer["response_action"] == "update"
    assert "Zoom" in all_text(answer["view"]) and "Account ID" in all_text(answer["view"])
    assert integration_requests(stack) == [
        "GET /wp-json/fluent-booking/v2/integrations?settings_key=zoom"
    ]
    assert_nothing_secret(stack, resp)


async def test_help_explains(stack: LocalStack) -> None:
    await command(stack, "help", U_ALICE)
    text = all_text(stack.slack.ephemerals(U_ALICE)[-1])
    assert "/booking-settings google_calendar" in text and "BOOKING_ADMINS" in text
    await command(stack, "two words", U_ADMIN)
    assert "not an integration key" in all_text(stack.slack.ephemerals(U_ADMIN)[-1])
    assert integration_requests(stack) == []


# -- saving --------------------------------------------------------------------------------


async def test_partial_update_keeps_untouched_secrets_and_is_audited(
    stack: LocalStack, secret_log: Any
) -> None:
    register_secret(NEW_SECRET)
    before = stored(stack, "stripe")
    view_id = await open_settings(stack, "stripe")
    resp = await submit(
        stack,
        view_id,
        {FIELD + "test_secret_key": NEW_SECRET, FIELD + "payment_mode": "live"},
    )
    answer = resp.json()
    assert answer["response_action"] == "update"
    result = all_text(answer["view"])
    assert "Saved" in result and "the site kept them" in result
    assert "Test secret key" in result and "Payment mode" in result

    # opened, then saved: re-read the current values, post the merge, read back
    assert [r.split("?")[0] for r in integration_requests(stack)] == [
        "GET /wp-json/fluent-booking/v2/integrations",
        "GET /wp-json/fluent-booking/v2/integrations",
        "POST /wp-json/fluent-booking/v2/integrations",
        "GET /wp-json/fluent-booking/v2/integrations",
    ]
    after = stored(stack, "stripe")
    assert after["test_secret_key"] == NEW_SECRET
    assert after["payment_mode"] == "live"
    untouched = {k: v for k, v in before.items() if k not in {"test_secret_key", "payment_mode"}}
    assert {k: after[k] for k in untouched} == untouched  # secrets kept, never via Slack

    audit = stack.slack.messages(NOTIFY)
    assert len(audit) == 1
    line = all_text(audit[0])
    assert f"<@{U_ADMIN}>" in line and "Stripe" in line and "Test secret key" in line
    assert "live" not in line.replace("Live", "")  # names, never values
    assert audit[0]["blocks"][0]["text"]["text"] == (  # who, which integration, which fields
        f":gear: <@{U_ADMIN}> changed *Stripe* (`stripe`) settings: "
        "*Payment mode*, *Test secret key*."
    )
    assert_nothing_secret(stack, resp, extra=(NEW_SECRET,))
    assert not any(NEW_SECRET in t or s in t for t in secret_log.texts for s in seeded_secrets())


async def test_nothing_typed_saves_nothing(stack: LocalStack) -> None:
    view_id = await open_settings(stack, "zoom")
    resp = await submit(stack, view_id, {})
    assert "Nothing to save" in all_text(resp.json()["view"])
    assert not [r for r in integration_requests(stack) if r.startswith("POST")]
    assert stack.slack.messages(NOTIFY) == []


async def test_site_that_answers_saved_but_does_not_store(stack: LocalStack) -> None:
    before = stored(stack, "zoom")
    view_id = await open_settings(stack, "zoom")
    stack.sandbox.set_faults(no_store=True)
    resp = await submit(
        stack, view_id, {FIELD + "client_secret": register_secret("zoomNewSecretValue123456")}
    )
    result = all_text(resp.json()["view"])
    assert "did not keep" in result and "Client Secret" in result
    assert "Settings have been successfully saved." in result  # the site's own words
    assert stored(stack, "zoom") == before
    assert "did not keep" in all_text(stack.slack.messages(NOTIFY)[-1])
    assert_nothing_secret(stack, resp, extra=("zoomNewSecretValue123456",))


async def test_forged_submission_by_non_admin_is_refused(stack: LocalStack) -> None:
    before = stored(stack, "stripe")
    view_id = await open_settings(stack, "stripe")
    stack.sandbox.clear_requests()
    resp = await submit(
        stack, view_id, {FIELD + "test_secret_key": register_secret("sk_forged_00000000")}, U_ALICE
    )
    assert "Only the booking site's admins" in all_text(resp.json()["view"])
    assert integration_requests(stack) == []
    assert stored(stack, "stripe") == before


async def test_audit_channel_without_the_bot_logs_one_line(
    stack: LocalStack, secret_log: Any
) -> None:
    stack.slack.set_member(NOTIFY, False)
    view_id = await open_settings(stack, "google_calendar")
    start = len(secret_log.texts)
    resp = await submit(stack, view_id, {FIELD + "caching_time": "10"})
    assert "the site kept them" in all_text(resp.json()["view"])
    assert stored(stack, "google_calendar")["caching_time"] == "10"
    lines = [t for t in secret_log.texts[start:] if NOTIFY in t and "audit" in t]
    assert len(lines) == 1 and "invite the bot" in lines[0]


# -- what the site may answer --------------------------------------------------------------


async def test_free_plugin_answer_is_not_an_empty_form(make_stack: Callable[..., LocalStack]):
    stack = make_stack(integrations="free")
    view_id = await open_settings(stack, "google_calendar")
    view = stack.slack.view(view_id)
    text = all_text(view)
    assert "not available or not configured on this site" in text
    assert "FluentBooking Pro" in text
    assert view.get("submit") is None and view["callback_id"] == AdminCallback.INFO.value


async def test_wrong_app_password_says_what_to_fix(
    make_stack: Callable[..., LocalStack],
) -> None:
    wrong = register_secret("Wrng Pass Word Abcd Efgh Ijkl")
    stack = make_stack(fluentbooking_app_password=Secret(wrong))
    view_id = await open_settings(stack, "zoom")
    view = stack.slack.view(view_id)
    text = all_text(view)
    assert "refused the bot's credentials" in text and "FLUENTBOOKING_APP_PASSWORD" in text
    retry = block(view, AdminBlock.ACTIONS.value)["elements"][0]
    assert (
        retry["action_id"] == AdminAction.OPEN_KEY.value
        and json.loads(retry["value"])["key"] == "zoom"
    )


async def test_401_while_saving_keeps_nothing_and_echoes_nothing(stack: LocalStack) -> None:
    view_id = await open_settings(stack, "zoom")
    before = stored(stack, "zoom")
    stack.sandbox.set_faults(status=401, path="/integrations")
    resp = await submit(
        stack, view_id, {FIELD + "client_secret": register_secret("zoomTypedValue99999999")}
    )
    text = all_text(resp.json()["view"])
    assert "FLUENTBOOKING_APP_PASSWORD" in text and "Nothing was saved" in text
    assert stored(stack, "zoom") == before
    assert_nothing_secret(stack, resp, extra=("zoomTypedValue99999999",))
    # Try again reloads the settings once the site is back
    stack.sandbox.clear_faults()
    await stack.requester.click(
        stack.slack.view(view_id), action_id=AdminAction.OPEN_KEY.value, user_id=U_ADMIN
    )
    stack.wait_idle()
    assert stack.slack.view(view_id)["callback_id"] == AdminCallback.EDIT.value


async def test_site_down_is_a_clear_message(stack: LocalStack) -> None:
    stack.sandbox.set_faults(html=True, status=503, path="/integrations")
    view_id = await open_settings(stack, "stripe")
    text = all_text(stack.slack.view(view_id))
    assert ":warning:" in text and "Try again" in text
    assert "<html" not in text.lower()
