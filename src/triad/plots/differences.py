"""A forest plot of differences from the reference at the horizon, one small panel per metric.

Each metric keeps its own unit and scale (a share and a count of containers cannot share an
axis); within a panel, every scenario is one row: a dot at the median paired difference, a
thick bar across the Monte Carlo 90% interval of that median (how precisely the worlds pin
it down) and a thin line across the middle 90% of worlds' own differences (how much the
effect varies from world to world), against a zero line that stands for the reference.
Differences of shares are in percentage points (``+2.9 pp``).

A new figure is laid out once, in inches (:mod:`triad.plots.layout`): at least
:data:`~triad.plots.layout.MIN_WIDTH` wide, its title and key wrapped to that width.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from triad.errors import ModelError
from triad.plots.layout import (
    GAP,
    MIN_WIDTH,
    PAD,
    TICK_SPACE,
    Grid,
    draw_footer,
    footer_inches,
    grid_panels,
    heading_lines,
    legend_size,
    place_heading,
    x_labels_inches,
)
from triad.plots.style import (
    BAND_90,
    LABEL_SIZE,
    REFERENCE_COLOR,
    SMALL_SIZE,
    TEXT_COLOR,
    Provenance,
    format_value,
    is_share,
    line_inches,
    metric_title,
    scenario_colors,
    style_axes,
    text_inches,
    value_axis,
    wrap_inches,
)

COLUMNS = ("metric", "scenario", "reference", "median_difference", "mc_p05", "mc_p95")


def difference_chart(
    differences: pd.DataFrame,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    *,
    ncols: int = 3,
    date: str | None = None,
    provenance: Provenance | None = None,
) -> Figure:
    """Median paired differences from the reference, one panel per metric.

    In each panel a scenario is one row: the dot is the median paired difference (its value
    is written above it), the thick bar the Monte Carlo 90% interval of that median (a
    bootstrap over the worlds: precision, not uncertainty about the effect) and, when the
    frame has ``worlds_p05`` and ``worlds_p95``, the thin line spans the middle 90% of
    worlds' own differences (the spread across worlds). The vertical line at zero is the
    reference.

    Args:
        differences: Columns metric, scenario, reference, median_difference, mc_p05,
            mc_p95 and optionally worlds_p05, worlds_p95 (see
            :meth:`triad.experiments.compare.Comparison.differences`); metrics in row order.
        ax: A grid cell (e.g. from ``plt.subplots``) to split into the panels; a new figure
            if None.
        colors: Label -> colour, the reference included (default: reference first, then the
            scenarios in order of appearance).
        ncols: Panels per row.
        date: The month of the differences (``YYYY-MM``), shown in the title.
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

    Returns:
        The figure holding the panels.

    Raises:
        ModelError: If a column is missing, or ``ax`` is not part of a grid.
    """
    missing = [c for c in COLUMNS if c not in differences.columns]
    if missing:
        raise ModelError(f"differences lack the columns {', '.join(missing)}")
    metrics = list(dict.fromkeys(differences["metric"]))
    scenarios = list(dict.fromkeys(differences["scenario"]))
    reference = str(differences["reference"].iloc[0]) if len(differences) else "reference"
    palette = dict(colors) if colors is not None else scenario_colors([reference, *scenarios])
    dated = "at" in differences.columns and differences["at"].nunique() > 1
    keyed = differences.assign(row=_row_keys(differences, dated))
    ncols = max(1, min(ncols, len(metrics) or 1))
    nrows = max(1, math.ceil(len(metrics) / ncols))
    most = max((int((keyed["metric"] == m).sum()) for m in metrics), default=len(scenarios))
    grid = Grid(width=max(MIN_WIDTH, 3.7 * ncols), nrows=nrows, ncols=ncols)
    grid.panel_height = 0.3 + 0.38 * most
    figure, panels = grid_panels(ax, nrows, ncols, grid, "difference_chart")
    shown_names: list[str] = []
    for i, metric in enumerate(metrics):
        frame = keyed[keyed["metric"] == metric]
        keys = list(dict.fromkeys(frame["row"])) if dated else scenarios
        names = list(frame["at"]) if dated else None  # the colour names the scenario
        shades = {
            row: palette.get(str(s)) for row, s in zip(frame["row"], frame["scenario"], strict=True)
        }
        show = dated or i % ncols == 0
        shown_names += (names or scenarios) if show else []
        _panel(
            panels[i],
            _rows(frame),
            keys,
            metric,
            {k: c for k, c in shades.items() if c is not None},
            show_names=show,
            names=names,
        )
    for spare in panels[len(metrics) :]:
        spare.set_visible(False)
    if ax is None:
        when = f" in {date}" if date else (" at the months read" if dated else " at the horizon")
        title = f"Difference from {reference}{when}, world by world (scenario minus {reference})"
        legend = (
            [Patch(color=palette[s], label=s) for s in scenarios if s in palette] if dated else []
        )
        _fit(grid, figure, panels[: len(metrics)], metrics, title, shown_names, legend, provenance)
    return figure


def _fit(
    grid: Grid,
    figure: Figure,
    panels: list[Axes],
    metrics: list[str],
    title: str,
    names: list[str],
    legend: list[Patch],
    provenance: Provenance | None,
) -> None:
    """Measure the texts, set the margins, and place the title, key and legend."""
    widest = max((text_inches(n, SMALL_SIZE + 1)[0] for n in names), default=0.0) + TICK_SPACE
    grid.left = PAD + widest
    grid.wspace = (widest if legend else 0.0) + 0.3  # dated: every panel names its rows
    if legend:
        size = legend_size([str(p.get_label()) for p in legend], SMALL_SIZE + 1, 2.0, ncols=1)
        grid.right = PAD + size.width + GAP
    else:
        grid.right = PAD + 0.1
    titles = [
        wrap_inches(metric_title(m, None), grid.panel_width + 0.2, LABEL_SIZE) for m in metrics
    ]
    for ax, text in zip(panels, titles, strict=True):
        ax.set_title(text, fontsize=LABEL_SIZE, color=TEXT_COLOR, loc="left")
    title_block = line_inches(LABEL_SIZE, max((t.count("\n") + 1 for t in titles), default=1))
    title_block += 6 / 72 + 0.08  # the title's pad, and room for the value above the top row
    below = x_labels_inches(SMALL_SIZE, "difference", SMALL_SIZE + 0.5)
    grid.hspace = below + title_block + 0.1
    inner = grid.width - 2 * PAD
    heading, heading_height = heading_lines(title, inner)
    key = wrap_inches(KEY.replace("\n", " · "), inner, SMALL_SIZE + 0.5)
    key_height = line_inches(SMALL_SIZE + 0.5, key.count("\n") + 1)
    footer = footer_inches(provenance, grid.width)
    grid.top = PAD + heading_height + GAP + title_block
    grid.bottom = PAD + footer + key_height + GAP + below
    grid.apply(figure)
    place_heading(figure, grid, heading)
    figure.text(
        0.5, grid.from_bottom(PAD + footer), key, ha="center", va="bottom",
        fontsize=SMALL_SIZE + 0.5, color="#555555", gid="key",
    )  # fmt: skip
    if legend:
        figure.legend(
            handles=legend,
            loc="upper right",
            bbox_to_anchor=(grid.x(grid.width - PAD), grid.from_top(grid.top - 0.05)),
            frameon=False,
            fontsize=SMALL_SIZE + 1,
            borderaxespad=0.0,
        )
    draw_footer(figure, grid, provenance)


KEY = (
    "dot and number: median difference · thick bar: MC 90% CI of the median "
    f"(Monte Carlo precision)\nthin line: {BAND_90} (5th-95th percentile of the differences "
    "across worlds: the spread) · vertical line: no difference"
)


class _Row(NamedTuple):
    median: float
    low: float
    high: float
    worlds_low: float
    worlds_high: float


def _row_keys(frame: pd.DataFrame, dated: bool) -> list[str]:
    """Each row's key in its panel: the scenario, with its month where months differ."""
    if not dated:
        return [str(s) for s in frame["scenario"]]
    return [f"{s}@{at}" for s, at in zip(frame["scenario"], frame["at"], strict=True)]


