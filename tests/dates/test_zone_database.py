"""bot.dates reads one tz database (pytz's copy), whatever the system's zoneinfo says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytz

from bot.dates import parse_when, zones


def test_every_zone_agrees_with_pytz_from_2024_to_2030() -> None:
    instants = [datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=5 * i) for i in range(512)]
    disagree = []
    for name in sorted(pytz.all_timezones_set - {"Factory"}):
        ours, theirs = zones.zone(name), pytz.timezone(name)
        for t in instants:
            if t.astimezone(ours).utcoffset() != t.astimezone(theirs).utcoffset():
                disagree.append(f"{name} at {t:%Y-%m-%d}")
                break
    assert disagree == []


def test_a_booking_after_a_rule_change_follows_the_same_database() -> None:
    # Whatever rule pytz's database has for Vancouver in late 2026, the parse uses it.
    r = parse_when("Nov 20 2026 at 10am", "America/Vancouver", datetime(2026, 6, 1, 9, 0))
    expected = pytz.timezone("America/Vancouver").localize(datetime(2026, 11, 20, 10, 0))
    assert r.start == expected and r.start.utcoffset() == expected.utcoffset()


def test_zone_names_and_links_come_from_the_same_database() -> None:
    assert zones.canonical("US/Eastern") == "America/New_York"
    assert zones.canonical("asia/calcutta") == "Asia/Kolkata"
    assert zones.resolve_user_zone("Etc/UTC") == "UTC"
