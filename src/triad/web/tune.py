"""What the Tune page runs: a backtest, a sensitivity analysis and a calibration.

Each is the library call its command makes (``triad backtest``, ``triad sensitivity``,
``triad calibrate``), with small defaults so that the page answers in seconds; the tables
are the commands' tables as frames, and the calibration's overlay scenario is its text.
Parameters come from the registry (:func:`triad.scenario.registry.parameters`), each with
its bounds as the default range.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pandas as pd

from triad.experiments.backtest import OUTSIDE_HORIZON, Backtest, backtest
from triad.experiments.calibrate import Calibration, calibrate, calibrated_yaml
from triad.experiments.parameters import ParameterRange, parse_outcome, show
from triad.experiments.sensitivity import INDEX_COLUMNS, Method, Sensitivity, sensitivity
from triad.experiments.targets import Target, load_targets
from triad.experiments.validation import HISTORY
from triad.reports.calibration import write
from triad.runs.context import RunContext
from triad.runs.options import RunOptions
from triad.scenario.registry import Parameter, current_value, parameter, parameters
from triad.scenario.schema import Scenario
from triad.text import format_number
from triad.web.compare import zip_folder

TUNABLE_KINDS = ("number", "count", "driver")
"""Registry kinds a sensitivity analysis or a calibration can vary."""
BACKTEST_WORLDS = 200
"""Worlds of the page's backtest."""
SENSITIVITY_METHOD = "morris"
SENSITIVITY_SIZE = 4
"""Morris trajectories (or Sobol's base sample, a power of 2) by default."""
SENSITIVITY_WORLDS_PER_POINT = 10
SENSITIVITY_PARAMETERS = ("russia.war.fire_rate_m", "russia.war.dud_rate")
SENSITIVITY_METRIC = "containers_cum"
CALIBRATION_PARAMETERS = ("russia.war.fire_rate_m",)
CALIBRATION_TRIALS = 10
CALIBRATION_WORLDS = 100
HORIZON = "horizon"
"""The month choice that reads a metric at the scenario's last month."""

Range = tuple[str, float, float]
"""A parameter's path and the low and high ends of its range."""


def tunable() -> list[Parameter]:
    """The registry's parameters a sensitivity run or a calibration can vary, in order."""
    return [p for p in parameters().values() if p.kind in TUNABLE_KINDS]


def default_range(parameter: Parameter, value: float | None = None) -> tuple[float, float]:
    """A parameter's range before the analyst narrows it: its bounds in the registry.

    An open end is taken half the value away from the value (the default's when no value
    is given; one unit when that is zero).

    Args:
        parameter: The parameter.
        value: The scenario's value.
    """
    centre = float(value if value is not None else parameter.default or 0.0)
    half = abs(centre) / 2 or 1.0
    low = float(parameter.low) if parameter.low is not None else centre - half
    high = float(parameter.high) if parameter.high is not None else centre + half
    return low, high


def ranges_text(ranges: Sequence[Range]) -> list[str]:
    """Ranges as ``PATH=LO:HI``, the grammar of ``--param``."""
    return [f"{path}={show(path, low)}:{show(path, high)}" for path, low, high in ranges]


def outcome_text(metric: str, month: str) -> str:
    """The outcome as ``--metric`` takes it: ``NAME``, or ``NAME@YYYY-MM`` at a month."""
    return metric if month in ("", HORIZON) else f"{metric}@{month}"


# --------------------------------------------------------------------------- backtest
def run_backtest(
    scenario: str | Path, worlds: int, progress: Callable[[int, int], None] | None = None
) -> Backtest:
    """The scenario against the historical targets that apply to it (``triad backtest``)."""
    return backtest(
        scenario, options=RunOptions(worlds=worlds), context=RunContext(progress=progress)
    )


def backtest_frame(result: Backtest) -> pd.DataFrame:
    """``triad backtest``'s table: each target, its figure and range, the model's, the result."""
    rows = []
    for row in result.table.to_dict("records"):
        known = row["status"] != OUTSIDE_HORIZON
        rows.append(
            {
                "target": row["id"],
                "period": row["period"],
                "history": format_number(float(row["value"])),
                "history range": _range(row["low"], row["high"]),
                "model median": format_number(float(row["median"])) if known else "-",
                "90% of worlds": _range(row["p05"], row["p95"]) if known else "-",
                "result": row["status"],
                "tuned": "tuned" if row["tuned"] else "",
            }
        )
    return pd.DataFrame(rows)


