"""`SlackRequester`: sends the bot the signed requests Slack would send.

Two flavours share every payload builder: `SlackRequester` is async (httpx.AsyncClient;
``await requester.command(...)``) and `SyncSlackRequester` is the same API blocking
(httpx.Client), for the terminal client and scripts. Each call returns a `BotResponse`
(status, headers, text, ``.json()``) that also carries what was sent (``payload``,
``trigger_id``, ``response_url``).

Requests are signed like Slack's: ``X-Slack-Signature: v0=HMAC-SHA256(secret,
"v0:{timestamp}:{body}")`` and ``X-Slack-Request-Timestamp``. `variant()` returns a
requester that sends a bad signature, a shifted (stale) timestamp or Slack's retry
headers, for the bot's rejection and de-duplication tests.

Slack's side effects are applied to the stand-in after the bot answers: a slash
command's ack text becomes an ephemeral, a view_submission's ack closes/updates/pushes
the view or records its errors, view_closed closes the view, and select/date choices
made in a view are remembered in its state for the next payload. An ack Slack would
refuse (``response_action`` with an invalid view) raises `SlackError`, so the bug shows.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import httpx

from bot.localslack import payloads, respond
from bot.localslack.stand_in import DEMO_CHANNEL, U_ALICE, LocalSlack

R = TypeVar("R")


@dataclass
class BotResponse:
    """The bot's HTTP answer, plus what was sent to it."""

    status: int
    headers: dict[str, str]
    text: str
    payload: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.text) if self.text.strip() else None

    @property
    def trigger_id(self) -> str | None:
        return self.payload.get("trigger_id")

    @property
    def response_url(self) -> str | None:
        return self.payload.get("response_url")

    @property
    def response_url_id(self) -> str | None:
        url = self.response_url
        return url.rstrip("/").rsplit("/", 1)[-1] if url else None


@dataclass
class _Request:
    body: str
    content_type: str
    payload: dict[str, Any]
    after: Callable[[BotResponse], None] | None = None


@dataclass(frozen=True)
class SendOptions:
    """How requests are signed and which retry headers they carry."""

    bad_signature: bool = False
    timestamp_offset: int = 0  # seconds added to now; -600 makes a stale request
    retry_num: int | None = None
    retry_reason: str | None = None


