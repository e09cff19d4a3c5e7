"""What the Explore page runs: a scenario against itself with the form's settings applied.

Both runs share their random worlds (common random numbers), so the differences are the
settings' effect alone, world by world, as ``triad compare`` reports them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from triad.errors import TriadNote
from triad.experiments.compare import Comparison, compare
from triad.scenario.loader import load_scenario

CHANGED = "your settings"
"""The label of the run with the form's settings."""


@dataclass(frozen=True)
class ExploreRun:
    """One press of Run.

    Attributes:
        scenario: A bundled name or an uploaded file's stored path.
        label: How the unchanged scenario is labelled.
        overrides: ``PATH=VALUE`` settings from the form.
        worlds: Worlds in each run.
    """

    scenario: str | Path
    label: str
    overrides: Sequence[str]
    worlds: int


@dataclass(frozen=True)
class Explored:
    """The two runs lined up, what was run, and the notes loading the settings raised."""

    comparison: Comparison
    request: ExploreRun
    notes: list[str] = field(default_factory=list)


def explore(request: ExploreRun, progress: Callable[[int, int], None] | None = None) -> Explored:
    """Run the scenario unchanged and with the settings, on the same worlds.

    Raises:
        TriadError: If a setting is refused (the message names the path and the value).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TriadNote)
        base = load_scenario(request.scenario)
        changed = load_scenario(request.scenario, list(request.overrides))
    comparison = compare(
        [base, changed],
        labels=[request.label, CHANGED],
        worlds=request.worlds,
        progress=progress,
    )
    notes = [str(w.message) for w in caught if issubclass(w.category, TriadNote)]
    return Explored(comparison, request, list(dict.fromkeys(notes)))
