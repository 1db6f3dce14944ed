"""Settings from the environment, validated once at start.

The variable names are a contract (see DESIGN.md). `Settings.from_env()` raises
`ConfigError` naming the variable that is missing or malformed; secrets never appear
in `repr()` or in error messages.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.team.identity import HostMapEntry, HostMapError, parse_host_map

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
DEFAULT_DATABASE_URL = "sqlite:///var/bot.sqlite3"
DEFAULT_POLL_SECONDS = 60
MAX_REMINDER_MINUTES = 7 * 24 * 60


class ConfigError(ValueError):
    """A setting is missing or malformed. The message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class Secret(str):
    """A string that does not show itself in repr() or str() of its container."""

    def __repr__(self) -> str:
        return "Secret('********')" if self else "Secret('')"

    @property
    def value(self) -> str:
        return str.__str__(self)


def mask(value: str | None, keep: int = 4) -> str:
    """'abcdef123456' -> '********3456'; short or empty values are fully masked."""
    if not value:
        return ""
    if len(value) <= keep * 2:
        return "*" * 8
    return "*" * 8 + value[-keep:]


@dataclass(frozen=True)
class Settings:
    slack_bot_token: Secret = field(default=Secret(""), repr=False)
    slack_signing_secret: Secret = field(default=Secret(""), repr=False)
    slack_app_token: Secret = field(default=Secret(""), repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    fluentbooking_url: str = ""
    fluentbooking_username: str = ""
    fluentbooking_app_password: Secret = field(default=Secret(""), repr=False)
    port: int = DEFAULT_PORT
    database_url: str = DEFAULT_DATABASE_URL
    booking_notify_channel: str | None = None
    booking_admins: frozenset[str] = frozenset()
    booking_host_map: tuple[HostMapEntry, ...] = ()
    booking_poll_seconds: int = DEFAULT_POLL_SECONDS  # 0: the watcher is off
    booking_reminder_minutes: tuple[int, ...] = ()  # largest first, e.g. (60, 10)
    booking_webhook_secret: Secret = field(default=Secret(""), repr=False)
    #: languages dates are read in (DATE_LANGUAGES); empty: the parser's default
    date_languages: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from `env`, by default the process environment plus the
        `.env` file in the current folder (variables already set win over the file)."""
        env = process_env() if env is None else env

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        slack_api_url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
        _check_url("SLACK_API_URL", slack_api_url)
        if not slack_api_url.endswith("/"):
            slack_api_url += "/"

        site = get("FLUENTBOOKING_URL")
        if site:
            _check_url("FLUENTBOOKING_URL", site)

        port_text = get("PORT") or str(DEFAULT_PORT)
        try:
            port = int(port_text)
        except ValueError:
            raise ConfigError("PORT", f"must be a whole number, got {port_text!r}") from None
        if not 0 < port < 65536:
            raise ConfigError("PORT", f"must be between 1 and 65535, got {port}")

        database_url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
        scheme = database_url.split(":", 1)[0].lower()
        if scheme not in {"sqlite", "postgres", "postgresql"}:
            raise ConfigError(
                "DATABASE_URL",
                "must start with sqlite:///, postgresql:// or postgres://",
            )

        bot_token = get("SLACK_BOT_TOKEN")
        if bot_token and not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-")
        app_token = get("SLACK_APP_TOKEN")
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-")

        channel = get("BOOKING_NOTIFY_CHANNEL") or None
        if channel and channel[:1] not in {"C", "G", "D"}:
            raise ConfigError(
                "BOOKING_NOTIFY_CHANNEL", "must be a channel id such as C0123456789, not a name"
            )
        admins = frozenset(a.strip() for a in get("BOOKING_ADMINS").split(",") if a.strip())
        for admin in admins:
            if admin[:1] not in {"U", "W"}:
                raise ConfigError("BOOKING_ADMINS", f"{admin!r} is not a Slack user id (U…)")

        try:
            host_map = parse_host_map(get("BOOKING_HOST_MAP"))
        except HostMapError as error:
            raise ConfigError("BOOKING_HOST_MAP", str(error)) from None
        poll_text = get("BOOKING_POLL_SECONDS") or str(DEFAULT_POLL_SECONDS)
        try:
            poll_seconds = int(poll_text)
        except ValueError:
            raise ConfigError(
                "BOOKING_POLL_SECONDS", f"must be a whole number of seconds, got {poll_text!r}"
            ) from None
        if poll_seconds < 0:
            raise ConfigError("BOOKING_POLL_SECONDS", "must be 0 (off) or a positive number")

        return cls(
            slack_bot_token=Secret(bot_token),
            slack_signing_secret=Secret(get("SLACK_SIGNING_SECRET")),
            slack_app_token=Secret(app_token),
            slack_api_url=slack_api_url,
            fluentbooking_url=site,
            fluentbooking_username=get("FLUENTBOOKING_USERNAME"),
            fluentbooking_app_password=Secret(get("FLUENTBOOKING_APP_PASSWORD")),
            port=port,
            database_url=database_url,
            booking_notify_channel=channel,
            booking_admins=admins,
            booking_host_map=host_map,
            booking_poll_seconds=poll_seconds,
            booking_reminder_minutes=parse_reminder_minutes(get("BOOKING_REMINDER_MINUTES")),
            booking_webhook_secret=Secret(get("BOOKING_WEBHOOK_SECRET")),
            date_languages=_date_languages(get("DATE_LANGUAGES")),
        )

    def require(self, *names: str) -> None:
        """Raise ConfigError for the first of these environment variables that is unset."""
        for name in names:
            if not getattr(self, name.lower()):
                raise ConfigError(name, "is not set (see .env.example)")


def parse_reminder_minutes(text: str) -> tuple[int, ...]:
    """`"60,10"` -> (60, 10): distinct whole minutes, largest first; "" -> none."""
    found: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            minutes = int(part)
        except ValueError:
            raise ConfigError(
                "BOOKING_REMINDER_MINUTES",
                f"must be whole minutes separated by commas (e.g. 60,10), got {part!r}",
            ) from None
        if not 0 < minutes <= MAX_REMINDER_MINUTES:
            raise ConfigError(
                "BOOKING_REMINDER_MINUTES",
                f"each value must be between 1 and {MAX_REMINDER_MINUTES} minutes, got {minutes}",
            )
        found.add(minutes)
    return tuple(sorted(found, reverse=True))


def process_env() -> dict[str, str]:
    """The process environment over the `.env` file of the current folder."""
    return {**read_dotenv(Path(".env")), **os.environ}


def read_dotenv(path: Path) -> dict[str, str]:
    """The variables of a .env file, read by python-dotenv's rules (the ones Docker
    Compose, Heroku's local runner and most tools share): `# comments` after a value,
    single quotes (literal) and double quotes (with `\\n`-style escapes, may span lines),
    `export NAME=...`, `${OTHER}` expansion. A missing file is an empty mapping; a line
    python-dotenv cannot read is a ConfigError naming the line, not a silent skip."""
    from dotenv import dotenv_values
    from dotenv.parser import parse_stream

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ConfigError(str(path), "is not UTF-8 text") from None
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise ConfigError(
                str(path), f"line {binding.original.line} is not NAME=value (see .env.example)"
            )
    values = dotenv_values(stream=io.StringIO(text))
    return {name: value for name, value in values.items() if value is not None}


def _check_url(variable: str, url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ConfigError(variable, f"must be an http(s) URL, got {url!r}")


def parse_date_languages(raw: str) -> tuple[str, ...]:
    """DATE_LANGUAGES: comma-separated language codes (en,es,fr,de,pt); ValueError else."""
    langs = tuple(dict.fromkeys(x.strip().lower() for x in raw.split(",") if x.strip()))
    for lang in langs:
        if not lang.isalpha() or not 2 <= len(lang) <= 3:
            raise ValueError(f"{lang!r} is not a language code such as en or de")
    return langs


def _date_languages(raw: str) -> tuple[str, ...]:
    try:
        return parse_date_languages(raw)
    except ValueError as error:
        raise ConfigError("DATE_LANGUAGES", str(error)) from None


def date_languages(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """DATE_LANGUAGES from the process environment (or `env`); empty when unset or
    unreadable (the parser's default then applies; `Settings.from_env` refuses it)."""
    raw = (os.environ if env is None else env).get("DATE_LANGUAGES", "")
    try:
        return parse_date_languages(raw)
    except ValueError:
        return ()
