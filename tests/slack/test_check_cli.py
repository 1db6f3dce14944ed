"""`python -m bot check` against the local stack: what works, what to fix, no secrets."""

from __future__ import annotations

from typing import Any

import pytest
from support.check_env import check_env

from bot import check
from bot.demo.stack import LocalStack


def test_all_good(stack: LocalStack, capsys: Any) -> None:
    assert check.main([], env=check_env(stack)) == 0
    out = capsys.readouterr().out
    assert out.count("✓") >= 4 and "✗" not in out
    assert stack.settings.slack_bot_token.value not in out
    assert stack.settings.fluentbooking_app_password.value not in out


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"FLUENTBOOKING_APP_PASSWORD": "wrong pass word here"}, "FLUENTBOOKING_APP_PASSWORD"),
        ({"SLACK_BOT_TOKEN": "xoxb-not-a-valid-token"}, "SLACK_BOT_TOKEN"),
        ({"FLUENTBOOKING_URL": ""}, "FLUENTBOOKING_URL not set"),
        ({"SLACK_BOT_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
    ],
)
def test_failures_say_what_to_fix(
    stack: LocalStack, capsys: Any, secret_log: Any, over: dict[str, str], expected: str
) -> None:
    assert check.main([], env=check_env(stack, **over)) == 1
    out = capsys.readouterr().out
    assert "✗" in out and expected in out
    assert "wrong pass word here" not in out and stack.settings.slack_bot_token.value not in out
    assert not [t for t in secret_log.texts if "wrong pass word here" in t]
