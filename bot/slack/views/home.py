"""The App Home tab."""

from __future__ import annotations

from typing import Any

from bot.slack.views.help import TEXTS
from bot.slack.views.messages import context, section


def home_view() -> dict[str, Any]:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Book meetings from Slack"}},
        section(
            "See free times and book meetings on the team's booking site without leaving "
            "Slack. Times are read and shown in your Slack timezone."
        ),
        {"type": "divider"},
        section(TEXTS["/book"]),
        section(TEXTS["/slots"]),
        section(TEXTS["/bookings"]),
        context("On any message: ⋮ → *Book a meeting with this person*."),
    ]
    return {"type": "home", "blocks": blocks}
