"""Decide what the parts found by the grammar mean, by the rules of DATES.md."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TypeVar

from . import leftover, spelling, zones
from . import lexicon as lx
from .context import Context, split_text
from .grammar import Clock, DaySpec, Found, Scanner
from .model import DateParseError, Granularity, ParsedWhen

T = TypeVar("T")
_GRAMMAR_LANGUAGES = frozenset(lx.DEFAULT_LANGUAGES)  # fallback.GRAMMAR_LANGUAGES
PART_HOURS = {"morning": (8, 12), "afternoon": (12, 17), "evening": (17, 21)}
MAX_YEARS_AHEAD = 100  # farther than this is a typo or a test of the bot, never a meeting
TOO_FAR = "That date is too far away; please give a date within the next 100 years."
PAST = "That is in the past; please give a date or time ahead."


def make_context(
    text: str, tz: str, now: datetime | None, langs: tuple[str, ...]
) -> tuple[Context, list[str]]:
    try:
        user_zone = zones.resolve_user_zone(tz)
    except ValueError as e:
        raise DateParseError(str(e)) from None
    user_tz = zones.zone(user_zone)
    notes: list[str] = []
    if now is None:
        now_utc = datetime.now(UTC)
    elif now.tzinfo is None or now.utcoffset() is None:
        local, _ = zones.localize(now, user_tz)
        now_utc = local.astimezone(UTC)
    else:
        now_utc = now.astimezone(UTC)
    return Context(text, user_zone, user_tz, now_utc, langs), notes


def parse(text: str, ctx: Context) -> ParsedWhen:
    corrected = spelling.correct(text, ctx.langs)
    if corrected != text:
        fixed = parse(corrected, replace(ctx, text=corrected))
        return replace(fixed, text=text, notes=[*fixed.notes, "spelling_corrected"])
    scanner = Scanner(text, ctx.langs, ctx.user_zone)
    found = scanner.scan()
    if found.empty():
        from .fallback import fallback

        return fallback(text, ctx, scanner.work)
    unread = scanner.unread()
    if unread is not None:
        raise DateParseError(
            f"I could not read {unread.strip()!r} as part of a date; please give the day, "
            "e.g. 'friday 3pm' or 'july 7'."
        )
    work = scanner.work  # what the grammar read is blanked in it
    if not (found.days or found.calendar or found.elapsed or found.week_range or found.period):
        work = _date_in_leftover(text, work, found, ctx)
    _refuse_unread(text, work, found.spans, ctx.langs)
    return Resolver(ctx, found).resolve()


def _refuse_unread(
    text: str, work: str, spans: list[tuple[int, int]], langs: tuple[str, ...]
) -> None:
    """Every date-like token must be part of the reading (leftover.py): else refuse, naming
    it. `work`: the text with every span read (`spans`) blanked."""
    token = leftover.first_unread(text, work, langs, spans)
    if token is not None:
        raise leftover.refusal(token)


_DIGIT = re.compile(r"\d")


def _date_in_leftover(text: str, work: str, found: Found, ctx: Context) -> str:
    """A time was found but no day: make sure no date the grammar cannot read is left over.

    Otherwise "2 gennaio alle 15:00" would quietly become today at 15:00. Returns `work`
    with the date found there (if any) blanked too.
    """
    foreign = not set(ctx.langs) <= _GRAMMAR_LANGUAGES
    if not (foreign or _DIGIT.search(work)):
        return work
    from .fallback import date_in

    leftover = "".join(" " if w == "\x00" else c for c, w in zip(text, work, strict=True))
    hit = date_in(leftover, ctx, need_digit=not foreign)
    if hit is None:
        return work
    (start, end), day = hit
    found.days.append(DaySpec("iso", (day.year, day.month, day.day)))
    found.spans.append((start, end))
    found.notes.append("read_by_dateparser")
    return work[:start] + "\x00" * (end - start) + work[end:]


class Resolver:
    def __init__(self, ctx: Context, found: Found) -> None:
        self.ctx = ctx
        self.f = found
        self.notes: list[str] = list(found.notes)
        if found.zone is not None:
            self.zone_name, self.kind = found.zone.name, found.zone.kind
            self.tz: tzinfo = found.zone.tz  # type: ignore[assignment]
        else:
            self.zone_name, self.kind, self.tz = ctx.user_zone, "iana", ctx.user_tz

    # -- helpers ---------------------------------------------------------------------
    def _local(self, d: date, t: time) -> datetime:
        if d.year > self.ctx.today.year + MAX_YEARS_AHEAD:
            raise DateParseError(TOO_FAR)
        aware, note = zones.localize(datetime.combine(d, t), self.tz)
        if note and note not in self.notes:
            self.notes.append(note)
        return aware

    def _zone_today(self) -> date:
        return self.ctx.now_utc.astimezone(self.tz).date()

    def _instant(self, d: date, t: time) -> datetime:
        return zones.localize(datetime.combine(d, t), self.tz)[0]

    def _result(
        self, start: datetime, end: datetime | None, granularity: Granularity
    ) -> ParsedWhen:
        if start.year > self.ctx.today.year + MAX_YEARS_AHEAD:
            raise DateParseError(TOO_FAR)
        last = end if end is not None else start
        if last.astimezone(self.ctx.user_tz).date() < self.ctx.today:
            raise DateParseError(PAST)
        matched, rest = split_text(self.ctx.text, self.f.spans)
        return ParsedWhen(
            text=self.ctx.text,
            start=start,
            end=end,
            timezone=self.zone_name,
            granularity=granularity,
            matched=matched,
            rest=rest,
            notes=self.notes,
            timezone_kind="offset" if self.kind == "offset" else "iana",
        )

    # -- the decision ----------------------------------------------------------------
    def resolve(self) -> ParsedWhen:
        """The reading; dates beyond the calendar's range are refused, never a crash."""
        try:
            return self._resolve()
        except DateParseError:
            raise
        except (OverflowError, ValueError):
            raise DateParseError(TOO_FAR) from None

    def _resolve(self) -> ParsedWhen:
        f = self.f
        if f.offsets > 1:
            raise DateParseError("The text gives two different offsets; please give one.")
        days = _dedupe(f.days)
        days = self._weekday_agrees(days)
        if len(days) > 1:
            days = [d for d in days if not d.weak] or days[:1]
        if len(days) > 1:
            raise DateParseError("The text names two different dates; please give one.")
        parts = [p for p in _dedupe(f.parts) if p[0] != "tonight_midnight"]
        if len({p[0] for p in parts}) > 1:
            raise DateParseError("The text names two parts of the day; please give one.")
        part = parts[0][0] if parts else None
        if not days and parts and parts[0][1] is not None:
            days = [DaySpec("rel", (parts[0][1],))]
        clocks = _dedupe(f.clocks)
        if len(clocks) > 1 or (clocks and f.clock_range):
            raise DateParseError("The text gives two different times; please give one.")
        clock = clocks[0] if clocks else None
        others = bool(days or clock or f.clock_range or parts or f.week_range or f.period)

        if f.now:
            if others or f.calendar or f.elapsed or f.week_part:
                raise DateParseError("Give either 'now' or a time, not both.")
            start = self.ctx.now_utc.replace(microsecond=0).astimezone(self.tz)
            return self._result(start, None, "minute")

        if f.week_part is not None:
            if others or f.calendar or f.elapsed:
                raise DateParseError("Which day next week? Name the day, e.g. 'tuesday next week'.")
            today = self.ctx.today
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            first, after = lx.WEEK_PARTS[f.week_part]
            start = self._local(monday + timedelta(days=first), time(0))
            end = self._local(monday + timedelta(days=after), time(0))
            return self._result(start, end, "range")

        if f.period is not None:
            if days or clock or f.clock_range or parts or f.calendar or f.elapsed or f.week_range:
                raise DateParseError(
                    "Which day? Name it, e.g. 'saturday 10am' rather than a weekend or month."
                )
            return self._period_range(*f.period)

        if f.elapsed:
            if days or clock or f.clock_range or parts or f.week_range:
                raise DateParseError("Give either an offset like 'in 2 hours' or a time.")
            minutes = sum(n * (60 if u == "hours" else 1) for n, u in f.elapsed)
            base = self.ctx.now_utc
            if f.calendar:  # "in 1d 2hr": the calendar part first, then elapsed time
                local_now = self.ctx.now_utc.astimezone(self.ctx.user_tz)
                on = self._calendar_day()
                wall = datetime.combine(on, local_now.time().replace(tzinfo=None))
                base = zones.localize(wall, self.ctx.user_tz)[0].astimezone(UTC)
            start = (base + timedelta(minutes=minutes)).astimezone(self.tz)
            return self._result(start, None, "minute")

        day: date | None = None
        if f.calendar:
            if days:
                raise DateParseError("The text names two different dates; please give one.")
            day = self._calendar_day()
        if f.week_range:
            if days or clock or f.clock_range or f.calendar:
                raise DateParseError("Which day next week? Name the day, e.g. 'tuesday next week'.")
            monday = self.ctx.today - timedelta(days=self.ctx.today.weekday()) + timedelta(days=7)
            start = self._local(monday, time(0))
            end = self._local(monday + timedelta(days=7), time(0))
            return self._result(start, end, "range")

        if f.clock_range:
            t1, t2 = _range_times(f.clock_range, part)
            if day is None and days:
                day = self._day(days[0], lambda d: self._instant(d, t1) > self.ctx.now_utc)
            if day is None:
                day = self._next_after_now(t1)
            start = self._local(day, t1)
            end_day = day if t2 > t1 else day + timedelta(days=1)
            end = self._local(end_day, t2)
            return self._result(start, end, "range")

        if clock is not None:
            if clock.special == "midnight":
                if day is None and days:
                    day = self._day(days[0], None)
                day = (day if day is not None else self._zone_today()) + timedelta(days=1)
                return self._result(self._local(day, time(0)), None, "minute")
            t = _clock_time(clock, part)
            if day is None and days:
                day = self._day(days[0], lambda d: self._instant(d, t) > self.ctx.now_utc)
            if day is None:
                day = self._next_after_now(t)
            return self._result(self._local(day, t), None, "minute")

        if part is not None:
            h1, h2 = PART_HOURS[part]
            if day is None and days:
                day = self._day(days[0], None)
            if day is None:
                today = self.ctx.today
                ends = self._instant(today, time(h2))
                day = today if ends > self.ctx.now_utc else today + timedelta(days=1)
            return self._result(self._local(day, time(h1)), self._local(day, time(h2)), "range")

        if day is None:
            day = self._day(days[0], None)
        return self._result(self._local(day, time(0)), None, "day")

    def _calendar_day(self) -> date:
        """Today moved by the calendar units of the one offset phrase, in order."""
        day = self.ctx.today + timedelta(days=self.f.calendar[0][2])
        for n, unit, _ in self.f.calendar:
            day = _add(day, int(n), unit)
        return day

    def _period_range(self, kind: str, n: int) -> ParsedWhen:
        """'this/next weekend': Saturday 00:00 to Monday 00:00; 'next month': the whole month."""
        today = self.ctx.today
        if kind == "weekend":
            wd = today.weekday()
            if n == 0:  # this weekend: the current one on Saturday and Sunday
                first = today - timedelta(days=wd - 5) if wd >= 5 else today + timedelta(5 - wd)
            else:  # next weekend: the first Saturday strictly after today
                first = today + timedelta(days=((5 - wd) % 7 or 7) + 7 * (n - 1))
            last = first + timedelta(days=2)
        else:
            first = _add(today.replace(day=1), n, "months")
            last = _add(first, 1, "months")
        return self._result(self._local(first, time(0)), self._local(last, time(0)), "range")

    def _nth_weekday(self, n: int, wd: int, kind: str, a: int, year: int | None) -> date:
        """'first monday of next month', 'last friday of june' (the next such day from today)."""
        today = self.ctx.today
        if kind == "rel":
            first = _add(today.replace(day=1), a, "months")
            day = _nth_in_month(first.year, first.month, n, wd)
            if day < today:
                raise DateParseError(f"That day ({day:%A %B} {day.day}) has passed.")
            return day
        years = [year] if year is not None else [today.year, today.year + 1]
        for y in years:
            day = _nth_in_month(y, a, n, wd)
            if day >= today or year is not None:
                return day
        raise DateParseError("That date is too far away.")  # pragma: no cover

    def _weekday_agrees(self, days: list[DaySpec]) -> list[DaySpec]:
        """'Tue Jan 14': a weekday beside a date must name that date's weekday; keep the date."""
        if len(days) != 2:
            return days
        wds = [d for d in days if d.kind == "weekday" and d.value[1] in ("bare", "this", "next")]
        dated = [d for d in days if d.kind in ("date", "dom", "numeric", "iso")]
        if len(wds) != 1 or len(dated) != 1 or len(days) != 2:
            return days
        day = self._day(dated[0], None)
        if day.weekday() != wds[0].value[0]:
            raise DateParseError(
                f"{day:%B} {day.day} is a {day:%A}, not a {calendar.day_name[int(wds[0].value[0])]}"  # type: ignore[arg-type]
                "; please check the date."
            )
        if wds[0].value[1] != "bare" and self._day(wds[0], None) != day:
            # "next monday, 12.10.2026": a date weeks away is not next Monday
            raise DateParseError(
                f"{day:%A %B} {day.day} is not the {wds[0].value[1]} "
                f"{day:%A}; please give one of them."
            )
        return [DaySpec("iso", (day.year, day.month, day.day))]

    def _next_after_now(self, t: time) -> date:
        d = self._zone_today()
        if self._instant(d, t) > self.ctx.now_utc:
            return d
        return d + timedelta(days=1)

    def _day(self, spec: DaySpec, ahead: Callable[[date], bool] | None) -> date:
        today = self.ctx.today
        v = spec.value
        if spec.kind == "rel":
            return today + timedelta(days=int(v[0]))  # type: ignore[arg-type]
        if spec.kind == "iso":
            y, m, d = (int(x) for x in v)  # type: ignore[arg-type]
            return _valid(y, m, d)
        if spec.kind == "date":
            month, dom, year = v
            return self._month_day(int(month), int(dom), year)  # type: ignore[arg-type]
        if spec.kind == "dom":
            return self._day_of_month(int(v[0]))  # type: ignore[arg-type]
        if spec.kind == "nth_weekday":
            nth, weekday, kind, ref, year = v
            return self._nth_weekday(int(nth), int(weekday), str(kind), int(ref), year)  # type: ignore[arg-type]
        if spec.kind == "numeric":
            return self._numeric(int(v[0]), int(v[1]), v[2])  # type: ignore[arg-type]
        wd, mode = int(v[0]), v[1]  # type: ignore[arg-type]
        delta = (wd - today.weekday()) % 7
        if mode == "bare":
            if delta == 0 and not (ahead is not None and ahead(today)):
                delta = 7
        elif mode == "next":
            delta = delta or 7
        elif mode == "after_next":
            delta = (delta or 7) + 7
        elif mode == "next_week":
            delta = 7 - today.weekday() + wd
        return today + timedelta(days=delta)

    def _month_day(self, month: int, dom: int, year: int | None) -> date:
        if year is not None:
            return _valid(year, month, dom)
        if not 1 <= month <= 12 or not 1 <= dom <= (29 if month == 2 else _mdays(2001, month)):
            raise DateParseError(f"{calendar.month_name[month]} {dom} is not a date.")
        today = self.ctx.today
        for y in range(today.year, today.year + 9):
            if dom <= _mdays(y, month) and date(y, month, dom) >= today:
                return date(y, month, dom)
        raise DateParseError("That date is too far away.")  # pragma: no cover

    def _day_of_month(self, dom: int) -> date:
        if not 1 <= dom <= 31:
            raise DateParseError(f"There is no day {dom} in a month.")
        today = self.ctx.today
        y, m = today.year, today.month
        for _ in range(14):
            if dom <= _mdays(y, m) and date(y, m, dom) >= today:
                return date(y, m, dom)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        raise DateParseError("That date is too far away.")  # pragma: no cover

    def _numeric(self, a: int, b: int, year: int | None) -> date:
        if year is not None and year < 100:
            year += 2000

        def ok(month: int, dom: int) -> bool:
            if not 1 <= month <= 12:
                return False
            limit = _mdays(year, month) if year else (29 if month == 2 else _mdays(2001, month))
            return 1 <= dom <= limit

        month_first, day_first = ok(a, b), ok(b, a)
        if not (month_first or day_first):
            raise DateParseError(f"{a}/{b} is not a valid date.")
        if month_first and day_first and a != b:
            if zones.is_us_zone(self.ctx.user_zone):
                self.notes.append("month_first_assumed")
                day_first = False
            else:
                self.notes.append("day_first_assumed")
                month_first = False
        month, dom = (a, b) if month_first else (b, a)
        return self._month_day(month, dom, year)


