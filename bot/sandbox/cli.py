"""`python -m bot sandbox`: run the local FluentBooking sandbox in the foreground."""

from __future__ import annotations

import argparse
import threading
from datetime import datetime

from bot.sandbox.server import start_sandbox
from bot.sandbox.users import TEAM_USERS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot sandbox",
        description="A local FluentBooking-compatible site (WordPress REST API emulation).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    parser.add_argument("--db", metavar="FILE", help="SQLite file (default: a temporary one)")
    parser.add_argument(
        "--integrations",
        choices=("pro", "free"),
        default="pro",
        help="answer integration settings like a Pro site (stored) or the free plugin",
    )
    parser.add_argument(
        "--slots-route", action="store_true", help="route /bookings/slots/{id} (newer sites)"
    )
    parser.add_argument(
        "--sample-bookings",
        action="store_true",
        help="add a few bookings around today (the demo user as attendee and as host)",
    )
    parser.add_argument(
        "--team",
        action="store_true",
        help="add team hosts (Nate Brooks, New York; Hana Schmidt, Berlin) with their logins",
    )
    parser.add_argument(
        "--now", metavar="ISO", help="fix the site's clock (e.g. 2025-01-10T14:00Z)"
    )
    return parser


def main(argv: list[str], stop: threading.Event | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        now = datetime.fromisoformat(args.now) if args.now else None
    except ValueError:
        print(f"--now: not an ISO date and time: {args.now!r}")
        return 2
    try:
        sandbox = start_sandbox(
            args.db,
            args.port,
            now,
            host=args.host,
            integrations=args.integrations,
            slots_route=args.slots_route,
            sample_bookings=args.sample_bookings,
            team=args.team,
        )
    except RuntimeError as exc:
        print(str(exc))
        return 1
    print(f"FluentBooking sandbox running at {sandbox.url}", flush=True)
    print(f"  API:          {sandbox.api_url}")
    print(f"  username:     {sandbox.username}")
    print(f"  app password: {sandbox.app_password}  (the demo's public default)")
    print(f"  database:     {sandbox.db_path}")
    if args.team:
        for user in TEAM_USERS:
            print(f"  team host:    {user.username} / {user.app_password}  ({user.email})")
    print("Press Ctrl-C to stop.", flush=True)
    waiter = stop or threading.Event()
    try:
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0
