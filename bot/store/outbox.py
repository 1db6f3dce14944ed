"""Deliver what a booking owes its people (a DM, a channel post) once, even through faults.

Items are queued in the store together with the booking's result (`Store.complete(...,
outbox=...)`), so a booking the site made is never left without its messages: the
process that booked delivers at once (`deliver_now`); if that fails (Slack down, process
killed) any process's `run_due` delivers it later, with backoff: each bot process runs
it in the background (`start`: at once, then every few seconds; `stop` on shutdown). A
leased item is handed to one caller at a time and marked delivered right after, so
nothing is sent twice.

When the store itself fails right after the site booked, the item cannot be queued:
`deliver_unsaved` delivers it from this process's memory and records it in the store
once the store answers again (until then only this process knows of it, so no other
process can send it too).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.store.base import OutboxItem, Store, StoreError

log = logging.getLogger("bot.store.outbox")

#: (item id, payload) -> True when delivered; False or an exception: try again later
Deliver = Callable[[str, dict[str, Any]], Awaitable[bool]]

RETRY_DELAYS = (5.0, 30.0, 120.0, 600.0)
MAX_ATTEMPTS = 12
#: other processes leave a freshly queued item alone this long: the booking process
#: delivers it itself at once, the others only step in when it did not
GRACE_SECONDS = 30.0
#: the background loop looks for due items this often (one indexed query when none are
#: due); after a round in trouble it waits twice as long each time, up to the maximum
POLL_SECONDS = 5.0
MAX_POLL_SECONDS = 120.0


@dataclass
class _Unsaved:
    payload: dict[str, Any]
    delivered: bool = False


class Outbox:
    def __init__(
        self,
        store: Store,
        deliver: Deliver,
        *,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        max_attempts: int = MAX_ATTEMPTS,
        poll_seconds: float = POLL_SECONDS,
        max_poll_seconds: float = MAX_POLL_SECONDS,
        lease_seconds: float = 60.0,
    ) -> None:
        self.store = store
        self.deliver = deliver
        self.retry_delays = retry_delays
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.max_poll_seconds = max(poll_seconds, max_poll_seconds)
        self.lease_seconds = lease_seconds
        self._unsaved: dict[str, _Unsaved] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._trouble = False  # the current round met a failure (see `_round`)

    # -- delivering ----------------------------------------------------------------

    async def deliver_now(self, item_id: str, payload: dict[str, Any]) -> bool:
        """Deliver a queued item at once; False when it was delivered (or is being
        delivered) elsewhere, or failed and waits for a retry."""
        if item_id in self._unsaved:  # delivered while the store was down: record that
            was = self._unsaved[item_id].delivered
            return await self.deliver_unsaved(item_id, payload) and not was
        try:
            item = await self.store.outbox_take(item_id, self.lease_seconds)
        except StoreError as exc:
            log.warning("%s: the store did not answer (%s); delivering from memory", item_id, exc)
            return await self.deliver_unsaved(item_id, payload)
        if item is None:
            return False
        return await self._attempt(item)

    async def deliver_unsaved(self, item_id: str, payload: dict[str, Any]) -> bool:
        """Deliver an item the store could not queue, and record it there later."""
        entry = self._unsaved.setdefault(item_id, _Unsaved(payload))
        if not entry.delivered:
            entry.delivered = await self._call(item_id, payload)
        await self._flush_one(item_id, entry)
        return entry.delivered

    async def run_due(self) -> int:
        """Deliver what is due (and record what memory holds); returns how many went."""
        sent = 0
        for item_id, entry in list(self._unsaved.items()):
            was = entry.delivered
            if not entry.delivered:
                await self.deliver_unsaved(item_id, entry.payload)
            else:
                await self._flush_one(item_id, entry)
            sent += int(entry.delivered and not was)
        try:
            items = await self.store.outbox_due(lease_seconds=self.lease_seconds)
        except StoreError as exc:
            log.warning("outbox: the store did not answer (%s); will try again", exc)
            self._trouble = True
            return sent
        for item in items:
            sent += int(await self._attempt(item))
        return sent

    @property
    def unsaved(self) -> int:
        """Items only this process's memory holds (the store was down)."""
        return len(self._unsaved)

    async def _flush_one(self, item_id: str, entry: _Unsaved) -> None:
        """Put a memory-held item into the store: delivered, or queued for delivery."""
        try:
            await self.store.outbox_add(item_id, entry.payload, sent=entry.delivered)
        except StoreError:
            return  # still down: keep it in memory
        self._unsaved.pop(item_id, None)

    async def _attempt(self, item: OutboxItem) -> bool:
        ok = await self._call(item.item_id, item.payload)
        try:
            if ok:
                await self.store.outbox_done(item.item_id)
            elif item.attempts >= self.max_attempts:
                log.error(
                    "%s: not delivered after %d attempts; giving up", item.item_id, item.attempts
                )
                await self.store.outbox_done(item.item_id)
            else:
                delay = self.retry_delays[min(item.attempts, len(self.retry_delays)) - 1]
                await self.store.outbox_retry(item.item_id, delay)
        except StoreError as exc:
            # delivered but not recorded: memory records it as soon as the store answers,
            # well before its lease runs out and another process could try it again
            log.warning("%s: delivery not recorded (%s)", item.item_id, exc)
            if ok:
                self._unsaved[item.item_id] = _Unsaved(item.payload, delivered=True)
        return ok

    async def _call(self, item_id: str, payload: dict[str, Any]) -> bool:
        try:
            ok = bool(await self.deliver(item_id, payload))
        except Exception:
            log.exception("%s: delivery failed; will try again", item_id)
            ok = False
        self._trouble = self._trouble or not ok
        return ok

    # -- the background loop -------------------------------------------------------

    def start(self) -> None:
        """Deliver what is due now (what a stopped or failed process left), then every
        `poll_seconds`; after a round in trouble (the store down, a delivery failed) the
        pause doubles up to `max_poll_seconds`, and is back to `poll_seconds` after a
        clean round. Runs until `stop()`."""
        if self._task is None or self._task.done():
            self._stopping = asyncio.Event()
            self._task = asyncio.create_task(self._loop(), name="outbox")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self, grace: float = 5.0) -> None:
        """Stop the loop: a round in progress finishes (at most `grace` seconds), so a
        message posted is also recorded as delivered and no process sends it again."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), grace)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            log.warning("outbox: a delivery round was cut short by the shutdown")

    async def _loop(self) -> None:
        pause = self.poll_seconds
        while not self._stopping.is_set():
            troubled = True
            try:
                troubled = await self._round()
            except Exception:  # the loop must outlive any one failure
                log.exception("outbox: a delivery round failed")
            pause = self.next_pause(pause, troubled)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), pause)

    def next_pause(self, pause: float, troubled: bool) -> float:
        """The wait before the next round: doubled after a round in trouble (at most
        `max_poll_seconds`), back to `poll_seconds` after a clean one."""
        return min(pause * 2, self.max_poll_seconds) if troubled else self.poll_seconds

    async def _round(self) -> bool:
        """One `run_due`; True when it was in trouble (store down or a delivery failed)."""
        self._trouble = False
        sent = await self.run_due()
        if sent:
            log.info("outbox: delivered %d waiting item(s)", sent)
        return self._trouble or bool(self._unsaved)
