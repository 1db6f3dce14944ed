"""Bolt listeners of `/booking-settings` and its modal: ack at once, work in a task
(`Deps.spawn`), except view submissions, whose answer is the ack itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.admin import flow, views
from bot.slack.admin.ids import AdminAction, AdminCallback
from bot.slack.deps import Deps
from bot.slack.origin import origin_of


def register(app: AsyncApp, deps: Deps) -> None:
    @app.command("/booking-settings")
    async def on_settings_command(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        origin = origin_of(body, respond)
        work = flow.handle_command(deps, client, body, origin)
        deps.spawn_for(origin.surface(client), work, action="/booking-settings")

    @app.view(AdminCallback.PICK.value)
    async def on_admin_pick(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack(**await flow.submit_pick(deps, client, body))

    @app.view(AdminCallback.EDIT.value)
    async def on_admin_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack(**await flow.submit_edit(deps, client, body))

    for callback in AdminCallback:
        app.view_closed(callback.value)(_ack_only)

    app.action(AdminAction.OPEN_KEY.value)(_bind(deps, flow.on_open_key))
    app.action(AdminAction.PICK_ANOTHER.value)(_bind(deps, flow.on_pick_another))


AdminHandler = Callable[[Deps, AsyncWebClient, dict[str, Any]], Coroutine[Any, Any, None]]
Listener = Callable[..., Awaitable[None]]


def _bind(deps: Deps, handler: AdminHandler) -> Listener:
    async def listener(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        view = body.get("view") or {}
        meta = views.metadata(None, flow.read_meta(view).channel_id)
        surface = flow.in_modal(client, str(view.get("id") or ""), meta)
        deps.spawn_for(surface, handler(deps, client, body), action=handler.__name__)

    listener.__name__ = f"ack_{handler.__name__}"
    return listener


async def _ack_only(ack: AsyncAck) -> None:
    await ack()
