"""Model vs history: aggregate simulated metrics over a target's period and compare.

A target names a metric, an aggregate over a period (``end``, ``sum``, ``mean`` or
``growth``), the historical value and the range ``[low, high]`` the sources allow. The
model reproduces a target when the ensemble median of the aggregate lies in that range.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import ConfigDict, Field, ValidationError, field_validator

from triad.errors import Problem, ScenarioError
from triad.model.metrics import METRIC_NAMES
from triad.runs.simulation import Simulation
from triad.scenario.month import Month
from triad.scenario.schema import Strict
from triad.scenario.yamlsafe import Positions, load_file

Array = NDArray[np.float64]


class Target(Strict):
    """One historical figure mapped to a model metric (numbers are never guessed from text)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_assignment=False)

    id: str = Field(description="Unique identifier")
    scenario: str = Field("baseline", description="Bundled scenario the figure is checked against")
    metric: str = Field(description="Model metric name")
    aggregate: Literal["end", "sum", "mean", "growth"] = Field(
        description="How months are combined"
    )
    period: str = Field(description="YYYY (a calendar year) or YYYY-MM (a month)")
    scale: float = Field(1.0, description="Multiplier from the metric's unit to the target's unit")
    value: float = Field(description="The historical figure [unit]")
    low: float = Field(description="Lowest value the sources allow [unit]")
    high: float = Field(description="Highest value the sources allow [unit]")
    unit: str = Field("", description="Unit of value, low and high")
    tuned: bool = Field(False, description="True if the scenario was tuned to this figure")
    source: str = Field(description="Where the figure comes from")

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        if value not in METRIC_NAMES:
            raise ValueError(f"unknown metric {value!r}")
        return value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        if len(value) == 4 and value.isascii() and value.isdigit():
            return value
        Month.parse(value)
        return value

    def months(self) -> tuple[Month, Month]:
        """First and last month of the period (inclusive)."""
        if len(self.period) == 4:
            year = int(self.period)
            return Month.of(year, 1), Month.of(year, 12)
        month = Month.parse(self.period)
        return month, month


def load_targets(path: Path) -> list[Target]:
    """Read a targets file (the format of ``data/history.yaml``).

    The file is read like a scenario (:mod:`triad.scenario.yamlsafe`): a regular file of at
    most 1 MiB, UTF-8, YAML 1.2 values, capped nesting and aliases, no duplicate keys.

    Raises:
        ScenarioError: If the file cannot be read or a target is malformed, naming the
            file, line and field.
    """
    name = str(path)
    raw, positions = load_file(path, name)
    entries = raw.get("targets")
    if not isinstance(entries, list):
        line, column = positions.get("targets", positions.get("", (0, 0)))
        problem = Problem(name, line, column, "targets", "expected a list under 'targets:'")
        raise ScenarioError([problem])
    targets, problems = [], []
    for i, entry in enumerate(entries):
        try:
            targets.append(Target.model_validate(entry))
        except ValidationError as error:
            for e in error.errors():
                loc = ".".join(str(x) for x in (f"targets.{i}", *e["loc"]))
                line, column = _position(positions, loc)
                message = e["msg"].removeprefix("Value error, ")
                problems.append(Problem(name, line, column, loc, message))
    if problems:
        raise ScenarioError(problems)
    return targets


def _position(positions: Positions, path: str) -> tuple[int, int]:
    """Where ``path`` (or the nearest enclosing value) was written."""
    while path and path not in positions:
        path = path.rpartition(".")[0]
    return positions.get(path, (0, 0))


def aggregate(sim: Simulation, target: Target) -> Array | None:
    """The target's aggregate per world, or None if its period lies outside the horizon."""
    start = sim.scenario.first_month
    first, last = (m - start for m in target.months())
    if target.aggregate == "growth":
        first_prev = first - (last - first + 1)
        if first_prev < 0 or last >= sim.months:
            return None
        series = sim.series(target.metric).astype(np.float64)
        now = series[first : last + 1].mean(axis=0)
        before = series[first_prev:first].mean(axis=0)
        out: Array = now / before - 1.0
        return out
    if first < 0 or last >= sim.months:
        return None
    window = sim.series(target.metric)[first : last + 1].astype(np.float64)
    values = {"end": window[-1], "sum": window.sum(axis=0), "mean": window.mean(axis=0)}[
        target.aggregate
    ]
    scaled: Array = values * target.scale
    return scaled


def score_targets(sim: Simulation, targets: list[Target]) -> pd.DataFrame:
    """Model vs history for each target: median, 90% interval, hit.

    Returns:
        One row per target: id, metric, period, value, low, high, median, p05, p95, hit,
        tuned, status (``inside``, ``outside`` or ``outside horizon``).
    """
    rows = []
    for target in targets:
        values = aggregate(sim, target)
        row = {
            "id": target.id,
            "metric": target.metric,
            "period": target.period,
            "value": target.value,
            "low": target.low,
            "high": target.high,
        }
        if values is None:
            rows.append(
                row
                | {
                    "median": np.nan,
                    "p05": np.nan,
                    "p95": np.nan,
                    "hit": False,
                    "tuned": target.tuned,
                    "status": "outside horizon",
                }
            )
            continue
        median = float(np.median(values))
        hit = target.low <= median <= target.high
        rows.append(
            row
            | {
                "median": median,
                "p05": float(np.quantile(values, 0.05)),
                "p95": float(np.quantile(values, 0.95)),
                "hit": hit,
                "tuned": target.tuned,
                "status": "inside" if hit else "outside",
            }
        )
    return pd.DataFrame(rows)
