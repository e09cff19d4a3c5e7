"""A run's figures: the fan chart of one metric, and a chart file per key metric."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from triad.errors import StoreError
from triad.footer import Provenance
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
    from triad.plots.fan import fan_chart, scripted_events
    from triad.store.provenance import versions

    label = result.scenario.name
    ran = result.manifest.get("versions", {}).get("triad") or versions().get("triad")
    provenance = Provenance(
        (label,),
        len(result.simulation.world_ids),
        result.scenario.seed,
        str(ran or "unknown"),
        overrides=bool(result.manifest.get("overrides")),
    )
    return fan_chart(
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
        progress: Called with (charts done, charts in all) after each chart.

    Returns:
        The chart files drawn.

    Raises:
        StoreError: If a chart cannot be written, or ``folder`` is a symbolic link.
    """
    from triad.plots.style import save

    if folder.is_symlink():
        raise StoreError(
            f"{folder} is a symbolic link; charts are never written through one (remove it, "
            "then redraw)"
        )
    paths = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for done, metric in enumerate(metrics, 1):
            path = folder / f"{metric}.png"
            if missing_only and path.is_file() and not path.is_symlink():
                continue
            scratch = folder / f".{metric}.partial-{os.getpid()}-{secrets.token_hex(4)}.png"
            figure = plot(result, metric)
            try:
                save(figure, scratch)
            finally:
                figure.clear()
            os.replace(scratch, path)
            paths.append(path)
            if progress is not None:
                progress(done, len(metrics))
    except OSError as error:
        raise StoreError(f"could not write charts to {folder}: {error}") from error
    return paths


def write(result: RunResult, out: Path) -> Path:
    """Store the run in the new folder ``out`` with a fan chart of each key metric.

    Returns:
        The folder (see :func:`triad.store.run_folder.write_run`).
    """
    from triad.store.run_folder import write_run

    return write_run(result, out, draw=draw_charts)
