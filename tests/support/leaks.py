"""The suite's secret registry, read by the end-of-run leak check in tests/conftest.py.

Import `register_secret` from here (or use the `add_secret` fixture): this module is
imported once, under one name, so every test adds to the same set the check reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.demo.stack import LocalStack

#: every secret the tests use; the leak check looks for each in every log record
SECRETS: set[str] = set()


def register_secret(value: str) -> str:
    """Record a secret so the leak check looks for it (and its space-less form)."""
    SECRETS.add(value)
    if " " in value:
        SECRETS.add(value.replace(" ", ""))
    return value


def register_secrets(*values: str) -> None:
    for value in values:
        register_secret(value)


def leaks_in(texts: list[str]) -> list[str]:
    """The texts that contain a registered secret."""
    return [text for text in texts if any(secret and secret in text for secret in SECRETS)]


def register_stack_secrets(stack: LocalStack) -> None:
    """The credentials of a local stack: the site's app password, Slack's token and secret."""
    register_secrets(stack.sandbox.app_password, stack.slack.bot_token, stack.slack.signing_secret)
