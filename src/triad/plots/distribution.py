"""Where the worlds end up: the distribution of a metric's final value, per scenario.

Shares are drawn in percent. The value axis starts at zero by the fan charts' rule
(:mod:`triad.plots.fan`): when it does not, the chart says so below its last row. A new
figure is laid out once, in inches (:mod:`triad.plots.layout`): the left margin fits the
scenario names, the title is wrapped.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import NDArray

from triad.plots.fan import note_not_from_zero, y_range
from triad.plots.layout import (
    GAP,
    PAD,
    TICK_SPACE,
    Grid,
    draw_footer,
    footer_inches,
    x_labels_inches,
)
from triad.plots.style import (
    BAND_50,
    BAND_90,
    LABEL_SIZE,
    SMALL_SIZE,
    TEXT_COLOR,
    TITLE_SIZE,
    Provenance,
    line_inches,
    metric_info,
    metric_title,
    root_figure,
    scenario_colors,
    style_axes,
    text_inches,
    value_axis,
    wrap_inches,
)
from triad.text import format_number


def final_distribution(
    values: Mapping[str, NDArray[np.float64]],
    metric: str,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    *,
    date: str | None = None,
    provenance: Provenance | None = None,
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
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

    Returns:
        The figure holding the chart.
    """
    labels = list(values)
    grid = Grid(width=8.0, panel_height=0.3 + 0.62 * max(len(labels), 1))
    own = ax is None
    if ax is None:
        figure, (ax,) = grid.figure()
    else:
        figure = root_figure(ax)
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
    value_axis(ax, metric, "x")
    drawn = np.concatenate([np.zeros(0), *arrays.values()])
    if drawn.size and y_range(ax, float(drawn.min()), float(drawn.max()), metric, "x"):
        note_not_from_zero(ax)
    when = f" in {date}" if date else " at the horizon"
    title = metric_title(metric, None) + when
    reference = f" · dashed: median of {labels[0]}" if labels else ""
    key = f"shape: all worlds · bar: {BAND_50} · line: {BAND_90} · dot: median{reference}"
    if metric_info(metric).ends:  # what the ends of an index mean
        key += f"\n{metric_info(metric).unit}: {metric_info(metric).ends}"
    if own:
        _fit(grid, figure, ax, labels, title, key, provenance)
        return figure
    ax.set_title(metric_title(metric) + when, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    ax.annotate(
        key,
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


def _fit(
    grid: Grid,
    figure: Figure,
    ax: Axes,
    labels: list[str],
    title: str,
    key: str,
    provenance: Provenance | None,
) -> None:
    """Measure the texts, set the margins, and place the title, key and footer."""
    names = max((text_inches(label, LABEL_SIZE)[0] for label in labels), default=0.0)
    grid.left = PAD + names + TICK_SPACE
    grid.right = PAD + 0.2
    heading = wrap_inches(title, grid.width - grid.left - PAD, TITLE_SIZE)
    ax.set_title(heading, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    wrapped = wrap_inches(key, grid.width - 2 * PAD, SMALL_SIZE)
    key_height = line_inches(SMALL_SIZE, wrapped.count("\n") + 1)
    footer = footer_inches(provenance, grid.width)
    below = x_labels_inches(LABEL_SIZE - 1, str(ax.xaxis.get_label_text()), LABEL_SIZE)
    grid.top = PAD + line_inches(TITLE_SIZE, heading.count("\n") + 1) + 6 / 72
    grid.bottom = PAD + footer + key_height + GAP + below
    grid.apply(figure)
    figure.text(
        grid.x(grid.width - PAD), grid.from_bottom(PAD + footer), wrapped, ha="right",
        va="bottom", fontsize=SMALL_SIZE, color="#666666", gid="key",
    )  # fmt: skip
    draw_footer(figure, grid, provenance)


def _finite(values: NDArray[np.float64]) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    return array[np.isfinite(array)]


def _violin(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A kernel density over the observed range, scaled to a half-width of at most 0.4."""
    grid = np.linspace(values.min(), values.max(), 200)
    try:
        from scipy import stats  # 0.5 s to import: only when a density is drawn

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
