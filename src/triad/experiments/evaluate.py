"""Evaluate many parameter points in one vectorised ensemble: ``triad.evaluate``.

The batch call that other tools build on (EMA Workbench, an optimiser, a notebook's own
design). A table of points gives inputs one value per point: model parameters
(``dprk.munitions.kpa_floor``), world drivers held constant (``world.pressure``) and
actors' policies (``china.policy``), written as ``--set`` writes them. Every point runs
as ``worlds_per_point`` worlds of *one* ensemble: the points become the per-world values
of :func:`~triad.runs.ensemble.run_ensemble` (as a sensitivity sample does), so 1,000
points cost one vectorised run, not 1,000 runs.

Worlds: point p holds worlds ``p*K .. p*K+K-1`` (distinct worlds, so the points' random
draws differ); with ``common_worlds=True`` every point runs worlds ``0 .. K-1`` (common
random numbers: the points differ only in their inputs, which sharpens comparisons between
them). A world's results depend only on (scenario, seed, world index, the point's inputs),
so the result is identical whatever the executor and chunking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from triad.errors import ExperimentError, PointError
from triad.experiments.parameters import Outcome, parse_outcome
from triad.runs.context import RunContext
from triad.runs.ensemble import KEY_METRICS, run_ensemble, with_options
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.points import PointInput, check_combinations, point_input
from triad.scenario.schema import Scenario
from triad.text import format_number

Array = NDArray[np.float64]
Points = pd.DataFrame | Mapping[str, Sequence[Any] | NDArray[Any] | pd.Series]
QUANTILES: tuple[float, ...] = (0.05, 0.95)
"""Quantiles across a point's worlds shown beside the median by default."""
MAX_WORLDS = 5_000_000
"""Most worlds one evaluation may run (points x worlds per point)."""
DEFAULT_WORLDS_PER_POINT = 20


@dataclass(frozen=True)
class Evaluation:
    """The outcomes of every point in every one of its worlds.

    Attributes:
        scenario: The scenario as run (seed and horizon applied; ``worlds`` is the total).
        inputs: One row per point: the inputs as given (a policy by name), one column per
            path as it was written.
        outcomes: What was read from each world.
        values: Outcome label -> shape ``(points, worlds_per_point)``.
        world_ids: The global world index of each value, shape ``(points, worlds_per_point)``.
        quantiles: The quantiles across worlds that :meth:`frame` shows beside the median.
        common_worlds: Whether every point ran the same worlds.
    """

    scenario: Scenario
    inputs: pd.DataFrame
    outcomes: tuple[Outcome, ...]
    values: dict[str, Array]
    world_ids: NDArray[np.int64]
    quantiles: tuple[float, ...] = QUANTILES
    common_worlds: bool = False

    @property
    def points(self) -> int:
        """Number of points."""
        return len(self.inputs)

    @property
    def worlds_per_point(self) -> int:
        """Worlds run at each point."""
        return int(self.world_ids.shape[1])

    @property
    def labels(self) -> list[str]:
        """The outcome labels (``metric`` or ``metric@YYYY-MM``), in order."""
        return [o.label for o in self.outcomes]

    def statistic(self, label: str, stat: str = "median") -> Array:
        """One number per point: ``median``, ``mean``, or a quantile ``pNN`` across worlds.

        Args:
            label: An outcome label of this evaluation.
            stat: ``median``, ``mean``, ``min``, ``max`` or ``p05`` .. ``p95`` (any ``pNN``).

        Raises:
            ExperimentError: For an unknown label or statistic.
        """
        if label not in self.values:
            raise ExperimentError(
                f"{label!r} is not an outcome of this evaluation; it has: {', '.join(self.labels)}"
            )
        values = self.values[label]
        if stat == "median":
            return np.asarray(np.median(values, axis=1), dtype=np.float64)
        if stat == "mean":
            return np.asarray(values.mean(axis=1), dtype=np.float64)
        if stat in ("min", "max"):
            return np.asarray(getattr(values, stat)(axis=1), dtype=np.float64)
        q = _quantile(stat)
        return np.asarray(np.quantile(values, q, axis=1), dtype=np.float64)

    def frame(self) -> pd.DataFrame:
        """One row per point: ``point``, the inputs, then per outcome its median and quantiles.

        The outcome columns are ``LABEL_median`` and ``LABEL_pNN`` for each quantile (e.g.
        ``containers_median``, ``containers_p05``, ``containers_p95``).
        """
        frame = self.inputs.copy()
        frame.insert(0, "point", np.arange(self.points))
        for label in self.labels:
            frame[f"{label}_median"] = self.statistic(label)
            for q in self.quantiles:
                name = _quantile_name(q)
                frame[f"{label}_{name}"] = self.statistic(label, name)
        return frame

    def worlds(self) -> pd.DataFrame:
        """One row per point and world: ``point``, ``world``, the inputs, each outcome."""
        k = self.worlds_per_point
        rows = np.repeat(np.arange(self.points), k)
        frame = self.inputs.iloc[rows].reset_index(drop=True)
        frame.insert(0, "world", self.world_ids.reshape(-1))
        frame.insert(0, "point", rows)
        for label in self.labels:
            frame[label] = self.values[label].reshape(-1)
        return frame

    def markdown(self) -> str:
        """The title and the frame as a Markdown table (three significant digits)."""
        frame = self.frame()
        header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
        rule = "|" + "|".join("---" for _ in frame.columns) + "|"
        lines = [self.title, "", header, rule]
        for row in frame.itertuples(index=False):
            lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
        return "\n".join(lines) + "\n"

    @property
    def title(self) -> str:
        """One line naming the scenario and the design."""
        same = "the same" if self.common_worlds else "distinct"
        return (
            f"{self.scenario.name}: {self.points:,} points x {self.worlds_per_point} "
            f"{same} world{'s' if self.worlds_per_point > 1 else ''} each, "
            f"{self.scenario.months} months, seed {self.scenario.seed}"
        )


