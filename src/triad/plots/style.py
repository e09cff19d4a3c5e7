"""The look shared by every triad chart: colours, labels, date axes, fonts and figures.

Charts are drawn on :class:`matplotlib.figure.Figure` objects attached to an Agg canvas,
never through pyplot's global state: a library that makes charts must not open windows,
switch the user's backend or keep figures alive after the caller drops them.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Final, Literal

import matplotlib.dates as mdates
import numpy as np
from matplotlib import rcParams
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import AutoLocator, FuncFormatter, Locator, MaxNLocator
from numpy.typing import NDArray

from triad.errors import ModelError
from triad.footer import Provenance as Provenance  # re-exported for the charts
from triad.model.metrics import METRIC_BY_NAME, Metric
from triad.scenario.month import month_array

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
BAND_50 = "middle 50% of worlds"
BAND_90 = "middle 90% of worlds"
"""What the two shades of every band mean, in every legend: the spread across worlds."""
FOOTER_COLOR = "#8a8a8a"
CROWDED = 3
"""From this many scenarios on one axes, bands are drawn lighter so overlaps stay legible."""
PANEL_TICKS = 5
"""At most this many intervals between value ticks on a small panel (matplotlib's own
choice gives 8 or 9 there: crowded, and each tick is drawn as objects of its own)."""
TICK_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
"""Tick spacings allowed, times a power of ten: those of matplotlib's ``AutoLocator``."""


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


def metric_title(metric: str, width: int | None = 60) -> str:
    """The metric's description for a chart title: capitalised, arrows drawn, wrapped.

    Args:
        metric: The metric.
        width: Characters a line (None: one line, for :func:`wrap_inches` to wrap).
    """
    text = metric_info(metric).description.replace("->", "→")
    text = text[:1].upper() + text[1:]
    return text if width is None else textwrap.fill(text, width)


SHARE_UNITS = {"share": "%", "share/yr": "% per year", "share of need": "% of need"}
"""Units drawn as percentages (0.25 -> 25%), with the axis label each gets."""


def is_share(metric: str) -> bool:
    """True if the metric is a share (its unit one of :data:`SHARE_UNITS`): drawn in percent."""
    return metric_info(metric).unit in SHARE_UNITS


def axis_label(metric: str, *, difference: bool = False) -> str:
    """The label of an axis holding the metric's values (or differences of them).

    Shares read in percent (differences in percentage points); a bounded index or
    probability says its scale runs from 0 to 1; other units are shown as they are.
    """
    info = metric_info(metric)
    if difference:
        unit = "percentage points" if is_share(metric) else info.unit
        return f"difference [{unit}]"
    if info.unit in SHARE_UNITS:
        return SHARE_UNITS[info.unit]
    if info.unit in ("index", "probability") and info.bounded:
        return f"{info.unit}, 0–1"
    return info.unit


def value_axis(
    ax: Axes,
    metric: str,
    axis: Literal["x", "y"] = "y",
    *,
    difference: bool = False,
    size: float | None = None,
    ticks: int | None = None,
) -> None:
    """Label an axis that holds the metric's values and format its ticks (percent for shares).

    Args:
        ax: The axes.
        metric: The metric on that axis.
        axis: Which axis holds it.
        difference: The axis holds differences of the metric: shares in percentage points.
        size: Font size of the label (default :data:`LABEL_SIZE`).
        ticks: At most this many intervals between ticks (a small panel:
            :data:`PANEL_TICKS`); None lets matplotlib choose from the axis' length.
    """
    target = ax.yaxis if axis == "y" else ax.xaxis
    if is_share(metric):
        target.set_major_formatter(FuncFormatter(_points if difference else _percent))
    base = AutoLocator() if ticks is None else MaxNLocator(ticks, steps=TICK_STEPS, min_n_ticks=3)
    if metric_info(metric).bounded and not difference:  # no 120% in headroom for labels
        target.set_major_locator(Within(base, 0.0, 1.0))
    elif ticks is not None:
        target.set_major_locator(base)
    target.set_label_text(
        axis_label(metric, difference=difference),
        fontsize=LABEL_SIZE if size is None else size,
        color=TEXT_COLOR,
    )


