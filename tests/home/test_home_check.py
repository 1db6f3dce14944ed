"""`python -m bot check` says whether the bot can post in BOOKING_NOTIFY_CHANNEL."""

from __future__ import annotations

from typing import Any

from home_helpers import NOTIFY
from support.check_env import check_env

from bot import check
from bot.demo.stack import LocalStack


def env_of(stack: LocalStack, channel: str | None) -> dict[str, str]:
    return check_env(stack, BOOKING_NOTIFY_CHANNEL=channel) if channel else check_env(stack)


def line(out: str) -> str:
    found = [ln for ln in out.splitlines() if "Announcement channel" in ln]
    assert len(found) == 1, out
    return found[0]


def test_member_channel_is_a_tick(stack: LocalStack, capsys: Any) -> None:
    assert check.main([], env=env_of(stack, NOTIFY)) == 0
    assert line(capsys.readouterr().out) == (
        "✓ Announcement channel: #bookings (C_BOOKINGS): the bot is a member"
    )


def test_channel_without_the_bot_says_invite(stack: LocalStack, capsys: Any) -> None:
    stack.slack.set_member(NOTIFY, False)
    assert check.main([], env=env_of(stack, NOTIFY)) == 1
    text = line(capsys.readouterr().out)
    assert text.startswith("✗ ") and "the bot is not a member" in text
    assert "invite @bookbot to #bookings" in text


def test_unknown_channel_is_explained(stack: LocalStack, capsys: Any) -> None:
    assert check.main([], env=env_of(stack, "C_NOPE")) == 1
    text = line(capsys.readouterr().out)
    assert text.startswith("✗ ") and "C_NOPE" in text and "channel_not_found" in text


def test_no_channel_no_line(stack: LocalStack, capsys: Any) -> None:
    assert check.main([], env=env_of(stack, None)) == 0
    assert "Announcement channel" not in capsys.readouterr().out


def test_missing_scope_names_the_scope(stack: LocalStack, capsys: Any) -> None:
    stack.slack.fail_next("conversations.info", error="missing_scope")
    assert check.main([], env=env_of(stack, NOTIFY)) == 1
    text = line(capsys.readouterr().out)
    assert text.startswith("✗ ") and "channels:read" in text
