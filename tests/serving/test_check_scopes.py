"""`python -m bot check`: the token's granted scopes, and the app token in Socket Mode."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.check_env import check_env
from support.leaks import register_secret, register_stack_secrets

from bot import check
from bot.demo.stack import LocalStack, start_local_stack


@pytest.fixture
def stack(tmp_path) -> Iterator[LocalStack]:
    with start_local_stack(tmp_path) as running:
        register_stack_secrets(running)
        register_secret(running.slack.app_token)
        yield running


def lines(out: str, label: str) -> list[str]:
    return [line for line in out.splitlines() if label in line]


def test_granted_scopes_match_the_manifest(stack: LocalStack, capsys: Any) -> None:
    assert check.main([], env=check_env(stack)) == 0
    (line,) = lines(capsys.readouterr().out, "Slack scopes")
    assert line.startswith("✓") and "all 7" in line


def test_a_missing_scope_is_named_with_the_fix(stack: LocalStack, capsys: Any) -> None:
    stack.slack.granted_scopes = [s for s in stack.slack.granted_scopes if s != "im:write"]
    stack.slack.granted_scopes.append("channels:history")
    assert check.main([], env=check_env(stack)) == 1
    (line,) = lines(capsys.readouterr().out, "Slack scopes")
    assert line.startswith("✗") and "im:write" in line and "reinstall" in line


def test_app_token_opens_a_socket_mode_connection(stack: LocalStack, capsys: Any) -> None:
    env = check_env(stack, SLACK_APP_TOKEN=stack.slack.app_token)
    assert check.main([], env=env) == 0
    out = capsys.readouterr().out
    (line,) = lines(out, "Slack app token")
    assert line.startswith("✓")
    assert stack.slack.app_token not in out
    assert stack.slack.calls_to("apps.connections.open")


def test_wrong_app_token_says_how_to_make_one(stack: LocalStack, capsys: Any) -> None:
    env = check_env(stack, SLACK_APP_TOKEN="xapp-1-not-the-real-one")
    assert check.main([], env=env) == 1
    (line,) = lines(capsys.readouterr().out, "Slack app token")
    assert line.startswith("✗") and "connections:write" in line and "invalid_auth" in line
