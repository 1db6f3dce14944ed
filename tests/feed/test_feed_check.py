"""`check` shows the watcher: on or off, its last successful look, its lag, who watches."""

from __future__ import annotations

import time
from pathlib import Path

from bot.check import check_watcher
from bot.config import Settings
from bot.feed.state import FeedState, Position
from bot.store import open_store


def settings_for(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}", **env})


async def test_off_and_not_yet_looked(tmp_path: Path) -> None:
    (off,) = await check_watcher(settings_for(tmp_path, BOOKING_POLL_SECONDS="0"))
    assert off.ok and "off (BOOKING_POLL_SECONDS=0)" in off.detail
    (fresh,) = await check_watcher(settings_for(tmp_path, BOOKING_REMINDER_MINUTES="60,10"))
    assert fresh.ok and "every 60 s" in fresh.detail and "reminders 60, 10 min" in fresh.detail
    assert "has not looked at the site yet" in fresh.detail


async def test_a_watching_process_and_a_stale_one(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    store = await open_store(settings.database_url)
    try:
        state = FeedState(store)
        now = time.time()
        await state.save_position(Position(last_look=now - 25))
        await state.take_lease("web-1:4242:abc123", 90)
        (ok,) = await check_watcher(settings, now=now)
        assert ok.ok, ok.detail
        assert "last successful look 25 s ago" in ok.detail
        assert "watched by web-1:4242:abc123" in ok.detail
        await state.release_lease("web-1:4242:abc123")
        await state.save_position(Position(last_look=now - 1800))
        await state.save_health(last_error="server: 503", failing_since=now - 1800)
        (stale,) = await check_watcher(settings, now=now)
        assert not stale.ok
        assert "30 min ago" in stale.detail and "no process holds the watcher lease" in stale.detail
        assert "server: 503" in stale.detail and "is the bot running?" in stale.detail
    finally:
        await store.close()