def _rows(frame: pd.DataFrame) -> dict[str, _Row]:
    rows = {}
    for record in frame.to_dict("records"):
        median = float(record["median_difference"])
        low, high = float(record["mc_p05"]), float(record["mc_p95"])
        worlds = (float(record.get("worlds_p05", low)), float(record.get("worlds_p95", high)))
        rows[str(record["row"])] = _Row(median, low, high, *worlds)
    return rows


def _panel(
    ax: Axes,
    rows: Mapping[str, _Row],
    scenarios: Sequence[str],
    metric: str,
    colors: Mapping[str, str],
    *,
    show_names: bool,
    names: Sequence[str] | None = None,
) -> None:
    ax.axvline(0.0, color=REFERENCE_COLOR, lw=1.0, zorder=2)
    present = [(y, rows[s], colors.get(s)) for y, s in enumerate(scenarios) if s in rows]
    extent = max((_reach(row) for _, row, _ in present), default=0.0)
    limit = extent * 1.12 if extent > 0 else 1.0
    for y, row, color in present:
        _draw_row(ax, row, -y, color, limit, metric)
    ax.set_xlim(-limit, limit)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, symmetric=True, prune=None))
    ax.set_ylim(-len(scenarios) + 0.45, 0.75)
    shown = list(names) if names is not None else list(scenarios)
    ax.set_yticks([-y for y in range(len(scenarios))], shown if show_names else [])
    style_axes(ax)
    ax.grid(False, axis="y")
    ax.tick_params(axis="y", length=0, labelsize=SMALL_SIZE + 1)
    ax.tick_params(axis="x", labelsize=SMALL_SIZE)
    ax.spines["left"].set_visible(False)
    ax.set_title(metric_title(metric, 46), fontsize=LABEL_SIZE, color=TEXT_COLOR, loc="left")
    value_axis(ax, metric, "x", difference=True, size=SMALL_SIZE + 0.5)


