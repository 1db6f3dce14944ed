"""bot/slack passes typed values between its parts: a bare `Any` (`x: Any`, `-> Any`) is
allowed only at Bolt's boundary, and only a few of them, so a clean mypy proves something.

Read from the source like the import rules (a cheap static check, no mypy run here)."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from bot.fluentbooking.client import FluentBookingClient
from bot.slack.deps import Deps
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
SLACK = ROOT / "bot" / "slack"
#: the most bare `Any` annotations bot/slack may hold (issue 11: Bolt's boundary only)
MAX_BARE_ANY = 34
BARE_ANY = re.compile(r":\s*Any\b|->\s*Any\b")


def bare_any(root: Path) -> list[str]:
    """Every line under `root` annotated with a bare Any, as `path:line: text`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BARE_ANY.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_bot_slack_has_few_bare_any() -> None:
    found = bare_any(SLACK)
    assert len(found) <= MAX_BARE_ANY, (
        f"{len(found)} bare Any in bot/slack (at most {MAX_BARE_ANY}); type these instead "
        "(bot/slack/shapes.py names Block Kit JSON and Bolt's objects):\n" + "\n".join(found)
    )


def test_the_counter_sees_bare_any(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(a: Any, b: dict[str, Any], c: AnyStr) -> Any: ...\nx: Any = 1\ny: 'Anything'\n"
    )
    assert [line.split(": ", 1)[1] for line in bare_any(tmp_path)] == [
        "def f(a: Any, b: dict[str, Any], c: AnyStr) -> Any: ...",
        "x: Any = 1",
    ]


def test_deps_holds_the_typed_site_client_and_store() -> None:
    hints = typing.get_type_hints(Deps)
    assert hints["fb"] is FluentBookingClient
    assert hints["store"] is Store
