"""What watching costs the site: requests per look, steady and after a downtime.

    python -m bench.feed_bench [--quick]

Runs the real watcher (`bot.feed`) with the real client against the sandbox site over
loopback HTTP, on a real SQLite store, with a teller that only counts. The site's
clock is moved by hand, one interval per look. Scenarios:

- first start (the baseline: reads the upcoming bookings once);
- steady, quiet: nothing happens between looks;
- steady, busy: one website booking and one attendee reschedule per interval;
- after a downtime: the bot was away while 30 bookings were made and 5 cancelled.

For each it records the site requests per look (what `BOOKING_POLL_SECONDS` costs the
site), how many of them read a single booking by id, whether any read returned a
booking that ended over an hour ago (the 2.0.0 read side effect), and what was told.
Prints a Markdown table (bench/FEED_RESULTS.md keeps the last one).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.feed import Change, FeedState, Reminder, Summary, Watcher, WatcherOptions
from bot.feed.site import ClientSiteReader
from bot.fluentbooking import FluentBookingClient
from bot.sandbox import start_sandbox
from bot.store import open_store

MONDAY = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
INTERVAL = 60
AJAX = "/wp-admin/admin-ajax.php"


class CountingTeller:
    def __init__(self) -> None:
        self.told = 0
        self.summaries: list[int] = []

    async def tell(self, change: Change, posts: dict[str, Any]) -> dict[str, Any]:
        self.told += 1
        return posts

    async def summarise(self, summary: Summary) -> None:
        self.summaries.append(summary.total)

    async def remind(self, reminder: Reminder) -> None:
        return None


async def _no_sleep(_: float) -> None:
    return None


def _ajax(http: httpx.Client, url: str, form: dict[str, str]) -> dict[str, Any]:
    response = http.post(url + AJAX, data=form)
    response.raise_for_status()
    return dict(response.json())


def _slots(day: int) -> list[str]:
    return [f"2025-01-{day:02d} {h:02d}:{m:02d}:00" for h in range(9, 17) for m in (0, 30)]


async def run(looks: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, httpx.Client(timeout=10) as http:
        sandbox = start_sandbox(db_path=str(Path(tmp) / "site.sqlite3"), now=MONDAY)
        store = await open_store(f"sqlite:///{Path(tmp) / 'bot.sqlite3'}")
        client = FluentBookingClient(
            sandbox.url, sandbox.username, sandbox.app_password, clock=sandbox.now,
            sleep=_no_sleep,
        )  # fmt: skip
        teller = CountingTeller()
        watcher = Watcher(
            FeedState(store), ClientSiteReader(client), teller,
            WatcherOptions(interval=INTERVAL, slack_grace=0), clock=sandbox.now,
            monotonic=lambda: sandbox.now().timestamp(),
        )  # fmt: skip
        free = iter([s for day in range(7, 31) if day not in (11, 12, 18, 19, 25, 26)
                     for s in _slots(day)])  # fmt: skip
        hashes: list[str] = []

        def book() -> None:
            answer = _ajax(http, sandbox.url, {
                "action": "fluent_cal_schedule_meeting", "event_id": "1",
                "start_date": next(free), "timezone": "America/New_York",
                "name": "Web Visitor", "email": "visitor@example.org",
                "location_description": "+1 555 0199",
            })  # fmt: skip
            hashes.append(str(answer["booking_hash"]))

        def tick() -> None:
            sandbox.set_now(sandbox.now() + timedelta(seconds=INTERVAL))

        async def measure(name: str, count: int, between: Any = None) -> None:
            per_look: list[int] = []
            by_id = 0
            told_before = teller.told
            summaries_before = len(teller.summaries)
            for _ in range(count):
                if between:
                    between()
                sandbox.clear_requests()
                await watcher.look()
                paths = [r.path for r in sandbox.requests]
                per_look.append(len(paths))
                by_id += sum(1 for p in paths if "/schedules/" in p.split("?")[0])
                tick()
            rows.append({
                "scenario": name, "looks": count,
                "requests per look (median)": statistics.median(per_look),
                "max": max(per_look), "reads by id": by_id,
                "told": teller.told - told_before,
                "summaries": teller.summaries[summaries_before:],
            })  # fmt: skip

        try:
            for _ in range(20):  # a site with upcoming bookings before the bot starts
                book()
                sandbox.set_now(sandbox.now() + timedelta(seconds=7))
            await measure("first start (20 upcoming bookings)", 1)
            await measure("steady, quiet", looks)

            def busy() -> None:
                book()
                _ajax(http, sandbox.url, {
                    "action": "fluent_cal_schedule_meeting", "event_id": "1",
                    "rescheduling_hash": hashes[0], "start_date": next(free),
                    "timezone": "America/New_York", "rescheduling_reason": "moved",
                })  # fmt: skip

            await measure("steady, busy (1 booking + 1 reschedule per interval)", looks, busy)

            def away() -> None:
                sandbox.set_now(sandbox.now() + timedelta(hours=6))
                for _ in range(30):
                    book()
                    sandbox.set_now(sandbox.now() + timedelta(seconds=3))
                for booking_hash in hashes[-5:]:
                    _ajax(http, sandbox.url, {
                        "action": "fcal_cancel_meeting", "meeting_hash": booking_hash,
                        "cancellation_reason": "away",
                    })  # fmt: skip

            await measure("after 6 h down: 30 bookings, 5 cancelled", 1, away)
            await measure("steady again", looks)
            emails = [e for e in sandbox.emails if "not confirmed in time" in e.body]
            rows.append({"scenario": "attendees emailed by the read side effect",
                         "count": len(emails)})  # fmt: skip
        finally:
            await client.aclose()
            await store.close()
            sandbox.stop()
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| scenario | looks | site requests per look (median / max) | reads by id | told "
        "| summaries |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        if "count" in row:
            continue
        lines.append(
            f"| {row['scenario']} | {row['looks']} | {row['requests per look (median)']:g} / "
            f"{row['max']} | {row['reads by id']} | {row['told']} | "
            f"{', '.join(map(str, row['summaries'])) or '-'} |"
        )
    for row in rows:
        if "count" in row:
            lines.append(f"\n{row['scenario']}: {row['count']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.feed_bench")
    parser.add_argument("--quick", action="store_true", help="5 looks per steady scenario")
    args = parser.parse_args(argv)
    rows = asyncio.run(run(5 if args.quick else 30))
    text = table(rows)
    print(text)
    if not args.quick:
        out = Path(__file__).parent / "FEED_RESULTS.md"
        out.write_text(
            "# Feed benchmark: last results\n\n`python -m bench.feed_bench`, interval "
            f"{INTERVAL} s (site clock moved by hand).\n\n{text}\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
