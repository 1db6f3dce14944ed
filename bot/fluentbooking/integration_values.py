"""Integration setting values: reading typed text like the stored value, and telling
whether the site kept what was sent. Pure functions, shared by the command line and the
Slack settings form (neither may trust a site's "saved": a free site stores nothing)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_BOOLS = {"true": True, "yes": True, "on": True, "1": True}
_BOOLS.update({"false": False, "no": False, "off": False, "0": False})


def typed_like(raw: Any, old: Any) -> Any:
    """Text typed for a setting, as the same type as the value it replaces: numbers stay
    numbers and switches stay booleans when the text reads as one; else kept as given."""
    if isinstance(raw, bool) or not isinstance(raw, str):
        return raw
    if isinstance(old, bool) and raw.strip().lower() in _BOOLS:
        return _BOOLS[raw.strip().lower()]
    if isinstance(old, int) and not isinstance(old, bool) and re.fullmatch(r"-?\d+", raw.strip()):
        return int(raw.strip())
    if isinstance(old, float) and re.fullmatch(r"-?\d+(\.\d+)?", raw.strip()):
        return float(raw.strip())
    return raw


def same_value(a: Any, b: Any) -> bool:
    """Equal as settings: ``5`` and ``"5"`` are; ``None`` and ``""`` are; booleans only
    equal booleans."""
    if a == b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if a is None or b is None:
        return (a or "") == (b or "")
    return (
        isinstance(a, str | int | float) and isinstance(b, str | int | float) and str(a) == str(b)
    )


def kept_fields(sent: Mapping[str, Any], stored: Mapping[str, Any]) -> list[str]:
    """The names in ``sent`` whose value the site holds now (read back after saving)."""
    return [n for n in sent if n in stored and same_value(stored.get(n), sent[n])]
