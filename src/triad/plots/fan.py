"""Fan charts: the median and the middle 50% and 90% of worlds of one metric over time.

**Where the value axis starts.** A fan chart's y axis includes zero whenever the data (every
scenario's band, 5th to 95th percentile) would still fill at least a third of its height
(:data:`ZERO_FILL`): a share moving between 20% and 90% is drawn from 0%. Otherwise
including zero would flatten the data into a line, so the axis starts near the data and
the chart says so in its lower left corner, "axis does not start at 0"; and the axis then
spans at least a tenth of the data's largest absolute value (:data:`MIN_SPAN`), so that a
change of 1% of the level (a share between 95% and 96%) fills at most a tenth of the
height instead of all of it. Shares stay within 0-100%.

**Events.** Dated events are thin dashed vertical lines with their names. An event that
belongs to every scenario drawn is grey; one that belongs to some only is drawn in their
colours (alternating dashes when several), and so is its name. Names never overlap: they
are measured with the font's metrics and stacked in rows; when they would take more than
:data:`MAX_ROWS` rows, the lines get numbers and the events are listed below the chart.

**Layout.** A new figure is laid out once, in inches (:mod:`triad.plots.layout`): the
title, the rows of event names above the chart, the legend to its right, the list of
events and the provenance footer below. Drawn into an axes the caller gives (a cell of
their grid), everything stays inside that axes: the legend and the event names take a
band of headroom at its top, and a list of numbered events is its x label (which the
caller's layout engine makes room for, as for any label).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from triad.plots.layout import (
    GAP,
    PAD,
    Grid,
    draw_footer,
    footer_inches,
    legend_size,
    x_labels_inches,
    y_labels_inches,
)
from triad.plots.style import (
    BAND_50,
    BAND_90,
    BAND_ALPHA_50,
    BAND_ALPHA_90,
    CROWDED,
    EVENT_COLOR,
    LABEL_SIZE,
    SMALL_SIZE,
    TEXT_COLOR,
    TICK_SIZE,
    TITLE_SIZE,
    date_numbers,
    format_date_axis,
    line_inches,
    metric_info,
    metric_title,
    root_figure,
    scenario_colors,
    short_label,
    style_axes,
    text_inches,
    value_axis,
    wrap_inches,
)
from triad.plots.style import Provenance as Provenance  # re-exported for result classes
from triad.scenario.schema import Scenario, fixed_dates


class Event(NamedTuple):
    """A dated event to mark on a time axis.

    Attributes:
        at: Its month, ``YYYY-MM``.
        name: Its name.
        scenarios: The labels of the scenarios it belongs to; empty: every scenario.
    """

    at: str
    name: str
    scenarios: tuple[str, ...] = ()


Events = Sequence[tuple[str, str] | tuple[str, str, Sequence[str]]]
"""Dated events: ``(YYYY-MM, name)`` pairs (in every scenario), or ``(YYYY-MM, name,
scenario labels)`` triples naming the scenarios each belongs to (see :class:`Event`)."""

ZERO_FILL = 1 / 3
"""The y axis includes zero when the data still fill at least this share of its height."""
MIN_SPAN = 0.1
"""An axis not starting at zero spans at least this share of the data's largest value."""
NOT_FROM_ZERO = "axis does not start at 0"
LEGEND_TITLE = "line: median world"
EVENT_KEY = "dated event"
OWNED_KEY = "dated event (grey: in every\nscenario; else its scenario's colour)"
OWNED_SHORT = "dated event (colour: its scenario's)"
MAX_ROWS = 4
"""Rows of event names above a new fan chart; beyond, the lines get numbers and the names
are listed below the chart."""
MAX_ROWS_IN_AXES = 3
"""Rows of event names inside an axes given; beyond, numbers, listed in its x label."""
ROW_POINTS = SMALL_SIZE * 1.55
"""Height of one row of event labels, in points."""
LABEL_OFFSET = 3.0
"""Points between an event's line and its label."""
DASH = (4.0, 3.0)


