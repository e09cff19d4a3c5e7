"""Which parameters the model core and each policy read, found by running them.

Nothing here is a hand-kept list. :func:`parameter_usage` builds a tiny copy of a scenario
(a few worlds, three months, one event firing every trigger), steps it with its parameters
wrapped in a :class:`ReadRecorder`, and records what the schedule reads; the policies'
own reads are left out of that record. It then shows every registered policy the same
observations, each through its own recorder. A parameter some policy reads and the core
never does is *policy-specific*: it has an effect only while one of its readers is active.

:func:`ignored_parameter_problems` turns that into warnings for values a scenario file
writes that its active policies never read:

* in a file that ``extends:`` another, and in ``--set`` overrides, every such value;
* in a base file (no ``extends:``), only values that differ from the schema default, since
  a base file may write out every parameter to document it (the bundled ``baseline``
  does); with ``strict`` every such value;
* ``uncertain`` entries and event actions on such a parameter, in the file or a ``--set``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from triad.errors import Problem
from triad.model.actors import Actor
from triad.model.model import TriadModel, make_policy
from triad.model.params import flat_parameters
from triad.model.policies.base import Observation, Policy
from triad.model.policies.registry import all_policies
from triad.scenario.loader import SET_FILE
from triad.scenario.report import SourceMap
from triad.scenario.schema import (
    TRIGGERS,
    Action,
    Event,
    Scenario,
    uncertain_kind,
)

__all__ = [
    "ParameterUsage",
    "ReadRecorder",
    "ignored_parameter_problems",
    "parameter_usage",
]

Array = NDArray[np.float64]
ACTORS = ("russia", "china", "dprk")
PROBE_MONTHS = 3
PROBE_WORLDS = 4


class ReadRecorder(dict[str, Array]):
    """A parameter dict that remembers which keys were read (``p[key]`` or ``p.get``).

    Attributes:
        read: The keys read while recording.
        recording: Whether reads are recorded now.
    """

    def __init__(self, data: Mapping[str, Array]) -> None:
        super().__init__(data)
        self.read: set[str] = set()
        self.recording = True

    def __getitem__(self, key: str) -> Array:
        if self.recording:
            self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        """Like :meth:`dict.get`, recording the read."""
        if self.recording:
            self.read.add(key)
        return super().get(key, default)


class _Probe(TriadModel):
    """A model whose parameters, however they are assigned, are a :class:`ReadRecorder`."""

    params: ReadRecorder

    def __setattr__(self, name: str, value: object) -> None:
        if name == "params" and isinstance(value, dict) and not isinstance(value, ReadRecorder):
            value = ReadRecorder(value)
        super().__setattr__(name, value)


class _Unrecorded(Policy):
    """Runs a policy with the core's recorder paused, so its reads are not the core's."""

    actor = "probe"
    name = "probe"

    def __init__(self, inner: Policy, recorder: ReadRecorder) -> None:
        self.inner, self.recorder = inner, recorder

    def decide(self, obs: Observation) -> dict[str, Array]:
        """The inner policy's decision, unrecorded."""
        self.recorder.recording = False
        try:
            return self.inner.decide(obs)
        finally:
            self.recorder.recording = True


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


def parameter_usage(scenario: Scenario) -> ParameterUsage:
    """Find which parameters the core and every registered policy read, by running them.

    Args:
        scenario: The scenario whose values the probe runs with (its events and horizon
            are replaced: three months, a few worlds, every trigger fired in month 1).

    Returns:
        The reads found.
    """
    model = _Probe(_probe_scenario(scenario), worlds=PROBE_WORLDS, log_worlds=0)
    core = model.params
    actors: tuple[Actor, ...] = (model.russia, model.china, model.dprk)
    for actor in actors:
        actor.policy = _Unrecorded(actor.policy, core)
    policies = {(cls.actor, cls.name): make_policy(cls.actor, cls.name) for cls in all_policies()}
    reads: dict[tuple[str, str], set[str]] = {key: set() for key in policies}
    for _ in range(PROBE_MONTHS):
        model.step()
        for key, policy in policies.items():
            reads[key] |= _policy_reads(policy, model.observe(key[0]), core)
    return ParameterUsage(
        frozenset(core.read), {key: frozenset(read) for key, read in reads.items()}
    )


def _probe_scenario(scenario: Scenario) -> Scenario:
    triggers = Event(
        name="probe_triggers",
        at=str(scenario.first_month + 1),
        actions=[Action(trigger=name) for name in TRIGGERS],
    )
    uncertain = {k: v for k, v in scenario.uncertain.items() if uncertain_kind(k) != "event"}
    update = {
        "months": PROBE_MONTHS,
        "worlds": PROBE_WORLDS,
        "events": [triggers],
        "uncertain": uncertain,
    }
    return scenario.model_copy(update=update)


def _policy_reads(policy: Policy, obs: Observation, core: ReadRecorder) -> set[str]:
    recorder = ReadRecorder(core)
    core.recording = False
    try:
        policy.decide(dataclasses.replace(obs, params=recorder))
    finally:
        core.recording = True
    return recorder.read


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
    changed = _changed(scenario)
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


def _changed(scenario: Scenario) -> set[str]:
    """Parameters whose value differs from the schema default."""
    defaults = flat_parameters(Scenario(name="defaults"))
    return {path for path, value in flat_parameters(scenario).items() if defaults[path] != value}


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
