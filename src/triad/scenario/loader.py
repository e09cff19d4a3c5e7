"""Find, read, resolve and validate scenario files.

A scenario reference is a path to a YAML file or the name of a bundled scenario
(``baseline``, ``history/soviet_collapse_1991``). Resolving follows ``extends:`` from the
oldest ancestor down to the file asked for, merging each file over its parent:

* mappings merge key by key, all the way down; scalars and lists replace;
* ``events`` merge by ``name``: a child event replaces the parent's event of the same name,
  ``{name: X, drop: true}`` removes the parent's event X, other events are appended;
* ``uncertain`` merges by parameter path: a child entry replaces the parent's, and a
  ``null`` entry removes it; a child that writes a fixed value for a parameter its parent
  samples (and gives no ``uncertain`` entry of its own for it) fixes it: the explicit value
  wins in every world, and a warning says so (the same for ``--set``); this holds for an
  actor's ``policy`` (``china.policy``) and for an event the child writes anew under the
  parent's name (``events.<name>.at``); an event the child drops takes its entries along;
* a world driver written as a number is ``{value: number}``; in a child, a number makes
  the driver that constant (the parent's steps, ramps and points go, its noise stays);
* ``name`` is never inherited, and ``extends`` is removed from the result.

``--set PATH=VALUE`` overrides apply last. An event is addressed by its name, as in
``uncertain`` (``events.ceasefire.at``, ``events.war_level.by`` for its one scale action,
``events.ceasefire.drop=true`` to remove it); a position (``events.0.at``) still works, with
a note naming the event it hits. Every value of the result remembers the file and line it
came from, so that each schema error points where it was written.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml
from pydantic import ValidationError

from triad.errors import Problem, ScenarioError, TriadNote
from triad.scenario.conditions import empty_condition_problems
from triad.scenario.confine import allowed_folders, inside, refusal
from triad.scenario.later_changes import later_change_notes
from triad.scenario.limits import event_value_problems, uncertain_range_problems
from triad.scenario.month import Month
from triad.scenario.registry import ACTORS, is_parameter
from triad.scenario.report import (
    SET_FILE,
    Location,
    SourceMap,
    did_you_mean,
    problems_from_validation,
    schema_path_error,
)
from triad.scenario.schema import (
    UNCERTAIN_EVENT_FIELDS,
    Distribution,
    Scenario,
)
from triad.scenario.yamlsafe import Data, Positions, Scalar, parse_mapping, parse_value, read_text

__all__ = [
    "SET_FILE",
    "SourceMap",
    "bundled_catalogue",
    "bundled_dir",
    "bundled_names",
    "check_bundled",
    "check_overrides",
    "find_scenario",
    "label",
    "load_checked",
    "load_raw",
    "load_scenario",
    "note_text",
    "resolve",
    "scenario_yaml",
    "validate_file",
]

MAX_CHAIN: Final = 32
SUFFIX: Final = ".yaml"
PARSED_FILES: Final = 64  # parsed texts kept by :func:`_parsed` (files are capped at 1 MiB)


# --------------------------------------------------------------------------- finding files
def bundled_dir() -> Path:
    """The folder of the scenarios shipped inside the package."""
    return Path(__file__).parent.parent / "scenarios"


def bundled_names() -> list[str]:
    """Names of the bundled scenarios: paths relative to :func:`bundled_dir`, no suffix.

    Returns:
        Sorted names such as ``baseline`` and ``history/soviet_collapse_1991``.
    """
    root = bundled_dir()
    if not root.is_dir():
        return []
    return sorted(
        path.relative_to(root).with_suffix("").as_posix() for path in root.rglob("*.yaml")
    )


def find_scenario(ref: str, base_dir: Path | None = None) -> Path:
    """Find the file a scenario reference names.

    A reference is tried as a path (relative to ``base_dir`` if given, else to the current
    folder), then as that path plus ``.yaml``, then as a bundled scenario name.

    Args:
        ref: A file path or a bundled name.
        base_dir: Folder that relative paths start from (that of an extending file).

    Returns:
        The absolute path of the scenario file.

    Raises:
        ScenarioError: If no file matches, with close bundled names as a hint.
    """
    if not ref.strip():
        raise ScenarioError([Problem(ref, 0, 0, "", "empty scenario name or path")])
    path = Path(ref)
    if base_dir is not None and not path.is_absolute():
        path = base_dir / path
    candidates = [path] if path.suffix in (".yaml", ".yml") else [path, Path(f"{path}{SUFFIX}")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    name = ref.removesuffix(SUFFIX)
    names = bundled_names()
    if name in names:
        return (bundled_dir() / f"{name}{SUFFIX}").resolve()
    hint = did_you_mean(name, names, list_all=False) or "`triad scenarios` lists the bundled ones"
    message = f"no scenario file or bundled scenario named {ref!r}"
    if path.is_dir():
        message = f"{ref!r} is a folder, not a scenario file"
    raise ScenarioError([Problem(ref, 0, 0, "", message, hint)])


def label(path: Path) -> str:
    """How a file is named in messages: relative to the current folder when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- located trees
@dataclass
class _Node:
    """A value of a document with the place it was written."""

    value: dict[str, _Node] | list[_Node] | Scalar
    where: Location


def _tree(data: Data, positions: Positions, file: str, path: str = "") -> _Node:
    line, column = positions.get(path, (0, 0))
    where = Location(file, line, column)
    if isinstance(data, dict):
        return _Node({k: _tree(v, positions, file, _join(path, k)) for k, v in data.items()}, where)
    if isinstance(data, list):
        return _Node([_tree(v, positions, file, _join(path, i)) for i, v in enumerate(data)], where)
    return _Node(data, where)


