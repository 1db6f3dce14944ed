"""Golden JSON for the /booking-settings view builders, plus their rules in isolation.

Compared with tests/admin/golden/*.json; regenerate on purpose with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/admin/test_admin_views_golden.py`.
Every builder's output is also checked against the Slack stand-in's Block Kit rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.golden import assert_message_golden, assert_view_golden

from bot.fluentbooking.models import IntegrationSettings
from bot.masking import is_secret_name, mask_integration, mask_settings
from bot.slack.admin import service, views
from bot.slack.admin.ids import AdminBlock
from bot.slack.codec import SettingsMeta

GOLDEN = Path(__file__).parent / "golden"
META = SettingsMeta(channel_id="C1", key="google_calendar")
SECRET = "GOCSPX-AbcdefghijklmnopQRST"

GOOGLE = IntegrationSettings(
    "google_calendar",
    True,
    {"client_id": "1234-abcd.apps.example.com", "client_secret": SECRET, "caching_time": "5",
     "enabled": True, "calendars": ["a", "b"], "mystery": "x" * 20},
    {"client_id": {"label": "Client ID", "type": "text"},
     "client_secret": {"label": "Client <Secret>", "type": "password"},
     "redirect_url": {"label": "Redirect URL", "type": "text"}},
)  # fmt: skip
FREE = IntegrationSettings("zoom", False, {}, {})
SAVED = service.SaveResult(
    "stripe", "Stripe", "saved", changed=("Test secret key", "Payment mode"),
    kept=("Test secret key", "Payment mode"), message="Settings have been successfully saved.",
)  # fmt: skip
LOST = service.SaveResult(
    "stripe", "Stripe", "saved", changed=("Test secret key", "Payment mode"),
    kept=("Payment mode",), lost=("Test secret key",),
    message="Settings have been successfully saved.",
)  # fmt: skip

VIEWS: dict[str, Callable[[], dict[str, Any]]] = {
    "admin_loading": lambda: views.loading_view(META),
    "admin_picker": lambda: views.picker_view(SettingsMeta(channel_id="C1")),
    "admin_settings": lambda: views.settings_view(service.describe(GOOGLE), META),
    "admin_unavailable": lambda: views.settings_view(service.describe(FREE), META),
    "admin_saved": lambda: views.result_view(SAVED, META),
    "admin_not_kept": lambda: views.result_view(LOST, META),
    "admin_error": lambda: views.error_view(
        "The site is down.", META, key="zoom", request_id="ab12"
    ),
    "admin_refusal_view": lambda: views.refusal_view("U_EVE", META),
}
MESSAGES: dict[str, Callable[[], dict[str, Any]]] = {
    "admin_help": views.help_message,
    "admin_refusal": lambda: views.refusal_message("U_EVE"),
    "admin_audit": lambda: views.audit_message("U_ADA", LOST),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_golden(name: str) -> None:
    built = VIEWS[name]()
    assert SECRET[-8:] not in json.dumps(built)
    assert_view_golden(GOLDEN, name, built)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_golden(name: str) -> None:
    built = MESSAGES[name]()
    assert_message_golden(GOLDEN, name, built)


def test_settings_view_masks_and_labels() -> None:
    view = views.settings_view(service.describe(GOOGLE), META)
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    secret = by_id[AdminBlock.FIELD.value + "client_secret"]
    assert secret["label"]["text"] == "Client <Secret>"  # plain_text: no escaping needed
    assert secret["element"]["placeholder"]["text"].startswith("unchanged (********QRST)")
    assert "initial_value" not in secret["element"]
    assert "initial_value" not in by_id[AdminBlock.FIELD.value + "mystery"]["element"]  # unknown
    enabled = by_id[AdminBlock.FIELD.value + "enabled"]["element"]
    assert enabled["initial_option"]["value"] == "true"
    redirect = by_id[AdminBlock.FIELD.value + "redirect_url"]  # described, not set yet
    assert "initial_value" not in redirect["element"]
    text = json.dumps(view)
    assert "Client &lt;Secret&gt; (password)" in text  # site text escaped in mrkdwn
    assert "calendars" not in by_id and "structured value" in text
    assert SettingsMeta.decode(view["private_metadata"]) == META


def test_masking_rule() -> None:
    assert not is_secret_name("enabled") and not is_secret_name("calendar_name")
    assert not is_secret_name("redirect_url")
    for name in ("client_secret", "api_key", "access_token", "password", "client_id",
                 "webhook_url", "signature", "unknown_thing", "auth_header"):  # fmt: skip
        assert is_secret_name(name), name
    assert is_secret_name("enabled", "password")  # the site types it as a secret
    assert mask_settings({"token": "abcdefghijkl", "on": True, "x": ""}) == {
        "token": "********ijkl",
        "on": True,
        "x": "",
    }
    assert mask_settings({"key": "short"}) == {"key": "********"}
    assert mask_integration({"name": "visible"}, {"name": {"type": "password"}}) == {
        "name": "********"
    }


def test_merge_takes_only_changed_known_fields() -> None:
    current = {"a": "1", "n": 5, "flag": False, "s": "old"}
    typed = {"a": "1", "n": "7", "flag": True, "s": "new", "forged": "x"}
    changes = service.merge(current, typed, {"a", "n", "flag", "s"})
    assert changes == {"n": 7, "flag": True, "s": "new"}


class FakeSite:
    """A stand-in for the client: records what was posted."""

    def __init__(self, settings: dict[str, Any], keeps: bool = True) -> None:
        self.settings = settings
        self.keeps = keeps
        self.posted: list[dict[str, Any]] = []

    async def get_integration(self, key: str) -> IntegrationSettings:
        return IntegrationSettings(key, True, dict(self.settings), {})

    async def update_integration(self, key: str, settings: dict[str, Any]) -> str:
        self.posted.append(settings)
        if self.keeps:
            self.settings = dict(settings)
        return "saved"


async def test_save_sends_current_secrets_and_only_typed_changes() -> None:
    site = FakeSite({"client_secret": SECRET, "api_key": "k" * 20, "enabled": True})
    result = await service.save(site, "x", {"client_secret": "", "api_key": " new-key-0000 "})
    assert site.posted == [{"client_secret": SECRET, "api_key": "new-key-0000", "enabled": True}]
    assert result.outcome == "saved" and result.changed == ("Api key",) and not result.lost
    nothing = await service.save(site, "x", {"client_secret": None, "enabled": True})
    assert nothing.outcome == "nothing" and len(site.posted) == 1


async def test_save_reports_what_the_site_did_not_keep() -> None:
    site = FakeSite({"token": "t" * 20}, keeps=False)
    result = await service.save(site, "x", {"token": "new-token-value-1"})
    assert result.lost == ("Token",) and result.kept == ()
