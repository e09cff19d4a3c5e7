"""Sensitivity charts: Morris μ* against σ, and Sobol first-order and total indices.

A Morris chart numbers its points by rank. Each number goes to the nearest place around its
point where it overlaps no other number and no other point (measured on the laid-out
axes); one moved away from its point gets a thin line to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from triad.plots.layout import footer_below
from triad.plots.style import (
    EVENT_COLOR,
    LABEL_SIZE,
    PALETTE,
    SMALL_SIZE,
    TEXT_COLOR,
    TICK_SIZE,
    TITLE_SIZE,
    Provenance,
    new_axes,
    root_figure,
    style_axes,
    text_inches,
)
from triad.text import format_number

S1_COLOR = PALETTE[5]
ST_COLOR = PALETTE[0]
POINT_COLOR = PALETTE[0]
RANK_SIZE = SMALL_SIZE + 0.5
"""Font size of the rank numbers beside the Morris points."""
MARKER = 6.0
"""Diameter of a Morris point, in points."""


def sobol_chart(
    indices: pd.DataFrame,
    outcome: str,
    title: str = "",
    ax: Axes | None = None,
    *,
    provenance: Provenance | None = None,
) -> Figure:
    """Horizontal bars of each parameter's S1 and ST with confidence intervals, ST-ranked.

    Args:
        indices: Columns parameter, S1, S1_conf, ST, ST_conf (``*_conf``: half-widths).
        outcome: The outcome's label (``metric`` or ``metric@YYYY-MM``).
        title: Chart title.
        ax: Axes to draw on; a new figure if None.
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

    Returns:
        The figure holding the chart.
    """
    frame = indices.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
    own = ax is None
    figure, ax = new_axes(ax, 8.5, 1.5 + 0.5 * len(frame))
    y = np.arange(len(frame))
    height = 0.36
    for offset, key, color, label in (
        (-height / 2, "ST", ST_COLOR, "ST: total effect (alone and in interactions)"),
        (height / 2, "S1", S1_COLOR, "S1: first-order effect (alone)"),
    ):
        ax.barh(y + offset, frame[key], height, color=color, label=label, zorder=3)
        ax.errorbar(
            frame[key],
            y + offset,
            xerr=frame[f"{key}_conf"],
            fmt="none",
            ecolor=TEXT_COLOR,
            elinewidth=0.9,
            capsize=2.5,
            zorder=4,
        )
    for i, row in frame.iterrows():
        ax.annotate(
            f"ST {format_number(float(row['ST']))}",
            (1.0, float(str(i))),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=SMALL_SIZE + 0.5,
            color=TEXT_COLOR,
        )
    _finish_bars(ax, frame, outcome, title)
    if own:
        footer_below(figure, provenance)
    return figure


def _finish_bars(ax: Axes, frame: pd.DataFrame, outcome: str, title: str) -> None:
    style_axes(ax)
    ax.grid(False, axis="y")
    ax.axvline(0.0, color="#888888", lw=0.8)
    ax.set_yticks(np.arange(len(frame)))
    ax.set_yticklabels(list(frame["parameter"]), fontsize=TICK_SIZE)
    ax.set_ylim(len(frame) - 0.5, -0.5)
    top = max(1.0, float((frame["ST"] + frame["ST_conf"]).max()))
    bottom = min(0.0, float((frame["S1"] - frame["S1_conf"]).min()))
    ax.set_xlim(bottom - 0.02, top + 0.02)
    ax.set_xlabel(
        f"share of the variance of {outcome} (bars: 95% confidence)",
        fontsize=LABEL_SIZE,
        color=TEXT_COLOR,
    )
    ax.set_title(title, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    root_figure(ax).legend(
        loc="outside lower center", ncols=2, frameon=False, fontsize=SMALL_SIZE + 0.5
    )


def morris_chart(
    indices: pd.DataFrame,
    outcome: str,
    title: str = "",
    ax: Axes | None = None,
    *,
    provenance: Provenance | None = None,
) -> Figure:
    """Morris screening: each parameter's μ* (mean absolute effect) against σ (spread).

    Points are numbered by rank of μ*; the key at the right names them with their values.
    Far right means influential; high up means non-linear or interacting.

    Args:
        indices: Columns parameter, mu_star, sigma, mu_star_conf.
        outcome: The outcome's label (``metric`` or ``metric@YYYY-MM``).
        title: Chart title.
        ax: Axes to draw on; a new figure if None.
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

    Returns:
        The figure holding the chart.
    """
    frame = indices.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    own = ax is None
    figure, ax = new_axes(ax, 9.5, 5.0)
    ax.errorbar(
        frame["mu_star"],
        frame["sigma"],
        xerr=frame["mu_star_conf"],
        fmt="o",
        color=POINT_COLOR,
        ecolor="#9bbbd8",
        elinewidth=1.2,
        capsize=2,
        ms=MARKER,
        zorder=4,
    )
    _diagonal(ax, frame)
    _key(ax, frame)
    style_axes(ax)
    ax.set_xlabel(
        f"μ*: mean absolute effect on {outcome} over the range",
        fontsize=LABEL_SIZE,
        color=TEXT_COLOR,
    )
    ax.set_ylabel("σ: spread of the effects", fontsize=LABEL_SIZE, color=TEXT_COLOR)
    ax.set_title(title, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    if own:
        footer_below(figure, provenance)
    _rank_labels(ax, frame)
    return figure


def _rank_labels(ax: Axes, frame: pd.DataFrame) -> None:
    """Number the points by rank, each number where it overlaps no other number or point.

    Places around a point are tried nearest first (right and up first, as a reader looks);
    the axes are laid out first, so that the places are measured where they will be drawn.
    """
    figure = root_figure(ax)
    if figure.get_layout_engine() is not None:
        figure.draw_without_rendering()
    scale = figure.dpi / 72  # pixels a point
    xy = frame[["mu_star", "sigma"]].to_numpy(dtype=np.float64)
    points = ax.transData.transform(xy)
    radius = (MARKER / 2 + 1) * scale
    taken = [Bbox.from_extents(x - radius, y - radius, x + radius, y + radius) for x, y in points]
    frame_box = ax.get_window_extent()
    for rank, (x, y) in enumerate(points, start=1):
        text = str(rank)
        width, height = (v * 72 * scale for v in text_inches(text, RANK_SIZE))
        cx, cy, step = _place(x, y, width, height, radius + 1.5 * scale, taken, frame_box)
        ax.annotate(
            text,
            (float(xy[rank - 1, 0]), float(xy[rank - 1, 1])),
            xytext=((cx - x) / scale, (cy - y) / scale),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=RANK_SIZE,
            color=TEXT_COLOR,
            zorder=5,
            gid="rank",
            arrowprops=None if step == 1 else {"arrowstyle": "-", "color": "#999999", "lw": 0.6},
        ).set_in_layout(False)


def _diagonal(ax: Axes, frame: pd.DataFrame) -> None:
    top = float(max((frame["mu_star"] + frame["mu_star_conf"]).max(), frame["sigma"].max()))
    top = top * 1.1 or 1.0
    ax.plot([0, top], [0, top], color=EVENT_COLOR, lw=0.8, ls=(0, (4, 3)), zorder=1)
    ax.annotate(
        "σ = μ*: above, non-linear or interacting",
        (top, top),
        xytext=(-4, -10),
        textcoords="offset points",
        ha="right",
        fontsize=SMALL_SIZE,
        color=EVENT_COLOR,
    )
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)


def _key(ax: Axes, frame: pd.DataFrame) -> None:
    lines = ["rank  parameter: μ*, σ"]
    for rank, row in frame.iterrows():
        mu, sigma = format_number(float(row["mu_star"])), format_number(float(row["sigma"]))
        lines.append(f"{int(str(rank)) + 1:>3}  {row['parameter']}: {mu}, {sigma}")
    ax.text(
        1.03,
        1.0,
        "\n".join(lines),
        transform=ax.transAxes,
        va="top",
        ha="left",
        fontsize=SMALL_SIZE + 0.5,
        color=TEXT_COLOR,
        family="monospace",
    )


DIRECTIONS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))
"""Where a number may go around its point, in the order tried (right and up first)."""


def _place(
    x: float, y: float, width: float, height: float, gap: float, taken: list[Bbox], frame: Bbox
) -> tuple[float, float, int]:
    """The centre of a ``width`` x ``height`` label for the point at ``(x, y)`` (pixels).

    Rings of places at growing distances are tried, nearest first; the first inside the
    axes ``frame`` that overlaps nothing ``taken`` is taken (and added to ``taken``).

    Returns:
        The centre, and the ring (1: beside the point; more: it needs a line to it).
    """
    for step in range(1, 7):
        for dx, dy in DIRECTIONS:
            cx = x + dx * (gap + width / 2 + (step - 1) * width)
            cy = y + dy * (gap + (step - 1) * height)
            box = Bbox.from_extents(
                cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2
            )
            within = frame.x0 <= box.x0 and box.x1 <= frame.x1
            within = within and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if within and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                return cx, cy, step
    return x + gap + width / 2, y + gap, 1  # nowhere free: right of it, up
