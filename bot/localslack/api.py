"""The Web API methods a booking bot calls, answered with Slack's shapes and errors.

Each handler takes the `LocalSlack` and the decoded params and returns the JSON body
(``ok: true``) or raises `SlackError`. Handlers run under the stand-in's lock.

Checked like Slack: required arguments, users and channels existing, bot membership
(``not_in_channel``), the user being in the channel for ephemerals
(``user_not_in_channel``), ``no_text``, message blocks (``invalid_blocks``, <= 50),
views (``invalid_arguments`` with ``response_metadata.messages``), trigger ids (once,
3 s), view hashes (``hash_conflict``), views.push only onto an open modal (stack <= 3),
updating or deleting only the bot's own messages. Not modelled: threads' replies lists,
attachments' contents, unfurling, scopes (every token has every scope), pagination.
"""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Callable
from typing import Any

from bot.localslack.blockkit import check_message_blocks, check_view
from bot.localslack.model import MAX_VIEW_STACK, SlackError
from bot.localslack.stand_in import LocalSlack

Params = dict[str, Any]
Handler = Callable[[LocalSlack, Params], dict[str, Any]]
JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
MAX_TEXT = 40_000


def _require(params: Params, *names: str) -> list[Any]:
    missing = [n for n in names if params.get(n) in (None, "")]
    if missing:
        raise SlackError(
            "invalid_arguments",
            [f"[ERROR] missing required field: {n} [json-pointer:/{n}]" for n in missing],
        )
    return [params[n] for n in names]


def _user(s: LocalSlack, user_id: Any) -> Any:
    user = s.users.get(user_id) if isinstance(user_id, str) else None
    if user is None:
        raise SlackError("user_not_found")
    return user


def _channel(s: LocalSlack, channel: Any) -> Any:
    if not isinstance(channel, str):
        raise SlackError("channel_not_found")
    if channel.startswith("#"):
        for ch in s.channels.values():
            if ch.name == channel[1:]:
                return ch
        raise SlackError("channel_not_found")
    if s.dm_id(channel):
        return s.ensure_dm(channel)
    if channel.startswith("D") and "U" + channel[1:] in s.users:
        return s.ensure_dm("U" + channel[1:])
    found = s.channels.get(channel)
    if found is None or (found.is_private and not found.member):
        raise SlackError("channel_not_found")
    return found


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


# -- auth and users -----------------------------------------------------------------------


def auth_test(s: LocalSlack, p: Params) -> dict[str, Any]:
    return {
        "ok": True,
        "url": f"https://{s.team_domain}.slack.com/",
        "team": "Local Workspace",
        "user": "bookbot",
        "team_id": s.team_id,
        "user_id": s.bot_user_id,
        "bot_id": s.bot_id,
        "is_enterprise_install": False,
    }


def apps_connections_open(s: LocalSlack, p: Params) -> dict[str, Any]:
    """A Socket Mode WebSocket URL (app-level token only; see server.py's gateway)."""
    return {"ok": True, "url": s.socket_url()}


def users_info(s: LocalSlack, p: Params) -> dict[str, Any]:
    (user_id,) = _require(p, "user")
    return {"ok": True, "user": _user(s, user_id).to_api(s.team_id, s.now())}


def users_lookup_by_email(s: LocalSlack, p: Params) -> dict[str, Any]:
    (email,) = _require(p, "email")
    for user in s.users.values():
        if user.email and user.email.lower() == str(email).lower():
            return {"ok": True, "user": user.to_api(s.team_id, s.now())}
    raise SlackError("users_not_found")


def users_list(s: LocalSlack, p: Params) -> dict[str, Any]:
    """Members in pages of `limit` (default 200, at most 1000); `cursor` continues."""
    try:
        limit = min(max(int(p.get("limit") or 200), 1), 1000)
        start = int(str(p.get("cursor") or "u:0").removeprefix("u:"))
    except ValueError:
        raise SlackError("invalid_cursor") from None
    members = list(s.users.values())
    page = members[start : start + limit]
    after = start + limit
    return {
        "ok": True,
        "members": [user.to_api(s.team_id, s.now()) for user in page],
        "response_metadata": {"next_cursor": f"u:{after}" if after < len(members) else ""},
    }


