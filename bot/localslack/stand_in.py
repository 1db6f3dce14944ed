"""`LocalSlack`: the state of the local Slack workspace and what tests read from it.

The HTTP side lives in `server.py` and the Web API methods in `api.py`; this class holds
users, channels, messages, ephemerals, views, triggers and response URLs behind one lock
(the server thread writes, the test thread reads; accessors return copies).
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from bot.localslack.model import (
    RESPONSE_URL_MAX_USES,
    RESPONSE_URL_TTL_SECONDS,
    TRIGGER_TTL_SECONDS,
    ApiCall,
    Channel,
    Fault,
    ResponseUrl,
    SlackError,
    Trigger,
    User,
    check_zone,
)
from bot.localslack.socket_gateway import SocketGateway
from bot.slack_scopes import BOT_SCOPES

TEAM_ID = "T_LOCAL"
TEAM_DOMAIN = "local"
APP_ID = "A_BOOKBOT"
BOT_USER_ID = "U_BOOKBOT"
BOT_ID = "B_BOOKBOT"
DEMO_CHANNEL = "C_GENERAL"

#: what installing manifest.yml grants
DEFAULT_BOT_SCOPES = BOT_SCOPES

U_ALICE = "U_ALICE"
U_BOB = "U_BOB"
U_ADMIN = "U_ADMIN"
U_HELPER_BOT = "U_HELPERBOT"


class LocalSlack:
    """A fake Slack workspace. Start it with `start_local_slack()` to serve HTTP."""

    def __init__(self, *, clock: Callable[[], float] | None = None, defaults: bool = True):
        self.bot_token = "xoxb-local-" + secrets.token_hex(16)
        self.app_token = "xapp-local-" + secrets.token_hex(16)  # Socket Mode (connections:write)
        self.socket = SocketGateway(APP_ID)  # Socket Mode: apps.connections.open -> /link/
        #: the scopes the bot token was granted (auth.test's x-oauth-scopes header)
        self.granted_scopes: list[str] = list(DEFAULT_BOT_SCOPES)
        self.signing_secret = secrets.token_hex(20)
        self.verification_token = "local-verification-" + secrets.token_hex(6)
        self.team_id, self.team_domain = TEAM_ID, TEAM_DOMAIN
        self.app_id, self.bot_user_id, self.bot_id = APP_ID, BOT_USER_ID, BOT_ID
        self.base_url = ""  # set when the server listens: "http://127.0.0.1:PORT"
        self.lock = threading.RLock()
        self._clock = clock or time.time
        self._offset = 0.0
        self._seq = itertools.count(1)
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._ephemerals: dict[str, list[dict[str, Any]]] = {}
        self._responses: dict[str, list[dict[str, Any]]] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self.view_state: dict[str, dict[str, dict[str, Any]]] = {}
        self.view_errors: dict[str, dict[str, str]] = {}
        self.view_owner: dict[str, str] = {}  # view id -> the user who sees it
        self._homes: dict[str, str] = {}  # user id -> home view id
        self.triggers: dict[str, Trigger] = {}
        self._calls: list[ApiCall] = []
        self._faults: list[Fault] = []
        self._served_faults: list[tuple[str, int]] = []  # (method, HTTP status) answered
        self.add_user(BOT_USER_ID, name="bookbot", real_name="Booking Bot", email=None, is_bot=True)
        if defaults:
            self._add_defaults()

    def _add_defaults(self) -> None:
        self.add_user(U_ALICE, name="alice", real_name="Alice Archer", email="alice@example.com")
        self.add_user(
            U_BOB,
            name="bob",
            real_name="Bob Becker",
            email="bob@example.com",
            tz="Europe/Berlin",
            display_name="bobby",
        )
        self.add_user(
            U_ADMIN,
            name="ada",
            real_name="Ada Admin",
            email="ada@example.com",
            tz="Europe/London",
            is_admin=True,
            is_owner=True,
        )
        self.add_user(
            U_HELPER_BOT, name="helper", real_name="Helper Bot", email=None, tz="UTC", is_bot=True
        )
        self.add_channel(DEMO_CHANNEL, "general", member=True)

    # -- clock --------------------------------------------------------------------------

    def now(self) -> float:
        return self._clock() + self._offset

    def advance_clock(self, seconds: float) -> None:
        """Move the stand-in's clock forward (expire triggers and response URLs in tests)."""
        with self.lock:
            self._offset += seconds

    # -- setup --------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = "America/New_York",
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        display_name: str = "",
    ) -> User:
        """Add (or replace) a workspace member; they join every public channel."""
        if not user_id or not user_id.startswith(("U", "W")):
            raise ValueError(f"Slack user ids start with U or W: {user_id!r}")
        check_zone(tz)
        name = name or user_id.lower()
        user = User(
            id=user_id,
            name=name,
            real_name=real_name if real_name is not None else name,
            email=email,
            tz=tz,
            is_admin=is_admin,
            is_owner=is_owner,
            is_bot=is_bot,
            display_name=display_name,
        )
        with self.lock:
            self.users[user_id] = user
            for channel in self.channels.values():
                if not channel.is_im and not channel.is_private:
                    channel.members.add(user_id)
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        member: bool = True,
        users: Iterable[str] | None = None,
        private: bool = False,
    ) -> None:
        """Add a channel; ``member``: is the bot in it; ``users``: default all users."""
        if not channel_id.startswith(("C", "G")):
            raise ValueError(f"channel ids start with C or G: {channel_id!r}")
        with self.lock:
            members = set(self.users if users is None else users)
            self.channels[channel_id] = Channel(
                id=channel_id, name=name, member=member, members=members, is_private=private
            )
            self._messages.setdefault(channel_id, [])

    def set_member(self, channel_id: str, member: bool) -> None:
        with self.lock:
            self.channels[channel_id].member = member

    def fail_next(
        self,
        method: str | None = None,
        *,
        error: str | None = None,
        status: int = 429,
        retry_after: int | None = 1,
        count: int | None = 1,
    ) -> None:
        """Fault knob: the next ``count`` calls (of ``method``, or any) fail; with
        ``count=None`` every call fails until ``clear_faults()`` (Slack down for a while).

        With ``error``: HTTP 200 ``{"ok": false, "error": error}``. Otherwise HTTP
        ``status`` (429 by default, with ``Retry-After``) and ``{"error": "ratelimited"}``
        (``"internal_error"`` for a 5xx). Nothing is done for a failed call.
        """
        with self.lock:
            self._faults.append(Fault(method, count, error, status, retry_after))

    def served_faults(self) -> list[tuple[str, int]]:
        """The faults answered so far: (method, HTTP status), in order."""
        with self.lock:
            return list(self._served_faults)

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def take_fault(self, method: str) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                if fault.method in (None, method):
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self._faults.remove(fault)
                    self._served_faults.append((method, 200 if fault.error else fault.status))
                    return fault
        return None

    # -- triggers and response urls ------------------------------------------------------

    def new_trigger_id(self, user_id: str | None = None, view_id: str | None = None) -> str:
        """A trigger_id valid once, for 3 s of the stand-in's clock."""
        trigger_id = f"{next(self._seq)}.{secrets.token_hex(6)}"
        with self.lock:
            self.triggers[trigger_id] = Trigger(self.now(), user_id=user_id, view_id=view_id)
        return trigger_id

    def use_trigger(self, trigger_id: Any) -> Trigger:
        with self.lock:
            trigger = self.triggers.get(trigger_id) if isinstance(trigger_id, str) else None
            if trigger is None or trigger.used:
                raise SlackError("invalid_trigger_id")
            if self.now() - trigger.issued_at > TRIGGER_TTL_SECONDS:
                raise SlackError("expired_trigger_id")
            trigger.used = True
            return trigger

    def new_response_url(
        self, channel: str | None, user_id: str | None, message_ts: str | None = None
    ) -> str:
        """A response_url served by the stand-in (5 uses, 30 minutes)."""
        url_id = secrets.token_hex(8)
        with self.lock:
            self.response_urls[url_id] = ResponseUrl(
                url_id, self.now(), channel, user_id, message_ts
            )
            self._responses[url_id] = []
        return f"{self.base_url}/response/{url_id}"

    def use_response_url(self, url_id: str) -> ResponseUrl:
        with self.lock:
            hook = self.response_urls.get(url_id)
            if hook is None:
                raise SlackError("no_service")
            if self.now() - hook.created > RESPONSE_URL_TTL_SECONDS:
                raise SlackError("expired_url")
            if hook.uses >= RESPONSE_URL_MAX_USES:
                raise SlackError("used_url")
            hook.uses += 1
            return hook

    # -- recording (called by api.py under the lock) -------------------------------------

    def next_ts(self) -> str:
        return f"{int(self.now())}.{next(self._seq):06d}"

    def record_call(self, method: str, params: dict[str, Any]) -> None:
        with self.lock:
            self._calls.append(ApiCall(method, copy.deepcopy(params)))

    def message_list(self, channel: str) -> list[dict[str, Any]]:
        return self._messages.setdefault(channel, [])

    def ephemeral_list(self, user_id: str) -> list[dict[str, Any]]:
        return self._ephemerals.setdefault(user_id, [])

    def response_list(self, url_id: str) -> list[dict[str, Any]]:
        return self._responses.setdefault(url_id, [])

    def view_map(self) -> dict[str, dict[str, Any]]:
        return self._views

    def home_map(self) -> dict[str, str]:
        return self._homes

    # -- what tests read -----------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every Web API call the bot made, in order, as (method, params)."""
        with self.lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    @property
    def views(self) -> dict[str, dict[str, Any]]:
        """Open views (modals and home tabs) by view id."""
        with self.lock:
            return copy.deepcopy(self._views)

    def view(self, view_id: str) -> dict[str, Any]:
        with self.lock:
            if view_id not in self._views:
                raise KeyError(f"no open view {view_id!r}")
            return copy.deepcopy(self._views[view_id])

    def open_modals(self) -> list[dict[str, Any]]:
        with self.lock:
            return [copy.deepcopy(v) for v in self._views.values() if v["type"] == "modal"]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages in a channel (a DM's id, ``D...``, or a user id for their DM)."""
        with self.lock:
            return copy.deepcopy(self._messages.get(self.dm_id(channel) or channel, []))

    def ephemerals(self, user_id: str) -> list[dict[str, Any]]:
        """Ephemeral messages shown to a user (chat.postEphemeral, acks, response_url)."""
        with self.lock:
            return copy.deepcopy(self._ephemerals.get(user_id, []))

    def responses(self, response_url_id: str) -> list[dict[str, Any]]:
        """Bodies posted to one response_url (the id or the whole URL)."""
        url_id = response_url_id.rstrip("/").rsplit("/", 1)[-1]
        with self.lock:
            return copy.deepcopy(self._responses.get(url_id, []))

    def home(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view published for a user, or None."""
        with self.lock:
            view_id = self._homes.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def dm_id(self, user_or_channel: str) -> str | None:
        """The DM channel id for a user id (``U_X`` -> ``D_X``); None for other ids."""
        if user_or_channel.startswith(("U", "W")) and user_or_channel in self.users:
            return "D" + user_or_channel[1:]
        return None

    def ensure_dm(self, user_id: str) -> Channel:
        dm = self.dm_id(user_id)
        if dm is None:
            raise SlackError("user_not_found")
        with self.lock:
            if dm not in self.channels:
                self.channels[dm] = Channel(
                    id=dm, name=dm, member=True, members={user_id}, is_im=True, im_user=user_id
                )
            return self.channels[dm]

    def close_view(self, view_id: str, *, whole_stack: bool = False) -> None:
        """Close a modal as Slack does after a submission or a close (or all its stack)."""
        with self.lock:
            view = self._views.get(view_id)
            if view is None:
                return
            doomed = [view_id]
            if whole_stack:
                root = view.get("root_view_id") or view_id
                doomed = [k for k, v in self._views.items() if v.get("root_view_id") == root]
            for key in doomed:
                self._views.pop(key, None)
                self.view_state.pop(key, None)

    # -- lifecycle (the server sets these) ------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def url(self) -> str:
        return self.base_url

    def socket_url(self) -> str:
        """What apps.connections.open hands out: the stand-in's Socket Mode gateway."""
        ws = self.base_url.replace("http://", "ws://", 1)
        return f"{ws}/link/?ticket={self.socket.new_ticket()}"

    def stop(self) -> None:  # replaced by the running server
        pass

    def __enter__(self) -> LocalSlack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalSlack(url={self.base_url!r}, users={len(self.users)})"
