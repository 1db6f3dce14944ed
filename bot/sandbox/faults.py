"""Misbehaviour on demand: slow, failing, HTML-answering, hanging or forgetful site.

A `Faults` value applies to every API request whose path (with query) contains `path`
(all when None), for the next `count` such requests (for ever when None).

By default a fault replaces the request: nothing is done on the site. With `after=True`
the site does the work first (a create books) and then answers late (`latency`), never
(`hang`), with an error (`status`, `html`) or by dropping the connection (`drop`): the
ambiguous answers a client sees from a real site when its answer is lost on the way.
`race` makes creates non-atomic, as they are on a real 2.0.0 site: the availability
check and the insert are `race` seconds apart, so concurrent creates on one slot can all
pass the check and all book, and share the `group_id` they computed as max+1.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

T = TypeVar("T")

HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Briefly unavailable</title></head>"
    "<body><h1>Briefly unavailable for scheduled maintenance. Check back in a minute."
    "</h1></body></html>\n"
)


@dataclass(frozen=True)
class Faults:
    latency: float = 0.0  # seconds to wait before answering
    status: int | None = None  # answer this status (5xx or 429) instead of the real answer
    html: bool = False  # answer an HTML page (with `status`, or 200)
    hang: bool = False  # never answer; the client must give up
    retry_after: int | None = None  # Retry-After header on the faulty answer
    count: int | None = None  # apply to the next N matching requests, then clear
    path: str | None = None  # only requests whose path+query contains this
    no_store: bool = False  # POST /integrations, PUT /schedules: success, nothing stored
    after: bool = False  # do the real work first, then misbehave (the write happened)
    drop: bool = False  # close the connection without an answer
    race: float = 0.0  # creates: seconds between the availability check and the insert

    def __post_init__(self) -> None:
        if self.latency < 0:
            raise ValueError("latency must be >= 0 seconds")
        if self.race < 0:
            raise ValueError("race must be >= 0 seconds")
        if self.status is not None and not (self.status == 429 or 400 <= self.status <= 599):
            raise ValueError("status must be 429 or an error status (4xx/5xx)")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be >= 1")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must be >= 0")

    @classmethod
    def from_json(cls, data: Any) -> Faults:
        """From the control route's JSON body; unknown keys are an error, not ignored."""
        if not isinstance(data, dict):
            raise ValueError("faults must be a JSON object")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ValueError(str(exc)) from None

    @property
    def active(self) -> bool:
        return self != Faults()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


async def after_pause(seconds: float, work: Callable[[], T]) -> T:
    """Run `work` after `seconds`: the gap a racing create leaves between check and insert."""
    await asyncio.sleep(seconds)
    return work()


class FaultState:
    """The current faults, shared by the control API (any thread) and the server loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults = Faults()
        self._left: int | None = None

    def set(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults
            self._left = faults.count

    def clear(self) -> None:
        self.set(Faults())

    @property
    def current(self) -> Faults:
        with self._lock:
            return self._faults

    def take(self, path_qs: str) -> Faults | None:
        """The faults to apply to this request (consuming one of `count`), or None."""
        with self._lock:
            faults = self._faults
            if not faults.active or (faults.path is not None and faults.path not in path_qs):
                return None
            if self._left is not None:
                self._left -= 1
                if self._left <= 0:
                    self._faults, self._left = Faults(), None
            return faults
