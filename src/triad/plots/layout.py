"""Fixed layouts: a chart's margins measured from its texts, in inches, and set once.

Matplotlib's constrained layout finds room for titles, legends and tick labels by laying the
figure out again at every draw (a quarter of ``triad demo``'s time went there). The run and
comparison charts instead measure the few texts that decide their margins (titles, legend
entries, tick labels, footnotes) with the font's metrics
(:func:`~triad.plots.style.text_inches`) and place the panels once: every part gets its
room by construction, nothing is clipped, and saving draws the figure once.

A :class:`Grid` holds a figure's margins and panel sizes in inches; figure-level texts are
stacked above and below the panels at offsets in inches from the figure's edges.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from triad.errors import ModelError
from triad.plots.style import (
    FOOTER_COLOR,
    FOOTER_SIZE,
    LABEL_SIZE,
    SMALL_SIZE,
    TEXT_COLOR,
    TITLE_SIZE,
    Provenance,
    line_inches,
    metric_title,
    new_figure,
    root_figure,
    text_inches,
    wrap_inches,
)

PAD = 0.12
"""Inches between the figure's edge and anything drawn."""
GAP = 0.1
"""Inches between two stacked parts (a title and a legend, a footnote and the footer)."""
MIN_WIDTH = 6.4
"""Narrowest figure, in inches: a one-panel chart still has room for its title and legend."""
TICK_SPACE = (3.5 + 3.5) / 72
"""Tick length and the pad to its label, in inches (matplotlib's defaults, as styled)."""
LABEL_PAD = 4 / 72
"""Pad between tick labels and an axis label, in inches."""


@dataclass
class Grid:
    """A figure of ``nrows`` x ``ncols`` equal panels, with margins and gaps in inches.

    Either ``panel_height`` is given and the figure's height follows from the parts, or
    ``height`` is given and the panels take what the margins leave.
    """

    width: float
    nrows: int = 1
    ncols: int = 1
    panel_height: float | None = None
    height: float | None = None
    left: float = 0.8
    right: float = PAD
    top: float = PAD
    bottom: float = PAD
    wspace: float = 0.8
    hspace: float = 0.6

    @property
    def figure_height(self) -> float:
        """The figure's height in inches."""
        if self.height is not None:
            return self.height
        panels = (self.panel_height or 2.0) * self.nrows
        return self.top + self.bottom + panels + (self.nrows - 1) * self.hspace

    @property
    def panel_width(self) -> float:
        """Width of one panel in inches."""
        inner = self.width - self.left - self.right - (self.ncols - 1) * self.wspace
        return max(inner / self.ncols, 0.5)

    @property
    def panel_inches(self) -> float:
        """Height of one panel in inches."""
        if self.height is None:
            return self.panel_height or 2.0
        inner = self.height - self.top - self.bottom - (self.nrows - 1) * self.hspace
        return max(inner / self.nrows, 0.5)

    def figure(self) -> tuple[Figure, list[Axes]]:
        """A new figure with the panels placed, row by row."""
        figure = new_figure(self.width, self.figure_height, fixed=True)
        panels = list(figure.subplots(self.nrows, self.ncols, squeeze=False).flat)
        self.apply(figure)
        return figure, panels

    def apply(self, figure: Figure) -> None:
        """Size the figure and place its panels by the current margins."""
        width, height = self.width, self.figure_height
        figure.set_size_inches(width, height)
        figure.subplots_adjust(
            left=self.left / width,
            right=1 - self.right / width,
            bottom=self.bottom / height,
            top=1 - self.top / height,
            wspace=self.wspace / self.panel_width,
            hspace=self.hspace / self.panel_inches,
        )

    def x(self, inches: float) -> float:
        """Figure fraction of a point ``inches`` from the left edge."""
        return inches / self.width

    def from_top(self, inches: float) -> float:
        """Figure fraction of a point ``inches`` below the top edge."""
        return 1 - inches / self.figure_height

    def from_bottom(self, inches: float) -> float:
        """Figure fraction of a point ``inches`` above the bottom edge."""
        return inches / self.figure_height


def y_labels_inches(ax: Axes, tick_size: float, label_size: float) -> float:
    """Inches the y tick labels and the y label of ``ax`` take left of its frame.

    The tick labels are the ones the axis' locator and formatter give for its current
    limits, measured without drawing.
    """
    low, high = sorted(ax.get_ylim())
    slack = (high - low) * 1e-9
    ticks = [v for v in ax.yaxis.get_major_locator()() if low - slack <= v <= high + slack]
    texts = ax.yaxis.get_major_formatter().format_ticks(ticks) if ticks else []
    widest = max((text_inches(t, tick_size)[0] for t in texts if t), default=0.0)
    label = ax.yaxis.get_label_text()
    lines = label.count("\n") + 1 if label else 0
    return widest + TICK_SPACE + (LABEL_PAD + line_inches(label_size, lines) if label else 0.0)


