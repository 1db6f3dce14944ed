"""`python -m bot demo`: the whole bot locally, with a terminal Slack client.

Starts the sandbox site, the Slack stand-in and the bot (HTTP on 127.0.0.1, real time),
then reads commands from the terminal, a pipe or ``--script FILE`` and prints what
Slack would show. Logs go to a file under the state directory, so no stack trace ever
reaches the terminal; every error is one line.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.demo.session import DemoSession

USAGE = "python -m bot demo [--script FILE] [--state DIR]"


def banner(session: DemoSession, log_path: Path) -> str:
    user = session.slack.users[session.user_id]
    return "\n".join(
        [
            "FluentBooking for Slack: local demo",
            f"You are {user.real_name} <{user.email}>, a demo Slack user in {user.tz},"
            " typing in #general.",
            "The bot, a sandbox booking site and a stand-in Slack all run on 127.0.0.1.",
            "Type first:  /book          (opens the booking form)",
            "        or:  /book demo with ana@acme.com tomorrow 10am",
            "help lists every command; quit (or Ctrl-D) leaves.",
            f"(the bot's log: {log_path})",
        ]
    )


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot demo",
        description="Run the bot on the embedded sandbox with a terminal Slack client.",
    )
    parser.add_argument("--script", metavar="FILE", help="run the commands in FILE, then exit")
    parser.add_argument(
        "--state", metavar="DIR", help="keep the sandbox and bot state here (default: a temp dir)"
    )
    return parser.parse_args(argv)


def _quiet_logging(log_path: Path) -> None:
    """Everything to the log file; nothing (no tracebacks) to the terminal."""
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        logging.getLogger("bot.demo").error(
            "uncaught error in thread %s",
            getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
        )

    threading.excepthook = thread_hook


def _route_uvicorn_logs() -> None:
    """uvicorn installs its own stderr handlers when it starts: send them to the file."""
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            logger.removeHandler(old)
        logger.propagate = True


def _lines(source: TextIO, interactive: bool) -> Iterator[str]:
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
        while True:
            try:
                yield input("> ")
            except EOFError:
                print()
                return
    for line in source:
        yield line.rstrip("\n")


def run(session: DemoSession, source: TextIO, out: TextIO, *, interactive: bool) -> None:
    for line in _lines(source, interactive):
        if not interactive and line.strip():
            print(f"> {line}", file=out)
        text = session.execute(line)
        if text:
            print(text, file=out)
        if line.strip():
            print(file=out)
        out.flush()
        if session.done:
            return


def main(argv: list[str]) -> int:
    for stream in (sys.stdout, sys.stderr):  # a terminal without UTF-8 still gets text
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    try:
        args = _parse(argv)
    except SystemExit as exc:  # argparse printed the usage
        return int(exc.code or 0)
    source: TextIO = sys.stdin
    if args.script:
        try:
            source = open(args.script, encoding="utf-8")  # noqa: SIM115 (closed below)
        except OSError as exc:
            print(f"error: cannot read the script {args.script}: {exc.strerror}", file=sys.stderr)
            return 2
    with contextlib.ExitStack() as cleanup:
        if source is not sys.stdin:
            cleanup.callback(source.close)
        if args.state:
            state = Path(args.state)
            try:
                state.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                print(f"error: cannot use {state} for the demo's state: {exc.strerror}")
                return 2
        else:
            state = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="bot-demo-")))
        log_path = state / "demo.log"
        _quiet_logging(log_path)
        try:
            stack = _start(state)
        except Exception as exc:
            logging.getLogger("bot.demo").exception("the demo could not start")
            print(f"error: the demo could not start: {exc}", file=sys.stderr)
            return 1
        cleanup.callback(stack.stop)
        session = _session(stack)
        cleanup.callback(session.requester.close)
        print(banner(session, log_path if args.state else Path("(temp dir, removed at exit)")))
        print()
        interactive = source is sys.stdin and sys.stdin.isatty()
        try:
            run(session, source, sys.stdout, interactive=interactive)
        except KeyboardInterrupt:
            print()
        print("Stopping the demo...")
    return 0


def _start(state: Path) -> Any:
    from bot.demo.stack import start_local_stack

    stack = start_local_stack(state, now=None)
    _route_uvicorn_logs()
    return stack


def _session(stack: Any) -> DemoSession:
    from bot.localslack import DEMO_CHANNEL, U_ALICE, SyncSlackRequester

    requester = SyncSlackRequester(stack.bot.events_url, stack.slack, timeout=60.0)
    return DemoSession(
        stack.slack,
        requester,
        lambda: stack.wait_idle(60.0),
        user_id=U_ALICE,
        channel=DEMO_CHANNEL,
    )
