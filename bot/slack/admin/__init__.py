"""`/booking-settings`: the site's integration settings from Slack, admins only.

`register(app)` adds the modal's listeners; the slash command itself is routed here by
`bot.slack.listeners.commands` through `handle_command`.
"""

from __future__ import annotations

from bot.slack.admin.flow import handle_command
from bot.slack.admin.listeners import register

__all__ = ["handle_command", "register"]
