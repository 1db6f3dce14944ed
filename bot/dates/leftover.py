"""The rule that ends silent wrong answers: every date-like token is read, or the phrase is
refused naming it.

After a phrase is read, what is left (the text minus what was read and minus recognised
noise: mentions, links, emails, "1:1", "room 42", versions, money) must hold nothing that
looks like part of a date or time: a clock ("10:12:59"), a numeric date ("3/20",
"13.05.", "07-27-2026"), am/pm after a number, an ordinal ("5th"), a month name, a day or
time word ("tomorrow", "noon", "o'clock"), a zone ("UTC", "Europe/Pariss"). One that is
left means part of the date was not understood, and an answer from the rest would be a
guess ("2 gennaio alle 15:00" is not today at 15:00).

Month names that are also common words or names ("may", "march", "june", "august", short
forms such as "jan" or "dec") count only right beside a number.
"""

from __future__ import annotations

import functools
import re

from . import lexicon as lx
from .finder import finder
from .model import DateParseError

BLANK = "\x00"

# Two kinds of shape: with digits (only looked for while a digit is left), and words.
_DIGIT_SHAPES = re.compile(
    r"(?<![\w.:/-])(?:"
    r"\d{1,2}:\d{2}(?::\d{2})?"  # a clock
    r"|\d{1,2}\.\d{2}(?![\d.])"  # a clock written with a dot ("14.30")
    r"|\d{1,4}/\d{1,2}(?:/\d{1,4})?"  # 3/20, 2026/03/20
    r"|\d{1,4}-\d{1,2}-\d{1,4}"  # 07-27-2026
    r"|\d{1,2}\.\d{1,2}\.(?:\d{2,4})?"  # 13.05., 13.05.2026
    r"|\d{1,2}\s*(?:a\.?\s?m\.?|p\.?\s?m\.?)(?![\w])"  # 3pm, 3 p.m.
    r"|\d{1,2}(?:st|nd|rd|th)"  # 5th
    r")(?![\w/:])"
)
_WORD_SHAPES = re.compile(
    r"(?<![\w])[ap]\.m\.(?![\w])"
    r"|(?<![\w])(?:y|et|e|menos|moins)\s+(?:le\s+)?(?:media|demie|meia|cuarto|quart)(?![\w])"
    r"|(?<![\w])(?:first|second|third|fourth|fifth|last)(?=\s*\x00)"  # "second thursday"
    r"|(?<![\w])the\s+(?:\w+-)?(?:first|second|third|\w+th)\s+of(?![\w])"  # "the twelfth of"
    r"|(?<![\w/])(?:africa|america|antarctica|asia|atlantic|australia|europe|indian|pacific|etc)"
    r"/[\w+-]+"
)
_HAS_WORD_SHAPE = finder(
    (
        *(".m.", "first", "second", "third", "fourth", "fifth", "last", "the", "/"),
        *("media", "demie", "meia", "cuarto", "quart"),  # "y media" left unread
    )
)
_DIGIT = re.compile(r"\d")
# Month names of languages not read here: a date the grammar cannot read, never noise
# ("2 gennaio alle 15:00" is not today at 15:00).
_FOREIGN_MONTHS = {
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre",
    "dicembre", "januari", "februari", "maart", "augustus", "stycznia", "lutego",
}  # fmt: skip
# Repeating times are not one booking ("every weekday 9am" is not tomorrow at 9).
_RECURRING = {
    "weekday", "weekdays", "workday", "workdays", "daily", "weekly", "biweekly",
    "fortnightly", "monthly", "nightly", "diario", "diaria", "semanal", "quotidien",
    "hebdomadaire", "täglich", "wöchentlich", "werktags", "diariamente", "semanalmente",
}  # fmt: skip
# Words that are dates only beside a number ("may 5"), else common words or names.
_WEAK_MONTHS = {"may", "march", "june", "july", "april", "august", "mayo", "mars", "mai"}
_WORD = re.compile(r"(?<![\w'])[^\W\d_]+(?:['’-][^\W\d_]+)?(?![\w])")


@functools.cache
def _words(langs: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(words that always look like a date, words that do only beside a number)."""
    strong: set[str] = {"o'clock", "oclock", "uhr", "ago", "utc", "gmt", "noon", "midnight"}
    strong |= _FOREIGN_MONTHS | _RECURRING
    weak: set[str] = set()
    for lang in langs:
        for w in lx.MONTHS.get(lang, {}):
            (weak if len(w) <= 4 or w in _WEAK_MONTHS else strong).add(w)
        for w in lx.WEEKDAYS.get(lang, {}):
            (weak if len(w) <= 4 or w in lx.WEAK_WEEKDAYS else strong).add(w)
        for table in (lx.DAY_WORDS, lx.PARTS):
            strong.update(w for w in table.get(lang, {}) if " " not in w)
        for table2 in (lx.NOON, lx.MIDNIGHT):
            strong.update(w for w in table2.get(lang, []) if " " not in w)
    strong -= {"domingo", "früh", "night", "abend"}  # a name and everyday words
    weak |= {"domingo"}
    return frozenset(strong), frozenset(weak)


_BARE = re.compile(r"(?<![\w\x00.:/,+])\d{1,2}(?![\w:/.,%-])")


def first_unread(
    text: str, work: str, langs: tuple[str, ...], read: list[tuple[int, int]] | None = None
) -> str | None:
    """The first date-like token of `text` left unread in `work` (same length, read and
    noise spans blanked, lowercase), as written in `text`; None when nothing is left.

    `read`: the spans read as the date. A bare number right beside one of them ("3 in the
    afternoon tomorrow 4:45") was meant as part of the date, so it counts too."""
    digits = _DIGIT.search(work) is not None
    m = _DIGIT_SHAPES.search(work) if digits else None
    if _HAS_WORD_SHAPE(work):
        w = _WORD_SHAPES.search(work)
        if w is not None and (m is None or w.start() < m.start()):
            m = w  # the leftmost of the two (one starts with a digit, the other never)
    if m is not None:
        return text[m.start() : m.end()]
    for b in _BARE.finditer(work) if digits else ():
        if _touches(work, b.start(), b.end(), read or []):
            return text[b.start() : b.end()]
    strong, weak = _words(langs)
    for w in _WORD.finditer(work):
        word = w.group(0).replace("’", "'")
        if word in strong:
            return text[w.start() : w.end()]
        if word in weak and _beside_a_number(work, w.start(), w.end()):
            return text[w.start() : w.end()]
    return None


def refusal(token: str) -> DateParseError:
    """The error for a phrase with a date-like token left unread; names the token."""
    return DateParseError(
        f"I could not read {token.strip()!r} as part of the date; please write the date "
        "and time another way, e.g. 'friday 3pm' or 'july 7 at 10:30'."
    )


def _touches(work: str, start: int, end: int, read: list[tuple[int, int]]) -> bool:
    left = len(work[:start].rstrip(" ,-–")) - 1
    right = end + len(work[end:]) - len(work[end:].lstrip(" ,-–"))
    return any(s <= left < e or s <= right < e for s, e in read)


def _beside_a_number(work: str, start: int, end: int) -> bool:
    before = work[max(0, start - 4) : start]
    after = work[end : end + 4]
    return bool(_NUMBER_BEFORE.search(before) or _NUMBER_AFTER.match(after))


_NUMBER_BEFORE = re.compile(r"\d[\s,.]*$")
_NUMBER_AFTER = re.compile(r"[\s,.]*\d")
