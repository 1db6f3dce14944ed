"""Lifecycle views (pure): the cards that show a booking's state, and the modals that
ask for a reason or a new time. The buttons themselves are `bot.slack.booking_actions`
(re-exported here), shared with /bookings and App Home.

Buttons carry the booking id and the state the member saw (status and start), so a click
on a booking changed elsewhere meanwhile is told what happened instead of acting. Their
words follow DESIGN.md ("Buttons (contract)"): *Cancel*, *Reschedule*, *Approve*,
*Decline*, *Completed*, *No-show*. Cancel and Decline open a modal asking for an optional
reason (the attendee receives it), which is also the confirmation; Completed and No-show
ask to confirm. The modals remember the booking in the codec's `LifecycleMeta`.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.fluentbooking.lifecycle import VERBS, Change, describe_status
from bot.fluentbooking.models import Booking
from bot.slack.booking_actions import ACTION_PREFIX as ACTION_PREFIX
from bot.slack.booking_actions import BUTTON_WORDS as BUTTON_WORDS
from bot.slack.booking_actions import STYLES as STYLES
from bot.slack.booking_actions import action_buttons as action_buttons
from bot.slack.booking_actions import action_id as action_id
from bot.slack.booking_actions import offered as offered
from bot.slack.codec import LifecycleMeta
from bot.slack.fmt import clock, day_label, when_label
from bot.slack.text import escape, modal_title, mrkdwn, plain

CANCEL_MODAL = "lifecycle_cancel_modal"
DECLINE_MODAL = "lifecycle_decline_modal"
RESCHEDULE_MODAL = "lifecycle_reschedule_modal"
RESULT_MODAL = "lifecycle_result_modal"
REASON_BLOCK = "lifecycle_reason"
REASON_ACTION = "lifecycle_reason_input"
DAY_BLOCK = "lifecycle_day"
DAY_ACTION = "lifecycle_day_pick"
TIME_BLOCK = "lifecycle_time"
TIME_ACTION = "lifecycle_time_select"

STATUS_EMOJI = {
    "scheduled": ":white_check_mark:",
    "pending": ":hourglass:",
    "cancelled": ":x:",
    "rejected": ":no_entry_sign:",
    "completed": ":ballot_box_with_check:",
    "no_show": ":ghost:",
}


def fallback_time(start: datetime, timezone: str) -> str:
    """'Tue, Jan 14 3:00 PM EST (America/New_York)': the zone always named."""
    local = start.astimezone(ZoneInfo(timezone))
    abbr = local.tzname() or ""
    abbr = f" {abbr}" if abbr and abbr[0] not in "+-" and abbr != timezone else ""
    return f"{local:%a}, {local:%b} {local.day} {clock(local)}{abbr} ({timezone})"


def date_token(start: datetime, timezone: str) -> str:
    """Slack's `<!date^…>` (each reader sees their own zone), with our own fallback."""
    epoch = int(start.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback_time(start, timezone)}>"


_MENTION = re.compile(r"(<@[UW][A-Z0-9_]{1,40}>)")


def with_mentions(text: str) -> str:
    """Escape text for mrkdwn but keep the `<@U…>` mentions the service writes."""
    return "".join(
        part if _MENTION.fullmatch(part) else escape(part) for part in _MENTION.split(text)
    )


def status_line(
    booking: Booking,
    *,
    change: Change | None = None,
    by: str | None = None,
    reason: str = "",
    previous_start: datetime | None = None,
) -> str:
    """'❌ Cancelled by <@U> · “reason”' — the state the site holds, and who made it so."""
    emoji = STATUS_EMOJI.get(booking.status, ":grey_question:")
    if change is not None and by:
        words = VERBS[change]
        if change is Change.RESCHEDULE and previous_start is not None:
            words = f"moved (was {date_token(previous_start, booking.timezone or 'UTC')})"
            emoji = ":arrows_counterclockwise:"
        text = f"{emoji} {words[:1].upper()}{words[1:]} by <@{by}>"
    else:
        words = describe_status(booking.status)
        text = f"{emoji} {words[:1].upper()}{words[1:]}"
    if reason:
        text += f" · “{escape(reason)}”"
    return text


