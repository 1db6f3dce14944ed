"""The Slack app: Bolt listeners per surface, pure Block Kit builders, the booking service."""