def evaluate(
    scenario: str | Path | Scenario,
    points: Points,
    *,
    worlds_per_point: int = DEFAULT_WORLDS_PER_POINT,
    common_worlds: bool = False,
    point_ids: Sequence[int] | NDArray[np.integer[Any]] | None = None,
    metrics: Sequence[str] = KEY_METRICS,
    at: str | None = None,
    quantiles: Sequence[float] = QUANTILES,
    options: RunOptions = RunOptions(),
    context: RunContext = RunContext(),
) -> Evaluation:
    """Run every point as ``worlds_per_point`` worlds of one ensemble and read the outcomes.

    Args:
        scenario: A bundled name, a scenario file, or a resolved scenario.
        points: A DataFrame, or a mapping of equal-length columns, whose column names are
            input paths as ``--set`` writes them (``dprk.munitions.kpa_floor``,
            ``world.pressure``, ``china.policy`` or ``actors.china.policy``), an event's
            month or value (``events.ceasefire.at`` as ``YYYY-MM``, ``events.NAME.value``)
            or a number of an ``uncertain`` distribution
            (``uncertain.dynamics.commitment_decay.high``); one row per point. A point's
            value replaces the scenario's value and any ``uncertain`` draw of that input
            in the point's worlds.
        worlds_per_point: Worlds run at each point (K).
        common_worlds: Run every point on the same worlds ``0 .. K-1`` (common random
            numbers); otherwise point p runs worlds ``p*K .. p*K+K-1``.
        point_ids: Without common worlds, the index p of each point for its worlds
            (default ``0, 1, ...``; distinct whole numbers >= 0), so that a design run in
            parts, or extended later, gives each point the worlds it would have had in one
            run.
        metrics: Metric names, or ``NAME@YYYY-MM`` to read one at a given month.
        at: ``YYYY-MM`` at which to read the metrics given without a month (default: the
            horizon).
        quantiles: Quantiles across a point's worlds shown by ``frame()`` beside the median.
        options: What to run (see :class:`RunOptions`); ``fix_uncertain`` fixes every
            uncertain input the points do not set, so that the points differ only in their
            inputs and the stochastic part. The worlds are the points'
            (``worlds_per_point``): ``options.worlds`` is refused.
        context: Where and how the ensemble runs (see :class:`RunContext`).

    Returns:
        The outcomes of every point in every world, with ``frame()`` and ``worlds()``.

    Raises:
        TriadError: If the scenario, a path, a value (naming the point), a metric, the month
            or the size is invalid; nothing runs then.
    """
    if options.worlds is not None:
        raise ExperimentError(
            "evaluate runs worlds_per_point worlds at each point: leave options.worlds unset"
        )
    resolved = prepare_scenario(scenario, options)
    table, specs = _table(points, resolved)
    count, k = len(table), _whole(worlds_per_point, "worlds_per_point")
    if count * k > MAX_WORLDS:
        raise ExperimentError(
            f"{count:,} points x {k} worlds per point = {count * k:,} worlds; "
            f"at most {MAX_WORLDS:,} run in one evaluation"
        )
    checked_quantiles = _quantiles(quantiles)
    resolved = with_options(resolved, worlds=count * k)
    outcomes = _outcomes(metrics, at, resolved)
    encoded = {
        spec.path: spec.encode(table[name].tolist(), label="point") for name, spec in specs.items()
    }
    check_combinations(resolved, encoded, label="point")
    ids = _world_ids(count, k, common_worlds, point_ids)
    sim = run_ensemble(
        resolved,
        points={path: np.repeat(values, k) for path, values in encoded.items()},
        world_ids=ids,
        log_worlds=0,
        executor=context.executor,
        chunk_size=context.chunk_size,
        progress=context.progress,
    )
    values = {o.label: o.values(sim).reshape(count, k) for o in outcomes}
    return Evaluation(
        resolved,
        table,
        tuple(outcomes),
        values,
        ids.reshape(count, k),
        checked_quantiles,
        common_worlds,
    )


