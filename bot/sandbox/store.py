"""SQLite storage for the sandbox: site data, bookings and integration settings.

One connection, used only from the sandbox's event-loop thread; every query is a short
indexed read or a single insert, so running them inline keeps the server simple and a
slot check plus its insert atomic (no await between them).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from bot.sandbox import seed, users

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calendars (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS integrations (
    key TEXT PRIMARY KEY, settings TEXT NOT NULL, field_settings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL,
    calendar_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    host_user_id INTEGER NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    message TEXT NOT NULL,
    person_time_zone TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL,
    status TEXT NOT NULL,
    location_type TEXT NOT NULL,
    location_description TEXT NOT NULL,
    guests TEXT NOT NULL,
    created_at TEXT NOT NULL,
    group_id INTEGER
);
CREATE INDEX IF NOT EXISTS bookings_host_start ON bookings (host_user_id, start_time);
CREATE INDEX IF NOT EXISTS bookings_email ON bookings (email);
"""

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass
class BookingRow:
    id: int
    hash: str
    calendar_id: int
    event_id: int
    host_user_id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    message: str
    person_time_zone: str
    start_time: str  # UTC, TIME_FORMAT
    end_time: str
    slot_minutes: int
    status: str
    location_type: str
    location_description: str
    guests: list[str]
    created_at: str
    group_id: int | None = None  # the site's group (max+1 at create; may be shared)