def _reach(row: _Row) -> float:
    """The largest distance from zero a row reaches."""
    values = (row.median, row.low, row.high, row.worlds_low, row.worlds_high)
    return max((abs(v) for v in values if math.isfinite(v)), default=0.0)


def rounded(value: float, limit: float) -> str:
    """A difference with as many decimals as a panel of half-width ``limit`` can resolve.

    About a hundredth of the panel: ``-162`` on a ±300 panel, ``+0.029`` on a ±0.15 one;
    values that round to nothing read ``0``.
    """
    decimals = max(0, math.ceil(-math.log10(limit / 100))) if limit > 0 else 0
    text = f"{value:+.{decimals}f}"
    return "0" if float(text) == 0 else text


def _draw_row(ax: Axes, row: _Row, y: float, color: str | None, limit: float, metric: str) -> None:
    """Draw one scenario's row: spread of worlds, interval, median and its value."""
    color = color or REFERENCE_COLOR
    ax.hlines(y, row.worlds_low, row.worlds_high, color=color, lw=1.0, alpha=0.55, zorder=3)
    ax.hlines(y, row.low, row.high, color=color, lw=4.0, zorder=4)
    ax.scatter([row.median], [y], s=30, color=color, zorder=5, edgecolors="white", lw=0.6)
    scale = 100.0 if is_share(metric) else 1.0  # shares: percentage points
    ax.annotate(
        format_value(metric, rounded(row.median * scale, limit * scale)),
        (row.median, y),
        xytext=(0, 5),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=SMALL_SIZE,
        color=color,
        zorder=6,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5},
    )