def users_profile_get(s: LocalSlack, p: Params) -> dict[str, Any]:
    user = _user(s, p.get("user") or s.bot_user_id)
    return {"ok": True, "profile": user.profile()}


# -- conversations ------------------------------------------------------------------------


def conversations_open(s: LocalSlack, p: Params) -> dict[str, Any]:
    if p.get("channel"):
        ch = _channel(s, p["channel"])
        return {"ok": True, "channel": {"id": ch.id}}
    (users,) = _require(p, "users")
    ids = [u.strip() for u in str(users).split(",") if u.strip()]
    if len(ids) != 1:
        raise SlackError("not_supported", ["[ERROR] only one user is supported here"])
    _user(s, ids[0])
    dm = s.ensure_dm(ids[0])
    if _bool(p.get("return_im")):
        return {"ok": True, "channel": dm.to_api(s.now())}
    return {"ok": True, "channel": {"id": dm.id}}


def conversations_info(s: LocalSlack, p: Params) -> dict[str, Any]:
    (channel,) = _require(p, "channel")
    return {"ok": True, "channel": _channel(s, channel).to_api(s.now())}


# -- chat ---------------------------------------------------------------------------------


def _check_content(p: Params, *, required: bool = True) -> None:
    text, blocks = p.get("text"), p.get("blocks")
    if required and not text and not blocks and not p.get("attachments"):
        raise SlackError("no_text")
    if text is not None and not isinstance(text, str):
        raise SlackError("invalid_arguments", ["[ERROR] must be a string [json-pointer:/text]"])
    if isinstance(text, str) and len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    if blocks is not None:
        errors = check_message_blocks(blocks)
        if errors:
            raise SlackError("invalid_blocks", errors)


def _bot_message(s: LocalSlack, channel: str, p: Params, ts: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "ts": ts,
        "user": s.bot_user_id,
        "bot_id": s.bot_id,
        "app_id": s.app_id,
        "team": s.team_id,
        "text": p.get("text") or "",
    }
    for key in ("blocks", "attachments", "thread_ts", "metadata"):
        if p.get(key) is not None:
            message[key] = copy.deepcopy(p[key])
    return message


def post_message(s: LocalSlack, channel_id: str, p: Params) -> dict[str, Any]:
    """Post as the bot (also used for in_channel response_url posts)."""
    ts = s.next_ts()
    message = _bot_message(s, channel_id, p, ts)
    s.message_list(channel_id).append(message)
    return message


def chat_post_message(s: LocalSlack, p: Params) -> dict[str, Any]:
    (channel,) = _require(p, "channel")
    ch = _channel(s, channel)
    if not ch.member:
        raise SlackError("not_in_channel")
    _check_content(p)
    message = post_message(s, ch.id, p)
    public = {k: v for k, v in message.items() if k != "channel"}
    return {"ok": True, "channel": ch.id, "ts": message["ts"], "message": public}


def chat_post_ephemeral(s: LocalSlack, p: Params) -> dict[str, Any]:
    channel, user_id = _require(p, "channel", "user")
    ch = _channel(s, channel)
    _user(s, user_id)
    if not ch.member:
        raise SlackError("not_in_channel")
    in_channel = ch.im_user == user_id if ch.is_im else user_id in ch.members
    if not in_channel:
        raise SlackError("user_not_in_channel")
    _check_content(p)
    ts = s.next_ts()
    message = _bot_message(s, ch.id, p, ts)
    message.update(ephemeral=True, to_user=user_id, source="chat.postEphemeral")
    s.ephemeral_list(user_id).append(message)
    return {"ok": True, "message_ts": ts}


def _find_message(s: LocalSlack, channel_id: str, ts: Any) -> dict[str, Any]:
    for message in s.message_list(channel_id):
        if message["ts"] == ts:
            return message
    raise SlackError("message_not_found")


