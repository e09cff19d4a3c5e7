"""A run's figures: the fan chart of one metric, and a chart file per key metric."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from triad.errors import StoreError
from triad.footer import Provenance
from triad.reports.rendering import ChartJob, ChartWorker, render
from triad.runs.ensemble import KEY_METRICS
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


def _fan(result: RunResult, metric: str, ax: Axes | None = None) -> Callable[[], Figure]:
    """What :func:`plot` draws, as a call over plain data (see ``rendering.ChartJob``)."""
    from triad.plots.fan import fan_chart, scripted_events
    from triad.store.provenance import versions

    label = result.scenario.name
    stored = result.manifest
    ran = (stored.versions.get("triad") if stored else None) or versions().get("triad")
    provenance = Provenance(
        (label,),
        len(result.simulation.world_ids),
        result.scenario.seed,
        str(ran or "unknown"),
        overrides=bool(stored and stored.overrides),
    )
    return partial(
        fan_chart,
        {label: result.bands(metric)},
        metric,
        events=scripted_events(result.scenario),
        ax=ax,
        provenance=provenance,
    )


def draw_charts(
    result: RunResult,
    folder: Path,
    metrics: Sequence[str] = KEY_METRICS,
    *,
    missing_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
    worker: ChartWorker | None = None,
) -> list[Path]:
    """Draw a fan chart of each metric into ``folder/<metric>.png`` (Agg canvas, no pyplot).

    Each file is written under a temporary name and renamed over the old one, so a chart
    is never half-written. The store calls this (passed as its ``draw``) to put charts in
    a result folder before sealing it.

    Args:
        result: The run (see :func:`plot`).
        folder: Where the charts go; created if missing.
        metrics: The metrics to chart.
        missing_only: Draw only the charts that are not there (a stored chart is reused).
        progress: Called with (charts done, charts to draw) before the first and after each.
        worker: A second process that draws charts beside this one
            (:class:`~triad.reports.rendering.ChartWorker`), or None to draw them here.

    Returns:
        The chart files drawn.

    Raises:
        StoreError: If a chart cannot be written, or ``folder`` is a symbolic link.
    """
    if folder.is_symlink():
        raise StoreError(
            f"{folder} is a symbolic link; charts are never written through one (remove it, "
            "then redraw)"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / f"{metric}.png" for metric in metrics]
        jobs = [
            ChartJob(path, _fan(result, metric))
            for metric, path in zip(metrics, paths, strict=True)
            if not (missing_only and path.is_file() and not path.is_symlink())
        ]
        return render(jobs, worker, progress)
    except OSError as error:
        raise StoreError(f"could not write charts to {folder}: {error}") from error


def write(result: RunResult, out: Path) -> Path:
    """Store the run in the new folder ``out`` with a fan chart of each key metric.

    Returns:
        The folder (see :func:`triad.store.run_folder.write_run`).
    """
    from triad.store.run_folder import write_run

    return write_run(result, out, draw=draw_charts)
