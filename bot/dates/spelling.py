"""Common misspellings of the longer date words ("tommorow", "thrusday", "wensday").

Left alone, a misspelt day word is dropped and the rest of the phrase answers on its own
("tommorow at noon" became today at noon). Only words of 7+ letters are corrected, only
to a date word with the same first letter, within one edit (two for words of 8+ letters),
so short names and common words ("morgan", "match") are never taken for dates.
"""

from __future__ import annotations

import functools
import re

from . import lexicon as lx

_WORD = re.compile(r"(?<![\w@.<|/#:-])[^\W\d_]{7,}(?![\w@/-])")


_LETTERS: dict[str, frozenset[str]] = {}  # the letters of each date word


@functools.cache
def _vocabulary(langs: tuple[str, ...]) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """(every single date word, targets by first letter) for the enabled languages."""
    words: set[str] = set()
    for table in (lx.WEEKDAYS, lx.MONTHS, lx.DAY_WORDS):
        for lang in langs:
            words.update(w for w in table.get(lang, {}) if w.isalpha())
    targets: dict[str, list[str]] = {}
    for w in sorted(words):
        if len(w) >= 7 and w != "yesterday":
            targets.setdefault(w[0], []).append(w)
    for w in words:
        _LETTERS.setdefault(w, frozenset(w))
    return frozenset(words), {k: tuple(v) for k, v in targets.items()}


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance with transpositions (optimal string alignment), cut off above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def correct(text: str, langs: tuple[str, ...]) -> str:
    """`text` with misspelt date words replaced by their spelling (unchanged if none)."""
    known, targets = _vocabulary(langs)

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if low in known or (low.endswith("s") and low[:-1] in known):
            return word  # a date word already, or its plural ("mondays")
        letters = set(low)
        for target in targets.get(low[0], ()):
            limit = 2 if len(target) >= 8 else 1
            # Cheap bounds first: each edit changes the length by at most one and brings
            # in at most one letter the target lacks.
            if abs(len(low) - len(target)) > limit or len(letters - _LETTERS[target]) > limit:
                continue
            if _distance(low, target, limit) <= limit:
                return target
        return word

    return _WORD.sub(fix, text)
