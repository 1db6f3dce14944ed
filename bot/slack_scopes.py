"""The bot token's scopes, as manifest.yml asks for them (a test keeps the two equal).

`python -m bot check` compares what the installed token was granted against these."""

from __future__ import annotations

BOT_SCOPES: tuple[str, ...] = (
    "commands",  # slash commands and shortcuts
    "chat:write",  # answers and booking announcements
    "users:read",  # the user's name and timezone
    "users:read.email",  # the attendee's email from a Slack profile or @mention
    "im:write",  # direct-message confirmations
    "channels:read",  # check: is the bot in BOOKING_NOTIFY_CHANNEL?
    "groups:read",  # the same when that channel is private
)
