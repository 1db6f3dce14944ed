"""Golden JSON files: compare a builder's output with its file, or rewrite the file on
purpose with UPDATE_GOLDEN=1."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def golden_text(built: Any) -> str:
    return json.dumps(built, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def assert_golden(folder: Path, name: str, built: Any) -> None:
    """`built` equals `folder/name.json` (written first when UPDATE_GOLDEN=1)."""
    path = folder / f"{name}.json"
    text = golden_text(built)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        folder.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed"


def assert_view_golden(folder: Path, name: str, built: dict[str, Any]) -> None:
    """A view that keeps Slack's Block Kit rules (per the stand-in) and its golden file."""
    from bot.localslack.blockkit import check_view

    assert check_view(built) == []
    assert_golden(folder, name, built)


def assert_message_golden(folder: Path, name: str, built: dict[str, Any]) -> None:
    """A message whose blocks keep Slack's rules, equal to its golden file."""
    from bot.localslack.blockkit import check_message_blocks

    assert check_message_blocks(built["blocks"]) == []
    assert_golden(folder, name, built)
