"""Bolt listeners, one package per kind; each has `register(app)`.

Listeners only ack (within a few ms) and hand the work to a task (`Deps.spawn`), except
the view submission, whose answer is the ack itself (see flows.form.submit)."""

from __future__ import annotations

from typing import Any

from bot.slack import admin
from bot.slack.listeners import actions, commands, events, options, views


def register_all(app: Any) -> None:
    for module in (commands, actions, views, events, options, admin):
        module.register(app)
