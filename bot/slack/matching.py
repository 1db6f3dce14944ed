"""Reading a one-line command: who (emails, @mentions) and which event (fuzzy by name)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from bot.slack.views.model import EventInfo

EMAIL_IN_TEXT = re.compile(
    r"(?:<mailto:)?([A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?:\|[^>]*>)?"
)
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
STOPWORDS = {
    "a", "an", "the", "with", "for", "book", "me", "meeting", "call", "at", "on", "and",
    "please", "to", "of", "in", "by", "my", "us", "schedule", "set", "up", "session",
}  # fmt: skip
_WORD = re.compile(r"[\w']+", re.UNICODE)


@dataclass
class Attendees:
    emails: list[str] = field(default_factory=list)
    mentions: list[tuple[str, str | None]] = field(default_factory=list)  # (user id, name)
    rest: str = ""


def extract_attendees(text: str) -> Attendees:
    """Pull emails and @mentions out of the text; `rest` is what remains."""
    found = Attendees()

    def take_mention(m: re.Match[str]) -> str:
        found.mentions.append((m.group(1), m.group(2)))
        return " "

    def take_email(m: re.Match[str]) -> str:
        found.emails.append(m.group(1))
        return " "

    rest = MENTION.sub(take_mention, text)
    rest = EMAIL_IN_TEXT.sub(take_email, rest)
    found.rest = " ".join(rest.split())
    return found


def name_from_email(email: str) -> str:
    """'ana.lopez@acme.com' -> 'Ana Lopez' (a guess the user can change in the form)."""
    local = email.split("@", 1)[0]
    parts = [p for p in re.split(r"[._+-]+", local) if p and not p.isdigit()]
    return " ".join(p.capitalize() for p in parts) or local


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def _score(query: list[str], event: EventInfo) -> float:
    title_words = words(event.title)
    if not title_words or not query:
        return 0.0
    q = " ".join(query)
    t = " ".join(title_words)
    if q == t:
        return 1.0
    total = 0.0
    for qw in query:
        best = max(SequenceMatcher(None, qw, tw).ratio() for tw in title_words)
        if any(tw.startswith(qw) for tw in title_words) and len(qw) >= 3:
            best = max(best, 0.9)
        total += best if best >= 0.75 else 0.0
    coverage = total / len(query)
    return 0.5 * coverage + 0.5 * SequenceMatcher(None, q, t).ratio() * (coverage > 0)


@dataclass
class EventMatch:
    event: EventInfo | None
    candidates: list[EventInfo]  # several when ambiguous, empty when nothing matches


def match_event(text: str, events: list[EventInfo]) -> EventMatch:
    """The event the text names. Close scores are ambiguous and returned as candidates."""
    query = words(text)
    if not query or not events:
        return EventMatch(None, [])
    # an event id typed as a number
    if len(query) == 1 and query[0].isdigit():
        by_id = [e for e in events if e.id == int(query[0])]
        if by_id:
            return EventMatch(by_id[0], by_id)
    scored = sorted(((_score(query, e), e) for e in events), key=lambda p: -p[0])
    scored = [(s, e) for s, e in scored if s >= 0.45]
    if not scored:
        return EventMatch(None, [])
    best = scored[0][0]
    close = [e for s, e in scored if best - s < 0.08]
    if len(close) == 1:
        return EventMatch(close[0], close)
    exact = [e for e in close if words(e.title) == query]
    if len(exact) == 1:
        return EventMatch(exact[0], close)
    return EventMatch(None, close)
