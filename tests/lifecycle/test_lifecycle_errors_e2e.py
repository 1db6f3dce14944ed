"""A failure deep in a lifecycle click is told once, in the modal the click opened, with
the request id; the detail and the traceback stay in the log (bot.slack.errors)."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from slack_helpers import all_text, book_in_modal, booking_id_of, click, dms, last_modal

from bot.demo.stack import LocalStack
from bot.lifecycle.service import LifecycleService
from bot.localslack import U_ALICE

DETAIL = "kaboom while reading the booking"


async def test_a_bug_after_the_cancel_modal_opened_is_told_in_it_once(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await book_in_modal(stack, U_ALICE, event_id=3, day="2025-01-15", clock_text="3:00 PM")
    [dm] = dms(stack, U_ALICE)
    booking_id_of(dm)
    updates_before = len(stack.slack.calls_to("views.update"))
    ephemerals_before = len(stack.slack.ephemerals(U_ALICE))

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(DETAIL)

    monkeypatch.setattr(LifecycleService, "read", broken)
    with caplog.at_level(logging.DEBUG):
        await click(stack, dm, "cancel", U_ALICE)
    text = all_text(last_modal(stack))
    found = re.search(r"something went wrong on my side \(reference ([0-9a-f]+)\)", text)
    assert found, text  # not left on "Reading the booking from the site…"
    assert DETAIL not in text and "Traceback" not in text and "RuntimeError" not in text
    assert len(stack.slack.calls_to("views.update")) == updates_before + 1  # told once
    assert len(stack.slack.ephemerals(U_ALICE)) == ephemerals_before
    assert len(dms(stack, U_ALICE)) == 1  # and not again as a DM
    rid = found.group(1)
    logged = [
        r
        for r in caplog.records
        if rid in r.getMessage() and r.exc_info and DETAIL in str(r.exc_info[1])
    ]
    assert len(logged) == 1
