"""The live feed (room kept for it): bookings made, changed or cancelled on the site
(outside Slack too), posted to the team channel and to the people concerned.

Its watcher (one per deployment, under a store lease), flows and pure views will live
here; `register(app, deps)` is called by `bot.slack.app` and registers nothing yet.
"""

from __future__ import annotations

from typing import Any

from bot.slack.deps import Deps


def register(app: Any, deps: Deps) -> None:
    """Nothing to register yet."""
