"""Sensitivity charts: Morris μ* against σ, and Sobol first-order and total indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from triad.plots.style import (
    EVENT_COLOR,
    LABEL_SIZE,
    PALETTE,
    SMALL_SIZE,
    TEXT_COLOR,
    TICK_SIZE,
    TITLE_SIZE,
    new_axes,
    root_figure,
    style_axes,
)
from triad.text import format_number

S1_COLOR = PALETTE[5]
ST_COLOR = PALETTE[0]
POINT_COLOR = PALETTE[0]


def sobol_chart(
    indices: pd.DataFrame, outcome: str, title: str = "", ax: Axes | None = None
) -> Figure:
    """Horizontal bars of each parameter's S1 and ST with confidence intervals, ST-ranked.

    Args:
        indices: Columns parameter, S1, S1_conf, ST, ST_conf (``*_conf``: half-widths).
        outcome: The outcome's label (``metric`` or ``metric@YYYY-MM``).
        title: Chart title.
        ax: Axes to draw on; a new figure if None.

    Returns:
        The figure holding the chart.
    """
    frame = indices.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
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
    indices: pd.DataFrame, outcome: str, title: str = "", ax: Axes | None = None
) -> Figure:
    """Morris screening: each parameter's μ* (mean absolute effect) against σ (spread).

    Points are numbered by rank of μ*; the key at the right names them with their values.
    Far right means influential; high up means non-linear or interacting.

    Args:
        indices: Columns parameter, mu_star, sigma, mu_star_conf.
        outcome: The outcome's label (``metric`` or ``metric@YYYY-MM``).
        title: Chart title.
        ax: Axes to draw on; a new figure if None.

    Returns:
        The figure holding the chart.
    """
    frame = indices.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
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
        ms=6,
        zorder=4,
    )
    for rank, row in frame.iterrows():
        ax.annotate(
            str(int(str(rank)) + 1),
            (float(row["mu_star"]), float(row["sigma"])),
            xytext=(5, 4),
            textcoords="offset points",
            fontsize=SMALL_SIZE + 0.5,
            color=TEXT_COLOR,
            zorder=5,
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
    return figure


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
