"""`/booking-settings`: the site's integration settings from Slack, admins only.

`register(app, deps)` adds the command's and the modal's listeners (`listeners`); `flow`
holds the steps, `service` the rules (no Slack), `views` the pure builders, `ids` the
feature's own callback, block and action ids.
"""

from __future__ import annotations

from bot.slack.admin.flow import handle_command
from bot.slack.admin.listeners import register

__all__ = ["handle_command", "register"]
