"""Callback, block and action ids of the /booking-settings modal (kept apart from the
booking modal's ids in bot.slack.ids)."""

from __future__ import annotations

from enum import StrEnum


class AdminCallback(StrEnum):
    PICK = "admin_settings_pick"  # choose an integration
    EDIT = "admin_settings_edit"  # one integration's settings
    INFO = "admin_settings_info"  # loading, result, refusal and error views (no submit)


class AdminBlock(StrEnum):
    KEY = "admin_key"
    OTHER_KEY = "admin_other_key"
    FIELD = "admin_f:"  # + the setting's name
    ACTIONS = "admin_actions"


class AdminAction(StrEnum):
    KEY = "admin_key_select"
    OTHER_KEY = "admin_other_key_input"
    VALUE = "admin_value"
    OPEN_KEY = "admin_open_key"  # button; value: the integration key
    PICK_ANOTHER = "admin_pick_another"


#: the chooser's "other key" option value
OTHER = "__other__"
