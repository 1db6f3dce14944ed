"""The import rules of bot/: no cycles, and each part imports only what it may.

Read from the source (every import statement, also those inside functions, except under
``if TYPE_CHECKING:``), so a lazy import cannot hide a cycle. ``from a import b`` counts
as importing ``a.b`` when that is a module, else ``a``. Importing ``a.b.c`` runs the
package ``a.b``'s ``__init__`` too, but that implicit step is not counted as an edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
#: the stand-ins (and the wiring that starts them) the production Slack app must not import
STAND_INS = ("bot.sandbox", "bot.localslack", "bot.demo")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in BOT.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m == "bot" or m.startswith("bot.")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan), or a self-import."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def strong(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_no_import_cycle_in_bot() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_one() -> None:
    # the check above can fail: a two-module loop and a longer one are both found
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert _cycles(graph) == [["a", "b"], ["c", "d", "e"]]


@pytest.mark.parametrize("part", ["bot.fluentbooking", "bot.dates", "bot.booking", "bot.tzdb"])
def test_site_client_dates_and_booking_import_nothing_of_slack(part: str) -> None:
    graph = _graph()
    bad = {
        f"{m} -> {t}"
        for m, targets in graph.items()
        if _within(m, part)
        for t in targets
        if _within(t, "bot.slack") or _within(t, "bot.localslack")
    }
    assert bad == set()


def test_the_slack_app_imports_no_stand_in() -> None:
    graph = _graph()
    bad = {
        f"{m} -> {t}"
        for m, targets in graph.items()
        if _within(m, "bot.slack")
        for t in targets
        if any(_within(t, s) for s in STAND_INS)
    }
    assert bad == set()


def _features() -> list[str]:
    slack = BOT / "slack"
    return sorted(
        f"bot.slack.{p.name}"
        for p in slack.iterdir()
        if p.is_dir() and (p / "__init__.py").exists()
    )


def test_the_feature_folders_are_there() -> None:
    assert {"booking", "home", "admin", "lifecycle", "feed"} <= {
        f.rsplit(".", 1)[1] for f in _features()
    }


def test_no_feature_imports_another_features_internals() -> None:
    """A feature may use another's public face (its package), never its modules; shared
    modules (bot.slack.*.py) may import no feature's internals either."""
    graph = _graph()
    features = _features()
    bad = set()
    for module, targets in graph.items():
        if not _within(module, "bot.slack"):
            continue
        home = next((f for f in features if _within(module, f)), None)
        for target in targets:
            owner = next((f for f in features if _within(target, f)), None)
            if owner is None or owner == home or target == owner:
                continue
            if home is None and module == "bot.slack.app":
                continue  # the app registers every feature
            bad.add(f"{module} -> {target}")
    assert bad == set()


def test_the_stores_record_retention_names_the_features_own_namespaces() -> None:
    """The store ages per-booking records by namespace name; a feature renaming its
    namespace must not silently stop its records from ever being purged."""
    from bot.feed.state import BOOKINGS
    from bot.lifecycle.records import CHANGES, MESSAGES, ORIGIN
    from bot.store.base import RECORD_RETENTION

    assert set(RECORD_RETENTION) == {BOOKINGS, CHANGES, MESSAGES, ORIGIN}
