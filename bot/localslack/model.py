"""Data the stand-in keeps: users, channels, triggers, response URLs, recorded calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TRIGGER_TTL_SECONDS = 3.0
RESPONSE_URL_TTL_SECONDS = 30 * 60.0
RESPONSE_URL_MAX_USES = 5
MAX_VIEW_STACK = 3

_TZ_NAMES = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "IST": "India Standard Time",
    "JST": "Japan Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
    "UTC": "Coordinated Universal Time",
}


class SlackError(Exception):
    """A Web API error answer: ``{"ok": false, "error": error, ...}`` with HTTP 200."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": list(self.messages)}
        return body


class ApiCall(NamedTuple):
    """One Web API call the bot made: the method and its decoded params (token removed)."""

    method: str
    params: dict[str, Any]


@dataclass
class User:
    id: str
    name: str
    real_name: str
    email: str | None
    tz: str
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    display_name: str = ""
    deleted: bool = False

    def profile(self) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "first_name": self.real_name.split(" ")[0] if self.real_name else "",
            "status_text": "",
            "status_emoji": "",
            "image_48": f"https://local.slack/avatars/{self.id}_48.png",
        }
        if self.email:
            profile["email"] = self.email
        if self.is_bot:
            profile["bot_id"] = "B" + self.id.removeprefix("U")
        return profile

    def to_api(self, team_id: str, now: float) -> dict[str, Any]:
        label, offset = tz_label_and_offset(self.tz, now)
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": label,
            "tz_offset": offset,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": int(now),
            "profile": {**self.profile(), "team": team_id},
        }


@dataclass
class Channel:
    id: str
    name: str
    member: bool = True  # is the bot a member
    members: set[str] = field(default_factory=set)  # user ids in the channel
    is_im: bool = False
    is_private: bool = False
    im_user: str | None = None

    def to_api(self, now: float) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "created": int(now),
            "is_im": self.is_im,
            "is_member": self.member,
        }
        if self.is_im:
            data["user"] = self.im_user
            data["is_open"] = True
        else:
            data.update(
                name=self.name,
                is_channel=not self.is_private,
                is_group=self.is_private,
                is_private=self.is_private,
                is_archived=False,
                is_general=self.name == "general",
                num_members=len(self.members),
            )
        return data


@dataclass
class Trigger:
    issued_at: float
    user_id: str | None = None
    view_id: str | None = None  # the open view the interaction came from (views.push)
    used: bool = False


@dataclass
class ResponseUrl:
    id: str
    created: float
    channel: str | None
    user_id: str | None
    message_ts: str | None = None  # the message the interaction came from
    uses: int = 0


@dataclass
class Fault:
    method: str | None
    count: int | None  # None: until cleared
    error: str | None
    status: int
    retry_after: int | None


def tz_label_and_offset(tz: str, now: float) -> tuple[str, int]:
    """Slack's ``tz_label`` and ``tz_offset`` (seconds east of UTC) for a zone at ``now``."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return tz, 0
    local = datetime.fromtimestamp(now, UTC).astimezone(zone)
    offset = local.utcoffset()
    abbr = local.tzname() or ""
    label = _TZ_NAMES.get(abbr, f"{tz} time")
    return label, int(offset.total_seconds()) if offset else 0


def check_zone(tz: str) -> None:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA timezone: {tz!r}") from exc
