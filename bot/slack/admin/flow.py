"""The /booking-settings flows: access check, open, choose, save. Slack glue only; the
rules live in `service` and the Block Kit in `views`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import errors
from bot.slack.admin import service, views
from bot.slack.admin.ids import OTHER, AdminAction, AdminBlock
from bot.slack.codec import IntegrationKeyValue, SettingsMeta, WireError
from bot.slack.deps import Deps
from bot.slack.origin import Origin

log = logging.getLogger(__name__)

HELP_WORDS = {"help", "-h", "--help", "?"}
AUTH_TEXT = (
    "The booking site refused the bot's credentials (HTTP 401), so no settings were read "
    "or changed. Fix FLUENTBOOKING_APP_PASSWORD (a WordPress Application Password of an "
    "admin user, not the login password) and FLUENTBOOKING_USERNAME, restart the bot, "
    "then try again."
)
RETYPE_TEXT = (
    " Nothing was saved. For safety the values you typed are not shown again: open the "
    "settings with Try again and type them once more."
)


# -- access ------------------------------------------------------------------------------


async def is_admin(deps: Deps, client: AsyncWebClient, user_id: str) -> bool:
    """BOOKING_ADMINS, or a workspace admin/owner per users.info. Asked every time."""
    if not user_id:
        return False
    if user_id in (getattr(deps.settings, "booking_admins", None) or ()):
        return True
    try:
        resp = await client.users_info(user=user_id)
    except errors.SLACK_CALL_FAILED as exc:  # rights unknown: refuse (the safe answer)
        log.warning("could not check admin rights of %s: %s", user_id, errors.slack_error(exc))
        return False
    user = resp.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def refused(user_id: str, action: str) -> None:
    log.info("refused %s to %s: not a booking admin", action, user_id)


# -- the command -------------------------------------------------------------------------


async def handle_command(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], origin: Origin
) -> None:
    """`/booking-settings [key|help]`: after the ack (the caller acked already)."""
    text = (body.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        await origin.respond(**views.help_message())
        return
    key: str | None = None
    if text:
        key = service.check_key(text) if len(text.split()) == 1 else None
        if key is None:
            await origin.respond(**views.bad_key_message(text))
            return
    user_id = origin.user_id
    if not await is_admin(deps, client, user_id):
        refused(user_id, "/booking-settings")
        await origin.respond(**views.refusal_message(user_id), response_type="ephemeral")
        return
    meta = views.metadata(key, origin.channel_id)
    if key is None:
        await client.views_open(trigger_id=origin.trigger_id or "", view=views.picker_view(meta))
        return
    opened = await client.views_open(
        trigger_id=origin.trigger_id or "", view=views.loading_view(meta)
    )
    view = opened["view"]
    errors.move_to(in_modal(client, view["id"], meta, key))
    new_view = await settings_or_error(deps, key, meta)
    await client.views_update(view_id=view["id"], hash=view.get("hash"), view=new_view)


def in_modal(
    client: AsyncWebClient, view_id: str, meta: SettingsMeta, key: str | None = None
) -> errors.OpenModal:
    """The settings modal as the surface a failure is told on."""
    return errors.OpenModal(
        client, view_id, lambda text, rid: views.error_view(text, meta, key=key, request_id=rid)
    )


async def settings_or_error(deps: Deps, key: str, meta: SettingsMeta) -> dict[str, Any]:
    """The settings view for `key`, or an error view saying what went wrong."""
    try:
        found = await deps.fb.get_integration(key)
    except Exception as exc:  # a submission's answer is this view: the failure is shown in it
        text, rid = _error_text(exc, "reading integration settings")
        return views.error_view(text, meta, key=key, request_id=rid)
    return views.settings_view(service.describe(found), meta)


def _error_text(exc: BaseException, action: str) -> tuple[str, str | None]:
    if getattr(exc, "kind", None) == "auth":
        log.warning("site refused the bot's credentials during %s", action)
        return AUTH_TEXT, None
    err = errors.describe(exc, action=action)
    return err.message, err.request_id


# -- view submissions --------------------------------------------------------------------


def read_meta(view: dict[str, Any]) -> SettingsMeta:
    """The modal's memory; one that is not this bot's (changed, outdated) is logged and
    read as knowing nothing (no key: nothing is loaded or saved)."""
    try:
        return SettingsMeta.decode(view.get("private_metadata"))
    except WireError as exc:
        errors.describe(exc, action="a settings view")  # logs it
        return SettingsMeta(channel_id=None)


def _values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return ((view.get("state") or {}).get("values")) or {}


def read_edits(view: dict[str, Any]) -> dict[str, Any]:
    """field name -> typed text (None when empty) or bool, from the settings form."""
    prefix = AdminBlock.FIELD.value
    typed: dict[str, Any] = {}
    for block_id, actions in _values(view).items():
        if not block_id.startswith(prefix):
            continue
        entry = (actions or {}).get(AdminAction.VALUE.value) or {}
        if entry.get("type") == "static_select":
            chosen = (entry.get("selected_option") or {}).get("value")
            if chosen in ("true", "false"):
                typed[block_id[len(prefix) :]] = chosen == "true"
        else:
            typed[block_id[len(prefix) :]] = entry.get("value")
    return typed


def read_pick(view: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """The chosen key, or the field errors to show."""
    values = _values(view)
    chosen = (
        ((values.get(AdminBlock.KEY.value) or {}).get(AdminAction.KEY.value) or {}).get(
            "selected_option"
        )
        or {}
    ).get("value")
    other = (
        ((values.get(AdminBlock.OTHER_KEY.value) or {}).get(AdminAction.OTHER_KEY.value) or {}).get(
            "value"
        )
        or ""
    ).strip()
    if chosen and chosen != OTHER:
        return chosen, {}
    if not other:
        block = AdminBlock.OTHER_KEY.value if chosen == OTHER else AdminBlock.KEY.value
        return None, {block: "Choose an integration, or type its key under Other key."}
    key = service.check_key(other)
    if key is None:
        return None, {AdminBlock.OTHER_KEY.value: "A key is letters, digits, _ or - only."}
    return key, {}


async def inline_or_later(
    deps: Deps,
    client: AsyncWebClient,
    view_id: str,
    work: Coroutine[Any, Any, dict[str, Any]],
    waiting: dict[str, Any],
) -> dict[str, Any]:
    """Answer the submission with the view `work` builds when it is quick; otherwise
    answer `waiting` and put the view in place with views.update when it is ready."""
    task = deps.spawn(work)
    try:
        view = await asyncio.wait_for(asyncio.shield(task), deps.submit_inline_seconds)
    except TimeoutError:
        deps.spawn(_finish_later(client, view_id, task))
        return {"response_action": "update", "view": waiting}
    return {"response_action": "update", "view": view}


async def _finish_later(
    client: AsyncWebClient, view_id: str, task: asyncio.Task[dict[str, Any]]
) -> None:
    view = await task
    try:
        await client.views_update(view_id=view_id, view=view)
    except errors.SLACK_CALL_FAILED as exc:  # the modal was closed: nowhere left to show it
        log.warning("could not update the settings modal (%s)", errors.slack_error(exc))


async def submit_pick(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> dict[str, Any]:
    view = body["view"]
    key, problems = read_pick(view)
    if key is None:
        return {"response_action": "errors", "errors": problems}
    meta = views.metadata(key, read_meta(view).channel_id)
    user_id = (body.get("user") or {}).get("id", "")

    async def work() -> dict[str, Any]:
        if not await is_admin(deps, client, user_id):
            refused(user_id, "reading integration settings")
            return views.refusal_view(user_id, meta)
        return await settings_or_error(deps, key, meta)

    return await inline_or_later(deps, client, view["id"], work(), views.loading_view(meta))


async def submit_edit(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> dict[str, Any]:
    view = body["view"]
    meta = read_meta(view)
    key = service.check_key(meta.key or "")
    user_id = (body.get("user") or {}).get("id", "")
    if key is None:
        return {
            "response_action": "update",
            "view": views.error_view("This form lost its integration key.", meta),
        }
    typed = read_edits(view)
    return await inline_or_later(
        deps,
        client,
        view["id"],
        save(deps, client, user_id, key, typed, meta),
        views.saving_view(meta),
    )


async def save(
    deps: Deps,
    client: AsyncWebClient,
    user_id: str,
    key: str,
    typed: dict[str, Any],
    meta: SettingsMeta,
) -> dict[str, Any]:
    """Re-check rights, save, read back, announce; the view to show the admin."""
    if not await is_admin(deps, client, user_id):
        refused(user_id, f"saving {key} settings")
        return views.refusal_view(user_id, meta)
    try:
        result = await service.save(deps.fb, key, typed)
    except Exception as exc:  # a submission's answer is this view: the failure is shown in it
        text, rid = _error_text(exc, "saving integration settings")
        return views.error_view(text + RETYPE_TEXT, meta, key=key, request_id=rid)
    if result.outcome == "saved":
        log.info("user %s changed %s settings: %s", user_id, key, ", ".join(result.changed_names))
        deps.spawn(announce(deps, client, user_id, result))
    return views.result_view(result, meta)


async def announce(
    deps: Deps, client: AsyncWebClient, user_id: str, result: service.SaveResult
) -> None:
    """The audit note in BOOKING_NOTIFY_CHANNEL, when set. Never a value."""
    channel = getattr(deps.settings, "booking_notify_channel", None)
    if not channel:
        return
    try:
        await client.chat_postMessage(channel=channel, **views.audit_message(user_id, result))
    except errors.SLACK_CALL_FAILED as exc:  # the save stands; the log says how to fix it
        error = errors.slack_error(exc)
        log.warning(
            "could not post the settings audit note in %s (%s): invite the bot to that "
            "channel or fix BOOKING_NOTIFY_CHANNEL",
            channel,
            error,
        )


# -- buttons -----------------------------------------------------------------------------


def _action_value(body: dict[str, Any]) -> object:
    return ((body.get("actions") or [{}])[0]).get("value")


async def on_open_key(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> None:
    """Try again: reload the integration named by the button."""
    view = body.get("view") or {}
    key = service.check_key(IntegrationKeyValue.decode(_action_value(body)).key)
    user_id = (body.get("user") or {}).get("id", "")
    meta = views.metadata(key, read_meta(view).channel_id)
    if not await is_admin(deps, client, user_id):
        refused(user_id, "reading integration settings")
        await _update(client, view, views.refusal_view(user_id, meta))
        return
    if key is None:
        await _update(client, view, views.picker_view(meta))
        return
    await _update(client, view, views.loading_view(meta))
    await _update(client, view, await settings_or_error(deps, key, meta))


async def on_pick_another(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> None:
    view = body.get("view") or {}
    user_id = (body.get("user") or {}).get("id", "")
    meta = views.metadata(None, read_meta(view).channel_id)
    if not await is_admin(deps, client, user_id):
        refused(user_id, "choosing an integration")
        await _update(client, view, views.refusal_view(user_id, meta))
        return
    await _update(client, view, views.picker_view(meta))


async def _update(client: AsyncWebClient, view: dict[str, Any], new_view: dict[str, Any]) -> None:
    await client.views_update(view_id=view.get("id"), view=new_view)
