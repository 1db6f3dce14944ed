"""Booking lifecycle (room kept for it): cancel, reschedule, approve or decline, and mark
a meeting completed or a no-show, from Slack, for the people `bot.team.access` allows.

Its listeners (buttons on booking rows, their modals), flows and pure views will live
here; `register(app, deps)` is called by `bot.slack.app` and registers nothing yet.
"""

from __future__ import annotations

from typing import Any

from bot.slack.deps import Deps


def register(app: Any, deps: Deps) -> None:
    """Nothing to register yet."""