def _range(low: object, high: object) -> str:
    return f"[{format_number(float(str(low)))}, {format_number(float(str(high)))}]"


def hit_rate_text(result: Backtest) -> str:
    """Hits among the targets inside the horizon, as ``triad backtest`` prints it."""
    outside = len(result.table) - result.checked
    rate = f"{result.hit_rate:.0%}" if result.checked else "n/a"
    line = f"Hit rate: {result.hits} of {result.checked} targets inside the horizon ({rate})"
    return line + (f"; {outside} outside the horizon" if outside else "")


# --------------------------------------------------------------------------- sensitivity
@dataclass(frozen=True)
class SensitivityRun:
    """One press of Run sensitivity.

    Attributes:
        scenario: A bundled name or a scenario file.
        method: ``morris`` or ``sobol``.
        ranges: What to vary, each over its range.
        outcome: ``NAME`` or ``NAME@YYYY-MM``.
        n: Morris trajectories or Sobol's base sample (a power of 2).
        worlds_per_point: Worlds averaged at each point.
    """

    scenario: str | Path
    method: str
    ranges: tuple[Range, ...]
    outcome: str
    n: int = SENSITIVITY_SIZE
    worlds_per_point: int = SENSITIVITY_WORLDS_PER_POINT


def run_sensitivity(
    request: SensitivityRun, progress: Callable[[int, int], None] | None = None
) -> Sensitivity:
    """Morris or Sobol indices of the outcome (``triad sensitivity``).

    Raises:
        TriadError: For an unknown method, a bad range or outcome, or a design too small.
    """
    from triad.errors import ExperimentError
    from triad.experiments.sensitivity import METHODS

    if request.method not in METHODS:
        raise ExperimentError(
            f"unknown method {request.method!r}; use one of: {', '.join(METHODS)}"
        )
    return sensitivity(
        request.scenario,
        cast("Method", request.method),
        [ParameterRange(path, low, high) for path, low, high in request.ranges],
        parse_outcome(request.outcome),
        n=request.n,
        worlds_per_point=request.worlds_per_point,
        context=RunContext(progress=progress),
    )


def indices_frame(result: Sensitivity) -> pd.DataFrame:
    """The indices, one row per parameter, most influential first, in three digits."""
    columns = INDEX_COLUMNS[result.method]
    frame = result.indices.set_index("parameter").loc[result.ranking, list(columns)]
    shown = frame.map(lambda value: format_number(float(value)))
    return shown.rename_axis("parameter").reset_index()


def sensitivity_caption(result: Sensitivity) -> str:
    """What the indices were computed from and what they mean."""
    points, k = len(result.outputs), result.worlds_per_point
    meaning = (
        "μ*: mean absolute elementary effect, σ: their spread"
        if result.method == "morris"
        else "S1: share of variance from the parameter alone, ST: with its interactions"
    )
    return (
        f"{points:,} points x {k} world{'s' if k > 1 else ''} per point, one ensemble of "
        f"{points * k:,} worlds; {meaning}; *_conf: 95% half-width"
    )


# --------------------------------------------------------------------------- calibration
@dataclass(frozen=True)
class CalibrationRun:
    """One press of Calibrate.

    Attributes:
        scenario: A bundled name or a scenario file.
        ranges: The parameters to tune, each over its range.
        targets: Ids of the historical targets to reproduce.
        trials: Trials of the search.
        worlds: Worlds per trial.
    """

    scenario: str | Path
    ranges: tuple[Range, ...]
    targets: tuple[str, ...]
    trials: int = CALIBRATION_TRIALS
    worlds: int = CALIBRATION_WORLDS


def history_targets() -> list[Target]:
    """The targets of the project's history file, in its order."""
    return load_targets(HISTORY)


def targets_for(name: str, targets: Sequence[Target]) -> list[str]:
    """Ids of the targets that apply to a scenario: those naming it, and those naming none."""
    return [t.id for t in targets if "scenario" not in t.model_fields_set or t.scenario == name]


