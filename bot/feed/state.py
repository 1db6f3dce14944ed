"""The watcher's state in the shared store, so it survives restarts and is shared by
every process: the position, what each booking looked like, the reminder agenda, the
watcher's health (for `check`), the lease, and the told-once records.

Namespaces (kv settings): `feed` (`position`, `status`, `agenda`) and `feed_booking`
(one record per booking: its `Seen` state and what the teller posted for it). Told-once
records are idempotency keys (`feed:...`, see `Change.key`), claimed before telling and
completed after, so two processes (or a poll and a webhook) never tell one change twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.feed.changes import Seen
from bot.store import Lease, Store

NAMESPACE = "feed"
BOOKINGS = "feed_booking"
LEASE = "feed.watcher"
TOLD_TTL_SECONDS = 180 * 86400  # long enough for any catch-up; old keys are purged
RECENT_IDS = 200  # booking ids remembered near the newest creation second


@dataclass
class Position:
    """Where the watcher stands on the site.

    `floor`: the newest `created_at` seen (UTC text, one-second resolution); `ids`: the
    booking ids seen whose `created_at` is near it (rows share seconds and the site has no
    tie-breaker, so a row is new when its id is not here and it is not older than the
    window). `activity_id`: the newest activity-log row handled.
    """

    floor: str | None = None
    ids: list[int] = field(default_factory=list)
    activity_id: int = 0
    last_look: float | None = None  # epoch of the last successful look

    def to_json(self) -> dict[str, Any]:
        return {
            "floor": self.floor,
            "ids": self.ids[-RECENT_IDS:],
            "activity_id": self.activity_id,
            "last_look": self.last_look,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Position:
        return cls(
            floor=data.get("floor"),
            ids=[int(i) for i in data.get("ids", [])],
            activity_id=int(data.get("activity_id") or 0),
            last_look=data.get("last_look"),
        )


@dataclass(frozen=True)
class Record:
    seen: Seen
    posts: dict[str, Any]  # the teller's own notes (e.g. the channel message's ts)


@dataclass(frozen=True)
class WatcherStatus:
    """What `check` shows."""

    enabled: bool
    interval: int
    last_look: float | None  # epoch of the last successful look, any process
    last_error: str | None
    failing_since: float | None
    holder: str | None
    lease_expires: float | None


class FeedState:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- position and health ---------------------------------------------------------

    async def position(self) -> Position | None:
        data = await self.store.get_value(NAMESPACE, "position")
        return None if data is None else Position.from_json(data)

    async def save_position(self, position: Position) -> None:
        await self.store.set_value(NAMESPACE, "position", position.to_json())

    async def save_health(self, *, last_error: str | None, failing_since: float | None) -> None:
        await self.store.set_value(
            NAMESPACE, "health", {"last_error": last_error, "failing_since": failing_since}
        )

    async def status(self, *, enabled: bool, interval: int) -> WatcherStatus:
        position = await self.position()
        health = await self.store.get_value(NAMESPACE, "health") or {}
        lease: Lease | None = await self.store.read_lease(LEASE)
        return WatcherStatus(
            enabled=enabled,
            interval=interval,
            last_look=position.last_look if position else None,
            last_error=health.get("last_error"),
            failing_since=health.get("failing_since"),
            holder=lease.holder if lease else None,
            lease_expires=lease.expires_at if lease else None,
        )

    # -- the lease ---------------------------------------------------------------------

    async def take_lease(self, holder: str, ttl_seconds: float) -> Lease:
        return await self.store.take_lease(LEASE, holder, ttl_seconds)

    async def release_lease(self, holder: str) -> None:
        await self.store.release_lease(LEASE, holder)

    # -- bookings ----------------------------------------------------------------------

    async def record(self, booking_id: int) -> Record | None:
        data = await self.store.get_value(BOOKINGS, str(booking_id))
        if data is None or "seen" not in data:
            return None
        return Record(Seen.from_json(data["seen"]), dict(data.get("posts") or {}))

    async def save_record(self, seen: Seen, posts: dict[str, Any] | None = None) -> None:
        """Remember `seen`; `posts` None keeps what the teller noted before."""
        if posts is None:
            old = await self.store.get_value(BOOKINGS, str(seen.booking_id))
            posts = dict((old or {}).get("posts") or {})
        await self.store.set_value(
            BOOKINGS, str(seen.booking_id), {"seen": seen.to_json(), "posts": posts}
        )
        await self._update_agenda(seen)

    # -- the reminder agenda -----------------------------------------------------------

    async def agenda(self) -> dict[int, int]:
        """booking id -> start (epoch) of the scheduled meetings still ahead."""
        data = await self.store.get_value(NAMESPACE, "agenda") or {}
        return {int(k): int(v) for k, v in data.get("starts", {}).items()}

    async def _update_agenda(self, seen: Seen) -> None:
        starts = await self.agenda()
        wanted = seen.status == "scheduled"
        if wanted and starts.get(seen.booking_id) == seen.start_epoch:
            return
        if not wanted and seen.booking_id not in starts:
            return
        if wanted:
            starts[seen.booking_id] = seen.start_epoch
        else:
            starts.pop(seen.booking_id, None)
        await self._save_agenda(starts)

    async def drop_past(self, now: datetime) -> None:
        starts = await self.agenda()
        kept = {k: v for k, v in starts.items() if v > now.timestamp()}
        if len(kept) != len(starts):
            await self._save_agenda(kept)

    async def _save_agenda(self, starts: dict[int, int]) -> None:
        await self.store.set_value(
            NAMESPACE, "agenda", {"starts": {str(k): v for k, v in starts.items()}}
        )

    # -- told once ---------------------------------------------------------------------

    async def begin_telling(self, key: str) -> bool:
        """True when this caller must tell `key` now (then `told` or `not_told`); False
        when it was told already or is being told by another process right now."""
        claim = await self.store.claim(key, ttl_seconds=TOLD_TTL_SECONDS, wait_seconds=0)
        return claim.owner

    async def told(self, key: str, note: dict[str, Any] | None = None) -> None:
        await self.store.complete(key, note or {"told": True})

    async def not_told(self, key: str) -> None:
        await self.store.release(key)

    # -- bookings made from Slack ------------------------------------------------------

    async def made_in_slack(self, booking_id: int) -> dict[str, Any] | None:
        """The booking service's `booking_origin` record (SHARED-INTERFACES.md)."""
        return await self.store.get_value("booking_origin", str(booking_id))
