"""dateparser as a second engine, for forms the grammar does not cover, always checked.

dateparser is handed a naive "now" in the user's zone and no TIMEZONE setting (its
zone handling is where its known bugs are); we localise the answer ourselves and refuse
anything that looks like a guess: an answer equal to "now", or a past date without a year.
"""

from __future__ import annotations

import re
import threading
from datetime import date, time
from typing import Any

from . import leftover, zones
from . import lexicon as lx
from .context import Context, split_text
from .lexicon import DEFAULT_LANGUAGES as GRAMMAR_LANGUAGES
from .model import NoDateFound, ParsedWhen

NO_DATE = "I could not find a date or time in that. Try e.g. 'tomorrow at 3pm' or 'next tue 10:30'."

_settings_cache: dict[str, Any] = {}
#: dateparser's search keeps per-call state on one process-wide object, so two searches
#: in two threads can read each other's language (dateparser issue 1369): one at a time.
#: The bot's warm-up (bot.slack.warm) runs its first search in a worker thread.
_SEARCH_LOCK = threading.Lock()


def settings(base: Any) -> dict[str, Any]:
    """The one settings object passed to dateparser (RELATIVE_BASE replaced per call)."""
    if not _settings_cache:
        _settings_cache.update(
            {
                "PREFER_DATES_FROM": "future",
                "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DAY_OF_MONTH": "first",
                "STRICT_PARSING": False,
            }
        )
    out = dict(_settings_cache)
    out["RELATIVE_BASE"] = base
    return out


def search(text: str, langs: tuple[str, ...], base: Any) -> list[tuple[str, Any]]:
    from dateparser.search import search_dates

    try:
        with _SEARCH_LOCK:
            found = search_dates(text, languages=list(langs), settings=settings(base))
    except Exception:  # dateparser raises assorted errors on odd input
        return []
    return list(found or [])


_HAS_TIME = re.compile(r"\d\s*(?::\d|am|pm|h\b|uhr)", re.I)


def is_duration(matched: str, langs: tuple[str, ...]) -> bool:
    """ "45 minutes", "30 min", "2 hours": a length of time, which dateparser reads as a date."""
    units = {w for lang in langs for w in lx.UNITS.get(lang, {})}
    words = re.findall(r"[^\W\d_]+|\d+(?:[.,]\d+)?", matched.lower())
    return bool(words) and all(w in units or w[0].isdigit() or w in lx.NUMBER_WORDS for w in words)


def date_in(text: str, ctx: Context, need_digit: bool) -> tuple[tuple[int, int], date] | None:
    """The span and date of a date dateparser finds in `text` (checked), or None."""
    user_now = ctx.now_utc.astimezone(ctx.user_tz).replace(tzinfo=None, microsecond=0)
    for matched, value in search(text, ctx.langs, user_now):
        if not re.search(r"[^\W\d_]{3,}", matched) or (
            need_digit and not re.search(r"\d", matched)
        ):
            continue
        if is_duration(matched, ctx.langs):
            continue
        if value.date() < ctx.today and not re.search(r"\d{4}", matched):
            continue
        idx = text.find(matched)
        if idx < 0:
            continue
        return (idx, idx + len(matched.rstrip())), value.date()
    return None


def fallback(text: str, ctx: Context, work: str | None = None) -> ParsedWhen:
    """dateparser's reading of `text` (`work`: its lowercase copy with noise blanked, so a
    version, a mention or "1:1" is never read), checked like the grammar's: every date-like
    token must be in what it read, and a time must be ahead of now."""
    work = work if work is not None else text.lower()
    cleaned = "".join(" " if w == leftover.BLANK else c for c, w in zip(text, work, strict=False))
    if set(ctx.langs) <= set(GRAMMAR_LANGUAGES) and not re.search(r"\d", cleaned):
        raise NoDateFound(NO_DATE)  # in these languages the grammar knows every such form
    user_now = ctx.now_utc.astimezone(ctx.user_tz).replace(tzinfo=None, microsecond=0)
    need_digit = set(ctx.langs) <= set(GRAMMAR_LANGUAGES)
    for matched, value in search(cleaned, ctx.langs, user_now):
        if (need_digit and not re.search(r"\d", matched)) or value == user_now:
            continue
        if not re.search(r"[^\W\d_]{3,}", matched):
            continue  # bare numbers are never dates on their own
        if is_duration(matched, ctx.langs):
            continue  # "for 45 minutes" is a length, not "45 minutes ago"
        granular_time = bool(_HAS_TIME.search(matched))
        day = value.date()
        if day < ctx.today or (granular_time and value < user_now):
            continue  # the past is never a booking
        idx = cleaned.find(matched)
        if idx >= 0:
            rest_work = work[:idx] + leftover.BLANK * len(matched) + work[idx + len(matched) :]
            token = leftover.first_unread(text, rest_work, ctx.langs)
            if token is not None:
                raise leftover.refusal(token)
        wall = time(value.hour, value.minute) if granular_time else time(0)
        notes: list[str] = []
        start, note = zones.localize(
            value.replace(hour=wall.hour, minute=wall.minute, second=0, microsecond=0), ctx.user_tz
        )
        if note:
            notes.append(note)
        m, rest = split_text(text, [(idx, idx + len(matched))] if idx >= 0 else [])
        return ParsedWhen(
            text=text,
            start=start,
            end=None,
            timezone=ctx.user_zone,
            granularity="minute" if granular_time else "day",
            matched=m or matched,
            rest=rest,
            notes=[*notes, "read_by_dateparser"],
        )
    raise NoDateFound(NO_DATE)
