"""The async FluentBooking REST client: the operations (what a caller can ask the site).

One client per process; HTTP Basic auth with the WordPress user and an Application
Password (with or without its spaces). See ``bot.fluentbooking.urls`` for the
FLUENTBOOKING_URL forms accepted. The jobs are split by module:

- here, the operations: which calls make up an answer (all calendar pages, one slots
  call per month, the ``/bookings/slots`` -> ``/bookings/event`` fallback on 404,
  remembered per client), and a short-lived cache of each event's rules;
- ``transport``: HTTP, deadlines, retries (GETs only; a retried create can
  double-book), the URL style;
- ``responses``: the site's answer or silence -> the error tree;
- ``payloads``: pure builders and checks of what is sent (canonical zones, a booking's
  status, location and time rules; ``/bookings`` always sends ``calendar_ids[]=all``;
  ``ignore_availability`` is never sent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import httpx

from bot.cache import TTLCache

from .errors import (
    BadResponseError,
    CreateUnreadableError,
    EventClosedError,
    FluentBookingError,
    NotChangedError,
    NotFoundError,
    RefusedError,
    ServerError,
    SiteTimeoutError,
    ValidationError,
)
from .lifecycle import (
    RESULT_STATUS,
    VERBS,
    Change,
    ajax_url,
    booking_id_param,
    describe_status,
    new_start,
    refusal,
    reschedule_form,
    status_body,
)
from .models import (
    Activity,
    Booking,
    BookingList,
    BookingSummary,
    Event,
    EventDetails,
    FormField,
    IntegrationSettings,
    ScheduleList,
    Slots,
    as_bool,
    as_dict,
    as_int,
    as_list,
    parse_date,
    plain_text,
)
from .payloads import (
    BookingRequest,
    booking_payload,
    check_period,
    check_window,
    check_zone,
    checked_attendee,
    month_starts,
    order_bookings,
    positive,
    settings_key,
    slot_range,
    start_date_param,
)
from .payloads import event_id_param as _id
from .transport import Transport
from .urls import Style, locate_api

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = ["BookingRequest", "FluentBookingClient", "check_zone", "order_bookings"]

log = logging.getLogger("bot.fluentbooking")

MAX_CALENDAR_PAGES = 20  # 1,000 calendars at 50 a page
EVENT_CACHE_SIZE = 512
BOOKINGS_FETCH = 100  # rows read from GET /bookings when the client filters them itself


class FluentBookingClient:
    def __init__(
        self,
        site_url: str,
        username: str,
        app_password: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        total_timeout: float | None = None,
        max_retries: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] | None = None,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_max: float = 30.0,
        url_style: Style = "auto",
        sleep: Callable[[float], Awaitable[None]] | None = None,
        event_cache_seconds: float = 300.0,
        max_connections: int = 20,
    ) -> None:
        self.username = username
        self._clock = clock or (lambda: datetime.now(UTC))
        self._transport = Transport(
            locate_api(site_url, url_style),
            username,
            app_password,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            total_timeout=total_timeout,
            max_retries=max_retries,
            transport=transport,
            clock=self._clock,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            retry_after_max=retry_after_max,
            sleep=sleep,
            max_connections=max_connections,
        )
        self._get = self._transport.get
        self._request = self._transport.request
        #: each event's booking rules, briefly (a booking needs them; bounded, only a cache)
        self._events: TTLCache[int, Event] | None = (
            TTLCache(maxsize=EVENT_CACHE_SIZE, ttl=event_cache_seconds)
            if event_cache_seconds > 0
            else None
        )
        self._slots_route_missing = False
        self._warned_unread_times = False
        #: calendar id -> the host's email, from GET /calendars (only a cache)
        self._owners: TTLCache[str, dict[int, str]] = TTLCache(maxsize=1, ttl=300.0)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> FluentBookingClient:
        settings.require(
            "FLUENTBOOKING_URL", "FLUENTBOOKING_USERNAME", "FLUENTBOOKING_APP_PASSWORD"
        )
        return cls(
            settings.fluentbooking_url,
            settings.fluentbooking_username,
            settings.fluentbooking_app_password.value,
            **kwargs,
        )

    def __repr__(self) -> str:
        return f"FluentBookingClient(base={self.api_base!r}, username={self.username!r})"

    @property
    def api_base(self) -> str:
        return self._transport.location.base

    @property
    def url_style(self) -> str:
        return self._transport.location.style

    @property
    def _http(self) -> httpx.AsyncClient:
        return self._transport.http

    async def __aenter__(self) -> FluentBookingClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    # ------------------------------------------------------------------ events

    async def list_events(self, *, per_page: int = 50) -> list[Event]:
        """Every event of every calendar (GET /calendars, all pages)."""
        first = await self._get("/calendars", [("page", "1"), ("per_page", str(per_page))])
        pages = [first]
        last_page = as_int(as_dict(as_dict(first).get("calendars")).get("last_page"), 1) or 1
        if last_page > MAX_CALENDAR_PAGES:
            # a site that ignores `page` (or miscounts) would have us read forever
            log.warning(
                "GET /calendars says %d pages; reading the first %d only",
                last_page,
                MAX_CALENDAR_PAGES,
            )
            last_page = MAX_CALENDAR_PAGES
        if last_page > 1:
            pages += await asyncio.gather(
                *(
                    self._get("/calendars", [("page", str(p)), ("per_page", str(per_page))])
                    for p in range(2, last_page + 1)
                )
            )
        events: list[Event] = []
        seen: set[int] = set()
        for page in pages:
            calendars = as_dict(page).get("calendars")
            rows = as_dict(calendars).get("data") if isinstance(calendars, dict) else calendars
            for calendar in as_list(rows):
                calendar = as_dict(calendar)
                for raw in as_list(calendar.get("slots") or calendar.get("events")):
                    event = Event.from_api(as_dict(raw), calendar=calendar)
                    if event.id and event.id not in seen:
                        seen.add(event.id)
                        events.append(event)
                        self._remember(event)
        return events

    async def get_event(
        self,
        event_id: int,
        *,
        timezone: str,
        start_date: date | datetime | str | None = None,
        duration: int | None = None,
    ) -> EventDetails:
        """The event, its booking form and one call's worth of slots (to the month's end)."""
        zone = check_zone(timezone)
        params = [("timezone", zone)]
        if start_date is not None:
            params.insert(0, ("start_date", start_date_param(start_date)))
        if duration is not None:
            params.append(("duration", str(positive(duration, "duration"))))
        body = as_dict(await self._get(f"/bookings/event/{_id(event_id)}", params))
        calendar_event = as_dict(body.get("calendar_event"))
        raw_event = dict(as_dict(calendar_event.get("slot")) or calendar_event)
        for key in ("max_lookup_date", "min_bookable_date", "author_profile"):
            if key not in raw_event:
                value = calendar_event.get(key, body.get(key))
                if value is not None:
                    raw_event[key] = value
        calendar = as_dict(calendar_event.get("calendar"))
        if not calendar and isinstance(calendar_event.get("author_profile"), dict):
            calendar = {"author_profile": calendar_event["author_profile"]}
        event = Event.from_api(raw_event, calendar=calendar)
        if not event.id:
            event = Event.from_api({**raw_event, "id": event_id}, calendar=calendar)
        self._remember(event)
        slots = Slots.from_api(
            body.get("available_slots"),
            event_id=event.id,
            timezone=zone,
            duration=duration or event.duration or None,
            max_lookup_date=event.max_lookup_date,
        )
        fields = [
            FormField(
                name=str(f.get("name") or ""),
                label=plain_text(f.get("label")),
                type=str(f.get("type") or ""),
                required=as_bool(f.get("required")),
                enabled=as_bool(f.get("enabled", True)),
            )
            for f in (as_dict(x) for x in as_list(calendar_event.get("form_fields")))
        ]
        return EventDetails(event, slots, fields, as_bool(body.get("invalid_dates")))

    async def event_info(self, event_id: int) -> Event:
        """The event's rules, from the short-lived cache or one call."""
        cached = self._events.get(int(event_id)) if self._events is not None else None
        if cached is not None:
            return cached
        details = await self.get_event(event_id, timezone="UTC")
        return details.event

    def _remember(self, event: Event) -> None:
        if self._events is not None and event.id:
            previous = self._events.get(event.id)
            # keep the window fields a /calendars row lacks
            if previous and event.max_lookup_date is None and previous.max_lookup_date:
                return
            self._events.set(event.id, event)

    # ------------------------------------------------------------------- slots

    async def get_slots(
        self,
        event_id: int,
        *,
        start: date,
        end: date,
        timezone: str,
        duration: int | None = None,
    ) -> Slots:
        """Slots from ``start`` to ``end`` (local dates, inclusive) in ``timezone``.

        The site answers at most a month per call, so one call is made per calendar
        month in the range, concurrently, and the answers merged and trimmed."""
        zone = check_zone(timezone)
        start, end = slot_range(start, end, duration)
        today = self._clock().astimezone(ZoneInfo(zone)).date()
        first = max(start, today)
        result = Slots(event_id=int(event_id), timezone=zone, duration=duration)
        if end < first:
            return result
        starts = month_starts(first, end)
        parts = await asyncio.gather(
            *(self._slots_call(event_id, s, zone, duration) for s in starts)
        )
        for part in parts:
            result.duration = result.duration or part.duration
            result.max_lookup_date = result.max_lookup_date or part.max_lookup_date
            for day, slots in part.by_date.items():
                if start <= day <= end:
                    merged = {s.event_time: s for s in result.by_date.get(day, [])}
                    merged.update({s.event_time: s for s in slots})
                    result.by_date[day] = sorted(merged.values(), key=lambda s: s.start)
        result.by_date = dict(sorted(result.by_date.items()))
        return result

    async def _slots_call(
        self, event_id: int, start: date, zone: str, duration: int | None
    ) -> Slots:
        if not self._slots_route_missing and duration is None:
            params = [("start_date", f"{start.isoformat()} 00:00:00"), ("timezone", zone)]
            try:
                body = as_dict(await self._get(f"/bookings/slots/{_id(event_id)}", params))
            except NotFoundError:
                if not self._slots_route_missing:
                    log.info("GET /bookings/slots is not routed here; using /bookings/event")
                self._slots_route_missing = True
            else:
                cached = self._events.get(int(event_id)) if self._events is not None else None
                return Slots.from_api(
                    body.get("available_slots"),
                    event_id=int(event_id),
                    timezone=zone,
                    duration=cached.duration if cached else None,
                    max_lookup_date=parse_date(body.get("max_lookup_date")),
                )
        details = await self.get_event(event_id, timezone=zone, start_date=start, duration=duration)
        return details.slots

    # ---------------------------------------------------------------- booking

    async def create_booking(
        self, event_id: int, request: BookingRequest, *, event: Event | None = None
    ) -> Booking:
        """Create one booking. Never retried. ``event`` spares a call when the caller
        has the event's details already (its window, location and confirmation rules)."""
        event_id = _id(event_id)
        attendee = checked_attendee(request, self._clock())
        if event is None:
            event = await self.event_info(event_id)
        if not event.active:
            raise EventClosedError(detail=f"event {event_id} status is not active")
        payload = booking_payload(request, attendee, event)
        body = await self._request(
            "POST", f"/bookings/create/{event_id}", json_body=payload, retry=False, create=True
        )
        raw = as_dict(as_dict(body).get("booking"))
        try:
            booking = Booking.from_api(raw)
        except ValueError:
            raise CreateUnreadableError(
                "The site said the booking was made but its answer could not be read; "
                "check your bookings before trying again.",
                detail="create answer without booking.start_time",
                status=200,
            ) from None
        return booking

    # --------------------------------------------------------------- bookings

    async def list_bookings(self, period: str = "upcoming", per_page: int = 20) -> BookingList:
        """Bookings whose attendee is the authenticated user (GET /bookings).

        2.0.0 filters only ``upcoming``; ``past`` and ``all`` come unfiltered, in no
        useful order, and the list has no second page. So for those periods up to
        ``BOOKINGS_FETCH`` rows are read and the client filters and orders them itself,
        by the instants read from the rows' display strings (``BookingSummary.start_utc``
        / ``end_utc``): upcoming soonest first, past most recent first, ``all`` the
        upcoming ones then the past ones. Rows whose time cannot be read are kept (last)
        except in ``past``, where they cannot be placed. ``total`` counts the period's
        bookings (an upper bound when the site holds more than was read)."""
        check_period(period)
        per_page = positive(per_page, "per_page")
        fetch = per_page if period == "upcoming" else max(per_page, BOOKINGS_FETCH)
        params = [("calendar_ids[]", "all"), ("period", period), ("per_page", str(fetch))]
        body = as_dict(await self._get("/bookings", params))
        rows = [BookingSummary.from_api(as_dict(b)) for b in as_list(body.get("bookings"))]
        site_total = as_int(body.get("total"), len(rows)) or len(rows)
        unread = [b for b in rows if not b.known_time]
        if unread and not self._warned_unread_times:
            self._warned_unread_times = True
            log.warning(
                "%d booking(s) from GET /bookings have a date/time that could not be read "
                "(e.g. %r, %r); they are listed as the site shows them",
                len(unread),
                unread[0].date_text,
                unread[0].time_text,
            )
        items = order_bookings(rows, period, self._clock())
        total = site_total
        if period == "past":
            total = len(items) + max(0, site_total - len(rows))
        return BookingList(items[:per_page], max(total, len(items[:per_page])))

    async def list_schedules(
        self, page: int = 1, per_page: int = 20, period: str | None = None
    ) -> ScheduleList:
        """Bookings the authenticated user hosts (GET /schedules), one page.

        The site lists upcoming meetings unless asked for a `period` (`past`, `all`, ...);
        a site that ignores the parameter still answers upcoming ones, so callers judge
        the period themselves from `start_utc`/`end_utc`."""
        params = [("page", str(positive(page, "page"))), ("per_page", str(per_page))]
        if period:
            params.append(("period", period))
        return await self._schedule_page(params, page)

    async def list_latest_bookings(self, *, page: int = 1, per_page: int = 10) -> ScheduleList:
        """Bookings newest *created* first (`GET /schedules?filters[period]=latest_bookings`),
        one page. `created_at` has one-second resolution and the site has no tie-breaker:
        rows of one second come in any order. Mind the read side effect of 2.0.0 (a row
        that ended over an hour ago is rewritten when read): ask for few rows."""
        params = [
            ("filters[period]", "latest_bookings"),
            ("page", str(positive(page, "page"))),
            ("per_page", str(per_page)),
        ]
        return await self._schedule_page(params, page)

    async def _schedule_page(self, params: list[tuple[str, str]], page: int) -> ScheduleList:
        body = as_dict(await self._get("/schedules", params))
        container: Any = body.get("schedules", body.get("bookings", body))
        if isinstance(container, dict) and "data" in container:
            rows = as_list(container.get("data"))
            meta = container
        else:
            rows = as_list(container)
            meta = body
        items = []
        for row in rows:
            try:
                items.append(Booking.from_api(as_dict(row)))
            except ValueError:
                log.warning("skipping a schedule row without a start time")
        return ScheduleList(
            items=items,
            page=as_int(meta.get("current_page"), page) or page,
            last_page=as_int(meta.get("last_page"), page) or page,
            total=as_int(meta.get("total"), len(items)) or len(items),
        )

    async def get_schedule(self, booking_id: int) -> Booking:
        """One booking the user may see (`GET /schedules/{id}`); NotFoundError if none."""
        body = as_dict(await self._get(f"/schedules/{_id(booking_id)}", []))
        raw = body.get("schedule") if isinstance(body.get("schedule"), dict) else body
        try:
            return Booking.from_api(as_dict(raw))
        except ValueError:
            raise BadResponseError(
                detail=f"GET /schedules/{booking_id}: no booking with a start_time in the answer"
            ) from None

    async def list_activities(self) -> list[Activity]:
        """The site's activity log (`GET /reports/activities`): its newest 100 rows
        (cancellations, reschedules, confirmations, rejections, ...), newest first; a
        host sees the rows of its own bookings only."""
        body = await self._get("/reports/activities", [])
        container: Any = body.get("activities", body) if isinstance(body, dict) else body
        if isinstance(container, dict) and "data" in container:
            container = container.get("data")
        items = []
        for row in as_list(container):
            try:
                items.append(Activity.from_api(as_dict(row)))
            except ValueError:
                log.warning("skipping an activity row without an id")
        return sorted(items, key=lambda a: a.id, reverse=True)

    # ------------------------------------------------------- one booking's truth

    async def find_bookings(
        self, *, email: str, start_utc: datetime | None = None, per_page: int = 50
    ) -> list[Booking]:
        """The bookings whose attendee is `email` (GET /schedules?search=), at `start_utc`
        when given, oldest first. Unlike the plain list, a search shows each booking even
        where racing creates share one `group_id` (the list shows one row per group)."""
        wanted = (email or "").strip()
        if not wanted:
            raise ValidationError("An attendee email is needed to look bookings up.")
        params = [("search", wanted), ("per_page", str(per_page)), ("page", "1")]
        body = as_dict(await self._get("/schedules", params))
        container: Any = body.get("schedules", body.get("bookings", body))
        rows = as_list(container.get("data")) if isinstance(container, dict) else as_list(container)
        found = []
        for row in rows:
            try:
                booking = Booking.from_api(as_dict(row))
            except ValueError:
                continue
            if booking.email.strip().lower() != wanted.lower():
                continue  # the search also matches names and parts of other emails
            if start_utc is not None and booking.start_utc != start_utc.astimezone(UTC):
                continue
            found.append(booking)
        return sorted(found, key=lambda b: b.id)

    # --------------------------------------------------------------- lifecycle

    async def get_booking(self, booking_id: int) -> Booking:
        """One booking as the site holds it now (GET /schedules/{id})."""
        return await self.get_schedule(booking_id_param(booking_id))

    async def booking_host_email(self, booking: Booking) -> str | None:
        """The email of the WordPress user hosting the booking's calendar, when the
        site's calendar list says it (GET /calendars, cached briefly)."""
        if booking.calendar_id is None:
            return None
        owners = await self.calendar_host_emails()
        return owners.get(booking.calendar_id)

    async def calendar_host_emails(self) -> dict[int, str]:
        """Calendar id -> the email of the WordPress user who owns it (the events'
        `host_email`, from GET /calendars), cached 5 minutes."""

        async def load() -> dict[int, str]:
            return {
                e.calendar_id: e.host_email
                for e in await self.list_events()
                if e.calendar_id and e.host_email
            }

        return await self._owners.get_or_load("owners", load)

    async def cancel_booking(
        self, booking_id: int, reason: str = "", *, strict: bool = False
    ) -> Booking:
        """Cancel (PUT status `cancelled` with `cancel_reason`, never retried), read back;
        the attendee is emailed `reason`. Refused (RefusedError) unless the booking is
        scheduled or pending: the site answers success to cancelling a completed one and
        changes nothing. A booking already cancelled comes back as it is, or, `strict`,
        as a RefusedError with `already` (the command line and Slack say so)."""
        try:
            return await self._change_status(booking_id, Change.CANCEL, reason)
        except RefusedError as exc:
            if strict or not exc.already or exc.booking is None:
                raise
            return exc.booking

    async def approve_booking(self, booking_id: int) -> Booking:
        """Approve a pending booking. Refused for any other status: `scheduled` on a
        cancelled booking re-books it with no slot check."""
        return await self._change_status(booking_id, Change.APPROVE)

    async def decline_booking(self, booking_id: int, reason: str = "") -> Booking:
        """Decline (reject) a pending booking; the attendee is emailed `reason`. Refused
        for any other status: the site answers success and changes nothing."""
        return await self._change_status(booking_id, Change.DECLINE, reason)

    async def mark_booking(self, booking_id: int, outcome: str) -> Booking:
        """Record a past meeting as `completed` or `no_show`."""
        if outcome not in (Change.COMPLETED, Change.NO_SHOW):
            raise ValidationError(
                f"{outcome!r} is not an outcome; use completed or no_show.",
                fields={"outcome": "unknown"},
            )
        return await self._change_status(booking_id, Change(outcome))

    async def _change_status(self, booking_id: int, change: Change, reason: str = "") -> Booking:
        before = await self.get_booking(booking_id)
        self._refuse(change, before)
        path = f"/schedules/{before.id}"
        wanted = RESULT_STATUS[change]
        try:
            await self._request("PUT", path, json_body=status_body(change, reason), retry=False)
        except ValidationError as exc:
            if "no changes" not in exc.user_message.lower():
                raise
            # another hand made a change between our read and our write: read what it was
            after = await self.get_booking(before.id)
            raise RefusedError(
                f"Nothing was changed: the booking is already {describe_status(after.status)}.",
                booking=after,
                already=after.status == wanted,
                detail=f"PUT {path}: {exc.detail}",
            ) from None
        except (SiteTimeoutError, ServerError, BadResponseError) as exc:
            # the write may have happened: the site's state decides
            after = await self._read_back(before.id, exc)
            if after.status != wanted:
                raise _unsure(exc, f"still {describe_status(after.status)}") from None
            log.info("PUT %s failed (%s) but the booking is %s", path, exc.kind, wanted)
            return after
        after = await self.get_booking(before.id)
        if after.status != wanted:
            raise NotChangedError(
                f"The booking site answered that the booking was {VERBS[change]}, but it is "
                f"still {describe_status(after.status)}. Nothing changed; try again, or "
                "change it on the site.",
                booking=after,
                detail=f"PUT {path} {wanted}: read back {after.status!r}",
            )
        return after

    async def _read_back(self, booking_id: int, cause: FluentBookingError) -> Booking:
        try:
            return await self.get_booking(booking_id)
        except FluentBookingError:
            raise cause from None

    def _refuse(self, change: Change, booking: Booking) -> None:
        refused = refusal(change, booking.status, start_utc=booking.start_utc, now=self._clock())
        if refused is not None:
            raise RefusedError(
                refused.message,
                booking=booking,
                already=refused.already,
                detail=f"{change} refused for booking {booking.id} ({booking.status})",
            )

    async def reschedule_booking(
        self,
        booking: int | Booking,
        start: datetime | str,
        timezone: str,
        reason: str = "",
    ) -> Booking:
        """Move a booking in place (same id and hash; the attendee and host get one
        "rescheduled" email) through the site's own reschedule page (admin-ajax), which
        checks the new time against the booking's event. `start`: aware, or
        "YYYY-MM-DD HH:MM" in `timezone`. The booking is read back: the old time stays
        unless the site really moved it."""
        zone = check_zone(timezone)
        when = new_start(start, zone)
        current = booking if isinstance(booking, Booking) else await self.get_booking(booking)
        self._refuse(Change.RESCHEDULE, current)
        if when <= self._clock():
            raise ValidationError(
                "That time has already passed; pick a time in the future.",
                fields={"time": "in the past"},
            )
        if current.event_id is None or not current.hash:
            raise BadResponseError(detail=f"booking {current.id} has no event id or hash")
        if when == current.start_utc:
            raise RefusedError(
                "The booking is already at that time.", booking=current, already=True
            )
        event = await self.event_info(current.event_id)
        check_window(event, when, zone)
        form = reschedule_form(current.hash, current.event_id, when, zone, reason)
        url = ajax_url(self._transport.location)
        try:
            await self._transport.post_form(url, form)
        except ValidationError as exc:
            message = exc.user_message.lower()
            if "can not reschedule" in message or "invalid rescheduling" in message:
                after = await self._read_back(current.id, exc)
                raise RefusedError(
                    f"The booking site will not reschedule this booking (it is "
                    f"{describe_status(after.status)}).",
                    booking=after,
                    detail=exc.detail,
                ) from None
            raise
        except (SiteTimeoutError, ServerError, BadResponseError) as exc:
            after = await self._read_back(current.id, exc)
            if after.start_utc != when:
                raise _unsure(exc, "still at its old time") from None
            return after
        after = await self.get_booking(current.id)
        if after.start_utc != when or after.hash != current.hash:
            raise NotChangedError(
                "The booking site answered that the booking was rescheduled, but it still "
                "shows the old time. Nothing changed; try again, or change it on the site.",
                booking=after,
                detail=f"reschedule {current.id}: read back {after.start_utc.isoformat()}",
            )
        return after

    # ------------------------------------------------------------ integrations

    async def get_integration(self, key: str) -> IntegrationSettings:
        key = settings_key(key)
        body = as_dict(await self._get("/integrations", [("settings_key", key)]))
        return IntegrationSettings.from_api(key, body)

    async def update_integration(self, key: str, settings: dict[str, Any]) -> str:
        """Save an integration's settings; returns the site's message. Never retried."""
        key = settings_key(key)
        if not isinstance(settings, dict):
            raise ValidationError("Settings must be a mapping of field to value.")
        body = await self._request(
            "POST",
            "/integrations",
            json_body={"settings_key": key, "settings": settings},
            retry=False,
        )
        return plain_text(as_dict(body).get("message")) or "Settings saved."


def _unsure(cause: FluentBookingError, now_shows: str) -> FluentBookingError:
    """A write whose answer was lost: the read-back shows no change yet, but a slow site
    may still make it, so say so instead of inviting a second attempt at once."""
    if isinstance(cause, SiteTimeoutError):
        return SiteTimeoutError(
            f"The booking site did not answer in time. The booking is {now_shows} for now, "
            "but the change may still go through: check it again in a minute before "
            "trying again.",
            detail=cause.detail,
        )
    return cause
