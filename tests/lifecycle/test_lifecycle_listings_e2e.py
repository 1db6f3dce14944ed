"""The lifecycle buttons on `/bookings` and App Home, end to end (signed requests, the
Slack stand-in, the sandbox site): who sees which buttons, a click by someone allowed
and by someone not, a double click, faults, a tampered button; the site read back after
each, and the listing the member clicked in drawn again from the site."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from slack_helpers import (
    U_HOST,
    all_text,
    book_in_modal,
    booking_id_of,
    dms,
    last_modal,
    site_booking,
    writes,
)

from bot.demo.stack import LocalStack
from bot.localslack import U_ALICE, U_BOB
from bot.slack.lifecycle import views

REASON = {views.REASON_BLOCK: "Something came up"}


async def _book_demo(stack: LocalStack) -> int:
    """Alice books the host's Product Demo, Wed Jan 15 2025 3:00 PM New York (20:00 UTC)."""
    await book_in_modal(stack, U_ALICE, event_id=3, day="2025-01-15", clock_text="3:00 PM")
    return booking_id_of(dms(stack, U_ALICE)[-1])


async def _book_pending(stack: LocalStack) -> int:
    await book_in_modal(stack, U_ALICE, event_id=4, day="2025-01-15", clock_text="10:30 AM")
    return booking_id_of(dms(stack, U_ALICE)[-1])


async def _listing(stack: LocalStack, user: str, text: str = "") -> dict[str, Any]:
    """`/bookings [text]` as `user`; the ephemeral answer."""
    resp = await stack.requester.command("/bookings", text, user)
    assert resp.status == 200
    stack.wait_idle()
    return stack.slack.ephemerals(user)[-1]


def _again(stack: LocalStack, user: str, message: dict[str, Any]) -> dict[str, Any]:
    """The same ephemeral message as it is now (redrawn in place or not)."""
    return next(m for m in stack.slack.ephemerals(user) if m["ts"] == message["ts"])


async def _home(stack: LocalStack, user: str) -> dict[str, Any]:
    resp = await stack.requester.event("app_home_opened", user)
    assert resp.status == 200
    stack.wait_idle()
    home = stack.slack.home(user)
    assert home is not None
    return home


def _row_buttons(container: dict[str, Any], booking_id: int) -> dict[str, dict[str, Any]]:
    """action_id -> button, of one booking's row in a listing or a tab."""
    for block in container.get("blocks") or []:
        if block.get("block_id") == f"lifecycle_actions_{booking_id}":
            return {e["action_id"]: e for e in block["elements"]}
    return {}


async def _click(
    stack: LocalStack, container: dict[str, Any], booking_id: int, action: str, user: str
) -> None:
    """`user` clicks one booking's button in a message or a tab (anyone's: a forged click
    is sent as Slack would send it, had that member seen the message)."""
    block_id = f"lifecycle_actions_{booking_id}"
    if "ts" in container and "channel" in container:
        only = copy.deepcopy(container)  # that booking's row alone, so its button is found
        only["blocks"] = [
            b for b in only["blocks"] if b.get("block_id") == block_id or b.get("type") != "actions"
        ]
        resp = await stack.requester.click(only, action_id=f"lifecycle_{action}", user_id=user)
    else:
        resp = await stack.requester.block_action(
            f"lifecycle_{action}", user_id=user, view_id=container["id"], block_id=block_id
        )
    assert resp.status == 200
    stack.wait_idle()


async def _submit(stack: LocalStack, view_id: str, values: dict[str, Any]) -> None:
    resp = await stack.requester.view_submission(view_id, values)
    assert resp.status == 200
    stack.wait_idle()


def _puts(stack: LocalStack) -> list[str]:
    return [w for w in writes(stack) if w.startswith("PUT")]


# -- /bookings ---------------------------------------------------------------------------


async def test_the_attendee_cancels_from_bookings_and_the_listing_is_redrawn(
    stack: LocalStack,
) -> None:
    booking_id = await _book_demo(stack)
    listing = await _listing(stack, U_ALICE)
    row = _row_buttons(listing, booking_id)
    assert set(row) == {"lifecycle_cancel", "lifecycle_reschedule"}  # no Approve / Decline
    assert "Cancel" in row["lifecycle_cancel"]["text"]["text"]
    await _click(stack, listing, booking_id, "cancel", U_ALICE)
    modal = last_modal(stack)
    assert modal["callback_id"] == views.CANCEL_MODAL
    await _submit(stack, modal["id"], REASON)
    assert "cancelled" in all_text(stack.slack.view(modal["id"]))
    assert site_booking(stack, booking_id)["status"] == "cancelled"
    [email] = stack.sandbox.emails_to("alice@example.com")
    assert email.kind == "cancelled" and "Something came up" in email.body
    # the listing clicked in now shows what the site holds: no buttons on that booking
    redrawn = _again(stack, U_ALICE, listing)
    assert redrawn["blocks"] != listing["blocks"]
    assert _row_buttons(redrawn, booking_id) == {}
    # and the booked DM says so too
    assert "Cancelled by <@U_ALICE>" in all_text(dms(stack, U_ALICE)[-1])


