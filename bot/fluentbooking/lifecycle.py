"""The rules of a booking's life after creation, as the client enforces them.

FluentBooking 2.0.0 answers success to changes it does not make (rejecting a booking
that is not pending, cancelling a completed one) and makes changes it should refuse
(`scheduled` on a cancelled booking re-books it with no slot check; `completed` on a
future booking is stored). So the client decides first, from the booking as read from
the site, whether a change makes sense, and reads the booking back afterwards to see
whether it happened. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from .errors import ValidationError
from .urls import ApiLocation


class Change(StrEnum):
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    APPROVE = "approve"
    DECLINE = "decline"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


#: the status each change leaves behind
RESULT_STATUS: dict[Change, str] = {
    Change.CANCEL: "cancelled",
    Change.APPROVE: "scheduled",
    Change.DECLINE: "rejected",
    Change.COMPLETED: "completed",
    Change.NO_SHOW: "no_show",
}

#: the statuses from which each change is taken
FROM_STATUSES: dict[Change, frozenset[str]] = {
    Change.CANCEL: frozenset({"scheduled", "pending"}),
    Change.RESCHEDULE: frozenset({"scheduled", "pending"}),
    Change.APPROVE: frozenset({"pending"}),
    Change.DECLINE: frozenset({"pending"}),
    Change.COMPLETED: frozenset({"scheduled", "no_show"}),
    Change.NO_SHOW: frozenset({"scheduled", "completed"}),
}

STATUS_WORDS = {
    "scheduled": "scheduled",
    "pending": "waiting for the host's approval",
    "cancelled": "cancelled",
    "rejected": "declined",
    "completed": "marked completed",
    "no_show": "marked as a no-show",
}

VERBS = {
    Change.CANCEL: "cancelled",
    Change.RESCHEDULE: "rescheduled",
    Change.APPROVE: "approved",
    Change.DECLINE: "declined",
    Change.COMPLETED: "marked completed",
    Change.NO_SHOW: "marked as a no-show",
}

DEFAULT_RESCHEDULE_REASON = "Rescheduled by the host"  # the site requires a reason


def describe_status(status: str) -> str:
    return STATUS_WORDS.get(status, status or "in an unknown state")


@dataclass(frozen=True)
class Refusal:
    """Why a change is not made; `already` when the booking is already in that state."""

    message: str
    already: bool = False


def refusal(change: Change, status: str, *, start_utc: datetime, now: datetime) -> Refusal | None:
    """None when `change` may be sent for a booking in `status` starting at `start_utc`."""
    status = status.lower()
    if change in RESULT_STATUS and RESULT_STATUS[change] == status:
        return Refusal(f"This booking is already {describe_status(status)}.", already=True)
    if status not in FROM_STATUSES[change]:
        if change is Change.APPROVE or change is Change.DECLINE:
            return Refusal(
                f"Only a booking waiting for approval can be {VERBS[change]}; this one is "
                f"{describe_status(status)}."
            )
        return Refusal(
            f"This booking is {describe_status(status)}, so it cannot be {VERBS[change]}."
        )
    if change in (Change.COMPLETED, Change.NO_SHOW) and start_utc > now:
        return Refusal(
            f"This meeting has not started yet, so it cannot be {VERBS[change]}; "
            "do that after it has taken place."
        )
    return None


def ajax_url(location: ApiLocation) -> str:
    """`{site root}/wp-admin/admin-ajax.php` for every FLUENTBOOKING_URL form: a site root
    (possibly in a sub-folder), a full API base, or a plain-permalink `?rest_route=` page."""
    parts = urlsplit(location.site)
    path = parts.path
    if path.endswith("/index.php"):
        path = path[: -len("index.php")]
    if not path.endswith("/"):
        path += "/"
    return urlunsplit((parts.scheme, parts.netloc, path + "wp-admin/admin-ajax.php", "", ""))


_WALL = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")


def new_start(value: datetime | str, zone: str) -> datetime:
    """The new start: an aware datetime as it is, or "YYYY-MM-DD HH:MM" as a wall time in
    `zone` (a canonical IANA name). ValidationError for anything else."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError(
                "The new time has no timezone; give an aware time.", fields={"start": "naive"}
            )
        return value
    text = str(value).strip()
    if not _WALL.match(text):
        raise ValidationError(
            "The new time must look like YYYY-MM-DD HH:MM.", fields={"time": "malformed"}
        )
    try:
        naive = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a real date and time.", fields={"time": "malformed"}
        ) from None
    return naive.replace(tzinfo=ZoneInfo(zone))


def status_body(change: Change, reason: str = "") -> dict[str, str]:
    """PUT /schedules/{id}'s body. The reason keys are always sent (2.0.0 warns without)."""
    body = {"column": "status", "value": RESULT_STATUS[change]}
    if change is Change.CANCEL:
        body["cancel_reason"] = reason.strip()
    if change is Change.DECLINE:
        body["reject_reason"] = reason.strip()
    return body


def reschedule_form(
    booking_hash: str, event_id: int, start: datetime, zone: str, reason: str
) -> dict[str, str]:
    """admin-ajax's reschedule form: the booking's own event (availability is checked
    against the event sent), its hash, the wall time in `zone`, and a reason (required)."""
    return {
        "action": "fluent_cal_schedule_meeting",
        "event_id": str(event_id),
        "rescheduling_hash": booking_hash,
        "start_date": start.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S"),
        "timezone": zone,
        "rescheduling_reason": reason.strip() or DEFAULT_RESCHEDULE_REASON,
    }


def booking_id_param(value: object) -> int:
    """A booking id as a positive int; ValidationError before anything is sent."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        number = None
    else:
        try:
            number = int(value)
        except ValueError:
            number = None
    if number is None or number <= 0:
        raise ValidationError(f"{value!r} is not a booking id.", fields={"booking_id": "invalid"})
    return number
