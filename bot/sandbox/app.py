"""The sandbox's aiohttp application: URL forms, auth, faults, the request log, control.

Both URL forms of a WordPress site reach the FluentBooking routes:
`/wp-json/fluent-booking/v2/<route>` and `/?rest_route=/fluent-booking/v2/<route>`.
Unknown routes answer 404 `rest_no_route` (before auth, as WordPress does); known routes
need HTTP Basic auth with the WordPress user and its application password (with or
without spaces), else 401 `rest_forbidden`. `/__sandbox__/...` are control routes that
only exist here and need no auth; they are neither logged nor subject to faults.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import inspect
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiDict

from bot.sandbox import seed
from bot.sandbox.ajax import AJAX_PATH, SiteAjax
from bot.sandbox.api import ApiError, Call, SiteApi, php_json, rest_error
from bot.sandbox.faults import HTML_PAGE, Faults, FaultState

log = logging.getLogger(__name__)

API_PREFIX = "/wp-json/fluent-booking/v2"
REST_PREFIX = "/fluent-booking/v2"
CONTROL_PREFIX = "/__sandbox__/"
HOME_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Sandbox Site</title></head><body>"
    "<h1>FluentBooking sandbox</h1><p>A local stand-in for a WordPress site with "
    "FluentBooking. API: /wp-json/fluent-booking/v2/</p></body></html>\n"
)


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # path with query string, as received


class Clock:
    """The sandbox's idea of now: the real time, or a time fixed by set_now()."""

    def __init__(self, now: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._fixed: datetime | None = None
        self.set(now)

    def set(self, now: datetime | None) -> None:
        if now is not None and now.tzinfo is None:
            now = now.replace(tzinfo=UTC)  # naive means UTC
        with self._lock:
            self._fixed = now

    def now(self) -> datetime:
        with self._lock:
            fixed = self._fixed
        return fixed if fixed is not None else datetime.now(UTC)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        text=json.dumps(php_json(data)),
        status=status,
        content_type="application/json",
        charset="UTF-8",
        headers=headers,
    )


def _no_route() -> web.Response:
    error = rest_error(
        "rest_no_route", "No route was found matching the URL and request method.", 404
    )
    return _json(error.body, 404)


def _fault_response(faults: Faults) -> web.Response:
    status = faults.status or 200
    headers = {"Retry-After": str(faults.retry_after)} if faults.retry_after is not None else None
    if faults.html:
        return web.Response(
            text=HTML_PAGE, status=status, content_type="text/html", headers=headers
        )
    if status == 429:
        error = rest_error("rest_too_many_requests", "Too many requests. Slow down.", 429)
    else:
        error = rest_error(
            "internal_server_error", "There has been a critical error on this website.", status
        )
    return _json(error.body, status, headers)