async def test_the_host_approves_from_bookings_and_the_booker_cannot(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    alices = await _listing(stack, U_ALICE)
    assert set(_row_buttons(alices, booking_id)) == {"lifecycle_cancel", "lifecycle_reschedule"}
    hosts = await _listing(stack, U_HOST)
    assert set(_row_buttons(hosts, booking_id)) == {
        "lifecycle_approve", "lifecycle_decline", "lifecycle_reschedule", "lifecycle_cancel",
    }  # fmt: skip
    # a forged Approve from the booker's side: refused before any write
    stack.sandbox.clear_requests()
    await _click(stack, hosts, booking_id, "approve", U_ALICE)
    assert "Only the host or an admin" in all_text(stack.slack.ephemerals(U_ALICE)[-1])
    assert _puts(stack) == []
    assert site_booking(stack, booking_id)["status"] == "pending"
    # the host's click
    await _click(stack, hosts, booking_id, "approve", U_HOST)
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    assert [e.kind for e in stack.sandbox.emails_to("alice@example.com")] == ["confirmed"]
    redrawn = _again(stack, U_HOST, hosts)
    assert set(_row_buttons(redrawn, booking_id)) == {"lifecycle_cancel", "lifecycle_reschedule"}
    assert "Approved by <@U_HOST>" in all_text(dms(stack, U_ALICE)[-1])


async def test_a_stranger_clicking_a_bookings_button_changes_nothing(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    bobs = await _listing(stack, U_BOB)
    assert _row_buttons(bobs, booking_id) == {}  # not his: not even listed with buttons
    listing = await _listing(stack, U_ALICE)
    stack.sandbox.clear_requests()
    await _click(stack, listing, booking_id, "cancel", U_BOB)  # a forged click
    assert "Only the host, the attendee, the person who booked it or an admin" in all_text(
        last_modal(stack)
    )
    assert writes(stack) == []
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    assert _again(stack, U_ALICE, listing)["blocks"] == listing["blocks"]


async def test_a_double_clicked_approve_in_bookings_writes_once(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    hosts = await _listing(stack, U_HOST)
    stack.sandbox.clear_requests()
    await asyncio.gather(*(_click(stack, hosts, booking_id, "approve", U_HOST) for _ in "12"))
    stack.wait_idle()
    assert _puts(stack) == [f"PUT /wp-json/fluent-booking/v2/schedules/{booking_id}"]
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    assert [e.kind for e in stack.sandbox.emails_to("alice@example.com")] == ["confirmed"]
    # the second click is told what happened, not an error
    assert "already scheduled by <@U_HOST>" in all_text(stack.slack.ephemerals(U_HOST)[-1])


async def test_site_down_on_an_approve_from_bookings(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    hosts = await _listing(stack, U_HOST)
    stack.sandbox.set_faults(status=500)
    await _click(stack, hosts, booking_id, "approve", U_HOST)
    stack.sandbox.clear_faults()
    assert "internal error" in all_text(stack.slack.ephemerals(U_HOST)[-1])
    assert site_booking(stack, booking_id)["status"] == "pending"
    # the listing is left as it was, Approve still there to try again
    assert "lifecycle_approve" in _row_buttons(_again(stack, U_HOST, hosts), booking_id)


async def test_a_booking_cancelled_on_the_site_meanwhile(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    listing = await _listing(stack, U_ALICE)
    # the attendee cancels from the site's own email link meanwhile
    async with httpx.AsyncClient() as web:
        done = await web.post(
            f"{stack.sandbox.url}/wp-admin/admin-ajax.php",
            data={"action": "fcal_cancel_meeting",
                  "meeting_hash": site_booking(stack, booking_id)["hash"],
                  "cancellation_reason": "Found another time"},
        )  # fmt: skip
    assert done.status_code == 200, done.text
    stack.sandbox.clear_requests()
    await _click(stack, listing, booking_id, "cancel", U_ALICE)
    assert "already cancelled" in all_text(last_modal(stack))
    assert writes(stack) == []
    assert site_booking(stack, booking_id)["status"] == "cancelled"
    # the listing follows the site
    assert _row_buttons(_again(stack, U_ALICE, listing), booking_id) == {}


async def test_a_tampered_button_is_refused_without_a_site_call(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    listing = await _listing(stack, U_ALICE)
    forged = copy.deepcopy(listing)
    for block in forged["blocks"]:
        if block.get("block_id") == f"lifecycle_actions_{booking_id}":
            for element in block["elements"]:
                value = json.loads(element["value"])
                value["booking_id"] = 1  # someone else's booking, and an unknown field
                value["admin"] = True
                element["value"] = json.dumps(value)
    stack.sandbox.clear_requests()
    modals = len(stack.slack.open_modals())
    resp = await stack.requester.click(forged, action_id="lifecycle_cancel", user_id=U_ALICE)
    assert resp.status == 200
    stack.wait_idle()
    told = all_text(stack.slack.ephemerals(U_ALICE)[-1])
    assert "could not be read" in told and "nothing was changed" in told
    assert stack.sandbox.requests == []  # not even a read
    assert len(stack.slack.open_modals()) == modals  # no cancel modal opened
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    assert site_booking(stack, 1)["status"] == "scheduled"


async def test_a_tampered_modal_memory_is_refused_without_a_write(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    listing = await _listing(stack, U_ALICE)
    await _click(stack, listing, booking_id, "cancel", U_ALICE)
    modal = last_modal(stack)
    meta = json.loads(modal["private_metadata"])
    meta["booking_id"] = 1
    meta["v"] = 99
    with stack.slack.lock:
        stack.slack.view_map()[modal["id"]]["private_metadata"] = json.dumps(meta)
    stack.sandbox.clear_requests()
    await _submit(stack, modal["id"], REASON)
    assert "could not be read" in all_text(stack.slack.view(modal["id"]))
    assert writes(stack) == []
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    assert site_booking(stack, 1)["status"] == "scheduled"


# -- past meetings: Completed / No-show ----------------------------------------------------


async def test_the_host_records_a_no_show_on_a_past_meeting(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    stack.sandbox.set_now(datetime(2025, 1, 15, 20, 40, tzinfo=UTC))  # just over
    alices = await _listing(stack, U_ALICE, "past")
    assert _row_buttons(alices, booking_id) == {}  # the attendee may not record it
    hosts = await _listing(stack, U_HOST, "past")
    row = _row_buttons(hosts, booking_id)
    assert set(row) == {"lifecycle_completed", "lifecycle_no_show"}
    assert row["lifecycle_no_show"]["text"]["text"] == "No-show"
    assert "confirm" in row["lifecycle_no_show"]  # asks first
    # a forged click by the attendee: refused, nothing written
    stack.sandbox.clear_requests()
    await _click(stack, hosts, booking_id, "completed", U_ALICE)
    assert "Only the host or an admin can record" in all_text(stack.slack.ephemerals(U_ALICE)[-1])
    assert _puts(stack) == []
    await _click(stack, hosts, booking_id, "no_show", U_HOST)
    assert site_booking(stack, booking_id)["status"] == "no_show"
    redrawn = _again(stack, U_HOST, hosts)
    assert "no_show" in all_text(redrawn) or "no-show" in all_text(redrawn).lower()
    # a no-show can be corrected once: Completed is offered now, No-show is not
    assert set(_row_buttons(redrawn, booking_id)) == {"lifecycle_completed"}
    assert "Marked as a no-show by <@U_HOST>" in all_text(dms(stack, U_ALICE)[-1])


async def test_completed_is_refused_on_a_meeting_not_yet_held(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    hosts = await _listing(stack, U_HOST)
    assert "lifecycle_completed" not in _row_buttons(hosts, booking_id)
    # an old button (or a forged one) for a meeting still ahead: the client refuses
    forged = copy.deepcopy(hosts)
    for block in forged["blocks"]:
        if block.get("block_id") == f"lifecycle_actions_{booking_id}":
            block["elements"][0]["action_id"] = "lifecycle_completed"
    stack.sandbox.clear_requests()
    await stack.requester.click(forged, action_id="lifecycle_completed", user_id=U_HOST)
    stack.wait_idle()
    assert "has not started yet" in all_text(stack.slack.ephemerals(U_HOST)[-1])
    assert _puts(stack) == []
    assert site_booking(stack, booking_id)["status"] == "scheduled"


# -- App Home -------------------------------------------------------------------------------


async def test_cancel_from_app_home_republishes_the_tab(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    home = await _home(stack, U_ALICE)
    assert set(_row_buttons(home, booking_id)) == {"lifecycle_cancel", "lifecycle_reschedule"}
    await _click(stack, home, booking_id, "cancel", U_ALICE)
    modal = last_modal(stack)
    await _submit(stack, modal["id"], {})
    assert site_booking(stack, booking_id)["status"] == "cancelled"
    after = stack.slack.home(U_ALICE)
    assert after is not None and _row_buttons(after, booking_id) == {}
    assert "Product Demo" not in all_text(after)  # the tab lists open meetings only


async def test_the_host_approves_from_app_home_once(stack: LocalStack) -> None:
    booking_id = await _book_pending(stack)
    alices = await _home(stack, U_ALICE)
    assert "lifecycle_approve" not in _row_buttons(alices, booking_id)
    home = await _home(stack, U_HOST)
    assert {"lifecycle_approve", "lifecycle_decline"} <= set(_row_buttons(home, booking_id))
    stack.sandbox.clear_requests()
    block_id = f"lifecycle_actions_{booking_id}"
    await asyncio.gather(
        *(
            stack.requester.block_action(
                "lifecycle_approve", user_id=U_HOST, view_id=home["id"], block_id=block_id
            )
            for _ in range(2)
        )
    )
    stack.wait_idle()
    assert len(_puts(stack)) == 1
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    after = stack.slack.home(U_HOST)
    assert after is not None
    assert set(_row_buttons(after, booking_id)) == {"lifecycle_cancel", "lifecycle_reschedule"}
    # the booker's tab follows (her DM shows the booking)
    alices = stack.slack.home(U_ALICE)
    assert alices is not None and "lifecycle_approve" not in _row_buttons(alices, booking_id)
    assert "awaiting the host" not in all_text(alices)


async def test_a_stranger_clicking_in_app_home_changes_nothing(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    bobs = await _home(stack, U_BOB)
    assert _row_buttons(bobs, booking_id) == {}
    home = await _home(stack, U_ALICE)
    stack.sandbox.clear_requests()
    await _click(stack, home, booking_id, "reschedule", U_BOB)  # forged
    assert "Only the host, the attendee" in all_text(last_modal(stack))
    assert writes(stack) == []
    assert site_booking(stack, booking_id)["status"] == "scheduled"


async def test_site_down_when_cancelling_from_app_home(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    home = await _home(stack, U_ALICE)
    await _click(stack, home, booking_id, "cancel", U_ALICE)
    modal = last_modal(stack)
    stack.sandbox.set_faults(status=500)
    await _submit(stack, modal["id"], REASON)
    stack.sandbox.clear_faults()
    assert "internal error" in all_text(stack.slack.view(modal["id"]))
    assert site_booking(stack, booking_id)["status"] == "scheduled"
    after = stack.slack.home(U_ALICE)
    assert after is not None and "lifecycle_cancel" in _row_buttons(after, booking_id)


async def test_reschedule_from_app_home_moves_it_and_the_tab_follows(stack: LocalStack) -> None:
    booking_id = await _book_demo(stack)
    before = site_booking(stack, booking_id)
    home = await _home(stack, U_ALICE)
    await _click(stack, home, booking_id, "reschedule", U_ALICE)
    modal = last_modal(stack)
    assert modal["callback_id"] == views.RESCHEDULE_MODAL
    await stack.requester.block_action(views.DAY_ACTION, view_id=modal["id"], value="2025-01-16")
    stack.wait_idle()
    modal = stack.slack.view(modal["id"])
    block = next(b for b in modal["blocks"] if b.get("block_id", "").startswith(views.TIME_BLOCK))
    option = next(o for o in block["element"]["options"] if o["text"]["text"] == "11:00 AM")
    await _submit(stack, modal["id"], {block["block_id"]: option["value"]})
    after = site_booking(stack, booking_id)
    assert after["start_time"] == "2025-01-16 16:00:00" and after["hash"] == before["hash"]
    assert [e.kind for e in stack.sandbox.emails_to("alice@example.com")] == ["rescheduled"]
    tab = stack.slack.home(U_ALICE)
    assert tab is not None
    assert "11:00 AM" in all_text(tab) and "Thu, Jan 16" in all_text(tab)
    assert set(_row_buttons(tab, booking_id)) == {"lifecycle_cancel", "lifecycle_reschedule"}
