"""Compare scenarios: the same worlds under different assumptions, side by side.

Every scenario runs with the same seed and the same world indices (common random numbers):
world k draws the same random numbers in each scenario, so the difference between two
scenarios in world k comes only from what the scenarios change. Differences are therefore
taken world by world ("paired"), which is far sharper than comparing two clouds of worlds.

Two different intervals describe a difference, and reports keep them apart:

* the **Monte Carlo interval of the median** (``mc_p05``, ``mc_p95``): a bootstrap interval
  of the median paired difference. It says how precisely this many worlds pin down the
  median, and shrinks towards zero as the ensemble grows: it is not uncertainty about the
  effect;
* the **spread across worlds** (``worlds_p05``, ``worlds_p95``, ``worlds_same_sign``): the
  5th and 95th percentiles of the paired difference itself, and the share of worlds whose
  difference has the sign of the median. It says how much the effect varies with what the
  model does not know (the drawn uncertain inputs and the stochastic part), and does not
  shrink with more worlds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pydantic
from numpy.typing import NDArray

from triad.errors import ModelError, TriadError
from triad.experiments.resampling import COUNTED_MAX, resample_counts, resampled_medians
from triad.model.metrics import METRIC_BY_NAME, METRIC_NAMES, other_form
from triad.runs.context import RunContext
from triad.runs.ensemble import (
    KEY_METRICS,
    QUANTILES,
    Progress,
    check_ensemble_memory,
    run_ensemble,
    with_options,
)
from triad.runs.options import RunOptions
from triad.runs.simulation import Simulation, month_starts
from triad.scenario.loader import load_scenario
from triad.scenario.month import Month
from triad.scenario.schema import Scenario, fixed_dates
from triad.store.result import RunResult

Array = NDArray[np.float64]
Item = str | Path | Scenario | RunResult
"""What :func:`compare` accepts: a scenario reference, a scenario, or a stored run."""

RESAMPLES = 1000
"""Bootstrap resamples of the median paired difference."""
BOOTSTRAP_SEED = 20230913
"""Seed of the bootstrap: the same comparison always reports the same intervals."""
LEVEL = 0.9
"""Width of every interval: the 5th to the 95th percentile (of bootstrap medians, or of worlds)."""
TOLERANCE = 1e-6
"""Differences below this share of the reference's scale count as zero (float32 noise)."""
BOOTSTRAP_BATCH = 2_000_000
"""Elements per bootstrap batch: bounds memory for large ensembles."""


