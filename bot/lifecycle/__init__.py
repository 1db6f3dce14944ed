"""A booking's life after creation, for the bot: who may change it, one site write per
change however many clicks, retries or processes ask, and a record of what happened and
of every Slack message that shows the booking (so each can be updated). No Slack here."""
