"""An epoch clock for the store (leases), moved by hand."""

from __future__ import annotations


class EpochClock:
    def __init__(self, start: float = 1_736_164_800.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now