class Within(Locator):
    """Another locator's ticks, but only those between ``low`` and ``high``.

    A share's axis may extend beyond 0-100% to make room for labels; its ticks do not.
    """

    def __init__(self, base: Locator, low: float, high: float) -> None:
        self.base, self.low, self.high = base, low, high

    def __call__(self) -> Sequence[float]:
        """The base locator's ticks for the axis' view, those within the bounds."""
        self.base.set_axis(self.axis)
        return self._keep(self.base())

    def tick_values(self, vmin: float, vmax: float) -> Sequence[float]:
        """The base locator's ticks between ``vmin`` and ``vmax``, those within the bounds."""
        self.base.set_axis(self.axis)
        return self._keep(self.base.tick_values(vmin, vmax))

    def _keep(self, ticks: Sequence[float]) -> list[float]:
        slack = (self.high - self.low) * 1e-9
        return [v for v in ticks if self.low - slack <= v <= self.high + slack]


def _percent(value: float, _: object = None) -> str:
    """A share as a percentage, as few decimals as it has: 0.25 -> ``"25%"``."""
    return _points(value) + "%"


def _points(value: float, _: object = None) -> str:
    """A share difference in percentage points, without a unit: -0.125 -> ``"−12.5"``."""
    text = f"{round(value * 100, 6):g}"
    return "0" if text == "-0" else text.replace("-", "\N{MINUS SIGN}")


def format_value(metric: str, text: str) -> str:
    """``text`` (a number already rounded) with the metric's unit where it is not obvious.

    Share differences are written in percentage points: ``"+2.9 pp"``.
    """
    return f"{text} pp" if is_share(metric) and text != "0" else text


def date_numbers(dates: Iterable[str]) -> NDArray[np.float64]:
    """Matplotlib date numbers of the first day of each ``YYYY-MM`` month.

    Charts plot these floats and label them with the locators of :func:`format_date_axis`,
    so the x axis shows dates whatever the caller's unit settings.
    """
    return month_numbers(month_array(dates))


def month_numbers(months: NDArray[np.datetime64]) -> NDArray[np.float64]:
    """Matplotlib date numbers of the first day of each month of a ``datetime64[M]`` array."""
    numbers = mdates.date2num(months.astype("datetime64[D]"))  # type: ignore[no-untyped-call]
    return np.asarray(numbers, dtype=np.float64)


