"""Which parameters the model core and each policy read, and the values no active policy reads.

Nothing here is a hand-kept list. The reads are found by running the model and the
policies (:mod:`triad.model.probe`). Running the model imports mesa, pandas and scipy, so
the reads of the catalogue are recorded once in a table shipped with the package
(``triad/data/parameter_usage.json``, written by ``python -m triad.model.usage --write``
and checked against a fresh probe by ``tests/test_usage.py``): :func:`parameter_usage`
reads the table while it knows every registered policy, and runs the probe on the
scenario only when a policy it does not know is registered. A parameter some policy reads
and the core never does is *policy-specific*: it has an effect only while one of its
readers is active.

:func:`ignored_parameter_problems` turns that into warnings for values a scenario file
writes that its active policies never read:

* in a file that ``extends:`` another, and in ``--set`` overrides, every such value;
* in a base file (no ``extends:``), only values that differ from the schema default, since
  a base file may write out every parameter to document it (the bundled ``baseline``
  does); with ``strict`` every such value;
* ``uncertain`` entries and event actions on such a parameter, in the file or a ``--set``.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triad.errors import Problem
from triad.model.policies.registry import all_policies
from triad.scenario.loader import SET_FILE
from triad.scenario.registry import Kind, current_value, is_parameter
from triad.scenario.report import SourceMap
from triad.scenario.schema import Scenario

__all__ = [
    "TABLE",
    "ParameterUsage",
    "ignored_parameter_problems",
    "parameter_usage",
    "probed_usage",
    "recorded_usage",
]

ACTORS = ("russia", "china", "dprk")
NUMERIC: tuple[Kind, ...] = ("number", "count", "flag")
"""The kinds of parameter the model holds as arrays (a policy's choice is not one)."""
TABLE = Path(__file__).resolve().parent.parent / "data" / "parameter_usage.json"
"""The reads of the core and of every policy of the catalogue, as the probe found them."""
ABOUT = (
    "Which parameters the model core and each policy read, found by running them "
    "(triad.model.probe) on the schema's defaults. Generated: regenerate with "
    "python -m triad.model.usage --write after changing the model or a policy."
)


@dataclass(frozen=True)
class ParameterUsage:
    """Which parameters the model core and each policy read.

    Attributes:
        core: Parameters read by the schedule (set-up, processes, triggers, metrics).
        policies: ``(actor, policy name)`` -> parameters that policy reads.
    """

    core: frozenset[str]
    policies: Mapping[tuple[str, str], frozenset[str]]

    def readers(self, path: str) -> tuple[tuple[str, str], ...]:
        """The policies that read a parameter, as sorted ``(actor, name)`` pairs."""
        return tuple(sorted(key for key, read in self.policies.items() if path in read))

    def policy_specific(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Parameters some policy reads and the core never does, with their readers."""
        paths = set().union(*self.policies.values()) - self.core if self.policies else set()
        return {path: self.readers(path) for path in sorted(paths)}

    def ignored(
        self, active: Mapping[str, str | tuple[str, ...]]
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        """Policy-specific parameters that none of the active policies reads.

        Args:
            active: Actor -> the name of the policy it runs, or the names of those some
                world runs (an uncertain policy type).

        Returns:
            Parameter path -> the policies that would read it.
        """
        running = {
            (actor, name)
            for actor, names in active.items()
            for name in ((names,) if isinstance(names, str) else names)
        }
        return {
            path: readers
            for path, readers in self.policy_specific().items()
            if not running.intersection(readers)
        }

    def table(self) -> dict[str, Any]:
        """The usage as JSON data: sorted paths, a policy keyed ``actor.name``."""
        policies = {
            f"{actor}.{name}": sorted(read) for (actor, name), read in self.policies.items()
        }
        return {
            "about": ABOUT,
            "core": sorted(self.core),
            "policies": dict(sorted(policies.items())),
        }

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> ParameterUsage:
        """The usage written by :meth:`table`."""
        policies = {
            (key.split(".")[0], key.split(".", 1)[1]): frozenset(read)
            for key, read in table["policies"].items()
        }
        return cls(frozenset(table["core"]), policies)


def table_text(usage: ParameterUsage) -> str:
    """The text of :data:`TABLE` for a usage: indented JSON, one path a line."""
    return json.dumps(usage.table(), indent=1) + "\n"


@functools.cache
def recorded_usage() -> ParameterUsage:
    """The usage recorded in :data:`TABLE`."""
    return ParameterUsage.from_table(json.loads(TABLE.read_text(encoding="utf-8")))


def probed_usage(scenario: Scenario) -> ParameterUsage:
    """The usage found by running the model and every registered policy on a scenario.

    Imports the model (and with it mesa, pandas and scipy) on first use.
    """
    from triad.model.probe import probe_reads

    return ParameterUsage(*probe_reads(scenario))


def parameter_usage(scenario: Scenario) -> ParameterUsage:
    """Which parameters the core and every registered policy read.

    Args:
        scenario: The scenario to probe if a registered policy is not in the recorded
            table (its values, e.g. the policies' thresholds, are what the probe runs with).

    Returns:
        The recorded usage if it holds exactly the registered policies; otherwise the
        usage probed on ``scenario``.
    """
    recorded = recorded_usage()
    if set(recorded.policies) == {(cls.actor, cls.name) for cls in all_policies()}:
        return recorded
    return probed_usage(scenario)


# --------------------------------------------------------------------------- problems
def ignored_parameter_problems(
    scenario: Scenario, sources: SourceMap, *, strict: bool = False
) -> list[Problem]:
    """Warnings for values a scenario writes that its active policies never read.

    Args:
        scenario: A validated scenario.
        sources: Where each of its values was written; ``sources.chain[0]`` is the file
            asked for, and a chain longer than one file means it ``extends:`` another.
        strict: Whether a base file's values at their schema default are reported too.

    Returns:
        One warning per such value, at the file, line and column it was written.
    """
    active = {key: _running(scenario, key) for key in ACTORS}
    ignored = parameter_usage(scenario).ignored(active)
    if not ignored:
        return []
    own = {sources.chain[0] if sources.chain else sources.root.file, SET_FILE}
    overlay = len(sources.chain) > 1
    changed = _changed(scenario, ignored)
    problems: list[Problem] = []
    for at, path in _written(scenario, ignored):
        where = sources.locate(at)
        if where.file not in own or at not in sources.entries:
            continue
        documented = at == _source_path(path) and path not in changed
        if documented and where.file != SET_FILE and not overlay and not strict:
            continue
        message, hint = _explain(path, ignored[path], active)
        problems.append(Problem(where.file, where.line, where.column, at, message, hint, "warning"))
    return problems


def _running(scenario: Scenario, actor: str) -> str | tuple[str, ...]:
    """The policy an actor runs, or the policies its worlds draw from."""
    dist = scenario.uncertain.get(f"{actor}.policy")
    return tuple(dist.names) if dist is not None else str(getattr(scenario.actors, actor).policy)


def _written(scenario: Scenario, ignored: Mapping[str, object]) -> Iterator[tuple[str, str]]:
    """Source paths (``actors.china.punish_level``, ``uncertain.x``, an action) of each."""
    for path in ignored:
        yield _source_path(path), path
        if path in scenario.uncertain:
            yield f"uncertain.{path}", path
    for index, event in enumerate(scenario.events):
        for number, action in enumerate(event.actions):
            if action.kind != "trigger" and action.target in ignored:
                yield f"events.{index}.actions.{number}.{action.kind}", action.target


def _source_path(path: str) -> str:
    """Where a parameter is written in a file: ``actors.`` before an actor's parameters."""
    return path if path.startswith("dynamics.") else f"actors.{path}"


def _changed(scenario: Scenario, paths: Iterable[str]) -> set[str]:
    """Those of the parameters whose value the scenario sets away from the schema default."""
    defaults = Scenario(name="defaults")
    return {
        path
        for path in paths
        if is_parameter(path, *NUMERIC)
        and (value := current_value(scenario, path)) is not None
        and value != current_value(defaults, path)
    }


def _explain(
    path: str, readers: tuple[tuple[str, str], ...], active: Mapping[str, str | tuple[str, ...]]
) -> tuple[str, str]:
    names = ", ".join(f"{actor} {name!r}" for actor, name in readers)
    running = ", ".join(
        f"{actor} runs {active[actor]!r}"
        if isinstance(active[actor], str)
        else f"{actor} runs one of {', '.join(map(repr, active[actor]))}"
        for actor in dict.fromkeys(a for a, _ in readers)
    )
    if len(readers) == 1:
        actor, name = readers[0]
        message = f"has no effect: only the policy {names} reads {path}, and {running}"
        return message, f"set actors.{actor}.policy: {name}, or remove this value"
    message = f"has no effect: only the policies {names} read {path}, and {running}"
    return message, "run one of those policies, or remove this value"


# --------------------------------------------------------------------------- the table
def main(argv: Sequence[str] | None = None) -> int:
    """Print the probed table, or with ``--write`` write it to :data:`TABLE`.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit code.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["--write"]):
        sys.stderr.write("usage: python -m triad.model.usage [--write]\n")
        return 2
    text = table_text(probed_usage(Scenario(name="defaults")))
    if args:
        TABLE.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
