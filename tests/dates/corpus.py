"""Load the date corpus and compare a parse with its expectation (shared by tests and bench)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests/data/dates.json"
HELDOUT = ROOT / "tests/dates/heldout.json"
HELDOUT2 = ROOT / "tests/dates/heldout2.json"
HELDOUT3 = ROOT / "tests/dates/heldout3.json"  # issue 17's forms, written before the fixes
HELDOUT4 = ROOT / "tests/dates/heldout4.json"  # other wording, written after them, unseen
HELDOUT5 = ROOT / "tests/dates/heldout5.json"  # written for the speed work, first run recorded


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text())["cases"])


def case_id(case: dict[str, Any]) -> str:
    return f"{case['tz']}@{case['now']}:{case['text']}"


def mismatch(case: dict[str, Any], got: dict[str, Any] | None) -> str | None:
    """None when `got` (a to_json() dict, or None for a refusal) matches the case."""
    exp = case["expected"]
    if exp.get("error"):
        return None if got is None else f"expected a refusal, got {got['start']}"
    if got is None:
        return "refused, expected a date"
    problems = []
    for key in ("start", "end"):
        e, g = exp[key], got[key]
        if e is None or g is None:
            if e != g:
                problems.append(f"{key}: expected {e}, got {g}")
        elif datetime.fromisoformat(e) != datetime.fromisoformat(g) or e[-6:] != g[-6:]:
            problems.append(f"{key}: expected {e}, got {g}")
    for key in ("timezone", "granularity"):
        if exp[key] != got[key]:
            problems.append(f"{key}: expected {exp[key]}, got {got[key]}")
    for note in exp.get("notes", []):
        if note not in got.get("notes", []):
            problems.append(f"missing note {note}")
    if "rest" in exp and exp["rest"] != got.get("rest"):
        problems.append(f"rest: expected {exp['rest']!r}, got {got.get('rest')!r}")
    for part in exp.get("rest_has", []):
        if part not in (got.get("rest") or ""):
            problems.append(f"rest {got.get('rest')!r} lost {part!r}")
    return "; ".join(problems) or None
