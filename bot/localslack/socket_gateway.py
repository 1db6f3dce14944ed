"""The stand-in's Socket Mode gateway: the WebSocket `apps.connections.open` hands out.

As Slack does: a client connects to `/link/?ticket=…` (one ticket, one connection),
receives `{"type": "hello", ...}`, then envelopes `{"envelope_id", "type":
"slash_commands" | "interactive" | "events_api", "payload", "accepts_response_payload",
"retry_attempt", "retry_reason"}`; it acknowledges each with `{"envelope_id",
"payload"?}` within 3 s. `refresh()` sends `{"type": "disconnect", "reason":
"refresh_requested"}` (the client opens a new connection, then the old one closes);
`drop()` closes the sockets without a word (the client must notice and reconnect).

`deliver()` is called from any thread: it sends one envelope to a connected client
and waits for its ack (the ack's payload, or `{}`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

ACK_SECONDS = 3.0


class NoSocketClient(RuntimeError):
    """No client is connected to the gateway (the bot is not in Socket Mode, or gone)."""


class SocketAckTimeout(TimeoutError):
    """The client did not acknowledge an envelope in time (Slack would retry it)."""


class SocketGateway:
    def __init__(self, app_id: str) -> None:
        self.app_id = app_id
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's loop
        self._sockets: list[web.WebSocketResponse] = []
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tickets: set[str] = set()
        self._lock = threading.Lock()
        self.connections_opened = 0
        self.acks: list[dict[str, Any]] = []

    # -- tickets (apps.connections.open) ------------------------------------------------

    def new_ticket(self) -> str:
        ticket = secrets.token_hex(8)
        with self._lock:
            self._tickets.add(ticket)
        return ticket

    def _use_ticket(self, ticket: str) -> bool:
        with self._lock:
            if ticket in self._tickets:
                self._tickets.discard(ticket)
                return True
            return False

    # -- the WebSocket route ------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if not self._use_ticket(request.query.get("ticket", "")):
            return web.json_response({"ok": False, "error": "invalid_ticket"}, status=401)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.loop = asyncio.get_running_loop()
        self._sockets.append(ws)
        self.connections_opened += 1
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "debug_info": {"host": "localslack", "approximate_connection_time": 3600},
                "connection_info": {"app_id": self.app_id},
            }
        )
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                self._on_text(message.data)
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
        return ws

    def _on_text(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            log.warning("socket client sent something that is not JSON")
            return
        envelope_id = data.get("envelope_id") if isinstance(data, dict) else None
        future = self._pending.pop(str(envelope_id), None) if envelope_id else None
        if future is None:
            return
        self.acks.append(data)
        if not future.done():
            payload = data.get("payload")
            future.set_result(payload if isinstance(payload, dict) else {})

    # -- what tests call (any thread) ---------------------------------------------------

    @property
    def connected(self) -> int:
        return sum(1 for ws in self._sockets if not ws.closed)

    async def _deliver(self, kind: str, payload: dict[str, Any], wait: float) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while not (sockets := [ws for ws in self._sockets if not ws.closed]):
            if loop.time() > deadline:  # a client reconnecting gets the same 3 s
                raise NoSocketClient("no Socket Mode client is connected")
            await asyncio.sleep(0.01)
        envelope_id = secrets.token_hex(12)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[envelope_id] = future
        await sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        try:
            return await asyncio.wait_for(future, wait)
        except TimeoutError:
            raise SocketAckTimeout(f"envelope {envelope_id} ({kind}) was not acked") from None
        finally:
            self._pending.pop(envelope_id, None)

    def deliver_future(
        self, kind: str, payload: dict[str, Any], timeout: float = ACK_SECONDS
    ) -> Any:
        """A concurrent.futures.Future of the ack's payload."""
        if self.loop is None:
            raise NoSocketClient("no Socket Mode client has connected yet")
        return asyncio.run_coroutine_threadsafe(self._deliver(kind, payload, timeout), self.loop)

    def deliver(self, kind: str, payload: dict[str, Any], timeout: float = ACK_SECONDS) -> Any:
        """Send one envelope and wait (blocking) for its ack payload."""
        return self.deliver_future(kind, payload, timeout).result(timeout + 1)

    def _each(self, action: Any) -> None:
        if self.loop is None:
            return

        async def run() -> None:
            for ws in list(self._sockets):
                await action(ws)

        asyncio.run_coroutine_threadsafe(run(), self.loop).result(5)

    def refresh(self, reason: str = "refresh_requested") -> None:
        """Ask every client to reconnect, as Slack does every few hours."""

        async def disconnect(ws: web.WebSocketResponse) -> None:
            await ws.send_json(
                {"type": "disconnect", "reason": reason, "debug_info": {"host": "localslack"}}
            )

        self._each(disconnect)

    def drop(self) -> None:
        """Close every connection at once (a network cut, a gateway restart)."""

        async def close(ws: web.WebSocketResponse) -> None:
            await ws.close()

        self._each(close)
