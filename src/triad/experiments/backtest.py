"""Backtest one scenario against historical targets: table, hit rate, CSV and chart.

:mod:`triad.experiments.targets` defines targets and compares a simulation with them; this
module chooses the targets that apply to a scenario, runs it and gathers the result. By
default the targets are the project's ``data/history.yaml``, those marked for the scenario;
a user's file whose targets name no ``scenario`` applies to whatever scenario is run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from triad.errors import ExperimentError
from triad.experiments.targets import Target, load_targets, score_targets
from triad.experiments.validation import HISTORY
from triad.runs.context import RunContext
from triad.runs.ensemble import run_ensemble
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.schema import Scenario

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "metric",
    "period",
    "value",
    "low",
    "high",
    "median",
    "p05",
    "p95",
    "hit",
    "tuned",
    "status",
)
"""Columns of ``backtest.csv``, in order."""
CSV_NAME = "backtest.csv"
CHART_NAME = "backtest.png"
OUTSIDE_HORIZON = "outside horizon"


@dataclass(frozen=True)
class Backtest:
    """A scenario's ensemble compared with historical targets.

    Attributes:
        scenario: The scenario as run (with its worlds and seed).
        table: One row per target, in the targets file's order: id, metric, period, value,
            low, high, median, p05, p95, hit, tuned, status (``inside``, ``outside`` or
            ``outside horizon``), unit.
        source: The targets file.
    """

    scenario: Scenario
    table: pd.DataFrame
    source: Path

    @property
    def checked(self) -> int:
        """Targets whose period lies inside the horizon."""
        return int((self.table["status"] != OUTSIDE_HORIZON).sum())

    @property
    def hits(self) -> int:
        """Targets whose range holds the ensemble median."""
        return int(self.table["hit"].sum())

    @property
    def hit_rate(self) -> float:
        """Share of the targets inside the horizon that are hit (NaN if none is inside)."""
        return self.hits / self.checked if self.checked else float("nan")

    def csv_frame(self) -> pd.DataFrame:
        """The table as written to ``backtest.csv`` (:data:`CSV_COLUMNS`)."""
        return self.table.loc[:, list(CSV_COLUMNS)]

    @property
    def title(self) -> str:
        """One line naming the scenario, the ensemble and the hit rate."""
        s = self.scenario
        return (
            f"{s.name} vs history: {self.hits} of {self.checked} targets reproduced "
            f"({s.worlds} worlds, seed {s.seed})"
        )


def select_targets(targets: Sequence[Target], scenario: str, source: Path) -> list[Target]:
    """The targets that apply to a scenario: those naming it, and those naming none.

    Raises:
        ExperimentError: If no target applies, naming the scenarios the file covers.
    """
    chosen = [t for t in targets if "scenario" not in t.model_fields_set or t.scenario == scenario]
    if not chosen:
        covered = ", ".join(sorted({t.scenario for t in targets}))
        raise ExperimentError(
            f"no target in {source} applies to scenario {scenario!r} (its targets are for: "
            f"{covered}); give --targets a file for this scenario, or targets without "
            "a scenario field"
        )
    return chosen


def backtest(
    scenario: str | Path | Scenario,
    targets: Path | None = None,
    *,
    options: RunOptions = RunOptions(),
    context: RunContext = RunContext(),
) -> Backtest:
    """Run a scenario and compare it with the historical targets that apply to it.

    Args:
        scenario: A bundled name, a scenario file, or a resolved scenario.
        targets: A targets file in the format of ``data/history.yaml`` (default: that file).
        options: What to run (worlds, seed, horizon, overrides; see :class:`RunOptions`).
        context: Where and how the ensemble runs (see :class:`RunContext`).

    Returns:
        The comparison; targets outside the horizon are kept with status
        ``outside horizon``.

    Raises:
        TriadError: If the scenario or the targets file is invalid, or no target applies.
    """
    resolved = prepare_scenario(scenario, options)
    source = targets or HISTORY
    chosen = select_targets(load_targets(source), resolved.name, source)
    sim = run_ensemble(
        resolved,
        progress=context.progress,
        log_worlds=0,
        executor=context.executor,
        chunk_size=context.chunk_size,
    )
    table = score_targets(sim, chosen).assign(unit=[t.unit for t in chosen])
    return Backtest(resolved, table, source)


__all__ = ["CSV_COLUMNS", "Backtest", "backtest", "select_targets"]
