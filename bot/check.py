"""`python -m bot check`: try every setting against Slack, the site and the store.

Prints one ✓ or ✗ line per check, and for each ✗ exactly what to fix. Exit status 1 if
anything failed. Secrets are never printed (tokens are shown masked at most).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from bot.config import ConfigError, Settings, mask
from bot.slack_scopes import BOT_SCOPES


@dataclass
class Result:
    ok: bool
    label: str
    detail: str = ""


async def check_slack(settings: Settings) -> list[Result]:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    if not settings.slack_bot_token:
        return [Result(False, "Slack bot token", "SLACK_BOT_TOKEN is not set (xoxb-…)")]
    results: list[Result] = []
    if not settings.slack_signing_secret and not settings.slack_app_token:
        results.append(
            Result(
                False,
                "Slack request verification",
                "set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
            )
        )
    client = AsyncWebClient(
        token=settings.slack_bot_token.value, base_url=settings.slack_api_url, timeout=10
    )
    try:
        resp = await client.auth_test()
        results.append(
            Result(
                True,
                "Slack bot token",
                f"workspace {resp.get('team')!s}, bot @{resp.get('user')!s} "
                f"({mask(settings.slack_bot_token.value)}) at {settings.slack_api_url}",
            )
        )
        results.append(check_scopes(resp.headers))
        if settings.booking_notify_channel:
            results.append(
                await check_notify_channel(
                    client, settings.booking_notify_channel, str(resp.get("user") or "bot")
                )
            )
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else "unknown"
        results.append(
            Result(
                False,
                "Slack bot token",
                f"Slack answered {error!r}: copy the Bot User OAuth Token (xoxb-…) from "
                "OAuth & Permissions into SLACK_BOT_TOKEN, and reinstall the app if needed",
            )
        )
    except Exception as exc:
        results.append(
            Result(
                False,
                "Slack Web API",
                f"cannot reach {settings.slack_api_url} ({type(exc).__name__}); "
                "check SLACK_API_URL and the network",
            )
        )
    if settings.slack_app_token:
        results.append(await check_app_token(settings))
    return results


def check_scopes(headers: Any) -> Result:
    """The token's granted scopes (auth.test's x-oauth-scopes header) against the
    manifest's bot scopes: a scope missing there fails later, at the user's click."""
    label = "Slack scopes"
    raw = next((v for k, v in (headers or {}).items() if k.lower() == "x-oauth-scopes"), None)
    if isinstance(raw, list):
        raw = ",".join(raw)
    if raw is None:
        return Result(False, label, "Slack did not say which scopes the token has")
    granted = {s.strip() for s in str(raw).split(",") if s.strip()}
    missing = [s for s in BOT_SCOPES if s not in granted]
    if missing:
        return Result(
            False,
            label,
            f"the token lacks {', '.join(missing)}: add them under OAuth & Permissions → "
            "Bot Token Scopes (as in manifest.yml), reinstall the app, and copy the new token",
        )
    extra = sorted(granted - set(BOT_SCOPES))
    more = f" (also granted, not needed: {', '.join(extra)})" if extra else ""
    return Result(True, label, f"all {len(BOT_SCOPES)} of manifest.yml granted{more}")


async def check_app_token(settings: Settings) -> Result:
    """SLACK_APP_TOKEN (Socket Mode): can it open a connection (apps.connections.open)?"""
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    label = "Slack app token (Socket Mode)"
    client = AsyncWebClient(base_url=settings.slack_api_url, timeout=10)
    try:
        await client.apps_connections_open(app_token=settings.slack_app_token.value)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else "unknown"
        return Result(
            False,
            label,
            f"Slack answered {error!r}: make an app-level token with the connections:write "
            "scope (Basic Information → App-Level Tokens), put it in SLACK_APP_TOKEN, and "
            "turn Socket Mode on",
        )
    except Exception as exc:
        return Result(False, label, f"cannot reach {settings.slack_api_url} ({type(exc).__name__})")
    return Result(True, label, f"opens a connection ({mask(settings.slack_app_token.value)})")


async def check_notify_channel(client: Any, channel: str, bot_name: str) -> Result:
    """BOOKING_NOTIFY_CHANNEL: does it exist, and is the bot in it (else posts fail)?"""
    from slack_sdk.errors import SlackApiError

    label = "Announcement channel"
    try:
        resp = await client.conversations_info(channel=channel)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else "unknown"
        if error == "missing_scope":
            return Result(
                False,
                label,
                f"cannot look up {channel}: add the channels:read scope (groups:read for a "
                "private channel) to the app and reinstall it",
            )
        return Result(
            False,
            label,
            f"BOOKING_NOTIFY_CHANNEL={channel}: Slack answered {error!r}; check the channel "
            f"id (channel details → bottom), and for a private channel invite @{bot_name} first",
        )
    except Exception as exc:
        return Result(False, label, f"could not look up {channel} ({type(exc).__name__})")
    info = resp.get("channel") or {}
    name = f"#{info['name']}" if info.get("name") else channel
    if info.get("is_member"):
        return Result(True, label, f"{name} ({channel}): the bot is a member")
    return Result(
        False,
        label,
        f"{name} ({channel}): the bot is not a member, so announcements cannot be posted; "
        f"invite @{bot_name} to {name} (type /invite @{bot_name} there)",
    )


async def check_site(settings: Settings, client_factory: Callable[..., Any] | None) -> list[Result]:
    from bot.fluentbooking import FluentBookingClient, FluentBookingError

    missing = [
        name
        for name in ("FLUENTBOOKING_URL", "FLUENTBOOKING_USERNAME", "FLUENTBOOKING_APP_PASSWORD")
        if not getattr(settings, name.lower())
    ]
    if missing:
        return [Result(False, "Booking site", f"{', '.join(missing)} not set (see .env.example)")]
    factory = client_factory or FluentBookingClient.from_settings
    client = factory(settings)
    try:
        events = await client.list_events()
    except FluentBookingError as exc:
        return [Result(False, "Booking site", f"{settings.fluentbooking_url}: {exc.user_message}")]
    except Exception as exc:
        return [
            Result(
                False,
                "Booking site",
                f"cannot reach {settings.fluentbooking_url} ({type(exc).__name__})",
            )
        ]
    finally:
        await client.aclose()
    active = [e for e in events if getattr(e, "active", True)]
    results = [
        Result(
            True,
            "Booking site",
            f"{settings.fluentbooking_url} as {settings.fluentbooking_username} "
            f"(application password {mask(settings.fluentbooking_app_password.value)})",
        )
    ]
    if active:
        names = ", ".join(e.title for e in active[:5]) + (" …" if len(active) > 5 else "")
        results.append(Result(True, "Bookable events", f"{len(active)}: {names}"))
    else:
        results.append(
            Result(
                False,
                "Bookable events",
                "the site has no active event: create one in FluentBooking (Calendars)",
            )
        )
    return results


async def check_hosts(
    settings: Settings, client_factory: Callable[..., Any] | None = None
) -> list[Result]:
    """Which calendars have a host in the workspace (by email, or BOOKING_HOST_MAP).

    A calendar without one still takes bookings; its host is just not told in Slack.
    A BOOKING_HOST_MAP entry naming no calendar or no member is a ✗ (a typo, surely)."""
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.fluentbooking import FluentBookingClient
    from bot.team.identity import HostDirectory, Member, owners_of

    if not (settings.slack_bot_token and settings.fluentbooking_url):
        return []  # check_slack / check_site already say what is missing
    label = "Hosts"
    site = (client_factory or FluentBookingClient.from_settings)(settings)
    slack = AsyncWebClient(
        token=settings.slack_bot_token.value, base_url=settings.slack_api_url, timeout=10
    )
    members: list[Member] = []
    try:
        events = await site.list_events()
        cursor = ""
        for _ in range(100):  # 100 pages of 200: a workspace of 20,000
            page = await slack.users_list(limit=200, cursor=cursor or None)
            for user in page.get("members") or []:
                if user.get("deleted") or user.get("is_bot"):
                    continue
                profile = user.get("profile") or {}
                members.append(Member(str(user.get("id")), profile.get("email")))
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
    except Exception as exc:
        return [Result(False, label, f"could not match hosts ({type(exc).__name__})")]
    finally:
        await site.aclose()
    directory = HostDirectory(owners_of(events), settings.booking_host_map)
    match = directory.match(members)
    known = {m.user_id for m in members}
    results = []
    detail = f"{len(match.hosts)} of {len(directory)} calendars matched a Slack member"
    if match.unmatched:
        names = ", ".join(f"{c.title} ({c.host_email or 'no email'})" for c in match.unmatched[:20])
        more = f" and {len(match.unmatched) - 20} more" if len(match.unmatched) > 20 else ""
        detail += (
            f"; not matched: {names}{more} (their Slack email differs? add "
            "BOOKING_HOST_MAP=SLACK_USER_ID=their WordPress email)"
        )
    results.append(Result(True, label, detail))
    problems = [f"{e} names no calendar on the site" for e in match.unused_entries]
    problems += [
        f"{e} names no member of this workspace"
        for e in settings.booking_host_map
        if e.user_id not in known
    ]
    if problems:
        results.append(Result(False, "BOOKING_HOST_MAP", "; ".join(problems)))
    return results


async def check_store(settings: Settings) -> list[Result]:
    """Which store the bot uses (kind and place, never a password) and whether it answers."""
    from bot.store import StoreError, open_store, parse_database_url

    try:
        where = parse_database_url(settings.database_url).location()
    except (StoreError, ValueError) as exc:
        return [Result(False, "State store", _named(exc))]
    try:
        store = await open_store(settings.database_url)
    except (StoreError, ValueError) as exc:
        return [Result(False, "State store", f"{where}, unreachable: {_named(exc)}")]
    try:
        await store.ping()
        return [Result(True, "State store", f"{store.location}, reachable")]
    except StoreError as exc:
        return [Result(False, "State store", f"{where}, unreachable: {_named(exc)}")]
    finally:
        await store.close()


async def check_watcher(settings: Settings, *, now: float | None = None) -> list[Result]:
    """The booking watcher: on or off, its last successful look, its lag, who watches."""
    import time

    from bot.feed.state import FeedState
    from bot.store import StoreError, open_store

    label = "Booking watcher"
    interval = settings.booking_poll_seconds
    if interval <= 0:
        return [Result(True, label, "off (BOOKING_POLL_SECONDS=0): website bookings are not told")]
    extras = []
    if settings.booking_reminder_minutes:
        minutes = ", ".join(str(m) for m in settings.booking_reminder_minutes)
        extras.append(f"reminders {minutes} min before")
    if settings.booking_webhook_secret:
        extras.append("Pro webhooks at /fluentbooking/webhook")
    extra = f"; {'; '.join(extras)}" if extras else ""
    try:
        store = await open_store(settings.database_url)
    except (StoreError, ValueError) as exc:
        return [Result(False, label, f"cannot read its state: {_named(exc)}")]
    try:
        status = await FeedState(store).status(enabled=True, interval=interval)
    except StoreError as exc:
        return [Result(False, label, f"cannot read its state: {_named(exc)}")]
    finally:
        await store.close()
    now = time.time() if now is None else now
    head = f"on, every {interval} s{extra}"
    if status.last_look is None:
        return [
            Result(True, label, f"{head}; has not looked at the site yet (it starts with the bot)")
        ]
    lag = max(0.0, now - status.last_look)
    watching = status.holder is not None and (status.lease_expires or 0) > now
    who = f"watched by {status.holder}" if watching else "no process holds the watcher lease"
    detail = f"{head}; last successful look {_ago(lag)} ago; {who}"
    if status.last_error:
        detail += f"; the site did not answer: {status.last_error}"
    stale = lag > 3 * interval
    if stale and not watching:
        detail += " — is the bot running?"
    elif stale:
        detail += " — behind: check the site (FLUENTBOOKING_URL) and the log"
    return [Result(not stale, label, detail)]


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{int(seconds)} s"
    if seconds < 7200:
        return f"{int(seconds // 60)} min"
    return f"{seconds / 3600:.1f} h"


def _named(exc: BaseException) -> str:
    text = str(exc)
    return text if "DATABASE_URL" in text else f"{text} (check DATABASE_URL)"


async def run_checks(
    settings: Settings, *, client_factory: Callable[..., Any] | None = None
) -> list[Result]:
    parts = await asyncio.gather(
        check_slack(settings),
        check_site(settings, client_factory),
        check_store(settings),
        check_hosts(settings, client_factory),
        check_watcher(settings),
    )
    return [r for part in parts for r in part]


def report(results: list[Result], out: TextIO) -> bool:
    for r in results:
        mark = "✓" if r.ok else "✗"
        print(f"{mark} {r.label}: {r.detail}" if r.detail else f"{mark} {r.label}", file=out)
    ok = all(r.ok for r in results)
    print("All good." if ok else "Fix the ✗ lines above, then run this again.", file=out)
    return ok


def main(argv: list[str] | None = None, *, env: dict[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot check",
        description="Check the settings against Slack, the booking site and the store.",
    )
    parser.parse_args(argv or [])
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        print(f"✗ {exc}", file=sys.stdout)
        return 1
    results = asyncio.run(run_checks(settings))
    return 0 if report(results, sys.stdout) else 1