def _world_ids(
    count: int, k: int, common: bool, point_ids: Sequence[int] | NDArray[Any] | None
) -> NDArray[np.int64]:
    """The global world index of each world of the ensemble, point after point."""
    if common:
        return np.tile(np.arange(k, dtype=np.int64), count)
    if point_ids is None:
        return np.arange(count * k, dtype=np.int64)
    given = list(point_ids)
    whole = all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in given)
    if len(given) != count or not whole or min(given) < 0 or len(set(given)) < count:
        raise ExperimentError(
            f"point_ids: expected {count} distinct whole numbers >= 0, one per point"
        )
    firsts = np.asarray(given, dtype=np.int64) * k
    return (firsts[:, None] + np.arange(k, dtype=np.int64)[None, :]).reshape(-1)


def _table(points: Points, scenario: Scenario) -> tuple[pd.DataFrame, dict[str, PointInput]]:
    """The points as a frame (columns as written, one row per point) and each column's input.

    A column may name any input of ``scenario`` that can differ by world, its events'
    months and values and its ``uncertain`` distributions' numbers included.

    Raises:
        ExperimentError: If the points are not a table of equal-length columns, or hold no
            point or no column.
        PointError: If a column names no input that can differ by point, or two columns
            name the same input.
    """
    if isinstance(points, pd.DataFrame):
        frame = points.reset_index(drop=True)
    elif isinstance(points, Mapping):
        lengths = {str(name): _length(name, column) for name, column in points.items()}
        if len(set(lengths.values())) > 1:
            sizes = ", ".join(f"{name}: {n}" for name, n in lengths.items())
            raise ExperimentError(f"points: every column needs one value per point; got {sizes}")
        frame = pd.DataFrame({name: list(column) for name, column in points.items()})
    else:
        raise ExperimentError(
            "points: expected a pandas DataFrame or a dict of equal-length columns, "
            f"got {type(points).__name__}"
        )
    if frame.columns.empty:
        raise ExperimentError("points: give at least one column (an input path)")
    if frame.empty:
        raise ExperimentError("points: give at least one point (row)")
    specs: dict[str, PointInput] = {}
    seen: dict[str, str] = {}
    for name in frame.columns:
        if not isinstance(name, str):
            raise ExperimentError(f"points: column names must be input paths, got {name!r}")
        spec = point_input(name, scenario)
        if spec.path in seen:
            raise PointError(f"points: columns {seen[spec.path]!r} and {name!r} name one input")
        seen[spec.path] = name
        specs[name] = spec
    return frame, specs


def _length(name: object, column: Any) -> int:
    if isinstance(column, str | bytes) or not hasattr(column, "__len__"):
        raise ExperimentError(
            f"points: column {name!r} must be a list or array of values, one per point, "
            f"got {type(column).__name__}"
        )
    return len(column)


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ExperimentError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


def _quantiles(quantiles: Sequence[float]) -> tuple[float, ...]:
    out = tuple(float(q) for q in quantiles)
    bad = [q for q in out if not 0 < q < 1]
    if bad:
        raise ExperimentError(f"quantiles must lie strictly between 0 and 1, got {bad[0]!r}")
    names = [_quantile_name(q) for q in out]
    if len(set(names)) < len(names) or "p50" in names:
        raise ExperimentError(
            f"quantiles {list(out)} give repeated columns (p50 is the median, shown anyway)"
        )
    return out


def _quantile_name(q: float) -> str:
    percent = round(q * 100, 6)
    text = f"{percent:g}".replace(".", "_")
    return f"p{text:0>2}" if percent.is_integer() else f"p{text}"


def _quantile(stat: str) -> float:
    try:
        percent = float(stat.removeprefix("p").replace("_", "."))
    except ValueError:
        percent = -1.0
    if not stat.startswith("p") or not 0 <= percent <= 100:
        raise ExperimentError(
            f"unknown statistic {stat!r}; use median, mean, min, max or pNN (e.g. p05, p95)"
        )
    return percent / 100


def _outcomes(metrics: Sequence[str], at: str | None, scenario: Scenario) -> list[Outcome]:
    if isinstance(metrics, str):
        metrics = [metrics]
    if not metrics:
        raise ExperimentError("give at least one metric")
    outcomes = []
    for text in metrics:
        outcome = parse_outcome(text)
        if outcome.date is None and at is not None:
            outcome = parse_outcome(f"{text}@{at}")
        outcome.month(scenario)  # refuse a month outside the horizon before running
        outcomes.append(outcome)
    labels = [o.label for o in outcomes]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ExperimentError(f"metric {repeated[0]!r} is given more than once")
    return outcomes


def _cell(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return format_number(float(value))
    return str(value)


__all__ = ["Evaluation", "evaluate"]
