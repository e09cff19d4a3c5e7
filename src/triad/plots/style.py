"""The look shared by every triad chart: colours, labels, date axes, fonts and figures.

Charts are drawn on :class:`matplotlib.figure.Figure` objects attached to an Agg canvas,
never through pyplot's global state: a library that makes charts must not open windows,
switch the user's backend or keep figures alive after the caller drops them.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable, Sequence

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, SubFigure
from numpy.typing import NDArray

from triad.errors import ModelError
from triad.model.metrics import METRIC_BY_NAME, Metric

REFERENCE_COLOR = "#3b3b3b"
"""The reference (first) scenario: a neutral near-black."""

PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#8C6D31",  # olive brown
    "#7F7F7F",  # grey
)
"""The other scenarios, in order: Okabe & Ito's colour-blind-safe palette (2008), without
its yellow (too pale for lines on white), then two muted extras."""

EVENT_COLOR = "#6b6b6b"
TEXT_COLOR = "#222222"
GRID_COLOR = "#e3e3e3"

TITLE_SIZE = 11.0
LABEL_SIZE = 9.5
TICK_SIZE = 8.5
SMALL_SIZE = 7.5
DPI = 150
"""Resolution of saved charts: sharp in a briefing, small enough to mail."""

BAND_ALPHA_90 = 0.13
BAND_ALPHA_50 = 0.30
CROWDED = 3
"""From this many scenarios on one axes, bands are drawn lighter so overlaps stay legible."""


def scenario_colors(labels: Sequence[str]) -> dict[str, str]:
    """A colour for each scenario label: the first (the reference) near-black, then the palette.

    Call it once per report and pass the result to every chart, so that a scenario keeps its
    colour across all of them.

    Args:
        labels: Scenario labels, the reference first.

    Returns:
        Label -> hex colour; the palette repeats after eight scenarios.
    """
    colors: dict[str, str] = {}
    for i, label in enumerate(dict.fromkeys(labels)):
        colors[label] = REFERENCE_COLOR if i == 0 else PALETTE[(i - 1) % len(PALETTE)]
    return colors


def metric_info(metric: str) -> Metric:
    """The definition of a metric.

    Raises:
        ModelError: If the metric is unknown, naming the known ones.
    """
    found = METRIC_BY_NAME.get(metric)
    if found is None:
        raise ModelError(f"unknown metric {metric!r}; known: {', '.join(METRIC_BY_NAME)}")
    return found


def metric_label(metric: str) -> str:
    """``"description [unit]"`` of a metric, e.g. ``"DPRK GDP [US$ bn/yr]"``."""
    info = metric_info(metric)
    return f"{info.description} [{info.unit}]"


def metric_title(metric: str, width: int = 60) -> str:
    """The metric's description for a chart title: capitalised, arrows drawn, wrapped."""
    text = metric_info(metric).description.replace("->", "→")
    return textwrap.fill(text[:1].upper() + text[1:], width)


def date_numbers(dates: Iterable[str]) -> NDArray[np.float64]:
    """Matplotlib date numbers of the first day of each ``YYYY-MM`` month.

    Charts plot these floats and label them with the locators of :func:`format_date_axis`,
    so the x axis shows dates whatever the caller's unit settings.
    """
    months = np.array(list(dates), dtype="datetime64[M]").astype("datetime64[D]")
    numbers = mdates.date2num(months)  # type: ignore[no-untyped-call]
    return np.asarray(numbers, dtype=np.float64)


def format_date_axis(ax: Axes, span_months: int) -> None:
    """Year ticks (every second year beyond eight years) with month minor ticks on the x axis.

    Args:
        ax: The axes whose x axis holds dates.
        span_months: Months the axis covers; picks tick spacing so labels never collide.
    """
    years = 1 if span_months <= 96 else max(2, span_months // 96 * 2)
    # matplotlib.dates ships without type stubs, hence the ignores
    ax.xaxis.set_major_locator(mdates.YearLocator(years))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    every = range(1, 13) if span_months <= 72 else (1, 4, 7, 10)
    ax.xaxis.set_minor_locator(mdates.MonthLocator(every))  # type: ignore[no-untyped-call]


def style_axes(ax: Axes) -> None:
    """The clean look: light horizontal grid, no top or right spine, readable ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#888888")
    ax.grid(True, axis="y", color=GRID_COLOR, linewidth=0.8)
    ax.grid(True, axis="x", which="major", color=GRID_COLOR, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=TICK_SIZE, colors="#444444", length=3)
    ax.tick_params(which="minor", length=1.5, color="#aaaaaa")


def new_figure(width: float, height: float) -> Figure:
    """A figure on an Agg canvas, outside pyplot (nothing is shown, nothing leaks)."""
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def new_axes(ax: Axes | None, width: float = 8.0, height: float = 4.5) -> tuple[Figure, Axes]:
    """The given axes and its figure, or a new one-panel figure of the given size in inches."""
    if ax is not None:
        return root_figure(ax), ax
    figure = new_figure(width, height)
    return figure, figure.add_subplot()


def root_figure(ax: Axes) -> Figure:
    """The top-level figure an axes belongs to (also when it sits in a subfigure)."""
    figure = ax.get_figure()
    while isinstance(figure, SubFigure):
        figure = figure.get_figure()
    if not isinstance(figure, Figure):  # pragma: no cover - an axes always has a figure
        raise ModelError("the axes given belong to no figure")
    return figure


def short_label(name: str, width: int = 22) -> str:
    """An event or scenario name made readable: underscores to spaces, cut at ``width``."""
    text = name.replace("_", " ")
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def save(figure: Figure, path: str | os.PathLike[str]) -> None:
    """Save a figure as PNG at :data:`DPI` with a white background."""
    figure.savefig(path, dpi=DPI, facecolor="white")
