"""Running the bot: HTTP (uvicorn + Bolt's ASGI adapter), Socket Mode, or in a thread.

`python -m bot` -> serve_main: Slack requests at /slack/events (and /slack/options),
GET /healthz (liveness) and GET /readyz (readiness). `python -m bot socket` -> socket_main.
Both stop gracefully on SIGTERM (`bot.serving.shutdown`).
`start_bot_server(settings, port=0)` runs the same ASGI app in a background thread
(end-to-end tests, the demo, the benchmark)."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import socket
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from bot.config import ConfigError, Settings
from bot.logs import new_request_id, request_id
from bot.serving import guard
from bot.serving.health import Readiness
from bot.serving.shutdown import (
    REQUESTS_SECONDS,
    SHUTDOWN_SECONDS,
    Deadline,
    GracefulServer,
    SocketGate,
    http_config,
    install_stop_signals,
)

if TYPE_CHECKING:
    import aiohttp
    import uvicorn
    from slack_bolt.async_app import AsyncApp

    from bot.fluentbooking.client import FluentBookingClient
    from bot.store import Store
    from bot.store.outbox import Outbox

log = logging.getLogger("bot")

#: the ASGI connection scope and messages (JSON-like dicts, see the ASGI spec)
Scope = dict[str, Any]
AsgiMessage = dict[str, Any]
Receive = guard.Receive
Send = Callable[[AsgiMessage], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]
T = TypeVar("T")

SLACK_PATHS = ("/slack/events", "/slack/options", "/slack/actions", "/slack/commands")


class BotASGI:
    """Bolt's ASGI handler behind the front door (`bot.serving.guard`), plus GET /healthz
    (liveness: 200 while the process lives) and GET /readyz (`bot.serving.health`).

    Every Slack path goes to the same app. A POST is read (at most MAX_BODY_BYTES),
    its signature and shape checked, and only then handed to Bolt with a fresh request
    id in `bot.logs.request_id` for every log line of its ack and follow-up work."""

    def __init__(
        self,
        app: AsyncApp,
        *,
        on_startup: Hook | None = None,
        on_shutdown: Hook | None = None,
        max_body_bytes: int = guard.MAX_BODY_BYTES,
    ) -> None:
        from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler

        from bot.slack.deps import ack_gate_of, deps_of

        self.app = app
        self.handler = AsyncSlackRequestHandler(app, path="/slack/events")
        self.gate = ack_gate_of(app)
        self.on_startup = on_startup
        self.on_shutdown = on_shutdown
        self.max_body_bytes = max_body_bytes
        deps = deps_of(app)
        self.readiness = Readiness(deps.store, deps.fb)
        secret = getattr(deps.settings, "slack_signing_secret", None)
        self.signing_secret = secret.value if secret else ""
        self.refused = guard.RejectionLog()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path = scope.get("path", "")
        if path == "/healthz":
            await _send_json(send, 200, {"ok": True})
            return
        if path == "/fluentbooking/webhook" and scope.get("method") == "POST":
            await _webhook(self.app, scope, receive, send)  # FluentBooking Pro (bot.feed)
            return
        if path == "/readyz":
            status, body = await self.readiness.check()
            await _send_json(send, status, body)
            return
        if path not in SLACK_PATHS:
            await self.handler(scope, receive, send)
            return
        scope = {**scope, "path": "/slack/events"}
        token = request_id.set(new_request_id())
        try:
            if scope.get("method") == "POST":
                admitted = await self._admit(scope, receive, send)
                if admitted is None:
                    return
                receive = admitted
            if self.gate is None:
                await self.handler(scope, receive, send)
                return
            with self.gate.answering():
                await self.handler(scope, receive, send)
        finally:
            request_id.reset(token)

    async def _admit(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """The body replayed for Bolt, or None once a refusal has been answered."""
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        size = 0
        try:
            body = await guard.read_body(
                receive, headers.get("content-length"), self.max_body_bytes
            )
            size = len(body)
            rejection = None
            if self.signing_secret:
                rejection = guard.check_signature(headers, body, self.signing_secret)
            if rejection is None:
                content_type = headers.get("content-type", "").split(";")[0].strip() or None
                rejection = guard.check_payload(body, content_type)
        except guard.BodyTooLarge:
            size = int(headers.get("content-length") or 0) or self.max_body_bytes + 1
            rejection = guard.Rejection(413, f"body over {self.max_body_bytes} bytes")
        if rejection is None:
            return guard.replay(body, receive)
        client = scope.get("client") or ("?", 0)
        self.refused(
            rejection, method="POST", path=scope.get("path", ""), client=str(client[0]), size=size
        )
        await _send_json(send, rejection.status, {"error": rejection.reason})
        return None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if self.on_startup:
                        await self.on_startup()
                except Exception as exc:  # ASGI's way to say the start failed (uvicorn exits)
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.on_shutdown:
                    await self.on_shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _webhook(app: AsyncApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Read the request body (bounded) and hand it to the feed's webhook handler."""
    from bot.slack import feed

    body = b""
    more = True
    while more and len(body) <= 256 * 1024:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
    query = scope.get("query_string", b"").decode("latin-1")
    answer = await feed.webhook(app, headers, query, body)
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(answer.body).encode()})


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


