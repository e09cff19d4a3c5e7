"""One page of small fan charts, one per key metric, for a briefing or the README."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from triad.plots.fan import Events, draw_fan, legend_handles, mark_events
from triad.plots.style import (
    LABEL_SIZE,
    SMALL_SIZE,
    TEXT_COLOR,
    TITLE_SIZE,
    metric_info,
    metric_title,
    new_figure,
    scenario_colors,
    short_label,
)


def overview_grid(
    bands_by_metric: Mapping[str, Mapping[str, pd.DataFrame]],
    events: Events = (),
    colors: Mapping[str, str] | None = None,
    ncols: int = 3,
    *,
    title: str | None = None,
) -> Figure:
    """A grid of small fan charts (median, 50% and 90% bands) with one shared legend.

    Args:
        bands_by_metric: Metric -> scenario label -> monthly quantiles (see
            :func:`~triad.plots.fan.fan_chart`). Every metric must hold the same labels.
        events: Dated events ``(YYYY-MM, name)``: unlabelled dashed lines in every panel,
            listed once in the footnote.
        colors: Label -> colour (default: :func:`~triad.plots.style.scenario_colors`).
        ncols: Panels per row.
        title: A title above the legend, if any (the legend's own title, so that the two
            never collide).

    Returns:
        The figure: one panel per metric, in the mapping's order, row by row.
    """
    metrics = list(bands_by_metric)
    labels = list(bands_by_metric[metrics[0]]) if metrics else []
    palette = dict(colors) if colors is not None else scenario_colors(labels)
    ncols = max(1, min(ncols, len(metrics) or 1))
    nrows = max(1, math.ceil(len(metrics) / ncols))
    figure = new_figure(3.7 * ncols, 2.55 * nrows + 1.0)
    grid = figure.subplots(nrows, ncols, squeeze=False)
    panels: list[Axes] = list(grid.flat)
    for i, metric in enumerate(metrics):
        _panel(panels[i], bands_by_metric[metric], metric, events, palette)
        panels[i].tick_params(labelbottom=i + ncols >= len(metrics))
    for spare in panels[len(metrics) :]:
        spare.set_visible(False)
    _share_date_range(panels[: len(metrics)])
    figure.legend(
        handles=legend_handles(labels, palette),
        title=title,
        title_fontsize=TITLE_SIZE + 1,
        loc="outside upper center",
        ncol=len(labels) + 2,
        frameon=False,
        fontsize=LABEL_SIZE,
    )
    figure.supxlabel(_footnote(events), fontsize=SMALL_SIZE + 0.5, color="#555555")
    return figure


def _panel(
    ax: Axes,
    bands: Mapping[str, pd.DataFrame],
    metric: str,
    events: Events,
    colors: Mapping[str, str],
) -> None:
    draw_fan(ax, bands, colors)
    mark_events(ax, events, labelled=False)
    ax.set_title(metric_title(metric, 46), fontsize=LABEL_SIZE, color=TEXT_COLOR, loc="left")
    ax.set_ylabel(metric_info(metric).unit, fontsize=SMALL_SIZE + 0.5, color=TEXT_COLOR)
    ax.tick_params(labelsize=SMALL_SIZE)


def _share_date_range(panels: list[Axes]) -> None:
    """Give every panel the same date range so that a month sits at the same place in all."""
    if not panels:
        return
    limits = np.array([ax.get_xlim() for ax in panels])
    for ax in panels:
        ax.set_xlim(limits[:, 0].min(), limits[:, 1].max())


def _footnote(events: Events) -> str:
    items = [f"{at} {short_label(name, 30)}" for at, name in dict.fromkeys(events)]
    dashed = f" Dashed lines: {'; '.join(items)}." if items else ""
    return textwrap.fill("Lines: the median world." + dashed, 160)
