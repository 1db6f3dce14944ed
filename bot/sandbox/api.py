"""The FluentBooking routes (`/fluent-booking/v2/...`), answering as a 2.0.0 site does.

Shapes, status codes and error bodies follow /work/shared/fluentbooking-api.md, quirks
included: numbers as strings, `[]` for empty objects, HTML in `booking_title`, the
`booking_time` end-twice bug, `calendar_ids[]=all` being required, silent zone
fallback, create accepting past and beyond-window times, a missing `status` stored
empty (and not blocking the slot), invalid guest emails dropped.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox import seed, users
from bot.sandbox.activity import LATEST, ActivityLog
from bot.sandbox.faults import Faults, after_pause
from bot.sandbox.lifecycle import Lifecycle
from bot.sandbox.slots import (
    UTC,
    Busy,
    canonical_zone,
    earliest_start,
    free_slots,
    last_bookable_day,
    month_range,
    on_grid,
    overlaps,
    parse_start_date,
    wall,
)
from bot.sandbox.store import BookingRow, SandboxStore

CLOSED = "Sorry, the host is not accepting any new bookings at the moment."
SLOT_TAKEN = (
    "This selected time slot is not available. Maybe someone booked the spot just a few "
    "seconds ago."
)
SAVED = "Settings have been successfully saved."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
BLOCKING = ("scheduled", "pending")
#: a route's answer: the JSON body, or (a racing create) a coroutine that gives it
Answer = dict[str, Any] | Awaitable[dict[str, Any]]


class ApiError(Exception):
    """An error answer: `status` and the exact JSON `body` the real site sends."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status, body.get("message"))
        self.status = status
        self.body = body


def rest_error(code: str, message: str, status: int) -> ApiError:
    return ApiError(status, {"code": code, "message": message, "data": {"status": status}})


def forbidden() -> ApiError:
    """WordPress's answer when a host reaches for another host's event."""
    return rest_error("rest_forbidden", "Sorry, you are not allowed to do that.", 403)


def plugin_error(message: str, status: int) -> ApiError:
    return ApiError(status, {"message": message})


def validation_error(errors: dict[str, dict[str, str]]) -> ApiError:
    return ApiError(422, {"message": "Please fill up the required data", "errors": errors})


@dataclass
class Call:
    """One authenticated API request, already routed."""

    method: str
    params: Mapping[str, str]
    multi: Callable[[str], list[str]]  # all values of a repeated query key
    body: dict[str, Any]
    user: seed.User
    now: datetime  # aware
    faults: Faults | None
    url_for: Callable[[str, dict[str, Any]], str]  # (route, query) -> absolute URL
    ids: tuple[str, ...] = ()


def _int(params: Mapping[str, str], key: str, default: int, low: int = 1) -> int:
    try:
        return max(low, int(params.get(key, default)))
    except ValueError:
        return default


