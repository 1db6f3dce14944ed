"""Reading a one-line command: who (emails, @mentions) and which event (fuzzy by name)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from bot.fluentbooking.models import Event

EMAIL_IN_TEXT = re.compile(
    r"(?:<mailto:)?([A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?:\|[^>]*>)?"
)
MENTION = re.compile(r"<@([UW][A-Z0-9_]+)(?:\|([^>]*))?>")
STOPWORDS = {
    "a", "an", "the", "with", "for", "book", "me", "meeting", "at", "on", "and",
    "please", "to", "of", "in", "by", "my", "us", "schedule", "set", "up", "session",
}  # fmt: skip
_WORD = re.compile(r"[\w']+", re.UNICODE)


@dataclass
class Attendees:
    emails: list[str] = field(default_factory=list)
    mentions: list[tuple[str, str | None]] = field(default_factory=list)  # (user id, name)
    rest: str = ""
    phone: str = ""  # "phone +1 555 0100" typed in the line
    address: str = ""  # "address 12 Main St, Springfield" (to the end of the line)


#: "phone +1 555 0100", "tel: (555) 010-0199", or a bare international "+44 20 7946 0000"
PHONE_IN_TEXT = re.compile(
    r"(?:\b(?:phone|tel|telephone|mobile|cell)\b\s*(?:number)?\s*[:#]?\s*(\+?\d[\d ().-]{4,}\d)"
    r"|(?<![\w])(\+\d[\d ().-]{6,}\d))",
    re.IGNORECASE,
)
#: "address 12 Main St" or "at address: ..." up to the end of the line
ADDRESS_IN_TEXT = re.compile(r"\b(?:at\s+)?address\b\s*[:]?\s*(.+)$", re.IGNORECASE)


def extract_attendees(text: str) -> Attendees:
    """Pull emails and @mentions out of the text; `rest` is what remains."""
    found = Attendees()

    def take_mention(m: re.Match[str]) -> str:
        found.mentions.append((m.group(1), m.group(2)))
        return " "

    def take_email(m: re.Match[str]) -> str:
        found.emails.append(m.group(1))
        return " "

    def take_phone(m: re.Match[str]) -> str:
        if not found.phone:
            found.phone = " ".join((m.group(1) or m.group(2)).split())
        return " "

    def take_address(m: re.Match[str]) -> str:
        found.address = " ".join(m.group(1).split())[:300]
        return " "

    rest = MENTION.sub(take_mention, text)
    rest = EMAIL_IN_TEXT.sub(take_email, rest)
    rest = ADDRESS_IN_TEXT.sub(take_address, rest)
    rest = PHONE_IN_TEXT.sub(take_phone, rest)
    found.rest = " ".join(rest.split())
    return found


def name_from_email(email: str) -> str:
    """'ana.lopez@acme.com' -> 'Ana Lopez' (a guess the user can change in the form)."""
    local = email.split("@", 1)[0]
    parts = [p for p in re.split(r"[._+-]+", local) if p and not p.isdigit()]
    return " ".join(p.capitalize() for p in parts) or local


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def _word_score(qw: str, title_words: list[str]) -> float:
    best = 0.0
    for tw in title_words:
        if qw == tw:
            return 1.0
        score = SequenceMatcher(None, qw, tw).ratio()
        if len(qw) >= 3 and tw.startswith(qw):
            score = max(score, 0.9)
        best = max(best, score)
    return best if best >= 0.8 else 0.0


def coverage(query: list[str], event: Event) -> float:
    """How much of what was typed the event's title accounts for (0..1)."""
    title_words = words(event.title)
    if not title_words or not query:
        return 0.0
    return sum(_word_score(q, title_words) for q in query) / len(query)


@dataclass
class EventMatch:
    event: Event | None
    candidates: list[Event]  # several when ambiguous, empty when nothing matches


def match_event(text: str, events: list[Event]) -> EventMatch:
    """The event the text names (fuzzy, by title words). Several equally good matches
    are ambiguous and come back as candidates, unless one title is exactly the text."""
    query = words(text)
    if not query or not events:
        return EventMatch(None, [])
    if (
        len(query) == 1 and query[0].isascii() and query[0].isdigit()
    ):  # an event id typed as a number
        by_id = [e for e in events if e.id == int(query[0])]
        if by_id:
            return EventMatch(by_id[0], by_id)
    scored = [(coverage(query, e), e) for e in events]
    scored = [(c, e) for c, e in scored if c >= 0.6]
    if not scored:
        return EventMatch(None, [])
    top = max(c for c, _ in scored)
    close = [e for c, e in sorted(scored, key=lambda p: -p[0]) if c >= top - 0.05]
    if len(close) == 1:
        return EventMatch(close[0], close)
    exact = [e for e in close if words(e.title) == query]
    if len(exact) == 1:
        return EventMatch(exact[0], close)
    return EventMatch(None, close)
