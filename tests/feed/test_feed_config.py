"""The watcher's settings: poll interval, reminder minutes, webhook secret."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings


def test_defaults_watch_every_minute_without_reminders_or_webhooks() -> None:
    settings = Settings.from_env({})
    assert settings.booking_poll_seconds == 60
    assert settings.booking_reminder_minutes == ()
    assert settings.booking_webhook_secret == ""


def test_values_are_read_and_reminders_sorted_largest_first() -> None:
    settings = Settings.from_env(
        {
            "BOOKING_POLL_SECONDS": "0",
            "BOOKING_REMINDER_MINUTES": " 10, 60,10 ",
            "BOOKING_WEBHOOK_SECRET": "whsec-value-1234",
        }
    )
    assert settings.booking_poll_seconds == 0
    assert settings.booking_reminder_minutes == (60, 10)
    assert "whsec-value-1234" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BOOKING_POLL_SECONDS", "often"),
        ("BOOKING_POLL_SECONDS", "-5"),
        ("BOOKING_REMINDER_MINUTES", "60,soon"),
        ("BOOKING_REMINDER_MINUTES", "0"),
    ],
)
def test_malformed_values_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({variable: value})
    assert caught.value.variable == variable
