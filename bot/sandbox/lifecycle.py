"""Booking changes after creation, as a FluentBooking 2.0.0 site makes them.

`PUT /schedules/{id}` (the host's status changes) answers as the real site does, false
successes included (see /work/shared/fluentbooking-api.md, "Team and lifecycle"):

* `cancelled` on a scheduled or pending booking: 200 "The booking has been cancelled";
  cancelled, the reason emailed to the attendee, the slot free.
* `cancelled` on a completed, rejected or no-show booking: 200, the same: **nothing**.
* any status the booking already has: 422 "No changes found".
* `scheduled` on a pending booking: 200 "Status has been updated"; approved, emailed.
* `scheduled` on a cancelled (or other) booking: 200, the same: **scheduled again, with
  no slot check**.
* `rejected` on a pending booking: 200 "The booking has been rejected"; rejected, the
  reason emailed, the slot free. On any other booking: 200, the same: **nothing**.
* `completed` / `no_show`: 200 "Status has been updated"; stored even for future
  bookings (a completed booking keeps its slot blocked, a no-show frees it).
* another column / status, an unknown id: 422 "Invalid column" / "Invalid status", 404.

The site's own pages (admin-ajax, `bot.sandbox.ajax`) reschedule in place and cancel as
the attendee, and take bookings from the public form (`source: "web"`).

What the site would email is recorded in the `sandbox_emails` table instead of being
sent, so tests can assert what the attendee and the host receive; each change is also
written to `sandbox_activities` (the site's activity log).
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox import seed
from bot.sandbox.slots import Busy, earliest_start, last_bookable_day, on_grid, overlaps, wall
from bot.sandbox.store import TIME_FORMAT, BookingRow, SandboxStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS sandbox_booking_extras (
    booking_id INTEGER PRIMARY KEY,
    source TEXT NOT NULL DEFAULT 'admin',
    cancel_reason TEXT NOT NULL DEFAULT '',
    reject_reason TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS sandbox_emails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    booking_id INTEGER NOT NULL,
    to_email TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sandbox_activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    booking_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""

STATUSES = ("scheduled", "completed", "cancelled", "rejected", "no_show")
CANCELLABLE = ("scheduled", "pending")
MOVABLE = ("scheduled", "pending")  # the attendee's reschedule page works for these only

CANCELLED = "The booking has been cancelled"
REJECTED = "The booking has been rejected"
UPDATED = "Status has been updated"
NO_CHANGES = "No changes found"
INVALID_STATUS = "Invalid status"
INVALID_COLUMN = "Invalid column"
NOT_FOUND = "Booking not found"


@dataclass(frozen=True)
class SentEmail:
    """An email the site would have sent."""

    booking_id: int
    to: str
    kind: str  # cancelled | rejected | confirmed | rescheduled | booked | attendee_cancelled
    subject: str
    body: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "booking_id": self.booking_id,
            "to": self.to,
            "kind": self.kind,
            "subject": self.subject,
            "body": self.body,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class StatusAnswer:
    status: int  # HTTP status
    message: str


class Lifecycle:
    """Status changes, in-place moves and website bookings on the sandbox's database."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self.conn = store.conn
        self.conn.executescript(SCHEMA)

    # -- reading --------------------------------------------------------------------

    def source_of(self, booking_id: int) -> str:
        row = self.conn.execute(
            "SELECT source FROM sandbox_booking_extras WHERE booking_id = ?", (booking_id,)
        ).fetchone()
        return str(row["source"]) if row else "admin"

    def reasons_of(self, booking_id: int) -> tuple[str, str]:
        """(cancel reason, reject reason), empty when none was given."""
        row = self.conn.execute(
            "SELECT cancel_reason, reject_reason FROM sandbox_booking_extras WHERE booking_id = ?",
            (booking_id,),
        ).fetchone()
        return (str(row["cancel_reason"]), str(row["reject_reason"])) if row else ("", "")

    def booking_by_hash(self, booking_hash: str) -> BookingRow | None:
        row = self.conn.execute(
            "SELECT id FROM bookings WHERE hash = ?", (booking_hash,)
        ).fetchone()
        return self.store.get_booking(int(row["id"])) if row else None

    # -- PUT /schedules/{id} --------------------------------------------------------

    def change_status(self, booking_id: int, body: dict[str, Any], now: datetime) -> StatusAnswer:
        row = self.store.get_booking(booking_id)
        if row is None:
            return StatusAnswer(404, NOT_FOUND)
        if body.get("column") != "status":
            return StatusAnswer(422, INVALID_COLUMN)
        value = body.get("value")
        if value not in STATUSES:
            return StatusAnswer(422, INVALID_STATUS)
        if value == row.status:
            return StatusAnswer(422, NO_CHANGES)
        if value == "cancelled":
            if row.status in CANCELLABLE:
                reason = _text(body.get("cancel_reason"))
                self._set_status(row, "cancelled", now, cancel_reason=reason)
                self._email_attendee(row, "cancelled", now, reason=reason)
                self._activity(row, "cancelled", now, reason or "Cancelled by the host")
            return StatusAnswer(200, CANCELLED)
        if value == "rejected":
            if row.status == "pending":
                reason = _text(body.get("reject_reason"))
                self._set_status(row, "rejected", now, reject_reason=reason)
                self._email_attendee(row, "rejected", now, reason=reason)
                self._activity(row, "rejected", now, reason or "Rejected by the host")
            return StatusAnswer(200, REJECTED)
        previous = row.status
        self._set_status(row, str(value), now)
        if value == "scheduled":
            # approving a pending booking, or re-booking a cancelled one with no slot check
            self._email_attendee(row, "confirmed", now)
            kind = "confirmed" if previous == "pending" else "scheduled"
            self._activity(row, kind, now, f"Status changed from {previous} to scheduled")
        else:
            self._activity(row, str(value), now, f"Status changed from {previous} to {value}")
        return StatusAnswer(200, UPDATED)

    @staticmethod
    def claimed_message(body: dict[str, Any]) -> str:
        """The success message the site gives for this change (the `no_store` fault's)."""
        value = body.get("value")
        return CANCELLED if value == "cancelled" else REJECTED if value == "rejected" else UPDATED

    # -- the site's own pages (admin-ajax) ------------------------------------------

    def slot_free(
        self,
        event: seed.Event,
        start: datetime,
        duration: int,
        now: datetime,
        *,
        ignore_booking: int | None = None,
    ) -> bool:
        """What the public booking and reschedule pages check: the event's host hours and
        grid, its notice and window, and the host's other bookings."""
        calendar = self.store.calendars[event.calendar_id]
        end = start + timedelta(minutes=duration)
        if start < earliest_start(event, now):
            return False
        local_day = start.astimezone(ZoneInfo(calendar.timezone)).date()
        if local_day > last_bookable_day(calendar, event, now):
            return False
        if not on_grid(calendar, start, duration):
            return False
        busy = [
            r
            for r in self.store.busy_for_host(calendar.user_id, start, end)
            if r.id != ignore_booking
        ]
        return not overlaps(start, end, [_busy(r.start_time, r.end_time) for r in busy])

    def move(
        self, row: BookingRow, start: datetime, zone_name: str, reason: str, now: datetime
    ) -> BookingRow:
        """Reschedule in place: same id and hash, new time; both sides are told."""
        end = start + timedelta(minutes=row.slot_minutes)
        self.conn.execute(
            "UPDATE bookings SET start_time = ?, end_time = ?, person_time_zone = ? WHERE id = ?",
            (wall(start), wall(end), zone_name, row.id),
        )
        self._touch(row.id, now)
        moved = self.store.get_booking(row.id)
        assert moved is not None
        previous = f"{row.start_time} UTC"
        self._email_attendee(moved, "rescheduled", now, reason=reason, previous=previous)
        self._email_host(moved, "rescheduled", now, reason=reason, previous=previous)
        self._activity(
            moved,
            "rescheduled",
            now,
            f"Rescheduled from {previous} to {moved.start_time} UTC. Reason: {reason}",
        )
        return moved

    def attendee_cancel(self, row: BookingRow, reason: str, now: datetime) -> None:
        self._set_status(row, "cancelled", now, cancel_reason=reason)
        self._email_host(row, "attendee_cancelled", now, reason=reason)
        self._activity(row, "cancelled", now, reason or "Cancelled by the attendee")

    def web_booking(self, values: dict[str, Any], now: datetime) -> BookingRow:
        """Insert a booking from the public form (`source: "web"`)."""
        row = self.store.insert_booking(dict(values, hash=secrets.token_hex(16)))
        self.conn.execute(
            "INSERT INTO sandbox_booking_extras (booking_id, source, updated_at) VALUES (?, ?, ?)",
            (row.id, "web", _stamp(now)),
        )
        kind = "requested" if row.status == "pending" else "booked"
        self._email_attendee(row, kind, now)
        self._email_host(row, kind, now)
        self._activity(row, kind, now, "Booked on the website")
        return row

    # -- what the site sent ---------------------------------------------------------

    def emails(self) -> list[SentEmail]:
        return read_emails(self.conn)

    def activities(self, booking_id: int | None = None) -> list[dict[str, Any]]:
        """The activity log, newest first (the site's `/reports/activities` order)."""
        query = "SELECT * FROM sandbox_activities"
        params: tuple[Any, ...] = ()
        if booking_id is not None:
            query += " WHERE booking_id = ?"
            params = (booking_id,)
        rows = self.conn.execute(query + " ORDER BY id DESC LIMIT 100", params).fetchall()
        return [dict(r) for r in rows]

    # -- writing --------------------------------------------------------------------

    def _touch(self, booking_id: int, now: datetime) -> None:
        self.conn.execute(
            "INSERT INTO sandbox_booking_extras (booking_id, updated_at) VALUES (?, ?)"
            " ON CONFLICT (booking_id) DO UPDATE SET updated_at = excluded.updated_at",
            (booking_id, _stamp(now)),
        )

    def _set_status(
        self,
        row: BookingRow,
        status: str,
        now: datetime,
        *,
        cancel_reason: str | None = None,
        reject_reason: str | None = None,
    ) -> None:
        self.conn.execute("UPDATE bookings SET status = ? WHERE id = ?", (status, row.id))
        self._touch(row.id, now)
        if cancel_reason is not None:
            self.conn.execute(
                "UPDATE sandbox_booking_extras SET cancel_reason = ? WHERE booking_id = ?",
                (cancel_reason, row.id),
            )
        if reject_reason is not None:
            self.conn.execute(
                "UPDATE sandbox_booking_extras SET reject_reason = ? WHERE booking_id = ?",
                (reject_reason, row.id),
            )

    def _event_title(self, row: BookingRow) -> str:
        event = self.store.events.get(row.event_id)
        return event.title if event else "Meeting"

    def _host_email(self, row: BookingRow) -> str | None:
        host = self.store.users.get(row.host_user_id)
        return host.email if host else None

    def _email_attendee(
        self, row: BookingRow, kind: str, now: datetime, *, reason: str = "", previous: str = ""
    ) -> None:
        self._email(row, row.email, kind, now, reason=reason, previous=previous)

    def _email_host(
        self, row: BookingRow, kind: str, now: datetime, *, reason: str = "", previous: str = ""
    ) -> None:
        host = self._host_email(row)
        if host:
            self._email(row, host, kind, now, reason=reason, previous=previous)

    def _email(
        self,
        row: BookingRow,
        to: str,
        kind: str,
        now: datetime,
        *,
        reason: str,
        previous: str,
    ) -> None:
        title = self._event_title(row)
        subject = f"{_SUBJECTS[kind]}: {title}"
        lines = [f"{title} on {row.start_time} UTC ({row.slot_minutes} minutes)."]
        if previous:
            lines.append(f"Previously: {previous}.")
        if reason:
            lines.append(f"Reason: {reason}")
        self.conn.execute(
            "INSERT INTO sandbox_emails (booking_id, to_email, kind, subject, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (row.id, to, kind, subject, "\n".join(lines), _stamp(now)),
        )

    def _activity(self, row: BookingRow, kind: str, now: datetime, description: str) -> None:
        fresh = self.store.get_booking(row.id) or row
        self.conn.execute(
            "INSERT INTO sandbox_activities (booking_id, type, status, title, description,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                row.id,
                kind,
                fresh.status,
                f"Booking {kind.replace('_', ' ')}",
                description,
                _stamp(now),
            ),
        )


_SUBJECTS = {
    "cancelled": "Your booking has been cancelled",
    "rejected": "Your booking request has been declined",
    "confirmed": "Your booking has been confirmed",
    "rescheduled": "Booking rescheduled",
    "booked": "Booking confirmed",
    "requested": "Booking request received",
    "attendee_cancelled": "The attendee cancelled a booking",
}


def read_emails(conn: sqlite3.Connection) -> list[SentEmail]:
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute("SELECT * FROM sandbox_emails ORDER BY id").fetchall()
    except sqlite3.OperationalError:  # the table is created when the site starts
        return []
    return [
        SentEmail(
            booking_id=r["booking_id"],
            to=r["to_email"],
            kind=r["kind"],
            subject=r["subject"],
            body=r["body"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime(TIME_FORMAT)


def _busy(start: str, end: str) -> Busy:
    return Busy(
        datetime.strptime(start, TIME_FORMAT).replace(tzinfo=UTC),
        datetime.strptime(end, TIME_FORMAT).replace(tzinfo=UTC),
    )
