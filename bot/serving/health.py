"""GET /readyz: is this process worth sending traffic to? (DESIGN.md, "HTTP (contract)")

Ready means: not shutting down, the state store answers `ping()` (the store notices a
deleted SQLite file or missing tables), and the booking site answered recently. "Recently"
is one probe (GET /calendars) at most every `site_fresh_seconds`, shared by concurrent
probes, so a load balancer polling every second costs the site one request a half minute
per process. `/healthz` stays the cheap liveness probe: 200 while the process lives.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("bot.http")


@dataclass
class Readiness:
    store: Any
    fb: Any
    site_fresh_seconds: float = 30.0
    probe_timeout: float = 3.0
    clock: Callable[[], float] = time.monotonic
    stopping: bool = False
    _site_ok_at: float | None = None
    _last_reason: str | None = None
    _lock: asyncio.Lock | None = field(default=None, repr=False)

    async def check(self) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body): 200 {"ok": true, ...} or 503 {"ok": false, "reason"}."""
        reason = await self._problem()
        if reason != self._last_reason:
            if reason:
                log.warning("not ready: %s", reason)
            elif self._last_reason:
                log.info("ready again")
            self._last_reason = reason
        if reason:
            return 503, {"ok": False, "reason": reason}
        age = self.clock() - (self._site_ok_at or self.clock())
        return 200, {"ok": True, "store": "reachable", "site_answered_seconds_ago": round(age, 1)}

    async def _problem(self) -> str | None:
        if self.stopping:
            return "shutting down"
        try:
            await asyncio.wait_for(self.store.ping(), self.probe_timeout)
        except Exception as exc:
            return f"state store unreachable ({_kind(exc)})"
        return await self._site_problem()

    async def _site_problem(self) -> str | None:
        if self._fresh():
            return None
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._fresh():  # another probe answered while this one waited
                return None
            try:
                await asyncio.wait_for(self.fb.list_events(), self.probe_timeout)
            except TimeoutError:
                return f"booking site did not answer within {self.probe_timeout:g} s"
            except Exception as exc:
                return f"booking site unusable ({_kind(exc)})"
            self._site_ok_at = self.clock()
            return None

    def _fresh(self) -> bool:
        ok_at = self._site_ok_at
        return ok_at is not None and self.clock() - ok_at < self.site_fresh_seconds


def _kind(exc: BaseException) -> str:
    """The error's kind and its user-facing text, never a URL with credentials in it."""
    kind = getattr(exc, "kind", None)
    name = type(exc).__name__
    text = getattr(exc, "user_message", None)
    label = f"{name}: {kind}" if kind else name
    return f"{label}: {text}"[:200] if text else label
