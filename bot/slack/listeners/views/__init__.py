"""View submissions: the booking modal."""

from __future__ import annotations

from typing import Any

from bot.slack.deps import deps_of
from bot.slack.flows.form import submit
from bot.slack.ids import CallbackId


def register(app: Any) -> None:
    deps = deps_of(app)

    @app.view(CallbackId.BOOK_MODAL.value)
    async def on_book_submit(ack: Any, body: dict[str, Any], client: Any) -> None:
        answer = await submit(deps, client, body)
        await ack(**answer) if answer else await ack()

    @app.view_closed(CallbackId.BOOK_MODAL.value)
    async def on_book_closed(ack: Any) -> None:
        await ack()
