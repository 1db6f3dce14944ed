"""Command line: `python -m bot [serve|socket|demo|sandbox|check|parse-date|api] ...`.

Each subcommand lives in its own module and is imported only when asked for, so
`parse-date` starts without loading the Slack or HTTP stack.
"""

from __future__ import annotations

import importlib
import sys

# subcommand -> (module, function, one-line help). The function takes argv (list[str])
# and returns an exit code.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "serve": ("bot.slack.run", "serve_main", "serve Slack requests over HTTP on $PORT (default)"),
    "socket": ("bot.slack.run", "socket_main", "run the bot in Socket Mode"),
    "demo": ("bot.demo", "main", "the bot on the embedded sandbox with a terminal Slack"),
    "sandbox": ("bot.sandbox.cli", "main", "run the local FluentBooking sandbox"),
    "check": ("bot.check", "main", "check the settings against Slack and the site"),
    "parse-date": ("bot.dates_cli", "main", "resolve a date phrase: TEXT --tz ZONE --now ISO"),
    "api": ("bot.fluentbooking.cli", "main", "drive the FluentBooking client from the shell"),
}


def usage() -> str:
    lines = ["usage: python -m bot [COMMAND] [ARGS...]", "", "commands:"]
    lines += [f"  {name:<11} {help_}" for name, (_, _, help_) in COMMANDS.items()]
    lines += ["", "With no command, `serve` runs. `python -m bot COMMAND --help` for more."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    name = args[0] if args and not args[0].startswith("-") else "serve"
    rest = args[1:] if args and args[0] == name else args
    if name not in COMMANDS:
        print(f"unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module_name, function_name, _ = COMMANDS[name]
    module = importlib.import_module(module_name)
    return int(getattr(module, function_name)(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
