"""Pure Block Kit builders for /booking-settings: data in, dict out, no network.

Nothing secret reaches these builders: `IntegrationInfo` holds masked values only, and
`private_metadata` holds the integration key and the channel, never a setting.
"""

from __future__ import annotations

from typing import Any

from bot.slack.admin.ids import OTHER, AdminAction, AdminBlock, AdminCallback
from bot.slack.admin.service import (
    KNOWN_INTEGRATIONS,
    FieldInfo,
    IntegrationInfo,
    SaveResult,
)
from bot.slack.blocks import button, context, message, section
from bot.slack.codec import IntegrationKeyValue, PickAnotherValue, SettingsMeta
from bot.slack.modal import modal_view
from bot.slack.text import (
    MAX_BLOCKS_MODAL,
    escape,
    plain,
    truncate,
)

TITLE = "Booking settings"
COMMAND = "/booking-settings"
MAX_BLOCK_ID = 255
PRO_HINT = (
    "Most integrations (calendars, Zoom, payments) come with *FluentBooking Pro*: install "
    "and activate it on the site, set the integration up once in WordPress, then try again."
)


def metadata(key: str | None, channel_id: str | None) -> SettingsMeta:
    """What a view remembers: the integration key and the channel. Never a value."""
    return SettingsMeta(channel_id=channel_id, key=key or None)


def _view(
    callback: AdminCallback,
    blocks: list[dict[str, Any]],
    meta: SettingsMeta,
    *,
    submit: str | None = None,
    close: str = "Close",
) -> dict[str, Any]:
    return modal_view(callback.value, TITLE, blocks, meta, submit=submit, close=close)


def _pick_another_button() -> dict[str, Any]:
    return button("Choose another integration", AdminAction.PICK_ANOTHER.value, PickAnotherValue())


def _title(key: str, name: str) -> str:
    return f"*{escape(name)}* (`{escape(key)}`)"


def _pick_another() -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": AdminBlock.ACTIONS.value,
        "elements": [
            button("Choose another integration", AdminAction.PICK_ANOTHER.value, PickAnotherValue())
        ],
    }


def loading_view(meta: SettingsMeta, text: str = "Loading the integration settings…"):
    return _view(AdminCallback.INFO, [section(f":hourglass_flowing_sand: {escape(text)}")], meta)


def picker_view(meta: SettingsMeta) -> dict[str, Any]:
    options = [
        {"text": plain(f"{name} ({key})"), "value": key} for key, name in KNOWN_INTEGRATIONS.items()
    ]
    options.append({"text": plain("Other key (type it below)"), "value": OTHER})
    blocks: list[dict[str, Any]] = [
        section(
            "Choose an integration to see its settings on the booking site. "
            "Secrets are always shown masked."
        ),
        {
            "type": "input",
            "block_id": AdminBlock.KEY.value,
            "label": plain("Integration"),
            "optional": True,
            "element": {
                "type": "static_select",
                "action_id": AdminAction.KEY.value,
                "placeholder": plain("Choose…"),
                "options": options,
            },
        },
        {
            "type": "input",
            "block_id": AdminBlock.OTHER_KEY.value,
            "label": plain("Other key"),
            "optional": True,
            "element": {
                "type": "plain_text_input",
                "action_id": AdminAction.OTHER_KEY.value,
                "placeholder": plain("e.g. fluent_crm"),
                "max_length": 64,
            },
            "hint": plain("Letters, digits, _ or -. Used when you choose “Other key”.", 2000),
        },
    ]
    return _view(AdminCallback.PICK, blocks, meta, submit="Open", close="Cancel")


