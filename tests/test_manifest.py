"""manifest.yml is what a newcomer pastes into Slack: it must declare what the bot serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.slack.ids import CallbackId

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {"/book", "/slots", "/bookings", "/booking-settings"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def test_declares_every_slash_command_with_help(manifest: dict[str, Any]) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == COMMANDS
    for command in commands.values():
        assert command["url"].endswith("/slack/events")
        assert command["description"] and len(command["description"]) <= 100
        assert "help" in command["usage_hint"]


def test_request_urls_are_marked_placeholders(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        settings["interactivity"]["message_menu_options_url"],
    ] + [c["url"] for c in manifest["features"]["slash_commands"]]
    assert all("YOUR-HOST" in url and url.startswith("https://") for url in urls)
    assert settings["interactivity"]["message_menu_options_url"].endswith("/slack/options")


def test_home_shortcut_and_events_match_the_code(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    shortcut_ids = {s["callback_id"] for s in features["shortcuts"] if s["type"] == "message"}
    assert CallbackId.BOOK_SHORTCUT.value in shortcut_ids
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_bot_scopes_are_the_small_set_the_bot_uses(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read", "users:read.email", "im:write"} <= scopes
    assert not scopes & {"admin", "channels:history", "chat:write.customize", "users:write"}
    assert all(len(s) < 40 for s in scopes)


def test_procfile_runs_the_http_server() -> None:
    assert (ROOT / "Procfile").read_text().strip() == "web: python -m bot"
