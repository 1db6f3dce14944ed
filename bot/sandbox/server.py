"""`Sandbox`: the FluentBooking stand-in, served from a background thread.

The server runs on its own asyncio event loop in a daemon thread, so a test or the demo
can start it from synchronous or asynchronous code alike; `start_sandbox` returns once
the socket is listening and `stop()` shuts the server down and closes the database.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import tempfile
import threading
from datetime import datetime
from types import TracebackType
from typing import Literal

from aiohttp import web

from bot.sandbox.api import SiteApi
from bot.sandbox.app import Clock, RequestRecord, SandboxApp
from bot.sandbox.faults import Faults, FaultState
from bot.sandbox.lifecycle import SentEmail, read_emails
from bot.sandbox.seed import DEMO_APP_PASSWORD, DEMO_USERNAME
from bot.sandbox.store import SandboxStore

log = logging.getLogger(__name__)

IntegrationsMode = Literal["pro", "free"]


class Sandbox:
    """A running (or ready to run) sandbox site. Use `start_sandbox()` to get one."""

    def __init__(
        self,
        db_path: str | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        now: datetime | None = None,
        integrations: IntegrationsMode = "pro",
        slots_route: bool = False,
        sample_bookings: bool = False,
        team: bool = False,
    ) -> None:
        if integrations not in ("pro", "free"):
            raise ValueError("integrations must be 'pro' or 'free'")
        self.host = host
        self.port = port
        self.username = DEMO_USERNAME
        self.app_password = DEMO_APP_PASSWORD
        self.integrations = integrations
        self.slots_route = slots_route
        self.sample_bookings = sample_bookings
        self.team = team
        self._db_path = db_path
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self._clock = Clock(now)
        self._faults = FaultState()
        self._app: SandboxApp | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def __repr__(self) -> str:  # never shows the password
        return f"Sandbox(url={self.url!r}, integrations={self.integrations!r})"

    @property
    def url(self) -> str:
        """The site root; the API is at {url}/wp-json/fluent-booking/v2."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/wp-json/fluent-booking/v2"

    @property
    def db_path(self) -> str:
        if self._db_path is None:
            raise RuntimeError("the sandbox has not started")
        return self._db_path

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._thread is not None:
            raise RuntimeError("the sandbox is already started")
        if self._db_path is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="fb-sandbox-")
            self._db_path = os.path.join(self._tmpdir.name, "sandbox.sqlite3")
        self._thread = threading.Thread(target=self._run, name="fluentbooking-sandbox", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._thread.join()
            self._thread = None
            raise RuntimeError(f"the sandbox could not start: {self._error}") from self._error
        log.info("FluentBooking sandbox listening on %s", self.url)
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        store: SandboxStore | None = None
        runner: web.AppRunner | None = None
        try:
            store = SandboxStore(self.db_path, self.integrations, team=self.team)
            if self.sample_bookings:
                store.add_sample_bookings(self._clock.now())
            api = SiteApi(store, integrations=self.integrations, slots_route=self.slots_route)
            self._app = SandboxApp(api, self._faults, self._clock)
            runner = web.AppRunner(self._app.build(), access_log=None, shutdown_timeout=2.0)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, self.host, self.port)
            loop.run_until_complete(site.start())
            self.port = runner.addresses[0][1]
        except BaseException as exc:
            self._error = exc
            if runner is not None:
                loop.run_until_complete(runner.cleanup())
            if store is not None:
                store.close()
            loop.close()
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            store.close()
            loop.close()

    def stop(self) -> None:
        """Stop serving, close the database, remove the temporary one. Idempotent."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        if self._app is not None:
            self._app.stopping = True
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=15)
        self._thread = None
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None
            self._db_path = None

    def __enter__(self) -> Sandbox:
        return self if self._thread is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- test controls --------------------------------------------------------------

    def set_faults(
        self,
        latency: float = 0.0,
        status: int | None = None,
        html: bool = False,
        hang: bool = False,
        retry_after: int | None = None,
        count: int | None = None,
        path: str | None = None,
        no_store: bool = False,
        *,
        after: bool = False,
        drop: bool = False,
        race: float = 0.0,
    ) -> None:
        """Misbehave on the next `count` API requests (all when None) whose path contains
        `path`; see `Faults`. Replaces any faults set before."""
        self._faults.set(
            Faults(
                latency,
                status,
                html,
                hang,
                retry_after,
                count,
                path,
                no_store,
                after=after,
                drop=drop,
                race=race,
            )
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def faults(self) -> Faults:
        return self._faults.current

    def set_now(self, now: datetime | None) -> None:
        """Fix the site's clock (naive means UTC); None returns to the real time."""
        self._clock.set(now)

    def now(self) -> datetime:
        return self._clock.now()

    @property
    def requests(self) -> list[RequestRecord]:
        """API requests received (method, path with query), oldest first."""
        return list(self._app.requests) if self._app else []

    @property
    def request_count(self) -> int:
        return len(self._app.requests) if self._app else 0

    @property
    def emails(self) -> list[SentEmail]:
        """What the site would have emailed (cancel reasons, reschedule notices...), oldest
        first; read through a connection of its own (the server's belongs to its thread)."""
        if self._db_path is None:
            return []
        conn = sqlite3.connect(self._db_path)
        try:
            return read_emails(conn)
        finally:
            conn.close()

    def emails_to(self, address: str) -> list[SentEmail]:
        return [e for e in self.emails if e.to.lower() == address.lower()]

    def clear_requests(self) -> None:
        if self._app is not None:
            self._app.requests.clear()


def start_sandbox(
    db_path: str | None = None,
    port: int = 0,
    now: datetime | None = None,
    *,
    host: str = "127.0.0.1",
    integrations: IntegrationsMode = "pro",
    slots_route: bool = False,
    sample_bookings: bool = False,
    team: bool = False,
) -> Sandbox:
    """Start a sandbox in a background thread; returns once it is listening.
    `sample_bookings` adds a few bookings around today (off by default: they take slots);
    `team` adds the team hosts of `bot.sandbox.users` (New York and Berlin)."""
    sandbox = Sandbox(
        db_path,
        host=host,
        port=port,
        now=now,
        integrations=integrations,
        slots_route=slots_route,
        sample_bookings=sample_bookings,
        team=team,
    )
    return sandbox.start()