def booking_card(
    booking: Booking,
    *,
    timezone: str | None,
    host_name: str = "",
    change: Change | None = None,
    by: str | None = None,
    reason: str = "",
    previous_start: datetime | None = None,
    buttons: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message showing the booking as the site now holds it. `timezone` None: the
    time as a Slack date token (each reader sees their own zone)."""
    title = f"*{escape(booking.title or 'Meeting')}*"
    if host_name:
        title += f" (host {escape(host_name)})"
    if timezone:
        zone = ZoneInfo(timezone)
        when = when_label(
            booking.start_utc.astimezone(zone), booking.end_utc.astimezone(zone), timezone
        )
    else:
        when = date_token(booking.start_utc, booking.timezone or "UTC")
    lines = [title, f"*When:* {when}"]
    if booking.name:
        lines.append(f"*Attendee:* {escape(booking.name)}")
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn("\n".join(lines))},
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    status_line(
                        booking, change=change, by=by, reason=reason, previous_start=previous_start
                    )
                    + f" · Booking #{booking.id}"
                )
            ],
        },
    ]
    if buttons is not None:
        blocks.append(buttons)
    fallback = (
        f"{booking.title or 'Meeting'} on {fallback_time(booking.start_utc, timezone or 'UTC')}:"
        f" {describe_status(booking.status)}"
    )
    return {"text": escape(fallback), "blocks": blocks}


# -- modals ---------------------------------------------------------------------------


def _modal(
    callback_id: str,
    title: str,
    blocks: list[dict[str, Any]],
    metadata: LifecycleMeta | None,
    *,
    submit: str | None = None,
    close: str = "Back",
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": modal_title(title),
        "close": plain(close, 24),
        "blocks": blocks,
    }
    if metadata is not None:
        view["private_metadata"] = metadata.encode()  # sizes checked once encoded
    if submit:
        view["submit"] = plain(submit, 24)
    return view


def _reason_input(label: str, hint: str) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": REASON_BLOCK,
        "optional": True,
        "label": plain(label),
        "hint": plain(hint),
        "element": {
            "type": "plain_text_input",
            "action_id": REASON_ACTION,
            "multiline": True,
            "max_length": 500,
        },
    }


def reason_modal(
    change: Change, booking: Booking, timezone: str, metadata: LifecycleMeta
) -> dict[str, Any]:
    """Cancel or Decline: what will happen, an optional reason, and the confirming button."""
    zone = ZoneInfo(timezone)
    when = when_label(
        booking.start_utc.astimezone(zone), booking.end_utc.astimezone(zone), timezone
    )
    who = escape(booking.name or booking.email or "the attendee")
    if change is Change.CANCEL:
        head = f"Cancel *{escape(booking.title or 'this meeting')}* with {who}, {when}?"
        return _modal(
            CANCEL_MODAL,
            "Cancel booking",
            [
                {"type": "section", "text": mrkdwn(head)},
                _reason_input("Reason (optional)", "The attendee receives it by email."),
            ],
            metadata,
            submit="Cancel booking",
        )
    head = (
        f"Decline the request for *{escape(booking.title or 'this meeting')}* from {who}, {when}?"
    )
    return _modal(
        DECLINE_MODAL,
        "Decline request",
        [
            {"type": "section", "text": mrkdwn(head)},
            _reason_input("Reason (optional)", "The attendee receives it by email."),
        ],
        metadata,
        submit="Decline",
    )


def reschedule_modal(
    booking: Booking,
    *,
    timezone: str,
    day: date,
    times: list[datetime],
    metadata: LifecycleMeta,
    error: str | None = None,
) -> dict[str, Any]:
    """The new time: a day, then the free times of the booking's own event that day, in
    the member's zone (as the booking form shows them)."""
    zone = ZoneInfo(timezone)
    now_when = when_label(
        booking.start_utc.astimezone(zone), booking.end_utc.astimezone(zone), timezone
    )
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": mrkdwn(
                f"Move *{escape(booking.title or 'this meeting')}* (now {now_when}). "
                f"Same event and length; times in {escape(timezone)}."
            ),
        },
        {
            "type": "input",
            "block_id": DAY_BLOCK,
            "dispatch_action": True,
            "label": plain("Day"),
            "element": {
                "type": "datepicker",
                "action_id": DAY_ACTION,
                "initial_date": day.isoformat(),
            },
        },
    ]
    if error:
        blocks.append({"type": "section", "text": mrkdwn(f":warning: {escape(error)}")})
    if times:
        blocks.append(
            {
                "type": "input",
                "block_id": f"{TIME_BLOCK}_{day.isoformat()}",
                "label": plain(f"Free times on {day_label(day)}"),
                "element": {
                    "type": "static_select",
                    "action_id": TIME_ACTION,
                    "placeholder": plain("Pick a time"),
                    "options": [
                        {
                            "text": plain(clock(t.astimezone(zone))),
                            "value": str(int(t.timestamp())),
                        }
                        for t in times[:100]
                    ],
                },
            }
        )
    else:
        blocks.append(
            {
                "type": "context",
                "elements": [mrkdwn(f"No free times on {day_label(day)}; pick another day.")],
            }
        )
    return _modal(
        RESCHEDULE_MODAL,
        "Reschedule",
        blocks,
        dataclasses.replace(metadata, day=day),
        submit="Reschedule" if times else None,
    )


def working_view(text: str) -> dict[str, Any]:
    return _modal(
        RESULT_MODAL,
        "Booking",
        [{"type": "section", "text": mrkdwn(f":hourglass_flowing_sand: {escape(text)}")}],
        None,
        close="Close",
    )


def result_view(text: str, booking: Booking | None, timezone: str, *, ok: bool) -> dict[str, Any]:
    """What happened, and the booking as the site now holds it."""
    emoji = ":white_check_mark:" if ok else ":warning:"
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(f"{emoji} {with_mentions(text)}")}
    ]
    if booking is not None:
        blocks += booking_card(booking, timezone=timezone)["blocks"]
    return _modal(RESULT_MODAL, "Booking", blocks, None, close="Close")
