"""`python -m bot parse-date TEXT --tz ZONE [--now ISO]`: print the reading as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

_VALUED = ("--tz", "--now", "--languages")


def _split_text(argv: list[str]) -> tuple[list[str], list[str]]:
    """(the phrase's words, the options): a word starting with "-" that is not one of our
    options is part of the phrase ("-2hr5min", "- 3pm"), never an unknown option."""
    words: list[str] = []
    options: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            words += argv[i + 1 :]
            break
        if arg in _VALUED:
            options += argv[i : i + 2]
            i += 2
            continue
        if arg.split("=", 1)[0] in _VALUED or arg in ("-h", "--help"):
            options.append(arg)
        else:
            words.append(arg)
        i += 1
    return words, options


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot parse-date",
        description="Resolve a date phrase to a timezone-aware instant (JSON on stdout).",
    )
    parser.add_argument("text", nargs="*", help="the phrase, e.g. 'tomorrow at 3pm'")
    parser.add_argument("--tz", default="UTC", help="the user's IANA zone (default UTC)")
    parser.add_argument(
        "--now", default=None, help="reference time, ISO 8601; naive means local to --tz"
    )
    parser.add_argument("--languages", default=None, help="comma-separated, e.g. en,es")
    words, options = _split_text(argv)
    args = parser.parse_args(options)
    if not words:
        parser.error("the phrase is required, e.g. 'tomorrow at 3pm'")

    from bot.dates import DateParseError, parse_when

    text = " ".join(words)
    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            return _error(f"--now {args.now!r} is not an ISO 8601 date-time")
    langs = tuple(x.strip() for x in args.languages.split(",")) if args.languages else None
    try:
        result = parse_when(text, args.tz, now, languages=langs)
    except DateParseError as e:
        return _error(str(e))
    print(json.dumps(result.to_json(), ensure_ascii=False))
    return 0


def _error(message: str) -> int:
    print(json.dumps({"error": message}, ensure_ascii=False))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
