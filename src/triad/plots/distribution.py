"""Where the worlds end up: the distribution of a metric's final value, per scenario."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import NDArray
from scipy import stats

from triad.plots.style import (
    LABEL_SIZE,
    SMALL_SIZE,
    TEXT_COLOR,
    TITLE_SIZE,
    metric_info,
    metric_title,
    new_axes,
    scenario_colors,
    style_axes,
)
from triad.text import format_number


def final_distribution(
    values: Mapping[str, NDArray[np.float64]],
    metric: str,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    *,
    date: str | None = None,
) -> Figure:
    """One horizontal row per scenario: a violin of the worlds' final values, with bars.

    The thick bar spans the middle 50% of worlds, the thin line the middle 90%, and the white
    dot is the median: the same three summaries as the fan charts, at the horizon.

    Args:
        values: Scenario label -> final value in every world, shape ``(worlds,)``. The first
            label (the reference) is the top row.
        metric: The metric (gives the title and the unit of the x axis).
        ax: Axes to draw on; a new figure if None.
        colors: Label -> colour (default: :func:`~triad.plots.style.scenario_colors`).
        date: The month the values belong to (``YYYY-MM``), shown in the title.

    Returns:
        The figure holding the chart.
    """
    labels = list(values)
    figure, ax = new_axes(ax, 8.0, 1.5 + 0.62 * len(labels))
    palette = dict(colors) if colors is not None else scenario_colors(labels)
    arrays = {label: _finite(values[label]) for label in labels}
    if labels and arrays[labels[0]].size:
        ax.axvline(
            float(np.median(arrays[labels[0]])),
            color=palette[labels[0]],
            lw=0.9,
            ls=(0, (4, 3)),
            alpha=0.7,
            zorder=1,
        )
    for row, label in enumerate(labels):
        _draw_row(ax, arrays[label], -row, palette[label])
    ax.set_yticks([-row for row in range(len(labels))], labels)
    ax.set_ylim(-len(labels) + 0.45, 0.55)
    style_axes(ax)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8))
    ax.grid(False, axis="y")
    ax.tick_params(axis="y", length=0, labelsize=LABEL_SIZE)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(metric_info(metric).unit, fontsize=LABEL_SIZE, color=TEXT_COLOR)
    when = f" in {date}" if date else " at the horizon"
    ax.set_title(metric_title(metric) + when, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    reference = f" · dashed: median of {labels[0]}" if labels else ""
    ax.annotate(
        f"shape: all worlds · bar: middle 50% · line: middle 90% · dot: median{reference}",
        (1.0, 0.0),
        xycoords="axes fraction",
        xytext=(0, -30),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=SMALL_SIZE,
        color="#666666",
    )
    return figure


def _finite(values: NDArray[np.float64]) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    return array[np.isfinite(array)]


def _violin(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A kernel density over the observed range, scaled to a half-width of at most 0.4."""
    grid = np.linspace(values.min(), values.max(), 200)
    try:
        density = stats.gaussian_kde(values)(grid)
    except np.linalg.LinAlgError:  # values nearly constant: no density to draw
        return grid, np.zeros_like(grid)
    return grid, 0.4 * density / density.max()


def _draw_row(ax: Axes, finite: NDArray[np.float64], y: float, color: str) -> None:
    if finite.size == 0:
        return
    if finite.size > 2 and np.ptp(finite) > 0:
        grid, half_width = _violin(finite)
        ax.fill_between(grid, y - half_width, y + half_width, color=color, alpha=0.28, lw=0)
    elif np.ptp(finite) == 0:
        ax.annotate(
            f"all {finite.size} worlds at {format_number(float(finite[0]))}",
            (float(finite[0]), y),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=SMALL_SIZE + 0.5,
            color=color,
        )
    p05, p25, p50, p75, p95 = np.quantile(finite, (0.05, 0.25, 0.5, 0.75, 0.95))
    ax.hlines(y, p05, p95, color=color, lw=1.4, zorder=3)
    ax.hlines(y, p25, p75, color=color, lw=6.0, zorder=4)
    ax.scatter([p50], [y], s=26, color="white", edgecolors=color, linewidths=1.4, zorder=5)
