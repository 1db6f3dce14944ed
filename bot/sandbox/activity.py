"""The site's activity log, its newest-created list and the read side effect.

- `GET /reports/activities`: the newest 100 rows of the activity log (`id`,
  `booking_id`, `type`, `status`, `title`, `description`, `created_at`), newest first;
  a host sees the rows of its own bookings only. Creates, cancellations, reschedules
  (with the previous time), confirmations and rejections write rows.
- `GET /schedules?filters[period]=latest_bookings`: bookings newest *created* first.
  `created_at` has one-second resolution and the site has no tie-breaker: rows created
  in the same second come oldest id first here, so a client that stops at the first id
  it knows misses bookings.
- The read side effect of 2.0.0: a read that returns a booking which ended more than
  60 minutes ago rewrites it — `scheduled` becomes `completed`, `pending` becomes
  `cancelled` and the attendee is emailed (recorded in `sandbox_emails`). Rows no read
  returns are not changed.

The tables are `bot.sandbox.lifecycle`'s (created here too, same columns), which
writes the log for status changes, reschedules, attendee cancels and website bookings;
this module adds the rows for REST creates.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.sandbox.store import TIME_FORMAT, BookingRow, SandboxStore

SCHEMA = """
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
CREATE INDEX IF NOT EXISTS sandbox_activities_booking ON sandbox_activities (booking_id);
"""

ACTIVITY_LIMIT = 100
STALE_AFTER = timedelta(minutes=60)  # a read rewrites a booking that ended this long ago
LATEST = "latest_bookings"


class ActivityLog:
    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self.conn = store.conn
        self.conn.executescript(SCHEMA)

    def record(
        self, row: BookingRow, kind: str, now: datetime, description: str, *, title: str = ""
    ) -> None:
        fresh = self.store.get_booking(row.id) or row
        self.conn.execute(
            "INSERT INTO sandbox_activities (booking_id, type, status, title, description,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                row.id,
                kind,
                fresh.status,
                title or f"Booking {kind.replace('_', ' ')}",
                description,
                _stamp(now),
            ),
        )

    def newest(self, host_user_id: int | None) -> list[dict[str, Any]]:
        """The newest rows, newest first; `host_user_id` limits them to that host's."""
        query = (
            "SELECT a.id, a.booking_id, a.type, a.status, a.title, a.description, a.created_at"
            " FROM sandbox_activities a JOIN bookings b ON b.id = a.booking_id"
        )
        params: tuple[Any, ...] = ()
        if host_user_id is not None:
            query += " WHERE b.host_user_id = ?"
            params = (host_user_id,)
        rows = self.conn.execute(
            query + " ORDER BY a.id DESC LIMIT ?", (*params, ACTIVITY_LIMIT)
        ).fetchall()
        return [_activity_json(r) for r in rows]

    def latest_created(self, rows: list[BookingRow]) -> list[BookingRow]:
        """Newest created first; ties (one second) oldest id first, as no tie-breaker."""
        by_id = sorted(rows, key=lambda r: r.id)
        return sorted(by_id, key=lambda r: r.created_at, reverse=True)

    def touch_on_read(self, rows: list[BookingRow], now: datetime) -> list[BookingRow]:
        """Apply 2.0.0's read side effect to the rows a read returns; the rows as read."""
        cutoff = (now.astimezone(UTC) - STALE_AFTER).strftime(TIME_FORMAT)
        changed: list[BookingRow] = []
        for row in rows:
            if row.end_time >= cutoff or row.status not in ("scheduled", "pending"):
                changed.append(row)
                continue
            status = "completed" if row.status == "scheduled" else "cancelled"
            self.conn.execute("UPDATE bookings SET status = ? WHERE id = ?", (status, row.id))
            if status == "cancelled":
                self._email_cancelled(row, now)
            changed.append(self.store.get_booking(row.id) or row)
        return changed

    def emails(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM sandbox_emails ORDER BY id").fetchall()
        return [dict(r) for r in rows]

    def _email_cancelled(self, row: BookingRow, now: datetime) -> None:
        event = self.store.events.get(row.event_id)
        title = event.title if event else "Meeting"
        self.conn.execute(
            "INSERT INTO sandbox_emails (booking_id, to_email, kind, subject, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                row.id,
                row.email,
                "cancelled",
                f"Your booking has been cancelled: {title}",
                "The booking request was not confirmed in time and has been cancelled.",
                _stamp(now),
            ),
        )


def _activity_json(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "booking_id": str(row["booking_id"]),
        "parent_id": None,
        "created_by": None,
        "type": row["type"],
        "status": row["status"],
        "title": row["title"],
        "description": row["description"],
        "created_at": row["created_at"],
        "updated_at": row["created_at"],
    }


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime(TIME_FORMAT)
