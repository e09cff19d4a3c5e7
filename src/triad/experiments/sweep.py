"""Parameter sweeps: one or two parameters stepped over a grid, every point an ensemble.

Each grid point runs the scenario with the parameters set to that point's values in the
same N worlds, with the same world indices ``0 .. N-1`` and the same seed: common random
numbers. World k draws the same random numbers at every grid point, so the response from
one point to the next comes only from the parameters, not from a fresh draw of luck, and a
monotone model gives a monotone response even with few worlds. (Running the whole grid as
one ensemble via ``points`` would be faster but would give each point different worlds.)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from triad.errors import ExperimentError
from triad.experiments.parameters import (
    Axis,
    ChoiceAxis,
    Outcome,
    check_distinct,
    check_inputs,
)
from triad.model.metrics import METRIC_BY_NAME
from triad.runs.context import RunContext
from triad.runs.ensemble import KEY_METRICS, QUANTILES, Progress, run_ensemble
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.schema import Scenario

Array = NDArray[np.float64]
MAX_AXES = 2
MAX_WORLD_MONTHS = 2_000_000_000
"""Most world-months one sweep may run (grid points x worlds x months)."""
CSV_NAME = "sweep.csv"
DEFAULT_OUTCOMES: tuple[Outcome, ...] = tuple(Outcome(name) for name in KEY_METRICS)
"""The key metrics at the horizon."""


@dataclass(frozen=True)
class Sweep:
    """Outcomes over a grid of parameter values, each point an ensemble on the same worlds.

    Attributes:
        scenario: The scenario as run (its worlds and seed are every point's).
        axes: The one or two parameters stepped, the first varying slowest.
        outcomes: What was read from every world.
        grid: Parameter values of each grid point, shape ``(points, axes)``.
        values: Outcome label -> values, shape ``(points, worlds)``.
    """

    scenario: Scenario
    axes: tuple[Axis, ...]
    outcomes: tuple[Outcome, ...]
    grid: Array
    values: dict[str, Array]

    def frame(self) -> pd.DataFrame:
        """One row per grid point and outcome.

        Returns:
            Columns: one per parameter path (a policy's names for a policy axis, months
            as ``YYYY-MM`` for an event's date), then outcome, unit, mean, p05, p25, p50,
            p75, p95 (quantiles across the worlds).
        """
        parts = []
        for outcome in self.outcomes:
            values = self.values[outcome.label]
            part = pd.DataFrame(
                {axis.path: axis.labels(self.grid[:, i]) for i, axis in enumerate(self.axes)}
            )
            part["outcome"] = outcome.label
            part["unit"] = METRIC_BY_NAME[outcome.metric].unit
            part["mean"] = values.mean(axis=1)
            for q, row in zip(QUANTILES, np.quantile(values, QUANTILES, axis=1), strict=True):
                part[f"p{round(q * 100):02d}"] = row
            parts.append(part)
        return pd.concat(parts, ignore_index=True)


def grid_points(axes: Sequence[Axis]) -> Array:
    """Every combination of the axes' values, the first axis varying slowest.

    Returns:
        Shape ``(points, len(axes))``.
    """
    combos = list(itertools.product(*(axis.values for axis in axes)))
    return np.asarray(combos, dtype=np.float64).reshape(len(combos), len(axes))


def check_sweep(axes: Sequence[Axis], outcomes: Sequence[Outcome], scenario: Scenario) -> None:
    """Refuse no axes or more than two, a repeated parameter or outcome, a bad month or size.

    Raises:
        ExperimentError: Saying what is wrong.
    """
    if not 1 <= len(axes) <= MAX_AXES:
        raise ExperimentError(f"a sweep varies one or two parameters, got {len(axes)}")
    check_distinct([a.path for a in axes])
    numeric = [i for i, a in enumerate(axes) if not isinstance(a, ChoiceAxis)]
    grid = grid_points(axes)[:, numeric]
    check_inputs(scenario, [axes[i].path for i in numeric], grid, "grid point")
    if not outcomes:
        raise ExperimentError("give at least one outcome (--metric NAME)")
    check_distinct([o.label for o in outcomes])
    for outcome in outcomes:
        outcome.month(scenario)
    points = int(np.prod([a.steps for a in axes]))
    if points * scenario.worlds * scenario.months > MAX_WORLD_MONTHS:
        raise ExperimentError(
            f"{points} grid points x {scenario.worlds} worlds x {scenario.months} months is "
            f"over {MAX_WORLD_MONTHS:,} world-months; use fewer steps or worlds"
        )


def sweep(
    scenario: str | Path | Scenario,
    axes: Sequence[Axis],
    outcomes: Sequence[Outcome] = DEFAULT_OUTCOMES,
    *,
    options: RunOptions = RunOptions(),
    context: RunContext = RunContext(),
) -> Sweep:
    """Run the scenario at every grid point on common random numbers.

    Every point is its own ensemble of the same worlds (indices ``0 .. N-1``, same seed);
    the parameters take the point's values in every world, replacing the scenario's value
    and any uncertainty declared for them.

    Args:
        scenario: A bundled name, a scenario file, or a resolved scenario.
        axes: One or two inputs with their grids or lists (a parameter, a driver, an
            event's month or action value, a number of an ``uncertain`` distribution), or
            policies with their choices. Each takes its point's value in every world.
        outcomes: What to read from each world (default: the key metrics at the horizon).
        options: What to run (see :class:`RunOptions`): ``worlds`` per grid point, and
            ``fix_uncertain`` fixes every other uncertain input at its central value.
        context: Where and how the grid's ensembles run (see :class:`RunContext`); the
            executor starts once for the whole grid and progress counts the whole grid.

    Returns:
        The outcomes in every world at every grid point.

    Raises:
        TriadError: If the scenario, an axis, an outcome or the size is invalid.
    """
    resolved = prepare_scenario(scenario, options)
    check_sweep(axes, outcomes, resolved)
    grid = grid_points(axes)
    collected: dict[str, list[Array]] = {o.label: [] for o in outcomes}
    with context.started() as started:
        for index, point in enumerate(grid):
            sim = run_ensemble(
                resolved,
                points=_constant(axes, point, resolved.worlds),
                log_worlds=0,
                progress=_offset(context.progress, index, len(grid)),
                executor=started.executor,
                chunk_size=context.chunk_size,
            )
            for outcome in outcomes:
                collected[outcome.label].append(outcome.values(sim))
    values = {label: np.vstack(rows) for label, rows in collected.items()}
    return Sweep(resolved, tuple(axes), tuple(outcomes), grid, values)


def _constant(axes: Sequence[Axis], point: Array, worlds: int) -> dict[str, Array]:
    return {axis.path: np.full(worlds, value) for axis, value in zip(axes, point, strict=True)}


def _offset(progress: Progress | None, index: int, points: int) -> Progress | None:
    """A progress callback for one grid point that reports progress over the whole grid."""
    if progress is None:
        return None
    report = progress

    def forward(done: int, total: int) -> None:
        report(index * total + done, points * total)

    return forward


__all__ = ["Sweep", "check_sweep", "grid_points", "sweep"]