def _field_block(f: FieldInfo) -> dict[str, Any]:
    block_id = f"{AdminBlock.FIELD.value}{f.name}"
    label = plain(f.label, 2000)
    if f.kind == "fixed" or len(block_id) > MAX_BLOCK_ID:
        return section(
            f"*{escape(f.label)}*: a structured value; change it in WordPress "
            "(FluentBooking → Settings)."
        )
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "label": label}
    if f.kind == "bool":
        on = {"text": plain("On"), "value": "true"}
        off = {"text": plain("Off"), "value": "false"}
        block["element"] = {
            "type": "static_select",
            "action_id": AdminAction.VALUE.value,
            "options": [on, off],
            "initial_option": on if f.on else off,
        }
        return block
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": AdminAction.VALUE.value}
    block["optional"] = True
    if f.kind == "secret":
        # never an initial value: the secret stays on the site
        if f.has_value:
            element["placeholder"] = plain(f"unchanged ({f.masked}) — type to replace", 150)
        else:
            element["placeholder"] = plain("not set — type a value to set it", 150)
        block["hint"] = plain(
            "Secret: never shown in Slack. Leave empty to keep the current value.", 2000
        )
    elif f.shown:
        element["initial_value"] = f.shown
    block["element"] = element
    return block


def settings_view(info: IntegrationInfo, meta: SettingsMeta) -> dict[str, Any]:
    """One integration: its state, each setting (secrets masked), Save when editable."""
    blocks: list[dict[str, Any]]
    if info.unavailable:
        blocks = [
            section(
                f":no_entry: {_title(info.key, info.name)} is *not available or not configured "
                "on this site*: the site answered `status: false` with no settings."
            ),
            context(PRO_HINT),
            _pick_another(),
        ]
        return _view(AdminCallback.INFO, blocks, meta)
    state = (
        ":white_check_mark: set up (`status: true`)"
        if info.status
        else ":warning: not set up yet (`status: false`)"
    )
    blocks = [section(f"{_title(info.key, info.name)}\nStatus: {state}")]
    if info.described:
        described = ", ".join(
            f"{escape(label)} ({escape(kind)})" if kind else escape(label)
            for label, kind in info.described
        )
        blocks.append(context(truncate(f"Fields the site describes: {described}", 3000)))
    if not info.fields:
        blocks.append(section("The site sends no settings for this integration."))
    else:
        blocks.append(
            context(
                ":lock: Secrets are masked and never shown. Leave a masked field empty to keep "
                "it; only the fields you change are saved."
            )
        )
        # leave room for the header blocks and the actions block
        for f in info.fields[: MAX_BLOCKS_MODAL - 5]:
            blocks.append(_field_block(f))
    blocks.append(_pick_another())
    submit = "Save" if info.editable else None
    callback = AdminCallback.EDIT if info.editable else AdminCallback.INFO
    return _view(callback, blocks, meta, submit=submit)


def saving_view(meta: SettingsMeta) -> dict[str, Any]:
    return loading_view(meta, "Saving… the site is slow, this takes a moment.")


def result_view(result: SaveResult, meta: SettingsMeta) -> dict[str, Any]:
    """After a save: what changed and whether the site kept it. Never a value."""
    title = _title(result.key, result.name)
    blocks: list[dict[str, Any]]
    if result.outcome == "unavailable":
        blocks = [
            section(
                f":no_entry: Nothing was saved: {title} is not available or not configured "
                "on this site."
            ),
            context(PRO_HINT),
        ]
    elif result.outcome == "nothing":
        blocks = [
            section(
                f":information_source: Nothing to save for {title}: you did not change any "
                "field. Masked fields left empty keep their value."
            )
        ]
    elif not result.lost:
        blocks = [
            section(
                f":white_check_mark: Saved {title}: {_names(result.changed)}. "
                "I read the settings back: the site kept them."
            )
        ]
    else:
        blocks = [
            section(
                f":warning: The site answered “{escape(truncate(result.message, 200))}” for "
                f"{title}, but reading the settings back shows it *did not keep* "
                f"{_names(result.lost)}."
            ),
            context(
                "Check the integration in WordPress (FluentBooking → Settings). A site without "
                "FluentBooking Pro answers “saved” without storing integration settings."
            ),
        ]
        if result.kept:
            blocks.insert(1, section(f"Kept: {_names(result.kept)}."))
    blocks.append(_pick_another())
    return _view(AdminCallback.INFO, blocks, meta)