def format_date_axis(ax: Axes, span_months: int) -> None:
    """Year ticks (every second year beyond eight years) and month or quarter minor ticks.

    Minor ticks fall each month up to two years and each quarter beyond: a five-year axis
    with monthly ticks drew 59 of them per panel, the largest part of a chart's rendering.
    They are drawn as one line of tick marks (:class:`MinorDateTicks`), not as matplotlib
    tick objects, which cost a third of a chart's rendering even each quarter.

    Args:
        ax: The axes whose x axis holds dates.
        span_months: Months the axis covers; picks tick spacing so labels never collide.
    """
    years = 1 if span_months <= 96 else max(2, span_months // 96 * 2)
    # matplotlib.dates ships without type stubs, hence the ignores
    ax.xaxis.set_major_locator(mdates.YearLocator(years))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    every = tuple(range(1, 13)) if span_months <= 24 else (1, 4, 7, 10)
    ax.add_artist(MinorDateTicks(ax, every, years))


MINOR_TICK_LENGTH = 1.5
"""Points: the length of minor tick marks (:func:`style_axes`)."""
MINOR_TICK_COLOR = "#aaaaaa"
TICK_DOWN: Final = 3
"""Matplotlib's marker of a tick below the axis (``matplotlib.markers.TICKDOWN``)."""


class MinorDateTicks(Artist):
    """The minor ticks of a date axis, as one line of tick marks below the axes' bottom.

    It draws what matplotlib's ``MonthLocator(months)`` minor ticks draw (the first day of
    each of ``months`` within the view, none where a year tick of ``YearLocator(years)``
    stands), in a fraction of the time: one line of markers instead of a tick object with
    its lines and labels for each. Where they fall is worked out at each draw, from the
    axis' limits then. An axes holds it among its artists, not its lines.
    """

    def __init__(self, ax: Axes, months: tuple[int, ...], years: int) -> None:
        super().__init__()
        self.months, self.years = months, years
        self.marks = Line2D(
            [],
            [],
            transform=ax.get_xaxis_transform(),
            marker=TICK_DOWN,
            linestyle="none",
            markersize=MINOR_TICK_LENGTH,
            markeredgewidth=rcParams["xtick.minor.width"],
            color=MINOR_TICK_COLOR,
            clip_on=False,
        )
        self.marks.axes = ax
        self.set_zorder(ax.xaxis.get_zorder())
        self.set_gid("minor ticks")

    def draw(self, renderer: RendererBase) -> None:
        """Place the marks for the axis' current limits, then draw them."""
        if self.axes is None or not self.get_visible():
            return
        positions = minor_date_ticks(self.axes.get_xlim(), self.months, self.years)
        self.marks.set_data(positions, np.zeros_like(positions))
        self.marks.draw(renderer)


def minor_date_ticks(
    limits: tuple[float, float], months: tuple[int, ...], years: int
) -> NDArray[np.float64]:
    """Date numbers of the minor ticks within ``limits``: the first days of ``months``.

    As matplotlib places them: a view holding none gets one at either end, and none
    stands where a year tick (January of a year divisible by ``years``) does.
    """
    low, high = sorted(limits)
    first, last = (np.datetime64(_day(value), "M") for value in (low, high))
    starts = np.arange(first, last + np.timedelta64(1, "M"))
    month = starts.astype(np.int64) % 12 + 1
    numbers = month_numbers(starts[np.isin(month, months)])
    slack = (high - low) * 1e-10  # matplotlib's tolerance at the view's ends
    inside = numbers[(numbers >= low - slack) & (numbers <= high + slack)]
    if not inside.size:
        inside = np.array([low, high])
    year = starts.astype("datetime64[Y]").astype(np.int64) + 1970
    year_ticks = month_numbers(starts[(month == 1) & (year % years == 0)])
    return inside[~np.isin(inside, year_ticks)]


def _day(number: float) -> str:
    """The ``YYYY-MM-DD`` day of a matplotlib date number."""
    day = mdates.num2date(number)  # type: ignore[no-untyped-call]
    return str(day.strftime("%Y-%m-%d"))


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
    ax.tick_params(which="minor", length=MINOR_TICK_LENGTH, color=MINOR_TICK_COLOR)


def new_figure(width: float, height: float, *, fixed: bool = False) -> Figure:
    """A figure on an Agg canvas, outside pyplot (nothing is shown, nothing leaks).

    Args:
        width: Width in inches.
        height: Height in inches.
        fixed: The caller places every part itself (see :mod:`triad.plots.layout`);
            otherwise matplotlib's constrained layout finds room for them at each draw.
    """
    figure = Figure(figsize=(width, height), dpi=100, layout=None if fixed else "constrained")
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


FOOTER_SIZE = SMALL_SIZE - 1.0


# --------------------------------------------------------------------------- measuring text
@cache
def _measuring() -> tuple[Figure, RendererAgg]:
    return Figure(dpi=72), RendererAgg(10, 10, 72)  # type: ignore[no-untyped-call]


@cache
def text_inches(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height in inches of ``text`` (lines split at newlines) as the font draws it.

    Measured with the font's metrics, without drawing a figure: fixed layouts use it to
    find room for titles, legends and tick labels before anything is drawn.
    """
    figure, renderer = _measuring()
    item = Text(0, 0, text, fontsize=size, fontweight=weight)
    item.set_figure(figure)
    box = item.get_window_extent(renderer=renderer)
    return box.width / 72 * 1.03, box.height / 72  # 3% for hinting at other resolutions


def wrap_inches(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` broken into lines no wider than ``width`` inches at ``size`` points.

    Words longer than a line stay whole on a line of their own; existing line breaks stay.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_inches(candidate, size, weight)[0] > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def line_inches(size: float, lines: int = 1) -> float:
    """Height in inches of ``lines`` lines of text at ``size`` points (spacing 1.2)."""
    return 1.2 * max(lines, 0) * size / 72


def save(figure: Figure, path: str | os.PathLike[str]) -> None:
    """Save a figure as PNG at :data:`DPI` with a white background."""
    figure.savefig(path, dpi=DPI, facecolor="white")
