"""A slow, hanging or broken site: every request still acks, the user is told what happened."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_test_helpers import all_text, block, last_ephemeral

from bot.demo.stack import LocalStack, start_local_stack
from bot.localslack import U_ALICE
from bot.slack.ids import ActionId, BlockId


@pytest.fixture
def impatient(tmp_path: Any, secret_log: Any) -> Iterator[LocalStack]:
    """A stack whose site client gives up after 0.5 s without retrying, and whose modal
    waits only 0.2 s for a booking before showing "Booking…"."""
    with start_local_stack(
        tmp_path, fb_kwargs={"read_timeout": 0.5, "max_retries": 0}, submit_inline_seconds=0.2
    ) as running:
        yield running
        password = running.sandbox.app_password
        assert not [t for t in secret_log.texts if password in t or password.replace(" ", "") in t]


async def test_site_timeout_is_a_clear_message(impatient: LocalStack) -> None:
    impatient.sandbox.set_faults(hang=True, path="/bookings/")
    resp = await impatient.requester.command("/slots", "demo tomorrow", U_ALICE)
    assert resp.status == 200 and resp.text == ""
    impatient.wait_idle()
    impatient.sandbox.clear_faults()
    text = all_text(last_ephemeral(impatient, U_ALICE))
    assert "Traceback" not in text
    assert "did not answer in time" in text


async def test_slow_booking_shows_progress_then_result(impatient: LocalStack) -> None:
    await impatient.requester.command("/book", "", U_ALICE)
    impatient.wait_idle()
    view_id = impatient.slack.open_modals()[-1]["id"]
    await impatient.requester.block_action(ActionId.EVENT.value, view_id=view_id, value="7")
    impatient.wait_idle()
    time_block = block(impatient.slack.view(view_id), BlockId.TIME.value)
    impatient.sandbox.set_faults(latency=0.4, path="/bookings/create")
    resp = await impatient.requester.view_submission(
        view_id, {time_block["block_id"]: time_block["element"]["options"][0]["value"]}
    )
    answer = resp.json()
    assert answer["response_action"] == "update" and "Booking…" in all_text(answer["view"])
    impatient.wait_idle()
    impatient.sandbox.clear_faults()
    assert "Booked" in all_text(impatient.slack.view(view_id))
    assert impatient.booking_count() == 1
