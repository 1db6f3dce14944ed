"""`python -m bot api booking|cancel|reschedule|approve|decline|mark`.

    python -m bot api booking ID
    python -m bot api cancel ID [--reason R]
    python -m bot api reschedule ID --time "YYYY-MM-DD HH:MM" --tz ZONE [--reason R]
    python -m bot api approve ID
    python -m bot api decline ID [--reason R]
    python -m bot api mark ID completed|no_show

Each change prints the booking as read back from the site afterwards; when the site did
not change it (or the client refused because the site would have done it silently or
wrongly) the command exits 1 with ``{"error": {...}}`` under ``--json``, the error
carrying the booking as the site holds it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .errors import NotChangedError, RefusedError
from .models import Booking

if TYPE_CHECKING:
    from .client import FluentBookingClient

COMMANDS = ("booking", "cancel", "reschedule", "approve", "decline", "mark")
FIELDS = ("id", "status", "start_utc", "end_utc", "event_id", "host_email", "attendee_email")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    show = sub.add_parser("booking", parents=[common], help="one booking, as the site holds it")
    show.add_argument("booking_id", type=int)

    cancel = sub.add_parser("cancel", parents=[common], help="cancel a booking")
    cancel.add_argument("booking_id", type=int)
    cancel.add_argument("--reason", default="", help="emailed to the attendee")

    move = sub.add_parser("reschedule", parents=[common], help="move a booking in place")
    move.add_argument("booking_id", type=int)
    move.add_argument("--time", required=True, help='"YYYY-MM-DD HH:MM" in --tz')
    move.add_argument("--tz", required=True)
    move.add_argument("--reason", default="", help="sent with the rescheduled notice")

    approve = sub.add_parser("approve", parents=[common], help="approve a pending booking")
    approve.add_argument("booking_id", type=int)

    decline = sub.add_parser("decline", parents=[common], help="decline a pending booking")
    decline.add_argument("booking_id", type=int)
    decline.add_argument("--reason", default="", help="emailed to the attendee")

    mark = sub.add_parser("mark", parents=[common], help="record how a past meeting went")
    mark.add_argument("booking_id", type=int)
    mark.add_argument("outcome", choices=["completed", "no_show"])


async def run(client: FluentBookingClient, args: argparse.Namespace) -> tuple[Any, str]:
    """(JSON document, text) for one lifecycle command."""
    booking_id = args.booking_id
    if args.command == "booking":
        booking = await client.get_booking(booking_id)
    elif args.command == "cancel":
        booking = await client.cancel_booking(booking_id, args.reason, strict=True)
    elif args.command == "reschedule":
        booking = await client.reschedule_booking(booking_id, args.time, args.tz, args.reason)
    elif args.command == "approve":
        booking = await client.approve_booking(booking_id)
    elif args.command == "decline":
        booking = await client.decline_booking(booking_id, args.reason)
    else:
        booking = await client.mark_booking(booking_id, args.outcome)
    data = await booking_json(client, booking)
    return data, "\n".join(f"{k:>14}: {'-' if v is None else v}" for k, v in data.items())


async def booking_json(client: FluentBookingClient, booking: Booking) -> dict[str, Any]:
    """The DESIGN.md fields (plus the title and the attendee's zone)."""
    full = booking.to_json()
    return {
        "id": booking.id,
        "status": booking.status,
        "start_utc": full["start_utc"],
        "end_utc": full["end_utc"],
        "event_id": booking.event_id,
        "host_email": await client.booking_host_email(booking),
        "attendee_email": booking.email or None,
        "title": booking.title,
        "timezone": booking.timezone,
    }


def error_extra(exc: Exception) -> dict[str, Any]:
    """What a refused or unchanged booking adds to the error document."""
    booking = getattr(exc, "booking", None)
    if isinstance(exc, NotChangedError | RefusedError) and isinstance(booking, Booking):
        extra: dict[str, Any] = {"booking": booking.to_json()}
        if isinstance(exc, RefusedError):
            extra["already"] = exc.already
        return extra
    return {}
