"""A teammate named as host (`/slots @hana`, `/book … host:@hana`): their events."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.fluentbooking.models import Event
from bot.slack.deps import Deps
from bot.slack.errors import NotFound
from bot.team.access import normal_email
from bot.team.hostpick import HostPick


class NoSuchHost(NotFound):
    """The named host hosts nothing on the site; str() is fit for the user (plain text:
    the error message escapes it)."""


async def events_of(
    deps: Deps, client: AsyncWebClient, pick: HostPick, events: list[Event]
) -> list[Event]:
    """The events of the calendars `pick` hosts (by the same identity rule as everywhere)."""
    directory = await deps.directory()
    if pick.user_id:
        try:
            them = await deps.profile(client, pick.user_id)
        except SlackApiError as exc:  # an unknown or deleted user: Slack says user_not_found
            raise NoSuchHost(
                f"I can't find that member ({pick.user_id}) in this workspace. "
                "Name a teammate with an @mention from the member list."
            ) from exc
        calendars = directory.hosted_by(pick.user_id, them.email)
        who = them.name or "That member"
    elif pick.email:
        wanted = normal_email(pick.email)
        calendars = frozenset(
            c.calendar_id for c in directory.calendars if normal_email(c.host_email) == wanted
        )
        who = pick.email
    else:
        word = (pick.name or "").lower()
        calendars = frozenset(
            c.calendar_id for c in directory.calendars if word and word in c.title.lower().split()
        )
        who = f"“{pick.name or ''}”"
    found = [e for e in events if e.calendar_id in calendars]
    if not found:
        raise NoSuchHost(
            f"{who} hosts no bookable events on the booking site. "
            "Type `/slots` to see every event and its host."
        )
    return found