def scripted_events(scenario: Scenario) -> list[tuple[str, str]]:
    """The dated events of a scenario, in date order.

    Conditional and random events, and dated ones whose month is drawn per world
    (``uncertain: events.NAME.at``), happen at different months in different worlds, so
    they have no single place on a time axis and are left out.

    Returns:
        ``(at, name)`` pairs, e.g. ``[("2025-03", "ceasefire")]``.
    """
    return fixed_dates(scenario)


def as_events(events: Events) -> list[Event]:
    """The events as :class:`Event` values, in the order given, each (month, name) once.

    A (month, name) given several times belongs to the union of the scenarios named; given
    once without scenarios, it belongs to all.
    """
    found: dict[tuple[str, str], set[str] | None] = {}
    for item in events:
        at, name = str(item[0]), str(item[1])
        owners = set(item[2]) if len(item) > 2 else None
        key = (at, name)
        if key in found and (found[key] is None or owners is None):
            found[key] = None
        elif key in found:
            found[key] = (found[key] or set()) | (owners or set())
        else:
            found[key] = owners
    return [Event(at, name, tuple(sorted(owners or ()))) for (at, name), owners in found.items()]


def event_colors(event: Event, labels: Sequence[str], colors: Mapping[str, str]) -> list[str]:
    """The colours an event is drawn in, grey or its scenarios'.

    Grey if it belongs to every scenario drawn (or names none of them), else the colour of
    each scenario it belongs to, in label order.
    """
    owners = _owners(event, labels)
    return [colors.get(label, EVENT_COLOR) for label in owners] if owners else [EVENT_COLOR]


def _owners(event: Event, labels: Sequence[str]) -> list[str]:
    """The scenarios drawn an event belongs to, if that is some of them but not all."""
    owners = [label for label in labels if label in event.scenarios]
    return owners if 0 < len(owners) < len(labels) else []


def owned(events: Sequence[Event], labels: Sequence[str]) -> bool:
    """True if some event belongs to some of the scenarios drawn but not all."""
    return any(_owners(event, labels) for event in events)


def fan_chart(
    bands: Mapping[str, pd.DataFrame],
    metric: str,
    events: Events = (),
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    *,
    provenance: Provenance | None = None,
) -> Figure:
    """Median lines with the middle 50% and 90% of worlds of one metric, per scenario.

    On a new figure the legend sits right of the chart and the event names above it; on
    an axes given (a cell of the caller's grid) everything stays inside that axes: the
    legend and the event names in a band of headroom at its top (see the module
    docstring).

    Args:
        bands: Scenario label -> monthly quantiles (columns date, p05, p25, p50, p75, p95;
            see :func:`triad.runs.ensemble.bands`). The first label is the reference.
        metric: The metric the bands describe (gives the title, the unit and the axis).
        events: Dated events (see :data:`Events`), drawn as thin vertical lines with names.
        ax: Axes to draw on; a new figure if None.
        colors: Label -> colour (default: :func:`~triad.plots.style.scenario_colors`).
        provenance: What produced the data, written small along the bottom of a new
            figure (ignored with ``ax``).

    Returns:
        The figure holding the chart.
    """
    palette = dict(colors) if colors is not None else scenario_colors(list(bands))
    marks = as_events(events)
    if ax is not None:
        _fan_in_axes(ax, bands, metric, marks, palette)
        return root_figure(ax)
    return _fan_figure(bands, metric, marks, palette, provenance)


