"""Integration settings for admins: what may be shown, and how an edit is saved.

No Slack types here. Secrets never leave this module except masked: `FieldInfo` carries
a plain value only for plainly harmless fields. Saving re-reads the site's current
settings, overlays only the fields the admin typed, and reads back to see what the
site really kept.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.fluentbooking.client import FluentBookingClient
from bot.fluentbooking.integration_values import kept_fields, same_value, typed_like
from bot.fluentbooking.models import IntegrationSettings
from bot.masking import field_types, is_secret_name, mask_value, reveals_nothing

log = logging.getLogger(__name__)

#: integration keys offered in the chooser, with readable names (order kept)
KNOWN_INTEGRATIONS: dict[str, str] = {
    "google_calendar": "Google Calendar",
    "outlook": "Outlook Calendar",
    "apple_calendar": "Apple Calendar",
    "zoom": "Zoom",
    "ms_teams": "Microsoft Teams",
    "stripe": "Stripe",
    "paypal": "PayPal",
    "twilio": "Twilio (SMS)",
    "webhook": "Webhooks",
    "mailchimp": "Mailchimp",
    "fluent_crm": "FluentCRM",
}

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TEXT_VALUE = 3000  # a Slack text input's limit: longer values are not edited here

FieldKind = Literal["secret", "text", "bool", "fixed"]


def integration_name(key: str) -> str:
    return KNOWN_INTEGRATIONS.get(key) or key.replace("_", " ").replace("-", " ").title()


def check_key(text: str) -> str | None:
    """The key if it is well formed (letters, digits, _ or -), else None."""
    key = text.strip()
    return key if KEY_PATTERN.match(key) else None


def humanize(name: str) -> str:
    words = re.sub(r"[_\-]+", " ", name).strip()
    return (words[:1].upper() + words[1:]) if words else name


@dataclass(frozen=True)
class FieldInfo:
    """One setting as a view may show it. `shown` is None for secrets."""

    name: str
    label: str
    kind: FieldKind
    shown: str | None = None  # the plain value (text), for non-secret fields only
    masked: str = ""  # "********abcd" for a secret with a value
    has_value: bool = False
    on: bool | None = None  # for bool fields
    field_type: str | None = None


@dataclass(frozen=True)
class IntegrationInfo:
    key: str
    name: str
    status: bool
    fields: tuple[FieldInfo, ...] = ()
    described: tuple[tuple[str, str], ...] = ()  # (label, type) from field_settings

    @property
    def unavailable(self) -> bool:
        """`status: false` with nothing in it: the site does not offer this integration."""
        return not self.status and not self.fields

    @property
    def editable(self) -> bool:
        return any(f.kind != "fixed" for f in self.fields)


def _labels(field_settings: object) -> dict[str, str]:
    if not isinstance(field_settings, dict):
        return {}
    out: dict[str, str] = {}
    for name, spec in field_settings.items():
        if isinstance(spec, dict):
            label = spec.get("label") or spec.get("title")
            if isinstance(label, str) and label.strip():
                out[str(name)] = label.strip()
    return out


def describe(found: IntegrationSettings) -> IntegrationInfo:
    """An IntegrationSettings (bot.fluentbooking.models) as an IntegrationInfo."""
    settings: dict[str, Any] = found.settings if isinstance(found.settings, dict) else {}
    fs: object = found.field_settings
    labels = _labels(fs)
    types = field_types(fs)
    names = list(settings) + [n for n in labels if n not in settings]
    fields = tuple(
        _field(name, settings.get(name), labels.get(name), types.get(name)) for name in names
    )
    described = tuple((labels.get(n) or humanize(n), types.get(n, "")) for n in labels)
    return IntegrationInfo(
        key=found.key,
        name=integration_name(found.key),
        status=bool(found.available),
        fields=fields,
        described=described,
    )


def _field(name: str, value: object, label: str | None, field_type: str | None) -> FieldInfo:
    label = label or humanize(name)
    if isinstance(value, bool):
        return FieldInfo(name, label, "bool", on=value, has_value=True, field_type=field_type)
    if isinstance(value, dict | list):
        return FieldInfo(name, label, "fixed", has_value=bool(value), field_type=field_type)
    has_value = not reveals_nothing(value)
    text = "" if value is None else str(value)
    if is_secret_name(name, field_type):
        masked = mask_value(text) if has_value else ""
        return FieldInfo(name, label, "secret", masked=masked, has_value=has_value)
    if len(text) > MAX_TEXT_VALUE:
        return FieldInfo(name, label, "fixed", has_value=True, field_type=field_type)
    return FieldInfo(name, label, "text", shown=text, has_value=has_value, field_type=field_type)


# -- saving ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    key: str
    name: str
    outcome: Literal["saved", "nothing", "unavailable"]
    changed: tuple[str, ...] = ()  # labels of the fields sent with a new value
    kept: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()  # labels the site answered "saved" for but did not keep
    message: str = ""  # the site's own answer
    changed_names: tuple[str, ...] = field(default=(), repr=False)


def merge(current: dict[str, Any], typed: dict[str, Any], known: set[str]) -> dict[str, Any]:
    """The changed fields: `typed` (field -> str | bool from the form) where it differs
    from `current`. Only fields the site knows (`known`) are taken; a secret left empty
    was dropped by the form already. Numbers stay numbers when the typed text is one."""
    changes: dict[str, Any] = {}
    for name, raw in typed.items():
        if name not in known:
            continue
        old = current.get(name)
        new = typed_like(raw, old)
        if not same_value(old, new):
            changes[name] = new
    return changes


async def save(fb: FluentBookingClient, key: str, typed: dict[str, Any]) -> SaveResult:
    """Overlay the typed fields on the site's current settings, save, read back.

    Unchanged secrets go back to the site as the site itself just sent them; nothing
    secret comes from or goes to Slack."""
    current = await fb.get_integration(key)
    info = describe(current)
    if info.unavailable:
        return SaveResult(key, info.name, "unavailable")
    labels = {f.name: f.label for f in info.fields}
    editable = {f.name for f in info.fields if f.kind != "fixed"}
    secrets = {f.name for f in info.fields if f.kind == "secret"}
    # an empty secret input means "keep it"; an empty plain input clears the value
    typed = {
        n: ("" if v is None else v)
        for n, v in typed.items()
        if not (n in secrets and (v is None or (isinstance(v, str) and not v.strip())))
    }
    typed = {n: (v.strip() if n in secrets and isinstance(v, str) else v) for n, v in typed.items()}
    settings = dict(current.settings) if isinstance(current.settings, dict) else {}
    changes = merge(settings, typed, editable)
    if not changes:
        return SaveResult(key, info.name, "nothing")
    merged = {**settings, **changes}
    message = await fb.update_integration(key, merged)
    after = await fb.get_integration(key)
    stored = after.settings if isinstance(after.settings, dict) else {}
    kept = kept_fields(changes, stored)
    lost = [n for n in changes if n not in kept]
    log.info(
        "integration %s saved: %d field(s) changed (%s), %d not kept by the site",
        key,
        len(changes),
        ", ".join(changes),
        len(lost),
    )
    return SaveResult(
        key,
        info.name,
        "saved",
        changed=tuple(labels.get(n, n) for n in changes),
        kept=tuple(labels.get(n, n) for n in kept),
        lost=tuple(labels.get(n, n) for n in lost),
        message=message,
        changed_names=tuple(changes),
    )
