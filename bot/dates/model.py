"""The result of reading a date phrase, and the error for text that has none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Granularity = Literal["minute", "day", "range"]


class DateParseError(ValueError):
    """The text holds no date or time, or an impossible one; str(e) is fit for the user."""


class NoDateFound(DateParseError):
    """The text holds no date or time at all (as opposed to an impossible one)."""


@dataclass(frozen=True)
class ParsedWhen:
    text: str
    start: datetime  # aware, expressed in `timezone`
    end: datetime | None
    timezone: str  # canonical IANA name, or "+05:30" when a numeric offset has no Etc zone
    granularity: Granularity
    matched: str
    rest: str
    notes: list[str] = field(default_factory=list)
    timezone_kind: Literal["iana", "offset"] = "iana"

    def to_json(self) -> dict[str, Any]:
        """The `parse-date` JSON object of DESIGN.md, plus `rest`, `notes`, `timezone_kind`."""
        return {
            "text": self.text,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end is not None else None,
            "timezone": self.timezone,
            "granularity": self.granularity,
            "matched": self.matched,
            "rest": self.rest,
            "notes": list(self.notes),
            "timezone_kind": self.timezone_kind,
        }
