"""Spans of days from today: "next 2 weeks", "the next ten days", "coming 3 weeks",
"this week" (what `/slots` shows). The date grammar reads one date or a part of a day,
not these; this reads only them, in English."""

from __future__ import annotations

import re
from datetime import date, timedelta

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
}  # fmt: skip

_SPAN = re.compile(
    r"\b(?:(?:the\s+)?(?:next|coming)\s+(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\s+"
    r"(days?|weeks?)|this\s+week)\b",
    re.IGNORECASE,
)
MAX_SPAN_DAYS = 60


def read_span(text: str, today: date) -> tuple[str, date, date] | None:
    """(the text without the span, first day, last day) when `text` names a span of days."""
    found = _SPAN.search(text)
    if found is None:
        return None
    rest = (text[: found.start()] + " " + text[found.end() :]).strip()
    if found.group(2) is None:  # this week: today to Sunday
        return rest, today, today + timedelta(days=6 - today.weekday())
    raw = found.group(1).lower()
    count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    days = count * (7 if found.group(2).lower().startswith("week") else 1)
    days = max(1, min(days, MAX_SPAN_DAYS))
    return rest, today, today + timedelta(days=days - 1)
