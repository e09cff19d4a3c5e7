"""Fan charts: the median and the 50% and 90% bands of one metric over time, per scenario."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from triad.plots.style import (
    BAND_ALPHA_50,
    BAND_ALPHA_90,
    CROWDED,
    EVENT_COLOR,
    LABEL_SIZE,
    SMALL_SIZE,
    TEXT_COLOR,
    TITLE_SIZE,
    date_numbers,
    format_date_axis,
    metric_info,
    metric_title,
    new_axes,
    root_figure,
    scenario_colors,
    short_label,
    style_axes,
)
from triad.scenario.schema import Scenario, fixed_dates

Events = Sequence[tuple[str, str]]
"""Dated events as ``(YYYY-MM, name)`` pairs."""


def scripted_events(scenario: Scenario) -> list[tuple[str, str]]:
    """The dated events of a scenario, in date order.

    Conditional and random events, and dated ones whose month is drawn per world
    (``uncertain: events.NAME.at``), happen at different months in different worlds, so
    they have no single place on a time axis and are left out.

    Returns:
        ``(at, name)`` pairs, e.g. ``[("2025-03", "ceasefire")]``.
    """
    return fixed_dates(scenario)


def fan_chart(
    bands: Mapping[str, pd.DataFrame],
    metric: str,
    events: Events = (),
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
) -> Figure:
    """Median lines with 50% and 90% bands of one metric for each scenario, on shared axes.

    Args:
        bands: Scenario label -> monthly quantiles (columns date, p05, p25, p50, p75, p95;
            see :func:`triad.experiments.ensemble.bands`). The first label is the reference.
        metric: The metric the bands describe (gives the title and the unit).
        events: Dated events ``(YYYY-MM, name)`` drawn as thin vertical lines with labels.
        ax: Axes to draw on; a new figure if None.
        colors: Label -> colour (default: :func:`~triad.plots.style.scenario_colors`).

    Returns:
        The figure holding the chart.
    """
    figure, ax = new_axes(ax, 8.0, 4.5)
    palette = dict(colors) if colors is not None else scenario_colors(list(bands))
    draw_fan(ax, bands, palette)
    mark_events(ax, events, labelled=True)
    ax.set_title(metric_title(metric), fontsize=TITLE_SIZE, color=TEXT_COLOR, loc="left")
    ax.set_ylabel(metric_info(metric).unit, fontsize=LABEL_SIZE, color=TEXT_COLOR)
    ax.legend(
        handles=legend_handles(list(bands), palette),
        title=LEGEND_TITLE,
        title_fontsize=SMALL_SIZE + 1,
        alignment="left",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=SMALL_SIZE + 1,
    )
    return figure


LEGEND_TITLE = "line: median world"


def median_width(index: int) -> float:
    """Line width of the ``index``-th scenario's median: the reference widest, then thinner.

    Scenarios whose medians coincide then show as nested stripes instead of one line
    hiding the others.
    """
    return max(1.4, 2.8 - 0.55 * index)


def draw_fan(ax: Axes, bands: Mapping[str, pd.DataFrame], colors: Mapping[str, str]) -> None:
    """Draw every scenario's 90% band, then 50% band, then median line, and style the axes.

    Bands go under all median lines so that no scenario's shading hides another's median.
    """
    span = 0
    light = 0.7 if len(bands) >= CROWDED else 1.0
    for z, (label, frame) in enumerate(bands.items()):
        x = date_numbers(frame["date"])
        span = max(span, len(x))
        color = colors[label]
        outer, inner = BAND_ALPHA_90 * light, BAND_ALPHA_50 * light
        ax.fill_between(x, frame["p05"], frame["p95"], color=color, alpha=outer, lw=0)
        ax.fill_between(x, frame["p25"], frame["p75"], color=color, alpha=inner, lw=0)
        ax.plot(x, frame["p50"], color=color, lw=median_width(z), label=label, zorder=10 + z)
    if span:
        format_date_axis(ax, span)
    style_axes(ax)


def mark_events(ax: Axes, events: Events, *, labelled: bool) -> None:
    """Thin dashed vertical lines at the events' months, labelled if ``labelled``.

    Events outside the plotted months are skipped. Labels are horizontal, right of their
    line (left of it near the right edge), stacked in rows where they would overlap, in a
    band of headroom added above the data so that they never cover it.
    """
    left, right = ax.get_xlim()
    shown = [(x, name) for x, name in _event_positions(events) if left <= x <= right]
    for x, _ in shown:
        ax.axvline(x, color=EVENT_COLOR, lw=0.8, ls=(0, (4, 3)), zorder=5)
    ax.set_xlim(left, right)
    if labelled and shown:
        _label_events(ax, shown)


def _event_positions(events: Events) -> list[tuple[float, str]]:
    unique = list(dict.fromkeys(events))
    numbers = date_numbers([at for at, _ in unique])
    return [(float(x), name) for x, (_, name) in zip(numbers, unique, strict=True)]


def _label_events(ax: Axes, shown: list[tuple[float, str]]) -> None:
    left, right = ax.get_xlim()
    width_in, height_in = _axes_inches(ax)
    per_inch = (right - left) / width_in
    row = SMALL_SIZE * 1.5 / 72 / height_in  # one row of labels, in axes fraction
    placed: list[tuple[float, str, int, bool]] = []
    ends: list[float] = []
    for x, name in shown:
        text = short_label(name, 24)
        width = (len(text) * SMALL_SIZE * 0.58 + 6) / 72 * per_inch
        before = x + width > right
        start = x - width if before else x
        level = next((i for i, end in enumerate(ends) if start > end), len(ends))
        ends[level : level + 1] = [start + width]
        placed.append((x, text, level, before))
    _add_headroom(ax, len(ends) * row + 0.03)
    for x, text, level, before in placed:
        ax.annotate(
            text,
            (x, 1 - 0.01 - level * row),
            xycoords=("data", "axes fraction"),
            xytext=(-3 if before else 3, 0),
            textcoords="offset points",
            ha="right" if before else "left",
            va="top",
            fontsize=SMALL_SIZE,
            color=EVENT_COLOR,
            zorder=20,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.4},
        )


def _axes_inches(ax: Axes) -> tuple[float, float]:
    """The axes' size in inches, as laid out now (close to its final size)."""
    box = ax.get_position()
    width, height = root_figure(ax).get_size_inches()
    return max(box.width * width, 0.5), max(box.height * height, 0.5)


def _add_headroom(ax: Axes, share: float) -> None:
    """Raise the top of the y axis so that the data fill the lower ``1 - share`` of it."""
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom, bottom + (top - bottom) / (1 - min(share, 0.5)))


def legend_handles(labels: Sequence[str], colors: Mapping[str, str]) -> list[Artist]:
    """Legend entries: one line per scenario, then what the two band shades mean."""
    handles: list[Artist] = [
        Line2D([], [], color=colors[label], lw=median_width(i), label=label)
        for i, label in enumerate(labels)
    ]
    handles.append(Patch(color="#777777", alpha=BAND_ALPHA_50 + 0.1, label="50% of worlds"))
    handles.append(Patch(color="#777777", alpha=BAND_ALPHA_90, label="90% of worlds"))
    return handles