def _hour24(c: Clock, part: str | None) -> int:
    h = c.hour
    if c.special == "noon":
        return 12
    if c.meridiem == "am":
        return h % 12
    if c.meridiem == "pm":
        return h % 12 + 12
    if h == 0 or h >= 13:
        return h
    # A part of the day fixes a.m./p.m., also for "8 Uhr abends", "11 heures du soir".
    if part in ("afternoon", "evening"):
        return h + 12 if h < 12 else 12
    if part == "morning" or c.literal:
        return h
    if 8 <= h <= 12:
        return h
    if 1 <= h <= 6:
        return h + 12
    raise DateParseError(f"Did you mean {h}am or {h}pm? Please say which.")


def _clock_time(c: Clock, part: str | None) -> time:
    t = time(_hour24(c, part), c.minute, c.second)
    if c.minus:
        t = (datetime.combine(date(2000, 1, 2), t) - timedelta(minutes=c.minus)).time()
    return t


def _range_times(r: tuple[Clock, Clock], part: str | None) -> tuple[time, time]:
    a, b = r
    if a.meridiem is None and b.meridiem is not None and not a.literal:
        h2 = _hour24(b, part)
        h1 = _hour24(Clock(a.hour, a.minute, b.meridiem), part)
        if (h1, a.minute) > (h2, b.minute):
            h1 = _hour24(Clock(a.hour, a.minute, "am" if b.meridiem == "pm" else "pm"), part)
    elif b.meridiem is None and a.meridiem is not None and not b.literal:
        h1 = _hour24(a, part)
        h2 = _hour24(Clock(b.hour, b.minute, a.meridiem), part)
        if (h2, b.minute) <= (h1, a.minute):
            h2 = _hour24(Clock(b.hour, b.minute, "pm" if a.meridiem == "am" else "am"), part)
    else:
        h1 = _hour24(a, part)
        if b.meridiem or b.literal or b.hour == 0 or b.hour >= 13 or part:
            h2 = _hour24(b, part)
        else:  # a bare end hour: its first reading after the start, else past midnight
            later = [h for h in (b.hour % 12, b.hour % 12 + 12) if (h, b.minute) > (h1, a.minute)]
            h2 = later[0] if later else b.hour % 12
    return time(h1, a.minute), time(h2 % 24, b.minute)


def _nth_in_month(year: int, month: int, n: int, wd: int) -> date:
    """The n-th (1..4, or -1 for last) weekday `wd` of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year, month, _mdays(year, month))
    return last - timedelta(days=(last.weekday() - wd) % 7)


def _mdays(year: int | None, month: int) -> int:
    return calendar.monthrange(year or 2001, month)[1]


def _valid(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise DateParseError(f"{y:04d}-{m:02d}-{d:02d} is not a date.") from None


def _add(d: date, n: int, unit: str) -> date:
    if unit == "days":
        return d + timedelta(days=n)
    if unit == "weeks":
        return d + timedelta(days=7 * n)
    if unit == "years":
        n *= 12
    total = d.month - 1 + n
    y, m = d.year + total // 12, total % 12 + 1
    return date(y, m, min(d.day, _mdays(y, m)))


def _dedupe(items: list[T]) -> list[T]:
    if len(items) < 2:
        return list(items)
    out = []
    for x in items:
        if x not in out:
            out.append(x)
    return out
