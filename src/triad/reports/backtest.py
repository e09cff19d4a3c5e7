"""A backtest's chart and folder: the table of targets and the chart."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from triad.experiments.backtest import CHART_NAME, CSV_NAME, Backtest
from triad.store.folders import atomic_folder
from triad.store.provenance import chart_footer

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot(result: Backtest, ax: Axes | None = None) -> Figure:
    """Each target's range against the model's median and 90% interval, one row each."""
    from triad.plots.backtest import backtest_chart

    s = result.scenario
    footer = chart_footer((s.name,), s.worlds, s.seed)
    return backtest_chart(result.table, title=result.title, ax=ax, provenance=footer)


def write(result: Backtest, out: Path) -> Path:
    """Write ``backtest.csv`` and ``backtest.png`` into the folder ``out``.

    Returns:
        The folder, created whole or not at all.
    """
    from triad.plots.style import save

    with atomic_folder(out) as folder:
        result.csv_frame().to_csv(folder / CSV_NAME, index=False)
        save(plot(result), folder / CHART_NAME)
    return out
