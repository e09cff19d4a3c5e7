"""Differences over time: when a what-if's effect happens, not only where it ends.

One small panel per metric; in each, every scenario's median paired difference from the
reference month by month (a line), the middle 50% and 90% of the worlds' own differences
(bands: the spread across worlds), a zero line that stands for the reference, and the
months the differences table reads marked with dotted lines. A what-if that lowers
shipments in 2024 and raises them in 2028 shows both here; the table at one month cannot.
Differences of shares are in percentage points.

A new figure is laid out once, in inches (:mod:`triad.plots.layout`): at least
:data:`~triad.plots.layout.MIN_WIDTH` wide, its title wrapped and its legend in as many
rows as it needs below the panels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from triad.errors import ModelError
from triad.plots.layout import (
    GAP,
    MIN_WIDTH,
    PAD,
    Grid,
    draw_footer,
    footer_inches,
    grid_panels,
    heading_lines,
    legend_size,
    panel_titles,
    place_heading,
    place_legend,
    x_labels_inches,
)
from triad.plots.style import (
    BAND_50,
    BAND_90,
    BAND_ALPHA_50,
    BAND_ALPHA_90,
    LABEL_SIZE,
    PANEL_TICKS,
    REFERENCE_COLOR,
    SMALL_SIZE,
    TEXT_COLOR,
    Provenance,
    date_numbers,
    format_date_axis,
    metric_title,
    scenario_colors,
    style_axes,
    value_axis,
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
    provenance: Provenance | None = None,
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
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

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
    grid = Grid(width=max(MIN_WIDTH, 4.2 * ncols), nrows=nrows, ncols=ncols)
    grid.panel_height = 2.1 if len(metrics) > 1 else 2.8
    figure, panels = grid_panels(ax, nrows, ncols, grid, "difference_paths_chart")
    marks = marks or {}
    for panel, metric in zip(panels, metrics, strict=False):
        frame = paths[paths["metric"] == metric]
        _panel(panel, frame, metric, scenarios, palette, marks.get(metric, ()))
    for spare in panels[len(metrics) :]:
        spare.set_visible(False)
    if ax is None:
        title = (
            f"Difference from {reference} month by month, world by world "
            f"(scenario minus {reference})"
        )
        handles = _legend(scenarios, palette, any(marks.values()))
        _fit(grid, figure, panels[: len(metrics)], metrics, title, handles, provenance)
    return figure


def _fit(
    grid: Grid,
    figure: Figure,
    panels: list[Axes],
    metrics: list[str],
    title: str,
    handles: list[Line2D | Patch],
    provenance: Provenance | None,
) -> None:
    """Measure the texts, set the margins, and place the title and the legend."""
    title_block = panel_titles(grid, panels, metrics)
    below = x_labels_inches(SMALL_SIZE)
    grid.hspace = below + title_block + 0.1
    inner = grid.width - 2 * PAD
    heading, heading_height = heading_lines(title, inner)
    legend = legend_size([str(h.get_label()) for h in handles], SMALL_SIZE + 1, inner)
    footer = footer_inches(provenance, grid.width)
    grid.top = PAD + heading_height + GAP + title_block
    grid.bottom = PAD + footer + legend.height + GAP + below
    grid.apply(figure)
    place_heading(figure, grid, heading)
    y = grid.from_bottom(PAD + footer)
    place_legend(figure, handles, "lower center", y, legend.ncols, SMALL_SIZE + 1)
    draw_footer(figure, grid, provenance)


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
    value_axis(ax, metric, difference=True, size=SMALL_SIZE + 0.5, ticks=PANEL_TICKS)


def _legend(
    scenarios: Sequence[str], colors: Mapping[str, str], marks: bool
) -> list[Line2D | Patch]:
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=colors.get(label, REFERENCE_COLOR), lw=1.8, label=f"{label}: median")
        for label in scenarios
    ]
    handles.append(Patch(color="#777777", alpha=BAND_ALPHA_50 + 0.1, label=BAND_50))
    handles.append(Patch(color="#777777", alpha=BAND_ALPHA_90, label=BAND_90))
    if marks:
        handles.append(Line2D([], [], color=MARK_COLOR, lw=0.9, ls=":", label="months read"))
    return handles