def error_view(
    text: str, meta: SettingsMeta, *, key: str | None = None, request_id: str | None = None
) -> dict[str, Any]:
    """A failure: what happened, what to do; a Try again button when a key is known."""
    blocks: list[dict[str, Any]] = [section(f":warning: {escape(text)}")]
    if request_id:
        blocks.append(context(f"Reference: `{escape(request_id)}`"))
    buttons = []
    if key:
        buttons.append(
            button("Try again", AdminAction.OPEN_KEY.value, IntegrationKeyValue(key=key))
        )
    buttons.append(
        button("Choose another integration", AdminAction.PICK_ANOTHER.value, PickAnotherValue())
    )
    blocks.append({"type": "actions", "block_id": AdminBlock.ACTIONS.value, "elements": buttons})
    return _view(AdminCallback.INFO, blocks, meta)


def _names(labels: tuple[str, ...]) -> str:
    return ", ".join(f"*{escape(label)}*" for label in labels) or "no field"


# -- messages ----------------------------------------------------------------------------


def refusal_message(user_id: str) -> dict[str, Any]:
    text = (
        ":lock: Only the booking site's admins can see or change its integration settings: "
        "workspace admins and owners, and the people listed in `BOOKING_ADMINS`. "
        f"To be added, ask whoever runs this bot to add your user id `{escape(user_id)}` to "
        "`BOOKING_ADMINS` (comma-separated) and restart it."
    )
    return message([section(text)], "Only admins can use /booking-settings")


def refusal_view(user_id: str, meta: SettingsMeta) -> dict[str, Any]:
    """The refusal, inside a modal (a submission or button from a non-admin)."""
    blocks = refusal_message(user_id)["blocks"]
    return _view(AdminCallback.INFO, blocks, SettingsMeta(channel_id=meta.channel_id))


def help_message() -> dict[str, Any]:
    text = (
        f"*`{COMMAND}`* shows and changes the booking site's integration settings "
        "(Google Calendar, Zoom, Stripe…). Admins only: workspace admins and owners, and the "
        "user ids in `BOOKING_ADMINS`.\n"
        f"• `{COMMAND}` opens a form to choose an integration.\n"
        f"• `{COMMAND} google_calendar` opens that integration directly.\n"
        "• Secrets are always masked (last 4 characters at most). Leave a masked field empty "
        "to keep it; only the fields you type are saved, and I read them back to check the "
        "site kept them.\n"
        "• An integration the site does not offer (most need FluentBooking Pro) is shown as "
        "not available."
    )
    return message(
        [section(text), context("Commands: `/book`, `/slots`, `/bookings`, `/booking-settings`")],
        f"Help for {COMMAND}",
    )


def bad_key_message(text: str) -> dict[str, Any]:
    return message(
        [
            section(
                f":thinking_face: `{escape(truncate(text, 80))}` is not an integration key. "
                f"Keys are letters, digits, _ or - (e.g. `google_calendar`); "
                f"`{COMMAND}` alone lets you choose, `{COMMAND} help` explains."
            )
        ],
        "Not an integration key",
    )


def audit_text(user_id: str, result: SaveResult) -> str:
    """The one-line audit note: who, which integration, which fields. Never a value."""
    line = (
        f":gear: <@{escape(user_id)}> changed {_title(result.key, result.name)} settings: "
        f"{_names(result.changed)}."
    )
    if result.lost:
        line += f" The site did not keep {_names(result.lost)}."
    return line


def audit_message(user_id: str, result: SaveResult) -> dict[str, Any]:
    text = audit_text(user_id, result)
    return message([section(text)], f"Integration settings changed: {result.name}")
