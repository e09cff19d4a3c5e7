"""Which parameters the model core and each policy read, found by running them.

:func:`probe_reads` builds a tiny copy of a scenario (a few worlds, three months, one
event firing every trigger), steps it with its parameters wrapped in a
:class:`ReadRecorder`, and records what the schedule reads; the policies' own reads are
left out of that record. It then shows every registered policy the same observations,
each through its own recorder.

Running the model imports mesa, pandas and scipy: :mod:`triad.model.usage` reads the
reads of the catalogue from a table recorded with this probe, and runs the probe only for
a policy the table does not know.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from triad.model.actors import Actor
from triad.model.model import TriadModel, make_policy
from triad.model.policies.base import Observation, Policy
from triad.model.policies.registry import all_policies
from triad.scenario.schema import TRIGGERS, Action, Event, Scenario, uncertain_kind

__all__ = ["PolicyKey", "ReadRecorder", "Reads", "probe_reads"]

Array = NDArray[np.float64]
PolicyKey = tuple[str, str]
"""A policy as ``(actor, name)``."""
Reads = tuple[frozenset[str], dict[PolicyKey, frozenset[str]]]
"""The parameters the core reads, and those each policy reads."""
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


def probe_reads(scenario: Scenario) -> Reads:
    """Find which parameters the core and every registered policy read, by running them.

    Args:
        scenario: The scenario whose values the probe runs with (its events and horizon
            are replaced: three months, a few worlds, every trigger fired in month 1).

    Returns:
        The parameters the core reads, and those each registered policy reads.
    """
    model = _Probe(_probe_scenario(scenario), worlds=PROBE_WORLDS, log_worlds=0)
    core = model.params
    actors: tuple[Actor, ...] = (model.russia, model.china, model.dprk)
    for actor in actors:
        actor.policy = _Unrecorded(actor.policy, core)
    policies = {(cls.actor, cls.name): make_policy(cls.actor, cls.name) for cls in all_policies()}
    reads: dict[PolicyKey, set[str]] = {key: set() for key in policies}
    for _ in range(PROBE_MONTHS):
        model.step()
        for key, policy in policies.items():
            reads[key] |= _policy_reads(policy, model.observe(key[0]), core)
    return frozenset(core.read), {key: frozenset(read) for key, read in reads.items()}


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