def run_calibration(
    request: CalibrationRun, progress: Callable[[int, int], None] | None = None
) -> Calibration:
    """Tune the parameters against the chosen targets (``triad calibrate``).

    Args:
        request: What to tune, to which targets.
        progress: Called with (trials done, trials asked).

    Raises:
        TriadError: For no target chosen, a bad range, or no target in the horizon.
    """
    from triad.errors import CalibrationError

    chosen = [t for t in history_targets() if t.id in request.targets]
    if not chosen:
        raise CalibrationError("choose one or more targets to calibrate against")
    return calibrate(
        request.scenario,
        chosen,
        ranges_text(request.ranges),
        trials=request.trials,
        options=RunOptions(worlds=request.worlds),
        context=RunContext(progress=progress),
    )


def values_frame(result: Calibration) -> pd.DataFrame:
    """The tuned parameters: the range searched and the best value."""
    rows = [
        {
            "parameter": p.path,
            "range": f"{show(p.path, p.low)} to {show(p.path, p.high)}",
            "best": show(p.path, result.best[p.path]),
        }
        for p in result.params
    ]
    return pd.DataFrame(rows, columns=["parameter", "range", "best"])


def before_after_frame(result: Calibration) -> pd.DataFrame:
    """Each target's range and the medians before and after, as ``triad calibrate`` shows them.

    A median inside its range reads ``(in)``; one outside, its loss (``(+0.52)``: its
    distance to the range in range widths); one outside the horizon, ``outside horizon``.
    """
    table = result.table()
    before = (table["median_before"], table["loss_before"])
    after = (table["median_after"], table["loss_after"])
    return pd.DataFrame(
        {
            "target": table["id"],
            "range": [_range(lo, hi) for lo, hi in zip(table["low"], table["high"], strict=True)],
            "before": [_median(m, loss) for m, loss in zip(*before, strict=True)],
            "after": [_median(m, loss) for m, loss in zip(*after, strict=True)],
        }
    )


def _median(median: float, loss: float) -> str:
    if median != median:  # NaN: outside the horizon
        return OUTSIDE_HORIZON
    return f"{format_number(median)} ({'in' if loss == 0 else f'+{loss:.2g}'})"


def loss_text(result: Calibration) -> str:
    """The losses before and after, as ``triad calibrate`` captions its table."""
    trials = len(result.history())
    return (
        f"Best of {trials} trials: loss {result.loss_before:.4g} before, "
        f"{result.loss_after:.4g} after (sum of each median's distance to its range, "
        "in range widths)"
    )


def overlay(result: Calibration) -> tuple[str, str]:
    """The calibrated overlay scenario: its file name and text.

    It ``extends:`` the original by its bundled name, or by the file's name for an
    uploaded scenario (keep the two files side by side).
    """
    fit = result.fits[0]
    return result.overlay_names()[0], calibrated_yaml(result, fit.source.parent, fit)


def calibration_zip(result: Calibration) -> bytes:
    """The folder ``triad calibrate`` writes (overlay, tables, trials, charts) as a zip."""
    with tempfile.TemporaryDirectory(prefix="triad-calibrate-") as scratch:
        folder = Path(scratch) / "calibrate-report"
        write(result, folder)
        return zip_folder(folder)


def months_of(scenario: Scenario) -> list[str]:
    """The scenario's months, ``YYYY-MM``, from its start to its horizon."""
    return scenario.first_month.labels(scenario.months)


def local_range(parameter: Parameter, value: float) -> tuple[float, float]:
    """Half the scenario's value either side of it, within the parameter's bounds.

    A calibration starts here: a few trials search a range near the scenario's own value
    better than the whole span the schema allows. A zero value gets the bounds
    (:func:`default_range`).
    """
    if value == 0:
        return default_range(parameter, value)
    low, high = sorted(float(f"{value * share:.6g}") for share in (0.5, 1.5))
    if parameter.low is not None:
        low = max(low, float(parameter.low))
    if parameter.high is not None:
        high = min(high, float(parameter.high))
    return low, high


def starting_ranges(
    paths: Sequence[str], scenario: Scenario, *, local: bool = False
) -> dict[str, tuple[float, float]]:
    """Each path's range before the analyst changes it.

    Args:
        paths: Parameter paths.
        scenario: The scenario (its values fill open ends, and centre a local range).
        local: Around the scenario's value (:func:`local_range`) instead of the bounds.
    """
    found = {}
    for path in paths:
        value = current_value(scenario, path)
        number = float(value) if isinstance(value, int | float) else None
        if local and number is not None:
            found[path] = local_range(parameter(path), number)
        else:
            found[path] = default_range(parameter(path), number)
    return found
