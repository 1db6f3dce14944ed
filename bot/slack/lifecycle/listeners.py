"""Bolt listeners of the lifecycle buttons and modals: ack at once, work in a task.

A modal submission's answer is its ack: it replaces the modal with "Working…" at once,
and the task fills in the outcome (the site may take longer than Slack's 3 seconds).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.fluentbooking.lifecycle import Change
from bot.slack import errors
from bot.slack.deps import Deps
from bot.slack.lifecycle import flow, views
from bot.slack.origin import origin_of

#: a view_submission listener as Bolt calls it
ViewListener = Callable[[AsyncAck, dict[str, Any], AsyncWebClient], Awaitable[None]]

log = logging.getLogger(__name__)

SUBMITS = {
    views.CANCEL_MODAL: (Change.CANCEL, "Cancelling the booking…"),
    views.DECLINE_MODAL: (Change.DECLINE, "Declining the request…"),
    views.RESCHEDULE_MODAL: (Change.RESCHEDULE, "Moving the booking…"),
}


def register(app: AsyncApp, deps: Deps) -> None:
    @app.action(
        re.compile(f"^{views.ACTION_PREFIX}(cancel|reschedule|approve|decline|completed|no_show)$")
    )
    async def on_lifecycle_button(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        surface = origin_of(body, respond).surface(client)
        deps.spawn_for(surface, flow.on_button(deps, client, body), action="a lifecycle button")

    @app.action(views.DAY_ACTION)
    async def on_lifecycle_day(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        surface = flow.in_modal(client, str((body.get("view") or {}).get("id") or ""))
        deps.spawn_for(surface, flow.on_day_pick(deps, client, body), action="a reschedule day")

    @app.action(views.TIME_ACTION)
    async def on_lifecycle_time(ack: AsyncAck) -> None:
        await ack()

    for callback, (change, working) in SUBMITS.items():
        app.view(callback)(_submit(deps, change, working))
        app.view_closed(callback)(_ack_only)
    app.view_closed(views.RESULT_MODAL)(_ack_only)


def _submit(deps: Deps, change: Change, working: str) -> ViewListener:
    async def listener(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        if change is Change.RESCHEDULE and flow.new_time_of(flow.values_of(body)) is None:
            await ack(response_action="errors", errors={_time_block(body): "Pick a new time."})
            return
        view_id = str((body.get("view") or {}).get("id") or "")
        task = deps.spawn(flow.on_submit(deps, client, body, change))
        try:
            done = await asyncio.wait_for(asyncio.shield(task), deps.submit_inline_seconds)
        except TimeoutError:
            await ack(response_action="update", view=views.working_view(working))
            later = flow.finish_later(deps, client, view_id, task)
            deps.spawn_for(flow.in_modal(client, view_id), later, action=f"{change.value} (later)")
            return
        except Exception as exc:  # the submission's answer is this view: the failure shown in it
            err = errors.describe(exc, action=change.value)
            await ack(response_action="update", view=flow.failed_view(err.message, err.request_id))
            return
        await ack(response_action="update", view=done.view)
        deps.spawn(flow.after_submit(deps, client, view_id, done))

    listener.__name__ = f"submit_{change.value}"
    return listener


def _time_block(body: dict[str, Any]) -> str:
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return next((b for b in values if b.startswith(views.TIME_BLOCK)), views.DAY_BLOCK)


async def _ack_only(ack: AsyncAck) -> None:
    await ack()
