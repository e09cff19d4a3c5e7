"""A sweep's charts and folder: the table and one chart per outcome."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from triad.errors import ExperimentError
from triad.experiments.sweep import CSV_NAME, Sweep
from triad.store.folders import atomic_folder
from triad.store.provenance import chart_footer

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot(result: Sweep, outcome: str, ax: Axes | None = None) -> Figure:
    """One parameter: the median with 50% and 90% bands; two: a heat map of the median.

    Args:
        result: The sweep.
        outcome: An outcome label of the sweep (``metric`` or ``metric@YYYY-MM``).
        ax: Axes to draw on; a new figure if None.

    Raises:
        ExperimentError: If the outcome is not part of the sweep.
    """
    from triad.plots.style import metric_title
    from triad.plots.sweep import sweep_heatmap, sweep_line

    if outcome not in result.values:
        raise ExperimentError(f"{outcome!r} is not an outcome of this sweep")
    rows = result.frame().query("outcome == @outcome").reset_index(drop=True)
    read = next(o for o in result.outcomes if o.label == outcome)
    paths = [a.path for a in result.axes]
    s = result.scenario
    title = (
        f"{metric_title(read.metric)} ({read.date or 'horizon'}), {s.name}: "
        f"{s.worlds} same worlds per point"
    )
    footer = chart_footer((s.name,), s.worlds, s.seed)
    if len(paths) == 1:
        return sweep_line(rows, paths[0], read.metric, title=title, ax=ax, provenance=footer)
    return sweep_heatmap(
        rows, paths[0], paths[1], read.metric, title=title, ax=ax, provenance=footer
    )


def chart_name(outcome: str) -> str:
    """An outcome's chart file: ``sweep_<metric>.png`` or ``sweep_<metric>_at_<month>.png``."""
    return f"sweep_{outcome.replace('@', '_at_')}.png"


def write(result: Sweep, out: Path) -> Path:
    """Write ``sweep.csv`` and one chart per outcome (:func:`chart_name`).

    Returns:
        The folder, created whole or not at all.
    """
    from triad.plots.style import save

    with atomic_folder(out) as folder:
        result.frame().to_csv(folder / CSV_NAME, index=False)
        for outcome in result.outcomes:
            save(plot(result, outcome.label), folder / chart_name(outcome.label))
    return out
