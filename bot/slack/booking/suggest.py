"""External select suggestions: timezones (hundreds) and events (beyond 100)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from bot.slack.booking.views.modal import event_option
from bot.slack.deps import Deps
from bot.slack.text import MAX_OPTIONS, plain


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def timezone_options(query: str) -> list[dict[str, Any]]:
    q = query.strip().lower().replace(" ", "_")
    hits = [z for z in _zones() if q in z.lower()]
    hits.sort(key=lambda z: (not z.lower().split("/")[-1].startswith(q), z))
    return [{"text": plain(z.replace("_", " ")), "value": z} for z in hits[:MAX_OPTIONS]]


async def event_options(deps: Deps, query: str) -> list[dict[str, Any]]:
    q = query.strip().lower()
    events = await deps.events()
    return [event_option(e) for e in events if q in e.title.lower()][:MAX_OPTIONS]
