"""Backtest chart: each historical target's range against the model's median and interval.

Targets have different units (containers, rounds a day, shares), so every row is scaled by
its own target: the low end of the range the sources allow sits at 0 and the high end at
1. The ranges then line up in one shaded column, and a median inside that column is a
reproduced figure. The numbers themselves are written at the right of each row. The figure
is as wide as the row names and those numbers need beside a plot of :data:`PLOT_WIDTH`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from numpy.typing import ArrayLike, NDArray

from triad.plots.layout import PAD, TICK_SPACE, footer_below
from triad.plots.style import (
    BAND_90,
    EVENT_COLOR,
    LABEL_SIZE,
    PALETTE,
    SMALL_SIZE,
    TEXT_COLOR,
    TICK_SIZE,
    TITLE_SIZE,
    Provenance,
    new_axes,
    style_axes,
    text_inches,
)
from triad.text import format_number

HIT_COLOR = PALETTE[2]
MISS_COLOR = PALETTE[1]
RANGE_COLOR = "#d9d9d9"
SHOWN = (-1.5, 2.5)
"""Visible part of the scaled axis; marks beyond it are drawn at its edge as arrows."""
EDGE = 0.06
"""How far inside the edge an off-scale median's arrow sits."""
PLOT_WIDTH = 4.2
"""Inches of the plot between the row names and the numbers at its right (at least)."""
NOTE_OFFSET = 6.0
"""Points between the plot's right edge and a row's numbers."""


def scaled(values: ArrayLike, low: float, high: float) -> NDArray[np.float64]:
    """Values on a target's own scale: ``low`` -> 0, ``high`` -> 1.

    A target with ``low == high`` is scaled by a tenth of its magnitude instead (or 1).
    """
    width = high - low
    if width <= 0:
        width = abs(low) * 0.1 or 1.0
    return (np.asarray(values, dtype=np.float64) - low) / width


def backtest_chart(
    table: pd.DataFrame,
    title: str = "",
    ax: Axes | None = None,
    *,
    provenance: Provenance | None = None,
) -> Figure:
    """One row per target: its range, its historical value, the model's median and 90%.

    Args:
        table: Columns id, period, value, low, high, median, p05, p95, hit, status, and
            optionally unit (see :class:`triad.experiments.backtest.Backtest`).
        title: Chart title.
        ax: Axes to draw on; a new figure if None.
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

    Returns:
        The figure holding the chart.
    """
    rows = table.to_dict("records")
    own = ax is None
    figure, ax = new_axes(ax, _width(rows), 1.4 + 0.42 * max(len(rows), 1))
    ax.axvspan(0.0, 1.0, color=RANGE_COLOR, lw=0, zorder=0)
    for y, row in enumerate(rows):
        _draw_row(ax, y, row)
    _style(ax, rows)
    ax.set_title(title, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    figure.legend(
        handles=_legend(),
        loc="outside lower center",
        ncols=4,
        frameon=False,
        fontsize=SMALL_SIZE + 0.5,
    )
    if own:
        engine = figure.get_layout_engine()
        if engine is not None:  # room at the edges, so the longest row name is never cut
            engine.set(w_pad=PAD)  # type: ignore[call-arg]
        footer_below(figure, provenance)
    return figure


def _width(rows: Sequence[Mapping[Hashable, Any]]) -> float:
    """Inches a figure needs for the row names, the plot and the numbers beside it."""
    names = max((text_inches(_name(r), TICK_SIZE)[0] for r in rows), default=0.0)
    notes = max((text_inches(_row_note(r), SMALL_SIZE + 0.5)[0] for r in rows), default=0.0)
    inner = names + TICK_SPACE + PLOT_WIDTH + NOTE_OFFSET / 72 + notes
    return max(9.5, 2 * PAD + inner + 0.3)  # 0.3: the layout's pads around the plot


def _name(row: Mapping[Hashable, Any]) -> str:
    """A row's label: the target and its period."""
    return f"{row['id']}  ({row['period']})"


def _row_note(row: Mapping[Hashable, Any]) -> str:
    """The numbers written at the right of a row: the model's median against history."""
    low, high = float(str(row["low"])), float(str(row["high"]))
    unit = str(row.get("unit") or "")
    figure = (
        f"{format_number(float(str(row['value'])))} [{format_number(low)}, {format_number(high)}]"
    )
    if row["status"] == "outside horizon":
        return f"history {figure} {unit}".rstrip()
    return f"model {format_number(float(str(row['median'])))} vs {figure} {unit}".rstrip()


def _draw_row(ax: Axes, y: int, row: Mapping[Hashable, Any]) -> None:
    low, high = float(str(row["low"])), float(str(row["high"]))
    if row["status"] == "outside horizon":
        ax.text(
            0.5,
            y,
            f"outside the horizon (period {row['period']})",
            ha="center",
            va="center",
            fontsize=SMALL_SIZE + 0.5,
            color=EVENT_COLOR,
            style="italic",
        )
        _note(ax, y, _row_note(row))
        return
    value, median, p05, p95 = scaled(
        [float(str(row[k])) for k in ("value", "median", "p05", "p95")], low, high
    )
    color = HIT_COLOR if bool(row["hit"]) else MISS_COLOR
    lo, hi = np.clip([p05, p95], *SHOWN)
    ax.plot([lo, hi], [y, y], color=color, lw=2.2, solid_capstyle="butt", zorder=3)
    ax.plot([value], [y], marker="|", ms=13, mew=2, color=TEXT_COLOR, zorder=4)
    shown = float(np.clip(median, SHOWN[0] + EDGE, SHOWN[1] - EDGE))
    marker = "o" if shown == median else (">" if median > 0 else "<")
    ax.plot([shown], [y], marker=marker, ms=8, color=color, mec="white", mew=0.8, zorder=5)
    _note(ax, y, _row_note(row))


def _note(ax: Axes, y: int, text: str) -> None:
    ax.annotate(
        text,
        (1.0, y),
        xycoords=("axes fraction", "data"),
        xytext=(NOTE_OFFSET, 0),
        textcoords="offset points",
        va="center",
        fontsize=SMALL_SIZE + 0.5,
        color=TEXT_COLOR,
    )


def _style(ax: Axes, rows: Sequence[Mapping[Hashable, Any]]) -> None:
    style_axes(ax)
    ax.grid(False, axis="y")
    ax.set_xlim(*SHOWN)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([_name(r) for r in rows], fontsize=TICK_SIZE)
    ax.set_xticks([-1.0, 0.0, 0.5, 1.0, 2.0])
    ax.set_xticklabels(["low − range", "low", "mid", "high", "high + range"], fontsize=TICK_SIZE)
    ax.set_xlabel(
        "each row on its own target's scale: the range the sources allow is the grey column",
        fontsize=LABEL_SIZE,
        color=TEXT_COLOR,
    )


def _legend() -> list[Line2D | Patch]:
    return [
        Patch(color=RANGE_COLOR, label="historical range [low, high]"),
        Line2D([], [], marker="|", ms=11, mew=2, color=TEXT_COLOR, lw=0, label="historical value"),
        Line2D(
            [],
            [],
            marker="o",
            color=HIT_COLOR,
            lw=2.2,
            label=f"model median and {BAND_90}: inside",
        ),
        Line2D([], [], marker="o", color=MISS_COLOR, lw=2.2, label="outside the range"),
    ]