def _plain(node: _Node, path: str, entries: dict[str, Location]) -> Data:
    if path:
        entries[path] = node.where
    if isinstance(node.value, dict):
        return {k: _plain(v, _join(path, k), entries) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [_plain(v, _join(path, i), entries) for i, v in enumerate(node.value)]
    return node.value


def _join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def _read(path: Path) -> _Node:
    name = label(path)
    data, positions = _parsed(read_text(path, name), name)
    if data and not data.keys() & Scenario.model_fields.keys():
        # Not a scenario: say so without echoing its keys, which may be someone's secrets.
        message = "is not a scenario file: none of its top-level keys is a scenario key"
        hint = "a scenario is a YAML mapping with 'name:' and keys such as 'months:', 'actors:'"
        raise ScenarioError([Problem(name, 0, 0, "", message, hint)])
    return _tree(data, positions, name)


@functools.lru_cache(maxsize=PARSED_FILES)
def _parsed(text: str, name: str) -> tuple[dict[str, Data], Positions]:
    """The document and positions of a file's text, parsed once for each text and label.

    Every bundled scenario extends ``baseline``, so listing, checking or comparing them
    read it once per scenario; its text is parsed the first time only. The key is the
    text itself, so an edited file is parsed anew. The result is shared: it is read
    (:func:`_tree` builds new nodes from it), never changed. A text that fails to parse
    raises each time (errors are not remembered).
    """
    return parse_mapping(text, name)


def _document(node: _Node, root: Location, chain: list[str]) -> tuple[dict[str, Data], SourceMap]:
    entries: dict[str, Location] = {}
    data = _plain(node, "", entries)
    assert isinstance(data, dict)
    return data, SourceMap(entries, root, chain)


# --------------------------------------------------------------------------- public loading
def load_raw(ref: str | Path, base_dir: Path | None = None) -> tuple[dict[str, Data], SourceMap]:
    """Read one scenario file as it is written, without following ``extends:``.

    Args:
        ref: A file path or a bundled name.
        base_dir: Folder that relative paths start from.

    Returns:
        The document and where each of its values was written.

    Raises:
        ScenarioError: If the file cannot be found, read or parsed.
    """
    path = find_scenario(str(ref), base_dir)
    node = _read(path)
    return _document(node, Location(label(path)), [label(path)])


def resolve(ref: str | Path, overrides: Sequence[str] = ()) -> tuple[dict[str, Data], SourceMap]:
    """Read a scenario, follow its ``extends:`` chain, merge it, and apply overrides.

    Args:
        ref: A file path or a bundled name.
        overrides: ``PATH=VALUE`` strings, applied after the merge.

    Returns:
        The resolved document (not yet validated) and its source map; the source map's
        ``chain`` lists the files read, the one asked for first.

    Raises:
        ScenarioError: With every problem found in reading, merging and overriding.
    """
    data, sources, problems, left_out = _resolve(ref, overrides)
    problems = left_out + problems
    if any(problem.is_error for problem in problems):
        raise ScenarioError(problems)
    return data, sources


def _resolve(
    ref: str | Path, overrides: Sequence[str]
) -> tuple[dict[str, Data], SourceMap, list[Problem], list[Problem]]:
    """Like :func:`resolve`, but return problems instead of raising.

    Returns:
        The document, its sources, the merge and override problems, and the notes of the
        dated events and driver changes left out of the horizon, in date order.
    """
    check_overrides(overrides)
    path = find_scenario(str(ref))
    trees, chain = _read_chain(path)
    problems: list[Problem] = []
    merged = _Node({}, trees[-1].where)
    for tree in reversed(trees):
        merged = _merge_documents(merged, tree, problems)
    problems += _apply_overrides(merged, overrides)
    left_out = _drop_outside_horizon(merged) + _driver_changes_in_horizon(merged, problems)
    left_out.sort(key=lambda dated: dated[0])
    data, sources = _document(merged, Location(label(path)), [label(p) for p in chain])
    return data, sources, problems, [problem for _, problem in left_out]


def load_scenario(ref: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Load, resolve and validate a scenario.

    Args:
        ref: A file path or a bundled name.
        overrides: ``PATH=VALUE`` strings, such as ``russia.tech_transfer.max_tier=2``.

    Each warning found (an explicit value that fixes an uncertain input, an event or a
    driver's change left out after the horizon, an event addressed by its position, a
    driver's value that a later change overrides) is issued as a
    :class:`~triad.errors.TriadNote`, which the command line prints as ``note: ...``.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: With every error found, each located in its file and line.
    """
    scenario, _, problems = load_checked(ref, overrides)
    for problem in problems:  # only warnings are left once it loads
        warnings.warn(note_text(problem), TriadNote, stacklevel=2)
    return scenario


def note_text(problem: Problem) -> str:
    """A warning of the loader as a note: ``file:line:col: path: message (hint)``."""
    where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
    text = f"{where}: {problem.path}: {problem.message}" if problem.path else problem.message
    return f"{text} ({problem.hint})" if problem.hint else text


def load_checked(
    ref: str | Path, overrides: Sequence[str] = ()
) -> tuple[Scenario, SourceMap, list[Problem]]:
    """Load a scenario like :func:`load_scenario`, keeping its sources and warnings.

    Besides the schema, the values events and ``uncertain`` entries write at run time are
    checked against the parameters' ranges (:mod:`triad.scenario.limits`), an event's
    ``all: []`` or ``any: []`` is refused (:mod:`triad.scenario.conditions`), and a driver's
    value given by ``--set`` that a later step or event overrides is noted
    (:mod:`triad.scenario.later_changes`).

    Args:
        ref: A file path or a bundled name.
        overrides: ``PATH=VALUE`` strings applied after ``extends:``.

    Returns:
        The validated scenario, where each of its values was written, and the warnings
        (problems of severity ``warning``) found.

    Raises:
        ScenarioError: With every error found (and the warnings), each located.
    """
    data, sources, problems, left_out = _resolve(ref, overrides)
    try:
        scenario = _validate(data, sources)
    except ScenarioError as error:
        raise ScenarioError(left_out + problems + error.problems) from None
    problems += event_value_problems(scenario, sources)
    problems += uncertain_range_problems(scenario, sources)
    problems += empty_condition_problems(scenario, sources)
    problems += later_change_notes(scenario, sources, _drivers_given(overrides))
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    problems = left_out + problems  # what the horizon leaves out, in date order, first
    if any(problem.is_error for problem in problems):
        raise ScenarioError(problems)
    return scenario, sources, problems


def validate_file(ref: str | Path) -> list[Problem]:
    """Every error of a scenario, or an empty list if it loads.

    Warnings are left out; ``triad validate`` (:func:`triad.validate.validate_scenario`)
    reports them too.

    Args:
        ref: A file path or a bundled name.

    Returns:
        The errors found, each with file, line, dotted path, message and hint.
    """
    try:
        load_scenario(ref)
    except ScenarioError as error:
        return [problem for problem in error.problems if problem.is_error]
    return []


def scenario_yaml(ref: str | Path, *, resolved: bool = False, overrides: Sequence[str] = ()) -> str:
    """A scenario as YAML text: the file as written, or fully resolved and validated.

    Args:
        ref: A file path or a bundled name.
        resolved: Whether to resolve ``extends:`` and validate (implied by overrides).
        overrides: ``PATH=VALUE`` strings applied after ``extends:``.

    Returns:
        The file's own text, or the resolved scenario with every field, as YAML.

    Each warning found in resolving it is issued as a :class:`~triad.errors.TriadNote`, as
    :func:`load_scenario` does.

    Raises:
        ScenarioError: If the scenario cannot be found, read or validated.
    """
    if not resolved and not overrides:
        path = find_scenario(str(ref))
        return read_text(path, label(path))
    scenario, sources, problems = load_checked(ref, overrides)
    for problem in problems:  # the notes of --set, as every command that loads it prints
        warnings.warn(note_text(problem), TriadNote, stacklevel=2)
    dumped = scenario.model_dump(mode="json")
    dumped.pop("extends", None)
    header = f"# resolved from {' -> '.join(sources.chain)}"
    if overrides:
        header += "\n# with --set " + " --set ".join(overrides)
    body = yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True, width=100)
    return f"{header}\n{body}"


def bundled_catalogue() -> list[tuple[str, str]]:
    """Name and title of every bundled scenario.

    Returns:
        ``(name, title)`` pairs in name order; the title says so if the file does not load.
    """
    rows: list[tuple[str, str]] = []
    for name in bundled_names():
        try:
            data, _ = resolve(name)
        except ScenarioError:
            rows.append((name, f"(does not load: run `triad validate {name}`)"))
            continue
        title = data.get("title")
        rows.append((name, title if isinstance(title, str) else ""))
    return rows


def check_bundled() -> dict[str, list[Problem]]:
    """Validate every bundled scenario.

    Returns:
        Name -> problems (empty for a valid scenario), in name order.
    """
    return {name: validate_file(name) for name in bundled_names()}


def _validate(data: dict[str, Data], sources: SourceMap) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(problems_from_validation(error, sources, data)) from None


# --------------------------------------------------------------------------- extends chain
def _read_chain(path: Path) -> tuple[list[_Node], list[Path]]:
    """Read a file and its ancestors: ``trees[0]`` is the file, ``trees[-1]`` the oldest."""
    trees: list[_Node] = []
    chain: list[Path] = []
    current: Path | None = path
    while current is not None:
        chain.append(current)
        tree = _read(current)
        trees.append(tree)
        current = _parent(tree, current, chain)
    return trees, chain


def _parent(tree: _Node, path: Path, chain: list[Path]) -> Path | None:
    assert isinstance(tree.value, dict)
    node = tree.value.pop("extends", None)
    if node is None or node.value is None:
        return None
    where = node.where
    if not isinstance(node.value, str) or not node.value.strip():
        raise _extends_error(where, "extends must be a bundled scenario name or a file path")
    folders = allowed_folders(chain[0].parent, bundled_dir())
    if not inside(path.parent / node.value, folders):
        raise _extends_error(where, *refusal(node.value, "extends"))
    try:
        parent = find_scenario(node.value, path.parent)
    except ScenarioError as error:
        names = " -> ".join([*_chain_names(chain), node.value])
        hint = error.problems[0].hint
        raise _extends_error(where, f"parent {node.value!r} not found ({names})", hint) from None
    if not inside(parent, folders):
        raise _extends_error(where, *refusal(node.value, "extends"))
    if parent in chain:
        names = " -> ".join(_chain_names([*chain, parent]))
        raise _extends_error(where, f"extends cycle: {names}", "remove one of the extends")
    if len(chain) >= MAX_CHAIN:
        raise _extends_error(where, f"extends chain longer than {MAX_CHAIN} files")
    return parent


def _extends_error(where: Location, message: str, hint: str = "") -> ScenarioError:
    return ScenarioError([Problem(where.file, where.line, where.column, "extends", message, hint)])


def _chain_names(chain: list[Path]) -> list[str]:
    """Short names for a chain of files: relative to the first file's folder if possible."""
    first = chain[0].parent
    bundled = bundled_dir().resolve()
    names: list[str] = []
    for path in chain:
        if path.is_relative_to(bundled):
            names.append(f"{path.relative_to(bundled).with_suffix('').as_posix()} (bundled)")
        elif path.is_relative_to(first):
            names.append(path.relative_to(first).as_posix())
        else:
            names.append(os.path.relpath(path, first))
    return names


# --------------------------------------------------------------------------- merging
def _merge_documents(parent: _Node, child: _Node, problems: list[Problem]) -> _Node:
    """Merge a child file over its (already merged) parent; the name is not inherited."""
    inherited = dict(_uncertain_entries(parent))
    merged = _merge(parent, child, "", problems)
    assert isinstance(merged.value, dict) and isinstance(child.value, dict)
    if "name" not in child.value:
        merged.value.pop("name", None)
    own = _uncertain_entries(child, with_removals=True)
    for key in inherited.keys() - own.keys():
        if key.startswith("events."):
            _event_rewritten(merged, child, key, inherited[key], problems)
            continue
        leaf = _leaf(child, _parameter_segments(key))
        if leaf is not None:
            problems.append(_fixed_uncertain(merged, key, inherited[key], leaf.where))
    return merged


def _event_rewritten(
    merged: _Node, child: _Node, key: str, entry: _Node, problems: list[Problem]
) -> None:
    """An inherited ``events.<name>.<field>`` entry when the child drops or rewrites the event.

    A dropped event takes its uncertain entries with it; an event the child writes anew
    (same name) is fixed as written, with the warning of any other explicit value.
    """
    name = key.removeprefix("events.").rsplit(".", 1)[0]
    events = child.value.get("events") if isinstance(child.value, dict) else None
    nodes = events.value if events is not None and isinstance(events.value, list) else []
    node = next((n for n in nodes if _event_name(n) == name), None)
    if node is None:
        return
    if isinstance(node.value, dict) and "drop" in node.value:
        table = merged.value.get("uncertain") if isinstance(merged.value, dict) else None
        if table is not None and isinstance(table.value, dict):
            table.value.pop(key, None)
        return
    problems.append(_fixed_uncertain(merged, key, entry, node.where))


def _uncertain_entries(tree: _Node, with_removals: bool = False) -> dict[str, _Node]:
    """The ``uncertain`` entries of a document by parameter path (and its ``null`` ones)."""
    node = tree.value.get("uncertain") if isinstance(tree.value, dict) else None
    if node is None or not isinstance(node.value, dict):
        return {}
    return {k: v for k, v in node.value.items() if with_removals or v.value is not None}


def _parameter_segments(key: str) -> list[str]:
    """Document segments of an ``uncertain`` key (``dprk.munitions.kpa_floor``)."""
    parts = key.split(".")
    return ["actors", *parts] if parts[0] in ACTORS else parts


def _leaf(tree: _Node, segments: list[str]) -> _Node | None:
    """The node at ``segments`` in a document, if the document writes it."""
    node: _Node | None = tree
    for part in segments:
        if node is None or not isinstance(node.value, dict):
            return None
        node = node.value.get(part)
    return node


def _fixed_uncertain(merged: _Node, key: str, entry: _Node, where: Location) -> Problem:
    """Drop an inherited ``uncertain`` entry an explicit value fixes; the warning says so."""
    table = merged.value.get("uncertain") if isinstance(merged.value, dict) else None
    if table is not None and isinstance(table.value, dict):
        table.value.pop(key, None)
    drawn = (
        ", ".join(f"{k}={_bare(v)}" for k, v in entry.value.items())
        if isinstance(entry.value, dict)
        else str(_bare(entry))
    )
    given = where.file == SET_FILE
    source = "the scenario" if given else "the parent"
    hint = (
        "to keep it uncertain, give it a range instead: "
        f"--set 'uncertain.{key}={{dist: uniform, low: ..., high: ...}}'"
        if given
        else "to keep it uncertain, give it an uncertain entry here (a range around this value)"
    )
    return Problem(
        where.file,
        where.line,
        where.column,
        _join("uncertain", key),
        f"this fixed value replaces the distribution {source} samples it from ({drawn}) in "
        "every world",
        hint,
        severity="warning",
    )


def _bare(node: _Node) -> object:
    """A node's value as written, without its locations, at any depth."""
    if isinstance(node.value, list):
        return [_bare(item) for item in node.value]
    if isinstance(node.value, dict):
        return {key: _bare(item) for key, item in node.value.items()}
    return node.value


def _merge(base: _Node | None, over: _Node, path: str, problems: list[Problem]) -> _Node:
    if path == "events":
        return _merge_events(base, over, problems)
    if path == "uncertain":
        return _merge_uncertain(base, over, problems)
    if _is_driver(path.split(".")):
        base = _driver_map(base)
        if _is_number(over):
            return _driver_over(base, over)
    if base is None or not isinstance(base.value, dict) or not isinstance(over.value, dict):
        return over
    result = dict(base.value)
    for key, node in over.value.items():
        result[key] = _merge(result.get(key), node, _join(path, key), problems)
    return _Node(result, over.where)


def _merge_events(base: _Node | None, over: _Node, problems: list[Problem]) -> _Node:
    if not isinstance(over.value, list):
        return over
    parent = base.value if base is not None and isinstance(base.value, list) else []
    result: list[_Node | None] = list(parent)
    index = {_event_name(node): i for i, node in enumerate(parent) if _event_name(node)}
    replaced: set[str] = set()
    for node in over.value:
        name = _event_name(node)
        drop = _drop(node, problems)
        if drop is None:
            continue
        if drop:
            _drop_event(name, node, result, index, replaced, problems)
        elif name in index and name not in replaced:
            result[index[name]] = node
            replaced.add(name)
        else:
            result.append(node)
    return _Node([node for node in result if node is not None], over.where)


def _drop_outside_horizon(merged: _Node) -> list[tuple[Month, Problem]]:
    """Drop dated events outside the horizon, each with a note: the horizon is the analyst's.

    So ``--set months=6`` on a scenario whose record runs to 2025 runs the first six months
    with the events that fall in them, and ``--set start=2024-06`` runs from June 2024
    without the events before it: the model starts from the scenario's initial values at
    the new start, as if those events had not happened, and each note says so. An event
    whose date is drawn per world stays (its draws are checked against the start by the
    schema). Malformed dates are left for the schema to report.

    Returns:
        ``(month, note)`` of each event left out.
    """
    found = _section_in_horizon(merged, "events", list)
    if found is None:
        return []
    events, nodes, first, last = found
    kept: list[_Node] = []
    left_out: list[tuple[Month, Problem]] = []
    drawn = _uncertain_entries(merged)  # an event whose date is drawn may fall in the horizon
    for node in nodes:
        at = _month_of(node, "at")
        if at is None or f"events.{_event_name(node)}.at" in drawn or first <= at <= last:
            kept.append(node)
        elif at > last:
            left_out.append((at, _dropped(node, str(last))))
        else:
            left_out.append((at, _dropped_before(node, str(first))))
    events.value = kept
    return left_out


def _driver_changes_in_horizon(
    merged: _Node, problems: list[Problem]
) -> list[tuple[Month, Problem]]:
    """Treat a driver's dated changes outside the horizon as dated events are treated.

    A step, or a ramp that starts, after the horizon is dropped with a warning (so
    ``--set months=6`` runs the first six months); one that is over before the first
    month (a step, or a ramp that ends, before ``start``) is an error, added to
    ``problems``, when the file writes the start; under a later start given by ``--set``
    it is the driver's history before the run and gives its value in the first month.
    Points are left alone: one outside the horizon still shapes the line drawn between
    points inside it. Malformed paths are left for the schema.

    Returns:
        ``(month, note)`` of each change left out.
    """
    found = _section_in_horizon(merged, "world", dict)
    if found is None:
        return []
    _, drivers, first, last = found
    since = None if _start_given(merged) else first  # none is over before a start chosen
    left_out: list[tuple[Month, Problem]] = []
    for name, driver in drivers.items():
        if not isinstance(driver.value, dict):
            continue
        for key, begins, ends in (("steps", "at", "at"), ("ramps", "start", "end")):
            left_out += _changes_in_horizon(
                driver, f"world.{name}", key, (begins, ends), (since, last), problems
            )
    return left_out


def _start_given(merged: _Node) -> bool:
    """Whether the start was given on the command line (``--set start=...``)."""
    tree = merged.value
    return isinstance(tree, dict) and "start" in tree and tree["start"].where.file == SET_FILE


def _section_in_horizon[T](
    merged: _Node, key: str, kind: type[T]
) -> tuple[_Node, T, Month, Month] | None:
    """A top-level section of a merged document, its value, and its horizon's first and last month.

    None if the document is not a mapping, has no such section or one not of ``kind``, or
    its horizon is malformed.
    """
    if not isinstance(merged.value, dict):
        return None
    section = merged.value.get(key)
    first, last = _horizon(merged.value)
    if section is None or not isinstance(section.value, kind) or first is None or last is None:
        return None
    return section, section.value, first, last


def _changes_in_horizon(
    driver: _Node,
    path: str,
    key: str,
    fields: tuple[str, str],
    horizon: tuple[Month | None, Month],
    problems: list[Problem],
) -> list[tuple[Month, Problem]]:
    """Drop the driver's ``steps`` or ``ramps`` after the horizon; refuse those before it.

    The horizon's first month is None when no change can be over before it.
    """
    assert isinstance(driver.value, dict)
    node = driver.value.get(key)
    if node is None or not isinstance(node.value, list):
        return []
    first, last = horizon
    kept: list[_Node] = []
    left_out: list[tuple[Month, Problem]] = []
    for number, change in enumerate(node.value):
        begins, ends = (_month_of(change, name) for name in fields)
        where = _join(_join(path, key), number)
        what = _change_text(key, begins, ends)
        if begins is not None and begins > last:
            note = _change_dropped(change, where, what, str(last))
            left_out.append((begins, note))
            continue
        if ends is not None and first is not None and ends < first:
            problems.append(_change_too_early(change, where, what, str(first)))
        kept.append(change)
    node.value = kept
    return left_out


def _month_of(node: _Node, name: str) -> Month | None:
    """The month written under ``name`` in a mapping node, or None if malformed."""
    value = node.value.get(name) if isinstance(node.value, dict) else None
    return None if value is None else Month.read(value.value)


def _change_text(key: str, begins: Month | None, ends: Month | None) -> str:
    """``the step at 2030-01`` or ``the ramp 2029-01..2030-01``, for messages."""
    if key == "steps" and begins is not None:
        return f"the step at {begins}"
    if begins is not None and ends is not None:
        return f"the ramp {begins}..{ends}"
    return "this change"


def _change_dropped(change: _Node, path: str, what: str, last: str) -> Problem:
    message = f"{what} lies after the horizon (ends {last}); it is left out"
    return Problem(
        change.where.file,
        change.where.line,
        change.where.column,
        path,
        message,
        "lengthen 'months' to include it",
        severity="warning",
    )


def _change_too_early(change: _Node, path: str, what: str, first: str) -> Problem:
    message = f"{what} is over before the first month {first}, outside the horizon"
    hint = "write the value the driver has at the start as its 'value'"
    return _problem(change.where, path, message, hint)


def _horizon(tree: dict[str, _Node]) -> tuple[Month | None, Month | None]:
    """First and last month of the horizon of a merged document (None if malformed)."""
    start = tree["start"].value if "start" in tree else Scenario.model_fields["start"].default
    months = tree["months"].value if "months" in tree else Scenario.model_fields["months"].default
    first = Month.read(start)
    if first is None or not isinstance(months, int) or isinstance(months, bool):
        return None, None
    return first, first + months - 1


def _dropped(node: _Node, last: str) -> Problem:
    return _left_out(
        node,
        f"lies after the horizon (ends {last}); it is left out",
        "lengthen 'months' to include it",
    )


def _dropped_before(node: _Node, first: str) -> Problem:
    return _left_out(
        node,
        f"lies before the start {first}; it is left out: the run starts from the scenario's "
        f"initial values in {first}, as if it had not happened",
        "start earlier to include it, or --set the values it leaves behind",
    )


def _left_out(node: _Node, why: str, hint: str) -> Problem:
    """The warning for an event left out of the run, at the event's place in its file."""
    name = _event_name(node) or "an unnamed event"
    at = node.value["at"].value if isinstance(node.value, dict) else "?"
    where = node.where
    message = f"event {name!r} at {at} {why}"
    return Problem(
        where.file, where.line, where.column, "events", message, hint, severity="warning"
    )


def _event_name(node: _Node | None) -> str:
    if node is None or not isinstance(node.value, dict):
        return ""
    name = node.value.get("name")
    return name.value if name is not None and isinstance(name.value, str) else ""


def _drop(node: _Node, problems: list[Problem]) -> bool | None:
    """Whether an event entry is a drop; removes a ``drop: false`` key; None if malformed."""
    if not isinstance(node.value, dict) or "drop" not in node.value:
        return False
    flag = node.value["drop"]
    if not isinstance(flag.value, bool):
        problems.append(_problem(flag.where, "drop", "drop must be true or false"))
        return None
    if not flag.value:
        del node.value["drop"]
        return False
    extra = sorted(set(node.value) - {"name", "drop"})
    if extra:
        message = f"a drop entry holds only 'name' and 'drop', not {', '.join(extra)}"
        problems.append(_problem(flag.where, "drop", message))
        return None
    return True


def _drop_event(
    name: str,
    node: _Node,
    result: list[_Node | None],
    index: dict[str, int],
    replaced: set[str],
    problems: list[Problem],
) -> None:
    if name in index and result[index[name]] is not None and name not in replaced:
        result[index[name]] = None
        replaced.add(name)
        return
    hint = did_you_mean(name, sorted(index), list_all=True) if index else "the parent has no events"
    message = f"no event named {name!r} in the parent to drop"
    problems.append(_problem(node.where, "events", message, hint))


def _merge_uncertain(base: _Node | None, over: _Node, problems: list[Problem]) -> _Node:
    if not isinstance(over.value, dict):
        return over
    parent = base.value if base is not None and isinstance(base.value, dict) else {}
    result = dict(parent)
    for key, node in over.value.items():
        if node.value is not None:
            result[key] = node
        elif key in result:
            del result[key]
        else:
            hint = did_you_mean(key, sorted(result), list_all=False)
            message = f"no uncertain entry {key!r} in the parent to remove"
            problems.append(_problem(node.where, f"uncertain.{key}", message, hint))
    return _Node(result, over.where)


def _problem(where: Location, path: str, message: str, hint: str = "") -> Problem:
    return Problem(where.file, where.line, where.column, path, message, hint)


# --------------------------------------------------------------------------- --set
@dataclass(frozen=True)
class _EventRef:
    """The event an ``events.`` override addresses: its place in the merged list and name."""

    index: int
    name: str


def _apply_overrides(tree: _Node, overrides: Sequence[str]) -> list[Problem]:
    problems: list[Problem] = []
    for text in overrides:
        try:
            problems += _apply_override(tree, text)
        except ScenarioError as error:
            problems += error.problems
    return problems


def _apply_override(tree: _Node, text: str) -> list[Problem]:
    """Apply one ``PATH=VALUE``; return its warnings (a fixed draw, an event by position)."""
    segments, value = _parse_override(text)
    if segments[0] == "uncertain" and len(segments) == 2 and value.value is None:
        _drop_uncertain(tree, segments[1])  # as `uncertain: {PATH: null}` in a file
        return []
    notes: list[Problem] = []
    shown = segments
    event: _EventRef | None = None
    if segments[0] == "events" and len(segments) > 1:
        event, segments, shown, notes = _address_event(tree, segments)
        if segments[2:] == ["drop"]:
            _drop_event_by_set(tree, event, value, ".".join(shown))
            return notes
    _check_override_path(segments, shown)
    if _is_driver(segments) and not isinstance(value.value, dict):
        value = _constant_driver(tree, segments[1], value)
    _set(tree, segments, value)
    entries = _uncertain_entries(tree)
    for key in _draws_written(tree, segments, event):
        if segments[0] != "uncertain" and key in entries:
            notes.append(_fixed_uncertain(tree, key, entries[key], Location(SET_FILE)))
    return notes


def _draws_written(tree: _Node, segments: list[str], event: _EventRef | None) -> list[str]:
    """The ``uncertain`` keys an override at ``segments`` writes a fixed value for.

    For an event: ``events.<name>.at`` when it sets the event's month (or the whole event),
    ``events.<name>.by`` or ``.value`` when it sets its one scale, or set or ramp, action.
    """
    if event is None:
        return [".".join(segments[1:] if segments[0] == "actors" else segments)]
    rest = segments[2:]
    keys = []
    for field in UNCERTAIN_EVENT_FIELDS:
        if field == "at":
            written = rest[:1] in ([], ["at"])
        else:
            written = not rest or (
                rest[0] == "actions" and _writes_action(tree, event, rest, field)
            )
        if written:
            keys.append(f"events.{event.name}.{field}")
    return keys


def _writes_action(tree: _Node, event: _EventRef, rest: list[str], field: str) -> bool:
    """Whether ``actions[...]`` at ``rest`` writes the ``field`` (by, value) of an action."""
    if len(rest) == 1:
        return True  # the whole list of actions
    written = _event_nodes(tree)[event.index].value
    assert isinstance(written, dict)
    actions = written["actions"].value
    assert isinstance(actions, list)
    node = actions[int(rest[1])].value
    kinds = _FIELD_KINDS[field]
    return isinstance(node, dict) and bool(kinds & node.keys()) and rest[2:3] in ([], [field])


_FIELD_KINDS: Final = {"by": {"scale"}, "value": {"set", "ramp"}}
"""The action kinds whose field an ``uncertain: events.<name>.<field>`` entry draws."""


def _event_nodes(tree: _Node) -> list[_Node]:
    events = tree.value.get("events") if isinstance(tree.value, dict) else None
    return events.value if events is not None and isinstance(events.value, list) else []


def _address_event(
    tree: _Node, segments: list[str]
) -> tuple[_EventRef, list[str], list[str], list[Problem]]:
    """Find the event an ``events.NAME...`` (or ``events.N...``) override addresses.

    An event is named as in ``uncertain`` (``events.ceasefire.at``); a name may hold dots,
    and the longest name that matches wins. ``events.NAME.by`` and ``events.NAME.value``
    address the event's one scale, or set or ramp, action, as the ``uncertain`` keys do.
    A position still works, with a note naming the event it hits: a position in the merged
    list moves when a parent adds or drops an event.

    Returns:
        The event, the path by position (for the document), the path as the analyst
        wrote it (for messages), and the note of a positional path.

    Raises:
        ScenarioError: If no event has the name, or the position is past the end.
    """
    nodes = _event_nodes(tree)
    names = [_event_name(node) for node in nodes]
    rest = segments[1:]
    path = ".".join(segments)
    for size in range(len(rest), 0, -1):
        name = ".".join(rest[:size])
        if name in names:
            event = _EventRef(names.index(name), name)
            fields = _action_field(nodes[event.index], event, rest[size:], path)
            return event, ["events", str(event.index), *fields], ["events", name, *fields], []
    word = rest[0]
    listing = ", ".join(name for name in names if name) or "none"
    if not _is_position(word):
        message = f"no event named {word!r}; the scenario's events: {listing}"
        raise _set_error(path, message, did_you_mean(word, names, list_all=False))
    index = int(word)
    if index >= len(nodes):
        message = f"events has {len(nodes)} entries; there is no entry {index}"
        raise _set_error(path, message, f"address an event by name; the events: {listing}")
    event = _EventRef(index, names[index])
    return event, segments, segments, [_positional_note(tree, nodes[index], event, rest[1:])]


def _is_position(segment: str) -> bool:
    return segment.isascii() and segment.isdigit()


def _action_field(node: _Node, event: _EventRef, fields: list[str], path: str) -> list[str]:
    """``by`` or ``value`` right after an event's name as the path of its one such action."""
    if fields not in (["by"], ["value"]):
        return fields
    field = fields[0]
    actions = node.value.get("actions") if isinstance(node.value, dict) else None
    items = actions.value if actions is not None and isinstance(actions.value, list) else []
    kinds = _FIELD_KINDS[field]
    found = [
        number
        for number, item in enumerate(items)
        if isinstance(item.value, dict) and kinds & item.value.keys()
    ]
    if len(found) != 1:
        what = " or ".join(sorted(kinds))
        count = f"{len(found)} {what} actions, not one" if found else f"no {what} action"
        message = f"event {event.name!r} has {count}"
        hint = f"address the action by its number: events.{event.name}.actions.N.{field}"
        raise _set_error(path, message, hint)
    return ["actions", str(found[0]), field]


def _positional_note(tree: _Node, node: _Node, event: _EventRef, fields: list[str]) -> Problem:
    """The note of ``events.N...``: which event that is, and its path by name."""
    where = f"{node.where.file}:{node.where.line}" if node.where.line else node.where.file
    origin = "written in" if node.where.file == tree.where.file else "inherited from"
    what = f"the event {event.name!r}" if event.name else "an event with no name"
    by_name = ".".join(["events", event.name or "NAME", *fields])
    return Problem(
        SET_FILE,
        0,
        0,
        ".".join(["events", str(event.index), *fields]),
        f"events.{event.index} is {what} ({origin} {where}); a position in the merged list "
        "moves when a file adds or drops an event",
        f"address it by name: {by_name}",
        severity="warning",
    )


def _drop_event_by_set(tree: _Node, event: _EventRef, value: _Node, path: str) -> None:
    """``events.NAME.drop=true``: remove the event and its ``uncertain`` entries, as in a file."""
    if not isinstance(value.value, bool):
        hint = f"events.{event.name or event.index}.drop=true removes the event"
        raise _set_error(path, "drop must be true or false", hint)
    if not value.value:
        return
    del _event_nodes(tree)[event.index]
    table = tree.value.get("uncertain") if isinstance(tree.value, dict) else None
    if table is None or not isinstance(table.value, dict) or not event.name:
        return
    for field in UNCERTAIN_EVENT_FIELDS:
        table.value.pop(f"events.{event.name}.{field}", None)


def _drivers_given(overrides: Sequence[str]) -> list[tuple[str, str]]:
    """``(path as written, driver)`` of the overrides that give a world driver's value.

    ``world.X.value=V``, ``world.X=V`` and ``world.X={...}`` give it; the last one given
    for a driver counts. For :func:`~triad.scenario.later_changes.later_change_notes`.
    """
    given: dict[str, str] = {}
    for text in overrides:
        path = text.partition("=")[0].strip()
        segments = _segments(path)
        if _is_driver(segments[:2]) and segments[2:] in ([], ["value"]):
            given.pop(segments[1], None)
            given[segments[1]] = path
    return [(path, driver) for driver, path in given.items()]


def check_overrides(overrides: object) -> None:
    """Refuse overrides that are not a list of ``PATH=VALUE`` texts.

    A single text would be read one character at a time, and None or a mapping would fail
    deep inside; each is refused here, naming what was given.

    Raises:
        ScenarioError: Located at ``<--set>``.
    """
    hint = "give a list of 'PATH=VALUE' texts, e.g. ['months=12'], or () for none"
    if isinstance(overrides, str | bytes) or not isinstance(overrides, Sequence):
        what = f"a single text {overrides!r}" if isinstance(overrides, str) else _kind(overrides)
        raise _set_error("", f"overrides must be a list of texts, not {what}", hint)
    bad = [item for item in overrides if not isinstance(item, str)]
    if bad:
        message = f"every override must be a 'PATH=VALUE' text, not {_kind(bad[0])}"
        raise _set_error("", message, hint)


def _kind(value: object) -> str:
    text = repr(value)
    return f"{text if len(text) <= 40 else text[:37] + '...'} ({type(value).__name__})"


def _drop_uncertain(tree: _Node, key: str) -> None:
    """Remove an ``uncertain`` entry, so the parameter keeps its fixed value in every world.

    Raises:
        ScenarioError: If the scenario has no such entry.
    """
    entries = tree.value.get("uncertain") if isinstance(tree.value, dict) else None
    table = entries.value if entries is not None and isinstance(entries.value, dict) else {}
    if key not in table:
        hint = did_you_mean(key, sorted(table), list_all=False)
        raise _set_error(f"uncertain.{key}", "no uncertain entry to remove", hint)
    del table[key]


def _set_error(path: str, message: str, hint: str = "") -> ScenarioError:
    return ScenarioError([Problem(SET_FILE, 0, 0, path, message, hint)])


def _parse_override(text: str) -> tuple[list[str], _Node]:
    """Split ``PATH=VALUE`` into path segments (checked later) and a value node."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise _set_error(text, "expected PATH=VALUE", "e.g. --set russia.tech_transfer.max_tier=2")
    segments = _segments(path)
    try:
        data = parse_value(raw, SET_FILE)
    except ScenarioError as error:  # say which value, as for a schema error
        raise ScenarioError([_set_problem(problem, path) for problem in error.problems]) from None
    return segments, _tree(data, {}, SET_FILE)


def _set_problem(problem: Problem, path: str) -> Problem:
    """A problem found parsing a ``--set`` value, named by the path it was given for."""
    return Problem(SET_FILE, 0, 0, path, problem.message, problem.hint, problem.severity)


def _segments(path: str) -> list[str]:
    parts = path.split(".")
    if parts[0] in ACTORS:
        parts = ["actors", *parts]
    if parts[0] == "uncertain" and len(parts) > 2:
        last = parts[-1]
        if last in Distribution.model_fields:
            return ["uncertain", ".".join(parts[1:-1]), last]
        return ["uncertain", ".".join(parts[1:])]
    return parts


def _check_override_path(segments: list[str], shown: list[str]) -> None:
    """Refuse a path the schema does not have; ``shown`` is the path as written."""
    error = schema_path_error(segments)
    if error is None:
        return
    index, names = error
    where = ".".join(shown[:index]) or "the top level"
    path = ".".join(shown)
    if not names:
        raise _set_error(path, f"{where!r} holds a value, not keys such as {segments[index]!r}")
    message = f"unknown key {segments[index]!r} in {where}"
    raise _set_error(path, message, did_you_mean(segments[index], names))


def _is_driver(segments: list[str]) -> bool:
    return is_parameter(".".join(segments), "driver")


def _constant_driver(tree: _Node, driver: str, value: _Node) -> _Node:
    """``world.<driver>=V`` makes the driver the constant V, keeping its noise."""
    world = tree.value.get("world") if isinstance(tree.value, dict) else None
    old = world.value.get(driver) if world is not None and isinstance(world.value, dict) else None
    return _driver_over(old, value)


def _is_number(node: _Node | None) -> bool:
    return (
        node is not None
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    )


def _driver_map(node: _Node | None) -> _Node | None:
    """A driver written as a number is the mapping ``{value: number}``."""
    if node is not None and _is_number(node):
        return _Node({"value": node}, node.where)
    return node


def _driver_over(base: _Node | None, over: _Node) -> _Node:
    """A driver overridden by a number becomes that constant: no steps, ramps or points.

    The noise of the driver it overrides, if any, is kept.
    """
    if not _is_number(over):
        return over
    entries: dict[str, _Node] = {"value": over}
    if base is not None and isinstance(base.value, dict) and "noise" in base.value:
        entries["noise"] = base.value["noise"]
    return _Node(entries, over.where)


def _set(tree: _Node, segments: list[str], value: _Node) -> None:
    """Put ``value`` at ``segments`` in the tree, creating missing mappings on the way."""
    node = tree
    for depth, segment in enumerate(segments):
        last = depth == len(segments) - 1
        if isinstance(node.value, list):
            node = _list_item(node.value, segments, depth, value if last else None)
            continue
        if not isinstance(node.value, dict):
            node.value = {}
        if last:
            node.value[segment] = value
        else:
            node = node.value.setdefault(segment, _Node({}, Location(SET_FILE)))


def _list_item(items: list[_Node], segments: list[str], depth: int, value: _Node | None) -> _Node:
    segment = segments[depth]
    if not (segment.isascii() and segment.isdigit()):
        path = ".".join(segments)
        where = ".".join(segments[:depth])
        raise _set_error(path, f"{where} is a list: {segment!r} is not an entry number", "e.g. 0")
    index = int(segment)
    if index >= len(items):
        path = ".".join(segments)
        where = ".".join(segments[:depth])
        raise _set_error(path, f"{where} has {len(items)} entries; there is no entry {index}")
    if value is not None:
        items[index] = value
        return value
    return items[index]
