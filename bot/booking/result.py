"""What the user sees after booking; stored as the idempotency result (no Slack here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class BookingResult:
    """What the user sees after booking; stored as the idempotency result (to_dict)."""

    booking_id: int
    event_title: str
    start: datetime
    end: datetime | None
    timezone: str
    name: str
    email: str
    location: str | None = None
    status: str = "scheduled"
    host_name: str = ""
    calendar_id: int | None = None  # whose calendar: the host to tell
    location_type: str | None = None  # whose `location` text it is (phone, address…)

    def to_dict(self) -> dict[str, Any]:
        return {
            "booking_id": self.booking_id,
            "event_title": self.event_title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "timezone": self.timezone,
            "name": self.name,
            "email": self.email,
            "location": self.location,
            "status": self.status,
            "host_name": self.host_name,
            "calendar_id": self.calendar_id,
            "location_type": self.location_type,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BookingResult:
        tz = ZoneInfo(data["timezone"])
        return cls(
            booking_id=int(data["booking_id"]),
            event_title=data["event_title"],
            start=datetime.fromisoformat(data["start"]).astimezone(tz),
            end=datetime.fromisoformat(data["end"]).astimezone(tz) if data.get("end") else None,
            timezone=data["timezone"],
            name=data.get("name", ""),
            email=data.get("email", ""),
            location=data.get("location"),
            status=data.get("status", "scheduled"),
            host_name=data.get("host_name", ""),
            calendar_id=data.get("calendar_id"),
            location_type=data.get("location_type"),
        )
