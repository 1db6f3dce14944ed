"""Cancel, Reschedule, Approve / Decline, Completed / No-show from Slack, end to end:
the bot over HTTP, the Slack stand-in, the sandbox site; the site read back after each."""

from __future__ import annotations

import asyncio

from slack_helpers import (
    U_HOST,
    all_text,
    book_in_modal,
    booking_id_of,
    buttons,
    click,
    dms,
    last_modal,
    posts,
    site_booking,
    submit,
    writes,
)

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE, U_BOB
from bot.slack.lifecycle import views

REASON = {views.REASON_BLOCK: "Something came up"}


async def _book_demo(stack: LocalStack) -> int:
    await book_in_modal(stack, U_ALICE, event_id=3, day="2025-01-15", clock_text="3:00 PM")
    [dm] = dms(stack, U_ALICE)
    return booking_id_of(dm)


async def _book_pending(stack: LocalStack) -> int:
    await book_in_modal(stack, U_ALICE, event_id=4, day="2025-01-15", clock_text="10:30 AM")
    return booking_id_of(dms(stack, U_ALICE)[-1])


async def test_booked_messages_carry_cancel_and_reschedule(stack: LocalStack) -> None:
    await _book_demo(stack)
    [dm] = dms(stack, U_ALICE)
    words = [b["text"]["text"] for b in buttons(dm).values()]
    assert any("Cancel" in w for w in words) and any("Reschedule" in w for w in words)
    [post] = posts(stack)
    assert set(buttons(post)) == {"lifecycle_cancel", "lifecycle_reschedule"}
    # not pending: no Approve / Decline anywhere
    assert "lifecycle_approve" not in buttons(dm)