def x_labels_inches(tick_size: float, label: str = "", label_size: float = 0.0) -> float:
    """Inches the x tick labels (one line) and an x label take below an axes' frame."""
    extra = LABEL_PAD + line_inches(label_size, label.count("\n") + 1) if label else 0.0
    return line_inches(tick_size) + TICK_SPACE + extra


@dataclass(frozen=True)
class LegendSize:
    """How a legend of given entries fits a width: its columns, rows and height in inches."""

    ncols: int
    rows: int
    height: float
    width: float


def legend_size(
    labels: Sequence[str], size: float, available: float, *, title: str = "", ncols: int = 0
) -> LegendSize:
    """Columns, rows and size of a frameless legend of ``labels`` at ``size`` points.

    Args:
        labels: The entries' texts.
        size: Font size of the entries.
        available: Width in inches the legend may take.
        title: The legend's title, if any (drawn at ``size + 1``).
        ncols: Columns wanted (0: as many as fit in ``available``).
    """
    em = size / 72
    handle = (2.0 + 0.8) * em  # handle length and the pad to the text
    widths = [handle + text_inches(label, size)[0] for label in labels]
    spacing = 2.0 * em

    def width_of(count: int) -> float:  # each column as wide as its widest entry
        columns = [0.0] * count
        for index, entry in zip(_columns_of(len(widths), count), widths, strict=True):
            columns[index] = max(columns[index], entry)
        return sum(columns) + (count - 1) * spacing + 0.8 * em

    most = max(len(labels), 1)
    fits = [n for n in range(1, most + 1) if width_of(n) <= available] or [1]
    count = min(ncols, most) if ncols else max(fits)
    rows = math.ceil(len(labels) / count) if labels else 0
    columns: list[float] = [0.0] * count  # each column is its own stack of entries
    for index, label in zip(_columns_of(len(labels), count), labels, strict=True):
        gap = 0.5 if columns[index] else 0.0
        columns[index] += (gap + 1.15 + 1.4 * label.count("\n")) * em
    height = max(columns, default=0.0) + 0.8 * em
    if title:
        height += line_inches(size + 1, title.count("\n") + 1) + 0.3 * em
    width = width_of(count) if labels else 0.0
    if title:
        width = max(width, text_inches(title, size + 1)[0] + 0.8 * em)
    return LegendSize(count, rows, height, width)


def _columns_of(entries: int, ncols: int) -> list[int]:
    """The column of each legend entry: matplotlib fills the columns in turn, longer first."""
    short, longer = divmod(entries, ncols)
    found: list[int] = []
    for column in range(ncols):
        found += [column] * (short + (column < longer))
    return found


def footer_inches(provenance: Provenance | None, width: float) -> float:
    """Height of the provenance footer at the bottom of a figure ``width`` inches wide."""
    if provenance is None:
        return 0.0
    text = wrap_inches(provenance.text(), width - 2 * PAD, FOOTER_SIZE)
    return line_inches(FOOTER_SIZE, text.count("\n") + 1) + GAP


def draw_footer(figure: Figure, grid: Grid, provenance: Provenance | None) -> None:
    """Write what produced the figure in small grey text along its bottom edge."""
    if provenance is None:
        return
    text = wrap_inches(provenance.text(), grid.width - 2 * PAD, FOOTER_SIZE)
    figure.text(
        grid.x(PAD),
        grid.from_bottom(PAD * 0.6),
        text,
        ha="left",
        va="bottom",
        fontsize=FOOTER_SIZE,
        color=FOOTER_COLOR,
        gid="provenance",
    )


