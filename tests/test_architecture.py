"""The direction of imports: scenario -> model -> runs -> store -> experiments -> presentation.

The import graph of ``src/triad`` is read from the source (imports under
``if TYPE_CHECKING:`` are type hints, not dependencies, and are left out). Each rule of
docs/architecture.md is checked; the edges that break a rule today are listed in ``DEBT``
with the change that removes them. The test fails on any new edge that breaks a rule, and
on a listed edge that is gone (strike it from the list: the debt shrank).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "triad"

DEBT: dict[tuple[str, str], str] = {}
"""Edges that break a rule today, with the change that removes each."""


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _typing_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in (
        "TYPE_CHECKING",
        "typing.TYPE_CHECKING",
    )


def _imported(tree: ast.AST) -> Iterator[str]:
    """Every ``triad`` module a tree imports at run time (lazily inside functions too)."""
    for node in ast.iter_child_nodes(tree):
        if _typing_only(node):
            for other in getattr(node, "orelse", []):
                yield from _imported(ast.Module(body=[other], type_ignores=[]))
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("triad"):
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("triad"))
        yield from _imported(node)


def import_graph() -> dict[str, set[str]]:
    """Module -> the ``triad`` modules it imports."""
    modules = {_module(path): path for path in ROOT.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set(_imported(ast.parse(path.read_text(encoding="utf-8"))))
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else ""


def breaks_a_rule(source: str, target: str) -> bool:
    """Whether an import from ``source`` to ``target`` breaks a rule of docs/architecture.md."""
    a, b = _package(source), _package(target)
    if b == "web" and a not in ("web", "cli"):
        return True  # the browser app is a top: only its own modules and `triad web` use it
    if b == "cli" and a != "cli":
        return source != "triad.__main__"  # the command line is the top: only `python -m`
    if a == "model":
        return b not in ("model", "scenario", "")  # errors and text are top-level modules
    if a == "scenario":
        return b in ("runs", "store", "experiments", "plots", "game", "cli")
    if a == "runs":
        return b in ("store", "experiments", "plots", "game")
    if a == "store":
        return b in ("experiments", "plots", "game")
    if b == "reports":
        return a not in ("reports", "cli", "web", "game", "") or source == "triad.footer"
    if a == "plots":
        return b in ("runs", "store", "experiments", "game") or (
            b == "model" and target != "triad.model.metrics"
        )
    if a == "experiments":
        return b in ("plots", "game")
    return False


def test_the_graph_is_read() -> None:
    graph = import_graph()
    assert "triad.model.model" in graph["triad.runs.executors"]
    assert "triad.scenario.schema" in graph["triad.model.model"]
    assert len(graph) > 80


def test_no_import_breaks_a_rule_beyond_the_listed_debt() -> None:
    broken = {
        (source, target)
        for source, targets in import_graph().items()
        for target in targets
        if breaks_a_rule(source, target)
    }
    assert sorted(broken - set(DEBT)) == [], "a new import breaks the layering"
    assert sorted(set(DEBT) - broken) == [], "this debt is paid: strike it from DEBT"


def test_the_rules_can_catch_a_break() -> None:
    assert breaks_a_rule("triad.model.model", "triad.experiments.compare")
    assert breaks_a_rule("triad.experiments.compare", "triad.plots.fan")
    assert breaks_a_rule("triad.plots.fan", "triad.model.model")
    assert breaks_a_rule("triad.game.play", "triad.cli.app")
    assert not breaks_a_rule("triad.plots.style", "triad.model.metrics")
    assert not breaks_a_rule("triad.cli.compare", "triad.experiments.compare")
    assert breaks_a_rule("triad.experiments.compare", "triad.reports.comparison")
    assert breaks_a_rule("triad.plots.fan", "triad.reports.run")
    assert not breaks_a_rule("triad.reports.comparison", "triad.plots.fan")
    assert not breaks_a_rule("triad.api", "triad.reports.run")
    assert breaks_a_rule("triad.model.model", "triad.runs.ensemble")
    assert breaks_a_rule("triad.runs.ensemble", "triad.store.run_folder")
    assert breaks_a_rule("triad.store.run_folder", "triad.experiments.compare")
    assert not breaks_a_rule("triad.store.run_folder", "triad.store.result")
    assert not breaks_a_rule("triad.experiments.compare", "triad.store.run_folder")


CYCLES: dict[frozenset[str], str] = {
    frozenset(
        f"triad.model.policies{suffix}"
        for suffix in ("", ".china", ".dprk", ".human", ".registry", ".russia")
    ): "the registry imports the catalogue's modules so that each registers its policies",
    frozenset(("triad.scenario.named_points", "triad.scenario.points")): (
        "points imports named points lazily to read a named input; named points build on points"
    ),
    frozenset(("triad.scenario.registry", "triad.scenario.schema")): (
        "the registry is read from the schema's models; the scenario's cross-checks ask it, "
        "lazily, which paths an event's action or an uncertain entry may name"
    ),
}
"""Groups of modules that import one another today, each with why."""


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The groups of two or more modules that reach one another (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = {stack.pop()}
            while node not in group:
                group.add(stack.pop())
            if len(group) > 1:
                found.add(frozenset(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_modules_import_one_another_beyond_the_listed_cycles() -> None:
    found = cycles(import_graph())
    assert sorted(map(sorted, found - set(CYCLES))) == [], "a new import cycle"
    assert sorted(map(sorted, set(CYCLES) - found)) == [], "this cycle is gone: strike it"


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == {frozenset("abc")}


def test_no_module_imports_another_modules_private_names() -> None:
    borrowed = [
        f"{_module(path)} imports {node.module}.{alias.name}"
        for path in ROOT.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("triad")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert borrowed == [], "make the name public, or move the code to the module that owns it"


def _error_classes(tree: ast.AST, known: set[str]) -> set[str]:
    """Classes in ``tree`` that derive, by name, from one of ``known`` or ``TriadError``."""
    bases = known | {"TriadError"}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            names = {b.id for b in node.bases if isinstance(b, ast.Name)}
            names |= {b.attr for b in node.bases if isinstance(b, ast.Attribute)}
            if names & bases:
                found.add(node.name)
    return found


def test_every_triad_error_is_defined_in_the_errors_module() -> None:
    home = ROOT / "errors.py"
    known = _error_classes(ast.parse(home.read_text()), set())
    assert {"ScenarioError", "ExperimentError", "GameError", "InterruptedRunError"} <= known
    elsewhere = {
        f"{_module(path)}.{name}"
        for path in ROOT.rglob("*.py")
        if path != home
        for name in _error_classes(ast.parse(path.read_text()), known)
    }
    assert not elsewhere, f"define these in triad/errors.py: {sorted(elsewhere)}"


def test_the_error_finder_finds_a_stray_error() -> None:
    tree = ast.parse("class Stray(errors.StoreError):\n    pass\n")
    assert _error_classes(tree, {"StoreError"}) == {"Stray"}
