"""Charts of a calibration: how the loss fell trial by trial, and which parameters mattered."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from triad.plots.style import (
    LABEL_SIZE,
    PALETTE,
    REFERENCE_COLOR,
    SMALL_SIZE,
    TITLE_SIZE,
    new_axes,
    style_axes,
)


def history_chart(history: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """The loss of every trial (dots) and the best loss so far (a step line).

    Args:
        history: Columns trial, loss, best (see ``Calibration.history``).
        ax: Axes to draw on (default: a new figure).

    Returns:
        The figure.
    """
    figure, ax = new_axes(ax, 7.0, 3.8)
    style_axes(ax)
    ax.scatter(history["trial"], history["loss"], s=16, color=PALETTE[0], alpha=0.55, label="trial")
    ax.step(
        history["trial"],
        history["best"],
        where="post",
        color=REFERENCE_COLOR,
        linewidth=1.6,
        label="best so far",
    )
    best = history.iloc[int(history["loss"].to_numpy().argmin())] if len(history) else None
    if best is not None:
        ax.annotate(
            f"best {best['loss']:.3g} (trial {int(best['trial'])})",
            (best["trial"], best["loss"]),
            xytext=(6, 10),
            textcoords="offset points",
            fontsize=SMALL_SIZE,
            color=REFERENCE_COLOR,
        )
    ax.set_xlabel("trial", fontsize=LABEL_SIZE)
    ax.set_ylabel("loss [range widths outside the targets]", fontsize=LABEL_SIZE)
    top = float(history["loss"].max()) if len(history) else 1.0
    ax.set_ylim(bottom=-0.03 * (top or 1.0))
    ax.set_title("Optimisation history", fontsize=TITLE_SIZE, loc="left")
    ax.legend(fontsize=SMALL_SIZE, frameon=False, loc="upper right")
    return figure


def importance_chart(
    importances: Mapping[str, float], method: str = "fANOVA", ax: Axes | None = None
) -> Figure:
    """Horizontal bars of each parameter's importance for the loss, largest on top.

    Args:
        importances: Parameter path -> importance (they sum to 1).
        method: The optuna evaluator that estimated them, for the axis label.
        ax: Axes to draw on (default: a new figure).

    Returns:
        The figure.
    """
    items = sorted(importances.items(), key=lambda kv: kv[1])
    figure, ax = new_axes(ax, 7.0, 1.2 + 0.45 * len(items))
    style_axes(ax)
    ax.grid(False, axis="y")
    ax.grid(True, axis="x", color="#e3e3e3", linewidth=0.8)
    names = [name for name, _ in items]
    values = [value for _, value in items]
    bars = ax.barh(names, values, color=PALETTE[0], height=0.6)
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            bar.get_width() + 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{value:.2f}",
            va="center",
            fontsize=SMALL_SIZE,
        )
    ax.set_xlim(0, max([*values, 0.0]) * 1.15 + 0.05)
    ax.set_xlabel(f"importance for the loss ({method}, sums to 1)", fontsize=LABEL_SIZE)
    ax.set_title("Parameter importance", fontsize=TITLE_SIZE, loc="left")
    return figure