def chat_update(s: LocalSlack, p: Params) -> dict[str, Any]:
    channel, ts = _require(p, "channel", "ts")
    ch = _channel(s, channel)
    message = _find_message(s, ch.id, ts)
    if message.get("bot_id") != s.bot_id:
        raise SlackError("cant_update_message")
    _check_content(p, required=False)
    if p.get("text") is None and p.get("blocks") is None and p.get("attachments") is None:
        raise SlackError("no_text")
    update_message(message, p)
    return {"ok": True, "channel": ch.id, "ts": ts, "text": message["text"], "message": message}


def update_message(message: dict[str, Any], p: Params) -> None:
    if p.get("text") is not None:
        message["text"] = p["text"]
    for key in ("blocks", "attachments"):
        if p.get(key) is not None:
            message[key] = copy.deepcopy(p[key])
    message["edited"] = {"user": message.get("user")}


def chat_delete(s: LocalSlack, p: Params) -> dict[str, Any]:
    channel, ts = _require(p, "channel", "ts")
    ch = _channel(s, channel)
    message = _find_message(s, ch.id, ts)
    if message.get("bot_id") != s.bot_id:
        raise SlackError("cant_delete_message")
    s.message_list(ch.id).remove(message)
    return {"ok": True, "channel": ch.id, "ts": ts}


def chat_get_permalink(s: LocalSlack, p: Params) -> dict[str, Any]:
    channel, ts = _require(p, "channel", "message_ts")
    ch = _channel(s, channel)
    _find_message(s, ch.id, ts)
    link = f"https://{s.team_domain}.slack.com/archives/{ch.id}/p{str(ts).replace('.', '')}"
    return {"ok": True, "channel": ch.id, "permalink": link}


# -- views --------------------------------------------------------------------------------


def _view_arg(p: Params) -> dict[str, Any]:
    (view,) = _require(p, "view")
    errors = check_view(view)
    if errors:
        raise SlackError("invalid_arguments", errors)
    return dict(view)


def _new_hash(s: LocalSlack) -> str:
    return f"{int(s.now())}.{secrets.token_hex(4)}"


def _full_view(s: LocalSlack, view: dict[str, Any], view_id: str, **links: Any) -> dict[str, Any]:
    full: dict[str, Any] = {
        "id": view_id,
        "team_id": s.team_id,
        "type": view["type"],
        "blocks": copy.deepcopy(view.get("blocks", [])),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": _new_hash(s),
        "title": copy.deepcopy(view.get("title")),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "close": copy.deepcopy(view.get("close")),
        "submit": copy.deepcopy(view.get("submit")),
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": s.app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": s.team_id,
        "bot_id": s.bot_id,
    }
    full.update(links)
    return full


def _check_external_id(s: LocalSlack, view: dict[str, Any], own_id: str | None = None) -> None:
    ext = view.get("external_id")
    if ext and any(v["external_id"] == ext and k != own_id for k, v in s.view_map().items()):
        raise SlackError("duplicate_external_id")


def open_view(s: LocalSlack, view: dict[str, Any], **links: Any) -> dict[str, Any]:
    view_id = "V" + secrets.token_hex(5).upper()
    full = _full_view(s, view, view_id, **links)
    if "root_view_id" not in links:
        full["root_view_id"] = view_id
    s.view_map()[view_id] = full
    return full


def views_open(s: LocalSlack, p: Params) -> dict[str, Any]:
    (trigger_id,) = _require(p, "trigger_id")
    view = _view_arg(p)
    if view["type"] != "modal":
        raise SlackError("invalid_arguments", ["[ERROR] must be modal [json-pointer:/view/type]"])
    trigger = s.use_trigger(trigger_id)
    _check_external_id(s, view)
    full = open_view(s, view)
    if trigger.user_id:
        s.view_owner[full["id"]] = trigger.user_id
    return {"ok": True, "view": copy.deepcopy(full)}


