"""The command line and Slack mask integration settings with the same rule."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from admin_test_helpers import seeded_secrets

from bot.demo.stack import LocalStack
from bot.fluentbooking import cli
from bot.fluentbooking.models import IntegrationSettings
from bot.masking import mask_integration
from bot.sandbox.seed import INTEGRATIONS
from bot.slack.admin import service


def test_cli_uses_the_shared_rule() -> None:
    from bot import masking

    assert cli.mask_settings is masking.mask_settings


@pytest.mark.parametrize("key", sorted(INTEGRATIONS))
def test_cli_get_matches_what_slack_shows(
    key: str,
    make_stack: Callable[..., LocalStack],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stack = make_stack()
    monkeypatch.setenv("FLUENTBOOKING_URL", stack.sandbox.url)
    monkeypatch.setenv("FLUENTBOOKING_USERNAME", stack.sandbox.username)
    monkeypatch.setenv("FLUENTBOOKING_APP_PASSWORD", stack.sandbox.app_password)
    assert cli.main(["integration", "get", key, "--json"]) == 0
    out = capsys.readouterr().out
    for secret in seeded_secrets():
        assert secret not in out
    shown = json.loads(out)["settings"]
    values, fields = INTEGRATIONS[key]
    assert shown == mask_integration(values, fields)
    # Slack: a masked value is never an input's value, and its hint is the CLI's mask
    info = service.describe(IntegrationSettings(key, True, values, fields))
    for f in info.fields:
        if f.kind == "secret":
            assert f.shown is None and (f.masked == shown[f.name] or not f.has_value)
        else:
            assert f.shown == shown[f.name]
