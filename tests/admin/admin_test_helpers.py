"""Helpers for the /booking-settings tests: the stack with admin settings, site reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from bot.demo.stack import LocalStack, start_local_stack

ADMIN_LISTED = "U_LISTED"  # in BOOKING_ADMINS, not a workspace admin
NOTIFY = "C_AUDIT"


def seeded_secrets() -> list[str]:
    """Every non-trivial value the sandbox seeds as an integration setting."""
    from bot.sandbox.seed import INTEGRATIONS

    return [
        v
        for values, _ in INTEGRATIONS.values()
        for v in values.values()
        if isinstance(v, str) and len(v) > 8
    ]


def start_stack(
    workdir: Path, *, integrations: Literal["pro", "free"] = "pro", **settings: Any
) -> LocalStack:
    """The local stack with BOOKING_ADMINS set, `settings` on top; quick client retries."""
    overrides = {"booking_admins": frozenset({ADMIN_LISTED}), **settings}
    return start_local_stack(
        workdir,
        integrations=integrations,
        settings_overrides=overrides,
        fb_kwargs={"backoff_base": 0.01, "backoff_max": 0.05},
    )


def stored(stack: LocalStack, key: str) -> dict[str, Any]:
    """The settings the sandbox site really holds for `key`."""
    import sqlite3

    with sqlite3.connect(stack.sandbox.db_path) as db:
        row = db.execute("SELECT settings FROM integrations WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else {}


def everything_slack_saw(stack: LocalStack, *responses: Any) -> str:
    """Every Web API call the bot made, every view, message, ephemeral and response_url
    post in the stand-in, and every HTTP answer given."""
    slack = stack.slack
    parts = [json.dumps(list(call), default=str) for call in slack.calls]
    parts += [json.dumps(v, default=str) for v in slack.views.values()]
    parts += [json.dumps(slack.messages(c), default=str) for c in list(slack.channels)]
    parts += [json.dumps(slack.ephemerals(u), default=str) for u in list(slack.users)]
    parts += [json.dumps(slack.responses(r), default=str) for r in list(slack.response_urls)]
    parts += [getattr(r, "text", "") for r in responses]
    return "\n".join(parts)


def secret_findings(texts: list[str], secrets: list[str]) -> list[str]:
    """Which secrets (or their last 8 characters: more than the mask's 4) `texts` show."""
    found = []
    for secret in secrets:
        for needle in (secret, secret[-8:]):
            if any(needle in text for text in texts):
                found.append(f"...{secret[-4:]} ({'whole' if needle == secret else 'tail'})")
                break
    return found
