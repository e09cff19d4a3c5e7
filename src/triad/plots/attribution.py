"""The waterfall chart of an attribution: from A's value, item by item, to B's value.

The value axis includes zero when the bars would still fill a third of it (the fan charts'
rule, :mod:`triad.plots.fan`); otherwise it starts near the values and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from triad.plots.fan import ZERO_FILL, note_not_from_zero
from triad.plots.layout import footer_below
from triad.plots.style import (
    LABEL_SIZE,
    PALETTE,
    REFERENCE_COLOR,
    SMALL_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    Provenance,
    metric_label,
    new_axes,
    style_axes,
)
from triad.text import signed

if TYPE_CHECKING:
    from triad.experiments.explain import Attribution

MAX_BARS = 12
"""Items drawn one by one; the smaller rest share one bar."""
UP, DOWN = PALETTE[0], PALETTE[1]


def waterfall_chart(
    result: Attribution,
    ax: Axes | None = None,
    max_bars: int = MAX_BARS,
    *,
    provenance: Provenance | None = None,
) -> Figure:
    """Horizontal waterfall: A's mean at the top, one bar per item, B's mean at the bottom.

    Items are ordered by the size of their contribution; beyond ``max_bars`` the smallest
    are drawn as one bar. Blue bars raise the metric, vermillion bars lower it.

    Args:
        result: The attribution (see :func:`triad.experiments.explain.explain`).
        ax: Axes to draw on (default: a new figure).
        max_bars: Most items drawn individually.
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

    Returns:
        The figure.
    """
    names, values = _bars(result, max_bars)
    own = ax is None
    figure, ax = new_axes(ax, 8.0, 1.9 + 0.42 * (len(names) + 2))
    style_axes(ax)
    ax.grid(False, axis="y")
    a, b = result.labels
    levels = result.value_a + np.concatenate([[0.0], np.cumsum(values)])
    rows = len(names) + 2
    ax.plot([result.value_a], [0], "D", color=REFERENCE_COLOR, markersize=7)
    for i, (value, left) in enumerate(zip(values, levels[:-1], strict=True), start=1):
        ax.barh(i, value, left=left, height=0.62, color=UP if value >= 0 else DOWN)
        ax.plot([levels[i], levels[i]], [i - 0.31, i + 0.69], color="#999999", linewidth=0.7)
    ax.plot([result.value_b], [rows - 1], "D", color=REFERENCE_COLOR, markersize=7)
    span = _span(levels, result)
    for i, value in enumerate(values, start=1):
        ax.text(
            max(levels[i - 1], levels[i]) + 0.01 * span,
            i,
            signed(value),
            va="center",
            fontsize=SMALL_SIZE,
        )
    for row, value in ((0, result.value_a), (rows - 1, result.value_b)):
        ax.text(value + 0.015 * span, row, _value(value), va="center", fontsize=SMALL_SIZE)
    labels = [f"A: {_cut(a, 30)}", *names, f"B: {_cut(b, 30)}"]
    ax.set_yticks(range(rows), labels, fontsize=TICK_SIZE)
    ax.set_ylim(rows - 0.4, -0.6)
    low, high = min(levels.min(), result.value_b), max(levels.max(), result.value_b)
    left, right = low - 0.06 * span, high + 0.16 * span
    if high - low >= ZERO_FILL * max(abs(low), abs(high)):  # zero costs the bars little
        left, right = (0.0, right) if low > 0 else (left, max(right, 0.0))
    ax.set_xlim(left, right)
    ax.set_xlabel(f"mean of {metric_label(result.metric)}", fontsize=LABEL_SIZE)
    ax.set_title(
        f"Why {_cut(b, 30)} differs from {_cut(a, 30)}: {result.metric}, {result.date}",
        fontsize=TITLE_SIZE,
        loc="left",
    )
    if max(abs(low), abs(high)) >= 1000:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
    if left > 0 or right < 0:
        note_not_from_zero(ax)
    if own:
        note = f"{result.method_text()}; {result.worlds} paired worlds.\n{result.check_text()}"
        footer_below(figure, provenance, note)
    return figure


def _bars(result: Attribution, max_bars: int) -> tuple[list[str], list[float]]:
    frame = result.frame()
    names = [_cut(str(n), 40) for n in frame["item"]]
    values = [float(v) for v in frame["contribution"]]
    if len(names) <= max_bars:
        return names, values
    rest = values[max_bars - 1 :]
    return (
        [*names[: max_bars - 1], f"{len(rest)} other items"],
        [*values[: max_bars - 1], float(sum(rest))],
    )


def _value(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _span(levels: np.ndarray, result: Attribution) -> float:
    low, high = min(levels.min(), result.value_b), max(levels.max(), result.value_b)
    return float(high - low) or max(abs(result.value_a), 1.0) * 0.1