def _settings_for(mode: str) -> Settings:
    settings = Settings.from_env()
    needed = ["SLACK_BOT_TOKEN"]
    needed += ["SLACK_SIGNING_SECRET"] if mode == "http" else ["SLACK_APP_TOKEN"]
    needed += ["FLUENTBOOKING_URL", "FLUENTBOOKING_USERNAME", "FLUENTBOOKING_APP_PASSWORD"]
    settings.require(*needed)
    return settings


@dataclass
class Stack:
    """The parts a running bot owns: app, site client, store, Slack HTTP session."""

    app: AsyncApp
    fb: FluentBookingClient
    store: Store
    slack_session: aiohttp.ClientSession | None = None  # shared by the Slack Web API calls
    outbox: Outbox | None = None  # retries undelivered DMs and posts in the background

    async def close(self, drain_seconds: float = SHUTDOWN_SECONDS) -> None:
        """Stop the site watcher and the outbox's retries (a round in progress ends),
        finish the work already acked (at most `drain_seconds`), then close the pools."""
        from bot.slack import feed
        from bot.slack.deps import deps_of

        await feed.stop(self.app)
        if self.outbox is not None:
            await self.outbox.stop()
        deps = deps_of(self.app)
        await deps.drain(drain_seconds)
        if deps.busy:
            log.warning("shutdown: %d task(s) still running after %g s", deps.busy, drain_seconds)
        await self.fb.aclose()
        await self.store.close()
        if self.slack_session is not None:
            await self.slack_session.close()


async def build_stack(
    settings: Settings,
    *,
    socket_mode: bool = False,
    clock: Callable[[], datetime] | None = None,
    fb_kwargs: dict[str, Any] | None = None,
) -> Stack:
    from bot.fluentbooking import FluentBookingClient
    from bot.slack.app import build_app, new_slack_session
    from bot.store import open_store

    store = await open_store(settings.database_url)
    fb = FluentBookingClient.from_settings(settings, **(fb_kwargs or {}))
    session = new_slack_session()
    app = build_app(
        settings,
        fb_client=fb,
        store=store,
        clock=clock,
        socket_mode=socket_mode,
        http_session=session,
    )
    from bot.slack import feed

    feed.start(app)  # the booking watcher runs in the bot process (BOOKING_POLL_SECONDS)
    outbox = _start_outbox(app)
    return Stack(app, fb, store, session, outbox)


def _start_outbox(app: AsyncApp) -> Outbox:
    """Retry, in the background, the DMs and channel posts a failure left undelivered
    (Slack down, the store down, a process stopped mid-way): at start, then every few
    seconds, whichever process gets to each item first (a lease in the store)."""
    from bot.slack import booking
    from bot.slack.deps import deps_of

    outbox = booking.outbox(app, deps_of(app))
    outbox.start()
    return outbox


def _start(mode: str) -> Settings | None:
    """Logging from LOG_LEVEL/LOG_FORMAT, then the settings; None after a clear error."""
    from bot.config import process_env
    from bot.logs import LogSettingError, configure_logging

    try:
        env = process_env()
        configure_logging(env)
        return _settings_for(mode)
    except (ConfigError, LogSettingError) as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return None


