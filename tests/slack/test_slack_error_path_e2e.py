"""The one error path: a failure deep in the work after the ack reaches the user once, on
the surface the request came from (its response URL, the modal it opened, else a DM),
with the error's own user message and the request id; the detail stays in the log."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from slack_test_helpers import all_text

from bot.demo.stack import LocalStack
from bot.fluentbooking import FluentBookingClient, ServerError
from bot.localslack import U_ALICE
from bot.slack.deps import Deps
from bot.slack.ids import ActionId

SITE_DETAIL = "slot table locked (db 1205)"
BUG_DETAIL = "kaboom in a helper"
REFERENCE = re.compile(r"Reference: `([0-9a-f]{6,})`")


def reference(text: str) -> str:
    found = REFERENCE.search(text)
    assert found, f"no request id shown: {text!r}"
    return found.group(1)


def no_internals(text: str) -> None:
    """Nothing of the inside reaches Slack: no trace, no detail, no exception name."""
    for inside in ("Traceback", 'File "', SITE_DETAIL, BUG_DETAIL, "RuntimeError", "Server"):
        assert inside not in text, f"{inside!r} shown to the user: {text!r}"


def logged_with(caplog: pytest.LogCaptureFixture, rid: str, detail: str) -> list[str]:
    """The log lines naming the request id that carry `detail` (message or traceback)."""
    found = []
    for record in caplog.records:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        if rid in text and detail in text:
            found.append(text)
    return found


def site_fails(monkeypatch: pytest.MonkeyPatch, target: Any, name: str) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise ServerError(detail=SITE_DETAIL, status=500)

    monkeypatch.setattr(target, name, broken)


def code_fails(monkeypatch: pytest.MonkeyPatch, target: Any, name: str) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(BUG_DETAIL)

    monkeypatch.setattr(target, name, broken)


# -- the response URL --------------------------------------------------------------------


async def test_a_site_error_deep_in_slots_is_told_once_on_the_response_url(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site_fails(monkeypatch, FluentBookingClient, "get_slots")
    with caplog.at_level(logging.DEBUG):
        resp = await stack.requester.command("/slots", "demo tomorrow", U_ALICE)
        assert resp.status == 200 and resp.text == ""
        stack.wait_idle()
    [told] = stack.slack.ephemerals(U_ALICE)
    text = all_text(told)
    assert ServerError.default_message in text
    rid = reference(text)
    no_internals(text)
    assert len(logged_with(caplog, rid, SITE_DETAIL)) == 1
    assert not stack.slack.messages(U_ALICE)  # not a second time as a DM


async def test_a_bug_deep_in_book_is_one_apology_with_the_request_id(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    code_fails(monkeypatch, FluentBookingClient, "get_slots")
    with caplog.at_level(logging.DEBUG):
        await stack.requester.command("/book", "demo tomorrow 3pm", U_ALICE)
        stack.wait_idle()
    [told] = stack.slack.ephemerals(U_ALICE)
    text = all_text(told)
    rid = reference(text)
    assert f"something went wrong on my side (reference {rid})" in text
    no_internals(text)
    [line] = logged_with(caplog, rid, BUG_DETAIL)
    assert "Traceback" in line  # the whole story is in the log


# -- the modal the request opened ----------------------------------------------------------


async def test_a_failure_after_the_modal_opened_replaces_its_content_once(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site_fails(monkeypatch, Deps, "events")
    with caplog.at_level(logging.DEBUG):
        await stack.requester.command("/book", "", U_ALICE)
        stack.wait_idle()
    [modal] = stack.slack.open_modals()
    text = all_text(modal)
    assert ServerError.default_message in text
    rid = reference(text)
    no_internals(text)
    assert len(stack.slack.calls_to("views.update")) == 1  # the error, shown once
    assert not stack.slack.ephemerals(U_ALICE) and not stack.slack.messages(U_ALICE)
    assert len(logged_with(caplog, rid, SITE_DETAIL)) == 1


async def test_a_bug_while_refreshing_the_form_is_told_in_the_form(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await stack.requester.command("/book", "", U_ALICE)
    stack.wait_idle()
    [modal] = stack.slack.open_modals()
    code_fails(monkeypatch, FluentBookingClient, "get_slots")
    with caplog.at_level(logging.DEBUG):
        await stack.requester.block_action(ActionId.EVENT.value, view_id=modal["id"], value="7")
        stack.wait_idle()
    text = all_text(stack.slack.view(modal["id"]))
    rid = reference(text)
    assert f"reference {rid}" in text
    no_internals(text)
    assert not stack.slack.ephemerals(U_ALICE) and not stack.slack.messages(U_ALICE)
    assert len(logged_with(caplog, rid, BUG_DETAIL)) == 1


# -- a DM, when the request has neither ------------------------------------------------------


async def test_a_click_in_app_home_that_fails_is_told_in_a_dm(
    stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    await stack.requester.event("app_home_opened", U_ALICE)
    stack.wait_idle()
    home = stack.slack.home(U_ALICE)
    assert home is not None
    stack.slack.fail_next("views.open", error="internal_error")  # Slack refuses the modal
    with caplog.at_level(logging.DEBUG):
        resp = await stack.requester.click(
            home, action_id=ActionId.OPEN_FORM.value, user_id=U_ALICE
        )
        assert resp.status == 200
        stack.wait_idle()
    assert not stack.slack.open_modals()
    [dm] = stack.slack.messages(U_ALICE)
    text = all_text(dm)
    rid = reference(text)
    assert f"something went wrong on my side (reference {rid})" in text
    no_internals(text)
    assert "internal_error" not in text
    assert not stack.slack.ephemerals(U_ALICE)
    assert len(logged_with(caplog, rid, "internal_error")) == 1
