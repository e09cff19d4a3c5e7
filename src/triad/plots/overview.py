"""One page of small fan charts, one per key metric, for a briefing or the README.

The page is laid out once, in inches (see :mod:`triad.plots.layout`): the title wrapped to
the page, the shared legend in as many columns as fit and as many rows as it needs, the
panels, then the footnote naming the events and the provenance footer. A one-metric
overview is :data:`~triad.plots.layout.MIN_WIDTH` wide, so that its title and legend fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from triad.plots.fan import (
    Event,
    Events,
    as_events,
    draw_fan,
    event_list,
    legend_handles,
    mark_events,
    note_not_from_zero,
    owned,
    y_range,
)
from triad.plots.layout import (
    GAP,
    MIN_WIDTH,
    PAD,
    Grid,
    draw_footer,
    footer_inches,
    heading_lines,
    legend_size,
    panel_titles,
    place_heading,
    place_legend,
    x_labels_inches,
)
from triad.plots.style import (
    LABEL_SIZE,
    PANEL_TICKS,
    SMALL_SIZE,
    Provenance,
    line_inches,
    scenario_colors,
    value_axis,
    wrap_inches,
)

PANEL_WIDTH = 3.7
"""Inches per column of panels (with its tick labels)."""
PANEL_HEIGHT = 1.9
"""Inches of one panel's plotting area; a lone panel gets :data:`LONE_HEIGHT`."""
LONE_HEIGHT = 3.0
FOOTNOTE_COLOR = "#555555"


def overview_grid(
    bands_by_metric: Mapping[str, Mapping[str, pd.DataFrame]],
    events: Events = (),
    colors: Mapping[str, str] | None = None,
    ncols: int = 3,
    *,
    title: str | None = None,
    provenance: Provenance | None = None,
) -> Figure:
    """A grid of small fan charts (median, middle 50% and 90% of worlds), one shared legend.

    Args:
        bands_by_metric: Metric -> scenario label -> monthly quantiles (see
            :func:`~triad.plots.fan.fan_chart`). Every metric must hold the same labels.
        events: Dated events (see :data:`~triad.plots.fan.Events`): unnamed dashed lines in
            every panel, grey or in the colours of the scenarios they belong to, listed once
            in the footnote.
        colors: Label -> colour (default: :func:`~triad.plots.style.scenario_colors`).
        ncols: Panels per row.
        title: A title above the legend, if any.
        provenance: What produced the data, written small along the bottom.

    Returns:
        The figure: one panel per metric, in the mapping's order, row by row.
    """
    metrics = list(bands_by_metric)
    labels = list(bands_by_metric[metrics[0]]) if metrics else []
    palette = dict(colors) if colors is not None else scenario_colors(labels)
    marks = as_events(events)
    ncols = max(1, min(ncols, len(metrics) or 1))
    nrows = max(1, math.ceil(len(metrics) / ncols))
    height = LONE_HEIGHT if len(metrics) == 1 else PANEL_HEIGHT
    grid = Grid(width=max(MIN_WIDTH, PANEL_WIDTH * ncols), nrows=nrows, ncols=ncols)
    grid.panel_height = height
    figure, panels = grid.figure()
    broken = [
        _panel(panels[i], bands_by_metric[metric], metric, marks, palette, labels)
        for i, metric in enumerate(metrics)
    ]
    for i, ax in enumerate(panels[: len(metrics)]):
        ax.tick_params(labelbottom=i + ncols >= len(metrics))
    for spare in panels[len(metrics) :]:
        spare.set_visible(False)
    _share_date_range(panels[: len(metrics)])
    handles = legend_handles(labels, palette, events=marks)
    _fit(grid, figure, panels[: len(metrics)], metrics, title, handles, marks, labels, provenance)
    for ax, flag in zip(panels, broken, strict=False):
        if flag:
            note_not_from_zero(ax)
    return figure


def _fit(
    grid: Grid,
    figure: Figure,
    panels: list[Axes],
    metrics: list[str],
    title: str | None,
    handles: list[Artist],
    marks: list[Event],
    labels: list[str],
    provenance: Provenance | None,
) -> None:
    """Measure the texts, set the margins, and place the title, legend and notes."""
    title_block = panel_titles(grid, panels, metrics)
    ticks = x_labels_inches(SMALL_SIZE)
    labelled_above = len(metrics) % grid.ncols != 0 and grid.nrows > 1  # over a gap: years
    grid.hspace = (ticks if labelled_above else 0.08) + title_block + 0.12
    inner = grid.width - 2 * PAD
    heading, heading_height = heading_lines(title, inner) if title else ("", 0.0)
    if title:
        heading_height += GAP
    legend = legend_size([str(h.get_label()) for h in handles], LABEL_SIZE, inner)
    note = wrap_inches(footnote(marks, labels), inner, SMALL_SIZE + 0.5)
    note_height = line_inches(SMALL_SIZE + 0.5, note.count("\n") + 1)
    footer = footer_inches(provenance, grid.width)
    grid.top = PAD + heading_height + legend.height + GAP + title_block
    grid.bottom = PAD + footer + note_height + GAP + ticks
    grid.apply(figure)
    if title:
        place_heading(figure, grid, heading)
    y = grid.from_top(PAD + heading_height)
    place_legend(figure, handles, "upper center", y, legend.ncols, LABEL_SIZE)
    figure.text(
        0.5, grid.from_bottom(PAD + footer), note, ha="center", va="bottom",
        fontsize=SMALL_SIZE + 0.5, color=FOOTNOTE_COLOR, gid="footnote",
    )  # fmt: skip
    draw_footer(figure, grid, provenance)


def _panel(
    ax: Axes,
    bands: Mapping[str, pd.DataFrame],
    metric: str,
    events: list[Event],
    colors: Mapping[str, str],
    labels: Sequence[str],
) -> bool:
    """Draw one small fan chart; True if its y axis does not start at zero."""
    low, high = draw_fan(ax, bands, colors)
    broken = y_range(ax, low, high, metric)
    mark_events(ax, events, labelled=False, colors=colors, labels=labels)
    value_axis(ax, metric, size=SMALL_SIZE + 0.5, ticks=PANEL_TICKS)
    ax.tick_params(labelsize=SMALL_SIZE)
    return broken


def _share_date_range(panels: list[Axes]) -> None:
    """Give every panel the same date range so that a month sits at the same place in all."""
    if not panels:
        return
    limits = np.array([ax.get_xlim() for ax in panels])
    for ax in panels:
        ax.set_xlim(limits[:, 0].min(), limits[:, 1].max())


def footnote(events: Sequence[Event], labels: Sequence[str]) -> str:
    """What the lines, shades and dashes mean, and the events' months and names."""
    text = "Lines: the median world; shades: the middle 50% and 90% of worlds."
    if not events:
        return text
    key = (
        " (grey: in every scenario; coloured: in that scenario only)"
        if owned(events, labels)
        else ""
    )
    return f"{text} Dashed lines, dated events{key}: {event_list(events, labels)}."
