"""What the Explore page runs: a scenario against itself with the form's settings applied.

Both runs share their random worlds (common random numbers), so the differences are the
settings' effect alone, world by world, as ``triad compare`` reports them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from triad.errors import TriadNote
from triad.experiments.compare import Comparison, compare
from triad.runs.context import RunContext
from triad.runs.options import RunOptions
from triad.scenario.loader import load_scenario
from triad.text import format_number

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
        options=RunOptions(worlds=request.worlds),
        context=RunContext(progress=progress),
    )
    notes = [str(w.message) for w in caught if issubclass(w.category, TriadNote)]
    return Explored(comparison, request, list(dict.fromkeys(notes)))


def difference_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The paired differences as the page shows them: one row per metric, in words.

    Args:
        frame: :meth:`Comparison.differences` of the two runs.

    Returns:
        Columns metric, at, unchanged, your settings, difference (medians), worlds 5-95%
        (of the difference across worlds), same sign (share of worlds with the median's
        sign) and diverges from (the month from which 95% of worlds differ one way).
    """
    rows = []
    for row in frame.to_dict("records"):
        spread = f"{format_number(row['worlds_p05'])} to {format_number(row['worlds_p95'])}"
        diverges = row["divergence_date"] if isinstance(row["divergence_date"], str) else "-"
        rows.append(
            {
                "metric": f"{row['metric']} [{row['unit']}]",
                "at": row["at"],
                "unchanged": format_number(row["reference_median"]),
                CHANGED: format_number(row["scenario_median"]),
                "difference": format_number(row["median_difference"]),
                "worlds 5-95%": spread,
                "same sign": f"{row['worlds_same_sign']:.0%}",
                "diverges from": diverges,
            }
        )
    return pd.DataFrame(rows)
