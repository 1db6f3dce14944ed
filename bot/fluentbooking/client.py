"""The async FluentBooking REST client.

One ``httpx.AsyncClient`` (keep-alive pool, explicit timeouts) per client; HTTP Basic
auth with the WordPress user and an Application Password (with or without its spaces).
See ``bot.fluentbooking.urls`` for the FLUENTBOOKING_URL forms accepted.

The real server's rules live here so callers cannot get them wrong: zones are
canonicalised (``US/Pacific`` -> ``America/Los_Angeles``) and unknown ones refused
before calling; bookings always carry ``status`` and the event's own location type,
with the phone or address in ``location_description``; past, naive, malformed and
out-of-window times are refused before calling; ``/bookings`` always sends
``calendar_ids[]=all``; ``/bookings/slots`` falls back to ``/bookings/event`` on 404
(remembered per client); ``ignore_availability`` is never sent.

Retries: GETs are retried with exponential backoff and jitter on connection errors,
timeouts, 429 (honouring Retry-After, capped) and 502/503/504. Writes (booking
creation, integration updates) are never retried: a retried create can double-book.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx

from bot.cache import TTLCache

from .errors import (
    AuthError,
    BadResponseError,
    EventClosedError,
    FluentBookingError,
    NotFoundError,
    ServerError,
    SiteTimeoutError,
    SlotUnavailableError,
    ValidationError,
)
from .models import (
    ADDRESS_LOCATIONS,
    PHONE_LOCATIONS,
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
from .urls import ApiLocation, Style, locate_api
from .zones import canonical_zone

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("bot.fluentbooking")

RETRY_STATUSES = {429, 502, 503, 504}
PERIODS = ("upcoming", "past", "all", "completed", "cancelled", "pending")
MAX_RANGE_DAYS = 366
MAX_CALENDAR_PAGES = 20  # 1,000 calendars at 50 a page
EVENT_CACHE_SIZE = 512
BOOKINGS_FETCH = 100  # rows read from GET /bookings when the client filters them itself
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_EVENT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


@dataclass
class BookingRequest:
    """What the attendee asked for. Give ``start`` (aware) or ``event_time`` (the slot's
    wall-clock string in ``timezone``)."""

    name: str
    email: str
    timezone: str
    start: datetime | None = None
    event_time: str | None = None
    duration: int | None = None
    phone: str | None = None
    address: str | None = None
    message: str | None = None
    guests: list[str] = field(default_factory=list)
    location_type: str | None = None


def check_zone(name: str, field_name: str = "timezone") -> str:
    """Canonical IANA name, or ValidationError before anything is sent."""
    zone = canonical_zone(name)
    if zone is None:
        raise ValidationError(
            f"{name!r} is not a known timezone; use an IANA name such as America/New_York.",
            fields={field_name: "unknown timezone"},
        )
    return zone


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
        self._location: ApiLocation = locate_api(site_url, url_style)
        self.username = username
        self.max_retries = max(0, max_retries)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_max = retry_after_max
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sleep = sleep or asyncio.sleep
        #: each event's booking rules, briefly (a booking needs them; bounded, only a cache)
        self._events: TTLCache[int, Event] | None = (
            TTLCache(maxsize=EVENT_CACHE_SIZE, ttl=event_cache_seconds)
            if event_cache_seconds > 0
            else None
        )
        self._slots_route_missing = False
        self._warned_unread_times = False
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout)
        # read_timeout bounds each wait for bytes; a site that drips a byte at a time
        # never trips it, so every attempt also has a deadline of its own
        self.total_timeout = total_timeout or (connect_timeout + 2 * read_timeout)
        # The password lives only inside httpx.BasicAuth (whose repr shows nothing);
        # httpx masks the Authorization header in Headers' repr.
        self._http = httpx.AsyncClient(
            auth=httpx.BasicAuth(username, app_password),
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=10),
            headers={"Accept": "application/json", "User-Agent": "fluentbooking-slack-bot"},
            follow_redirects=False,
        )

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
        return self._location.base

    @property
    def url_style(self) -> str:
        return self._location.style

    async def __aenter__(self) -> FluentBookingClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

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
            params.insert(0, ("start_date", _start_date_param(start_date)))
        if duration is not None:
            params.append(("duration", str(_positive(duration, "duration"))))
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
        if isinstance(start, datetime) or isinstance(end, datetime):
            start, end = _as_date(start), _as_date(end)
        if end < start:
            raise ValidationError(
                "The end date is before the start date.", fields={"end": "before start"}
            )
        if (end - start).days > MAX_RANGE_DAYS:
            raise ValidationError(
                f"Ask for at most {MAX_RANGE_DAYS} days of slots at once.",
                fields={"end": "range too long"},
            )
        if duration is not None:
            _positive(duration, "duration")
        today = self._clock().astimezone(ZoneInfo(zone)).date()
        first = max(start, today)
        result = Slots(event_id=int(event_id), timezone=zone, duration=duration)
        if end < first:
            return result
        starts = [first]
        month = date(first.year, first.month, 1)
        while True:
            month = (month + timedelta(days=32)).replace(day=1)
            if month > end:
                break
            starts.append(month)
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
        zone = check_zone(request.timezone)
        name = (request.name or "").strip()
        if not name:
            raise ValidationError("A name is needed for the booking.", fields={"name": "missing"})
        email = (request.email or "").strip()
        if not _EMAIL.match(email):
            raise ValidationError(
                f"{email!r} is not a valid email address.", fields={"email": "invalid"}
            )
        guests = [g.strip() for g in request.guests if g and g.strip()]
        for guest in guests:
            if not _EMAIL.match(guest):
                raise ValidationError(
                    f"Guest {guest!r} is not a valid email address.", fields={"guests": "invalid"}
                )
        start = self._booking_start(request, zone)
        now = self._clock()
        if start <= now:
            raise ValidationError(
                "That time has already passed; pick a time in the future.",
                fields={"event_time": "in the past"},
            )
        if event is None:
            event = await self.event_info(event_id)
        if not event.active:
            raise EventClosedError(detail=f"event {event_id} status is not active")
        self._check_window(event, start, zone)
        payload: dict[str, Any] = {
            "name": name,
            "email": email,
            "timezone": zone,
            "event_time": start.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S"),
            "status": "pending" if event.requires_confirmation else "scheduled",
        }
        if request.event_time and _EVENT_TIME.match(request.event_time.strip()):
            text = request.event_time.strip().replace("T", " ")
            payload["event_time"] = text if len(text) == 19 else text + ":00"
        if request.duration is not None:
            duration = _positive(request.duration, "duration")
            if event.durations and duration not in event.durations:
                allowed = ", ".join(str(d) for d in event.durations)
                raise ValidationError(
                    f"This event lasts {allowed} minutes, not {duration}.",
                    fields={"duration": "not offered"},
                )
            payload["duration"] = duration
        elif event.multi_duration:
            payload["duration"] = event.duration
        location_type = request.location_type or event.location_type
        if location_type and event.location_types and location_type not in event.location_types:
            raise ValidationError(
                f"This event does not offer the location {location_type!r}.",
                fields={"location_type": "not offered"},
            )
        if location_type:
            payload["location_type"] = location_type
        phone = (request.phone or "").strip()
        address = (request.address or "").strip()
        if location_type in PHONE_LOCATIONS:
            if not phone:
                raise ValidationError(
                    "This event needs the attendee's phone number.",
                    fields={"phone": "required"},
                )
            payload["location_description"] = phone
        elif location_type in ADDRESS_LOCATIONS:
            if not address:
                raise ValidationError(
                    "This event needs the attendee's address.", fields={"address": "required"}
                )
            payload["location_description"] = address
        if phone:
            payload["phone_number"] = phone
        if address:
            payload["address"] = address
        if request.message:
            payload["message"] = request.message
        if guests:
            payload["guests"] = guests
        body = await self._request(
            "POST", f"/bookings/create/{event_id}", json_body=payload, retry=False, create=True
        )
        raw = as_dict(as_dict(body).get("booking"))
        try:
            booking = Booking.from_api(raw)
        except ValueError:
            raise BadResponseError(
                "The site said the booking was made but its answer could not be read; "
                "check your bookings before trying again.",
                detail="create answer without booking.start_time",
                status=200,
            ) from None
        return booking

    def _booking_start(self, request: BookingRequest, zone: str) -> datetime:
        if request.start is not None:
            if not isinstance(request.start, datetime):
                raise ValidationError(
                    "The booking time must be a date and time.", fields={"start": "malformed"}
                )
            if request.start.tzinfo is None or request.start.utcoffset() is None:
                raise ValidationError(
                    "The booking time has no timezone; give an aware time.",
                    fields={"start": "naive"},
                )
            return request.start
        text = (request.event_time or "").strip()
        if not _EVENT_TIME.match(text):
            raise ValidationError(
                "The booking time must look like YYYY-MM-DD HH:MM.",
                fields={"event_time": "malformed"},
            )
        try:
            naive = datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            raise ValidationError(
                f"{text!r} is not a real date and time.", fields={"event_time": "malformed"}
            ) from None
        return naive.replace(tzinfo=ZoneInfo(zone))

    def _check_window(self, event: Event, start: datetime, zone: str) -> None:
        if event.min_bookable_utc and start < event.min_bookable_utc:
            raise ValidationError(
                "That time is too soon for this event's minimum notice; pick a later time.",
                fields={"event_time": "too soon"},
            )
        if event.max_lookup_date:
            host_zone = canonical_zone(event.host_timezone) or zone
            if start.astimezone(ZoneInfo(host_zone)).date() > event.max_lookup_date:
                raise ValidationError(
                    "That time is beyond this event's booking window (bookable until "
                    f"{event.max_lookup_date.isoformat()}).",
                    fields={"event_time": "beyond booking window"},
                )

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
        if period not in PERIODS:
            raise ValidationError(
                f"Unknown period {period!r}; use one of {', '.join(PERIODS)}.",
                fields={"period": "unknown"},
            )
        per_page = _positive(per_page, "per_page")
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
        params = [("page", str(_positive(page, "page"))), ("per_page", str(per_page))]
        if period:
            params.append(("period", period))
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

    # ------------------------------------------------------------ integrations

    async def get_integration(self, key: str) -> IntegrationSettings:
        key = _settings_key(key)
        body = as_dict(await self._get("/integrations", [("settings_key", key)]))
        return IntegrationSettings.from_api(key, body)

    async def update_integration(self, key: str, settings: dict[str, Any]) -> str:
        """Save an integration's settings; returns the site's message. Never retried."""
        key = _settings_key(key)
        if not isinstance(settings, dict):
            raise ValidationError("Settings must be a mapping of field to value.")
        body = await self._request(
            "POST",
            "/integrations",
            json_body={"settings_key": key, "settings": settings},
            retry=False,
        )
        return plain_text(as_dict(body).get("message")) or "Settings saved."

    # -------------------------------------------------------------- transport

    async def _get(self, path: str, params: Sequence[tuple[str, str]]) -> Any:
        return await self._request("GET", path, params=params, retry=True)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        json_body: Any = None,
        retry: bool,
        create: bool = False,
    ) -> Any:
        attempts = 1 + (self.max_retries if retry else 0)
        attempt = 0
        switched = False
        while True:
            attempt += 1
            url, lead = self._location.request_target(path)
            started = time.perf_counter()
            try:
                async with asyncio.timeout(self.total_timeout):
                    response = await self._http.request(
                        method, url, params=[*lead, *params], json=json_body
                    )
                    content = await response.aread()
            except (httpx.TimeoutException, TimeoutError) as exc:
                error: FluentBookingError = self._timeout_error(exc, method, path, create)
                response = None
            except httpx.TransportError as exc:
                error = self._connect_error(exc, method, path, create)
                response = None
            elapsed_ms = (time.perf_counter() - started) * 1000
            if response is None:
                log.warning(
                    "%s %s failed after %.0f ms (attempt %d/%d): %s",
                    method,
                    path,
                    elapsed_ms,
                    attempt,
                    attempts,
                    error.detail,
                )
                if attempt < attempts:
                    await self._sleep(self._backoff(attempt))
                    continue
                raise error from None
            status = response.status_code
            level = logging.DEBUG if method == "GET" and status < 400 else logging.INFO
            log.log(
                level,
                "%s %s -> %d in %.0f ms (attempt %d/%d)",
                method,
                path,
                status,
                elapsed_ms,
                attempt,
                attempts,
            )
            body, is_json = _decode(content)
            if status == 404 and not is_json and self._location.style == "auto" and not switched:
                # a site without pretty permalinks: WordPress never saw /wp-json/...
                log.info("no REST API under /wp-json here; switching to ?rest_route=")
                self._location.style = "plain"
                switched = True
                attempt -= 1
                continue
            if self._location.style == "auto" and is_json:
                self._location.style = "pretty"
            if status in RETRY_STATUSES and attempt < attempts:
                await self._sleep(self._retry_delay(response, attempt))
                continue
            if 200 <= status < 300 and is_json and isinstance(body, dict | list):
                return body
            if 300 <= status < 400:
                error = _redirect_error(response, method, path)
            else:
                error = _error_for(status, body, is_json, content, method, path, create)
            log.warning("%s", error.detail)
            raise error

    def _backoff(self, attempt: int) -> float:
        delay = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return delay * random.uniform(0.5, 1.0)

    def _retry_delay(self, response: httpx.Response, attempt: int) -> float:
        header = response.headers.get("retry-after")
        if header:
            seconds: float | None
            try:
                seconds = float(header)
            except ValueError:
                when = _http_date(header)
                # measured against the site's own clock where it says it (no skew)
                now = _http_date(response.headers.get("date", "")) or self._clock()
                seconds = (when - now).total_seconds() if when else None
            if seconds is not None:
                return max(0.0, min(seconds, self.retry_after_max))
        return self._backoff(attempt)

    @staticmethod
    def _timeout_error(exc: Exception, method: str, path: str, create: bool) -> SiteTimeoutError:
        kind = "deadline" if isinstance(exc, TimeoutError) else type(exc).__name__
        detail = f"{method} {path}: {kind}"
        if create and not isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            return SiteTimeoutError(
                "The booking site did not answer in time, so the booking may or may not "
                "have been made. Check your bookings before trying again.",
                detail=detail,
            )
        return SiteTimeoutError(detail=detail)

    @staticmethod
    def _connect_error(exc: Exception, method: str, path: str, create: bool) -> SiteTimeoutError:
        detail = f"{method} {path}: {type(exc).__name__}"
        if create and not isinstance(exc, httpx.ConnectError):
            return SiteTimeoutError(
                "The connection to the booking site broke, so the booking may or may not "
                "have been made. Check your bookings before trying again.",
                detail=detail,
            )
        if _tls_trouble(exc):
            return SiteTimeoutError(
                "Could not make a secure (HTTPS) connection to the booking site: its "
                "certificate was not accepted. Check that FLUENTBOOKING_URL names the site "
                "as its certificate does and that the certificate is valid.",
                detail=f"{detail} (TLS)",
            )
        return SiteTimeoutError(
            "Could not reach the booking site. Check FLUENTBOOKING_URL and that the site is up.",
            detail=detail,
        )


# ------------------------------------------------------------------ helpers


def order_bookings(
    rows: Sequence[BookingSummary], period: str, now: datetime
) -> list[BookingSummary]:
    """The rows of ``period`` in the order a person wants them (see list_bookings)."""
    coming = [b for b in rows if b.is_past(now) is False]
    gone = [b for b in rows if b.is_past(now) is True]
    unread = [b for b in rows if b.is_past(now) is None]
    coming.sort(key=_when)
    gone.sort(key=_when, reverse=True)
    if period == "past":
        return gone
    if period == "upcoming":
        return coming + unread  # the site filtered already; an unread row is its word
    return coming + gone + unread


def _when(booking: BookingSummary) -> datetime:
    return booking.start_utc or booking.end_utc or datetime.min.replace(tzinfo=UTC)


def _http_date(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _tls_trouble(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):  # the chain of causes, bounded
        if seen is None:
            break
        text = str(seen).upper()
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE" in text or "[SSL" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _decode(content: bytes) -> tuple[Any, bool]:
    try:
        return json.loads(content), True
    except (ValueError, UnicodeDecodeError):
        return None, False


def _flatten(errors: Any, prefix: str = "") -> dict[str, str]:
    """{"email": {"email": "msg"}} / {"email": ["msg"]} / {"email": "msg"} -> {"email": "msg"}."""
    fields: dict[str, str] = {}
    for name, value in as_dict(errors).items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            messages = [v for v in value.values() if isinstance(v, str)]
            if messages:
                fields[key] = plain_text("; ".join(messages))
            nested = {k: v for k, v in value.items() if isinstance(v, dict | list)}
            for sub_key, sub_value in _flatten(nested, f"{key}.").items():
                fields.setdefault(sub_key, sub_value)
        elif isinstance(value, list):
            fields[key] = plain_text("; ".join(str(v) for v in value))
        elif value is not None:
            fields[key] = plain_text(value)
    return fields


def _error_for(
    status: int,
    body: Any,
    is_json: bool,
    content: bytes,
    method: str,
    path: str,
    create: bool,
) -> FluentBookingError:
    where = f"{method} {path} -> {status}"
    if not is_json or not isinstance(body, dict | list):
        snippet = plain_text(content[:200].decode("utf-8", "replace"))[:120]
        detail = f"{where}: not JSON ({snippet!r})"
        if not content.strip():
            detail = f"{where}: empty body"
        elif is_json:
            detail = f"{where}: JSON {snippet!r} where an object was expected"
        if status == 401:
            return AuthError(detail=detail, status=status)
        if status == 403:
            return AuthError(BLOCKED_403, detail=detail, status=status)
        if status >= 500:
            return ServerError(detail=detail, status=status)
        if create and 200 <= status < 300:
            return BadResponseError(
                "The booking site's answer could not be read, so the booking may or may "
                "not have been made. Check your bookings before trying again.",
                detail=detail,
                status=status,
            )
        if not content.strip() or is_json:
            return BadResponseError(EMPTY_OR_ODD, detail=detail, status=status)
        return BadResponseError(detail=detail, status=status)
    data = as_dict(body)
    message = plain_text(data.get("message")) if isinstance(data.get("message"), str) else ""
    detail = f"{where}: {message or 'no message'}"
    lowered = message.lower()
    if 200 <= status < 300:
        return BadResponseError(
            EMPTY_OR_ODD, detail=f"{where}: unexpected JSON shape", status=status
        )
    if status == 401:
        return AuthError(detail=detail, status=status)
    if status == 403:
        said = f" (the site said: {message})" if message else ""
        return AuthError(
            f"The booking site refused this request for these credentials{said}: the "
            "WordPress user in FLUENTBOOKING_USERNAME may lack access to FluentBooking. "
            "Use an administrator or a calendar host.",
            detail=detail,
            status=status,
        )
    if "time slot is not available" in lowered:
        return SlotUnavailableError(detail=detail, status=status)
    if "not accepting any new bookings" in lowered:
        return EventClosedError(detail=detail, status=status)
    if status == 404:
        return NotFoundError(detail=detail, status=status)
    if status == 429:
        return ServerError(
            "The booking site is limiting requests right now. Try again in a minute.",
            detail=detail,
            status=status,
        )
    if 400 <= status < 500:
        fields = _flatten(data.get("errors"))
        if not fields:
            fields = _flatten(as_dict(data.get("data")).get("params"))
        return ValidationError(message or None, fields=fields, detail=detail, status=status)
    return ServerError(detail=detail, status=status)


BLOCKED_403 = (
    "The booking site refused the request with a web page (403): a firewall or security "
    "plugin may be blocking the REST API. Allow /wp-json/fluent-booking/ (and Application "
    "Passwords) for this user, then try again."
)
EMPTY_OR_ODD = (
    "The booking site's answer was empty or not the API's JSON (is FluentBooking active "
    "there, or is a caching or security plugin altering REST answers?). Check "
    "FLUENTBOOKING_URL and the site's health."
)


def _redirect_error(response: httpx.Response, method: str, path: str) -> FluentBookingError:
    """3xx: never followed (the credentials would go with it); say where and why."""
    target = urlsplit(response.headers.get("location", ""))
    shown = f"{target.scheme}://{target.netloc}{target.path}" if target.netloc else target.path
    detail = f"{method} {path} -> {response.status_code} to {shown or '(no location)'}"
    if "login" in target.path.lower() or "login" in target.query.lower():
        return AuthError(
            f"The booking site sent the API request to a login page ({shown}) instead of "
            "answering it: a security plugin may be blocking the REST API or Application "
            "Passwords. Allow /wp-json/fluent-booking/ for this user, then try again.",
            detail=detail,
            status=response.status_code,
        )
    return BadResponseError(
        f"The booking site redirected the API request to {shown or 'another address'}. "
        "Set FLUENTBOOKING_URL to the site's final address (https, with or without www "
        "as the site uses it).",
        detail=detail,
        status=response.status_code,
    )


def _id(value: Any) -> int:
    number = as_int(value)
    if number is None or number <= 0 or isinstance(value, float):
        raise ValidationError(f"{value!r} is not an event id.", fields={"event_id": "invalid"})
    return number


def _positive(value: Any, name: str) -> int:
    number = as_int(value)
    if number is None or number <= 0:
        raise ValidationError(f"{name} must be a positive whole number.", fields={name: "invalid"})
    return number


def _settings_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValidationError(
            "An integration key is letters, digits, _ or - (e.g. google_calendar).",
            fields={"settings_key": "invalid"},
        )
    return key


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _start_date_param(value: date | datetime | str) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a date (YYYY-MM-DD).", fields={"start_date": "malformed"}
        ) from None
    return text
