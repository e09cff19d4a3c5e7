"""Sweep charts: an outcome against one parameter (with bands) or two (a heat map)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from triad.plots.layout import footer_below
from triad.plots.style import (
    BAND_50,
    BAND_90,
    BAND_ALPHA_50,
    BAND_ALPHA_90,
    LABEL_SIZE,
    PALETTE,
    SMALL_SIZE,
    TEXT_COLOR,
    TICK_SIZE,
    TITLE_SIZE,
    Provenance,
    metric_info,
    new_axes,
    root_figure,
    style_axes,
    value_axis,
)
from triad.scenario.month import Month
from triad.text import format_number

LINE_COLOR = PALETTE[0]
ANNOTATE_CELLS = 144
"""Heat maps with at most this many cells print each cell's median."""


def sweep_line(
    rows: pd.DataFrame,
    path: str,
    metric: str,
    title: str = "",
    ax: Axes | None = None,
    *,
    provenance: Provenance | None = None,
) -> Figure:
    """The median outcome over one parameter's grid, with the middle 50% and 90% of worlds.

    Args:
        rows: One row per grid value: the column ``path``, p05, p25, p50, p75, p95.
        path: The parameter stepped (x axis).
        metric: The outcome's metric (unit of the y axis).
        title: Chart title.
        ax: Axes to draw on; a new figure if None.
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

    Returns:
        The figure holding the chart.
    """
    own = ax is None
    figure, ax = new_axes(ax, 8.0, 4.5)
    named = not pd.api.types.is_numeric_dtype(rows[path])  # a policy: a position per name
    months = _months(rows[path]) if named else None  # an event's date: placed by its month
    if months is not None:
        x = months
    else:
        x = np.arange(len(rows), dtype=np.float64) if named else rows[path].to_numpy(np.float64)
    ax.fill_between(
        x,
        rows["p05"],
        rows["p95"],
        color=LINE_COLOR,
        alpha=BAND_ALPHA_90,
        lw=0,
        label=BAND_90,
    )
    ax.fill_between(
        x,
        rows["p25"],
        rows["p75"],
        color=LINE_COLOR,
        alpha=BAND_ALPHA_50,
        lw=0,
        label=BAND_50,
    )
    ax.plot(x, rows["p50"], color=LINE_COLOR, lw=2.4, marker="o", ms=4, label="median world")
    style_axes(ax)
    if named:
        ax.set_xticks(x, [str(v) for v in rows[path]], fontsize=TICK_SIZE)
    ax.set_xlabel(path, fontsize=LABEL_SIZE, color=TEXT_COLOR)
    value_axis(ax, metric)
    ax.set_title(title, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    ax.legend(frameon=False, fontsize=SMALL_SIZE + 1, loc="best")
    if own:
        footer_below(figure, provenance)
    return figure


def sweep_heatmap(
    rows: pd.DataFrame,
    row_path: str,
    column_path: str,
    metric: str,
    title: str = "",
    ax: Axes | None = None,
    *,
    provenance: Provenance | None = None,
) -> Figure:
    """The median outcome over a two-parameter grid as a heat map, cells labelled.

    Args:
        rows: One row per grid point: columns ``row_path``, ``column_path``, p50.
        row_path: The parameter on the y axis.
        column_path: The parameter on the x axis.
        metric: The outcome's metric (unit of the colour bar).
        title: Chart title.
        ax: Axes to draw on; a new figure if None.
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

    Returns:
        The figure holding the chart.
    """
    table = rows.pivot_table(index=row_path, columns=column_path, values="p50", sort=True)
    own = ax is None
    figure, ax = new_axes(ax, 8.0, 5.5)
    data = table.to_numpy(dtype=np.float64)
    image = ax.imshow(data, origin="lower", aspect="auto", cmap="viridis")
    colorbar = root_figure(ax).colorbar(image, ax=ax, shrink=0.9)
    colorbar.set_label(f"median world, {metric_info(metric).unit}", fontsize=LABEL_SIZE)
    colorbar.ax.tick_params(labelsize=TICK_SIZE)
    _ticks(ax, table)
    if data.size <= ANNOTATE_CELLS:
        _label_cells(ax, data)
    ax.set_xlabel(column_path, fontsize=LABEL_SIZE, color=TEXT_COLOR)
    ax.set_ylabel(row_path, fontsize=LABEL_SIZE, color=TEXT_COLOR)
    ax.set_title(title, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    if own:
        footer_below(figure, provenance)
    return figure


def _ticks(ax: Axes, table: pd.DataFrame) -> None:
    columns, index = list(table.columns), list(table.index)
    step_x, step_y = max(1, len(columns) // 10), max(1, len(index) // 10)
    ax.set_xticks(range(0, len(columns), step_x))
    ax.set_xticklabels([_tick(v) for v in columns[::step_x]], fontsize=TICK_SIZE)
    ax.set_yticks(range(0, len(index), step_y))
    ax.set_yticklabels([_tick(v) for v in index[::step_y]], fontsize=TICK_SIZE)


def _tick(value: object) -> str:
    """A grid value as a tick label: a number formatted, a policy's name as it is."""
    return value if isinstance(value, str) else format_number(float(value))  # type: ignore[arg-type]


def _label_cells(ax: Axes, data: np.ndarray) -> None:
    finite = data[np.isfinite(data)]
    middle = float((finite.min() + finite.max()) / 2) if finite.size else 0.0
    for (i, j), value in np.ndenumerate(data):
        color = "black" if value > middle else "white"
        ax.text(
            j,
            i,
            format_number(float(value)),
            ha="center",
            va="center",
            fontsize=SMALL_SIZE,
            color=color,
        )


def _months(column: pd.Series) -> np.ndarray | None:
    """Month indices of a column of ``YYYY-MM`` texts (for evenly timed positions), or None."""
    found = [Month.read(value) for value in column]
    if None in found:
        return None
    return np.asarray([m.index for m in found if m is not None], dtype=np.float64)