def sign(secret: str, timestamp: int, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def _parse_body(text: str) -> Any:
    try:
        return json.loads(text) if text.strip() else None
    except ValueError:
        return None


class _RequesterBase(Generic[R]):
    def __init__(
        self,
        bot_url: str,
        slack: LocalSlack,
        *,
        signing_secret: str | None = None,
        timeout: float = 10.0,
        options: SendOptions | None = None,
    ) -> None:
        self.bot_url = bot_url
        self.slack = slack
        self._secret = signing_secret or slack.signing_secret
        self.timeout = timeout
        self.options = options or SendOptions()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.bot_url!r}, options={self.options})"

    def variant(self, **changes: Any) -> Any:
        """A copy that sends differently: bad_signature, timestamp_offset, retry_num/reason."""
        clone = copy.copy(self)
        clone.options = dataclasses.replace(self.options, **changes)
        return clone

    def _send(self, request: _Request) -> R:
        raise NotImplementedError

    def headers(self, body: str, content_type: str) -> dict[str, str]:
        opts = self.options
        timestamp = int(time.time()) + opts.timestamp_offset
        secret = self._secret + "-wrong" if opts.bad_signature else self._secret
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign(secret, timestamp, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        if opts.retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(opts.retry_num)
            headers["X-Slack-Retry-Reason"] = opts.retry_reason or "http_timeout"
        return headers

    # -- common payload parts --------------------------------------------------------------

    def _user(self, user_id: str) -> dict[str, Any]:
        user = self.slack.users.get(user_id)
        name = user.name if user else user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.slack.team_id}

    def _team(self) -> dict[str, Any]:
        return {"id": self.slack.team_id, "domain": self.slack.team_domain}

    def _channel(self, channel_id: str) -> dict[str, Any]:
        ch = self.slack.channels.get(channel_id)
        name = "directmessage" if channel_id.startswith("D") else (ch.name if ch else channel_id)
        return {"id": channel_id, "name": name}

    def _interaction(self, payload: dict[str, Any], after: Any = None) -> R:
        body = urlencode({"payload": json.dumps(payload)})
        return self._send(_Request(body, "application/x-www-form-urlencoded", payload, after))

    def _action_ts(self) -> str:
        return f"{time.time():.6f}"

    def _view(self, view_id: str) -> dict[str, Any]:
        return self.slack.view(view_id)

    def _view_with_state(self, view_id: str, values: dict[str, Any] | None) -> dict[str, Any]:
        view = self._view(view_id)
        with self.slack.lock:
            remembered = copy.deepcopy(self.slack.view_state.get(view_id, {}))
        view["state"] = {"values": payloads.state_values(view, values, remembered)}
        return view

    def _owner(self, view_id: str, user_id: str | None) -> str:
        return user_id or self.slack.view_owner.get(view_id) or U_ALICE

    # -- slash commands --------------------------------------------------------------------

    def command(
        self,
        command: str,
        text: str = "",
        user_id: str = U_ALICE,
        channel_id: str = DEMO_CHANNEL,
    ) -> R:
        """A slash command (form-encoded), with a fresh trigger_id and a response_url."""
        if not command.startswith("/"):
            raise ValueError(f"slash commands start with '/': {command!r}")
        channel_id = self.slack.dm_id(channel_id) or channel_id
        response_url = self.slack.new_response_url(channel_id, user_id)
        fields = {
            "token": self.slack.verification_token,
            "team_id": self.slack.team_id,
            "team_domain": self.slack.team_domain,
            "channel_id": channel_id,
            "channel_name": self._channel(channel_id)["name"],
            "user_id": user_id,
            "user_name": self._user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.slack.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": self.slack.new_trigger_id(user_id),
        }
        url_id = response_url.rsplit("/", 1)[-1]

        def after(resp: BotResponse) -> None:
            if resp.status == 200:
                body = _parse_body(resp.text)
                if body is None and resp.text.strip():
                    body = {"text": resp.text}
                respond.apply_command_ack(self.slack, user_id, channel_id, body, url_id)

        body = urlencode(fields)
        return self._send(_Request(body, "application/x-www-form-urlencoded", fields, after))

    # -- block actions -----------------------------------------------------------------------

    def block_action(
        self,
        action_id: str,
        *,
        user_id: str | None = None,
        view_id: str | None = None,
        channel: str | None = None,
        message_ts: str | None = None,
        value: Any = None,
        block_id: str | None = None,
        text: str | None = None,
    ) -> R:
        """The user used an element (button, select, datepicker...) in a view or message.

        In a view: give ``view_id``. In a message: ``channel`` (and ``message_ts``, else the
        latest message with that element); ephemeral messages are searched too. ``value``
        is the choice for selects/pickers (typed like view_submission values).
        """
        if view_id is not None:
            return self._view_action(view_id, action_id, user_id, value, block_id, text)
        if channel is None:
            raise ValueError("block_action needs view_id, or channel (and message_ts)")
        message = self._find_message(channel, message_ts, action_id, text, user_id)
        return self._message_action(message, action_id, user_id, value, block_id, text)

    def click(
        self,
        container: dict[str, Any] | str,
        *,
        action_id: str | None = None,
        text: str | None = None,
        user_id: str | None = None,
        value: Any = None,
    ) -> R:
        """Click a button (or use an element) found by action_id and/or visible text.

        ``container``: a view dict or view id, or a message dict from
        ``slack.messages()``/``slack.ephemerals()``.
        """
        if isinstance(container, str):
            container = self._view(container)
        if "ts" in container and "channel" in container:
            blocks = container.get("blocks") or []
            _, el = payloads.find_element(blocks, action_id=action_id, text=text)
            return self._message_action(container, el.get("action_id"), user_id, value, None, text)
        return self._view_action(container["id"], action_id, user_id, value, None, text)

    def _find_message(
        self,
        channel: str,
        ts: str | None,
        action_id: str | None,
        text: str | None,
        user_id: str | None,
    ) -> dict[str, Any]:
        candidates = self.slack.messages(channel)
        if user_id:
            dm = self.slack.dm_id(channel) or channel
            candidates += [m for m in self.slack.ephemerals(user_id) if m.get("channel") == dm]
        for message in reversed(candidates):
            if ts is not None:
                if message["ts"] == ts:
                    return message
                continue
            try:
                payloads.find_element(message.get("blocks") or [], action_id=action_id, text=text)
            except LookupError:
                continue
            return message
        raise LookupError(f"no message in {channel!r} (ts={ts!r}) with action {action_id!r}")

    def _message_action(
        self,
        message: dict[str, Any],
        action_id: str | None,
        user_id: str | None,
        value: Any,
        block_id: str | None,
        text: str | None,
    ) -> R:
        block, el = payloads.find_element(
            message.get("blocks") or [], action_id=action_id, text=text, block_id=block_id
        )
        ephemeral = bool(message.get("ephemeral"))
        user_id = user_id or message.get("to_user") or U_ALICE
        channel = message["channel"]
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.slack.app_id,
            "token": self.slack.verification_token,
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "trigger_id": self.slack.new_trigger_id(user_id),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": self._channel(channel),
            "state": {"values": payloads.state_values(message)},
            "response_url": self.slack.new_response_url(channel, user_id, message["ts"]),
            "actions": [payloads.action_entry(block, el, value, self._action_ts())],
        }
        if not ephemeral:
            payload["message"] = {
                k: v for k, v in message.items() if k not in ("channel", "source", "to_user")
            }
        return self._interaction(payload)

    def _view_action(
        self,
        view_id: str,
        action_id: str | None,
        user_id: str | None,
        value: Any,
        block_id: str | None,
        text: str | None,
    ) -> R:
        view = self._view(view_id)
        block, el = payloads.find_element(
            view.get("blocks") or [], action_id=action_id, text=text, block_id=block_id
        )
        user_id = self._owner(view_id, user_id)
        action = payloads.action_entry(block, el, value, self._action_ts())
        if el.get("type") in payloads.STATEFUL and block.get("block_id"):
            entry = payloads.typed_value(el, value)
            with self.slack.lock:
                state = self.slack.view_state.setdefault(view_id, {})
                state.setdefault(block["block_id"], {})[el["action_id"]] = entry
        payload = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.slack.app_id,
            "token": self.slack.verification_token,
            "container": {"type": "view", "view_id": view_id},
            "trigger_id": self.slack.new_trigger_id(user_id, view_id=view_id),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "view": self._view_with_state(view_id, None),
            "actions": [action],
        }
        return self._interaction(payload)

    # -- views -----------------------------------------------------------------------------

    def _envelope(self, kind: str, user_id: str) -> dict[str, Any]:
        """The fields every view interaction payload starts with."""
        return {
            "type": kind,
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.slack.app_id,
            "token": self.slack.verification_token,
        }

    def view_submission(
        self, view_id: str, values: dict[str, Any] | None = None, user_id: str | None = None
    ) -> R:
        """Submit an open modal; ``values`` as in `payloads.state_values`."""
        view = self._view_with_state(view_id, values)
        user_id = self._owner(view_id, user_id)
        payload = {
            **self._envelope("view_submission", user_id),
            "trigger_id": self.slack.new_trigger_id(user_id, view_id=view_id),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

        def after(resp: BotResponse) -> None:
            respond.apply_submission_ack(self.slack, view_id, resp.status, _parse_body(resp.text))

        return self._interaction(payload, after)

    def view_closed(self, view_id: str, user_id: str | None = None) -> R:
        """The user closed the modal (sent whether or not notify_on_close was set)."""
        view = self._view_with_state(view_id, None)
        user_id = self._owner(view_id, user_id)
        payload = {
            **self._envelope("view_closed", user_id),
            "view": view,
            "is_cleared": False,
            "is_enterprise_install": False,
            "enterprise": None,
        }
        self.slack.close_view(view_id)
        return self._interaction(payload)

    def block_suggestion(
        self, view_id: str, action_id: str, value: str, user_id: str | None = None
    ) -> R:
        """An external_select asks for options while the user types ``value``."""
        view = self._view_with_state(view_id, None)
        block, _ = payloads.find_element(view.get("blocks") or [], action_id=action_id)
        user_id = self._owner(view_id, user_id)
        payload = {
            "type": "block_suggestion",
            "user": self._user(user_id),
            "container": {"type": "view", "view_id": view_id},
            "api_app_id": self.slack.app_id,
            "token": self.slack.verification_token,
            "action_id": action_id,
            "block_id": block.get("block_id"),
            "value": value,
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "view": view,
        }
        return self._interaction(payload)

    # -- shortcuts and events ----------------------------------------------------------------

    def message_shortcut(self, callback_id: str, message: dict[str, Any], user_id: str) -> R:
        """A message shortcut on ``message`` (a dict from ``slack.messages()``)."""
        channel = message.get("channel") or DEMO_CHANNEL
        payload = {
            "type": "message_action",
            "token": self.slack.verification_token,
            "action_ts": self._action_ts(),
            "team": self._team(),
            "user": self._user(user_id),
            "channel": self._channel(channel),
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self.slack.new_trigger_id(user_id),
            "response_url": self.slack.new_response_url(channel, user_id, message.get("ts")),
            "message_ts": message.get("ts"),
            "message": {k: v for k, v in message.items() if k not in ("channel", "source")},
        }
        return self._interaction(payload)

    def global_shortcut(self, callback_id: str, user_id: str) -> R:
        payload = {
            "type": "shortcut",
            "token": self.slack.verification_token,
            "action_ts": self._action_ts(),
            "team": self._team(),
            "user": self._user(user_id),
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self.slack.new_trigger_id(user_id),
        }
        return self._interaction(payload)

    def event(self, type: str, user_id: str | None = None, **fields: Any) -> R:
        """An Events API callback (JSON), e.g. ``event("app_home_opened", U_ALICE)``."""
        now = time.time()
        event: dict[str, Any] = {"type": type, "event_ts": f"{now:.6f}"}
        if user_id:
            event["user"] = user_id
        if type == "app_home_opened" and user_id:
            event.update(channel=self.slack.dm_id(user_id), tab="home")
            home = self.slack.home(user_id)
            if home is not None:
                event["view"] = home
        event.update(fields)
        envelope = {
            "token": self.slack.verification_token,
            "team_id": self.slack.team_id,
            "api_app_id": self.slack.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.slack.team_id,
                    "user_id": self.slack.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        body = json.dumps(envelope)
        return self._send(_Request(body, "application/json", envelope))

    def raw(self, body: str, content_type: str = "application/x-www-form-urlencoded") -> R:
        """Send any body, signed per the options (for malformed-request tests)."""
        return self._send(_Request(body, content_type, {}))


def _to_response(resp: httpx.Response, request: _Request) -> BotResponse:
    result = BotResponse(resp.status_code, dict(resp.headers), resp.text, request.payload)
    if request.after is not None:
        request.after(result)
    return result


class SlackRequester(_RequesterBase[Awaitable[BotResponse]]):
    """Async: ``await requester.command("/book", "help", U_ALICE)``.

    Pass ``client`` (an httpx.AsyncClient) to reuse connections; otherwise each request
    uses a short-lived client.
    """

    def __init__(
        self,
        bot_url: str,
        slack: LocalSlack,
        *,
        client: httpx.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(bot_url, slack, **kwargs)
        self.client = client

    def _send(self, request: _Request) -> Awaitable[BotResponse]:
        return self._post(request)

    async def _post(self, request: _Request) -> BotResponse:
        headers = self.headers(request.body, request.content_type)
        content = request.body.encode()
        if self.client is not None:
            resp = await self.client.post(self.bot_url, content=content, headers=headers)
        else:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                resp = await client.post(self.bot_url, content=content, headers=headers)
        return _to_response(resp, request)


class SyncSlackRequester(_RequesterBase[BotResponse]):
    """Blocking: ``requester.command("/book", "help", U_ALICE)`` (one httpx.Client)."""

    def __init__(self, bot_url: str, slack: LocalSlack, **kwargs: Any) -> None:
        super().__init__(bot_url, slack, **kwargs)
        self.client = httpx.Client(timeout=self.timeout)

    def _send(self, request: _Request) -> BotResponse:
        headers = self.headers(request.body, request.content_type)
        resp = self.client.post(self.bot_url, content=request.body.encode(), headers=headers)
        return _to_response(resp, request)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> SyncSlackRequester:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def envelope_kind(request: _Request) -> str:
    """The Socket Mode envelope type Slack uses for this request."""
    if request.content_type.startswith("application/x-www-form-urlencoded") and (
        "command" in request.payload
    ):
        return "slash_commands"
    if request.payload.get("type") == "event_callback":
        return "events_api"
    return "interactive"


class SocketRequester(_RequesterBase[Awaitable[BotResponse]]):
    """Async, over Socket Mode: each request is an envelope on the stand-in's gateway
    WebSocket (the bot connected through apps.connections.open); the ack's payload is
    the answer, with Slack's side effects applied as for HTTP."""

    def __init__(self, slack: LocalSlack, **kwargs: Any) -> None:
        super().__init__("socket-mode", slack, **kwargs)

    def _send(self, request: _Request) -> Awaitable[BotResponse]:
        return self._deliver(request)

    async def _deliver(self, request: _Request) -> BotResponse:
        future = self.slack.socket.deliver_future(envelope_kind(request), request.payload)
        payload = await asyncio.wrap_future(future)
        text = json.dumps(payload) if payload else ""
        result = BotResponse(200, {}, text, request.payload)
        if request.after is not None:
            request.after(result)
        return result
