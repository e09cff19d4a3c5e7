"""A sensitivity analysis's chart and folder: indices, sample points and the chart."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from triad.experiments.sensitivity import Sensitivity
from triad.store.folders import atomic_folder
from triad.store.provenance import chart_footer

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CHART_NAME = "sensitivity.png"


def plot(result: Sensitivity, ax: Axes | None = None) -> Figure:
    """Morris: μ* against σ; Sobol: S1 and ST bars with confidence intervals."""
    from triad.plots.sensitivity import morris_chart, sobol_chart

    chart = morris_chart if result.method == "morris" else sobol_chart
    worlds = len(result.outputs) * result.worlds_per_point  # every point's, as one ensemble
    footer = chart_footer((result.scenario.name,), worlds, result.scenario.seed)
    return chart(result.indices, result.outcome.label, title=result.title, ax=ax, provenance=footer)


def write(result: Sensitivity, out: Path) -> Path:
    """Write ``indices.csv``, ``points.csv``, ``sensitivity.png`` (and ``sobol_s2.csv``).

    Returns:
        The folder, created whole or not at all.
    """
    from triad.plots.style import save

    with atomic_folder(out) as folder:
        result.indices.to_csv(folder / "indices.csv", index=False)
        result.points_frame().to_csv(folder / "points.csv", index=False)
        if result.second_order is not None:
            result.second_order.to_csv(folder / "sobol_s2.csv", index=False)
        save(plot(result), folder / CHART_NAME)
    return out
