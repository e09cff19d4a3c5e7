"""Global sensitivity analysis: which parameters drive an outcome (Morris, Sobol via SALib).

SALib draws the sample of parameter points and computes the indices; triad runs the
model. Every point of the sample runs as a world of *one* ensemble: the sample becomes the
``points`` of :func:`triad.runs.simulation.simulate`, each world taking its own parameter
values, so 22,528 points cost one vectorized run instead of 22,528 model runs.

With ``worlds_per_point=K`` each point runs in K worlds and its outcome is their mean.
Worlds are distinct (point p holds worlds ``p*K .. p*K+K-1``), so their random draws differ
from point to point: the model's own randomness then enters the outcome as noise that no
parameter explains (it lowers every first-order index and shows in the confidence
intervals). Raise K to average it away. The same seed always gives the same sample, the
same worlds and the same indices.

An actor's policy (``china.policy=punisher,enforcer``) is a discrete factor
(:class:`~triad.experiments.parameters.ChoiceRange`): sampled in ``[0, k)`` for ``k``
choices and floored to a choice's index. Its indices measure the effect of switching among
the choices; their order is arbitrary, so Morris' signed μ means nothing for it, and its μ*
and σ (built from steps between neighbouring indices) can change with the order given.
Morris' four levels reach two or four choices evenly; with three, the last is drawn twice
as often (Sobol's sample draws each alike).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from triad.errors import ExperimentError
from triad.experiments.parameters import (
    ChoiceRange,
    Factor,
    Outcome,
    check_distinct,
    check_inputs,
    shown,
)
from triad.runs.context import RunContext
from triad.runs.ensemble import run_ensemble, with_options
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.schema import Scenario

Array = NDArray[np.float64]
Method = Literal["morris", "sobol"]
METHODS: tuple[str, ...] = get_args(Method)
DEFAULT_N: dict[str, int] = {"morris": 20, "sobol": 256}
"""Default sample size: Morris trajectories, or Sobol's base sample N (a power of 2)."""
MORRIS_LEVELS = 4
"""Grid levels of the Morris design (SALib's default)."""
RESAMPLES = 100
"""Bootstrap resamples behind every confidence interval."""
CONFIDENCE = 0.95
"""Level of the confidence intervals (SALib's ``*_conf`` columns are half-widths)."""
INDEX_COLUMNS: dict[str, tuple[str, ...]] = {
    "morris": ("mu", "mu_star", "sigma", "mu_star_conf"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
}
"""The index columns of ``indices.csv`` per method, after ``parameter``."""
MAX_WORLDS = 5_000_000
"""Most worlds one analysis may run (points x worlds per point)."""


@dataclass(frozen=True)
class Sensitivity:
    """The result of a sensitivity analysis.

    Attributes:
        method: ``morris`` or ``sobol``.
        scenario: The scenario as run (its seed seeded the sample, worlds and bootstrap).
        parameters: The parameters varied and their ranges (or a policy's choices).
        outcome: What was measured in each world.
        samples: The parameter points, shape ``(points, parameters)`` (a policy's column
            holds the index of its choice).
        outputs: The outcome at each point (mean over its worlds), shape ``(points,)``.
        worlds_per_point: Worlds run at each point.
        indices: One row per parameter, in the order given: ``parameter`` and the columns of
            :data:`INDEX_COLUMNS` for the method.
        second_order: Sobol only, with two or more parameters: one row per pair (``a``,
            ``b``, ``S2``, ``S2_conf``); else None.
    """

    method: Method
    scenario: Scenario
    parameters: tuple[Factor, ...]
    outcome: Outcome
    samples: Array
    outputs: Array
    worlds_per_point: int
    indices: pd.DataFrame
    second_order: pd.DataFrame | None = None

    @property
    def ranking(self) -> list[str]:
        """Parameter paths from most to least influential (by μ* or by ST)."""
        key = "mu_star" if self.method == "morris" else "ST"
        ordered = self.indices.sort_values(key, ascending=False, kind="stable")
        return [str(p) for p in ordered["parameter"]]

    @property
    def title(self) -> str:
        """One line naming the method, the outcome, the scenario and the sample."""
        return (
            f"{self.method.capitalize()} sensitivity of {self.outcome.label} in "
            f"{self.scenario.name} ({len(self.outputs):,} points x {self.worlds_per_point} "
            f"world{'s' if self.worlds_per_point > 1 else ''})"
        )

    def points_frame(self) -> pd.DataFrame:
        """The sample and its outcome: a column per parameter, then the outcome.

        Months are written ``YYYY-MM`` and policies by name.
        """
        frame = pd.DataFrame(
            {
                p.path: shown(p.path, p.model_values(self.samples[:, i]))
                for i, p in enumerate(self.parameters)
            }
        )
        frame[self.outcome.label] = self.outputs
        return frame


def salib_problem(parameters: Sequence[Factor]) -> dict[str, Any]:
    """The SALib problem definition: names and bounds of the parameters.

    A month range ``LO:HI`` spans ``[LO, HI + 1)``, so that its sample, floored to whole
    months (:func:`sample_points`), takes every month from LO to HI equally often; a
    policy's ``k`` choices span ``[0, k)``, floored to a choice's index.
    """
    return {
        "num_vars": len(parameters),
        "names": [p.path for p in parameters],
        "bounds": [[p.low, p.high + 1.0 if p.whole else p.high] for p in parameters],
    }


def check_design(method: str, parameters: Sequence[Factor], n: int) -> None:
    """Refuse an unknown method, no or repeated parameters, or a bad sample size.

    Raises:
        ExperimentError: Saying what is wrong.
    """
    if method not in METHODS:
        raise ExperimentError(f"unknown method {method!r}; use one of: {', '.join(METHODS)}")
    if not parameters:
        raise ExperimentError("give at least one parameter to vary (--param PATH=LO:HI)")
    check_distinct([p.path for p in parameters])
    many = [p for p in parameters if isinstance(p, ChoiceRange) and len(p.choices) > MORRIS_LEVELS]
    if method == "morris" and many:
        raise ExperimentError(
            f"{many[0].path}: Morris' {MORRIS_LEVELS} levels cannot reach "
            f"{len(many[0].choices)} choices; give at most {MORRIS_LEVELS}, or use sobol"
        )
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise ExperimentError(f"Sobol's N must be a power of 2 (e.g. 256, 1024), got {n}")
    if method == "morris" and n < 2:
        raise ExperimentError(f"Morris needs at least 2 trajectories, got {n}")


def sample_points(method: Method, parameters: Sequence[Factor], n: int, seed: int) -> Array:
    """SALib's sample for the method: Morris trajectories or Saltelli's Sobol' design.

    Morris gives ``n * (D + 1)`` points; Sobol ``n * (2D + 2)`` (with second-order indices,
    D > 1) or ``n * (D + 2)`` (D = 1). A month range is sampled as whole months, a
    policy as the index of a choice.

    Returns:
        The points, shape ``(points, D)``.
    """
    check_design(method, parameters, n)
    problem = salib_problem(parameters)
    if method == "morris":
        points = morris_sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        second = len(parameters) > 1
        points = sobol_sample.sample(problem, n, calc_second_order=second, seed=seed)
    out = np.asarray(points, dtype=np.float64)
    for i, parameter in enumerate(parameters):
        if parameter.whole:
            out[:, i] = np.minimum(np.floor(out[:, i]), parameter.high)
    return out


def evaluate(
    scenario: Scenario,
    parameters: Sequence[Factor],
    samples: Array,
    outcome: Outcome,
    *,
    worlds_per_point: int = 1,
    context: RunContext = RunContext(),
) -> Array:
    """Run every point as ``worlds_per_point`` worlds of one ensemble; the mean per point.

    Args:
        scenario: The scenario (its seed is used; its ``worlds`` is replaced).
        parameters: The parameters, in the order of the sample's columns.
        samples: Parameter points, shape ``(points, D)``.
        outcome: What to read from each world.
        worlds_per_point: Worlds per point (K); point p holds worlds ``p*K .. p*K+K-1``.
        context: Where and how the ensemble runs (see :class:`RunContext`).

    Returns:
        The outcome per point, shape ``(points,)``.

    Raises:
        ExperimentError: If the run would be too large or an outcome is not finite.
    """
    count, k = samples.shape[0], worlds_per_point
    if k < 1 or count * k > MAX_WORLDS:
        raise ExperimentError(
            f"{count:,} points x {k} worlds per point: need 1 to {MAX_WORLDS:,} worlds"
        )
    outcome.month(scenario)  # refuse a month outside the horizon before running
    points: Mapping[str, Array] = {
        p.path: np.repeat(p.model_values(samples[:, i]), k) for i, p in enumerate(parameters)
    }
    run = with_options(scenario, worlds=count * k)
    sim = run_ensemble(
        run,
        points=points,
        progress=context.progress,
        log_worlds=0,
        executor=context.executor,
        chunk_size=context.chunk_size,
    )
    values = outcome.values(sim).reshape(count, k).mean(axis=1)
    if not np.isfinite(values).all():
        raise ExperimentError(f"{outcome.label} is not finite at some points; cannot analyse")
    return values


def analyse(
    method: Method,
    parameters: Sequence[Factor],
    samples: Array,
    outputs: Array,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """SALib's indices for the sample and its outputs.

    Returns:
        The first- and total-order (Sobol) or elementary-effect (Morris) indices, one row
        per parameter, and Sobol's second-order indices per pair (or None).
    """
    problem = salib_problem(parameters)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "morris":
            result = morris_analyze.analyze(
                problem,
                samples,
                outputs,
                num_resamples=RESAMPLES,
                conf_level=CONFIDENCE,
                num_levels=MORRIS_LEVELS,
                seed=seed,
            )
            return _indices(problem, result, INDEX_COLUMNS["morris"]), None
        second = len(parameters) > 1
        result = sobol_analyze.analyze(
            problem,
            outputs,
            calc_second_order=second,
            num_resamples=RESAMPLES,
            conf_level=CONFIDENCE,
            seed=seed,
        )
    frame = _indices(problem, result, INDEX_COLUMNS["sobol"])
    return frame, (_second_order(problem, result) if second else None)


def _indices(
    problem: dict[str, Any], result: Mapping[str, Any], columns: Sequence[str]
) -> pd.DataFrame:
    frame = pd.DataFrame({"parameter": problem["names"]})
    for column in columns:
        frame[column] = np.asarray(result[column], dtype=np.float64)
    return frame


def _second_order(problem: dict[str, Any], result: Mapping[str, Any]) -> pd.DataFrame:
    names, rows = problem["names"], []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            s2, conf = result["S2"][i][j], result["S2_conf"][i][j]
            rows.append({"a": names[i], "b": names[j], "S2": s2, "S2_conf": conf})
    return pd.DataFrame(rows)


def sensitivity(
    scenario: str | Path | Scenario,
    method: Method,
    parameters: Sequence[Factor],
    outcome: Outcome,
    *,
    n: int | None = None,
    worlds_per_point: int = 1,
    options: RunOptions = RunOptions(),
    context: RunContext = RunContext(),
) -> Sensitivity:
    """Sample the parameters, run every point as worlds of one ensemble, compute indices.

    Args:
        scenario: A bundled name, a scenario file, or a resolved scenario.
        method: ``morris`` (elementary effects: μ, μ*, σ) or ``sobol`` (S1, ST).
        parameters: What to vary, each over its range (uniformly; a month range over its
            whole months): a parameter, a driver, an event's month or action value, or a
            number of an ``uncertain`` distribution; or an actor's policy over its choices
            (a :class:`~triad.experiments.parameters.ChoiceRange`, a discrete factor).
        outcome: The metric at the horizon or at a month.
        n: Morris trajectories or Sobol's base sample (a power of 2); default
            :data:`DEFAULT_N`.
        worlds_per_point: Worlds per point, averaged (default 1).
        options: What to run (see :class:`RunOptions`); its ``seed`` seeds the sample, the
            model's worlds and the bootstrap, and ``fix_uncertain`` fixes every uncertain
            input not varied here, so that the points differ only in the parameters varied
            (and the stochastic part). The worlds are the points' (``n`` and
            ``worlds_per_point``): ``options.worlds`` is refused.
        context: Where and how the ensemble runs (see :class:`RunContext`).

    Returns:
        The sample, its outcomes and the indices.

    Raises:
        TriadError: If the scenario, a parameter, the outcome or the design is invalid.
    """
    if options.worlds is not None:
        raise ExperimentError(
            "sensitivity runs n points x worlds_per_point worlds: leave options.worlds unset"
        )
    resolved = prepare_scenario(scenario, options)
    size = DEFAULT_N[method] if n is None and method in DEFAULT_N else (n or 0)
    check_design(method, parameters, size)
    outcome.month(resolved)
    paths = [p.path for p in parameters]
    ends = np.array([[p.low for p in parameters], [p.high for p in parameters]])
    check_inputs(resolved, paths, _model_values(parameters, ends), "range end")
    samples = sample_points(method, parameters, size, resolved.seed)
    check_inputs(resolved, paths, _model_values(parameters, samples), "point")
    outputs = evaluate(
        resolved,
        parameters,
        samples,
        outcome,
        worlds_per_point=worlds_per_point,
        context=context,
    )
    indices, second = analyse(method, parameters, samples, outputs, resolved.seed)
    return Sensitivity(
        method,
        resolved,
        tuple(parameters),
        outcome,
        samples,
        outputs,
        worlds_per_point,
        indices,
        second,
    )


def _model_values(parameters: Sequence[Factor], table: Array) -> Array:
    """A table of design values as the model reads them (a policy's index as its code)."""
    columns = [p.model_values(table[:, i]) for i, p in enumerate(parameters)]
    return np.column_stack(columns) if columns else table


def expected_points(method: Method, dimensions: int, n: int) -> int:
    """Points SALib draws for a design: ``n(D+1)`` (Morris) or ``n(2D+2)`` / ``n(D+2)``."""
    if method == "morris":
        return n * (dimensions + 1)
    return n * (2 * dimensions + 2 if dimensions > 1 else dimensions + 2)


__all__ = [
    "DEFAULT_N",
    "INDEX_COLUMNS",
    "METHODS",
    "Method",
    "Sensitivity",
    "analyse",
    "evaluate",
    "expected_points",
    "sample_points",
    "sensitivity",
]