def paginate(items: list[Any], call: Call, route: str, default_per_page: int) -> dict[str, Any]:
    """A Laravel length-aware page, as WordPress plugins built on it answer."""
    per_page = min(_int(call.params, "per_page", default_per_page), 100)
    total = len(items)
    last_page = max(1, -(-total // per_page))
    page = _int(call.params, "page", 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    first = (page - 1) * per_page + 1

    def url(n: int) -> str:
        return call.url_for(route, {"per_page": per_page, "page": n})

    return {
        "current_page": page,
        "data": chunk,
        "first_page_url": url(1),
        "from": first if chunk else None,
        "last_page": last_page,
        "last_page_url": url(last_page),
        "next_page_url": url(page + 1) if page < last_page else None,
        "path": call.url_for(route, {}),
        "per_page": per_page,
        "prev_page_url": url(page - 1) if page > 1 else None,
        "to": first + len(chunk) - 1 if chunk else None,
        "total": total,
    }


class SiteApi:
    def __init__(
        self,
        store: SandboxStore,
        *,
        integrations: str = "pro",
        slots_route: bool = False,
    ) -> None:
        self.store = store
        self.integrations = integrations
        self.lifecycle = Lifecycle(store)
        self.activity = ActivityLog(store)
        # (method, pattern, handler); patterns are matched against the whole route
        self.routes: list[tuple[str, re.Pattern[str], Callable[[Call], Answer]]] = [
            ("GET", re.compile(r"/calendars"), self.calendars),
            ("GET", re.compile(r"/bookings"), self.bookings),
            ("GET", re.compile(r"/bookings/event/(\d+)"), self.event),
            ("POST", re.compile(r"/bookings/create/(\d+)"), self.create),
            ("GET", re.compile(r"/schedules"), self.schedules),
            ("GET", re.compile(r"/schedules/(\d+)"), self.schedule),
            ("PUT", re.compile(r"/schedules/(\d+)"), self.change_schedule),
            ("GET", re.compile(r"/reports/activities"), self.activities),
            ("GET", re.compile(r"/integrations"), self.get_integration),
            ("POST", re.compile(r"/integrations"), self.post_integration),
        ]
        if slots_route:
            self.routes.append(("GET", re.compile(r"/bookings/slots/(\d+)"), self.slots))

    def match(
        self, method: str, route: str
    ) -> tuple[Callable[[Call], Answer], tuple[str, ...]] | None:
        for verb, pattern, handler in self.routes:
            found = pattern.fullmatch(route.rstrip("/") or "/")
            if found and verb == method:
                return handler, found.groups()
        return None

    # -- shapes ---------------------------------------------------------------------

    def _event_json(self, event: seed.Event, now: datetime) -> dict[str, Any]:
        calendar = self.store.calendars[event.calendar_id]
        settings: dict[str, Any] = {
            "schedule_type": "weekly_schedules",
            "schedule_conditions": {"value": str(event.min_notice_minutes), "unit": "minutes"},
            "range_type": "range_days",
            "range_days": str(event.booking_window_days),
            "requires_confirmation": {"enabled": event.requires_confirmation},
            **event.extra_settings,
        }
        if event.durations:
            settings["multi_duration"] = {
                "enabled": True,
                "default_duration": str(event.duration),
                "available_durations": [str(d) for d in event.durations],
            }
        return {
            "id": event.id,
            "hash": f"{event.id:08x}sbx",
            "user_id": str(calendar.user_id),
            "calendar_id": str(calendar.id),
            "title": event.title,
            "slug": event.slug,
            "description": event.description,
            "duration": str(event.duration),
            "status": event.status,
            "type": "free",
            "event_type": "single",
            "color_schema": "#0099ff",
            "max_book_per_slot": "1",
            "is_display_spots": False,
            "location_type": event.location_type or "",
            "location_settings": event.location_settings,
            "settings": settings,
            "max_lookup_date": last_bookable_day(calendar, event, now).isoformat(),
            "min_lookup_date": now.astimezone(ZoneInfo(calendar.timezone)).date().isoformat(),
            "min_bookable_date": wall(earliest_start(event, now)),
            "time_format": "12",
        }

    def _calendar_json(self, calendar: seed.Calendar, now: datetime) -> dict[str, Any]:
        events = [e for e in self.store.events.values() if e.calendar_id == calendar.id]
        return {
            "id": calendar.id,
            "hash": f"{calendar.id:08x}cal",
            "user_id": str(calendar.user_id),
            "title": calendar.title,
            "slug": calendar.title.lower().replace(" ", "-"),
            "type": "simple",
            "status": "active",
            "author_timezone": calendar.timezone,
            "description": "",
            "settings": {},
            "user": users.owner_json(self.store.users.get(calendar.user_id)),
            "slots": [self._event_json(e, now) for e in events],
        }

    def _booking_json(self, row: BookingRow) -> dict[str, Any]:
        return {
            "id": row.id,
            "calendar_id": str(row.calendar_id),
            "event_id": str(row.event_id),
            "group_id": str(row.group_id or row.id),
            "hash": row.hash,
            "person_user_id": None,
            "host_user_id": str(row.host_user_id),
            "person_time_zone": row.person_time_zone,
            "start_time": row.start_time,
            "end_time": row.end_time,
            "slot_minutes": str(row.slot_minutes),
            "first_name": row.first_name,
            "last_name": row.last_name,
            "email": row.email,
            "phone": row.phone,
            "message": row.message,
            "status": row.status,
            "payment_status": None,
            "payment_method": None,
            "event_type": "single",
            "source": self.lifecycle.source_of(row.id),
            "source_url": "",
            "location_details": {
                "type": row.location_type,
                "description": row.location_description,
            },
            "created_at": row.created_at,
            "updated_at": row.created_at,
        }

    # -- routes ---------------------------------------------------------------------

    def calendars(self, call: Call) -> dict[str, Any]:
        items = [
            self._calendar_json(c, call.now)
            for c in self.store.calendars.values()
            if users.sees_calendar(call.user, c)
        ]
        return {"calendars": paginate(items, call, "/calendars", 15)}

    def _active_event(self, event_id: str, user: seed.User) -> seed.Event | None:
        """The event if bookable; 403 when it is another host's and `user` no admin."""
        event = self.store.events.get(int(event_id))
        if event is not None and not users.may_book(user, self.store.calendars[event.calendar_id]):
            raise forbidden()
        return event if event is not None and event.status == "active" else None

    def _duration(self, event: seed.Event, requested: Any) -> int:
        try:
            value = int(requested)
        except (TypeError, ValueError):
            return event.duration
        return value if value in event.available_durations else event.duration

    def _busy(self, calendar: seed.Calendar, begin: datetime, end: datetime) -> list[Busy]:
        rows = self.store.busy_for_host(calendar.user_id, begin, end)
        return [Busy(_utc(r.start_time), _utc(r.end_time)) for r in rows]

    def _available(
        self, call: Call, event: seed.Event, default_zone: str | None
    ) -> tuple[dict[str, Any], ZoneInfo, str, bool]:
        """(slots by local day, zone used, zone as echoed, beyond the window)."""
        calendar = self.store.calendars[event.calendar_id]
        requested = call.params.get("timezone") or default_zone or calendar.timezone
        zone = canonical_zone(requested) or ZoneInfo(calendar.timezone)
        duration = self._duration(event, call.params.get("duration"))
        start_text = call.params.get("start_date")
        try:
            start = (
                parse_start_date(start_text)
                if start_text
                else call.now.astimezone(zone).replace(tzinfo=None, microsecond=0)
            )
        except ValueError as exc:
            raise plugin_error(str(exc), 500) from None
        if start.date() > last_bookable_day(calendar, event, call.now):
            return {}, zone, requested, True
        begin, end = month_range(calendar, event, zone, start, call.now)
        busy = self._busy(calendar, begin - timedelta(days=1), end + timedelta(days=1))
        days: dict[str, Any] = {}
        for slot in free_slots(calendar, duration, begin, end, busy):
            local = slot.astimezone(zone)
            days.setdefault(local.date().isoformat(), []).append(
                {
                    "start": wall(local),
                    "end": wall((slot + timedelta(minutes=duration)).astimezone(zone)),
                    "remaining": 1,
                }
            )
        return days, zone, requested, False

    def event(self, call: Call) -> dict[str, Any]:
        event = self._active_event(call.ids[0], call.user)
        if event is None:
            raise plugin_error(CLOSED, 422)
        calendar = self.store.calendars[event.calendar_id]
        host = self.store.users[calendar.user_id]
        days, _, echoed, invalid = self._available(call, event, None)
        answer: dict[str, Any] = {
            "calendar_event": {
                "slot": self._event_json(event, call.now),
                "author_profile": {
                    "ID": str(host.id),
                    "name": host.name,
                    "avatar": "",
                    "timezone": calendar.timezone,
                },
                "form_fields": _form_fields(event),
            },
            "available_slots": days,
            "timezone": echoed,
        }
        if invalid:
            answer["invalid_dates"] = True
        return answer

    def slots(self, call: Call) -> dict[str, Any]:
        """The documented `/bookings/slots/{id}` (newer sites): plain "HH:MM" strings."""
        event = self._active_event(call.ids[0], call.user)
        if event is None:
            raise plugin_error(CLOSED, 422)
        calendar = self.store.calendars[event.calendar_id]
        days, _, echoed, invalid = self._available(call, event, "UTC")
        plain = {day: [s["start"][11:16] for s in slots] for day, slots in days.items()}
        answer: dict[str, Any] = {
            "available_slots": plain,
            "timezone": echoed,
            "max_lookup_date": last_bookable_day(calendar, event, call.now).isoformat(),
        }
        if invalid:
            answer["invalid_dates"] = True
        return answer

    def create(self, call: Call) -> Answer:
        event = self._active_event(call.ids[0], call.user)
        if event is None:
            raise plugin_error("Sorry, the event could not be found.", 404)
        calendar = self.store.calendars[event.calendar_id]
        body = call.body
        text = {k: str(v).strip() for k, v in body.items() if isinstance(v, str | int | float)}
        errors: dict[str, dict[str, str]] = {}
        if not text.get("name"):
            errors["name"] = {"required": "Please provide your name"}
        if not text.get("email"):
            errors["email"] = {"required": "Please provide your email address"}
        elif not _EMAIL.match(text["email"]):
            errors["email"] = {"email": "Please provide a valid email address"}
        if not text.get("timezone"):
            errors["timezone"] = {"required": "Timezone is required"}
        if not text.get("event_time"):
            errors["event_time"] = {"required": "Please select a date and time"}
        types = [loc["type"] for loc in event.location_settings]
        location = text.get("location_type")
        location = location if location in types else event.location_type or ""
        place = text.get("location_description", "")
        if location == "phone_guest" and not place:
            errors["location_description"] = {"required": "Please provide your phone number"}
        if location == "in_person_guest" and not place:
            errors["location_description"] = {"required": "Please provide your address"}
        duration = event.duration
        if body.get("duration") not in (None, ""):
            try:
                duration = int(body["duration"])
            except (TypeError, ValueError):
                duration = -1
            if duration not in event.available_durations:
                errors["duration"] = {"invalid": "The selected duration is not available"}
        if errors:
            raise validation_error(errors)

        zone = canonical_zone(text["timezone"]) or ZoneInfo(calendar.timezone)
        start = _parse_event_time(text["event_time"], zone).astimezone(UTC)
        end = start + timedelta(minutes=duration)
        if not on_grid(calendar, start, duration) or overlaps(
            start, end, self._busy(calendar, start, end)
        ):
            raise plugin_error(SLOT_TAKEN, 422)

        first, _, last = text["name"].partition(" ")
        values: dict[str, Any] = {
            "hash": secrets.token_hex(16),
            "calendar_id": calendar.id,
            "event_id": event.id,
            "host_user_id": calendar.user_id,
            "first_name": first,
            "last_name": last.strip(),
            "email": text["email"],
            "phone": place if location == "phone_guest" else text.get("phone_number", ""),
            "message": text.get("message", ""),
            "person_time_zone": text["timezone"],
            "start_time": wall(start),
            "end_time": wall(end),
            "slot_minutes": duration,
            "status": text.get("status", ""),
            "location_type": location,
            "location_description": place,
            "guests": _guest_emails(body.get("guests")),
            "created_at": wall(call.now.astimezone(UTC)),
        }
        if call.faults is not None and call.faults.race:  # checked now, inserted later
            values["group_id"] = self.store.next_group_id()
            return after_pause(call.faults.race, lambda: self._insert(values))
        return self._insert(values)

    def _insert(self, values: dict[str, Any]) -> dict[str, Any]:
        row = self.store.insert_booking(values)
        created = _utc(row.created_at)
        self.activity.record(row, "created", created, "Booking created by the site admin")
        return {"message": "Booking has been created", "booking": self._booking_json(row)}

    def bookings(self, call: Call) -> dict[str, Any]:
        if "calendar_ids" in call.params:
            raise plugin_error(
                "in_array(): Argument #2 ($haystack) must be of type array, string given", 500
            )
        wanted = call.multi("calendar_ids[]")
        if not wanted:
            return {"bookings": [], "total": 0}
        rows = self.store.bookings_by_email(call.user.email)
        if "all" not in wanted:
            rows = [r for r in rows if str(r.calendar_id) in wanted]
        period = call.params.get("period", "all")
        now = call.now.astimezone(UTC)
        if period == "upcoming":
            rows = [r for r in rows if _utc(r.end_time) >= now and r.status in BLOCKING]
        elif period in ("completed", "cancelled", "pending"):
            rows = [r for r in rows if r.status == period]
        per_page = _int(call.params, "per_page", 10)
        return {"bookings": [self._summary(r) for r in rows[:per_page]], "total": len(rows)}

    def _summary(self, row: BookingRow) -> dict[str, Any]:
        event = self.store.events[row.event_id]
        calendar = self.store.calendars[row.calendar_id]
        zone = canonical_zone(row.person_time_zone) or ZoneInfo(calendar.timezone)
        start = _utc(row.start_time).astimezone(zone)
        end = _utc(row.end_time).astimezone(zone)
        return {
            "id": row.id,
            "person_time_zone": row.person_time_zone,
            "status": row.status.capitalize(),
            "payment_status": None,
            "booking_title": (
                f"{html.escape(event.title)} with <strong>{html.escape(calendar.title)}</strong>"
            ),
            "author_name": calendar.title,
            "booking_date": f"{start:%B} {start.day}, {start.year}",
            # the 2.0.0 bug: the end time twice
            "booking_time": f"{_clock(end)} - {_clock(end)}",
        }

    def _schedule_json(self, row: BookingRow) -> dict[str, Any]:
        event = self.store.events[row.event_id]
        answer = self._booking_json(row)
        answer["title"] = event.title
        answer["calendar_event"] = {
            "id": event.id,
            "title": event.title,
            "duration": str(event.duration),
            "location_settings": event.location_settings,
        }
        answer["author"] = {"name": self.store.calendars[row.calendar_id].title}
        answer["guests"] = list(row.guests)
        return answer

    def schedules(self, call: Call) -> dict[str, Any]:
        """The host's bookings. As on 2.0.0 the list shows one row per `group_id`, so
        bookings that raced into one group hide each other; `search=` (attendee email
        or name) lists each one."""
        search = call.params.get("search", "").strip()
        if search:
            rows = self.store.search_host_bookings(users.schedule_scope(call.user), search)
        else:
            seen: set[int] = set()
            rows = []
            for row in self.store.bookings_by_host(users.schedule_scope(call.user)):
                group = row.group_id or row.id
                if group not in seen:
                    seen.add(group)
                    rows.append(row)
        now = call.now.astimezone(UTC)
        period = call.params.get("filters[period]") or call.params.get("period", "upcoming")
        if period == "upcoming":
            rows = [r for r in rows if _utc(r.end_time) >= now]
        elif period == "past":
            rows = [r for r in rows if _utc(r.end_time) < now]
        elif period == LATEST:
            rows = self.activity.latest_created(rows)
        elif period in ("completed", "cancelled", "pending", "no_show"):
            rows = [r for r in rows if r.status == period]
        page = paginate(rows, call, "/schedules", 10)
        read = self.activity.touch_on_read(page["data"], call.now)
        page["data"] = [self._schedule_json(r) for r in read]
        return {"schedules": page}

    def schedule(self, call: Call) -> dict[str, Any]:
        row = self.store.get_booking(int(call.ids[0]))
        scope = users.schedule_scope(call.user)
        if row is None or scope not in (None, row.host_user_id):
            raise plugin_error("Booking not found", 404)
        (row,) = self.activity.touch_on_read([row], call.now)
        return {"schedule": self._schedule_json(row)}

    def change_schedule(self, call: Call) -> dict[str, Any]:
        """PUT /schedules/{id}: see bot.sandbox.lifecycle for what really happens."""
        if call.faults is not None and call.faults.no_store:
            return {"message": self.lifecycle.claimed_message(call.body)}  # and nothing done
        answer = self.lifecycle.change_status(int(call.ids[0]), call.body, call.now)
        if answer.status != 200:
            raise plugin_error(answer.message, answer.status)
        return {"message": answer.message}

    def activities(self, call: Call) -> dict[str, Any]:
        return {"activities": self.activity.newest(users.schedule_scope(call.user))}

    def get_integration(self, call: Call) -> dict[str, Any]:
        key = call.params.get("settings_key", "")
        if not key:
            raise plugin_error("settings_key is required", 422)
        found = self.store.get_integration(key) if self.integrations == "pro" else None
        if found is None:
            return dict(seed.FREE_INTEGRATION)
        settings, fields = found
        return {"status": True, "settings": settings, "field_settings": fields}

    def post_integration(self, call: Call) -> dict[str, Any]:
        key = call.body.get("settings_key")
        settings = call.body.get("settings")
        if not isinstance(key, str) or not key:
            raise plugin_error("settings_key is required", 422)
        if not isinstance(settings, dict):
            raise plugin_error("settings must be an object", 422)
        dropping = call.faults is not None and call.faults.no_store
        if self.integrations == "pro" and not dropping:
            self.store.save_integration(key, settings)
        return {"message": SAVED}


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def _clock(dt: datetime) -> str:
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d} {'am' if dt.hour < 12 else 'pm'}"


_EVENT_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


def _parse_event_time(text: str, zone: ZoneInfo) -> datetime:
    """The wall time `text` in `zone` (an explicit offset wins); 500 when unparseable."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None:
        for fmt in _EVENT_TIME_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise plugin_error(
            f"DateTime::__construct(): Failed to parse time string ({text[:40]}) at position 0",
            500,
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _guest_emails(guests: Any) -> list[str]:
    """Valid guest emails only; the site drops the rest without a word."""
    if not isinstance(guests, list):
        return []
    found = []
    for guest in guests:
        email = guest.get("email") if isinstance(guest, dict) else guest
        if isinstance(email, str) and _EMAIL.match(email.strip()):
            found.append(email.strip())
    return found


def _form_fields(event: seed.Event) -> list[dict[str, Any]]:
    fields = [
        {"name": "name", "label": "Your Name", "type": "text", "required": True},
        {"name": "email", "label": "Your Email", "type": "email", "required": True},
        {"name": "message", "label": "Meeting notes", "type": "textarea", "required": False},
        {"name": "guests", "label": "Add guests", "type": "multi-guests", "required": False},
    ]
    if event.location_type == "phone_guest":
        fields.append(
            {"name": "location", "label": "Your phone number", "type": "phone", "required": True}
        )
    if event.location_type == "in_person_guest":
        fields.append(
            {"name": "location", "label": "Your address", "type": "text", "required": True}
        )
    fields.append({"name": "company", "label": "Company", "type": "text", "required": False})
    return [dict(f, enabled=True) for f in fields]


def php_json(value: Any) -> Any:
    """PHP's json_encode turns an empty associative array into `[]`: do the same."""
    if isinstance(value, dict):
        return {k: php_json(v) for k, v in value.items()} if value else []
    if isinstance(value, list):
        return [php_json(v) for v in value]
    return value
