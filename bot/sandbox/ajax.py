"""`POST {site}/wp-admin/admin-ajax.php`: the site's public booking pages, as 2.0.0 has them.

Form-encoded, no login and no nonce: each action acts as the guest.

* `action=fluent_cal_schedule_meeting` with `rescheduling_hash`: the attendee's reschedule
  page. Moves the booking in place (same id and hash) to `start_date` (wall time in
  `timezone`; read as UTC without one), checking availability against the `event_id`
  sent (its host's hours, grid, notice, window and bookings, the booking itself aside).
  `rescheduling_reason` is required. 200 "Booking has been rescheduled" with the hash;
  422 "This selected time slot is not available..." (taken, off-grid, off-hours, too
  soon, beyond the window), "Sorry! you can not reschedule this" (cancelled, completed,
  rejected, no-show), "Invalid rescheduling request" (unknown hash).
* the same action without a hash: the public booking form (`name`, `email`, `timezone`,
  `start_date`, `event_id`, `duration`, `location_description` / `phone_number` /
  `address`). 200 "Booking has been confirmed" with `booking_hash` and no id; stored with
  `source: "web"`, `pending` on events that require confirmation.
* `action=fcal_cancel_meeting`, `meeting_hash`, `cancellation_reason`: the attendee's
  cancel page; the host is emailed the reason.
* any other action: WordPress's `0` with status 400.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox.lifecycle import MOVABLE, Lifecycle
from bot.sandbox.slots import canonical_zone, wall
from bot.sandbox.store import SandboxStore

AJAX_PATH = "/wp-admin/admin-ajax.php"
RESCHEDULED = "Booking has been rescheduled"
CONFIRMED = "Booking has been confirmed"
CANCELLED = "Booking has been cancelled"
CANNOT_RESCHEDULE = "Sorry! you can not reschedule this"
CANNOT_CANCEL = "Sorry! you can not cancel this booking"
INVALID_RESCHEDULE = "Invalid rescheduling request"
INVALID_CANCEL = "Invalid cancellation request"
CLOSED = "Sorry, the host is not accepting any new bookings at the moment."
SLOT_TAKEN = (
    "This selected time slot is not available. Maybe someone booked the spot just a few "
    "seconds ago."
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_START = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class AjaxAnswer:
    status: int
    body: dict[str, Any] | str  # a str is sent as text/html, as WordPress's wp_die does


def _error(message: str, status: int = 422) -> AjaxAnswer:
    return AjaxAnswer(status, {"message": message})


def _invalid(errors: dict[str, dict[str, str]]) -> AjaxAnswer:
    return AjaxAnswer(422, {"message": "Please fill up the required data", "errors": errors})


class SiteAjax:
    def __init__(self, store: SandboxStore, lifecycle: Lifecycle) -> None:
        self.store = store
        self.lifecycle = lifecycle

    def handle(self, form: Mapping[str, str], now: datetime) -> AjaxAnswer:
        action = form.get("action", "")
        if action == "fluent_cal_schedule_meeting":
            if form.get("rescheduling_hash"):
                return self.reschedule(form, now)
            return self.book(form, now)
        if action == "fcal_cancel_meeting":
            return self.cancel(form, now)
        return AjaxAnswer(400, "0")

    def _event(self, form: Mapping[str, str]) -> Any:
        try:
            event = self.store.events.get(int(form.get("event_id", "")))
        except ValueError:
            return None
        return event if event is not None and event.status == "active" else None

    def reschedule(self, form: Mapping[str, str], now: datetime) -> AjaxAnswer:
        row = self.lifecycle.booking_by_hash(form["rescheduling_hash"].strip())
        if row is None:
            return _error(INVALID_RESCHEDULE)
        if row.status not in MOVABLE:
            return _error(CANNOT_RESCHEDULE)
        reason = form.get("rescheduling_reason", "").strip()
        if not reason:
            return _invalid({"rescheduling_reason": {"required": "Please provide a reason"}})
        event = self._event(form)
        if event is None:
            return _error(CLOSED)
        zone_name = form.get("timezone", "").strip() or "UTC"
        start = _start(form.get("start_date", ""), zone_name)
        if start is None:
            return _invalid({"start_date": {"required": "Please select a date and time"}})
        grid = row.slot_minutes if row.slot_minutes in event.available_durations else event.duration
        if not self.lifecycle.slot_free(event, start, grid, now, ignore_booking=row.id):
            return _error(SLOT_TAKEN)
        moved = self.lifecycle.move(row, start, zone_name, reason, now)
        return AjaxAnswer(200, {"message": RESCHEDULED, "booking_hash": moved.hash})

    def book(self, form: Mapping[str, str], now: datetime) -> AjaxAnswer:
        event = self._event(form)
        if event is None:
            return _error(CLOSED)
        text = {k: v.strip() for k, v in form.items()}
        errors: dict[str, dict[str, str]] = {}
        if not text.get("name"):
            errors["name"] = {"required": "Please provide your name"}
        if not text.get("email"):
            errors["email"] = {"required": "Please provide your email address"}
        elif not _EMAIL.match(text["email"]):
            errors["email"] = {"email": "Please provide a valid email address"}
        zone_name = text.get("timezone") or "UTC"
        start = _start(text.get("start_date", ""), zone_name)
        if start is None:
            errors["start_date"] = {"required": "Please select a date and time"}
        location = event.location_type or ""
        place = (
            text.get("location_description") or text.get("phone_number") or text.get("address")
        ) or ""
        if location == "phone_guest" and not place:
            errors["location_description"] = {"required": "Please provide your phone number"}
        if location == "in_person_guest" and not place:
            errors["location_description"] = {"required": "Please provide your address"}
        duration = event.duration
        if text.get("duration"):
            try:
                duration = int(text["duration"])
            except ValueError:
                duration = -1
            if duration not in event.available_durations:
                errors["duration"] = {"invalid": "The selected duration is not available"}
        if errors:
            return _invalid(errors)
        assert start is not None
        if not self.lifecycle.slot_free(event, start, duration, now):
            return _error(SLOT_TAKEN)
        calendar = self.store.calendars[event.calendar_id]
        first, _, last = text["name"].partition(" ")
        row = self.lifecycle.web_booking(
            {
                "calendar_id": calendar.id,
                "event_id": event.id,
                "host_user_id": calendar.user_id,
                "first_name": first,
                "last_name": last.strip(),
                "email": text["email"],
                "phone": place if location == "phone_guest" else text.get("phone_number", ""),
                "message": text.get("message", ""),
                "person_time_zone": zone_name,
                "start_time": wall(start),
                "end_time": wall(start + timedelta(minutes=duration)),
                "slot_minutes": duration,
                "status": "pending" if event.requires_confirmation else "scheduled",
                "location_type": location,
                "location_description": place,
                "guests": [],
                "created_at": wall(now.astimezone(UTC)),
            },
            now,
        )
        return AjaxAnswer(200, {"message": CONFIRMED, "booking_hash": row.hash})

    def cancel(self, form: Mapping[str, str], now: datetime) -> AjaxAnswer:
        row = self.lifecycle.booking_by_hash(form.get("meeting_hash", "").strip())
        if row is None:
            return _error(INVALID_CANCEL)
        if row.status not in ("scheduled", "pending"):
            return _error(CANNOT_CANCEL)
        self.lifecycle.attendee_cancel(row, form.get("cancellation_reason", "").strip(), now)
        return AjaxAnswer(200, {"message": CANCELLED})


def _start(text: str, zone_name: str) -> datetime | None:
    """The wall time `text` in the zone (UTC when the zone is unknown), as aware UTC."""
    zone = canonical_zone(zone_name) or ZoneInfo("UTC")
    for fmt in _START:
        try:
            parsed = datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=zone).astimezone(UTC)
    return None
