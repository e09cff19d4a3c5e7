"""A run's figures: the overview of its key outcomes, the fan chart of one metric, files.

A stored run's charts are a *set* (:mod:`triad.reports.chart_sets`): ``key`` is one page of
small fan charts, one per key metric (``charts/overview.png``); ``all`` adds a full-size fan
chart of each key metric (``charts/<metric>.png``); ``none`` draws nothing. Any chart left
out can be drawn later from the stored data (``triad show FOLDER --charts all``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from triad.errors import StoreError
from triad.footer import Provenance
from triad.reports.chart_sets import OVERVIEW, run_charts
from triad.reports.rendering import ChartJob, ChartWorker, PlotCall, render
from triad.runs.ensemble import KEY_METRICS
from triad.scenario.schema import fixed_dates
from triad.store.result import RunResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot(result: RunResult, metric: str = "containers", ax: Axes | None = None) -> Figure:
    """Fan chart of one metric (median, middle 50% and 90% of worlds) with dated events.

    With ``ax``, the chart stays inside that axes (legend included); a new figure carries a
    footer saying what produced it (scenario, worlds, seed, triad version).
    """
    return _fan(result, metric, ax)()


def overview(result: RunResult, metrics: Sequence[str] = KEY_METRICS) -> Figure:
    """One page of small fan charts, one per metric, with the run's dated events.

    Args:
        result: The run.
        metrics: The metrics to show, one panel each, row by row (default: the key ones).
    """
    return _overview(result, metrics)()


def _provenance(result: RunResult) -> Provenance:
    """What produced the run, for a chart's footer."""
    from triad.store.provenance import versions

    stored = result.manifest
    ran = (stored.versions.get("triad") if stored else None) or versions().get("triad")
    return Provenance(
        (result.scenario.name,),
        len(result.simulation.world_ids),
        result.scenario.seed,
        str(ran or "unknown"),
        overrides=bool(stored and stored.overrides),
    )


def _fan(result: RunResult, metric: str, ax: Axes | None = None) -> Callable[[], Figure]:
    """What :func:`plot` draws, as a call over plain data (see ``rendering.PlotCall``)."""
    return PlotCall(
        "triad.plots.fan",
        "fan_chart",
        ({result.scenario.name: result.bands(metric)}, metric),
        {
            "events": fixed_dates(result.scenario),  # what plots.fan.scripted_events gives
            "ax": ax,
            "provenance": _provenance(result),
        },
    )


def _overview(result: RunResult, metrics: Sequence[str] = KEY_METRICS) -> Callable[[], Figure]:
    """What :func:`overview` draws, as a call over plain data."""
    label = result.scenario.name
    worlds = len(result.simulation.world_ids)
    return PlotCall(
        "triad.plots.overview",
        "overview_grid",
        ({metric: {label: result.bands(metric)} for metric in metrics},),
        {
            "events": fixed_dates(result.scenario),
            "title": f"{label}: {worlds} worlds",
            "provenance": _provenance(result),
        },
    )


def _job(result: RunResult, folder: Path, name: str) -> ChartJob:
    draw = _overview(result) if name == OVERVIEW else _fan(result, name)
    return ChartJob(folder / f"{name}.png", draw)


def draw_charts(
    result: RunResult,
    folder: Path,
    charts: str | Sequence[str] = "key",
    *,
    missing_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
    worker: ChartWorker | None = None,
) -> list[Path]:
    """Draw a set of the run's charts into ``folder`` (Agg canvas, no pyplot).

    Each file is written under a temporary name and renamed over the old one, so a chart
    is never half-written. The store calls this (passed as its ``draw``) to put charts in
    a result folder before sealing it.

    Args:
        result: The run (see :func:`plot`).
        folder: Where the charts go (``<name>.png``); created if missing.
        charts: A chart set (``key``, ``all`` or ``none``), or the charts by name:
            ``overview`` or a metric (its fan chart).
        missing_only: Draw only the charts that are not there (a stored chart is reused).
        progress: Called with (charts done, charts to draw) before the first and after each.
        worker: A second process that draws charts beside this one
            (:class:`~triad.reports.rendering.ChartWorker`), or None to draw them here.

    Returns:
        The chart files drawn.

    Raises:
        StoreError: If a chart cannot be written, or ``folder`` is a symbolic link.
        UsageError: If ``charts`` names no set.
    """
    names = run_charts(charts) if isinstance(charts, str) else tuple(charts)
    if folder.is_symlink():
        raise StoreError(
            f"{folder} is a symbolic link; charts are never written through one (remove it, "
            "then redraw)"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        wanted = [n for n in names if not (missing_only and stored_chart(folder / f"{n}.png"))]
        return render([_job(result, folder, name) for name in wanted], worker, progress)
    except OSError as error:
        raise StoreError(f"could not write charts to {folder}: {error}") from error


def stored_chart(path: Path) -> bool:
    """Whether a chart is stored there (a file, not a link: a link is redrawn over)."""
    return path.is_file() and not path.is_symlink()


def write(result: RunResult, out: Path, charts: str = "key") -> Path:
    """Store the run in the new folder ``out`` with a set of its charts (``key`` by default).

    Returns:
        The folder (see :func:`triad.store.run_folder.write_run`).
    """
    from triad.store.run_folder import write_run

    return write_run(result, out, draw=draw_charts, charts=run_charts(charts))
