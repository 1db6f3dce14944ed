"""The environment `python -m bot check` reads, for a running local stack."""

from __future__ import annotations

from bot.demo.stack import LocalStack


def check_env(stack: LocalStack, **over: str) -> dict[str, str]:
    """The stack's settings as environment variables, with `over` on top."""
    s = stack.settings
    env = {
        "SLACK_BOT_TOKEN": s.slack_bot_token.value,
        "SLACK_SIGNING_SECRET": s.slack_signing_secret.value,
        "SLACK_API_URL": s.slack_api_url,
        "FLUENTBOOKING_URL": s.fluentbooking_url,
        "FLUENTBOOKING_USERNAME": s.fluentbooking_username,
        "FLUENTBOOKING_APP_PASSWORD": s.fluentbooking_app_password.value,
        "DATABASE_URL": s.database_url,
    }
    env.update(over)
    return env
