"""Start the whole stack locally: sandbox site + Slack stand-in + the bot over HTTP.

Used by the end-to-end tests, the demo and the benchmark. Only this wiring imports the
stand-ins; the app itself talks to them over HTTP like to the real services.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from bot.config import Secret, Settings

#: a Monday, 09:00 in New York: deterministic free slots for the tests and the demo
DEFAULT_NOW = datetime.fromisoformat("2025-01-13T14:00:00+00:00")


@dataclass
class LocalStack:
    sandbox: Any  # bot.sandbox.Sandbox
    slack: Any  # bot.localslack.LocalSlack
    bot: Any  # bot.slack.run.BotServer
    settings: Settings
    requester: Any  # bot.localslack.SlackRequester (async)

    @property
    def deps(self) -> Any:
        from bot.slack.deps import deps_of

        return deps_of(self.bot.stack.app)

    def wait_idle(self, timeout: float = 30.0) -> None:
        self.bot.wait_idle(timeout)

    def booking_count(self) -> int:
        """Bookings stored on the sandbox site (read from its SQLite file)."""
        with sqlite3.connect(self.sandbox.db_path) as db:
            return int(db.execute("SELECT COUNT(*) FROM bookings").fetchone()[0])

    def stop(self) -> None:
        for part in (self.bot, self.slack, self.sandbox):
            with contextlib.suppress(Exception):  # stop the rest anyway
                part.stop()

    def __enter__(self) -> LocalStack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_local_stack(
    workdir: str | Path,
    *,
    now: datetime | None = DEFAULT_NOW,
    bot_port: int = 0,
    sandbox_port: int = 0,
    slack_port: int = 0,
    submit_inline_seconds: float | None = None,
    fb_kwargs: dict[str, Any] | None = None,
    integrations: Literal["pro", "free"] = "pro",
    settings_overrides: dict[str, Any] | None = None,
    team: bool = False,
) -> LocalStack:
    """Everything on 127.0.0.1, state in files under `workdir`. `now` fixes the site's
    and the bot's clock (None: real time); Slack's clock stays real (trigger expiry).
    `integrations` is the sandbox's ("pro" or "free"); `settings_overrides` replaces
    Settings fields (e.g. `booking_admins`) before the bot starts; `team` adds the
    sandbox's team hosts (bot.sandbox.users)."""
    from bot.localslack import SlackRequester, start_local_slack
    from bot.sandbox import start_sandbox
    from bot.slack.run import start_bot_server

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sandbox = start_sandbox(
        str(workdir / "site.sqlite3"),
        port=sandbox_port,
        now=now,
        integrations=integrations,
        team=team,
    )
    slack = None
    try:
        slack = start_local_slack(port=slack_port)
        settings = Settings(
            slack_bot_token=Secret(slack.bot_token),
            slack_signing_secret=Secret(slack.signing_secret),
            slack_api_url=slack.api_url,
            fluentbooking_url=sandbox.url,
            fluentbooking_username=sandbox.username,
            fluentbooking_app_password=Secret(sandbox.app_password),
            port=bot_port or 3000,
            database_url=f"sqlite:///{workdir / 'bot.sqlite3'}",
            booking_poll_seconds=0,  # the booking watcher only where asked (settings_overrides)
        )
        settings = dataclasses.replace(settings, **(settings_overrides or {}))
        kwargs = {"clock": sandbox.now, **(fb_kwargs or {})}
        bot = start_bot_server(
            settings,
            port=bot_port,
            clock=sandbox.now,
            fb_kwargs=kwargs,
            submit_inline_seconds=submit_inline_seconds,
        )
    except BaseException:
        if slack is not None:
            slack.stop()
        sandbox.stop()
        raise
    requester = SlackRequester(bot.events_url, slack)
    return LocalStack(sandbox, slack, bot, settings, requester)
