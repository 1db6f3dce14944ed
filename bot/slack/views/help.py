"""Help for each slash command; `/book help` adds how date phrases are read."""

from __future__ import annotations

from typing import Any

from bot.slack.views.messages import context, message, section

DATES_SUMMARY = (
    "*How times are read* (in your Slack timezone unless you name another):\n"
    "• `tomorrow 3pm`, `fri 10:30`, `next tue 3pm` (next = the first one after today), "
    "`this friday` (today counts), `tue next week`\n"
    "• `at 3` means 3 PM (8–11 morning, 12 noon, 1–6 afternoon); `noon`, `midnight`\n"
    "• `in 2 hours`, `in 3 days at 10am`, `jan 15 2pm`, `15/01` (ambiguous dates follow "
    "your region)\n"
    "• `3pm London time`, `9am PT`, `10:00 UTC+2`: that zone's clock\n"
    "• `morning` 8–12, `afternoon` 12–17, `evening` 17–21 show the free times in that range"
)

_BOOK = (
    "*`/book`* books a meeting.\n"
    "• `/book` opens the booking form.\n"
    "• `/book demo with ana@acme.com next tue 3pm` books in one line: the event by name, "
    "the attendee by email or @mention (you by default), the time in plain language. "
    "If that time is free you confirm with *Book*; if not you get the nearest free times.\n"
    "• `/book help` shows this."
)
_SLOTS = (
    "*`/slots`* shows free times.\n"
    "• `/slots` lists the events.\n"
    "• `/slots demo tomorrow`, `/slots demo next week`: the free times, in your timezone, "
    "each with a *Book* button."
)
_BOOKINGS = (
    "*`/bookings`* lists bookings.\n"
    "• `/bookings` or `/bookings upcoming`: the coming ones.\n"
    "• `/bookings past`, `/bookings all`."
)
_SETTINGS = (
    "*`/booking-settings`* manages the site's integration settings (admins only). Coming soon."
)

TEXTS = {"/book": _BOOK, "/slots": _SLOTS, "/bookings": _BOOKINGS, "/booking-settings": _SETTINGS}


def help_message(command: str, dates_help: str | None = None) -> dict[str, Any]:
    blocks = [section(TEXTS.get(command, _BOOK))]
    if command == "/book":
        blocks.append(section(dates_help or DATES_SUMMARY))
    blocks.append(context("Commands: `/book`, `/slots`, `/bookings`, `/booking-settings`"))
    return message(blocks, f"Help for {command}")


def unknown_subcommand(command: str, word: str, expected: str) -> dict[str, Any]:
    from bot.slack.text import escape

    return message(
        [
            section(
                f":thinking_face: `{escape(command)} {escape(word)}` is not something I know. "
                f"Try {expected}, or `{escape(command)} help`."
            )
        ],
        "Unknown option",
    )