#: objects allocated between two young-generation collections (Python's default: 700)
GC_YOUNG_THRESHOLD = 20_000


def _freeze_startup_objects() -> None:
    """Keep what the start built (modules, the app, its listeners: most of the heap)
    out of the garbage collector's passes: every full collection under load would
    otherwise walk all of it again. And collect the young generation less often: each
    request allocates a few thousand short-lived objects, nearly all freed by their
    reference counts, so the default threshold ran a collection every few requests."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def _warm_later(stack: Stack) -> asyncio.Task[None]:
    """The date parser's warm-up, after the start, in quiet moments (bot.slack.warm)."""
    from bot.slack.deps import deps_of
    from bot.slack.warm import fallback_step, grammar_steps, warm_in_background

    gate = deps_of(stack.app).gate
    return asyncio.ensure_future(warm_in_background(gate, grammar_steps(), [fallback_step]))


def _run_until_stopped(main: Coroutine[Any, Any, None]) -> int:
    """Run the bot; a store that is down at start is one clear line, not a traceback."""
    from bot.store import StoreError

    try:
        asyncio.run(main)
    except KeyboardInterrupt:
        pass
    except StoreError as exc:
        print(f"state store error: {exc}", file=sys.stderr)
        return 1
    return 0


def serve_main(argv: list[str]) -> int:
    """`python -m bot [serve]`: HTTP on $PORT."""
    if argv and argv[0] in {"-h", "--help"}:
        print("usage: python -m bot [serve]\n\nServes Slack requests on $PORT at /slack/events.")
        return 0
    settings = _start("http")
    if settings is None:
        return 2

    async def main() -> None:
        stack = await build_stack(settings)
        _freeze_startup_objects()
        warming = _warm_later(stack)
        front = BotASGI(stack.app)
        deadline = Deadline()

        def on_signal() -> None:
            deadline.start()
            front.readiness.stopping = True

        config = http_config(
            front,
            host="0.0.0.0",
            port=settings.port,
            lifespan="off",
            log_config=None,  # bot.logs set up the handlers (LOG_LEVEL, LOG_FORMAT)
            log_level=None,
        )
        log.info("serving Slack requests on port %s at /slack/events", settings.port)
        try:
            await GracefulServer(config, on_signal=on_signal).serve()
        finally:
            warming.cancel()
            deadline.start()
            await stack.close(drain_seconds=deadline.left())
            log.info("stopped")

    return _run_until_stopped(main())


def socket_main(argv: list[str]) -> int:
    """`python -m bot socket`: Socket Mode with SLACK_APP_TOKEN."""
    settings = _start("socket")
    if settings is None:
        return 2

    async def main() -> None:
        warming: list[asyncio.Task[None]] = []

        def ready(stack: Stack) -> None:
            _freeze_startup_objects()
            warming.append(_warm_later(stack))

        try:
            await run_socket_mode(settings, on_ready=ready)
        finally:
            for task in warming:
                task.cancel()

    return _run_until_stopped(main())


