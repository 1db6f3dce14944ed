"""One rule for what an integration setting may show: used by Slack and the command line.

Integration settings are mostly credentials. A value is shown as it is only when its
name is plainly harmless ("enabled", "calendar_name", "redirect_url"...) and does not
also look like a credential; every other value, including every value whose name is
unknown, is masked to at most its last 4 characters (`bot.config.mask`). Booleans and
empty values reveal nothing and are shown as they are.
"""

from __future__ import annotations

import re
from typing import Any

from bot.config import mask

# setting names shown in full (unless they also look like a credential)
PLAIN_NAMES = frozenset(
    {
        "enabled",
        "status",
        "is_enabled",
        "mode",
        "payment_mode",
        "type",
        "label",
        "title",
        "name",
        "timezone",
        "redirect_uri",
        "redirect_url",
        "connected",
        "is_connected",
        "email",
        "account_email",
        "calendar_id",
        "calendar_ids",
        "calendar_name",
        "caching_time",
        "default_duration",
        "currency",
    }
)

CREDENTIAL = re.compile(
    r"secret|key|token|password|passwd|pass|client_id|auth|credential|private|signature|"
    r"hash|cert|salt|code|account_id|sid|webhook",
    re.IGNORECASE,
)

#: field types (from a site's field_settings) that always mean a secret
SECRET_TYPES = frozenset({"password", "secret", "token"})


def is_secret_name(name: str, field_type: str | None = None) -> bool:
    """True unless the name is plainly harmless (unknown names count as secret)."""
    if field_type and field_type.lower() in SECRET_TYPES:
        return True
    lowered = name.strip().lower()
    return lowered not in PLAIN_NAMES or bool(CREDENTIAL.search(lowered))


def reveals_nothing(value: Any) -> bool:
    """Booleans and empty values can be shown whatever the name."""
    return value is None or isinstance(value, bool) or value == ""


def mask_value(value: Any) -> str:
    """The masked form of one value: at most its last 4 characters."""
    return mask(str(value))


def mask_settings(values: Any, name: str = "", field_type: str | None = None) -> Any:
    """A copy of `values` with every value masked whose name is unknown or looks secret.

    Nested mappings are masked key by key; list items take the list's name."""
    if isinstance(values, dict):
        return {k: mask_settings(v, str(k)) for k, v in values.items()}
    if isinstance(values, list):
        return [mask_settings(v, name, field_type) for v in values]
    if reveals_nothing(values):
        return values
    if not is_secret_name(name, field_type):
        return values
    return mask_value(values)


def field_types(field_settings: Any) -> dict[str, str]:
    """name -> type from a site's field_settings (`{name: {"type": ...}}`), where given."""
    if not isinstance(field_settings, dict):
        return {}
    return {
        str(name): str(spec.get("type"))
        for name, spec in field_settings.items()
        if isinstance(spec, dict) and isinstance(spec.get("type"), str)
    }


def mask_integration(settings: Any, field_settings: Any = None) -> Any:
    """`mask_settings` for one integration, also masking fields the site types as secret."""
    if not isinstance(settings, dict):
        return mask_settings(settings)
    types = field_types(field_settings)
    return {k: mask_settings(v, str(k), types.get(str(k))) for k, v in settings.items()}
