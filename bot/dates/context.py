"""What one parse works in (the text, the user's zone, now, the languages), and how the
matched date parts are cut out of the text. Shared by the grammar's resolver and the
dateparser fallback, so neither imports the other's module for it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo


@dataclass
class Context:
    text: str
    user_zone: str
    user_tz: tzinfo
    now_utc: datetime
    langs: tuple[str, ...]
    today: date = field(init=False)  # the user's calendar day at now_utc

    def __post_init__(self) -> None:
        self.today = self.now_utc.astimezone(self.user_tz).date()


_CONNECTOR = re.compile(
    r"(?i)(?<![\w@])(?:at|on|for|by|from|around|el|le|am|um|a las|à|às|de|para|pour|für)\s*$"
)

_GLUE = re.compile(r"[\s,]*")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?])")
_EMPTY_PARENS = re.compile(r"\s*\(\s*\)")


def split_text(text: str, spans: list[tuple[int, int]]) -> tuple[str, str]:
    """(matched, rest): the date parts joined, and the text without them."""
    spans = sorted(spans)
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and (s <= merged[-1][1] or _GLUE.fullmatch(text, merged[-1][1], s)):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    matched = " ".join(text[s:e].strip() for s, e in merged)
    pieces: list[str] = []
    pos = 0
    for s, e in merged:
        before = text[pos:s]
        pieces.append(_CONNECTOR.sub("", before) if before else before)
        pos = e
    pieces.append(text[pos:])
    rest = " ".join(" ".join(pieces).split())
    if " ," in rest or " ." in rest or " !" in rest or " ?" in rest:  # single spaces now
        rest = _SPACE_BEFORE_PUNCT.sub(r"\1", rest)
    if "(" in rest:
        rest = _EMPTY_PARENS.sub("", rest)
    rest = rest.strip(" ,;-–")  # "(pst)" once the zone is read
    return matched, rest