def _fan_figure(
    bands: Mapping[str, pd.DataFrame],
    metric: str,
    events: list[Event],
    palette: Mapping[str, str],
    provenance: Provenance | None,
) -> Figure:
    labels = list(bands)
    grid = Grid(width=8.0, height=4.5)
    figure, (ax,) = grid.figure()
    low, high = draw_fan(ax, bands, palette)
    broken = y_range(ax, low, high, metric)
    value_axis(ax, metric)
    handles = legend_handles(labels, palette, events=events)
    legend = legend_size(
        [str(h.get_label()) for h in handles],
        SMALL_SIZE + 1,
        grid.width / 2.5,
        title=LEGEND_TITLE,
        ncols=1,
    )
    grid.right = PAD + legend.width + 0.1
    grid.left = PAD + y_labels_inches(ax, TICK_SIZE, LABEL_SIZE)
    grid.bottom = PAD + x_labels_inches(TICK_SIZE) + footer_inches(provenance, grid.width)
    title = wrap_inches(metric_title(metric, None), grid.width - grid.left - PAD, TITLE_SIZE)
    title_height = line_inches(TITLE_SIZE, title.count("\n") + 1)
    grid.top = PAD + title_height + GAP
    grid.apply(figure)
    marks = mark_events(
        ax,
        events,
        labelled=True,
        colors=palette,
        labels=labels,
        outside=True,
        max_rows=MAX_ROWS,
    )
    band = marks.rows * ROW_POINTS / 72 + (GAP / 2 if marks.rows else 0.0)
    grid.top += band
    note = ""
    if marks.numbered:
        note = wrap_inches(
            "Dated events: " + event_list(marks.shown, labels, numbered=True) + ".",
            grid.width - 2 * PAD,
            SMALL_SIZE,
        )
        grid.bottom += line_inches(SMALL_SIZE, note.count("\n") + 1) + GAP
    grid.apply(figure)
    extend_event_lines(ax, band / grid.panel_inches)
    if broken:
        note_not_from_zero(ax)
    if note:
        footer = footer_inches(provenance, grid.width)
        figure.text(
            grid.x(PAD), grid.from_bottom(PAD + footer), note, ha="left", va="bottom",
            fontsize=SMALL_SIZE, color="#555555", gid="event list",
        )  # fmt: skip
    ax.set_title(title, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left", pad=band * 72 + 5)
    ax.legend(
        handles=handles,
        title=LEGEND_TITLE,
        title_fontsize=SMALL_SIZE + 1,
        alignment="left",
        loc="upper left",
        bbox_to_anchor=(1.0 + 0.1 / grid.panel_width, 1.0),
        frameon=False,
        fontsize=SMALL_SIZE + 1,
    )
    draw_footer(figure, grid, provenance)
    return figure


def _fan_in_axes(
    ax: Axes,
    bands: Mapping[str, pd.DataFrame],
    metric: str,
    events: list[Event],
    palette: Mapping[str, str],
) -> None:
    """Draw into the caller's axes: legend and event names in a band of headroom at its top."""
    labels = list(bands)
    low, high = draw_fan(ax, bands, palette)
    broken = y_range(ax, low, high, metric)
    value_axis(ax, metric)
    width, _ = axes_inches(ax)
    handles = legend_handles(labels, palette, events=events, short=True)
    texts = [str(h.get_label()) for h in handles]
    legend = legend_size(texts, SMALL_SIZE, width - 0.1)
    marks = mark_events(
        ax,
        events,
        labelled=True,
        colors=palette,
        labels=labels,
        max_rows=MAX_ROWS_IN_AXES,
        below=legend.height * 72,
    )
    if broken:
        note_not_from_zero(ax)
    title = wrap_inches(metric_title(metric, None), width, TITLE_SIZE)
    ax.set_title(title, fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    if marks.numbered:  # the list goes where a date axis needs no label: the axes' own
        listed = wrap_inches(
            "Dated events: " + event_list(marks.shown, labels, numbered=True) + ".",
            width,
            SMALL_SIZE,
        )
        ax.set_xlabel(listed, fontsize=SMALL_SIZE, color="#555555", loc="left")
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=legend.ncols,
        fontsize=SMALL_SIZE,
        facecolor="white",
        edgecolor="none",
        framealpha=0.9,
        borderaxespad=0.0,
    )


def median_width(index: int) -> float:
    """Line width of the ``index``-th scenario's median: the reference widest, then thinner.

    Scenarios whose medians coincide then show as nested stripes instead of one line
    hiding the others.
    """
    return max(1.4, 2.8 - 0.55 * index)


def draw_fan(
    ax: Axes, bands: Mapping[str, pd.DataFrame], colors: Mapping[str, str]
) -> tuple[float, float]:
    """Draw every scenario's 90% band, then 50% band, then median line, and style the axes.

    Bands go under all median lines so that no scenario's shading hides another's median.

    Returns:
        The lowest and highest value drawn (NaN if none): the range :func:`y_range` reads.
    """
    span = 0
    light = 0.7 if len(bands) >= CROWDED else 1.0
    low, high = math.inf, -math.inf
    for z, (label, frame) in enumerate(bands.items()):
        x = date_numbers(frame["date"])
        span = max(span, len(x))
        color = colors[label]
        outer, inner = BAND_ALPHA_90 * light, BAND_ALPHA_50 * light
        ax.fill_between(x, frame["p05"], frame["p95"], color=color, alpha=outer, lw=0)
        ax.fill_between(x, frame["p25"], frame["p75"], color=color, alpha=inner, lw=0)
        ax.plot(x, frame["p50"], color=color, lw=median_width(z), label=label, zorder=10 + z)
        values = frame[["p05", "p50", "p95"]].to_numpy(dtype=np.float64)
        if np.isfinite(values).any():
            low, high = min(low, float(np.nanmin(values))), max(high, float(np.nanmax(values)))
    if span:
        format_date_axis(ax, span)
    style_axes(ax)
    return (low, high) if low <= high else (math.nan, math.nan)


def y_range(ax: Axes, low: float, high: float, metric: str, axis: Literal["x", "y"] = "y") -> bool:
    """Set the range of the value axis by the rule of this module's docstring.

    Every chart with a value axis follows it (the final distributions: ``axis="x"``).

    Args:
        ax: The axes.
        low: The lowest value drawn.
        high: The highest value drawn.
        metric: The metric (shares and bounded indices stay within 0 and 1).
        axis: The axis holding the values.

    Returns:
        True if the axis does not start at zero and the chart must say so.
    """
    set_range = ax.set_ylim if axis == "y" else ax.set_xlim
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 <= high:
        return False
    level = max(abs(low), abs(high))
    span = high - low
    if span >= ZERO_FILL * level:
        if low > 0:
            set_range(0.0, high * 1.05)
        else:
            set_range(low * 1.05, 0.0)
        return False
    shown = max(span * 1.1, MIN_SPAN * level)
    middle = (low + high) / 2
    bottom, top = middle - shown / 2, middle + shown / 2
    if metric_info(metric).bounded:
        if top > 1.0:
            bottom, top = bottom - (top - 1.0), 1.0
        if bottom < 0.0:
            bottom, top = 0.0, top - bottom
    set_range(bottom, top)
    return bottom > 0 or top < 0


def note_not_from_zero(ax: Axes) -> None:
    """Say in the lower left corner that the value axis does not start at zero.

    The y axis is lowered by one line of text first, so that the note covers no data (on a
    chart whose values run along x, a row of room below the last row).
    """
    _, height = axes_inches(ax)
    bottom, top = ax.get_ylim()
    share = min((SMALL_SIZE * 1.6 / 72) / height, 0.3)
    ax.set_ylim(bottom - (top - bottom) * share / (1 - share), top)
    ax.annotate(
        NOT_FROM_ZERO,
        (0.0, 0.0),
        xycoords="axes fraction",
        xytext=(3, 2),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=SMALL_SIZE - 0.5,
        fontstyle="italic",
        color="#555555",
        zorder=25,
    )


class Marks(NamedTuple):
    """What :func:`mark_events` drew.

    Attributes:
        rows: Rows of labels.
        numbered: The labels are numbers (list the events with :func:`event_list`).
        shown: The events within the plotted months, in date order (the numbers' order).
    """

    rows: int = 0
    numbered: bool = False
    shown: tuple[Event, ...] = ()


def mark_events(
    ax: Axes,
    events: Events,
    *,
    labelled: bool,
    colors: Mapping[str, str] | None = None,
    labels: Sequence[str] = (),
    outside: bool = False,
    max_rows: int | None = None,
    below: float = 0.0,
) -> Marks:
    """Thin dashed vertical lines at the events' months, named if ``labelled``.

    Events outside the plotted months are skipped. Names are horizontal, right of their
    line (left of it where that takes fewer rows, or near the right edge), measured with
    the font's metrics and stacked in rows so that none overlaps another: inside the axes,
    in a band of headroom added above the data, or, with ``outside``, in rows above the
    axes (the caller leaves room for them and extends the lines with
    :func:`extend_event_lines`). If the names would take more than ``max_rows`` rows, the
    lines get numbers instead (events of one month share a label, ``"5,6"``) and the
    caller lists them with :func:`event_list`.

    Args:
        ax: The axes.
        events: The events.
        labelled: Write their names.
        colors: Scenario label -> colour, for events that belong to some scenarios only.
        labels: The scenarios drawn (an event in all of them is grey).
        outside: Stack names above the axes instead of inside it.
        max_rows: Most rows of names before numbers replace them (None: no limit).
        below: Points of headroom to leave above the names inside the axes (for a legend).

    Returns:
        How many rows of labels were drawn, and whether they are numbers.
    """
    palette = colors or {}
    left, right = ax.get_xlim()
    shown = [(x, event) for x, event in _event_positions(as_events(events)) if left <= x <= right]
    shades: dict[float, list[str]] = {}  # one line a month, in all its events' colours
    for x, event in shown:
        found = shades.setdefault(x, [])
        found += [c for c in event_colors(event, labels, palette) if c not in found]
    for x, colors_at in shades.items():
        _event_line(ax, x, colors_at)
    ax.set_xlim(left, right)
    if not (labelled and shown):
        if below and not outside:
            _add_headroom(ax, (below + 4) / 72 / axes_inches(ax)[1])
        return Marks(shown=tuple(event for _, event in shown))
    items = [
        (x, short_label(event.name, 24), event_colors(event, labels, palette)[0])
        for x, event in shown
    ]
    placed, rows = _pack(ax, items)
    numbered = max_rows is not None and rows > max_rows
    if numbered:
        placed, rows = _pack(ax, _numbers(shown, labels, palette))
    _draw_labels(ax, placed, rows, outside=outside, below=below)
    return Marks(rows, numbered, tuple(event for _, event in shown))


def _numbers(
    shown: list[tuple[float, Event]], labels: Sequence[str], colors: Mapping[str, str]
) -> list[tuple[float, str, str]]:
    """One label per month: the numbers of its events, in date order from 1."""
    months: dict[float, list[tuple[int, str]]] = {}
    for number, (x, event) in enumerate(shown, start=1):
        months.setdefault(x, []).append((number, event_colors(event, labels, colors)[0]))
    return [(x, ",".join(str(n) for n, _ in found), found[0][1]) for x, found in months.items()]


def event_list(events: Events, labels: Sequence[str], *, numbered: bool = False) -> str:
    """The events as text: ``"2025-03 ceasefire (ceasefire_2025 only); ..."``.

    Args:
        events: The events, in date order (for numbers: :attr:`Marks.shown`).
        labels: The scenarios drawn: an event in some of them only names them.
        numbered: Prefix each with its number, as :func:`mark_events` draws them.
    """
    items = []
    for number, event in enumerate(as_events(events), start=1):
        mine = _owners(event, labels)
        only = f" ({', '.join(mine)} only)" if mine else ""
        prefix = f"{number}\N{NO-BREAK SPACE}" if numbered else ""  # kept on one line
        items.append(f"{prefix}{event.at}\N{NO-BREAK SPACE}{short_label(event.name, 30)}{only}")
    return "; ".join(items)


def _pack(
    ax: Axes, items: list[tuple[float, str, str]]
) -> tuple[list[tuple[float, str, str, int, bool]], int]:
    """Give each label a row and a side of its line so that no two labels overlap.

    Each label takes the lowest row where it fits, right of its line if it fits there as
    low as on the left. Widths come from the font's metrics at the axes' current size.

    Returns:
        ``(x, text, colour, row, left of the line)`` per label, and the number of rows.
    """
    left, right = ax.get_xlim()
    width_in, _ = axes_inches(ax)
    per_point = (right - left) / (width_in * 72)
    rows: list[list[tuple[float, float]]] = []
    placed: list[tuple[float, str, str, int, bool]] = []
    for x, text, color in items:
        width = (text_inches(text, SMALL_SIZE)[0] * 72 + LABEL_OFFSET + 3.0) * per_point
        sides = [(x, x + width, False), (x - width, x, True)]
        fitting = [side for side in sides if side[0] >= left and side[1] <= right]
        if not fitting:  # wider than the room on either side: the side with more room
            fitting = [sides[0] if right - x >= x - left else sides[1]]
        options = [
            (_free_row(rows, start, end), start, end, before) for start, end, before in fitting
        ]
        best = min(options, key=lambda option: option[0])  # the first (right) on a tie
        level, start, end, before = best
        if level == len(rows):
            rows.append([])
        rows[level].append((start, end))
        placed.append((x, text, color, level, before))
    return placed, len(rows)


def _free_row(rows: list[list[tuple[float, float]]], start: float, end: float) -> int:
    """The lowest row where ``[start, end]`` overlaps no label (``len(rows)``: a new row)."""
    clear = (i for i, row in enumerate(rows) if all(end < a or start > b for a, b in row))
    return next(clear, len(rows))


def _draw_labels(
    ax: Axes,
    placed: list[tuple[float, str, str, int, bool]],
    rows: int,
    *,
    outside: bool,
    below: float = 0.0,
) -> None:
    if not outside:
        _, height_in = axes_inches(ax)
        _add_headroom(ax, (below + rows * ROW_POINTS + 4) / 72 / height_in)
    for x, text, color, level, before in placed:
        offset = 2 + level * ROW_POINTS if outside else -2 - below - level * ROW_POINTS
        ax.annotate(
            text,
            (x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-LABEL_OFFSET if before else LABEL_OFFSET, offset),
            textcoords="offset points",
            ha="right" if before else "left",
            va="bottom" if outside else "top",
            fontsize=SMALL_SIZE,
            color=TEXT_COLOR if color == EVENT_COLOR else color,
            alpha=0.75 if color == EVENT_COLOR else 1.0,
            zorder=20,
            annotation_clip=False,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.4},
            gid="event label",
        )


