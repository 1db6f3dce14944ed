"""`python -m bot api ...`: drive the FluentBooking client from the shell.

    python -m bot api events
    python -m bot api slots EVENT_ID --from YYYY-MM-DD [--to YYYY-MM-DD] --tz ZONE [--duration N]
    python -m bot api book EVENT_ID --time "YYYY-MM-DD HH:MM" --tz ZONE --name NAME
                           --email EMAIL [--phone P] [--address A] [--duration N] [--message M]
    python -m bot api bookings [--period upcoming|past|all|...] [--host]
    python -m bot api integration get KEY
    python -m bot api integration set KEY FIELD=VALUE ...
    python -m bot api booking|cancel|reschedule|approve|decline|mark ID ...
                           (see bot.fluentbooking.lifecycle_cli)

The connection comes from FLUENTBOOKING_URL, FLUENTBOOKING_USERNAME and
FLUENTBOOKING_APP_PASSWORD. Readable tables by default; ``--json`` prints one JSON
document. Exit codes: 0 success; 1 an API error (with ``--json``:
``{"error": {"kind": ..., "message": ...}}``); bad arguments or missing settings are
kind ``usage`` and exit 2, or 1 under ``--json`` so every JSON failure has one shape
and one code. Integration setting values are masked (at most the last 4 characters).

``bookings`` lists the bookings whose attendee is the site user; ``--period past`` and
``all`` are filtered and ordered by the client (the 2.0.0 site does neither): upcoming
soonest first, past most recent first. Each row keeps the site's display strings
(``date``, ``time``) and adds ``start_utc`` / ``end_utc`` read from them (null where the
site does not show it: 2.0.0 shows only the end time). ``integration set`` merges the
given fields into the site's current settings, saves, reads back and reports which
fields the site really kept (a free site keeps none).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from bot.config import ConfigError, Settings
from bot.masking import mask_integration, mask_settings
from bot.tzdb import canonical_zone

from . import lifecycle_cli
from .client import BookingRequest, FluentBookingClient
from .errors import FluentBookingError
from .integration_values import kept_fields, typed_like
from .models import Event

__all__ = ["build_parser", "main", "mask_settings"]

ClientFactory = Callable[[Settings], FluentBookingClient]


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # raise instead of exiting, to choose the shape
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document")
    parser = _Parser(
        prog="python -m bot api",
        parents=[common],
        description="Drive the FluentBooking client (settings from FLUENTBOOKING_*).",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("events", parents=[common], help="list bookable events")
    lifecycle_cli.add_parsers(sub, common)

    slots = sub.add_parser("slots", parents=[common], help="free slots of an event")
    slots.add_argument("event_id", type=int)
    slots.add_argument("--from", dest="start", required=True, type=_date)
    slots.add_argument("--to", dest="end", type=_date)
    slots.add_argument("--tz", required=True)
    slots.add_argument("--duration", type=int)

    book = sub.add_parser("book", parents=[common], help="create a booking")
    book.add_argument("event_id", type=int)
    book.add_argument("--time", required=True, help='"YYYY-MM-DD HH:MM" in --tz')
    book.add_argument("--tz", required=True)
    book.add_argument("--name", required=True)
    book.add_argument("--email", required=True)
    book.add_argument("--phone")
    book.add_argument("--address")
    book.add_argument("--duration", type=int)
    book.add_argument("--message")

    bookings = sub.add_parser("bookings", parents=[common], help="your bookings")
    bookings.add_argument(
        "--period",
        default="upcoming",
        choices=["upcoming", "past", "all", "completed", "cancelled", "pending"],
    )
    bookings.add_argument("--per-page", type=int, default=20)
    bookings.add_argument(
        "--host", action="store_true", help="bookings you host (GET /schedules) instead of attend"
    )

    integration = sub.add_parser("integration", parents=[common], help="integration settings")
    isub = integration.add_subparsers(dest="action", required=True, parser_class=_Parser)
    get = isub.add_parser("get", parents=[common])
    get.add_argument("key")
    put = isub.add_parser("set", parents=[common])
    put.add_argument("key")
    put.add_argument("pairs", nargs="+", metavar="FIELD=VALUE")
    return parser


def main(argv: list[str], *, client_factory: ClientFactory | None = None) -> int:
    as_json = "--json" in argv
    try:
        args = build_parser().parse_args(argv)
        settings = Settings.from_env()
        settings.require(
            "FLUENTBOOKING_URL", "FLUENTBOOKING_USERNAME", "FLUENTBOOKING_APP_PASSWORD"
        )
        if getattr(args, "pairs", None):
            args.settings = _pairs(args.pairs)
        if getattr(args, "tz", None) and canonical_zone(args.tz) is None:
            raise UsageError(f"--tz: {args.tz!r} is not a known IANA timezone")
        factory = client_factory or FluentBookingClient.from_settings
        try:
            client = factory(settings)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    except (UsageError, ConfigError) as exc:
        return _fail("usage", str(exc), as_json, code=1 if as_json else 2)
    try:
        data, text = asyncio.run(_run(client, args))
    except FluentBookingError as exc:
        extra = {**exc.to_dict(), **lifecycle_cli.error_extra(exc)}
        return _fail(exc.kind, exc.user_message, as_json, extra=extra)
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(text)
    return 0


def _fail(
    kind: str, message: str, as_json: bool, *, code: int = 1, extra: dict[str, Any] | None = None
) -> int:
    if as_json:
        error = {**(extra or {}), "kind": kind, "message": message}
        print(json.dumps({"error": error}, ensure_ascii=False))
    else:
        print(f"error ({kind}): {message}", file=sys.stderr)
    return code


async def _run(client: FluentBookingClient, args: argparse.Namespace) -> tuple[Any, str]:
    async with client:
        if args.command in lifecycle_cli.COMMANDS:
            return await lifecycle_cli.run(client, args)
        if args.command == "events":
            events = await client.list_events()
            rows = [_event_json(e) for e in events]
            return rows, _table(
                rows,
                ["id", "title", "duration", "durations", "location_type", "requires", "active"],
            )
        if args.command == "slots":
            end = args.end or args.start
            slots = await client.get_slots(
                args.event_id, start=args.start, end=end, timezone=args.tz, duration=args.duration
            )
            data = slots.to_json()
            lines = [f"Event {data['event_id']}, times in {data['timezone']}:"]
            lines += [f"  {day}  {' '.join(times)}" for day, times in data["slots"].items()]
            if not data["slots"]:
                lines.append("  no free slots in this range")
            return data, "\n".join(lines)
        if args.command == "book":
            request = BookingRequest(
                name=args.name,
                email=args.email,
                timezone=args.tz,
                event_time=args.time,
                duration=args.duration,
                phone=args.phone,
                address=args.address,
                message=args.message,
            )
            booking = await client.create_booking(args.event_id, request)
            data = booking.to_json()
            return data, "\n".join(f"{k:>10}: {v}" for k, v in data.items() if v is not None)
        if args.command == "bookings":
            if args.host:
                page = await client.list_schedules(per_page=args.per_page)
                rows = [b.to_json() for b in page.items]
                cols = ["id", "status", "start_utc", "title", "name", "email"]
            else:
                result = await client.list_bookings(period=args.period, per_page=args.per_page)
                rows = [b.to_json() for b in result.items]
                cols = ["id", "status", "date", "time", "timezone", "title"]
            return rows, _table(rows, cols)
        if args.command == "integration":
            if args.action == "get":
                found = await client.get_integration(args.key)
                data = {
                    "key": found.key,
                    "available": found.available,
                    "settings": mask_integration(found.settings, found.field_settings),
                    "fields": sorted(found.field_settings),
                }
                if not found.available:
                    data["note"] = (
                        "Not available or not configured on this site (some integrations "
                        "need FluentBooking Pro)."
                    )
                text = json.dumps(data, indent=2)
                return data, text
            return await _set_integration(client, args.key, args.settings)
    raise UsageError(f"unknown command {args.command!r}")  # pragma: no cover


async def _set_integration(
    client: FluentBookingClient, key: str, typed: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """Overlay the typed fields on the site's current settings, save, read back, and
    say which fields the site really kept: its "saved" alone proves nothing."""
    current = await client.get_integration(key)
    changes = {n: typed_like(v, current.settings.get(n)) for n, v in typed.items()}
    message = await client.update_integration(key, {**current.settings, **changes})
    after = await client.get_integration(key)
    kept = kept_fields(changes, after.settings)
    not_kept = [n for n in changes if n not in kept]
    data: dict[str, Any] = {
        "key": key,
        "message": message,
        "available": after.available,
        "kept": kept,
        "not_kept": not_kept,
        "settings": mask_integration(after.settings, after.field_settings),
    }
    if not_kept:
        why = (
            "this integration is not available or not configured on this site (some "
            "need FluentBooking Pro)"
            if not after.available
            else "it may have refused or reset them"
        )
        data["note"] = (
            f"The site answered {message!r} but did not keep {', '.join(not_kept)}: {why}."
        )
    lines = [message]
    if kept:
        lines.append(f"Kept by the site: {', '.join(kept)}")
    if not_kept:
        lines.append(f"NOT kept: {data['note']}")
    lines.append(json.dumps(data["settings"], indent=2))
    return data, "\n".join(lines)


def _event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "duration": event.duration,
        "durations": event.durations,
        "location_type": event.location_type,
        "requires": event.requires,
        "active": event.active,
        "requires_confirmation": event.requires_confirmation,
        "host": event.host_name,
    }


def _table(rows: Sequence[dict[str, Any]], columns: list[str]) -> str:
    if not rows:
        return "(none)"

    def cell(value: Any) -> str:
        if isinstance(value, list):
            return ",".join(str(v) for v in value) or "-"
        return "-" if value is None or value == "" else str(value)

    cells = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _pairs(pairs: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{pair!r} is not FIELD=VALUE")
        result[name.strip()] = value
    return result
