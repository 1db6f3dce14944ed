"""Taking turns on the event loop: follow-up work goes one task per loop pass, acks first.

When a shared load (the event list, a day's free times) completes, every request that
waited for it becomes ready in the same pass of the event loop, and asyncio runs all of
them before it looks at the network again: hundreds of modals built and sent in one go
hold up the acks of requests that arrived meanwhile. `Turns.wait()` queues the caller
and lets one waiter go per pass, and only while no Slack request is waiting for its ack
(`busy()` false), so between two of them the loop reads new requests and answers them.
A waiter never waits longer than `max_wait` for a quiet moment: under a steady stream
of requests (never quiet) the queue still moves, one per pass."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

#: the longest a waiter waits for a moment with no request waiting for its ack
MAX_WAIT = 0.5


def _never() -> bool:
    return False


class Turns:
    """A FIFO of waiters released one per event-loop pass, while not `busy()`."""

    def __init__(self, busy: Callable[[], bool] = _never, max_wait: float = MAX_WAIT) -> None:
        self.busy = busy
        self.max_wait = max_wait
        self._queue: deque[tuple[float, asyncio.Future[None]]] = deque()
        self._scheduled = False
        self._timer: asyncio.TimerHandle | None = None

    def __len__(self) -> int:
        return len(self._queue)

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.append((loop.time(), future))
        self.kick()
        await future

    def kick(self) -> None:
        """Look at the queue on the next pass (the AckGate calls this when it is idle)."""
        if self._queue and not self._scheduled:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop any more (shutting down): nobody to wake
                return
            self._scheduled = True
            loop.call_soon(self._release)

    def _release(self) -> None:
        self._scheduled = False
        while self._queue and self._queue[0][1].done():  # cancelled: gives its turn away
            self._queue.popleft()
        if not self._queue:
            return
        loop = asyncio.get_running_loop()
        since, future = self._queue[0]
        if self.busy() and loop.time() - since < self.max_wait:
            if self._timer is None:  # woken by kick() when idle, or at the oldest's limit
                self._timer = loop.call_at(since + self.max_wait, self._on_timer)
            return
        self._queue.popleft()
        future.set_result(None)
        self.kick()

    def _on_timer(self) -> None:
        self._timer = None
        self.kick()
