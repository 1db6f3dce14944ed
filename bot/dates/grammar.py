"""A small grammar that finds the date parts of a sentence, with their spans.

It only *finds* things (a weekday and its modifier, a clock time, a zone...); `resolve.py`
decides what they mean under DATES.md. Patterns run in a fixed order over a lowercased
copy of the text; each match blanks its span so later patterns cannot reuse it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from . import lexicon as lx
from . import zones
from .finder import finder as _finder
from .model import DateParseError

_BLANK = "\x00"
T = TypeVar("T")


@dataclass
class Clock:
    hour: int
    minute: int = 0
    meridiem: str | None = None  # "am" | "pm"
    literal: bool = False  # a 24-hour reading was written ("07:30", "15h", "14 Uhr")
    special: str | None = None  # "midnight" | "noon"
    minus: int = 0  # "quarter to 4": minutes before the hour
    second: int = 0


@dataclass
class DaySpec:
    kind: str  # rel | weekday | date | dom | numeric | iso
    value: tuple[int | str | None, ...]
    weak: bool = False


@dataclass
class ZoneSpec:
    name: str
    kind: str = "iana"  # iana | offset
    tz: object = None


@dataclass
class Found:
    days: list[DaySpec] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    clock_range: tuple[Clock, Clock] | None = None
    parts: list[tuple[str, int | None]] = field(default_factory=list)
    elapsed: list[tuple[float, str]] = field(default_factory=list)  # (n, minutes|hours)
    calendar: list[tuple[float, str, int]] = field(default_factory=list)  # (n, unit, base)
    zone: ZoneSpec | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    week_range: bool = False
    period: tuple[str, int] | None = None  # ("weekend", 0 this | 1 next) or ("month", 1)
    notes: list[str] = field(default_factory=list)
    now: bool = False  # "now", "ahora", "jetzt"...
    offsets: int = 0  # offset phrases read ("in 1d 2hr" is one)
    week_part: str | None = None  # "early" | "late" next week

    def empty(self) -> bool:
        return not (
            self.days
            or self.clocks
            or self.clock_range
            or self.parts
            or self.elapsed
            or self.calendar
            or self.week_range
            or self.period
            or self.now
            or self.week_part
        )


def _alt(words: list[str]) -> str:
    """Regex alternation, longest first, each word escaped."""
    if not words:
        return r"(?!x)x"  # matches nothing: no word of this kind in the enabled languages
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _lang_words(table: dict[str, list[str]], langs: tuple[str, ...]) -> list[str]:
    return [w for lang in langs for w in table.get(lang, [])]


def _lang_map(table: Mapping[str, Mapping[str, T]], langs: tuple[str, ...]) -> dict[str, T]:
    out: dict[str, T] = {}
    for lang in langs:
        out.update(table.get(lang, {}))
    return out


_B = r"(?<![\w@])"  # word start (also not inside an email or mention)
_E = r"(?![\w])"  # word end
_AMPM = r"(a\.?\s?m\.?|p\.?\s?m\.?)(?![\w])"


Step = tuple[re.Pattern[str], tuple[str, ...], Callable[..., int | None]]


@dataclass
class Patterns:
    langs: tuple[str, ...]
    weekdays: dict[str, int]
    months: dict[str, int]
    day_words: dict[str, int]
    parts: dict[str, tuple[str, int | None]]
    units: dict[str, str]
    regexes: dict[str, re.Pattern[str]]
    ordinal_words: dict[str, int]
    gates: dict[str, Callable[[str], object]]  # gate name -> test: truthy when it passes
    # (regex, its gates, the Scanner method that reads a match), in the order they run
    steps: tuple[Step, ...]
    unread_gate: Callable[[str], object]  # a word every match of regexes["unread"] holds
    first_gates: tuple[str, ...] = ()  # the first gate of every step (DIGIT first)
    plans: dict[tuple[bool, ...], tuple[Step, ...]] = field(default_factory=dict)

    def plan(self, passed: tuple[bool, ...]) -> tuple[Step, ...]:
        """The steps whose first gate passed (`passed`: one per first gate), each with its
        other gates; at most one plan per combination, computed once."""
        found = self.plans.get(passed)
        if found is None:
            ok = {g for g, yes in zip(self.first_gates, passed, strict=True) if yes}
            found = tuple((rx, gates[1:], h) for rx, gates, h in self.steps if gates[0] in ok)
            self.plans[passed] = found
        return found


DIGIT = "digit"  # gate: the text holds a digit
_ANY_DIGIT = re.compile(r"\d")


@functools.cache
def patterns(langs: tuple[str, ...]) -> Patterns:
    wd: dict[str, int] = _lang_map(lx.WEEKDAYS, langs)
    mo: dict[str, int] = _lang_map(lx.MONTHS, langs)
    dw: dict[str, int] = _lang_map(lx.DAY_WORDS, langs)
    parts: dict[str, tuple[str, int | None]] = _lang_map(lx.PARTS, langs)
    units: dict[str, str] = _lang_map(lx.UNITS, langs)
    weekday = _alt(list(wd))
    after_words = (
        _lang_words(lx.NEXT_AFTER, langs)
        + _lang_words(lx.NEXT_WEEK, langs)
        + _lang_words(lx.AFTER_NEXT, langs)
    )
    before_words = _lang_words(lx.NEXT_BEFORE, langs) + _lang_words(lx.THIS_BEFORE, langs)
    month = _alt(list(mo))
    weekend_after = _lang_words(lx.NEXT_AFTER, langs) + _lang_words(lx.AFTER_NEXT, langs)
    at = _alt(_lang_words(lx.AT_WORDS, langs))
    num = r"\d+(?:[.,]\d+)?|" + _alt(list(lx.NUMBER_WORDS))
    unit = _alt(list(units))
    in_words = _alt(_lang_words(lx.IN_WORDS, langs))
    ordinal_words = dict(lx.ORDINAL_WORDS) if "en" in langs else {}
    ordinal_words.update(_lang_map(lx.ORDINAL_WORDS_OTHER, langs))
    ordw = _alt(list(ordinal_words))
    ordinal = rf"(\d{{1,2}}|{ordw})(?:st|nd|rd|th|º|ª|er|e|\.)?"
    numw = _alt(list(lx.NUMBER_WORDS))
    piece = rf"(?:\d+(?:[.,]\d+)?\s*|(?<![^\W\d_])(?:{numw})\s+)(?:{unit})(?![^\W\d_])"
    joiner = rf"\s*(?:(?:{_alt(lx.AND_WORDS)})\s*)?"
    pieces = rf"{piece}(?:{joiner}{piece})*"
    about = rf"(?:(?:{_alt(_lang_words(lx.ABOUT, langs))})\s*)?"
    now_words = _alt(_lang_words(lx.NOW, langs))
    year = r"(?:,?\s*(?:de\s+)?(\d{4}))?"
    the = r"(?:(?:on\s+)?the\s+|(?:el|le|am|no|em)\s+)?"
    clock = r"(\d{1,2})(?:[:.h](\d{2})(?::(\d{2}))?|h(?![\w]))?"
    week_words = _alt(_lang_words(lx.NEXT_WEEK, langs))
    half_words = _alt(_lang_words(lx.HALF_PAST, langs) + _lang_words(lx.HALF_TO, langs))
    r: dict[str, str] = {
        "iso": r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[t\s]+(\d{2}):(\d{2})(?::(\d{2}))?)?(?!\d)",
        "ago": _B
        + rf"(?:(?:{_alt(_lang_words(lx.AGO_BEFORE, langs))})\s+(?:{pieces})"
        + rf"|(?:{pieces})\s+(?:{_alt(_lang_words(lx.AGO_AFTER, langs))})){_E}",
        "in_n": _B + rf"(?:{in_words})\s+{about}({pieces})(?![^\W\d_])",
        "signed": rf"(?:(?<![\w@])({now_words})\s*|(?<![\w@+\-/:.]))([+-])\s*({pieces})"
        r"(?![^\W\d_])",
        "now": _B
        + r"(?<!for )(?<!until )(?<!till )(?<!by )(?<!than )"
        + rf"({now_words}){_E}(?![-']|\s+(?:that|on)\b)",
        "half": _B
        + rf"(?:(?:{at})\s+)?({half_words})"
        + rf"\s+(\d{{1,2}}|{_alt(list(lx.HOUR_WORDS))})(?![\w:.]|\s*(?:{unit}){_E})"
        + rf"(?:\s*{_AMPM})?",
        "week_part": _B
        + r"(?:(?:in|on)\s+)?(?:the\s+)?"
        + rf"({_alt(_lang_words(lx.WEEK_EARLY, langs) + _lang_words(lx.WEEK_LATE, langs))})"
        + rf"\s+(?:the\s+)?({week_words}){_E}",
        "year_month_day": _B
        + r"(?<![-./+])"
        + rf"(\d{{4}})\s+({month})\.?\s+{ordinal}(?![\d:]|[.]\d)",
        "de_weekday": r"(?<![\w@])(mo|di|mi|do|fr|sa|so)\.?,?\s+(?=\d{1,2}\.\d{1,2}\.)",
        "n_from": _B + rf"({num})\s*({unit})\s+(from now|from today|from tomorrow|later){_E}",
        "week_from": _B + r"(a|one|two|\d+)\s+weeks?\s+(?:from|after)\s+(today|tomorrow|now)" + _E,
        "month_day": _B + r"(?<!of )(?<!de )" + the + rf"({month})\.?\s+(?:the\s+)?{ordinal}{year}"
        r"(?!\d|\s*(?::\d|\.\d|a\.?m(?!\w)|p\.?m(?!\w)|h\d|uhr))" + _E,
        "day_month": _B + the + rf"{ordinal}\s*(?:of\s+|de\s+)?({month}){_E}\.?{year}",
        "numeric": r"(?<![\w/.:+-])(\d{1,4})([/.-])(\d{1,2})(?:\2(\d{2,4}))?(\.)?"
        r"(?![\w/:]|\.\d(?!\d?:\d\d)|-\d)",
        "clock_range": _B + rf"(?:from\s+|between\s+|de\s+|das\s+|von\s+|entre\s+)?{clock}\s*"
        rf"(?:{_AMPM})?\s*(?:-|–|—|to|until|till|and|a|à|às|bis|e)\s*{clock}(?![\d:])\s*"
        rf"(?:{_AMPM})?(?:\s*(?:uhr|o'?clock)(?![\w]))?",
        "ampm": _B + rf"(?:(?:{at})\s+)?{clock}\s*{_AMPM}",
        "past_to": _B + rf"(?:(?:{at})\s+)?(half|quarter|a quarter|\d{{1,2}})(?:\s+min(?:ute)?s?)?"
        rf"\s+(past|after|to|before)\s+(\d{{1,2}})(?:\s*{_AMPM})?",
        "at_clock": _B + rf"(?:{at})\s+(\d{{1,2}})(?:([:h.])(\d{{2}})(?::(\d{{2}}))?)?"
        rf"(?:\s*({_alt(lx.HOUR_SUFFIX)}))?(?![\w:/]|[.,]\d)",
        "h_clock": _B + r"(\d{1,2})\s*(?:h|uhr)(?:\s*(\d{2}))?" + _E,
        "colon": _B + r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])(?:\s*(?:o'?clock|uhr|h))?",
        "oclock": _B + r"(\d{1,2})\s*o'?clock" + _E,
        "noon": r"(?<![\w@-])" + rf"(?:(?:{at})\s+)?({_alt(_lang_words(lx.NOON, langs))}){_E}",
        "noon_range": r"(?<![\w@-])"
        + rf"(?:(?:{at}|from|between)\s+)?({_alt(_lang_words(lx.NOON, langs))})\s*"
        + r"(?:-|–|—|to|until|till)\s*(\d{1,2})(?:[:.](\d{2}))?(?![\d:])\s*"
        + rf"(?:{_AMPM})?",
        "midnight": r"(?<![\w@-])"
        + rf"(?:(?:{at})\s+)?({_alt(_lang_words(lx.MIDNIGHT, langs))}){_E}",
        "part": _B + rf"(?:in\s+the\s+|on\s+)?({_alt(list(parts))}){_E}",
        "day_word": _B + rf"(?:for\s+)?({_alt(list(dw))}){_E}",
        "weekday": _B
        + rf"(?:({_alt(_lang_words(lx.ON_ARTICLE, langs))})\s+)?"
        + rf"(?:({_alt(before_words)})\s+)?"
        + rf"(?:({_alt(_lang_words(lx.NEXT_WEEK, langs))})\s+(?:(?:on|el|le|am|no|na)\s+)?)?"
        + rf"({weekday})\.?{_E}"
        + rf"(?:\s+(?:(?:of|de|da|der)\s+)?({_alt(after_words)}){_E})?",
        "next_week": _B + rf"({_alt(_lang_words(lx.NEXT_WEEK, langs))}){_E}",
        "ordinal": _B + r"(?:on\s+)?(?:the\s+)?(\d{1,2})(st|nd|rd|th)" + _E,
        "ordinal_word": _B + rf"(?:on\s+)?the\s+({ordw}){_E}" + r"(?=\s*(?:$|[,.!?;)\x00]|at\s|@))",
        "end_of_day": r"(?<![\w@-])"
        + rf"(?:(?:{at})\s+)?({_alt(_lang_words(lx.END_OF_DAY, langs))}){_E}",
        "end_of_week": r"(?<![\w@-])"
        + rf"(?:(?:{at})\s+)?(?:the\s+)?({_alt(_lang_words(lx.END_OF_WEEK, langs))}){_E}",
        "weekend": _B
        + rf"(?:(?:on|over|during)\s+)?(?:({_alt(before_words)})\s+)?(?:the\s+|el\s+|le\s+|o\s+)?"
        + rf"({_alt(_lang_words(lx.WEEKEND, langs))}){_E}"
        + rf"(?:\s+({_alt(weekend_after)}){_E})?",
        "next_month": _B + rf"({_alt(_lang_words(lx.NEXT_MONTH, langs))}){_E}",
        "nth_weekday": _B
        + rf"(?:on\s+)?(?:the\s+)?({_alt(list(lx.NTH))})\s+({weekday})\s+"
        + rf"(?:of|in)\s+(?:({_alt(_lang_words(lx.NEXT_MONTH, langs))})"
        + rf"|({_alt(_lang_words(lx.THIS_MONTH, langs))})|({month})(?:\s+(\d{{4}}))?){_E}",
        "unread": _B
        + rf"(?:(?:{_alt(_lang_words(lx.PERIOD_MODIFIERS, langs))})\s+"
        + rf"(?:{_alt(_lang_words(lx.PERIOD_WORDS, langs))})"
        + rf"|(?:{_alt(_lang_words(lx.PERIOD_WORDS, langs))})\s+"
        + rf"(?:{_alt(_lang_words(lx.PERIOD_MODIFIERS, langs))})"
        + rf"|{_alt(lx.UNREAD_ALONE)}|{_alt(_lang_words(lx.WEEKEND, langs))}){_E}",
    }
    compiled = {k: re.compile(v) for k, v in r.items()}
    words = lambda *tables: tuple(w for t in tables for w in _lang_words(t, langs))  # noqa: E731
    # A pattern runs only when the text passes all of its gates: cheap searches for a
    # piece every match of the pattern must contain (a word of the pattern, a ":", a
    # digit beside a "/"...). Most phrases skip most patterns, which keeps a reading well
    # under 0.1 ms. Gates are searched in the text before any pattern blanks a part of
    # it: a match never holds a blank, so what it contains was already there.
    gate_words: dict[str, tuple[str, ...]] = {
        "month": tuple(mo),
        "weekday": tuple(wd),
        "part": tuple(parts),
        "day_word": tuple(dw),
        "in": words(lx.IN_WORDS),
        "at": words(lx.AT_WORDS),
        "ago": words(lx.AGO_BEFORE, lx.AGO_AFTER),
        "signed": ("+", "-"),
        "now": words(lx.NOW),
        "half": words(lx.HALF_PAST, lx.HALF_TO),
        "next_week": words(lx.NEXT_WEEK),
        "end_of_day": words(lx.END_OF_DAY),
        "end_of_week": words(lx.END_OF_WEEK),
        "weekend": words(lx.WEEKEND),
        "next_month": words(lx.NEXT_MONTH),
        "midnight": words(lx.MIDNIGHT),
        "noon": words(lx.NOON),
        "n_from": ("from now", "from today", "from tomorrow", "later"),
        "week": ("week",),
        "of_in": (" of ", " in "),
        "the": ("the ",),
        "past_to": ("past", "after", "to", "before"),
        "colon": (":",),
        "clock_word": ("clock",),
        "h": ("h",),
    }
    gate_words.update(
        iso=("-",), numeric=("/", ".", "-"), dotted=(".",), ordinal=("st", "nd", "rd", "th")
    )
    # Words few phrases hold: one search for any of them first, a word's own gate after.
    rare = ("ago", "now", "half", "next_week", "end_of_day", "end_of_week", "weekend",
            "next_month", "midnight", "noon", "n_from", "week", "of_in", "the")  # fmt: skip
    gate_words["rare"] = tuple(w for k in rare for w in gate_words[k])
    gate_rx = {k: _finder(v) for k, v in gate_words.items()}
    gate_rx["ampm"] = re.compile(r"[ap]\.?\s?m").search
    # Words that also occur inside other words ("to" in "tomorrow", "at" in "saturday"):
    # the gate asks for what follows them in every match too.
    gate_rx["past_to"] = re.compile(r"\s(?:past|after|to|before)\s").search
    gate_rx["at"] = re.compile(rf"(?:{_alt(list(gate_words['at']))})\s+\d").search
    gate_rx["in"] = re.compile(rf"(?:{_alt(list(gate_words['in']))})\s").search
    gate_rx["range"] = re.compile(
        r"[\dh]\s*(?:[ap]\.?\s?m\.?)?\s*(?:-|–|—|to|until|till|and|a|à|às|bis|e)\s*\d"
    ).search
    gates: dict[str, tuple[str, ...]] = {
        "iso": (DIGIT, "iso"),
        "ago": ("rare", "ago"),
        "signed": ("signed",),
        "in_n": ("in",),
        "n_from": ("rare", "n_from"),
        "week_from": ("rare", "week"),
        "now": ("rare", "now"),
        "year_month_day": (DIGIT, "month"),
        "de_weekday": (DIGIT, "dotted"),
        "month_day": ("month",),
        "day_month": ("month",),
        "numeric": (DIGIT, "numeric"),
        "nth_weekday": ("rare", "of_in"),
        "next_month": ("rare", "next_month"),
        "weekend": ("rare", "weekend"),
        "end_of_week": ("rare", "end_of_week"),
        "end_of_day": ("rare", "end_of_day"),
        "noon_range": ("rare", "noon"),
        "clock_range": (DIGIT, "range"),
        "past_to": (DIGIT, "past_to"),
        "half": ("rare", "half"),
        "ampm": (DIGIT, "ampm"),
        "midnight": ("rare", "midnight"),
        "noon": ("rare", "noon"),
        "at_clock": (DIGIT, "at"),
        "colon": (DIGIT, "colon"),
        "h_clock": (DIGIT, "h"),
        "oclock": (DIGIT, "clock_word"),
        "part": ("part",),
        "day_word": ("day_word",),
        "weekday": ("weekday",),
        "week_part": ("rare", "next_week"),
        "next_week": ("rare", "next_week"),
        "ordinal": (DIGIT, "ordinal"),
        "ordinal_word": ("rare", "the"),
    }
    order = [k for k in gates if k != "de_weekday" or "de" in langs]
    steps = tuple((compiled[k], gates[k], getattr(Scanner, "_" + k)) for k in order)
    unread_gate = _finder(
        tuple(
            _lang_words(lx.PERIOD_WORDS, langs) + lx.UNREAD_ALONE + _lang_words(lx.WEEKEND, langs)
        )
    )
    first = tuple(dict.fromkeys([DIGIT] + [gates[k][0] for k in order]))
    return Patterns(
        langs, wd, mo, dw, parts, units, compiled, ordinal_words, gate_rx, steps, unread_gate,
        first,
    )  # fmt: skip


_NOISE = re.compile(
    r"<[@#!][^>]*>|<https?://[^>]*>|https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b\d+:\d(?!\d)|\b(?:room|salle|sala|raum|zimmer)\s+\d+(?:[-–/]\d+)?\b|#\d+"
    # Numbers that are not dates: versions ("v1.4.2", "Version: 1.1.30"), money, percentages.
    r"|(?<![\w])(?:v|ver\.?|version|versión|versão|release|build|rev)\s*:?\s*\d+(?:\.\d+)+"
    r"|[$€£]\s?\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*\s?(?:%|€|\$|usd|eur)(?![\w])"
)
# What every kind of noise above holds at least one of: text without any has no noise.
_NOISE_GATE = re.compile(r"[<:@#.$€£%]|room|salle|sala|raum|zimmer|usd|eur")
_ZONE_AFTER = re.compile(
    r"\s*(?:in\s+|,\s*)?(?:(utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)"
    r"|([+-])(\d{2}):?(\d{2})(?!\d)|(z)(?![\w])|([a-zà-ÿ][a-zà-ÿ_/'. -]{1,40}))"
)
_DOM_AFTER = re.compile(
    r",?\s+(?:the\s+|le\s+|el\s+|den\s+|dia\s+)?(\d{1,2})(?:st|nd|rd|th|º|ª|er|\.)?"
    r"(?![\d:/]|\s*[-–]\s*\d|\s*(?:h\d|h(?!\w)|uhr|a\.?m(?!\w)|p\.?m(?!\w)|[.:]\d|o'?clock))"
)
_HAS_DOM_ARTICLE = _finder(("el", "le", "dia", "día", "den", "am"))
_DOM_ALONE = re.compile(
    r"(?<![\w@])(?:el|le|dia|día|den|am)\s+(\d{1,2})(?:º|ª|er|\.)?"
    r"(?![\d:/]|\s*(?:h\d|h(?!\w)|uhr|a\.?m(?!\w)|p\.?m(?!\w)|[.:]\d|o'?clock))"
)
_UPPER_ONLY = {"et", "ist", "la"}
_FRACTION = re.compile(
    r"\s+(?:(y|et|e)\s+(media|demie|meia|cuarto|quart)|(menos|moins)\s+(?:le\s+)?(cuarto|quart))"
    r"(?![\w])"
)
_ORDINAL_SUFFIX = re.compile(r"(st|nd|rd|th)(?!\w)")
_ARTICLE_BEFORE_DAY = re.compile(r",?\s+(?:the|le|el|den|dia)\s")
_LOOSE_YEAR = re.compile(r"(?<![\w\x00:/.,+-])(\d{4})(?![\w:/]|\.\d)")
_BARE_HOUR_RANGE = re.compile(r"(?<![\w\x00:/.,+-])(\d{1,2})\s*[-–]\s*(\d{1,2})(?![\w:/]|[.-]\d)")
_BARE_NUMBER = re.compile(r"(?<![\w\x00:/.,+-])(\d{1,4})(?:\.(\d{2}))?(?![\w:/]|\.\d)")
_ZONE_ANY_OFFSET = re.compile(r"(?<![\w])(utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)")
_ZONE_TIME = re.compile(r"(?<![\w])((?:[a-zà-ÿ.]+\s+){0,2}[a-zà-ÿ.]+)\s+time(?![\w])")
_ZONE_IANA = re.compile(r"(?<![\w/])([a-z]+(?:/[a-z0-9_+-]+){1,2})(?![\w/])")
_ZONE_ABBR_UPPER = re.compile(r"(?<![\w])([A-Z]{2,4})(?![\w])")
_LOWER_IS_A_WORD = {"est", "ist", "wet", "eet", "sgt", "brt", "hkt", "kst", "et", "ct", "mt", "pt"}
# A lowercase word of 3-4 letters that is an abbreviation and no word in the languages.
_ZONE_ABBR_LOWER = re.compile(
    r"(?<![\w@.])("
    + _alt([a for a in zones.ABBREVIATIONS if 3 <= len(a) <= 4 and a not in _LOWER_IS_A_WORD])
    + r")(?![\w@])"
)
_HAS_ABBR_LOWER = _finder(
    tuple(a for a in zones.ABBREVIATIONS if 3 <= len(a) <= 4 and a not in _LOWER_IS_A_WORD)
)
# One to three words right after a clock time, longest first: a zone's name ("new york")
_WORDS_3_2_1 = tuple(
    re.compile(rf"((?:[a-zà-ÿ_/'.-]+\s+){{{k - 1}}}[a-zà-ÿ_/'.-]+)") for k in (3, 2, 1)
)
_TIME_WORD = re.compile(r"\s+time(?![\w])")
_UNREAD_BESIDE = re.compile(
    "every|each|last|previous|past|cada|chaque|tous les|toutes les|jeden|jede|letzten|letzter|"
    "vergangenen|todos los|todas las|todas as|todos os|último|última|ultimo|ultima|"
    "pasado|passado|passada|dernier|dernière|derniere"
)  # a word of _BEFORE_DATE or _AFTER_DATE: without one neither can match
# A quantifier or "last" right before a date, or "pasado"/"dernier" right after it: the
# date is recurring or past, and reading it as the next one would be a wrong booking.
_BEFORE_DATE = re.compile(
    r"(?<![\w])(every|each|last|previous|past|cada|chaque|tous les|toutes les|jeden|jede|"
    r"letzten|letzter|vergangenen|todos los|todas las|todas as|todos os|último|última|"
    r"ultimo|ultima)\s*\x01"
)
_AFTER_DATE = re.compile(r"\x01\s*(pasado|passado|passada|dernier|dernière|derniere)(?![\w])")


_PIECE = re.compile(
    rf"(\d+(?:[.,]\d+)?|(?<![^\W\d_])(?:{_alt(list(lx.NUMBER_WORDS))})(?=\s))\s*([^\W\d_]+)"
)


def _number(word: str) -> float:
    word = word.strip()
    if word in lx.NUMBER_WORDS:
        return lx.NUMBER_WORDS[word]
    return float(word.replace(",", "."))


class Scanner:
    """Runs the patterns over one text and collects what they find."""

    def __init__(self, text: str, langs: tuple[str, ...], user_zone: str) -> None:
        self.text = text
        self.pat = patterns(langs)
        self.user_zone = user_zone
        # Lowercase per character so spans keep their positions: str.lower() may lengthen
        # a character ("İ") or read a capital sigma by its place; then one at a time.
        low = text.lower()
        if len(low) != len(text) or "Σ" in text:
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        self._upper = low != text  # some letter is uppercase (a zone abbreviation may be)
        low = low.replace("’", "'")
        if _NOISE_GATE.search(low):
            low = _NOISE.sub(lambda m: _BLANK * len(m.group(0)), low)
        self.work = low
        self.original = self.work  # before any pattern blanks what it read
        self.found = Found()
        self._digits = _ANY_DIGIT.search(self.work) is not None
        self._tentative: tuple[str, int] | None = None
        self._part_starts: set[int] = set()

    # -- helpers ---------------------------------------------------------------------
    def _take(self, start: int, end: int) -> None:
        self.work = self.work[:start] + _BLANK * (end - start) + self.work[end:]
        self.found.spans.append((start, end))

    def _each(self, rx: re.Pattern[str], handler: Callable[..., int | None]) -> None:
        """Call handler(self, match) for each match; it returns the end of what it used
        (None: skip)."""
        pos = 0
        while True:
            m = rx.search(self.work, pos)
            if m is None:
                return
            end = handler(self, m)
            if end is None:
                pos = m.start() + 1
                continue
            self._take(m.start(), end)
            pos = end

    def _zone_after(self, pos: int) -> int:
        """Read a zone written right after a clock time; return the new end."""
        m = _ZONE_AFTER.match(self.work, pos)
        if m is None:
            return pos
        if m.group(1):
            self._set_offset(m.group(2), int(m.group(3)), int(m.group(4) or 0))
            return m.end()
        if m.group(5):
            self._set_offset(m.group(5), int(m.group(6)), int(m.group(7)))
            return m.end()
        if m.group(8):
            self._set_zone("UTC")
            return m.end()
        for words in _WORDS_3_2_1:
            w = words.match(self.work, m.start(9))
            if w is None:
                continue
            cand = w.group(1).rstrip(".,")
            name = self._lookup(
                cand, allow_city=True, original=self.text[m.start(9) : m.start(9) + len(cand)]
            )
            if name:
                end = m.start(9) + len(cand)
                tail = _TIME_WORD.match(self.work, end)
                if tail:
                    end = tail.end()
                self._set_zone(name)
                return end
        return pos

    def _lookup(self, cand: str, allow_city: bool, original: str | None = None) -> str | None:
        cand = cand.strip()
        if cand in _UPPER_ONLY and (original is None or original.strip() != cand.upper()):
            return None  # "et", "ist", "la" are common words unless written as "ET", "IST"
        if cand in zones.ABBREVIATIONS:
            return zones.abbreviation_zone(cand, self.user_zone)
        if "/" in cand:
            try:
                return zones.canonical(cand)
            except Exception:
                return None
        if allow_city:
            return zones.cities().get(cand)
        return None

    def _set_zone(self, name: str) -> None:
        spec = ZoneSpec(name=name, kind="iana", tz=zones.zone(name))
        if self.found.zone is not None and self.found.zone.name != name:
            raise DateParseError("The text names two different time zones; please give one.")
        self.found.zone = spec

    def _set_offset(self, sign: str, hours: int, minutes: int) -> None:
        try:
            name, tz, kind = zones.offset_zone(sign, hours, minutes)
        except ValueError:
            raise DateParseError(f"UTC{sign}{hours} is not a valid UTC offset.") from None
        if self.found.zone is not None and self.found.zone.name != name:
            raise DateParseError("The text names two different time zones; please give one.")
        self.found.zone = ZoneSpec(name=name, kind=kind, tz=tz)

    # -- the scan --------------------------------------------------------------------
    def scan(self) -> Found:
        f = self.found
        # Gates are searched in the text as written (before any pattern blanks a part of
        # it), each at most once.
        pat, original = self.pat, self.original
        gate_rx = pat.gates
        first = [self._digits] + [bool(gate_rx[g](original)) for g in pat.first_gates[1:]]
        seen: dict[str, bool] = {}
        for rx, gates, handler in pat.plan(tuple(first)):
            for g in gates:
                ok = seen.get(g)
                if ok is None:
                    ok = seen[g] = bool(gate_rx[g](original))
                if not ok:
                    break
            else:
                self._each(rx, handler)
        self._dom_alone()
        self._loose_year()
        self._bare_number_by_day()
        self._zones_anywhere()
        return f

    def unread(self) -> str | None:
        """A period phrase left unread ("of next month", "last week", "eod"), or None.

        The grammar read something else in the text; answering from that part alone
        would be a guess ("first monday of next month" is not "monday").
        """
        m = (
            self.pat.regexes["unread"].search(self.work)
            if self.pat.unread_gate(self.work)
            else None
        )
        if m is not None:
            return self.text[m.start() : m.end()]
        if _UNREAD_BESIDE.search(self.work) is None:
            return None
        marked = list(self.work)
        for start, end in self.found.spans:
            marked[start:end] = "\x01" * (end - start)
        joined = "".join(marked)
        for rx in (_BEFORE_DATE, _AFTER_DATE):
            hit = rx.search(joined)
            if hit is not None:
                return self.text[hit.start(1) : hit.end(1)]
        return None

    def _period(self, kind: str, n: int) -> None:
        if self.found.period is not None and self.found.period != (kind, n):
            raise DateParseError("The text names two different periods; please give one.")
        self.found.period = (kind, n)

    def _nth_weekday(self, m: re.Match[str]) -> int:
        nth, name, next_month, this_month, month, year = m.groups()
        ref: tuple[int | str | None, ...]
        if next_month:
            ref = ("rel", 1, None)
        elif this_month:
            ref = ("rel", 0, None)
        else:
            ref = ("month", self.pat.months[month], _int(year))
        value = (lx.NTH[nth], self.pat.weekdays[name], *ref)
        self.found.days.append(DaySpec("nth_weekday", value))
        return m.end()

    def _next_month(self, m: re.Match[str]) -> int:
        self._period("month", 1)
        return m.end()

    def _weekend(self, m: re.Match[str]) -> int:
        before, _, after = m.groups()
        nexts = _lang_words(lx.NEXT_BEFORE, self.pat.langs) + _lang_words(
            lx.NEXT_AFTER, self.pat.langs
        )
        if after in _lang_words(lx.AFTER_NEXT, self.pat.langs):
            self._period("weekend", 2)  # the weekend after next
        else:
            self._period("weekend", 1 if (before in nexts or after in nexts) else 0)
        return m.end()

    def _end_of_week(self, m: re.Match[str]) -> int:
        self.found.days.append(DaySpec("weekday", (4, "bare")))
        self.found.clocks.append(Clock(17, 0, literal=True))
        return m.end()

    def _end_of_day(self, m: re.Match[str]) -> int:
        return self._add_clock(Clock(17, 0, literal=True), m.end())

    def _iso(self, m: re.Match[str]) -> int:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        self.found.days.append(DaySpec("iso", (y, mo, d)))
        if m.group(4):
            hour, minute, second = int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)
            _check_clock(hour, minute, None, self.text, second)
            self.found.clocks.append(Clock(hour, minute, literal=True, second=second))
            return self._zone_after(m.end())
        return m.end()

    def _ago(self, m: re.Match[str]) -> int:
        raise DateParseError(
            f"{self.text[m.start() : m.end()].strip()!r} is in the past; please give a time ahead."
        )

    def _pieces(self, text: str, base: int = 0, sign: int = 1) -> None:
        """Each "N unit" of an offset ("1d 2hr 5min", "1 hora y 30 minutos")."""
        self.found.offsets += 1
        for p in _PIECE.finditer(text):
            if p.group(2) not in self.pat.units:
                continue
            self._rel(sign * _number(p.group(1)), p.group(2), base)

    def _signed(self, m: re.Match[str]) -> int:
        if m.group(2) == "-":
            raise DateParseError(
                f"{self.text[m.start() : m.end()].strip()!r} is in the past; "
                "please give a time ahead, e.g. '+2hr' or 'in 2 hours'."
            )
        self._pieces(m.group(3))
        return m.end()

    def _now(self, m: re.Match[str]) -> int:
        self.found.now = True
        return m.end()

    def _year_month_day(self, m: re.Match[str]) -> int:
        month = self.pat.months[m.group(2)]
        self.found.days.append(DaySpec("date", (month, self._dom(m.group(3)), int(m.group(1)))))
        return m.end()

    def _de_weekday(self, m: re.Match[str]) -> int:
        self.found.days.append(DaySpec("weekday", (lx.WEEKDAY_ABBR_DE[m.group(1)], "bare")))
        return m.end()

    def _dom(self, word: str) -> int:
        if word in self.pat.ordinal_words:
            return self.pat.ordinal_words[word]
        return int(word)

    def _half(self, m: re.Match[str]) -> int:
        word, hour_text, ampm = m.groups()
        hour = lx.HOUR_WORDS.get(hour_text) or int(hour_text)
        if word in _lang_words(lx.HALF_TO, self.pat.langs):
            hour = hour - 1 or 12  # "halb drei" is 2:30
        c = self._clock(str(hour), "30", ampm)
        return self._add_clock(c, m.end())

    def _week_part(self, m: re.Match[str]) -> int:
        early = _lang_words(lx.WEEK_EARLY, self.pat.langs)
        part = "early" if m.group(1) in early else "late"
        if self.found.week_part not in (None, part):
            raise DateParseError("The text names two parts of next week; please give one.")
        self.found.week_part = part
        return m.end()

    def _ordinal_word(self, m: re.Match[str]) -> int:
        self.found.days.append(DaySpec("dom", (self._dom(m.group(1)),)))
        return m.end()

    def _loose_year(self) -> None:
        """ "Tue Jan 20 10:00:00 2026": a year written after the clock time of a dated line."""
        f = self.found
        if not (f.clocks and f.days and self._digits):
            return
        undated = [d for d in f.days if d.kind == "date" and d.value[2] is None]
        if len(undated) != 1:
            return
        for m in _LOOSE_YEAR.finditer(self.work):
            before = self.work[: m.start()].rstrip(" ,")
            if not before.endswith(_BLANK):
                continue
            spec = undated[0]
            spec.value = (spec.value[0], spec.value[1], int(m.group(1)))
            self._take(m.start(), m.end())
            return

    def _rel(self, n: float, unit: str, base: int = 0) -> None:
        unit = self.pat.units.get(unit, unit)
        if unit == "fortnights":
            n, unit = n * 2, "weeks"
        if unit in ("minutes", "hours"):
            self.found.elapsed.append((n, unit))
        else:
            if n != int(n):
                raise DateParseError(f"Please give a whole number of {unit}.")
            self.found.calendar.append((n, unit, base))

    def _in_n(self, m: re.Match[str]) -> int:
        self._pieces(m.group(1))
        return m.end()

    def _n_from(self, m: re.Match[str]) -> int:
        self.found.offsets += 1
        self._rel(_number(m.group(1)), m.group(2), 1 if m.group(3) == "from tomorrow" else 0)
        return m.end()

    def _week_from(self, m: re.Match[str]) -> int:
        self.found.offsets += 1
        self._rel(_number(m.group(1)), "weeks", 1 if m.group(2) == "tomorrow" else 0)
        return m.end()

    def _month_day(self, m: re.Match[str]) -> int:
        month = self.pat.months[m.group(1)]
        self.found.days.append(DaySpec("date", (month, self._dom(m.group(2)), _int(m.group(3)))))
        return m.end()

    def _day_month(self, m: re.Match[str]) -> int:
        month = self.pat.months[m.group(2)]
        self.found.days.append(DaySpec("date", (month, self._dom(m.group(1)), _int(m.group(3)))))
        return m.end()

    def _numeric(self, m: re.Match[str]) -> int | None:
        a, sep, b, y, dot = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
        if sep == "-" and not y:
            return None  # "9-5", "3-4pm": ranges of hours, not dates
        if sep == "." and not (y or dot):
            return None  # "1.5" is a number, not a date; German dates end with a dot
        if len(a) == 4:  # 2025/01/15
            if not y:
                return None
            self.found.days.append(DaySpec("iso", (int(a), int(b), int(y))))
            return m.end()
        if len(a) > 2:
            return None
        self.found.days.append(DaySpec("numeric", (int(a), int(b), _int(y))))
        return m.end()

    def _clock(self, h: str, mi: str | None, ampm: str | None, sec: str | None = None) -> Clock:
        hour, minute, second = int(h), int(mi or 0), int(sec or 0)
        mer = None
        if ampm:
            mer = "am" if ampm[0] == "a" else "pm"
        literal = mer is None and h.startswith("0") and len(h) == 2
        _check_clock(hour, minute, mer, self.text, second)
        return Clock(hour, minute, mer, literal, second=second)

    def _clock_range(self, m: re.Match[str]) -> int | None:
        g = m.groups()
        a_mer, b_mer = g[3], g[7]
        text = m.group(0)
        has_colon = g[1] is not None or g[5] is not None or re.search(r"\dh", text) is not None
        prefixed = re.match(r"(from|between|de|das|von|entre)\s", text) is not None
        if not (a_mer or b_mer or has_colon or prefixed):
            return None
        sep = re.search(r"\s(and|a|à|às|e)\s", text)
        if sep and not prefixed:
            return None  # "3 and 4pm" without "between"
        start = self._clock(g[0], g[1], a_mer, g[2])
        end = self._clock(g[4], g[5], b_mer, g[6])
        if re.search(r"(uhr|\dh)(?![\w])", text) or re.search(r"\dh\s*(?:-|–|—|à|a|bis)", text):
            start.literal = start.literal or start.hour >= 13
            end.literal = end.literal or end.hour >= 13
        if self.found.clock_range is not None:
            raise DateParseError("The text gives two time ranges; please give one.")
        self.found.clock_range = (start, end)
        return self._zone_after(m.end())

    def _add_clock(self, c: Clock, end: int) -> int:
        frac = _FRACTION.match(self.work, end)
        if frac is not None and c.special is None and c.minute == 0 and not c.minus:
            # "a las 7 y media" is 7:30, "a las 8 menos cuarto" 7:45: never the bare hour
            minutes = lx.CLOCK_FRACTIONS[frac.group(2) or frac.group(4)]
            if frac.group(1):
                c.minute = minutes
            elif minutes == 15:
                c.minus = 15
            else:
                raise DateParseError(
                    f"Please write {frac.group(0).strip()!r} as a time, e.g. 7:30."
                )
            end = frac.end()
        self.found.clocks.append(c)
        return self._zone_after(end)

    def _past_to(self, m: re.Match[str]) -> int | None:
        amount, direction, hour, ampm = m.groups()
        minutes = {"half": 30, "quarter": 15, "a quarter": 15}.get(amount) or int(amount)
        if minutes >= 60 or (direction in ("to", "before") and amount == "half"):
            return None
        c = self._clock(hour, None, ampm)
        if direction in ("past", "after"):
            c.minute = minutes
        else:
            c.minus = minutes
        return self._add_clock(c, m.end())

    def _ampm(self, m: re.Match[str]) -> int:
        c = self._clock(m.group(1), m.group(2), m.group(4), m.group(3))
        return self._add_clock(c, m.end())

    def _midnight(self, m: re.Match[str]) -> int:
        if m.group(1).endswith("tonight"):
            self.found.parts.append(("tonight_midnight", 0))
        return self._add_clock(Clock(0, 0, special="midnight"), m.end())

    def _noon_range(self, m: re.Match[str]) -> int:
        """ "noon-1", "noon to 2pm": a range from 12:00."""
        if self.found.clock_range is not None:
            raise DateParseError("The text gives two time ranges; please give one.")
        end = self._clock(m.group(2), m.group(3), m.group(4))
        self.found.clock_range = (Clock(12, 0, "pm", special="noon"), end)
        return self._zone_after(m.end())

    def _noon(self, m: re.Match[str]) -> int:
        return self._add_clock(Clock(12, 0, special="noon"), m.end())

    def _at_clock(self, m: re.Match[str]) -> int | None:
        h, sep, mi, sec, suffix = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
        after = self.work[m.end() : m.end() + 12]
        if _ORDINAL_SUFFIX.match(after) and suffix is None:
            return None  # "at 3rd", "à 15 de..." handled elsewhere
        if int(h) > 29 and mi is None and suffix is None:
            return None  # "at 42 Main St" is an address, not a time
        c = self._clock(h, mi, None, sec)
        if sep == "h" or (suffix and suffix not in ("o'clock", "oclock")):
            c.literal = True  # 15h, 14 Uhr: a 24-hour clock
        return self._add_clock(c, m.end())

    def _colon(self, m: re.Match[str]) -> int:
        c = self._clock(m.group(1), m.group(2), None, m.group(3))
        if m.group(0).endswith(("uhr", "h")):
            c.literal = True
        return self._add_clock(c, m.end())

    def _h_clock(self, m: re.Match[str]) -> int:
        c = self._clock(m.group(1), m.group(2), None)
        c.literal = True
        return self._add_clock(c, m.end())

    def _oclock(self, m: re.Match[str]) -> int:
        return self._add_clock(self._clock(m.group(1), None, None), m.end())

    def _part(self, m: re.Match[str]) -> int:
        self._part_starts.add(m.start())
        self.found.parts.append(self.pat.parts[m.group(1)])
        return m.end()

    def _day_word(self, m: re.Match[str]) -> int:
        word = m.group(1)
        self.found.days.append(DaySpec("rel", (self.pat.day_words[word],)))
        if word == "tonight":
            self.found.parts.append(("evening", 0))
        return m.end()

    def _weekday(self, m: re.Match[str]) -> int | None:
        article, before, week_before, name, after = m.groups()
        day = self.pat.weekdays[name]
        mode = "bare"
        if before:
            is_this = any(before == w for w in _lang_words(lx.THIS_BEFORE, self.pat.langs))
            mode = "this" if is_this else "next"
        if week_before:
            mode = "next_week"
        if after:
            if after in _lang_words(lx.NEXT_WEEK, self.pat.langs):
                mode = "next_week"
            elif after in _lang_words(lx.AFTER_NEXT, self.pat.langs):
                mode = "after_next"
            else:
                mode = "next"
        weak = name in lx.WEAK_WEEKDAYS and mode == "bare" and not article
        self.found.days.append(DaySpec("weekday", (day, mode), weak=weak))
        # "jueves 16", "Tuesday the 14th": the day of the month follows the weekday
        dom = _DOM_AFTER.match(self.work, m.end())
        if dom and int(dom.group(1)) <= 12 and self._part_follows(dom.end()):
            dom = None  # "friday 3 in the afternoon": a clock time, never the 3rd
        if dom and mode in ("bare", "this", "next"):
            n = int(dom.group(1))
            marked = dom.group(0).strip(" ,")[-1:].isalpha() or dom.group(0).endswith(
                (".", "º", "ª")
            )
            marked = marked or bool(_ARTICLE_BEFORE_DAY.match(dom.group(0)))
            if n > 12 or marked:
                self.found.days.append(DaySpec("dom", (n,)))
            else:  # "friday 10": an hour unless a clock time is written elsewhere
                self._tentative = (dom.group(1), len(self.found.days))
                self.found.days.append(DaySpec("dom", (n,)))
            return dom.end()
        return m.end()

    def _part_follows(self, pos: int) -> bool:
        """A part of the day was read right after `pos` ("3 in the afternoon")."""
        rest = self.work[pos:]
        start = pos + len(rest) - len(rest.lstrip(" "))
        return start > pos and start in self._part_starts

    def _next_week(self, m: re.Match[str]) -> int:
        self.found.week_range = True
        return m.end()

    def _dom_alone(self) -> None:
        """ "el 15", "dia 15", "le 15": a day of the month named with an article."""
        if not self._digits:
            return
        for m in _DOM_ALONE.finditer(self.work) if _HAS_DOM_ARTICLE(self.work) else ():
            self.found.days.append(DaySpec("dom", (int(m.group(1)),)))
            self._take(m.start(), m.end())

    def _bare_number_by_day(self) -> None:
        """A lone number written right beside a day is its time: "tomorrow 0930", "9 friday"."""
        f = self.found
        if self._tentative and not (f.clocks or f.clock_range):
            digits, index = self._tentative
            del f.days[index]
            f.clocks.append(self._clock(digits, None, None))
            return
        if f.clocks or f.clock_range or not (f.days or f.calendar or f.parts):
            return
        # "9-5 tomorrow": a range of bare hours right beside a day
        for m in _BARE_HOUR_RANGE.finditer(self.work):
            before = self.work[: m.start()].rstrip(" ")
            after = self.work[m.end() :].lstrip(" ")
            if not (before.endswith(_BLANK) or after.startswith(_BLANK)):
                continue
            if not (after == "" or after[0] in _BLANK + ",.;!?)"):
                continue
            f.clock_range = (
                self._clock(m.group(1), None, None),
                self._clock(m.group(2), None, None),
            )
            self._take(m.start(), m.end())
            return
        for m in _BARE_NUMBER.finditer(self.work):
            before = self.work[: m.start()].rstrip(" ")
            after = self.work[m.end() :].lstrip(" ")
            touches = before.endswith(_BLANK) or after.startswith(_BLANK)
            ends = after == "" or after[0] in _BLANK + ",.;!?)"
            if not (touches and ends):
                continue
            digits = m.group(1)
            if m.group(2) is not None:  # "tomorrow 14.30": a clock written with a dot
                if len(digits) > 2:
                    continue
                c = self._clock(digits, m.group(2), None)
                c.literal = c.hour >= 13 or digits.startswith("0")
            elif len(digits) <= 2:
                c = self._clock(digits, None, None)
            elif len(digits) == 4 and digits[0] in "012":
                c = self._clock(digits[:2], digits[2:], None)
                c.literal = True
            else:
                continue
            f.clocks.append(c)
            self._take(m.start(), m.end())
            return

    def _ordinal(self, m: re.Match[str]) -> int:
        self.found.days.append(DaySpec("dom", (int(m.group(1)),)))
        return m.end()

    def _zones_anywhere(self) -> None:
        w = self.work
        if "utc" in w or "gmt" in w:
            for m in _ZONE_ANY_OFFSET.finditer(w):
                self._set_offset(m.group(2), int(m.group(3)), int(m.group(4) or 0))
                self._take(m.start(), m.end())
        w = self.work
        for m in _ZONE_TIME.finditer(w) if "time" in w else ():
            starts = [x.start() for x in re.finditer(r"\S+", m.group(1))]
            for s0 in starts:
                start = m.start(1) + s0
                cand = w[start : m.end(1)]
                name = self._lookup(cand, allow_city=True, original=self.text[start : m.end(1)])
                if name:
                    self._set_zone(name)
                    self._take(start, m.end())
                    break
        for m in _ZONE_IANA.finditer(self.work) if "/" in self.work else ():
            name = self._lookup(m.group(1), allow_city=False)
            if name:
                self._set_zone(name)
                self._take(m.start(), m.end())
        if self.found.empty():
            return
        for m in _ZONE_ABBR_UPPER.finditer(self.text) if self._upper else ():
            if self.work[m.start() : m.end()] != m.group(1).lower():
                continue
            abbr = m.group(1).lower()
            if abbr in zones.ABBREVIATIONS and abbr not in ("z",):
                self._set_zone(zones.abbreviation_zone(abbr, self.user_zone))
                self._take(m.start(), m.end())
        # "3pm tomorrow pst", "(cet)": lowercase, away from the clock. Only abbreviations
        # that are no word in the enabled languages ("est", "ist" are French and German).
        for m in _ZONE_ABBR_LOWER.finditer(self.work) if _HAS_ABBR_LOWER(self.work) else ():
            self._set_zone(zones.abbreviation_zone(m.group(1), self.user_zone))
            self._take(m.start(), m.end())


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def _check_clock(hour: int, minute: int, mer: str | None, text: str, second: int = 0) -> None:
    if second > 59:
        raise DateParseError(f"{hour}:{minute:02d}:{second:02d} is not a valid time of day.")
    if minute > 59 or hour > 23 or (mer and not 1 <= hour <= 12):
        shown = f"{hour}:{minute:02d}{mer or ''}" if mer else f"{hour}:{minute:02d}"
        raise DateParseError(f"{shown} is not a valid time of day.")
