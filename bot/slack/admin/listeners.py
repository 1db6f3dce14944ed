"""Bolt listeners of `/booking-settings` and its modal: ack at once, work in a task
(`Deps.spawn`), except view submissions, whose answer is the ack itself."""

from __future__ import annotations

from typing import Any

from bot.slack.admin import flow
from bot.slack.admin.ids import AdminAction, AdminCallback
from bot.slack.deps import Deps
from bot.slack.origin import origin_of


def register(app: Any, deps: Deps) -> None:
    @app.command("/booking-settings")
    async def on_settings_command(
        ack: Any, body: dict[str, Any], client: Any, respond: Any
    ) -> None:
        await ack()
        deps.spawn(flow.handle_command(deps, client, body, origin_of(body, respond)))

    @app.view(AdminCallback.PICK.value)
    async def on_admin_pick(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack(**await flow.submit_pick(deps, client, body))

    @app.view(AdminCallback.EDIT.value)
    async def on_admin_edit(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack(**await flow.submit_edit(deps, client, body))

    for callback in AdminCallback:
        app.view_closed(callback.value)(_ack_only)

    app.action(AdminAction.OPEN_KEY.value)(_bind(deps, flow.on_open_key))
    app.action(AdminAction.PICK_ANOTHER.value)(_bind(deps, flow.on_pick_another))


def _bind(deps: Deps, handler: Any) -> Any:
    async def listener(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        deps.spawn(handler(deps, client, body))

    listener.__name__ = f"ack_{handler.__name__}"
    return listener


async def _ack_only(ack: Any) -> None:
    await ack()
