"""Serving the bot over HTTP: the front door for Slack requests (guard), readiness,
graceful shutdown. `bot.slack.run` puts these together with Bolt and uvicorn."""
