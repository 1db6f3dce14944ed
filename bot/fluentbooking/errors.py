"""One exception hierarchy for everything the site can do wrong.

Every error has a ``kind`` (a stable word the CLI and the Slack layer switch on), a
``user_message`` fit to show a person (what happened, what to do), a ``detail`` for the
log and ``status`` (the HTTP status, when there was one). None of them ever contains the
application password: they are built from the site's ``message`` and our own words only,
and they are raised ``from None`` so httpx objects (which hold the request) are not chained.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Booking

__all__ = [
    "AuthError",
    "BadResponseError",
    "BookingUncertainError",
    "CreateServerError",
    "CreateTimeoutError",
    "CreateUnreadableError",
    "EventClosedError",
    "FluentBookingError",
    "NotChangedError",
    "NotFoundError",
    "RefusedError",
    "ServerError",
    "SiteTimeoutError",
    "SlotUnavailableError",
    "ValidationError",
]


class FluentBookingError(Exception):
    kind = "server"
    default_message = "The booking site answered with an error."

    def __init_subclass__(cls, *, kind: str = "", message: str = "", **kwargs: object) -> None:
        """``class X(FluentBookingError, kind=..., message=...)`` sets both at once."""
        super().__init_subclass__(**kwargs)
        cls.kind = kind or cls.kind
        cls.default_message = message or cls.default_message

    def __init__(
        self,
        user_message: str | None = None,
        *,
        detail: str = "",
        status: int | None = None,
    ) -> None:
        self.user_message = user_message or self.default_message
        self.detail = detail
        self.status = status
        super().__init__(self.user_message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.user_message!r}, status={self.status!r})"

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "message": self.user_message}


class AuthError(
    FluentBookingError,
    kind="auth",
    message=(
        "The booking site refused the credentials. Check FLUENTBOOKING_USERNAME and "
        "FLUENTBOOKING_APP_PASSWORD (an Application Password, not the login password)."
    ),
):
    """401; 403 (a user without access, or a firewall); a redirect to a login page."""


class NotFoundError(
    FluentBookingError,
    kind="not_found",
    message="The booking site has no such item (check the event id and the site URL).",
):
    """404 with no more specific meaning (an unknown booking, route or site path)."""


class ValidationError(
    FluentBookingError, kind="validation", message="Some booking details are not valid."
):
    """Bad input, found by the site (422/400) or by the client before calling."""

    def __init__(
        self,
        user_message: str | None = None,
        *,
        fields: dict[str, str] | None = None,
        detail: str = "",
        status: int | None = None,
    ) -> None:
        self.fields = dict(fields or {})
        if user_message is None and self.fields:
            user_message = "; ".join(f"{k}: {v}" for k, v in self.fields.items())
        elif self.fields and not any(v in (user_message or "") for v in self.fields.values()):
            user_message = (
                f"{user_message} ({'; '.join(f'{k}: {v}' for k, v in self.fields.items())})"
            )
        super().__init__(user_message, detail=detail, status=status)

    def to_dict(self) -> dict[str, object]:
        data = super().to_dict()
        if self.fields:
            data["fields"] = dict(self.fields)
        return data


class SlotUnavailableError(
    FluentBookingError,
    kind="slot_unavailable",
    message=(
        "That time is no longer available (someone may have just booked it). Pick another slot."
    ),
):
    """422 "This selected time slot is not available": taken, off-grid or host busy."""


class EventClosedError(
    FluentBookingError,
    kind="event_closed",
    message=(
        "This event is not accepting new bookings at the moment (it may be inactive or unknown)."
    ),
):
    """422 "not accepting any new bookings": the event is inactive or unknown."""


class ServerError(
    FluentBookingError,
    kind="server",
    message="The booking site had an internal error. Try again in a few minutes.",
):
    """5xx, PHP errors, and 429 after the retries."""


class SiteTimeoutError(
    FluentBookingError,
    kind="timeout",
    message="The booking site did not answer in time. Try again in a moment.",
):
    """The site did not answer in time, or could not be reached at all."""


class BadResponseError(
    FluentBookingError,
    kind="bad_response",
    message=(
        "The booking site answered with something that is not the API's JSON (a web page, "
        "perhaps a maintenance or login page). Check FLUENTBOOKING_URL and the site's health."
    ),
):
    """Not the API's JSON: a web page, an empty or odd answer, a redirect elsewhere."""


class BookingUncertainError(FluentBookingError):
    """A create was sent and its answer was lost: the booking may or may not exist.

    Raised (as one of the three kinds below, which keep their usual kind and class) for
    a timeout or a broken connection after the request went out, a 5xx, or a 2xx that
    cannot be read. Catch this to reconcile: look the booking up on the site."""


class CreateTimeoutError(SiteTimeoutError, BookingUncertainError):
    """No answer to a create in time, or the connection broke after sending."""


class CreateServerError(ServerError, BookingUncertainError):
    """A create answered 5xx: the site may have booked before it failed."""


class CreateUnreadableError(BadResponseError, BookingUncertainError):
    """A create answered 2xx with something that is not a booking."""


class RefusedError(
    FluentBookingError,
    kind="refused",
    message="That change does not fit this booking's state, so nothing was sent to the site.",
):
    """The client refused a change before writing: the site would take it silently or
    wrongly (reject a booking that is not pending, re-schedule a cancelled one...).
    ``booking`` is the booking as read from the site; ``already`` is True when it is
    already in the state asked for."""

    def __init__(
        self,
        user_message: str | None = None,
        *,
        booking: Booking | None = None,
        already: bool = False,
        detail: str = "",
    ) -> None:
        super().__init__(user_message, detail=detail)
        self.booking = booking
        self.already = already


class NotChangedError(
    FluentBookingError,
    kind="not_changed",
    message="The booking site answered, but the booking did not change.",
):
    """The site answered success (or "No changes found") yet the booking, read back,
    is not as asked. ``booking`` is what the site now holds."""

    def __init__(
        self, user_message: str | None = None, *, booking: Booking | None = None, detail: str = ""
    ) -> None:
        super().__init__(user_message, detail=detail)
        self.booking = booking


#: every kind an error may have (the CLI's ``--json`` error kinds, less ``usage``)
