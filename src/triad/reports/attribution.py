"""An attribution's chart and folder: the table, the waterfall chart and the Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from triad.experiments.explain import Attribution, markdown
from triad.store.folders import atomic_folder
from triad.store.provenance import chart_footer

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FILES = ("attribution.csv", "waterfall.png", "explain.md")
"""What :func:`write` puts in the folder, in order."""


def plot(result: Attribution, ax: Axes | None = None) -> Figure:
    """The waterfall chart from A's mean to B's mean (a new figure with its footer)."""
    from triad.plots.attribution import waterfall_chart

    footer = chart_footer(result.labels, result.worlds, result.seed)
    return waterfall_chart(result, ax=ax, provenance=footer)


def write(result: Attribution, out: Path) -> list[Path]:
    """Write ``attribution.csv``, ``waterfall.png`` and ``explain.md`` into ``out``.

    Returns:
        The files written (the folder is created whole or not at all).
    """
    from triad.plots.style import save

    table, chart, text = FILES
    with atomic_folder(out) as folder:
        result.frame().to_csv(folder / table, index=False)
        save(plot(result), folder / chart)
        (folder / text).write_text(markdown(result), encoding="utf-8")
    return [out / name for name in FILES]
