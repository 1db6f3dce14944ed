"""Help for each slash command; `/book help` adds how date phrases are read."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import context, message, section

_BOOK = (
    "*`/book`* books a meeting.\n"
    "• `/book` opens the booking form.\n"
    "• `/book demo with ana@acme.com next tue 3pm` books in one line: the event by name, "
    "the attendee by email or @mention (you by default), the time in plain language. "
    "If that time is free you confirm with *Book*; if not you get the nearest free times.\n"
    "• `/book demo host:@hana fri 10am`: one of a teammate's events (`host:` names the "
    "host; an @mention or email alone is the attendee).\n"
    "• `/book help` shows this."
)
_SLOTS = (
    "*`/slots`* shows free times.\n"
    "• `/slots` lists the events.\n"
    "• `/slots demo tomorrow`, `/slots demo next week`, `/slots demo next 2 weeks`: the "
    "free times, in your timezone, each with a *Book* button; *More times* shows a whole day.\n"
    "• `/slots @hana` lists a teammate's events; `/slots @hana tomorrow`: their free times."
)
_BOOKINGS = (
    "*`/bookings`* lists your meetings: the ones you host, the ones you attend and the "
    "ones you booked from Slack, each in its attendee's timezone.\n"
    "• `/bookings` or `/bookings upcoming`: the coming ones, soonest first.\n"
    "• `/bookings past`: the earlier ones, most recent first. `/bookings all`: both.\n"
    "• `/bookings team`: every host's bookings (admins only)."
)
TEXTS = {"/book": _BOOK, "/slots": _SLOTS, "/bookings": _BOOKINGS}


def help_message(command: str) -> dict[str, Any]:
    blocks = [section(TEXTS.get(command, _BOOK))]
    if command == "/book":
        from bot.dates.help import HELP_TEXT  # the dates module states its own readings

        blocks.append(section(HELP_TEXT))
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
