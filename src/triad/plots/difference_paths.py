"""Differences over time: when a what-if's effect happens, not only where it ends.

One small panel per metric; in each, every scenario's median paired difference from the
reference month by month (a line), the middle 50% and 90% of the worlds' own differences
(bands: the spread across worlds), a zero line that stands for the reference, and the
months the differences table reads marked with dotted lines. A what-if that lowers
shipments in 2024 and raises them in 2028 shows both here; the table at one month cannot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from triad.errors import ModelError
from triad.plots.style import (
    BAND_ALPHA_50,
    BAND_ALPHA_90,
    LABEL_SIZE,
    REFERENCE_COLOR,
    SMALL_SIZE,
    TEXT_COLOR,
    TITLE_SIZE,
    date_numbers,
    format_date_axis,
    metric_info,
    metric_title,
    new_figure,
    root_figure,
    scenario_colors,
    style_axes,
)

COLUMNS = (
    "metric",
    "scenario",
    "date",
    "median_difference",
    "worlds_p05",
    "worlds_p25",
    "worlds_p75",
    "worlds_p95",
)
MARK_COLOR = "#555555"


def difference_paths_chart(
    paths: pd.DataFrame,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    *,
    reference: str = "the reference",
    marks: Mapping[str, Sequence[str]] | None = None,
    ncols: int = 3,
) -> Figure:
    """Median paired differences month by month, with the spread across worlds.

    Args:
        paths: Columns metric, scenario, date, median_difference, worlds_p05, worlds_p25,
            worlds_p75, worlds_p95 (see
            :meth:`triad.experiments.compare.Comparison.differences_over_time`).
        ax: A grid cell to split into the panels (one panel: drawn on it); a new figure if
            None.
        colors: Label -> colour (default: the scenarios in order of appearance).
        reference: The reference's label, for the title.
        marks: Metric -> months (``YYYY-MM``) to mark with dotted lines: the months the
            differences table reads it at.
        ncols: Panels per row.

    Returns:
        The figure holding the panels.

    Raises:
        ModelError: If a column is missing, the frame is empty, or ``ax`` is not part of a
            grid.
    """
    missing = [c for c in COLUMNS if c not in paths.columns]
    if missing:
        raise ModelError(f"difference paths lack the columns {', '.join(missing)}")
    if paths.empty:
        raise ModelError("no differences to draw: the frame is empty")
    metrics = list(dict.fromkeys(paths["metric"]))
    scenarios = list(dict.fromkeys(paths["scenario"]))
    palette = dict(colors) if colors is not None else scenario_colors([reference, *scenarios])
    ncols = max(1, min(ncols, len(metrics)))
    nrows = math.ceil(len(metrics) / ncols)
    figure, panels = _panels(ax, nrows, ncols)
    marks = marks or {}
    for panel, metric in zip(panels, metrics, strict=False):
        frame = paths[paths["metric"] == metric]
        _panel(panel, frame, metric, scenarios, palette, marks.get(metric, ()))
    for spare in panels[len(metrics) :]:
        spare.set_visible(False)
    if ax is None:
        figure.suptitle(
            f"Difference from {reference} month by month, world by world "
            f"(scenario minus {reference})",
            fontsize=TITLE_SIZE + 1,
            color=TEXT_COLOR,
        )
        figure.legend(
            handles=_legend(scenarios, palette, any(marks.values())),
            loc="outside lower center",
            ncols=min(len(scenarios) + 3, 6),
            frameon=False,
            fontsize=SMALL_SIZE + 1,
        )
    return figure


def _panels(ax: Axes | None, nrows: int, ncols: int) -> tuple[Figure, list[Axes]]:
    """The figure and a flat list of ``nrows * ncols`` panels, new or carved out of ``ax``."""
    if ax is None:
        figure = new_figure(4.2 * ncols, 2.9 * nrows + 1.0)
        return figure, list(figure.subplots(nrows, ncols, squeeze=False).flat)
    figure = root_figure(ax)
    if nrows * ncols == 1:
        return figure, [ax]
    spec = ax.get_subplotspec()
    if spec is None:
        raise ModelError("difference_paths_chart needs an axes that is a cell of a grid to split")
    ax.remove()
    return figure, list(np.asarray(spec.subgridspec(nrows, ncols).subplots(squeeze=False)).flat)


def _panel(
    ax: Axes,
    frame: pd.DataFrame,
    metric: str,
    scenarios: Sequence[str],
    colors: Mapping[str, str],
    marks: Sequence[str],
) -> None:
    ax.axhline(0.0, color=REFERENCE_COLOR, lw=1.0, zorder=2)
    span = 0
    for z, label in enumerate(scenarios):
        rows = frame[frame["scenario"] == label]
        x = date_numbers(rows["date"])
        span = max(span, len(x))
        color = colors.get(label, REFERENCE_COLOR)
        ax.fill_between(
            x, rows["worlds_p05"], rows["worlds_p95"], color=color, alpha=BAND_ALPHA_90, lw=0
        )
        ax.fill_between(
            x, rows["worlds_p25"], rows["worlds_p75"], color=color, alpha=BAND_ALPHA_50, lw=0
        )
        ax.plot(x, rows["median_difference"], color=color, lw=1.8, zorder=10 + z)
    for x in date_numbers(marks):
        ax.axvline(float(x), color=MARK_COLOR, lw=0.9, ls=":", zorder=3)
    if span:
        format_date_axis(ax, span)
    style_axes(ax)
    ax.tick_params(labelsize=SMALL_SIZE)
    ax.set_title(metric_title(metric, 46), fontsize=LABEL_SIZE, color=TEXT_COLOR, loc="left")
    ax.set_ylabel(f"difference [{metric_info(metric).unit}]", fontsize=SMALL_SIZE + 0.5)


def _legend(
    scenarios: Sequence[str], colors: Mapping[str, str], marks: bool
) -> list[Line2D | Patch]:
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=colors.get(label, REFERENCE_COLOR), lw=1.8, label=f"{label}: median")
        for label in scenarios
    ]
    handles.append(Patch(color="#777777", alpha=BAND_ALPHA_50 + 0.1, label="50% of worlds"))
    handles.append(Patch(color="#777777", alpha=BAND_ALPHA_90, label="90% of worlds"))
    if marks:
        handles.append(Line2D([], [], color=MARK_COLOR, lw=0.9, ls=":", label="months read"))
    return handles
