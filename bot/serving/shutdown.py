"""Graceful shutdown on SIGTERM (every platform's "stop") and SIGINT, both modes.

The order: stop taking new requests (uvicorn closes its listening socket; in Socket
Mode new envelopes are left unacknowledged, so Slack delivers them again to a process
that is staying), let the requests in flight finish their ack, finish the work already
acked (the /slots answer, the DM after a booking) within `SHUTDOWN_SECONDS`, close the
pools, exit 0. uvicorn alone re-raises the signal once it has stopped, which killed the
process before that work ran; `GracefulServer` does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import Any

import uvicorn

from bot.logs import new_request_id, request_id

log = logging.getLogger("bot")

#: seconds from the signal to exit for everything already acked (platforms wait 10–30 s
#: before they kill)
SHUTDOWN_SECONDS = 10.0
#: of those, how long requests in flight may take to be answered (Slack wants 3 s)
REQUESTS_SECONDS = 3.0


class Deadline:
    def __init__(self, seconds: float = SHUTDOWN_SECONDS) -> None:
        self.seconds = seconds
        self.started: float | None = None

    def start(self) -> None:
        if self.started is None:
            self.started = time.monotonic()

    def left(self, at_least: float = 0.5) -> float:
        if self.started is None:
            return self.seconds
        return max(at_least, self.seconds - (time.monotonic() - self.started))


class GracefulServer(uvicorn.Server):
    """uvicorn.Server that stops gracefully on SIGTERM/SIGINT and then returns normally
    (the signal is not re-raised). `on_signal` runs first (e.g. /readyz turns 503)."""

    def __init__(self, config: uvicorn.Config, on_signal: Callable[[], None] | None = None):
        super().__init__(config)
        self.on_signal = on_signal

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True  # a second Ctrl-C: stop waiting
            return
        if not self.should_exit:
            log.info("signal %s: finishing the requests and work in flight", sig)
            if self.on_signal is not None:
                self.on_signal()
        self.should_exit = True


def http_config(app: Any, **kwargs: Any) -> uvicorn.Config:
    """The uvicorn settings the bot serves with (graceful timeout within the bound)."""
    return uvicorn.Config(app, timeout_graceful_shutdown=int(REQUESTS_SECONDS), **kwargs)


class SocketGate:
    """Wraps Socket Mode request listeners: counts envelopes in flight, gives each a
    request id for its log lines, and once stopping, leaves new ones unacknowledged
    (Slack sends them again elsewhere)."""

    def __init__(self) -> None:
        self.stopping = False
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def wrap(
        self, listener: Callable[[Any, Any], Awaitable[None]]
    ) -> Callable[[Any, Any], Awaitable[None]]:
        async def gated(client: Any, request: Any) -> None:
            if self.stopping:
                return
            self.in_flight += 1
            self._idle.clear()
            token = request_id.set(new_request_id())  # as the HTTP front door does
            try:
                await listener(client, request)
            finally:
                request_id.reset(token)
                self.in_flight -= 1
                if self.in_flight == 0:
                    self._idle.set()

        return gated

    async def wait_idle(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
            return True
        except TimeoutError:
            return False


def install_stop_signals(stop: asyncio.Event) -> None:
    """SIGTERM and SIGINT set `stop` (on the running loop, main thread only)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)  # fails off the main thread: fine
