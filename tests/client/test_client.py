"""The client against a scripted site (httpx.MockTransport): every status and error path."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from client_helpers import (
    booking_row,
    calendars_page,
    event_answer,
    event_row,
    html_response,
    json_response,
)

from bot.fluentbooking import (
    AuthError,
    BadResponseError,
    BookingRequest,
    EventClosedError,
    NotFoundError,
    ServerError,
    SiteTimeoutError,
    SlotUnavailableError,
    ValidationError,
)

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
NO_SLOTS_ROUTE = json_response(404, {"code": "rest_no_route", "message": "No route was found"})


# ------------------------------------------------------------------ URL forms


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.test", "https://example.test/wp-json/fluent-booking/v2/calendars"),
        (
            "https://example.test/blog/",
            "https://example.test/blog/wp-json/fluent-booking/v2/calendars",
        ),
        (
            "https://example.test/wp-json/fluent-booking/v2/",
            "https://example.test/wp-json/fluent-booking/v2/calendars",
        ),
        (
            "https://example.test/?rest_route=/",
            "https://example.test/?rest_route=%2Ffluent-booking%2Fv2%2Fcalendars",
        ),
    ],
)
async def test_url_forms_reach_the_api(site, make_client, url, expected):
    site.on("GET", "/calendars", json_response(200, calendars_page(1, 1, [event_row()])))
    client = make_client(url)
    events = await client.list_events()
    assert [e.id for e in events] == [7]
    assert site.seen[0].url.startswith(expected)


async def test_root_without_pretty_permalinks_switches_to_rest_route_once(site, make_client):
    plain: list[str] = []

    def answer(seen):
        if "rest_route" not in seen.url:
            return httpx.Response(404, content=b"<html>Not Found</html>")
        plain.append(seen.url)
        return json_response(200, calendars_page(1, 1, [event_row()]))

    site.on("GET", "/calendars", answer)
    client = make_client("https://example.test")
    assert [e.id for e in await client.list_events()] == [7]
    assert [e.id for e in await client.list_events()] == [7]
    assert len(site.seen) == 3  # one probe under /wp-json, then ?rest_route= only
    assert client.url_style == "plain"


def test_url_with_credentials_is_refused_without_echoing_it(make_client):
    with pytest.raises(ValueError) as info:
        make_client("https://editor:hunter2@example.test")
    assert "hunter2" not in str(info.value)


# ---------------------------------------------------------------- events


async def test_list_events_reads_every_page_and_normalises(site, make_client):
    site.on(
        "GET",
        "/calendars",
        lambda seen: json_response(
            200,
            calendars_page(
                int(seen.param("page")),
                2,
                [event_row()]
                if seen.param("page") == "1"
                else [
                    event_row(
                        id=8,
                        title="Onboarding",
                        duration=45,
                        location_settings=[{"type": "in_person_guest"}],
                        settings={"requires_confirmation": {"enabled": "yes"}},
                    ),
                    event_row(id="9", title="Old", status="draft", settings=[]),
                ],
            ),
        ),
    )
    events = await make_client().list_events()
    assert [e.id for e in events] == [7, 8, 9]
    demo, onboarding, old = events
    assert demo.title == "Demo & Intro Call"
    assert (demo.duration, demo.durations) == (30, [15, 30, 60])
    assert demo.requires == ["phone"] and demo.location_type == "phone_guest"
    assert demo.host_name == "Ana <Host>" and demo.host_timezone == "America/New_York"
    assert not demo.requires_confirmation and demo.active
    assert onboarding.requires == ["address"] and onboarding.requires_confirmation
    assert onboarding.durations == [45] and onboarding.calendar_id == 2
    assert not old.active
    assert sorted(s.param("page") for s in site.seen) == ["1", "2"]


# ----------------------------------------------------------------- slots


async def test_slots_in_both_formats_and_string_numbers(site, make_client):
    site.on("GET", "/bookings/slots/7", NO_SLOTS_ROUTE)
    site.on(
        "GET",
        "/bookings/event/7",
        json_response(
            200,
            event_answer(
                {
                    "2025-01-15": ["09:00", "09:30"],
                    "2025-01-16": [
                        {
                            "start": "2025-01-16 14:00:00",
                            "end": "2025-01-16 14:30:00",
                            "remaining": "1",
                        }
                    ],
                }
            ),
        ),
    )
    slots = await make_client().get_slots(
        7, start=date(2025, 1, 15), end=date(2025, 1, 16), timezone="America/New_York"
    )
    assert slots.times_on(date(2025, 1, 15)) == ["09:00", "09:30"]
    assert slots.times_on(date(2025, 1, 16)) == ["14:00"]
    first = slots.by_date[date(2025, 1, 15)][0]
    assert first.start == datetime(2025, 1, 15, 9, 0, tzinfo=NY)
    assert first.event_time == "2025-01-15 09:00:00"
    assert first.end == datetime(2025, 1, 15, 9, 30, tzinfo=NY)
    assert slots.find(datetime(2025, 1, 16, 19, 0, tzinfo=UTC)).event_time == (
        "2025-01-16 14:00:00"
    )
    assert slots.to_json()["slots"] == {"2025-01-15": ["09:00", "09:30"], "2025-01-16": ["14:00"]}


async def test_empty_list_means_no_slots(site, make_client):
    site.on("GET", "/bookings/slots/7", NO_SLOTS_ROUTE)
    site.on("GET", "/bookings/event/7", json_response(200, event_answer([])))
    details = await make_client().get_event(7, timezone="UTC")
    assert details.slots.by_date == {}
    assert details.event.title == "Demo & Intro Call"
    assert details.event.max_lookup_date == date(2025, 3, 15)
    assert [f.name for f in details.form_fields if f.required] == ["name", "phone_number"]


async def test_flat_calendar_event_as_in_the_published_page(site, make_client):
    site.on(
        "GET",
        "/bookings/event/7",
        json_response(200, event_answer({"2025-01-15": ["10:00"]}, nested=False)),
    )
    details = await make_client().get_event(7, timezone="UTC", start_date=date(2025, 1, 15))
    assert details.event.id == 7 and details.event.duration == 30
    assert details.slots.times_on(date(2025, 1, 15)) == ["10:00"]
    assert site.seen[0].param("start_date") == "2025-01-15"


async def test_slots_route_404_falls_back_and_is_remembered(site, make_client):
    site.on("GET", "/bookings/slots/7", NO_SLOTS_ROUTE)
    site.on("GET", "/bookings/event/7", json_response(200, event_answer({"2025-01-20": ["10:00"]})))
    client = make_client()
    for _ in range(3):
        slots = await client.get_slots(
            7, start=date(2025, 1, 20), end=date(2025, 1, 20), timezone="UTC"
        )
        assert slots.times_on(date(2025, 1, 20)) == ["10:00"]
    assert len(site.calls(path="/bookings/slots/7")) == 1
    assert len(site.calls(path="/bookings/event/7")) == 3


async def test_slots_route_used_where_it_exists(site, make_client):
    site.on(
        "GET",
        "/bookings/slots/7",
        json_response(
            200,
            {
                "available_slots": {"2025-01-20": ["10:00"]},
                "timezone": "UTC",
                "max_lookup_date": "2025-02-01",
            },
        ),
    )
    slots = await make_client().get_slots(
        7, start=date(2025, 1, 20), end=date(2025, 1, 21), timezone="UTC"
    )
    assert slots.times_on(date(2025, 1, 20)) == ["10:00"]
    assert slots.max_lookup_date == date(2025, 2, 1)
    assert site.calls(path="/bookings/event/7") == []


async def test_range_across_months_is_split_merged_and_trimmed(site, make_client):
    site.on("GET", "/bookings/slots/7", NO_SLOTS_ROUTE)

    def month(seen):
        start = seen.param("start_date")[:10]
        if start.startswith("2025-01"):
            return json_response(
                200,
                event_answer(
                    {"2025-01-29": ["09:00"], "2025-01-31": ["10:00"], "2025-02-01": ["11:00"]}
                ),
            )
        if start.startswith("2025-02"):
            return json_response(
                200,
                event_answer(
                    {"2025-02-01": ["11:00"], "2025-02-03": ["12:00"], "2025-02-27": ["13:00"]}
                ),
            )
        return json_response(200, event_answer({"2025-03-02": ["08:00"]}))

    site.on("GET", "/bookings/event/7", month)
    slots = await make_client().get_slots(
        7, start=date(2025, 1, 30), end=date(2025, 2, 3), timezone="US/Pacific"
    )
    assert slots.timezone == "America/Los_Angeles"
    assert {d.isoformat(): slots.times_on(d) for d in slots.by_date} == {
        "2025-01-31": ["10:00"],
        "2025-02-01": ["11:00"],
        "2025-02-03": ["12:00"],
    }
    starts = sorted(s.param("start_date") for s in site.calls(path="/bookings/event/7"))
    assert starts == ["2025-01-30", "2025-02-01"]
    assert {s.param("timezone") for s in site.seen} == {"America/Los_Angeles"}


async def test_range_starting_in_the_past_starts_today(site, make_client):
    site.on("GET", "/bookings/slots/7", NO_SLOTS_ROUTE)
    site.on("GET", "/bookings/event/7", json_response(200, event_answer([])))
    client = make_client()
    await client.get_slots(7, start=date(2024, 12, 1), end=date(2025, 1, 12), timezone="UTC")
    assert [s.param("start_date") for s in site.calls(path="/bookings/event/7")] == ["2025-01-10"]
    site.seen.clear()
    assert (
        await client.get_slots(7, start=date(2024, 1, 1), end=date(2024, 2, 1), timezone="UTC")
    ).by_date == {}
    assert site.seen == []


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "EST5EDT-ish"])
async def test_unknown_zone_refused_before_calling(site, make_client, zone):
    with pytest.raises(ValidationError) as info:
        await make_client().get_slots(
            7, start=date(2025, 1, 20), end=date(2025, 1, 21), timezone=zone
        )
    assert "timezone" in info.value.fields
    assert site.seen == []


async def test_reversed_range_refused(site, make_client):
    with pytest.raises(ValidationError):
        await make_client().get_slots(
            7, start=date(2025, 2, 2), end=date(2025, 2, 1), timezone="UTC"
        )
    assert site.seen == []


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("response", "error", "kind", "words"),
    [
        (
            json_response(
                401,
                {
                    "code": "rest_forbidden",
                    "message": "Sorry, you are not allowed",
                    "data": {"status": 401},
                },
            ),
            AuthError,
            "auth",
            "Application Password",
        ),
        (json_response(403, {"message": "Forbidden"}), AuthError, "auth", "credentials"),
        (
            json_response(404, {"code": "rest_post_invalid_id", "message": "Invalid"}),
            NotFoundError,
            "not_found",
            "no such",
        ),
        (
            json_response(
                422, {"message": "Sorry, the host is not accepting any new bookings at the moment."}
            ),
            EventClosedError,
            "event_closed",
            "not accepting",
        ),
        (
            json_response(500, {"message": "Call to a member function on null"}),
            ServerError,
            "server",
            "internal error",
        ),
        (html_response(200), BadResponseError, "bad_response", "not the API"),
        (
            httpx.Response(200, content=b'"just a string"'),
            BadResponseError,
            "bad_response",
            "not the API",
        ),
        (html_response(500), ServerError, "server", "internal error"),
        (httpx.Response(401, content=b"<html>login</html>"), AuthError, "auth", "refused"),
    ],
)
async def test_error_kinds_and_messages(site, make_client, response, error, kind, words):
    site.on("GET", "/bookings/event/7", response)
    with pytest.raises(error) as info:
        await make_client(max_retries=0).get_event(7, timezone="UTC")
    assert info.value.kind == kind
    assert words in info.value.user_message
    assert str(info.value) == info.value.user_message
    assert info.value.detail.startswith("GET /bookings/event/7")


async def test_nested_validation_errors_are_flattened(site, make_client):
    site.on(
        "POST",
        "/bookings/create/7",
        json_response(
            422,
            {
                "message": "Please fill up the required data",
                "errors": {
                    "email": {"email": "Please provide a valid email address"},
                    "location_description": {"required": "Phone number is required"},
                    "guests": ["Too many guests"],
                },
            },
        ),
    )
    with pytest.raises(ValidationError) as info:
        await make_client().create_booking(7, _request(), event=await _event(site, make_client))
    assert info.value.fields == {
        "email": "Please provide a valid email address",
        "location_description": "Phone number is required",
        "guests": "Too many guests",
    }
    assert info.value.user_message.startswith("Please fill up the required data")
    assert "valid email" in info.value.user_message
    assert info.value.status == 422


async def test_wordpress_400_params_become_fields(site, make_client):
    site.on(
        "GET",
        "/bookings",
        json_response(
            400,
            {
                "code": "rest_invalid_param",
                "message": "Invalid parameter(s): per_page",
                "data": {"status": 400, "params": {"per_page": "per_page must be at most 100"}},
            },
        ),
    )
    with pytest.raises(ValidationError) as info:
        await make_client().list_bookings(per_page=500)
    assert info.value.fields == {"per_page": "per_page must be at most 100"}


async def test_slot_taken_is_slot_unavailable(site, make_client):
    site.on(
        "POST",
        "/bookings/create/7",
        json_response(
            422,
            {
                "message": "This selected time slot is not available. Maybe someone booked "
                "the spot just a few seconds ago."
            },
        ),
    )
    with pytest.raises(SlotUnavailableError) as info:
        await make_client().create_booking(7, _request(), event=await _event(site, make_client))
    assert "no longer available" in info.value.user_message
    assert len(site.calls("POST")) == 1


# --------------------------------------------------------------- retries


async def test_get_retried_on_503_then_succeeds(site, make_client, sleeps):
    site.on(
        "GET",
        "/bookings/event/7",
        json_response(503, {"message": "busy"}),
        json_response(502, {}),
        json_response(200, event_answer([])),
    )
    details = await make_client(max_retries=3, backoff_base=0.01).get_event(7, timezone="UTC")
    assert details.event.id == 7
    assert len(site.seen) == 3
    assert len(sleeps.delays) == 2 and all(0 < d <= 0.02 for d in sleeps.delays)


async def test_get_gives_up_after_max_retries(site, make_client, sleeps):
    site.on("GET", "/bookings/event/7", json_response(504, {"message": "gateway"}))
    with pytest.raises(ServerError):
        await make_client(max_retries=2).get_event(7, timezone="UTC")
    assert len(site.seen) == 3 and len(sleeps.delays) == 2


async def test_retry_after_is_honoured_and_capped(site, make_client, sleeps):
    site.on(
        "GET",
        "/calendars",
        json_response(429, {"message": "slow down"}, {"Retry-After": "7"}),
        json_response(429, {"message": "slow down"}, {"Retry-After": "3600"}),
        json_response(200, calendars_page(1, 1, [])),
    )
    await make_client(retry_after_max=30).list_events()
    assert sleeps.delays == [7.0, 30.0]


async def test_timeouts_retried_then_reported(site, make_client, sleeps):
    site.on("GET", "/bookings/event/7", httpx.ReadTimeout("slow"))
    with pytest.raises(SiteTimeoutError) as info:
        await make_client(max_retries=2).get_event(7, timezone="UTC")
    assert len(site.seen) == 3
    assert info.value.kind == "timeout" and "did not answer in time" in info.value.user_message


async def test_connection_failure_retried_then_reported(site, make_client):
    site.on(
        "GET",
        "/bookings/event/7",
        httpx.ConnectError("refused"),
        json_response(200, event_answer([])),
    )
    assert (await make_client().get_event(7, timezone="UTC")).event.id == 7
    site.on("GET", "/calendars", httpx.ConnectError("refused"))
    with pytest.raises(SiteTimeoutError) as info:
        await make_client(max_retries=1).list_events()
    assert "Could not reach" in info.value.user_message


async def test_create_never_retried_and_timeout_says_maybe(site, make_client, sleeps):
    event = await _event(site, make_client)
    site.on("POST", "/bookings/create/7", httpx.ReadTimeout("slow"))
    with pytest.raises(SiteTimeoutError) as info:
        await make_client(max_retries=5).create_booking(7, _request(), event=event)
    assert "may or may not have been made" in info.value.user_message
    assert len(site.calls("POST")) == 1 and sleeps.delays == []
    site.on("POST", "/bookings/create/7", json_response(503, {"message": "busy"}))
    with pytest.raises(ServerError):
        await make_client(max_retries=5).create_booking(7, _request(), event=event)
    assert len(site.calls("POST")) == 2


async def test_create_answered_with_html_says_maybe(site, make_client):
    event = await _event(site, make_client)
    site.on("POST", "/bookings/create/7", html_response(200))
    with pytest.raises(BadResponseError) as info:
        await make_client().create_booking(7, _request(), event=event)
    assert "may or may not" in info.value.user_message


async def test_integration_update_never_retried(site, make_client):
    site.on("POST", "/integrations", json_response(502, {"message": "bad gateway"}))
    with pytest.raises(ServerError):
        await make_client(max_retries=4).update_integration("zoom", {"client_id": "x"})
    assert len(site.seen) == 1


# --------------------------------------------------------------- booking


async def _event(site, make_client):
    site.on("GET", "/bookings/event/7", json_response(200, event_answer([])))
    event = (await make_client().get_event(7, timezone="UTC")).event
    site.seen.clear()
    return event


def _request(**over) -> BookingRequest:
    values = dict(
        name="Jo Doe",
        email="jo@example.com",
        timezone="US/Pacific",
        start=datetime(2025, 1, 15, 9, 0, tzinfo=LA),
        phone="+15550100",
    )
    values.update(over)
    return BookingRequest(**values)


async def test_create_booking_applies_the_server_rules(site, make_client):
    site.on("GET", "/bookings/event/7", json_response(200, event_answer([])))
    site.on(
        "POST",
        "/bookings/create/7",
        json_response(200, {"message": "Booking has been created", "booking": booking_row()}),
    )
    client = make_client()
    booking = await client.create_booking(7, _request(message="hi", guests=["a@b.example"]))
    sent = site.calls("POST")[0].json
    assert sent == {
        "name": "Jo Doe",
        "email": "jo@example.com",
        "timezone": "America/Los_Angeles",
        "event_time": "2025-01-15 09:00:00",
        "status": "scheduled",
        "duration": 30,
        "location_type": "phone_guest",
        "location_description": "+15550100",
        "phone_number": "+15550100",
        "message": "hi",
        "guests": ["a@b.example"],
    }
    assert "ignore_availability" not in sent
    assert booking.id == 41 and booking.hash == "abc123" and booking.status == "scheduled"
    assert booking.start_utc == datetime(2025, 1, 15, 17, 0, tzinfo=UTC)
    assert booking.end_utc == datetime(2025, 1, 15, 17, 30, tzinfo=UTC)
    assert booking.to_json()["start_utc"] == "2025-01-15T17:00:00Z"
    assert booking.name == "Jo Doe" and booking.location == "+15550100"
    # the event was fetched once and is cached for the next booking
    await client.create_booking(7, _request(start=datetime(2025, 1, 16, 9, 0, tzinfo=LA)))
    assert len(site.calls("GET")) == 1


async def test_pending_when_event_requires_confirmation(site, make_client):
    site.on(
        "GET",
        "/bookings/event/8",
        json_response(
            200,
            event_answer(
                [],
                id=8,
                settings={"requires_confirmation": {"enabled": "yes"}},
                location_settings=[{"type": "in_person_guest"}],
            ),
        ),
    )
    site.on(
        "POST",
        "/bookings/create/8",
        json_response(200, {"booking": booking_row(id="42", status="pending")}),
    )
    client = make_client()
    with pytest.raises(ValidationError) as info:
        await client.create_booking(8, _request())
    assert info.value.fields == {"address": "required"}
    assert site.calls("POST") == []
    booking = await client.create_booking(
        8, _request(address="1 Main St", phone=None, event_time="2025-01-15 09:00", start=None)
    )
    sent = site.calls("POST")[0].json
    assert sent["status"] == "pending" and sent["location_type"] == "in_person_guest"
    assert sent["location_description"] == "1 Main St"
    assert sent["event_time"] == "2025-01-15 09:00:00" and "duration" not in sent
    assert booking.id == 42


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"start": datetime(2025, 1, 10, 3, 0, tzinfo=LA)}, "event_time"),  # past
        ({"start": datetime(2025, 1, 10, 12, 30, tzinfo=UTC)}, "event_time"),  # min notice
        ({"start": datetime(2025, 3, 17, 9, 0, tzinfo=LA)}, "event_time"),  # beyond window
        ({"start": datetime(2025, 1, 15, 9, 0)}, "start"),  # naive
        ({"start": None, "event_time": "tomorrow 9am"}, "event_time"),
        ({"start": None, "event_time": "2025-02-30 09:00"}, "event_time"),
        ({"timezone": "Pacific/Nowhere"}, "timezone"),
        ({"email": "not-an-email"}, "email"),
        ({"name": "  "}, "name"),
        ({"phone": None}, "phone"),
        ({"duration": 20}, "duration"),
        ({"location_type": "zoom_meeting"}, "location_type"),
    ],
)
async def test_bad_bookings_refused_before_calling(site, make_client, over, field):
    event = await _event(site, make_client)
    with pytest.raises(ValidationError) as info:
        await make_client().create_booking(7, _request(**over), event=event)
    assert field in info.value.fields
    assert site.seen == []


async def test_inactive_event_refused_before_calling(site, make_client):
    site.on("GET", "/bookings/event/9", json_response(200, event_answer([], id=9, status="draft")))
    with pytest.raises(EventClosedError):
        await make_client().create_booking(9, _request())
    assert site.calls("POST") == []


async def test_unknown_event_on_create_is_not_found(site, make_client):
    event = await _event(site, make_client)
    site.on("POST", "/bookings/create/7", json_response(404, {"message": "Event not found"}))
    with pytest.raises(NotFoundError):
        await make_client().create_booking(7, _request(), event=event)


# -------------------------------------------------- bookings and integrations


async def test_list_bookings_sends_calendar_ids_all(site, make_client):
    site.on(
        "GET",
        "/bookings",
        json_response(
            200,
            {
                "bookings": [
                    {
                        "id": "3",
                        "person_time_zone": "UTC",
                        "status": "Scheduled",
                        "payment_status": "",
                        "booking_title": "Demo &amp; <em>Intro</em> between Ana and Jo",
                        "author_name": "Ana",
                        "booking_date": "November 23, 2026",
                        "booking_time": "1:00 pm - 1:30 pm",
                    }
                ],
                "total": "5",
            },
        ),
    )
    result = await make_client().list_bookings(period="all", per_page=1)
    assert result.total == 5
    assert result.items[0].title == "Demo & Intro between Ana and Jo"
    assert result.items[0].id == 3 and result.items[0].payment_status is None
    query = site.seen[0].query
    assert ("calendar_ids[]", "all") in query and ("period", "all") in query
    with pytest.raises(ValidationError):
        await make_client().list_bookings(period="yesterday")


async def test_list_schedules_reads_paginated_rows(site, make_client):
    site.on(
        "GET",
        "/schedules",
        json_response(
            200,
            {
                "schedules": {
                    "data": [booking_row(title="Demo <b>call</b>")],
                    "current_page": 1,
                    "last_page": "3",
                    "total": "41",
                }
            },
        ),
    )
    page = await make_client().list_schedules(per_page=1)
    assert (page.page, page.last_page, page.total) == (1, 3, 41)
    assert page.items[0].title == "Demo call"


async def test_integration_settings_empty_lists_and_repr(site, make_client):
    site.on(
        "GET",
        "/integrations",
        json_response(200, {"status": False, "settings": [], "field_settings": []}),
    )
    result = await make_client().get_integration("google_calendar")
    assert (result.available, result.settings, result.field_settings) == (False, {}, {})
    assert site.seen[0].param("settings_key") == "google_calendar"
    site.on(
        "GET",
        "/integrations",
        json_response(200, {"status": True, "settings": {"client_secret": "s3cr3t-value"}}),
    )
    result = await make_client().get_integration("zoom")
    assert result.settings == {"client_secret": "s3cr3t-value"}
    assert "s3cr3t" not in repr(result)


async def test_update_integration_returns_the_message(site, make_client):
    site.on(
        "POST",
        "/integrations",
        json_response(200, {"message": "Settings have been successfully saved."}),
    )
    message = await make_client().update_integration("zoom", {"account_id": "a1"})
    assert message == "Settings have been successfully saved."
    assert site.seen[0].json == {"settings_key": "zoom", "settings": {"account_id": "a1"}}
    with pytest.raises(ValidationError):
        await make_client().update_integration("../etc", {})
