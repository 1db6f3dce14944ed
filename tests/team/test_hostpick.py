"""Naming the host in a command without confusing it with the attendee."""

from __future__ import annotations

import pytest

from bot.team.hostpick import HostPick, take_host


@pytest.mark.parametrize(
    ("text", "pick", "rest"),
    [
        ("demo host:<@U_HANA|hana> tomorrow 3pm", HostPick(user_id="U_HANA"), "demo tomorrow 3pm"),
        ("host: <@U_HANA> demo", HostPick(user_id="U_HANA"), "demo"),
        ("demo HOST:hana@wp.example fri", HostPick(email="hana@wp.example"), "demo fri"),
        ("demo host:<mailto:h@x.io|h@x.io>", HostPick(email="h@x.io"), "demo"),
        ("demo host:Hana", HostPick(name="Hana"), "demo"),
        ("demo with <@U_ANA> tomorrow", None, "demo with <@U_ANA> tomorrow"),
        ("ghost:x demo", None, "ghost:x demo"),
    ],
)
def test_book_names_the_host_only_with_the_prefix(
    text: str, pick: HostPick | None, rest: str
) -> None:
    assert take_host(text) == (pick, rest)


def test_slots_takes_a_bare_mention_as_the_host() -> None:
    assert take_host("<@U_HANA> next week", bare_mention=True) == (
        HostPick(user_id="U_HANA"),
        "next week",
    )
    # the prefix wins over a bare mention
    assert take_host("<@U_X> host:<@U_HANA>", bare_mention=True) == (
        HostPick(user_id="U_HANA"),
        "<@U_X>",
    )
