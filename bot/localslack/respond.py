"""What Slack does with response_url posts and with the bot's ack bodies.

A response_url post is recorded as is (``slack.responses(id)``) and then applied:
``delete_original`` deletes the message the interaction came from, ``replace_original``
rewrites it, ``response_type: in_channel`` posts to the channel as the bot, anything else
is an ephemeral for the user. Acks work the same way for slash commands (a body with
text/blocks is shown to the user as an ephemeral) and, for view submissions,
``response_action`` errors/update/push/clear is applied to the view stack.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from bot.localslack import api
from bot.localslack.blockkit import check_message_blocks, check_view
from bot.localslack.model import MAX_VIEW_STACK, SlackError
from bot.localslack.stand_in import LocalSlack


def post_response(s: LocalSlack, url_id: str, body: Any) -> dict[str, Any]:
    """Handle one POST to ``{base}/response/{url_id}``; raises SlackError on bad input."""
    with s.lock:
        hook = s.use_response_url(url_id)
        if not isinstance(body, dict):
            raise SlackError("invalid_payload")
        s.response_list(url_id).append(copy.deepcopy(body))
        if body.get("delete_original"):
            if hook.channel and hook.message_ts:
                messages = s.message_list(hook.channel)
                messages[:] = [m for m in messages if m["ts"] != hook.message_ts]
            return {"ok": True}
        if isinstance(body.get("blocks"), str):
            body = {**body, "blocks": json.loads(body["blocks"])}
        if not body.get("text") and not body.get("blocks"):
            raise SlackError("no_text")
        if body.get("blocks") is not None:
            errors = check_message_blocks(body["blocks"])
            if errors:
                raise SlackError("invalid_blocks", errors)
        if body.get("replace_original") and hook.channel and hook.message_ts:
            for message in s.message_list(hook.channel):
                if message["ts"] == hook.message_ts:
                    api.update_message(message, body)
                    return {"ok": True}
            for message in s.ephemeral_list(hook.user_id or ""):
                if message["ts"] == hook.message_ts:
                    api.update_message(message, body)
                    return {"ok": True}
        if body.get("response_type") == "in_channel" and hook.channel:
            api.post_message(s, hook.channel, body)
        elif hook.user_id:
            show_ephemeral(s, hook.user_id, hook.channel, body, source="response_url")
    return {"ok": True}


def show_ephemeral(
    s: LocalSlack, user_id: str, channel: str | None, body: dict[str, Any], *, source: str
) -> dict[str, Any]:
    with s.lock:
        message = api._bot_message(s, channel or "", body, s.next_ts())
        message.update(ephemeral=True, to_user=user_id, source=source)
        s.ephemeral_list(user_id).append(message)
        return message


def apply_command_ack(
    s: LocalSlack, user_id: str, channel: str, body: Any, response_url_id: str
) -> None:
    """A slash command's ack body, if it has text or blocks, is shown like a response."""
    if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
        return
    with s.lock:
        if body.get("response_type") == "in_channel":
            api.post_message(s, channel, body)
        else:
            show_ephemeral(s, user_id, channel, body, source="ack")
        s.response_list(response_url_id)  # keep the id known even if unused


def apply_submission_ack(s: LocalSlack, view_id: str, status: int, body: Any) -> None:
    """Apply a view_submission ack to the stand-in's view stack as Slack would.

    Empty/200 closes the submitted view; ``errors`` keeps it open and records the errors
    (``slack.view_errors[view_id]``); ``update`` replaces it; ``push`` stacks a new one;
    ``clear`` closes the whole stack. A non-200 answer leaves the view open (Slack shows
    "We had some trouble connecting").
    """
    with s.lock:
        if status != 200 or view_id not in s.view_map():
            return
        action = body.get("response_action") if isinstance(body, dict) else None
        if action == "errors":
            s.view_errors[view_id] = dict(body.get("errors") or {})
            return
        s.view_errors.pop(view_id, None)
        if action == "clear":
            s.close_view(view_id, whole_stack=True)
        elif action in ("update", "push"):
            view = body.get("view")
            errors = check_view(view)
            if errors:
                raise SlackError("invalid_arguments", errors)
            current = s.view_map()[view_id]
            if action == "update":
                api.replace_view(s, current, view)
            else:
                root = current["root_view_id"]
                depth = sum(1 for v in s.view_map().values() if v.get("root_view_id") == root)
                if depth >= MAX_VIEW_STACK:
                    raise SlackError("push_limit_reached")
                pushed = api.open_view(s, view, previous_view_id=view_id, root_view_id=root)
                if view_id in s.view_owner:
                    s.view_owner[pushed["id"]] = s.view_owner[view_id]
        else:
            s.close_view(view_id)
