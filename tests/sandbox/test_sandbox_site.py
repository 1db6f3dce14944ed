"""Auth, URL forms, routing, /calendars paging and the CLI, over loopback HTTP."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from bot.sandbox import DEMO_APP_PASSWORD, DEMO_USERNAME, Sandbox, cli, start_sandbox

API = "/wp-json/fluent-booking/v2"


def test_missing_auth_is_401_rest_forbidden(sandbox: Sandbox) -> None:
    response = httpx.get(sandbox.url + API + "/calendars")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "rest_forbidden"
    assert body["data"] == {"status": 401}


@pytest.mark.parametrize(
    "auth",
    [
        (DEMO_USERNAME, "wrong pass word xxxx yyyy zzzz"),
        ("someone", DEMO_APP_PASSWORD),
        (DEMO_USERNAME, ""),
        ("jordan", DEMO_APP_PASSWORD),  # a real user, but not this password
    ],
)
def test_wrong_credentials_are_401(sandbox: Sandbox, auth: tuple[str, str]) -> None:
    response = httpx.get(sandbox.url + API + "/calendars", auth=auth)
    assert response.status_code == 401
    assert response.json()["code"] == "rest_forbidden"


def test_malformed_authorization_header_is_401(sandbox: Sandbox) -> None:
    response = httpx.get(sandbox.url + API + "/calendars", headers={"Authorization": "Basic !!"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "password", [DEMO_APP_PASSWORD, DEMO_APP_PASSWORD.replace(" ", "")], ids=["spaces", "none"]
)
def test_app_password_with_or_without_spaces(sandbox: Sandbox, password: str) -> None:
    response = httpx.get(sandbox.url + API + "/calendars", auth=(DEMO_USERNAME, password))
    assert response.status_code == 200


def test_email_works_as_username(sandbox: Sandbox) -> None:
    response = httpx.get(
        sandbox.url + API + "/calendars", auth=("demo@example.com", DEMO_APP_PASSWORD)
    )
    assert response.status_code == 200


def test_repr_never_shows_the_password(sandbox: Sandbox) -> None:
    assert DEMO_APP_PASSWORD not in repr(sandbox)
    assert DEMO_APP_PASSWORD.replace(" ", "") not in repr(sandbox)


def test_calendars_list_events_with_string_numbers(api: httpx.Client) -> None:
    page = api.get("/calendars").json()["calendars"]
    assert page["current_page"] == 1 and page["last_page"] == 1 and page["total"] == 2
    first = page["data"][0]
    assert first["title"] == "Alex Rivera" and first["author_timezone"] == "America/New_York"
    events = {e["id"]: e for e in first["slots"]}
    assert events[1]["duration"] == "30"
    assert events[1]["location_settings"][0]["type"] == "phone_guest"
    assert events[5]["status"] == "draft"
    multi = events[3]["settings"]["multi_duration"]
    assert multi == {
        "enabled": True,
        "default_duration": "30",
        "available_durations": ["15", "30", "60"],
    }
    assert events[4]["settings"]["requires_confirmation"]["enabled"] is True
    assert first["settings"] == []  # PHP's empty array, not {}


def test_calendars_paging(api: httpx.Client) -> None:
    first = api.get("/calendars", params={"per_page": 1}).json()["calendars"]
    assert [c["title"] for c in first["data"]] == ["Alex Rivera"]
    assert first["last_page"] == 2 and first["total"] == 2
    assert first["next_page_url"].endswith("per_page=1&page=2")
    second = api.get(first["next_page_url"]).json()["calendars"]
    assert [c["title"] for c in second["data"]] == ["Jordan Blake"]
    assert second["next_page_url"] is None and second["prev_page_url"] is not None
    assert second["data"][0]["author_timezone"] == "Europe/London"
    beyond = api.get("/calendars", params={"per_page": 1, "page": 3}).json()["calendars"]
    assert beyond["data"] == []


def test_rest_route_form_answers_the_same(sandbox: Sandbox, api: httpx.Client) -> None:
    plain = httpx.get(
        sandbox.url + "/",
        params={"rest_route": "/fluent-booking/v2/calendars", "per_page": 1},
        auth=(sandbox.username, sandbox.app_password),
    )
    assert plain.status_code == 200
    page = plain.json()["calendars"]
    assert page["data"] == api.get("/calendars", params={"per_page": 1}).json()["calendars"]["data"]
    assert "rest_route=%2Ffluent-booking%2Fv2%2Fcalendars" in page["next_page_url"]
    following = httpx.get(page["next_page_url"], auth=(sandbox.username, sandbox.app_password))
    assert following.json()["calendars"]["data"][0]["title"] == "Jordan Blake"


def test_rest_route_form_needs_auth_too(sandbox: Sandbox) -> None:
    response = httpx.get(sandbox.url + "/?rest_route=/fluent-booking/v2/calendars")
    assert response.status_code == 401
    assert response.json()["code"] == "rest_forbidden"


@pytest.mark.parametrize(
    "path",
    [
        API + "/nothing-here",
        API + "/bookings/event/abc",
        API + "/bookings/slots/1",  # published, but not routed on 2.0.0
        "/wp-json/other-plugin/v1/things",
        "/?rest_route=/other/v1/x",
    ],
)
def test_unknown_routes_are_rest_no_route(sandbox: Sandbox, path: str) -> None:
    response = httpx.get(sandbox.url + path, auth=(sandbox.username, sandbox.app_password))
    assert response.status_code == 404
    assert response.json()["code"] == "rest_no_route"


def test_wrong_method_is_rest_no_route(api: httpx.Client) -> None:
    assert api.post("/calendars", json={}).json()["code"] == "rest_no_route"


def test_slots_route_when_enabled_answers_plain_times(tmp_path) -> None:
    from .helpers import MONDAY_NOON_UTC

    with start_sandbox(now=MONDAY_NOON_UTC, slots_route=True) as site:
        response = httpx.get(
            site.url + API + "/bookings/slots/1",
            params={"start_date": "2025-01-07", "timezone": "America/New_York"},
            auth=(site.username, site.app_password),
        )
    assert response.status_code == 200
    body = response.json()
    assert body["available_slots"]["2025-01-07"][:2] == ["09:00", "09:30"]
    assert body["max_lookup_date"] == "2025-03-07"


def test_requests_are_counted(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.clear_requests()
    api.get("/calendars", params={"page": 1})
    api.get("/bookings/event/1")
    httpx.post(sandbox.url + "/__sandbox__/clock", json={"now": None})  # control: not counted
    assert sandbox.request_count == 2
    assert [(r.method, r.path) for r in sandbox.requests] == [
        ("GET", API + "/calendars?page=1"),
        ("GET", API + "/bookings/event/1"),
    ]
    listed = httpx.get(sandbox.url + "/__sandbox__/requests").json()
    assert listed["count"] == 2


def test_site_root_is_an_html_page(sandbox: Sandbox) -> None:
    response = httpx.get(sandbox.url + "/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_data_survives_a_restart_and_seeding_is_idempotent(tmp_path) -> None:
    from .helpers import MONDAY_NOON_UTC, book

    db = str(tmp_path / "kept.sqlite3")
    with start_sandbox(db_path=db, now=MONDAY_NOON_UTC) as site:
        client = httpx.Client(base_url=site.url + API, auth=(site.username, site.app_password))
        assert book(client, 1, "2025-01-07 10:00:00").status_code == 200
    with start_sandbox(db_path=db, now=MONDAY_NOON_UTC) as site:
        client = httpx.Client(base_url=site.url + API, auth=(site.username, site.app_password))
        assert client.get("/calendars").json()["calendars"]["total"] == 2
        again = book(client, 1, "2025-01-07 10:00:00")
        assert again.status_code == 422  # the booking was kept


def test_stop_frees_the_port_and_is_idempotent() -> None:
    site = start_sandbox()
    url = site.url
    site.stop()
    site.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/")


def test_port_in_use_is_a_clear_error(sandbox: Sandbox) -> None:
    with pytest.raises(RuntimeError, match="could not start"):
        start_sandbox(port=sandbox.port)


def test_cli_prints_url_and_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(cli.main(["--port", "0", "--integrations", "free"], stop))
    )
    thread.start()
    try:
        out = ""
        for _ in range(500):
            out += capsys.readouterr().out
            if "Ctrl-C" in out:
                break
            time.sleep(0.02)
        url = out.split("running at ")[1].split()[0]
        assert httpx.get(url + "/").status_code == 200
        assert DEMO_USERNAME in out
        assert DEMO_APP_PASSWORD in out  # the demo's public default, printed on purpose
    finally:
        stop.set()
        thread.join(10)
    assert result == [0]


def test_cli_rejects_bad_now(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--now", "yesterday"]) == 2
    assert "--now" in capsys.readouterr().out
