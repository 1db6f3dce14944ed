"""Fault modes (Python and HTTP control routes) and integration settings."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.sandbox import Sandbox, start_sandbox

from .helpers import MONDAY_NOON_UTC

CONTROL = "/__sandbox__/faults"


def test_status_fault_with_retry_after_then_count_clears(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    sandbox.set_faults(status=503, retry_after=7, count=2)
    for _ in range(2):
        response = api.get("/calendars")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "7"
        assert response.json()["data"]["status"] == 503
    assert api.get("/calendars").status_code == 200
    assert not sandbox.faults.active


def test_429_fault(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.set_faults(status=429, retry_after=1)
    response = api.get("/calendars")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    sandbox.clear_faults()
    assert api.get("/calendars").status_code == 200


@pytest.mark.parametrize(("status", "expected"), [(None, 200), (502, 502)])
def test_html_fault(sandbox: Sandbox, api: httpx.Client, status: int | None, expected: int) -> None:
    sandbox.set_faults(html=True, status=status, count=1)
    response = api.get("/bookings/event/1")
    assert response.status_code == expected
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!DOCTYPE html>")


def test_path_filter(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.set_faults(status=500, path="/bookings/create")
    assert api.get("/calendars").status_code == 200
    assert api.post("/bookings/create/1", json={}).status_code == 500
    assert api.get("/calendars").status_code == 200


def test_latency_delays_but_answers(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.set_faults(latency=0.05, count=1)
    assert api.get("/calendars").status_code == 200
    assert not sandbox.faults.active


async def test_hang_never_answers_and_does_not_block_others(sandbox: Sandbox) -> None:
    sandbox.set_faults(hang=True, path="/bookings/event/")
    auth = (sandbox.username, sandbox.app_password)
    base = sandbox.url + "/wp-json/fluent-booking/v2"
    async with httpx.AsyncClient(auth=auth) as client:
        hanging = asyncio.create_task(
            client.get(base + "/bookings/event/1", timeout=httpx.Timeout(5.0, read=1.0))
        )
        # while that request waits, others are served (several at once)
        answers = await asyncio.gather(*(client.get(base + "/calendars") for _ in range(10)))
        assert all(a.status_code == 200 for a in answers)
        assert not hanging.done()
        with pytest.raises(httpx.ReadTimeout):
            await hanging


async def test_latency_requests_run_concurrently(sandbox: Sandbox) -> None:
    """Twenty slow requests at once all answer: latency does not block the server."""
    sandbox.set_faults(latency=0.2)
    auth = (sandbox.username, sandbox.app_password)
    async with httpx.AsyncClient(auth=auth, timeout=10) as client:
        answers = await asyncio.gather(
            *(client.get(sandbox.url + "/wp-json/fluent-booking/v2/calendars") for _ in range(20))
        )
    assert [a.status_code for a in answers] == [200] * 20
    assert sandbox.request_count == 20


def test_faults_over_http(sandbox: Sandbox, api: httpx.Client) -> None:
    answer = httpx.post(sandbox.url + CONTROL, json={"status": 500, "count": 1, "path": "/cal"})
    assert answer.status_code == 200 and answer.json()["faults"]["status"] == 500
    assert api.get("/calendars").status_code == 500
    assert api.get("/calendars").status_code == 200
    httpx.post(sandbox.url + CONTROL, json={"status": 503})
    assert api.get("/calendars").status_code == 503
    cleared = httpx.delete(sandbox.url + CONTROL)
    assert cleared.json()["faults"]["status"] is None
    assert api.get("/calendars").status_code == 200


@pytest.mark.parametrize(
    "body", [{"status": 200}, {"latency": -1}, {"count": 0}, {"colour": "red"}, [1]]
)
def test_bad_fault_settings_are_refused(sandbox: Sandbox, body: object) -> None:
    answer = httpx.post(sandbox.url + CONTROL, json=body)
    assert answer.status_code == 400 and answer.json()["error"]
    with pytest.raises(ValueError):
        sandbox.set_faults(status=204)


def test_control_routes_need_no_auth_and_faults_spare_them(sandbox: Sandbox) -> None:
    sandbox.set_faults(status=500)
    assert httpx.get(sandbox.url + CONTROL).status_code == 200
    assert httpx.get(sandbox.url + "/__sandbox__/clock").status_code == 200


# -- integrations -----------------------------------------------------------------


def test_pro_site_has_seeded_settings_and_stores_changes(api: httpx.Client) -> None:
    zoom = api.get("/integrations", params={"settings_key": "zoom"}).json()
    assert zoom["status"] is True
    assert set(zoom["settings"]) == {"account_id", "client_id", "client_secret"}
    assert zoom["field_settings"]["client_secret"]["type"] == "password"
    saved = api.post(
        "/integrations",
        json={"settings_key": "zoom", "settings": {**zoom["settings"], "client_id": "NewId"}},
    )
    assert saved.json() == {"message": "Settings have been successfully saved."}
    again = api.get("/integrations", params={"settings_key": "zoom"}).json()
    assert again["settings"]["client_id"] == "NewId"
    assert again["field_settings"] == zoom["field_settings"]


def test_unknown_key_on_pro_site_is_not_configured(api: httpx.Client) -> None:
    answer = api.get("/integrations", params={"settings_key": "nothing"}).json()
    assert answer == {"status": False, "settings": [], "field_settings": []}


def test_integration_requests_need_a_key(api: httpx.Client) -> None:
    assert api.get("/integrations").status_code == 422
    assert api.post("/integrations", json={"settings": {}}).status_code == 422
    assert api.post("/integrations", json={"settings_key": "zoom"}).status_code == 422


def test_free_site_answers_empty_and_stores_nothing() -> None:
    with start_sandbox(now=MONDAY_NOON_UTC, integrations="free") as site:
        client = httpx.Client(
            base_url=site.url + "/wp-json/fluent-booking/v2",
            auth=(site.username, site.app_password),
        )
        empty = {"status": False, "settings": [], "field_settings": []}
        assert client.get("/integrations", params={"settings_key": "stripe"}).json() == empty
        saved = client.post(
            "/integrations", json={"settings_key": "stripe", "settings": {"secret_key": "x"}}
        )
        assert saved.json()["message"] == "Settings have been successfully saved."
        assert client.get("/integrations", params={"settings_key": "stripe"}).json() == empty


def test_no_store_fault_accepts_but_does_not_store(sandbox: Sandbox, api: httpx.Client) -> None:
    before = api.get("/integrations", params={"settings_key": "stripe"}).json()["settings"]
    sandbox.set_faults(no_store=True, count=1)
    saved = api.post(
        "/integrations", json={"settings_key": "stripe", "settings": {"payment_mode": "live"}}
    )
    assert saved.status_code == 200
    assert api.get("/integrations", params={"settings_key": "stripe"}).json()["settings"] == before
    api.post("/integrations", json={"settings_key": "stripe", "settings": {"payment_mode": "live"}})
    after = api.get("/integrations", params={"settings_key": "stripe"}).json()["settings"]
    assert after == {"payment_mode": "live"}


def test_form_encoded_post_works(api: httpx.Client) -> None:
    answer = api.post("/integrations", data={"settings_key": "zoom"})
    assert answer.status_code == 422  # settings must be an object: a form cannot carry one