def _event_line(ax: Axes, x: float, shades: Sequence[str]) -> None:
    """A dashed vertical line; with several colours, their dashes alternate."""
    on, off = DASH
    period = len(shades) * (on + off)
    for i, color in enumerate(shades):
        style = (0.0, DASH) if len(shades) == 1 else (period - i * (on + off), (on, period - on))
        line = ax.axvline(
            x,
            color=color,
            lw=0.8 if color == EVENT_COLOR else 1.1,
            ls=style,
            zorder=5,
        )
        line.set_gid("event")


def extend_event_lines(ax: Axes, share: float) -> None:
    """Extend the event lines ``share`` of the axes' height above it (to names outside)."""
    for line in ax.lines:
        if line.get_gid() == "event":
            line.set_ydata([0.0, 1.0 + share])
            line.set_clip_on(False)


def _event_positions(events: Sequence[Event]) -> list[tuple[float, Event]]:
    numbers = date_numbers([event.at for event in events])
    ordered = sorted(zip(numbers, events, strict=True), key=lambda pair: float(pair[0]))
    return [(float(x), event) for x, event in ordered]


def axes_inches(ax: Axes) -> tuple[float, float]:
    """The axes' size in inches, as laid out now."""
    box = ax.get_position()
    width, height = root_figure(ax).get_size_inches()
    return max(box.width * width, 0.5), max(box.height * height, 0.5)