class SandboxStore:
    def __init__(self, path: str, integrations: str = "pro", *, team: bool = False) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(SCHEMA)
        self._add_group_column()
        self._seed(integrations, team)
        self.users = {
            u.id: u for u in (seed.User(**json.loads(r["data"])) for r in self._all("users"))
        }
        self.calendars = {c.id: c for c in (_calendar(r["data"]) for r in self._all("calendars"))}
        self.events = {e.id: e for e in (_event(r["data"]) for r in self._all("events"))}

    def close(self) -> None:
        self.conn.close()

    def _add_group_column(self) -> None:
        """Databases written before `group_id` existed get the column (NULL = its id)."""
        columns = {r["name"] for r in self.conn.execute("PRAGMA table_info(bookings)")}
        if "group_id" not in columns:
            self.conn.execute("ALTER TABLE bookings ADD COLUMN group_id INTEGER")

    def _all(self, table: str) -> list[sqlite3.Row]:
        return self.conn.execute(f"SELECT data FROM {table} ORDER BY id").fetchall()

    def _seed(self, integrations: str, team: bool) -> None:
        """Insert the sample site (and with `team` the team hosts after it); rows already
        there (an earlier run) are kept."""
        with self.conn:
            self.conn.execute("BEGIN")
            for table, items in (
                ("users", seed.USERS + (users.TEAM_USERS if team else [])),
                ("calendars", seed.CALENDARS + (users.TEAM_CALENDARS if team else [])),
                ("events", seed.EVENTS + (users.TEAM_EVENTS if team else [])),
            ):
                self.conn.executemany(
                    f"INSERT OR IGNORE INTO {table} (id, data) VALUES (?, ?)",
                    [(item.id, json.dumps(asdict(item))) for item in items],
                )
            if integrations == "pro":
                self.conn.executemany(
                    "INSERT OR IGNORE INTO integrations VALUES (?, ?, ?)",
                    [
                        (key, json.dumps(values), json.dumps(fields))
                        for key, (values, fields) in seed.INTEGRATIONS.items()
                    ],
                )

    # -- bookings -------------------------------------------------------------------

    def busy_for_host(self, host_user_id: int, start: datetime, end: datetime) -> list[BookingRow]:
        """Bookings that block the host's time overlapping [start, end): scheduled, pending,
        and completed (2.0.0 keeps a completed booking's slot; no-show frees it)."""
        rows = self.conn.execute(
            "SELECT * FROM bookings WHERE host_user_id = ?"
            " AND status IN ('scheduled', 'pending', 'completed')"
            " AND start_time < ? AND end_time > ? ORDER BY start_time",
            (host_user_id, end.strftime(TIME_FORMAT), start.strftime(TIME_FORMAT)),
        ).fetchall()
        return [_booking(r) for r in rows]

    def next_group_id(self) -> int:
        """max+1, as the site computes it: without a lock, so racing creates may share it."""
        row = self.conn.execute("SELECT MAX(COALESCE(group_id, id)) FROM bookings").fetchone()
        return int(row[0] or 0) + 1

    def insert_booking(self, values: dict[str, Any]) -> BookingRow:
        values = dict(values, guests=json.dumps(values["guests"]))
        values.setdefault("group_id", self.next_group_id())
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO bookings ({columns}) VALUES ({marks})", tuple(values.values())
        )
        booking = self.get_booking(int(cursor.lastrowid or 0))
        assert booking is not None
        return booking

    def add_sample_bookings(self, now: datetime) -> int:
        """The sample bookings (`seed.SAMPLE_BOOKINGS`), unless the site has bookings."""
        if self.conn.execute("SELECT 1 FROM bookings LIMIT 1").fetchone():
            return 0
        rows = seed.sample_booking_rows(now)
        for row in rows:
            self.insert_booking(row)
        return len(rows)

    def get_booking(self, booking_id: int) -> BookingRow | None:
        row = self.conn.execute("SELECT * FROM bookings WHERE id = ?", (booking_id,)).fetchone()
        return _booking(row) if row else None

    def bookings_by_email(self, email: str) -> list[BookingRow]:
        rows = self.conn.execute(
            "SELECT * FROM bookings WHERE lower(email) = lower(?) ORDER BY start_time, id",
            (email,),
        ).fetchall()
        return [_booking(r) for r in rows]

    def search_host_bookings(self, host_user_id: int | None, text: str) -> list[BookingRow]:
        """The host's bookings (None: every host's) whose attendee email or name contains
        `text` (any case)."""
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        rows = self.conn.execute(
            "SELECT * FROM bookings WHERE (? IS NULL OR host_user_id = ?) AND ("
            " lower(email) LIKE ? ESCAPE '\\' OR lower(first_name || ' ' || last_name)"
            " LIKE ? ESCAPE '\\') ORDER BY start_time, id",
            (host_user_id, host_user_id, like, like),
        ).fetchall()
        return [_booking(r) for r in rows]

    def bookings_by_host(self, host_user_id: int | None) -> list[BookingRow]:
        """The host's bookings; None: every host's (what an administrator sees)."""
        if host_user_id is None:
            rows = self.conn.execute("SELECT * FROM bookings ORDER BY start_time, id").fetchall()
        else:
            rows = self.conn.execute(
                "SELECT * FROM bookings WHERE host_user_id = ? ORDER BY start_time, id",
                (host_user_id,),
            ).fetchall()
        return [_booking(r) for r in rows]

    # -- integrations ---------------------------------------------------------------

    def get_integration(self, key: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        row = self.conn.execute(
            "SELECT settings, field_settings FROM integrations WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        return json.loads(row["settings"]), json.loads(row["field_settings"])

    def save_integration(self, key: str, settings: dict[str, Any]) -> None:
        current = self.get_integration(key)
        fields = current[1] if current else {}
        self.conn.execute(
            "INSERT OR REPLACE INTO integrations VALUES (?, ?, ?)",
            (key, json.dumps(settings), json.dumps(fields)),
        )


def _calendar(data: str) -> seed.Calendar:
    raw = json.loads(data)
    raw["weekly_hours"] = {
        int(day): [tuple(span) for span in spans] for day, spans in raw["weekly_hours"].items()
    }
    return seed.Calendar(**raw)


def _event(data: str) -> seed.Event:
    raw = json.loads(data)
    raw["durations"] = tuple(raw["durations"])
    return seed.Event(**raw)


def _booking(row: sqlite3.Row) -> BookingRow:
    values = dict(row)
    values["guests"] = json.loads(values["guests"])
    return BookingRow(**values)
