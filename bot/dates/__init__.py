"""Plain-language dates → timezone-aware instants, by the rules of DATES.md.

    from bot.dates import parse_when, ParsedWhen, DateParseError, warm_up

A hand-written grammar reads the common forms in the enabled languages and decides each
reading itself; dateparser is loaded only for forms the grammar does not know.
"""

from __future__ import annotations

import os
from datetime import datetime
from types import ModuleType

from .help import HELP_TEXT
from .lexicon import DEFAULT_LANGUAGES
from .model import DateParseError, Granularity, NoDateFound, ParsedWhen

__all__ = [
    "DEFAULT_LANGUAGES",
    "HELP_TEXT",
    "DateParseError",
    "Granularity",
    "NoDateFound",
    "ParsedWhen",
    "configured_languages",
    "parse_when",
    "warm_up",
]

MAX_TEXT = 500
_resolve: ModuleType | None = None  # bot.dates.resolve, once a phrase has been read


_languages_read: tuple[str, tuple[str, ...]] | None = None  # ($DATE_LANGUAGES, its reading)


def configured_languages() -> tuple[str, ...]:
    """Languages from $DATE_LANGUAGES (read by bot.config), default en,es,fr,de,pt.

    Read again only when the variable changes: parsing it on every call cost 2-3 us."""
    global _languages_read
    raw = os.environ.get("DATE_LANGUAGES", "")
    if _languages_read is None or _languages_read[0] != raw:
        from bot.config import date_languages

        _languages_read = (raw, date_languages() or DEFAULT_LANGUAGES)
    return _languages_read[1]


def parse_when(
    text: str,
    tz: str = "UTC",
    now: datetime | None = None,
    *,
    languages: tuple[str, ...] | None = None,
) -> ParsedWhen:
    """Read the date in `text` for a user in zone `tz` at `now` (aware, or naive in `tz`).

    Raises DateParseError (a ValueError) when there is no date, an impossible one, or an
    unknown zone; its message is fit to show the user.
    """
    global _resolve
    if _resolve is None:  # imported on first use: `import bot.dates` stays light
        from . import resolve

        _resolve = resolve
    if not isinstance(text, str) or not text.strip():
        raise NoDateFound("Please give a date or time, e.g. 'tomorrow at 3pm'.")
    if len(text) > MAX_TEXT:
        raise DateParseError("That text is too long to read a date from.")
    ctx, _ = _resolve.make_context(text, tz, now, languages or configured_languages())
    return _resolve.parse(text, ctx)


def warm_up() -> None:
    """Pay the one-off costs (patterns, zone tables, dateparser's import) at bot start."""
    from . import zones
    from .fallback import search
    from .grammar import patterns

    patterns(configured_languages())
    zones.cities()
    zones.is_us_zone("UTC")
    parse_when("tomorrow at 3pm London time", "America/New_York")
    search("15 janvier 2030", configured_languages(), datetime(2030, 1, 1))