@dataclass(frozen=True)
class Comparison:
    """Scenarios run on common random numbers, aligned on their common months and worlds.

    Attributes:
        runs: Label -> simulation, in the order given; the first is the reference.
        metrics: The metrics compared (the report's tables and charts).
        dates: The common months (``YYYY-MM``); the last is the horizon.
        world_ids: The common world indices: the pairs of every paired difference.
        sources: Label -> where the run came from (bundled name, file, stored folder).
        overrides: The ``--set`` overrides applied to the scenarios loaded by reference.
        readings: The headline readings: each a metric at a month (``YYYY-MM``); empty
            means every compared metric at the horizon (see :attr:`headline`).
        run_overrides: Label -> the ``--set`` overrides that run was made with (those
            given to :func:`compare`, or a stored run's own).
    """

    runs: dict[str, Simulation]
    metrics: tuple[str, ...]
    dates: tuple[str, ...]
    world_ids: NDArray[np.int64]
    sources: dict[str, str] = field(default_factory=dict)
    overrides: tuple[str, ...] = ()
    readings: tuple[tuple[str, str], ...] = ()
    run_overrides: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _cache: dict[tuple[Any, ...], pd.DataFrame] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def labels(self) -> list[str]:
        """The scenario labels, the reference first."""
        return list(self.runs)

    @property
    def reference(self) -> str:
        """The label every other scenario is compared with."""
        return self.labels[0]

    @property
    def horizon(self) -> str:
        """The last common month (``YYYY-MM``)."""
        return self.dates[-1]

    @property
    def headline(self) -> tuple[tuple[str, str], ...]:
        """The (metric, month) pairs the differences table reads, metrics in order."""
        return self.readings or tuple((metric, self.horizon) for metric in self.metrics)

    @property
    def months_read(self) -> tuple[str, ...]:
        """The distinct months of the headline readings, in time order."""
        return tuple(sorted({month for _, month in self.headline}))

    @property
    def seed(self) -> int:
        """The seed shared by every run."""
        return self.runs[self.reference].scenario.seed

    def series(self, label: str, metric: str) -> Array:
        """One scenario's metric on the common months and worlds, shape ``(months, worlds)``.

        Raises:
            ModelError: If the label or the metric is unknown.
        """
        if label not in self.runs:
            raise ModelError(f"no scenario {label!r} in this comparison; have {self.labels}")
        sim = self.runs[label]
        first = sim.dates.index(self.dates[0])
        columns = np.isin(sim.world_ids, self.world_ids)
        values = sim.series(metric)[first : first + len(self.dates)][:, columns]
        return np.asarray(values, dtype=np.float64)

    def scenario_bands(self, label: str, metric: str) -> pd.DataFrame:
        """Monthly quantiles of one scenario's metric: month, date, p05, p25, p50, p75, p95."""
        values = np.quantile(self.series(label, metric), QUANTILES, axis=1)
        frame = pd.DataFrame({"month": np.arange(len(self.dates)), "date": list(self.dates)})
        for q, row in zip(QUANTILES, values, strict=True):
            frame[f"p{round(q * 100):02d}"] = row
        return frame

    def bands(self, metric: str) -> pd.DataFrame:
        """Monthly quantiles of a metric for every scenario, stacked.

        Returns:
            Columns scenario, month, date, p05, p25, p50, p75, p95.
        """
        parts = [self.scenario_bands(label, metric) for label in self.labels]
        frame = pd.concat(parts, keys=self.labels, names=["scenario", None])
        return frame.reset_index(level=0).reset_index(drop=True)

    def differences(
        self,
        *,
        at: Sequence[str] | None = None,
        resamples: int = RESAMPLES,
        seed: int = BOOTSTRAP_SEED,
    ) -> pd.DataFrame:
        """Paired differences from the reference at chosen months, and when they begin.

        For every metric and scenario, ``d[k] = scenario[k] - reference[k]`` in each common
        world k. ``median_difference`` is the median of ``d`` at the month read (column
        ``at``): the :attr:`headline` readings (by default the horizon), or every compared
        metric at each month of ``at``.

        Monte Carlo precision: ``mc_p05`` and ``mc_p95`` bound a 90% percentile-bootstrap
        interval of that median (``resamples`` resamples of the worlds, drawn from a numpy
        Generator seeded with ``seed``). It narrows as the ensemble grows; it is not
        uncertainty about the effect.

        Spread across worlds: ``worlds_p05`` and ``worlds_p95`` are the 5th and 95th
        percentiles of ``d`` itself at that month, and ``worlds_same_sign`` the share of
        worlds whose ``d`` has the sign of the median (beyond float noise; where the
        median is zero, the share of worlds with no difference): how far the effect
        varies from world to world.

        ``divergence_month`` (index into :attr:`dates`) and ``divergence_date`` mark the
        first month from which the 5th-95th percentile range of ``d`` *across worlds*
        excludes zero, and keeps excluding it every month to the horizon: from then on, at
        least 95% of worlds differ from the reference in the same direction. This is a
        statement about worlds, not about the precision of a mean, so it does not drift
        earlier as the ensemble grows. It is missing (``<NA>`` / None) if that never holds
        at the horizon.

        Args:
            at: Months (``YYYY-MM``) at which to read every compared metric (default: the
                headline readings).
            resamples: Bootstrap resamples of the Monte Carlo interval.
            seed: Seed of the bootstrap.

        Returns:
            Columns metric, unit, at, scenario, reference, reference_median,
            scenario_median, median_difference, mc_p05, mc_p95, worlds_p05, worlds_p95,
            worlds_same_sign, divergence_month, divergence_date, and the metric's other
            form read side by side (a cumulative total's monthly flow, a flow's total):
            other_form, other_median_difference, other_worlds_p05, other_worlds_p95
            (empty and NaN for a metric with no other form); one row per reading and
            non-reference scenario, in reading order (metrics in :attr:`metrics` order,
            then months in time order).

        Raises:
            TriadError: If a month of ``at`` is not one of the compared months.
        """
        readings = self.headline if at is None else self._readings_at(at)
        key = (readings, resamples, seed)
        if key not in self._cache:
            rows = [
                self._difference_row(metric, month, label, resamples, seed)
                for metric, month in readings
                for label in self.labels[1:]
            ]
            frame = pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
            frame["divergence_month"] = frame["divergence_month"].astype("Int64")
            self._cache[key] = frame
        return self._cache[key].copy()

    def _other_form(self, metric: str, at: str, label: str) -> dict[str, Any]:
        """The paired difference of the metric's other form (flow or total) at the month.

        A cumulative total and its monthly flow can move apart: a what-if may have shipped
        more in all by the horizon while shipping less each month by then. Each reading
        of one carries the other's median difference and 5th-95th percentile across
        worlds, read in the same worlds and month; NaN (and ``other_form`` empty) for a
        metric that has no other form.
        """
        other = other_form(metric)
        if other is None:
            return {
                "other_form": "",
                "other_median_difference": np.nan,
                "other_worlds_p05": np.nan,
                "other_worlds_p95": np.nan,
            }
        i = self.dates.index(at)
        paired = self.series(label, other)[i] - self.series(self.reference, other)[i]
        spread = np.quantile(paired, ((1 - LEVEL) / 2, (1 + LEVEL) / 2))
        return {
            "other_form": other,
            "other_median_difference": float(np.median(paired)),
            "other_worlds_p05": float(spread[0]),
            "other_worlds_p95": float(spread[1]),
        }

    def _readings_at(self, at: Sequence[str]) -> tuple[tuple[str, str], ...]:
        months = check_months(at, self.dates)
        return tuple((metric, month) for metric in self.metrics for month in months)

    def _difference_row(
        self, metric: str, at: str, label: str, resamples: int, seed: int
    ) -> dict[str, Any]:
        reference = self.series(self.reference, metric)
        paired = self.series(label, metric) - reference
        i = self.dates.index(at)
        low, high = bootstrap_median(paired[i], resamples=resamples, seed=seed)
        spread = np.quantile(paired[i], ((1 - LEVEL) / 2, (1 + LEVEL) / 2))
        scale = float(np.abs(reference).max(initial=0.0))
        month = divergence_month(paired, scale=scale)
        return self._other_form(metric, at, label) | {
            "metric": metric,
            "unit": METRIC_BY_NAME[metric].unit,
            "at": at,
            "scenario": label,
            "reference": self.reference,
            "reference_median": float(np.median(reference[i])),
            "scenario_median": float(np.median(reference[i] + paired[i])),
            "median_difference": float(np.median(paired[i])),
            "mc_p05": low,
            "mc_p95": high,
            "worlds_p05": float(spread[0]),
            "worlds_p95": float(spread[1]),
            "worlds_same_sign": same_sign_share(paired[i], scale=scale),
            "divergence_month": month,
            "divergence_date": None if month is None else self.dates[month],
        }

    def differences_over_time(self, metrics: Sequence[str] | None = None) -> pd.DataFrame:
        """Paired differences from the reference in every month: when an effect happens.

        Args:
            metrics: Metrics (default: the compared metrics).

        Returns:
            Columns metric, unit, scenario, month, date, median_difference, worlds_p05,
            worlds_p25, worlds_p75, worlds_p95 (percentiles of the world-by-world
            differences: the spread across worlds); one row per metric, scenario and month.
        """
        names = check_metrics(self.metrics if metrics is None else metrics)
        key = ("over_time", *names)
        if key not in self._cache:  # the report's table and its chart read the same frame
            self._cache[key] = self._paths(names)
        return self._cache[key].copy()

    def _paths(self, metrics: Sequence[str]) -> pd.DataFrame:
        parts = []
        for metric in metrics:
            reference = self.series(self.reference, metric)
            for label in self.labels[1:]:
                paired = self.series(label, metric) - reference
                low, q25, q75, high = np.quantile(paired, (0.05, 0.25, 0.75, 0.95), axis=1)
                parts.append(
                    pd.DataFrame(
                        {
                            "metric": metric,
                            "unit": METRIC_BY_NAME[metric].unit,
                            "scenario": label,
                            "month": np.arange(len(self.dates)),
                            "date": list(self.dates),
                            "median_difference": np.median(paired, axis=1),
                            "worlds_p05": low,
                            "worlds_p25": q25,
                            "worlds_p75": q75,
                            "worlds_p95": high,
                        }
                    )
                )
        return pd.concat(parts, ignore_index=True)

    def frame(self, metrics: Sequence[str] | None = None) -> pd.DataFrame:
        """A tidy frame: scenario, world, month, date, then one column per metric.

        Args:
            metrics: Metric columns (default: the compared metrics).
        """
        names = check_metrics(self.metrics if metrics is None else metrics)
        months, worlds = len(self.dates), len(self.world_ids)
        parts = []
        for label in self.labels:
            part = pd.DataFrame(
                {
                    "scenario": label,
                    "world": np.tile(self.world_ids, months),
                    "month": np.repeat(np.arange(months), worlds),
                    "date": np.repeat(month_starts(self.dates), worlds),
                }
            )
            for metric in names:
                part[metric] = self.series(label, metric).reshape(-1)
            parts.append(part.sort_values(["world", "month"], kind="stable"))
        return pd.concat(parts, ignore_index=True)

    def events(self) -> list[tuple[str, str]]:
        """Every scenario's events that fall on one month in all worlds, within the months."""
        return [(at, name) for at, name, _ in self.events_by_scenario()]

    def events_by_scenario(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """:meth:`events` with the labels of the scenarios each event belongs to.

        Returns:
            ``(at, name, labels)`` triples in date order, e.g. ``("2025-03", "ceasefire",
            ("ceasefire_2025",))``; an event of every scenario names them all.
        """
        found: dict[tuple[str, str], list[str]] = {}
        for label, sim in self.runs.items():
            for at, name in fixed_dates(sim.scenario):
                if at in self.dates:
                    found.setdefault((at, name), []).append(label)
        return [(at, name, tuple(labels)) for (at, name), labels in sorted(found.items())]

    def months_by_metric(self) -> dict[str, tuple[str, ...]]:
        """Metric -> the months the headline readings read it at, in time order."""
        found: dict[str, list[str]] = {}
        for metric, month in self.headline:
            found.setdefault(metric, []).append(month)
        return {metric: tuple(sorted(months)) for metric, months in found.items()}


DIFFERENCE_COLUMNS = (
    "metric",
    "unit",
    "at",
    "scenario",
    "reference",
    "reference_median",
    "scenario_median",
    "median_difference",
    "mc_p05",
    "mc_p95",
    "worlds_p05",
    "worlds_p95",
    "worlds_same_sign",
    "divergence_month",
    "divergence_date",
    "other_form",
    "other_median_difference",
    "other_worlds_p05",
    "other_worlds_p95",
)


def same_sign_share(values: Array, *, scale: float = 1.0) -> float:
    """The share of worlds whose difference has the sign of the median difference.

    Args:
        values: Paired differences, one per world, shape ``(worlds,)``.
        scale: Typical magnitude of the metric; differences below ``TOLERANCE * scale``
            count as zero.

    Returns:
        The share of worlds above zero if the median is, below zero if it is, and of
        worlds with no difference if the median has none.
    """
    if values.size == 0:
        return float("nan")
    tol = TOLERANCE * max(scale, 1.0)
    sign = np.where(values > tol, 1, np.where(values < -tol, -1, 0))
    median = float(np.median(values))
    headline = 1 if median > tol else -1 if median < -tol else 0
    return float(np.mean(sign == headline))


def bootstrap_median(
    values: Array, *, resamples: int = RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> tuple[float, float]:
    """A 90% percentile-bootstrap interval of the median of ``values``: Monte Carlo precision.

    It says how precisely the worlds at hand pin the median down, not how much the values
    vary (see the module docstring).

    Args:
        values: One value per world, shape ``(worlds,)``.
        resamples: Number of resamples (with replacement, of the same size).
        seed: Seed of the numpy Generator that draws them.

    Returns:
        The 5th and 95th percentiles of the resampled medians.
    """
    n = values.size
    if n > 0 and resamples * n <= COUNTED_MAX and np.isfinite(values).all():
        counts = resample_counts(n, resamples, seed, BOOTSTRAP_BATCH)  # shared by every row
        resampled = resampled_medians(values, counts)  # the same medians, bit for bit
    else:
        rng = np.random.default_rng(seed)
        batch = max(1, BOOTSTRAP_BATCH // max(n, 1))
        medians = []
        for start in range(0, resamples, batch):
            picks = rng.integers(0, n, size=(min(batch, resamples - start), n))
            medians.append(np.median(values[picks], axis=1))
        resampled = np.concatenate(medians)
    tail = (1 - LEVEL) / 2
    low, high = np.quantile(resampled, (tail, 1 - tail))
    return float(low), float(high)


def divergence_month(paired: Array, *, scale: float = 1.0) -> int | None:
    """The first month from which the 90% range of paired differences excludes zero for good.

    Args:
        paired: Paired differences, shape ``(months, worlds)``.
        scale: Typical magnitude of the metric; differences below ``TOLERANCE * scale``
            count as zero.

    Returns:
        The month index, or None if the range includes zero at the last month.
    """
    tail = (1 - LEVEL) / 2
    low, high = np.quantile(paired, (tail, 1 - tail), axis=1)
    tol = TOLERANCE * max(scale, 1.0)
    apart = (low > tol) | (high < -tol)
    if not apart[-1]:
        return None
    together = np.flatnonzero(~apart)
    return 0 if together.size == 0 else int(together[-1]) + 1


def check_months(months: Sequence[str], dates: Sequence[str]) -> tuple[str, ...]:
    """Months to read, deduplicated and in time order, each one of ``dates``.

    Raises:
        TriadError: If ``months`` is a single text, or a month is malformed or outside.
    """
    if isinstance(months, str):
        raise TriadError(f"at: expected a list of months, e.g. ['2025-06'], got {months!r}")
    for month in months:
        if Month.read(month) is None:
            raise TriadError(f"at {month!r}: the month must be YYYY-MM, e.g. 2025-06")
        if month not in dates:
            raise TriadError(f"at {month}: outside the compared months, {dates[0]} to {dates[-1]}")
    return tuple(sorted(set(months)))


def parse_readings(
    metrics: Sequence[str], at: Sequence[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, str | None], ...]]:
    """The metrics compared and the headline readings of ``NAME`` / ``NAME@YYYY-MM`` texts.

    A ``NAME@YYYY-MM`` is read at its month; a plain ``NAME`` at each month of ``at`` (at
    the horizon, None, if ``at`` is empty). Months are checked later, against the compared
    months.

    Raises:
        TriadError: For an unknown metric or a malformed month.
    """
    from triad.experiments.parameters import parse_outcome

    names = check_metrics([text.partition("@")[0] for text in metrics])
    outcomes = [parse_outcome(text) for text in metrics]
    readings: dict[tuple[str, str | None], None] = {}
    for outcome in outcomes:
        months: list[str | None] = [outcome.date] if outcome.date else [*at] or [None]
        readings.update(dict.fromkeys((outcome.metric, month) for month in months))
    order = {name: i for i, name in enumerate(names)}
    return names, tuple(sorted(readings, key=lambda r: (order[r[0]], r[1] or "9999-99")))


def check_metrics(metrics: Sequence[str]) -> tuple[str, ...]:
    """The metrics, deduplicated, in order.

    Raises:
        ModelError: If there are none, or some are unknown (naming the known ones).
    """
    names = tuple(dict.fromkeys(metrics))
    unknown = [m for m in names if m not in METRIC_BY_NAME]
    if unknown:
        raise ModelError(
            f"unknown metric{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(METRIC_NAMES)}"
        )
    if not names:
        raise ModelError("no metrics to compare")
    return names


@dataclass(frozen=True)
class _Loaded:
    label: str
    source: str
    scenario: Scenario | None = None
    result: RunResult | None = None

    @property
    def resolved(self) -> Scenario:
        if self.scenario is not None:
            return self.scenario
        return cast(RunResult, self.result).scenario


def compare(
    scenarios: Sequence[Item],
    *,
    metrics: Sequence[str] = KEY_METRICS,
    at: Sequence[str] = (),
    labels: Sequence[str] = (),
    options: RunOptions = RunOptions(),
    context: RunContext = RunContext(),
) -> Comparison:
    """Run scenarios on common random numbers and line them up for comparison.

    Args:
        scenarios: Two or more of: a bundled scenario name or a scenario file (loaded with
            the options' ``overrides``), a :class:`Scenario`, a :class:`RunResult`, or the
            folder of a stored run. The first is the reference.
        metrics: Metrics for the differences table and the report; ``NAME@YYYY-MM``
            reads one at a month instead of the horizon.
        at: Months (``YYYY-MM``) at which the differences table reads every metric
            given without a month (default: the horizon).
        labels: One label per scenario, in order, shown in tables, charts and reports
            (default: each scenario's name, ``name#2`` for a repeat).
        options: What to run, applied to every run (see :class:`RunOptions`): worlds, seed
            and months default to the first scenario's, the start to each scenario's (a
            stored run keeps its own); ``overrides`` apply to scenarios given by reference;
            with ``fix_uncertain`` a stored run must have been run so.
        context: Where and how the runs go (see :class:`RunContext`): the executor starts
            once for all of them; progress counts the world-months of all the runs.

    Returns:
        The comparison, aligned on the common months and worlds.

    Raises:
        TriadError: For an unknown metric or scenario, fewer than two scenarios, a stored
            run with another seed, or runs without common months or worlds; overrides of
            the wrong type raise ``ScenarioError``, naming them.
    """
    _check_arguments(scenarios, metrics)
    if isinstance(at, str):
        raise TriadError(f"at: expected a list of months, e.g. ['2025-06'], got {at!r}")
    names, wanted = parse_readings(metrics, at)
    if len(scenarios) < 2:
        raise TriadError(f"compare needs at least two scenarios, got {len(scenarios)}")
    overrides = options.overrides
    loaded = _label([_load(item, overrides) for item in scenarios], check_labels(labels, scenarios))
    shared = _shared(options, loaded[0])
    planned = _planned_dates(options.start or loaded[0].resolved.start, cast(int, shared.months))
    check_months([month for _, month in wanted if month], planned)
    with context.started() as started:
        runs = _run_all(loaded, shared, started)
    dates = _common_dates(runs)
    readings = tuple((metric, month or dates[-1]) for metric, month in wanted)
    check_months([month for _, month in readings], dates)
    return Comparison(
        runs=runs,
        metrics=names,
        dates=dates,
        world_ids=_common_worlds(runs),
        sources={item.label: item.source for item in loaded},
        overrides=tuple(overrides),
        readings=readings if at or any("@" in m for m in metrics) else (),
        run_overrides={item.label: _overrides_of(item, overrides) for item in loaded},
    )


def _overrides_of(item: _Loaded, given: Sequence[str]) -> tuple[str, ...]:
    """The overrides a run was made with: a stored run's own, else those given by name."""
    if item.result is not None:
        return item.result.manifest.overrides if item.result.manifest else ()
    return () if item.source == "scenario object" else tuple(given)


def _planned_dates(start: str, months: int) -> tuple[str, ...]:
    """The months a run from ``start`` over ``months`` months covers.

    Raises:
        TriadError: If the start is not a month ``YYYY-MM``.
    """
    try:
        first = Month.parse(start)
    except ValueError as error:
        raise TriadError(f"start: {error}") from None
    return tuple(first.labels(months))


def _check_arguments(scenarios: object, metrics: object) -> None:
    """Refuse arguments of the wrong type before anything runs.

    Args:
        scenarios: Must be a list (or tuple) of names, paths, scenarios or results.
        metrics: Must be a list of metric names, not one text.

    Raises:
        TriadError: Naming the argument and what it accepts.
    """
    examples = {"scenarios": "['baseline', 'ceasefire_2025']", "metrics": "['containers']"}
    for name, value in (("scenarios", scenarios), ("metrics", metrics)):
        if isinstance(value, (str, bytes, PathLike)) or not isinstance(value, Sequence):
            raise TriadError(f"{name}: expected a list, e.g. {examples[name]}, got {_shown(value)}")
    accepted = (str, PathLike, Scenario, RunResult)
    wrong = [item for item in cast(Sequence[object], scenarios) if not isinstance(item, accepted)]
    if wrong:
        raise TriadError(
            "scenarios: each is a bundled name, a scenario file, a stored run's folder, a "
            f"Scenario or a RunResult; got {_shown(wrong[0])}"
        )


def _shown(value: object) -> str:
    text = repr(value)
    return f"{text if len(text) <= 60 else text[:57] + '...'} ({type(value).__name__})"


def _shared(options: RunOptions, first: _Loaded) -> RunOptions:
    """The options of every run: worlds, seed and months default to the first's."""
    return replace(
        options,
        worlds=options.worlds if options.worlds is not None else _worlds(first),
        seed=options.seed if options.seed is not None else first.resolved.seed,
        months=options.months if options.months is not None else first.resolved.months,
    )


def _worlds(item: _Loaded) -> int:
    if item.result is not None:
        return len(item.result.simulation.world_ids)
    return item.resolved.worlds


def _load(item: Item, overrides: Sequence[str]) -> _Loaded:
    if isinstance(item, RunResult):
        where = f"stored run {item.path}" if item.path else "run result"
        return _Loaded(item.scenario.name, where, result=item)
    if isinstance(item, Scenario):
        return _Loaded(item.name, "scenario object", scenario=item)
    path = Path(item)
    if path.is_dir():
        return _Loaded("", f"stored run {path}", result=_read_run(path))
    scenario = load_scenario(item, overrides)
    source = str(item) if path.suffix in (".yaml", ".yml") else f"bundled {item}"
    return _Loaded(scenario.name, source, scenario=scenario)


def _read_run(path: Path) -> RunResult:
    """Read a stored run (the store is imported lazily: it pulls in Parquet support)."""
    from triad.store.run_folder import read_run

    return read_run(path)


def check_labels(labels: Sequence[str], scenarios: Sequence[object]) -> tuple[str, ...]:
    """The labels given, one per scenario, distinct and not blank (or none at all).

    Raises:
        TriadError: Naming what is wrong.
    """
    if isinstance(labels, str):
        raise TriadError(f"labels: expected a list, one per scenario, got {labels!r}")
    given = tuple(str(label).strip() for label in labels)
    if not given:
        return ()
    if len(given) != len(scenarios):
        raise TriadError(
            f"labels: {len(given)} given for {len(scenarios)} scenarios; give one per "
            "scenario, in order"
        )
    if any(not label for label in given):
        raise TriadError("labels: a label is blank")
    repeated = sorted({label for label in given if given.count(label) > 1})
    if repeated:
        raise TriadError(
            f"labels: {', '.join(map(repr, repeated))} given twice; labels must differ"
        )
    return given


def _label(items: list[_Loaded], labels: Sequence[str] = ()) -> list[_Loaded]:
    """Give every item a unique label: the one given, else its name (``name#2`` on repeat)."""
    if labels:
        return [
            _Loaded(label, i.source, i.scenario, i.result)
            for label, i in zip(labels, items, strict=True)
        ]
    seen: dict[str, int] = {}
    out = []
    for item in items:
        name = item.label or item.resolved.name
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name}#{seen[name]}"
        out.append(_Loaded(label, item.source, item.scenario, item.result))
    return out


def _run_all(
    items: list[_Loaded], options: RunOptions, context: RunContext
) -> dict[str, Simulation]:
    prepared = {item.label: _prepare(item, options) for item in items}
    scenarios = [s for s in prepared.values() if isinstance(s, Scenario)]
    check_ensemble_memory(scenarios, context.chunk_size)
    total = sum(s.worlds * s.months for s in prepared.values() if isinstance(s, Scenario))
    runs: dict[str, Simulation] = {}
    done = 0
    for label, job in prepared.items():
        if isinstance(job, Simulation):
            runs[label] = job
            continue
        runs[label] = run_ensemble(
            job,
            log_worlds=context.log_worlds,
            progress=_offset(context.progress, done, total),
            executor=context.executor,
            chunk_size=context.chunk_size,
        )
        done += job.worlds * job.months
    return runs


def _prepare(item: _Loaded, options: RunOptions) -> Scenario | Simulation:
    """The scenario with the shared options applied, or a stored run's simulation."""
    if item.result is not None:
        stored = item.result.simulation
        if stored.scenario.seed != options.seed:
            raise TriadError(
                f"{item.label} ({item.source}) ran with seed {stored.scenario.seed}, but this "
                f"comparison uses seed {options.seed}: paired differences need the same seed "
                f"(pass --seed {stored.scenario.seed}, or rerun it)"
            )
        if options.fix_uncertain and not stored.scenario.fix_uncertain:
            raise TriadError(
                f"{item.label} ({item.source}) drew its uncertain inputs per world, but this "
                "comparison fixes them at their central values (rerun it with --fix-uncertain)"
            )
        return stored
    try:
        return with_options(
            cast(Scenario, item.scenario),
            worlds=options.worlds,
            seed=options.seed,
            months=options.months,
            fix_uncertain=options.fix_uncertain,
            start=options.start,
        )
    except pydantic.ValidationError as error:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        begins = f", start={options.start}" if options.start is not None else ""
        raise TriadError(
            f"{item.label}: cannot run with worlds={options.worlds}, seed={options.seed}, "
            f"months={options.months}{begins}: {reasons}"
        ) from None


def _offset(progress: Progress | None, done: int, total: int) -> Progress | None:
    if progress is None:
        return None
    report = progress
    return lambda current, _: report(done + current, total)


def _common_dates(runs: dict[str, Simulation]) -> tuple[str, ...]:
    """The months every run covers.

    Raises:
        TriadError: If the runs share no month.
    """
    spans = {label: _span(sim) for label, sim in runs.items()}
    first = max(a for a, _ in spans.values())
    last = min(b for _, b in spans.values())
    if first > last:
        listed = ", ".join(f"{label} {a}..{b}" for label, (a, b) in spans.items())
        raise TriadError(f"the scenarios share no month, so they cannot be compared: {listed}")
    return tuple(str(month) for month in first.through(last))


def _span(sim: Simulation) -> tuple[Month, Month]:
    start = sim.scenario.first_month
    return start, start + sim.months - 1


def _common_worlds(runs: dict[str, Simulation]) -> NDArray[np.int64]:
    """The world indices every run holds.

    Raises:
        TriadError: If the runs share no world.
    """
    common = np.asarray(next(iter(runs.values())).world_ids)
    for sim in runs.values():
        common = np.intersect1d(common, sim.world_ids)
    if common.size == 0:
        raise TriadError("the runs share no world index, so no world can be paired")
    return common.astype(np.int64)