def views_push(s: LocalSlack, p: Params) -> dict[str, Any]:
    (trigger_id,) = _require(p, "trigger_id")
    view = _view_arg(p)
    if view["type"] != "modal":
        raise SlackError("invalid_arguments", ["[ERROR] must be modal [json-pointer:/view/type]"])
    trigger = s.use_trigger(trigger_id)
    parent = s.view_map().get(trigger.view_id or "")
    if parent is None or parent["type"] != "modal":
        raise SlackError(
            "not_found", ["[ERROR] views.push needs a trigger from an interaction in an open modal"]
        )
    root = parent["root_view_id"]
    if sum(1 for v in s.view_map().values() if v.get("root_view_id") == root) >= MAX_VIEW_STACK:
        raise SlackError("push_limit_reached")
    _check_external_id(s, view)
    full = open_view(s, view, previous_view_id=parent["id"], root_view_id=root)
    owner = trigger.user_id or s.view_owner.get(parent["id"])
    if owner:
        s.view_owner[full["id"]] = owner
    return {"ok": True, "view": copy.deepcopy(full)}


def _find_view(s: LocalSlack, p: Params) -> dict[str, Any]:
    view_id, external_id = p.get("view_id"), p.get("external_id")
    if bool(view_id) == bool(external_id):
        raise SlackError(
            "invalid_arguments", ["[ERROR] exactly one of view_id or external_id is required"]
        )
    for key, view in s.view_map().items():
        if (view_id and key == view_id) or (external_id and view["external_id"] == external_id):
            return view
    raise SlackError("not_found")


def replace_view(s: LocalSlack, current: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """Replace a view's content in place (views.update, response_action=update)."""
    links = {k: current[k] for k in ("previous_view_id", "root_view_id")}
    full = _full_view(s, view, current["id"], **links)
    block_ids = {b.get("block_id") for b in full["blocks"] if isinstance(b, dict)}
    kept = {k: v for k, v in s.view_state.get(current["id"], {}).items() if k in block_ids}
    s.view_state[current["id"]] = kept
    full["state"] = {"values": copy.deepcopy(kept)}
    s.view_map()[current["id"]] = full
    return full


def views_update(s: LocalSlack, p: Params) -> dict[str, Any]:
    view = _view_arg(p)
    current = _find_view(s, p)
    if p.get("hash") and p["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    if view["type"] != current["type"]:
        raise SlackError("invalid_arguments", ["[ERROR] cannot change the view type"])
    _check_external_id(s, view, current["id"])
    return {"ok": True, "view": copy.deepcopy(replace_view(s, current, view))}


def views_publish(s: LocalSlack, p: Params) -> dict[str, Any]:
    (user_id,) = _require(p, "user_id")
    view = _view_arg(p)
    if view["type"] != "home":
        raise SlackError("invalid_arguments", ["[ERROR] must be home [json-pointer:/view/type]"])
    _user(s, user_id)
    current_id = s.home_map().get(user_id)
    if current_id:
        current = s.view_map()[current_id]
        if p.get("hash") and p["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        full = replace_view(s, current, view)
    else:
        full = open_view(s, view)
        s.home_map()[user_id] = full["id"]
        s.view_owner[full["id"]] = user_id
    return {"ok": True, "view": copy.deepcopy(full)}


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "users.list": users_list,
    "users.profile.get": users_profile_get,
    "conversations.open": conversations_open,
    "conversations.info": conversations_info,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.getPermalink": chat_get_permalink,
    "views.open": views_open,
    "views.update": views_update,
    "views.push": views_push,
    "views.publish": views_publish,
    "apps.connections.open": apps_connections_open,
}
#: methods called with the app-level token (xapp-…), not the bot token
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


def decode_json_fields(params: Params) -> None:
    """Form-encoded calls carry ``blocks``/``view``/... as JSON strings: decode them."""
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError as exc:
                raise SlackError(
                    "invalid_arguments", [f"[ERROR] invalid JSON: {exc} [json-pointer:/{key}]"]
                ) from exc


def call(s: LocalSlack, method: str, params: Params) -> dict[str, Any]:
    handler = METHODS.get(method)
    if handler is None:
        raise SlackError("unknown_method")
    with s.lock:
        return handler(s, params)
