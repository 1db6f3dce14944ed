"""manifest.yml against the limits of Slack's published app-manifest schema.

The rules below are written from Slack's app-manifest reference
(api.slack.com/reference/manifests) and the JSON schema published from it
(json.schemastore.org/slack-app-manifest.json): allowed keys at every level, required
keys, string lengths, allowed values. "Create from manifest" refuses a manifest that
breaks any of them (a message shortcut named with 31 characters was refused: the limit
is 24), so the test checks them all rather than the ones that happened to bite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Text:
    max_length: int
    min_length: int = 0
    pattern: str | None = None
    allowed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Flag:
    pass


@dataclass(frozen=True)
class Strings:
    max_items: int
    item: Text = Text(max_length=10_000)


@dataclass(frozen=True)
class Obj:
    fields: dict[str, Any]
    required: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ObjList:
    item: Obj
    max_items: int = 10_000


@dataclass
class Problems:
    found: list[str] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        self.found.append(f"{where}: {problem}")


URL = Text(max_length=10_000, pattern=r"^https://")
HEX_COLOUR = r"^#(?:[0-9a-fA-F]{3}){1,2}$"

SCHEMA = Obj(
    required=frozenset({"display_information"}),
    fields={
        "_metadata": Obj({"major_version": Text(10), "minor_version": Text(10)}),
        "display_information": Obj(
            required=frozenset({"name"}),
            fields={
                "name": Text(35, min_length=1),
                "description": Text(140),
                # the manifest editor refuses a long description under 174 characters
                "long_description": Text(4000, min_length=174),
                "background_color": Text(7, pattern=HEX_COLOUR),
            },
        ),
        "settings": Obj(
            {
                "allowed_ip_address_ranges": Strings(10),
                "event_subscriptions": Obj(
                    {
                        "request_url": URL,
                        "bot_events": Strings(100),
                        "user_events": Strings(100),
                    }
                ),
                "interactivity": Obj(
                    required=frozenset({"is_enabled"}),
                    fields={
                        "is_enabled": Flag(),
                        "request_url": URL,
                        "message_menu_options_url": URL,
                    },
                ),
                "org_deploy_enabled": Flag(),
                "socket_mode_enabled": Flag(),
                "token_rotation_enabled": Flag(),
            }
        ),
        "features": Obj(
            {
                "app_home": Obj(
                    {
                        "home_tab_enabled": Flag(),
                        "messages_tab_enabled": Flag(),
                        "messages_tab_read_only_enabled": Flag(),
                    }
                ),
                "bot_user": Obj(
                    required=frozenset({"display_name"}),
                    fields={
                        "display_name": Text(80, min_length=1, pattern=r"^[a-z0-9\-_.]+$"),
                        "always_online": Flag(),
                    },
                ),
                "shortcuts": ObjList(
                    max_items=10,
                    item=Obj(
                        required=frozenset({"name", "callback_id", "description", "type"}),
                        fields={
                            "name": Text(24, min_length=1),
                            "callback_id": Text(255, min_length=1),
                            "description": Text(150, min_length=1),
                            "type": Text(7, allowed=frozenset({"message", "global"})),
                        },
                    ),
                ),
                "slash_commands": ObjList(
                    max_items=50,
                    item=Obj(
                        required=frozenset({"command", "description"}),
                        fields={
                            "command": Text(32, min_length=2, pattern=r"^/[a-z0-9\-_]+$"),
                            "description": Text(2000, min_length=1),
                            "should_escape": Flag(),
                            "url": URL,
                            "usage_hint": Text(1000),
                        },
                    ),
                ),
                "unfurl_domains": Strings(5),
            }
        ),
        "oauth_config": Obj(
            {
                "redirect_urls": Strings(1000, URL),
                "scopes": Obj(
                    {
                        "bot": Strings(255, Text(100, pattern=r"^[a-z]+(?:[:.][a-z_]+)*$")),
                        "user": Strings(255, Text(100, pattern=r"^[a-z]+(?:[:.][a-z_]+)*$")),
                    }
                ),
            }
        ),
    },
)


def violations(value: Any, rule: Any, where: str = "manifest") -> list[str]:
    problems = Problems()
    _check(value, rule, where, problems)
    return problems.found


def _check(value: Any, rule: Any, where: str, problems: Problems) -> None:
    if isinstance(rule, Obj):
        if not isinstance(value, dict):
            problems.add(where, "must be a mapping")
            return
        for key in sorted(rule.required - value.keys()):
            problems.add(where, f"{key!r} is required")
        for key, item in value.items():
            if key not in rule.fields:
                problems.add(where, f"{key!r} is not a manifest field here")
            else:
                _check(item, rule.fields[key], f"{where}.{key}", problems)
    elif isinstance(rule, ObjList | Strings):
        if not isinstance(value, list):
            problems.add(where, "must be a list")
            return
        if len(value) > rule.max_items:
            problems.add(where, f"has {len(value)} items, at most {rule.max_items} allowed")
        for index, item in enumerate(value):
            _check(item, rule.item, f"{where}[{index}]", problems)
    elif isinstance(rule, Flag):
        if not isinstance(value, bool):
            problems.add(where, f"must be true or false, got {value!r}")
    elif isinstance(rule, Text):
        if isinstance(value, int) and not isinstance(value, bool) and where.endswith("version"):
            return
        if not isinstance(value, str):
            problems.add(where, f"must be a string, got {value!r}")
            return
        if not rule.min_length <= len(value) <= rule.max_length:
            problems.add(
                where,
                f"{len(value)} characters, allowed {rule.min_length}..{rule.max_length}: "
                f"{value[:40]!r}",
            )
        if rule.pattern and not re.search(rule.pattern, value):
            problems.add(where, f"{value!r} does not match {rule.pattern}")
        if rule.allowed and value not in rule.allowed:
            problems.add(where, f"{value!r} is not one of {sorted(rule.allowed)}")


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def test_manifest_is_within_slacks_schema(manifest: dict[str, Any]) -> None:
    assert violations(manifest, SCHEMA) == []


@pytest.mark.parametrize(
    ("path", "bad", "expected"),
    [
        (("features", "shortcuts", 0, "name"), "Book a meeting with this person", "31 characters"),
        (("features", "shortcuts", 0, "type"), "channel", "is not one of"),
        (("features", "slash_commands", 0, "command"), "book", "does not match"),
        (("display_information", "name"), "x" * 36, "36 characters"),
        (("display_information", "long_description"), "too short", "9 characters"),
        (("display_information", "background_color"), "navy", "does not match"),
        (("features", "bot_user", "display_name"), "Book Bot", "does not match"),
        (("settings", "interactivity", "request_url"), "http://x.example.com", "match"),
        (("settings", "socket_mode_enabled"), "no", "true or false"),
    ],
)
def test_the_rules_catch_what_slack_refuses(
    manifest: dict[str, Any], path: tuple[Any, ...], bad: Any, expected: str
) -> None:
    broken = yaml.safe_load(yaml.safe_dump(manifest))
    target = broken
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = bad
    found = violations(broken, SCHEMA)
    assert len(found) == 1 and expected in found[0], found


def test_unknown_and_missing_keys_are_refused(manifest: dict[str, Any]) -> None:
    broken = yaml.safe_load(yaml.safe_dump(manifest))
    broken["features"]["shortcuts"][0]["title"] = "x"
    del broken["features"]["shortcuts"][0]["description"]
    del broken["settings"]["interactivity"]["is_enabled"]
    found = violations(broken, SCHEMA)
    assert any("'title' is not a manifest field" in p for p in found)
    assert any("'description' is required" in p for p in found)
    assert any("'is_enabled' is required" in p for p in found)


def test_readme_and_home_name_the_shortcut_as_the_manifest_does(manifest: dict[str, Any]) -> None:
    (shortcut,) = [s for s in manifest["features"]["shortcuts"] if s["type"] == "message"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"**{shortcut['name']}**" in readme
    home_sources = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "slack").rglob("*.py")
    )
    assert f"*{shortcut['name']}*" in home_sources


def test_check_and_the_stand_in_know_the_manifest_scopes(manifest: dict[str, Any]) -> None:
    from bot.localslack.stand_in import DEFAULT_BOT_SCOPES
    from bot.slack_scopes import BOT_SCOPES

    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]
    assert DEFAULT_BOT_SCOPES == BOT_SCOPES
