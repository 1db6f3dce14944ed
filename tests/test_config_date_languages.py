"""DATE_LANGUAGES is read in bot.config (Settings) and used by the date parser."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import ConfigError, Settings, date_languages
from bot.dates import configured_languages, parse_when


def test_settings_read_the_languages_once_cleaned() -> None:
    assert Settings.from_env({"DATE_LANGUAGES": " en, DE ,en"}).date_languages == ("en", "de")
    assert Settings.from_env({}).date_languages == ()


@pytest.mark.parametrize("raw", ["english", "e1", "en;de"])
def test_a_wrong_language_list_is_named(raw: str) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"DATE_LANGUAGES": raw})
    assert "DATE_LANGUAGES" in str(refused.value)


def test_the_parser_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATE_LANGUAGES", "en")
    assert date_languages() == ("en",) == configured_languages()
    monkeypatch.setenv("DATE_LANGUAGES", "")
    assert configured_languages() == ("en", "es", "fr", "de", "pt")


def test_the_languages_given_are_the_ones_read() -> None:
    now = datetime(2025, 1, 13, 9, 0)
    assert parse_when("mañana a las 3pm", "UTC", now, languages=("en", "es")).start.day == 14
