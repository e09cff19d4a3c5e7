"""Scenario discovery, simply: which drawn inputs set the worst worlds apart from the rest.

EMA Workbench's PRIM searches for a box of inputs in which bad outcomes concentrate. The
first look is simpler: take the worst decile of worlds on one outcome and compare, input by
input, where they sit against the other worlds. A numeric input is compared by its median
(the difference scaled by the input's interquartile range across all worlds, so inputs in
different units can be ranked); a policy by the share of worlds that drew each name.

Pure functions of frames: :meth:`triad.store.result.RunResult.inputs` gives the
inputs, :func:`outcome_at` one outcome per world.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

from triad.errors import ModelError
from triad.store.result import RunResult

__all__ = ["SEPARATION_COLUMNS", "outcome_at", "separating_inputs"]

SEPARATION_COLUMNS: Final = ("input", "statistic", "worst", "rest", "difference", "separation")
"""Columns of :func:`separating_inputs`."""


def outcome_at(result: RunResult, metric: str, date: str) -> pd.Series:
    """One metric in one month, per world (indexed by ``world``).

    Args:
        result: A run (in memory or stored).
        metric: A recorded metric, e.g. ``dprk_regime_security``.
        date: The month (``YYYY-MM``), within the run.

    Raises:
        ModelError: If the month lies outside the run.
    """
    sim = result.simulation
    if date not in sim.dates:
        raise ModelError(f"{date} is outside the run ({sim.dates[0]}..{sim.dates[-1]})")
    values = np.asarray(sim.series(metric)[sim.dates.index(date)], dtype=np.float64)
    return pd.Series(values, index=pd.Index(sim.world_ids, name="world"), name=metric)


def separating_inputs(
    inputs: pd.DataFrame, outcome: pd.Series, *, worst: float = 0.1, low_is_bad: bool = True
) -> pd.DataFrame:
    """How the worst worlds' drawn inputs differ from the other worlds'.

    Args:
        inputs: ``world`` and one column per uncertain input (numbers or names).
        outcome: One value per world, indexed by ``world``.
        worst: Share of worlds counted as worst (0.1: the worst decile).
        low_is_bad: The worst worlds are those with the lowest outcome (else the highest).

    Returns:
        Columns input, statistic (``median``, or ``share <name>`` for a policy), worst,
        rest, difference (worst minus rest) and separation (the difference over the
        input's interquartile range across all worlds for a number; the difference of
        shares for a name), sorted by the size of the separation, largest first.

    Raises:
        ModelError: If ``worst`` is not in (0, 1), or the frames share no world.
    """
    if not 0 < worst < 1:
        raise ModelError(f"worst must be a share between 0 and 1, got {worst}")
    joined = inputs.set_index("world").join(outcome.rename("_outcome"), how="inner")
    if joined.empty:
        raise ModelError("the inputs and the outcome share no world")
    cut = joined["_outcome"].quantile(worst if low_is_bad else 1 - worst)
    bad = joined["_outcome"] <= cut if low_is_bad else joined["_outcome"] >= cut
    rows: list[dict[str, Any]] = []
    for column in inputs.columns.drop("world"):
        values = joined[column]
        if pd.api.types.is_numeric_dtype(values):
            rows.append(_numeric_row(column, values, bad))
        else:
            rows.extend(_share_rows(column, values, bad))
    frame = pd.DataFrame(rows, columns=list(SEPARATION_COLUMNS))
    order = frame["separation"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def _numeric_row(column: str, values: pd.Series, bad: pd.Series) -> dict[str, Any]:
    worst, rest = float(values[bad].median()), float(values[~bad].median())
    spread = float(values.quantile(0.75) - values.quantile(0.25))
    separation = (worst - rest) / spread if spread > 0 else 0.0
    return {
        "input": column,
        "statistic": "median",
        "worst": worst,
        "rest": rest,
        "difference": worst - rest,
        "separation": separation,
    }


def _share_rows(column: str, values: pd.Series, bad: pd.Series) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(values.astype(str).unique()):
        drew = values.astype(str) == name
        worst = float(drew[bad].mean())
        rest = float(drew[~bad].mean()) if (~bad).any() else float("nan")
        rows.append(
            {
                "input": column,
                "statistic": f"share {name}",
                "worst": worst,
                "rest": rest,
                "difference": worst - rest,
                "separation": worst - rest,
            }
        )
    return rows