async def run_socket_mode(
    settings: Settings,
    stop: asyncio.Event | None = None,
    *,
    on_ready: Callable[[Stack], None] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> None:
    """Socket Mode until `stop` is set (SIGTERM/SIGINT set it), then a graceful stop:
    new envelopes are left unacknowledged (Slack redelivers them), the ones in flight
    finish their ack, the work already acked finishes, the socket and pools close."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    stop = stop or asyncio.Event()
    install_stop_signals(stop)
    stack = await build_stack(settings, socket_mode=True, clock=clock)
    handler = AsyncSocketModeHandler(stack.app, settings.slack_app_token.value)
    gate = SocketGate()
    listeners = handler.client.socket_mode_request_listeners
    listeners[:] = [gate.wrap(listener) for listener in listeners]
    deadline = Deadline()
    try:
        await handler.connect_async()
        log.info("connected to Slack in Socket Mode")
        if on_ready is not None:
            on_ready(stack)
        await stop.wait()
        log.info("stopping: finishing the envelopes and work in flight")
    finally:
        deadline.start()
        gate.stopping = True
        await gate.wait_idle(min(REQUESTS_SECONDS, deadline.left()))
        try:
            await stack.close(drain_seconds=deadline.left())
        finally:
            await handler.close_async()
        log.info("stopped")


@dataclass
class BotServer:
    """A bot serving HTTP in a background thread (uvicorn in its own event loop)."""

    url: str
    port: int
    stack: Stack
    _server: uvicorn.Server
    _thread: threading.Thread
    _loop: asyncio.AbstractEventLoop
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    @property
    def front(self) -> BotASGI:
        """The ASGI app served (its `readiness`, its front-door settings)."""
        app = self._server.config.app
        assert isinstance(app, BotASGI)
        return app

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run a coroutine on the bot's loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until every task started after an ack has finished."""
        from bot.slack.deps import deps_of

        self.run(deps_of(self.stack.app).drain(timeout), timeout + 1)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        try:
            self.run(self.stack.close(), 15)
        except Exception:  # stopping goes on: the server and its thread must still end
            log.warning("bot stack did not close cleanly", exc_info=True)
        self._server.should_exit = True
        self._thread.join(10)

    def __enter__(self) -> BotServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_bot_server(
    settings: Settings,
    port: int = 0,
    *,
    clock: Callable[[], datetime] | None = None,
    fb_kwargs: dict[str, Any] | None = None,
    submit_inline_seconds: float | None = None,
) -> BotServer:
    """Build the whole bot and serve it on 127.0.0.1:`port` (0: any free port)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    async def boot() -> None:
        stack = await build_stack(settings, clock=clock, fb_kwargs=fb_kwargs)
        if submit_inline_seconds is not None:
            from bot.slack.deps import deps_of

            deps_of(stack.app).submit_inline_seconds = submit_inline_seconds
        holder["stack"] = stack
        config = uvicorn.Config(
            BotASGI(stack.app), lifespan="off", log_level="warning", access_log=False
        )
        server = uvicorn.Server(config)
        holder["server"] = server
        serve = asyncio.ensure_future(server.serve(sockets=[sock]))
        while not server.started and not serve.done():  # noqa: ASYNC110 (uvicorn has no event)
            await asyncio.sleep(0.005)
        ready.set()
        await serve

    def main() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(boot())
        except BaseException as exc:
            holder["error"] = exc
            ready.set()
        finally:
            sock.close()

    thread = threading.Thread(target=main, name=f"bot-server-{port}", daemon=True)
    thread.start()
    ready.wait(30)
    if "error" in holder:
        raise RuntimeError(f"the bot server did not start: {holder['error']}") from None
    return BotServer(
        url=f"http://127.0.0.1:{port}",
        port=port,
        stack=holder["stack"],
        _server=holder["server"],
        _thread=thread,
        _loop=loop,
    )


@dataclass
class SocketBot:
    """A bot in Socket Mode in a background thread (tests: the stand-in's gateway)."""

    stack: Stack
    _thread: threading.Thread
    _loop: asyncio.AbstractEventLoop
    _stop: asyncio.Event

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def wait_idle(self, timeout: float = 30.0) -> None:
        from bot.slack.deps import deps_of

        self.run(deps_of(self.stack.app).drain(timeout), timeout + 1)

    def stop(self, timeout: float = 20.0) -> None:
        """The graceful stop SIGTERM starts in `python -m bot socket`."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(timeout)

    def __enter__(self) -> SocketBot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_socket_bot(
    settings: Settings, *, clock: Callable[[], datetime] | None = None
) -> SocketBot:
    """Build the whole bot and connect it in Socket Mode (settings.slack_app_token)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    def on_ready(stack: Stack) -> None:
        holder["stack"] = stack
        ready.set()

    def main() -> None:
        asyncio.set_event_loop(loop)
        stop = asyncio.Event()
        holder["stop"] = stop
        try:
            loop.run_until_complete(run_socket_mode(settings, stop, on_ready=on_ready, clock=clock))
        except BaseException as exc:
            holder["error"] = exc
            ready.set()

    thread = threading.Thread(target=main, name="bot-socket-mode", daemon=True)
    thread.start()
    ready.wait(30)
    if "stack" not in holder:
        raise RuntimeError(f"the Socket Mode bot did not connect: {holder.get('error')}")
    return SocketBot(holder["stack"], thread, loop, holder["stop"])
