"""Warming the date parser after the bot serves, in the quiet moments.

The bot answers Slack as soon as it listens; the one-off costs of reading dates are paid
afterwards, in a worker thread, one step at a time and only while no Slack request is
waiting (`AckGate`), so neither the start nor the first commands wait for them:

- the grammar's patterns and the zone tables (a few tens of ms), soon after the start;
- dateparser's language data (about a quarter of a second of CPU and 12 MB, the second
  engine for forms the grammar does not know), only once the process has read a date
  phrase (`date_phrase_read`): a bot only ever asked for the form never loads it.

A date read before its step has run loads what it needs itself, as it would without any
warm-up: slower once, never wrong (dateparser's searches take turns under a lock, see
bot.dates.fallback)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.slack.deps import AckGate

log = logging.getLogger("bot")

#: a step starts only when no request has arrived for this long
QUIET_SECONDS = 0.25


class _Phrases:
    """Whether this process has read a date phrase yet."""

    seen = False


def date_phrase_read() -> None:
    """A date phrase was read (the one-line booking, /slots): warm dateparser too."""
    _Phrases.seen = True


def grammar_steps() -> list[Callable[[], object]]:
    """The grammar's part of bot.dates.warm_up, step by step."""

    def patterns() -> object:
        from bot.dates import configured_languages
        from bot.dates.grammar import patterns

        return patterns(configured_languages())

    def zones() -> object:
        from bot.dates import zones

        zones.cities()
        return zones.is_us_zone("UTC")

    def grammar() -> object:
        from bot.dates import parse_when

        return parse_when("tomorrow at 3pm London time", "America/New_York")

    return [patterns, zones, grammar]


def fallback_step() -> object:
    """dateparser's part of bot.dates.warm_up."""
    from bot.dates import configured_languages
    from bot.dates.fallback import search

    return search("15 janvier 2030", configured_languages(), datetime(2030, 1, 1))


async def when_quiet(gate: AckGate, quiet: float = QUIET_SECONDS) -> None:
    """Until no request is unanswered and none arrived for `quiet` seconds."""
    while True:
        calm = gate.last_arrival + quiet - time.monotonic()
        if gate.unanswered == 0 and calm <= 0:
            return
        await asyncio.sleep(max(calm, quiet / 5))


async def warm_in_background(
    gate: AckGate,
    steps: Sequence[Callable[[], object]],
    after_a_phrase: Sequence[Callable[[], object]] = (),
    *,
    poll: float = 1.0,
) -> None:
    """Run `steps` one by one in a worker thread, each in a quiet moment; then, once a
    date phrase has been read, `after_a_phrase` the same way."""
    try:
        for step in steps:
            await when_quiet(gate)
            await asyncio.to_thread(step)
        if after_a_phrase:
            while not _Phrases.seen:  # noqa: ASYNC110 (set from plain code, no loop at hand)
                await asyncio.sleep(poll)
            for step in after_a_phrase:
                await when_quiet(gate)
                await asyncio.to_thread(step)
    except Exception:  # a slow first parse is better than no bot
        log.warning("could not warm up the date parser", exc_info=True)