async def test_cancel_from_the_dm_updates_every_message(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    [dm] = dms(stack, U_ALICE)
    await click(stack, dm, "cancel", U_ALICE)
    modal = last_modal(stack)
    assert modal["callback_id"] == views.CANCEL_MODAL
    assert "attendee receives it" in all_text(modal)
    await submit(stack, modal["id"], REASON)
    result = stack.slack.view(modal["id"])
    assert "cancelled" in all_text(result)
    # the site, read back
    assert site_booking(stack, booking_id)["status"] == "cancelled"
    # the attendee received the reason
    [email] = stack.sandbox.emails_to("alice@example.com")
    assert email.kind == "cancelled" and "Something came up" in email.body
    # every message that showed the booking says so, without buttons
    [dm] = dms(stack, U_ALICE)
    [post] = posts(stack)
    for message in (dm, post):
        text = all_text(message)
        assert "Cancelled by <@U_ALICE>" in text and "Something came up" in text
        assert buttons(message) == {}


async def test_a_member_not_allowed_is_told_and_nothing_changes(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    [post] = posts(stack)
    stack.sandbox.clear_requests()
    await click(stack, post, "cancel", U_BOB)
    modal = last_modal(stack)
    assert "Only the host, the attendee, the person who booked it or an admin" in all_text(modal)
    assert writes(stack) == []
    assert site_booking(stack, booking_id)["status"] == "scheduled"


async def test_double_submitted_cancel_writes_once(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    [dm] = dms(stack, U_ALICE)
    await click(stack, dm, "cancel", U_ALICE)
    first = last_modal(stack)
    await click(stack, dm, "cancel", U_ALICE)
    second = last_modal(stack)
    stack.sandbox.clear_requests()
    await asyncio.gather(
        stack.requester.view_submission(first["id"], REASON),
        stack.requester.view_submission(second["id"], REASON),
    )
    stack.wait_idle()
    assert [w for w in writes(stack) if w.startswith("PUT")] == [
        f"PUT /wp-json/fluent-booking/v2/schedules/{booking_id}"
    ]
    texts = [all_text(stack.slack.view(v["id"])) for v in (first, second)]
    assert sum("already cancelled by <@U_ALICE>" in t for t in texts) == 1
    assert len(stack.sandbox.emails_to("alice@example.com")) == 1


async def test_a_slack_retry_of_the_click_opens_no_second_write(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    [dm] = dms(stack, U_ALICE)
    await click(stack, dm, "cancel", U_ALICE)
    modal = last_modal(stack)
    await submit(stack, modal["id"], REASON)
    stack.sandbox.clear_requests()
    # the old DM message (before its update) clicked again: told, nothing written
    await stack.requester.click(dm, action_id="lifecycle_cancel", user_id=U_ALICE)
    stack.wait_idle()
    assert "already cancelled by <@U_ALICE>" in all_text(last_modal(stack))
    assert writes(stack) == []
    assert site_booking(stack, booking_id)["status"] == "cancelled"


async def test_reschedule_in_the_members_zone_moves_in_place(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    before = site_booking(stack, booking_id)
    [dm] = dms(stack, U_ALICE)
    await click(stack, dm, "reschedule", U_ALICE)
    modal = last_modal(stack)
    assert modal["callback_id"] == views.RESCHEDULE_MODAL
    assert "America/New_York" in all_text(modal)  # Alice's zone
    await stack.requester.block_action(views.DAY_ACTION, view_id=modal["id"], value="2025-01-16")
    stack.wait_idle()
    modal = stack.slack.view(modal["id"])
    block = next(b for b in modal["blocks"] if b.get("block_id", "").startswith(views.TIME_BLOCK))
    option = next(o for o in block["element"]["options"] if o["text"]["text"] == "11:00 AM")
    await submit(stack, modal["id"], {block["block_id"]: option["value"]})
    assert "moved" in all_text(stack.slack.view(modal["id"]))
    after = site_booking(stack, booking_id)
    assert after["hash"] == before["hash"] and after["id"] == before["id"]
    assert after["start_time"] == "2025-01-16 16:00:00"  # 11:00 EST
    assert [e.kind for e in stack.sandbox.emails_to("alice@example.com")] == ["rescheduled"]
    [dm] = dms(stack, U_ALICE)
    assert "Moved (was" in all_text(dm) and "by <@U_ALICE>" in all_text(dm)
    assert "Thu, Jan 16, 2025, 11:00 AM" in all_text(dm)
    assert set(buttons(dm)) == {"lifecycle_cancel", "lifecycle_reschedule"}


async def test_reschedule_to_a_time_taken_meanwhile_keeps_the_old_one(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    [dm] = dms(stack, U_ALICE)
    await click(stack, dm, "reschedule", U_ALICE)
    modal = last_modal(stack)
    await stack.requester.block_action(views.DAY_ACTION, view_id=modal["id"], value="2025-01-16")
    stack.wait_idle()
    modal = stack.slack.view(modal["id"])
    block = next(b for b in modal["blocks"] if b.get("block_id", "").startswith(views.TIME_BLOCK))
    option = next(o for o in block["element"]["options"] if o["text"]["text"] == "11:00 AM")
    # someone books 11:00 on the website meanwhile
    import httpx

    async with httpx.AsyncClient() as web:
        taken = await web.post(
                f"{stack.sandbox.url}/wp-admin/admin-ajax.php",
                data={"action": "fluent_cal_schedule_meeting", "event_id": "1", "name": "Wes",
                      "email": "wes@example.net", "timezone": "America/New_York",
                      "start_date": "2025-01-16 11:00:00", "location_description": "+1555"},
            )  # fmt: skip
    assert taken.status_code == 200, taken.text
    await submit(stack, modal["id"], {block["block_id"]: option["value"]})
    text = all_text(stack.slack.view(modal["id"]))
    assert "no longer available" in text
    assert site_booking(stack, booking_id)["start_time"] == "2025-01-15 20:00:00"
    assert stack.sandbox.emails_to("alice@example.com") == []


async def test_pending_booking_host_dm_approve(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    [host_dm] = dms(stack, U_HOST)
    assert "Strategy Session" in all_text(host_dm)
    assert {"lifecycle_approve", "lifecycle_decline"} <= set(buttons(host_dm))
    # the booker may not decide
    assert "lifecycle_approve" not in buttons(dms(stack, U_ALICE)[-1])
    await click(stack, host_dm, "approve", U_HOST)
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    [host_dm] = dms(stack, U_HOST)
    assert "Approved by <@U_HOST>" in all_text(host_dm)
    assert "lifecycle_approve" not in buttons(host_dm)
    # the booker's DM and the announcement follow
    assert "Approved by <@U_HOST>" in all_text(dms(stack, U_ALICE)[-1])
    assert "Approved by <@U_HOST>" in all_text(posts(stack)[-1])
    assert [e.kind for e in stack.sandbox.emails_to("alice@example.com")] == ["confirmed"]


async def test_pending_booking_decline_with_a_reason(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    [host_dm] = dms(stack, U_HOST)
    await click(stack, host_dm, "decline", U_HOST)
    modal = last_modal(stack)
    assert modal["callback_id"] == views.DECLINE_MODAL
    await submit(stack, modal["id"], {views.REASON_BLOCK: "Fully booked that week"})
    assert site_booking(stack, booking_id)["status"] == "rejected"
    [email] = stack.sandbox.emails_to("alice@example.com")
    assert email.kind == "rejected" and "Fully booked that week" in email.body
    assert "Declined by <@U_HOST>" in all_text(dms(stack, U_ALICE)[-1])
    # an Approve click on the old host DM says what happened instead of acting
    stack.sandbox.clear_requests()
    await click(stack, host_dm, "approve", U_HOST)
    told = stack.slack.ephemerals(U_HOST)[-1]
    assert "already declined by <@U_HOST>" in all_text(told)
    assert writes(stack) == []


async def test_a_forbidden_approve_is_refused(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    [host_dm] = dms(stack, U_HOST)
    stack.sandbox.clear_requests()
    await click(stack, host_dm, "approve", U_BOB)  # a forged click from someone else
    # Bob is not in the host's DM: he is told in his own
    assert "Only the host or an admin" in all_text(dms(stack, U_BOB)[-1])
    assert writes(stack) == []
    assert site_booking(stack, booking_id)["status"] == "pending"


async def test_cancel_racing_approve_ends_in_one_outcome(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    [host_dm] = dms(stack, U_HOST)
    [alice_dm] = [m for m in dms(stack, U_ALICE) if buttons(m)]
    await click(stack, alice_dm, "cancel", U_ALICE)
    modal = last_modal(stack)
    stack.sandbox.clear_requests()
    await asyncio.gather(
        stack.requester.view_submission(modal["id"], REASON),
        stack.requester.click(host_dm, action_id="lifecycle_approve", user_id=U_HOST),
    )
    stack.wait_idle()
    assert len([w for w in writes(stack) if w.startswith("PUT")]) == 1
    final = site_booking(stack, booking_id)["status"]
    assert final in ("cancelled", "scheduled")
    word = "Cancelled by <@U_ALICE>" if final == "cancelled" else "Approved by <@U_HOST>"
    for message in (dms(stack, U_ALICE)[-1], dms(stack, U_HOST)[-1], posts(stack)[-1]):
        assert word in all_text(message)


async def test_site_down_on_approve_says_so_where_clicked(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    [host_dm] = dms(stack, U_HOST)
    stack.sandbox.set_faults(status=500)
    await click(stack, host_dm, "approve", U_HOST)
    told = all_text(stack.slack.ephemerals(U_HOST)[-1])
    assert "internal error" in told
    stack.sandbox.clear_faults()
    assert site_booking(stack, booking_id)["status"] == "pending"
    assert "lifecycle_approve" in buttons(dms(stack, U_HOST)[-1])  # unchanged, may retry


async def test_bad_credentials_on_cancel(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    [dm] = dms(stack, U_ALICE)
    await click(stack, dm, "cancel", U_ALICE)
    modal = last_modal(stack)
    stack.sandbox.set_faults(status=401, path="/schedules/")
    await submit(stack, modal["id"], REASON)
    assert "credentials" in all_text(stack.slack.view(modal["id"]))
    stack.sandbox.clear_faults()
    assert site_booking(stack, booking_id)["status"] == "scheduled"


async def test_booking_gone(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    import sqlite3

    with sqlite3.connect(stack.sandbox.db_path) as db:
        db.execute("DELETE FROM bookings WHERE id = ?", (booking_id,))
    [dm] = dms(stack, U_ALICE)
    await click(stack, dm, "cancel", U_ALICE)
    assert "no longer exists" in all_text(last_modal(stack))


async def test_a_workspace_admin_may_approve(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    [host_dm] = dms(stack, U_HOST)
    await click(stack, host_dm, "approve", "U_ADMIN")  # admin + owner in the stand-in
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    assert "Approved by <@U_ADMIN>" in all_text(dms(stack, U_HOST)[-1])


async def test_the_booker_cancels_from_the_channel_post(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    [post] = posts(stack)
    await click(stack, post, "cancel", U_ALICE)
    modal = last_modal(stack)
    assert modal["callback_id"] == views.CANCEL_MODAL
    await submit(stack, modal["id"], {})  # no reason: still cancelled
    assert site_booking(stack, booking_id)["status"] == "cancelled"
    for message in (dms(stack, U_ALICE)[-1], posts(stack)[-1]):
        assert "Cancelled by <@U_ALICE>" in all_text(message)


async def test_a_slack_retry_of_an_approve_writes_once(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    [host_dm] = dms(stack, U_HOST)
    stack.sandbox.clear_requests()
    retry = stack.requester.variant(retry_num=1, retry_reason="http_timeout")
    await asyncio.gather(
        stack.requester.click(host_dm, action_id="lifecycle_approve", user_id=U_HOST),
        retry.click(host_dm, action_id="lifecycle_approve", user_id=U_HOST),
    )
    stack.wait_idle()
    assert len([w for w in writes(stack) if w.startswith("PUT")]) == 1
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    assert [e.kind for e in stack.sandbox.emails_to("alice@example.com")] == ["confirmed"]


async def test_the_host_reschedules_from_the_host_dm(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    [host_dm] = dms(stack, U_HOST)
    await click(stack, host_dm, "reschedule", U_HOST)
    modal = last_modal(stack)
    assert modal["callback_id"] == views.RESCHEDULE_MODAL
    await stack.requester.block_action(views.DAY_ACTION, view_id=modal["id"], value="2025-01-16")
    stack.wait_idle()
    modal = stack.slack.view(modal["id"])
    block = next(b for b in modal["blocks"] if b.get("block_id", "").startswith(views.TIME_BLOCK))
    option = block["element"]["options"][0]
    await submit(stack, modal["id"], {block["block_id"]: option["value"]})
    after = site_booking(stack, booking_id)
    assert after["status"] == "pending" and after["start_time"].startswith("2025-01-16")
    assert "by <@U_HOST>" in all_text(dms(stack, U_ALICE)[-1])