class SandboxApp:
    def __init__(self, api: SiteApi, faults: FaultState, clock: Clock) -> None:
        self.api = api
        self.faults = faults
        self.clock = clock
        self.requests: list[RequestRecord] = []
        self.stopping = False
        self.ajax = SiteAjax(api.store, api.lifecycle)
        self._passwords = {
            user.username.lower(): user for user in api.store.users.values() if user.app_password
        } | {user.email.lower(): user for user in api.store.users.values() if user.app_password}

    def build(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await self.control(request)
        self.requests.append(RequestRecord(request.method, request.path_qs))
        faults = self.faults.take(request.path_qs)
        if faults is not None and not faults.after:
            misbehaving = await self._misbehave(request, faults)
            if misbehaving is not None:
                return misbehaving
        answer = await self.site(request, faults)
        if faults is not None and faults.after:  # the work is done; the answer goes astray
            return await self._misbehave(request, faults) or answer
        return answer

    async def _misbehave(self, request: web.Request, faults: Faults) -> web.StreamResponse | None:
        """Apply `faults` to this request: an answer instead of the real one, or None."""
        if faults.latency:
            await asyncio.sleep(faults.latency)
        if faults.drop:
            if request.transport is not None:
                request.transport.abort()  # the client sees the connection reset, no answer
            return web.Response(status=499)
        if faults.hang:
            return await self._hang(request)
        if faults.status is not None or faults.html:
            return _fault_response(faults)
        return None

    async def _hang(self, request: web.Request) -> web.StreamResponse:
        """Answer nothing until the client goes away (or the sandbox stops)."""
        while not self.stopping:
            transport = request.transport
            if transport is None or transport.is_closing():
                break
            await asyncio.sleep(0.05)
        return web.Response(status=503)

    # -- the WordPress site ---------------------------------------------------------

    def _locate(
        self, request: web.Request
    ) -> tuple[str, Callable[[str, dict[str, Any]], str]] | None:
        """(route inside the plugin namespace, URL builder) or None when not the API."""
        origin = f"{request.scheme}://{request.host}"
        rest_route = request.query.get("rest_route")
        if request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX:
            base = origin + API_PREFIX

            def pretty(route: str, query: dict[str, Any]) -> str:
                return base + route + (f"?{urlencode(query)}" if query else "")

            return request.path[len(API_PREFIX) :] or "/", pretty
        if rest_route is not None and request.path in ("/", "/index.php"):
            if not (rest_route == REST_PREFIX or rest_route.startswith(REST_PREFIX + "/")):
                return "\0", lambda route, query: ""  # another namespace: no route

            def plain(route: str, query: dict[str, Any]) -> str:
                return f"{origin}/?" + urlencode({"rest_route": REST_PREFIX + route, **query})

            return rest_route[len(REST_PREFIX) :] or "/", plain
        return None

    def _authenticate(self, request: web.Request) -> seed.User | None:
        header = request.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        username, _, password = decoded.partition(":")
        user = self._passwords.get(username.strip().lower())
        if user is None or user.app_password is None:
            return None
        given = password.replace(" ", "").encode()
        expected = user.app_password.replace(" ", "").encode()
        return user if hmac.compare_digest(given, expected) else None

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.method in ("GET", "HEAD") or not request.can_read_body:
            return {}
        if request.content_type == "application/json":
            text = await request.text()
            if not text.strip():
                return {}
            try:
                data = json.loads(text)
            except ValueError:
                raise rest_error("rest_invalid_json", "Invalid JSON body passed.", 400) from None
            return data if isinstance(data, dict) else {}
        form = await request.post()
        return {k: v for k, v in form.items() if isinstance(v, str)}

    async def site(self, request: web.Request, faults: Faults | None) -> web.StreamResponse:
        if request.path == AJAX_PATH:
            return await self._ajax(request)
        located = self._locate(request)
        if located is None:
            if request.path in ("/", "/index.php"):
                return web.Response(text=HOME_PAGE, content_type="text/html")
            if request.path.startswith("/wp-json"):
                return _no_route()
            return web.Response(
                text="<h1>Page not found</h1>", status=404, content_type="text/html"
            )
        route, url_for = located
        matched = self.api.match(request.method, route)
        if matched is None:
            return _no_route()
        handler, ids = matched
        user = self._authenticate(request)
        if user is None:
            error = rest_error("rest_forbidden", "Sorry, you are not allowed to do that.", 401)
            return _json(error.body, 401)
        query = MultiDict(request.query)
        query.popall("rest_route", None)
        try:
            call = Call(
                method=request.method,
                params=query,
                multi=lambda key: list(query.getall(key, [])),
                body=await self._body(request),
                user=user,
                now=self.clock.now(),
                faults=faults,
                url_for=url_for,
                ids=ids,
            )
            answer = handler(call)
            if inspect.isawaitable(answer):
                answer = await answer
            return _json(answer)
        except ApiError as error:
            return _json(error.body, error.status)
        except Exception:
            log.exception("sandbox: unexpected error on %s %s", request.method, route)
            crash = rest_error(
                "internal_server_error", "There has been a critical error on this website.", 500
            )
            return _json(crash.body, 500)

    async def _ajax(self, request: web.Request) -> web.StreamResponse:
        """admin-ajax.php: the public pages' actions, as the guest (no auth)."""
        form: dict[str, str] = {}
        if request.method == "POST":
            posted = await request.post()
            form = {k: v for k, v in posted.items() if isinstance(v, str)}
        try:
            answer = self.ajax.handle(form, self.clock.now())
        except Exception:
            log.exception("sandbox: unexpected error in admin-ajax")
            return web.Response(text="0", status=500, content_type="text/html")
        if isinstance(answer.body, str):
            return web.Response(text=answer.body, status=answer.status, content_type="text/html")
        return _json(answer.body, answer.status)

    # -- control routes -------------------------------------------------------------

    async def control(self, request: web.Request) -> web.StreamResponse:
        name = request.path[len(CONTROL_PREFIX) :].strip("/")
        try:
            if name == "faults":
                if request.method == "POST":
                    self.faults.set(Faults.from_json(await _read_json(request)))
                elif request.method == "DELETE":
                    self.faults.clear()
                return web.json_response({"faults": self.faults.current.to_json()})
            if name == "clock":
                if request.method == "POST":
                    data = await _read_json(request)
                    if not isinstance(data, dict) or "now" not in data:
                        raise ValueError('send {"now": "ISO datetime"} or {"now": null}')
                    value = data["now"]
                    self.clock.set(None if value is None else datetime.fromisoformat(value))
                return web.json_response({"now": self.clock.now().isoformat()})
            if name == "emails":
                emails = [e.to_json() for e in self.api.lifecycle.emails()]
                return web.json_response({"count": len(emails), "emails": emails})
            if name == "requests":
                if request.method == "DELETE":
                    self.requests.clear()
                records = [{"method": r.method, "path": r.path} for r in self.requests]
                return web.json_response({"count": len(records), "requests": records})
        except (ValueError, TypeError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response({"error": f"unknown control route {name!r}"}, status=404)


async def _read_json(request: web.Request) -> Any:
    text = await request.text()
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError:
        raise ValueError("the body must be JSON") from None