def footer_below(figure: Figure, provenance: Provenance | None, note: str = "") -> None:
    """The provenance footer (and a note above it) of a figure that constrained layout lays out.

    The layout is confined to the part of the figure above them, and the figure's legends
    placed "outside" are anchored there too, so that nothing overlaps the footer.

    Args:
        figure: A new figure with constrained layout, its legends already made.
        provenance: What produced the chart (None: no footer).
        note: Small grey text above the footer (a chart's method or caveat), if any.
    """
    if provenance is None and not note:
        return
    width, height = figure.get_size_inches()
    text = wrap_inches(provenance.text(), width - 2 * PAD, FOOTER_SIZE) if provenance else ""
    footer = line_inches(FOOTER_SIZE, text.count("\n") + 1) if text else 0.0
    wrapped = wrap_inches(note, width - 2 * PAD, SMALL_SIZE) if note else ""
    noted = line_inches(SMALL_SIZE, wrapped.count("\n") + 1) + GAP / 2 if note else 0.0
    room = (PAD * 0.6 + footer + noted + GAP / 2) / height
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    legends = max((g.get_window_extent(renderer).height for g in figure.legends), default=0.0)
    for legend in figure.legends:  # anchored above the footer, the layout above them
        legend.set_bbox_to_anchor((0.0, room, 1.0, 1.0 - room), transform=figure.transFigure)
    above = room + (legends / figure.dpi + (GAP / 2 if legends else 0.0)) / height
    engine = figure.get_layout_engine()
    if engine is not None:
        engine.set(rect=(0.0, above, 1.0, 1.0 - above))  # type: ignore[call-arg]
    if wrapped:
        figure.text(
            PAD / width, (PAD * 0.6 + footer + GAP / 2) / height, wrapped, ha="left",
            va="bottom", fontsize=SMALL_SIZE, color="#555555", gid="note",
        )  # fmt: skip
    if text:
        figure.text(
            PAD / width, PAD * 0.6 / height, text, ha="left", va="bottom",
            fontsize=FOOTER_SIZE, color=FOOTER_COLOR, gid="provenance",
        )  # fmt: skip


def grid_panels(
    ax: Axes | None, nrows: int, ncols: int, grid: Grid, chart: str
) -> tuple[Figure, list[Axes]]:
    """The figure and a flat list of ``nrows * ncols`` panels, new or carved out of ``ax``.

    Args:
        ax: A caller's axes to split (a cell of a grid), or None for a new figure.
        nrows: Rows of panels.
        ncols: Panels per row.
        grid: The layout of a new figure.
        chart: The chart's name, for the message.

    Raises:
        ModelError: If ``ax`` is not a cell of a grid and more than one panel is needed.
    """
    if ax is None:
        return grid.figure()
    figure = root_figure(ax)
    if nrows * ncols == 1:
        return figure, [ax]
    spec = ax.get_subplotspec()
    if spec is None:
        raise ModelError(f"{chart} needs an axes that is a cell of a grid to split")
    ax.remove()
    return figure, list(np.asarray(spec.subgridspec(nrows, ncols).subplots(squeeze=False)).flat)


def panel_titles(grid: Grid, panels: Sequence[Axes], metrics: Sequence[str]) -> float:
    """Set the side margins from the widest y labels and give each panel its metric's title.

    Titles are wrapped to the panel's width.

    Returns:
        The height of the tallest title with its pad to the axes [inches].
    """
    widest = max((y_labels_inches(ax, SMALL_SIZE, SMALL_SIZE + 0.5) for ax in panels), default=0)
    grid.left, grid.right, grid.wspace = PAD + widest, PAD + 0.1, widest + 0.25
    titles = [
        wrap_inches(metric_title(m, None), grid.panel_width + 0.15, LABEL_SIZE) for m in metrics
    ]
    for ax, text in zip(panels, titles, strict=False):
        ax.set_title(text, fontsize=LABEL_SIZE, color=TEXT_COLOR, loc="left")
    lines = max((text.count("\n") + 1 for text in titles), default=1)
    return line_inches(LABEL_SIZE, lines) + 6 / 72  # matplotlib's pad between title and axes


def heading_lines(title: str, width: float) -> tuple[str, float]:
    """A figure's heading wrapped to ``width`` inches, and its height in inches."""
    heading = wrap_inches(title, width, TITLE_SIZE + 1)
    return heading, line_inches(TITLE_SIZE + 1, heading.count("\n") + 1)


def place_heading(figure: Figure, grid: Grid, heading: str) -> None:
    """Write the heading (from :func:`heading_lines`) at the top of the figure."""
    figure.suptitle(
        heading, y=grid.from_top(PAD), va="top", fontsize=TITLE_SIZE + 1, color=TEXT_COLOR
    )


def place_legend(
    figure: Figure,
    handles: Sequence[Artist],
    loc: Literal["upper center", "lower center"],
    y: float,
    ncols: int,
    size: float,
) -> None:
    """A figure-wide legend without a frame, centred, its ``loc`` edge at height ``y``."""
    figure.legend(
        handles=handles,
        loc=loc,
        bbox_to_anchor=(0.5, y),
        ncols=ncols,
        frameon=False,
        fontsize=size,
        borderaxespad=0.0,
    )