def _add_headroom(ax: Axes, share: float) -> None:
    """Raise the top of the y axis so that the data fill the lower ``1 - share`` of it."""
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom, bottom + (top - bottom) / (1 - min(share, 0.5)))


def legend_handles(
    labels: Sequence[str],
    colors: Mapping[str, str],
    *,
    events: Sequence[Event] = (),
    short: bool = False,
) -> list[Artist]:
    """Legend entries: one line per scenario, what the two band shades mean, and the events.

    Args:
        labels: The scenarios, the reference first.
        colors: Label -> colour.
        events: The events drawn: adds a dashed line that says what the dashes and their
            colours mean (none if empty).
        short: Say it in one line (for a legend inside a small axes).
    """
    handles: list[Artist] = [
        Line2D([], [], color=colors[label], lw=median_width(i), label=label)
        for i, label in enumerate(labels)
    ]
    handles.append(Patch(color="#777777", alpha=BAND_ALPHA_50 + 0.1, label=BAND_50))
    handles.append(Patch(color="#777777", alpha=BAND_ALPHA_90, label=BAND_90))
    if events:
        key = (OWNED_SHORT if short else OWNED_KEY) if owned(events, labels) else EVENT_KEY
        handles.append(Line2D([], [], color=EVENT_COLOR, lw=0.8, ls=(0, DASH), label=key))
    return handles
