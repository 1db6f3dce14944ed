"""Deliver what a booking owes its people (a DM, a channel post) once, even through faults.

Items are queued in the store together with the booking's result (`Store.complete(...,
outbox=...)`), so a booking the site made is never left without its messages: the
process that booked delivers at once (`deliver_now`); if that fails (Slack down, process
killed) any process's `run_due` delivers it later, with backoff. A leased item is handed
to one caller at a time and marked delivered right after, so nothing is sent twice.

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
        poll_seconds: float = 15.0,
        lease_seconds: float = 60.0,
    ) -> None:
        self.store = store
        self.deliver = deliver
        self.retry_delays = retry_delays
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self._unsaved: dict[str, _Unsaved] = {}
        self._task: asyncio.Task[None] | None = None

    # -- delivering ----------------------------------------------------------------

    async def deliver_now(self, item_id: str, payload: dict[str, Any]) -> bool:
        """Deliver a queued item at once; False when it was delivered (or is being
        delivered) elsewhere, or failed and waits for a retry."""
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
            return bool(await self.deliver(item_id, payload))
        except Exception:
            log.exception("%s: delivery failed; will try again", item_id)
            return False

    # -- the background loop -------------------------------------------------------

    def start(self) -> None:
        """Run `run_due` every `poll_seconds` until `stop()`."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="outbox")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.run_due()
            except Exception:  # the loop must outlive any one failure
                log.exception("outbox: a delivery round failed")
