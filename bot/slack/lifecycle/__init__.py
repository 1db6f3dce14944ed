"""Booking lifecycle: cancel, reschedule, approve or decline, from Slack, for the people
`bot.team.access` allows (see `flow`).

- `listeners`: the buttons (`lifecycle_*`) and their modals, registered by `register`;
- `flow`: after the ack — read the site, check the rule, make the change once
  (`bot.lifecycle.service`), update every message that shows the booking;
- `views`: pure Block Kit builders (buttons, the booking card, the modals).

The public face other features use: `booker_buttons` (Cancel / Reschedule on what the
booker or a channel sees), `remember_shown` (a message that shows a booking, so a change
updates it), `tell_host_of_pending` (the host's DM with Approve / Decline) and
`decide_buttons(booking_id)` (Approve / Decline elements, for the feed's host DM).
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import Deps
from bot.slack.lifecycle import listeners
from bot.slack.lifecycle.flow import (
    booker_buttons,
    decide_buttons,
    host_buttons,
    remember_shown,
    tell_host_of_pending,
)

__all__ = [
    "booker_buttons",
    "decide_buttons",
    "host_buttons",
    "register",
    "remember_shown",
    "tell_host_of_pending",
]


def register(app: AsyncApp, deps: Deps) -> None:
    listeners.register(app, deps)
