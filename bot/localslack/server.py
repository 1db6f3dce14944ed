"""The stand-in's HTTP server: aiohttp on 127.0.0.1 in a background thread.

Routes: ``GET|POST /api/{method}`` (query params, form-encoded or JSON bodies, exactly as
slack_sdk sends them; the token from ``Authorization: Bearer`` or a ``token`` form/query
field, never from a JSON body), ``POST /response/{id}`` (response_urls) and ``GET /link/``
(the Socket Mode WebSocket, `socket_gateway.py`). Errors are HTTP 200
``{"ok": false, "error": ...}`` like Slack; the fault knob adds 429 + Retry-After. There
is no access log, so tokens in query strings are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.localslack import api, respond
from bot.localslack.model import SlackError
from bot.localslack.stand_in import LocalSlack

log = logging.getLogger(__name__)


def _json(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Any:
    return web.json_response(body, status=status, headers=headers)


async def _read_params(request: web.Request) -> tuple[dict[str, Any], str | None]:
    """Merge query and body params; returns (params, token from the body/query)."""
    params: dict[str, Any] = dict(request.query)
    token = params.pop("token", None)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise SlackError("invalid_json") from exc
            if not isinstance(body, dict):
                raise SlackError("invalid_json")
            body.pop("token", None)  # Slack ignores a token in a JSON body
            params.update(body)
        else:
            form = await request.post()
            for key in form:
                value = form.get(key)
                if isinstance(value, str):
                    params[key] = value
            if isinstance(params.get("token"), str):
                token = params.pop("token")
    api.decode_json_fields(params)
    return params, token


def _make_app(slack: LocalSlack) -> web.Application:
    async def handle_api(request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if method not in api.METHODS:
            return _json({"ok": False, "error": "unknown_method"})
        fault = slack.take_fault(method)
        if fault is not None:
            if fault.error:
                return _json({"ok": False, "error": fault.error})
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
            error = "ratelimited" if fault.status == 429 else "internal_error"
            return _json({"ok": False, "error": error}, fault.status, headers)
        try:
            params, body_token = await _read_params(request)
        except SlackError as err:
            return _json(err.body())
        header = request.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else body_token
        slack.record_call(method, params)
        if not token:
            return _json({"ok": False, "error": "not_authed"})
        if method in api.APP_TOKEN_METHODS:
            if token == slack.bot_token:
                return _json({"ok": False, "error": "not_allowed_token_type"})
            if token != slack.app_token:
                return _json({"ok": False, "error": "invalid_auth"})
            try:
                return _json(api.call(slack, method, params))
            except SlackError as err:
                return _json(err.body())
        if token != slack.bot_token:
            return _json({"ok": False, "error": "invalid_auth"})
        # Slack names the token's scopes on every answer to a bot-token call
        scopes = {"x-oauth-scopes": ",".join(slack.granted_scopes)}
        try:
            return _json(api.call(slack, method, params), headers=scopes)
        except SlackError as err:
            return _json(err.body(), headers=scopes)

    async def handle_response(request: web.Request) -> web.StreamResponse:
        try:
            if request.content_type == "application/json":
                body = await request.json()
            else:
                body = dict(await request.post())
        except ValueError:
            return _json({"ok": False, "error": "invalid_payload"}, 400)
        try:
            return _json(respond.post_response(slack, request.match_info["id"], body))
        except SlackError as err:
            status = 404 if err.error in ("no_service", "expired_url", "used_url") else 400
            return _json(err.body(), status)
        except ValueError:
            return _json({"ok": False, "error": "invalid_blocks"}, 400)

    app = web.Application()
    app.router.add_route("*", "/api/{method}", handle_api)
    app.router.add_post("/response/{id}", handle_response)
    app.router.add_get("/link/", slack.socket.handle)  # Socket Mode (socket_gateway.py)
    app.router.add_get("/link", slack.socket.handle)
    return app


class _ServerThread(threading.Thread):
    def __init__(self, slack: LocalSlack, host: str, port: int) -> None:
        super().__init__(name="local-slack", daemon=True)
        self.slack, self.host, self.port = slack, host, port
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.runner: web.AppRunner | None = None

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as exc:  # reported to the starting thread
            self.error = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        self.loop.close()

    async def _start(self) -> None:
        self.runner = web.AppRunner(_make_app(self.slack), access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1]

    def shutdown(self) -> None:
        if self.runner is not None and self.loop.is_running():
            future = asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop)
            try:
                future.result(timeout=5)
            except Exception:  # already stopping; nothing to report
                log.debug("local slack cleanup failed", exc_info=True)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.join(timeout=5)


def start_local_slack(
    port: int = 0,
    *,
    host: str = "127.0.0.1",
    clock: Callable[[], float] | None = None,
    defaults: bool = True,
) -> LocalSlack:
    """Start the stand-in; returns once it listens. ``clock``: () -> epoch seconds."""
    slack = LocalSlack(clock=clock, defaults=defaults)
    thread = _ServerThread(slack, host, port)
    thread.start()
    thread.ready.wait(timeout=10)
    if thread.error is not None:
        raise RuntimeError(f"local Slack could not start on {host}:{port}: {thread.error}")
    slack.base_url = f"http://{host}:{thread.port}"
    slack.stop = thread.shutdown  # type: ignore[method-assign]
    log.info("local Slack listening at %s", slack.api_url)
    return slack
