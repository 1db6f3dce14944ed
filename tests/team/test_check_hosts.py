"""`python -m bot check` says how many calendars have a host in the workspace."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot import check
from bot.localslack import start_local_slack
from bot.sandbox import start_sandbox

NOW = datetime(2025, 1, 13, 14, 0, tzinfo=UTC)


@pytest.fixture
def site_and_slack(tmp_path) -> Iterator[tuple[Any, Any]]:
    with start_sandbox(str(tmp_path / "site.sqlite3"), now=NOW, team=True) as site:
        slack = start_local_slack()
        try:
            slack.add_user("U_NATE", name="nate", email="NATE@team.example")
            slack.add_user("U_HANA", name="hana", email="hana@slack-mail.example")
            slack.add_user("U_GONE", name="gone", email="demo@example.com")
            slack.users["U_GONE"].deleted = True  # a deactivated account matches nothing
            yield site, slack
        finally:
            slack.stop()


def _env(site: Any, slack: Any, **over: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url,
        "FLUENTBOOKING_URL": site.url,
        "FLUENTBOOKING_USERNAME": site.username,
        "FLUENTBOOKING_APP_PASSWORD": site.app_password,
        "DATABASE_URL": "sqlite:///" + site.db_path + ".bot",
    }
    env.update(over)
    return env


def test_check_counts_matched_calendars_and_names_the_rest(site_and_slack, capsys) -> None:
    site, slack = site_and_slack
    assert check.main([], env=_env(site, slack)) == 0
    out = capsys.readouterr().out
    hosts = next(line for line in out.splitlines() if line.startswith("✓ Hosts:"))
    assert "1 of 4 calendars matched a Slack member" in hosts
    assert "Alex Rivera (demo@example.com)" in hosts
    assert "Jordan Blake (jordan@example.org)" in hosts
    assert "Hana Schmidt (hana@team.example)" in hosts
    assert "Nate Brooks" not in hosts
    assert "BOOKING_HOST_MAP" in hosts  # says how to fix it


def test_host_map_matches_the_rest_and_bad_entries_are_named(site_and_slack, capsys) -> None:
    site, slack = site_and_slack
    good = _env(site, slack, BOOKING_HOST_MAP="U_HANA=hana@team.example")
    assert check.main([], env=good) == 0
    assert "2 of 4 calendars matched" in capsys.readouterr().out

    bad = _env(site, slack, BOOKING_HOST_MAP="U_HANA=99,U_NOBODY=2")
    assert check.main([], env=bad) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("✗ BOOKING_HOST_MAP"))
    assert "U_HANA=99 names no calendar on the site" in line
    assert "U_NOBODY=2 names no member of this workspace" in line
