"""Large runs streamed to disk chunk by chunk, with bounded memory, and resumed if interrupted.

A streamed run never holds every world in memory. Its result folder is written into a
hidden sibling ``.<name>.partial-resumable`` that holds:

* ``progress.json``: the manifest in progress (the resolved scenario, how the run was asked
  for) and the plan: the target folder and the chunks ``[first world, count]``;
* ``series/part-<first world>.parquet``: one file per finished chunk (written under a
  temporary name and renamed, so a part that exists is complete);
* ``events-parts/part-<first world>.parquet``: each finished chunk's event log.

When every chunk is there, the events are merged into ``events.parquet``, ``summary.csv``
and the charts are computed from the parts one metric at a time
(:class:`~triad.experiments.dataset.PartitionedSimulation`: exact quantiles, months x worlds
of one metric in memory), ``manifest.json`` is written with ``layout: partitioned``, and the
folder is renamed to its final name. If the run stops (an error, Ctrl-C, SIGTERM, or a
kill), the partial folder stays: :func:`resume_run` computes only the missing chunks and
finishes it. Because every world's draws depend only on (seed, world, month, site), the
finished data equal those of an uninterrupted run bit for bit.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from triad.errors import StoreError, TriadError
from triad.experiments import provenance
from triad.experiments.dataset import PARTS, PartitionedSimulation, find_parts, part_name
from triad.experiments.ensemble import Progress, summary
from triad.experiments.executors import (
    ChunkResult,
    ChunkTask,
    Executor,
    ExecutorLike,
    apply_failure_hook,
    auto_chunk_size,
    open_executor,
    run_chunk,
)
from triad.experiments.results import RunResult
from triad.experiments.store import (
    CHARTS,
    EVENTS,
    LAYOUT_PARTITIONED,
    MANIFEST,
    SUMMARY,
    _describe_files,
    _fsync_dir,
    _fsync_file,
    _fsync_tree,
    _publish,
    _read_events,
    _signals_raise_exit,
    _write_events,
    _write_series,
    check_target,
    default_folder,
    draw_charts,
)
from triad.model.metrics import METRIC_NAMES
from triad.model.simulation import Simulation
from triad.scenario.schema import Scenario

__all__ = [
    "STREAM_BYTES",
    "InterruptedRunError",
    "StreamPlan",
    "resumable_folder",
    "resume_run",
    "should_stream",
    "stream_run",
]

STREAM_BYTES: Final = 2**30
"""Runs whose recorded metrics exceed this many bytes stream to disk when stored."""
STATE: Final = "progress.json"
EVENT_PARTS: Final = "events-parts"
STREAM_FORMAT: Final = "triad-stream/1"
RESUMABLE: Final = "partial-resumable"


class InterruptedRunError(TriadError):
    """A streamed run stopped; its finished chunks are kept for ``--resume``."""


def should_stream(scenario: Scenario) -> bool:
    """True when the run's metrics would take more than :data:`STREAM_BYTES` in memory."""
    return scenario.worlds * scenario.months * len(METRIC_NAMES) * 4 > STREAM_BYTES


def resumable_folder(target: Path) -> Path:
    """The hidden sibling a streamed run writes into: ``.<name>.partial-resumable``."""
    return target.with_name(f".{target.name}.{RESUMABLE}")


@dataclass(frozen=True)
class StreamPlan:
    """What a streamed run will produce, kept in ``progress.json`` so it can be resumed.

    Attributes:
        target: The final result folder.
        exact: True if the user chose ``target`` (never renamed to ``-2``).
        manifest: The manifest in progress (scenario, provenance, run options).
        chunks: ``(first world, count)`` of every chunk, in world order.
        log_worlds: Worlds with a global index below this keep an event log.
        charts: Draw the fan charts at the end.
    """

    target: Path
    exact: bool
    manifest: dict[str, Any]
    chunks: tuple[tuple[int, int], ...]
    log_worlds: int
    charts: bool

    @property
    def scenario(self) -> Scenario:
        """The resolved scenario."""
        return Scenario.model_validate(self.manifest["scenario"])

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON data."""
        return {
            "format": STREAM_FORMAT,
            "target": str(self.target),
            "exact": self.exact,
            "chunks": [list(c) for c in self.chunks],
            "log_worlds": self.log_worlds,
            "charts": self.charts,
            "manifest": self.manifest,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StreamPlan:
        """Read a plan written by :meth:`to_json`."""
        return cls(
            Path(data["target"]),
            bool(data["exact"]),
            dict(data["manifest"]),
            tuple((int(a), int(b)) for a, b in data["chunks"]),
            int(data["log_worlds"]),
            bool(data["charts"]),
        )


# --------------------------------------------------------------------------- starting
def stream_run(
    scenario: Scenario,
    *,
    manifest: dict[str, Any],
    out: Path | None = None,
    root: Path = Path("runs"),
    chunk_size: int | None = None,
    log_worlds: int = 100,
    executor: ExecutorLike = None,
    progress: Progress | None = None,
    charts: bool = True,
) -> RunResult:
    """Run an ensemble chunk by chunk straight into a result folder.

    Args:
        scenario: The resolved scenario.
        manifest: The manifest so far (provenance and run options).
        out: Exactly this folder (must not exist, or be empty); default: under ``root``.
        root: The results store.
        chunk_size: Worlds per chunk (default: automatic, bounded by memory).
        log_worlds: Worlds with a global index below this keep an event log.
        executor: Where the chunks run (see :mod:`triad.experiments.executors`).
        progress: Called with (world-months done, world-months in all) per chunk.
        charts: Draw a fan chart of each key metric.

    Returns:
        The stored run; its simulation reads the metrics from disk one at a time.

    Raises:
        StoreError: If the target is taken or an interrupted run is already there.
        InterruptedRunError: If a chunk fails; the finished chunks are kept for resuming.
    """
    target = check_target(out) if out is not None else default_folder(root, manifest)
    partial = resumable_folder(target)
    if partial.exists():
        raise StoreError(
            f"an interrupted run of {target} is in {partial}: finish it with "
            f"`triad run --resume {target}`, or delete that folder"
        )
    with open_executor(executor) as ex:
        size = chunk_size or auto_chunk_size(scenario.worlds, scenario.months, ex.workers)
        chunks = tuple(
            (first, min(size, scenario.worlds - first)) for first in range(0, scenario.worlds, size)
        )
        extra = {"layout": LAYOUT_PARTITIONED, "stream_chunk_size": size}
        plan = StreamPlan(target, out is not None, manifest | extra, chunks, log_worlds, charts)
        for folder in (partial / PARTS, partial / EVENT_PARTS):
            folder.mkdir(parents=True)
        _write_json(partial / STATE, plan.to_json())
        return _complete(partial, plan, ex, progress)


def resume_run(
    path: Path, *, executor: ExecutorLike = None, progress: Progress | None = None
) -> RunResult:
    """Finish an interrupted streamed run: compute the missing chunks, then store it.

    Args:
        path: The intended result folder (``--out``, or the path printed when the run
            stopped), or its ``.<name>.partial-resumable`` folder.
        executor: Where the missing chunks run (need not be the original one).
        progress: Called with (world-months done, world-months in all) per chunk.

    Returns:
        The stored run, equal to an uninterrupted one.

    Raises:
        StoreError: If there is no interrupted run at ``path``.
    """
    partial = _find_partial(Path(path))
    try:
        plan = StreamPlan.from_json(json.loads((partial / STATE).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StoreError(f"{partial / STATE} cannot be read: {error}") from None
    with open_executor(executor) as ex:
        return _complete(partial, plan, ex, progress)


def _find_partial(path: Path) -> Path:
    absolute = Path(os.path.abspath(path))
    for candidate in (absolute, resumable_folder(absolute)):
        if (candidate / STATE).is_file():
            return candidate
    if (absolute / MANIFEST).is_file():
        raise StoreError(f"{path} is a finished result: there is nothing to resume")
    raise StoreError(
        f"no interrupted run at {path}: expected {resumable_folder(absolute)}/{STATE} "
        "(give the --out folder of the run, or the folder printed when it stopped)"
    )


# --------------------------------------------------------------------------- running
def _complete(
    partial: Path, plan: StreamPlan, executor: Executor, progress: Progress | None
) -> RunResult:
    """Run the chunks not yet on disk, finish the folder and give it its final name."""
    scenario = plan.scenario
    try:
        with _signals_raise_exit():
            _run_missing(partial, plan, scenario, executor, progress)
            manifest = _finish(partial, plan, scenario, executor)
            final = _publish(partial, plan.target, exact=plan.exact)
    except (KeyboardInterrupt, SystemExit) as error:
        error.add_note(_resume_hint(partial, plan))
        raise
    except Exception as error:
        hint = _resume_hint(partial, plan)
        raise InterruptedRunError(f"the run stopped: {error}. {hint}") from error
    parts = find_parts(final / PARTS, scenario.months)
    events = _read_events(final / EVENTS)
    return RunResult(PartitionedSimulation.from_parts(scenario, parts, events), manifest, final)


def _resume_hint(partial: Path, plan: StreamPlan) -> str:
    done = len(_finished(partial))
    return (
        f"{done} of {len(plan.chunks)} chunks are kept in {partial}; finish the run with "
        f"`triad run --resume {plan.target}`"
    )


def _finished(partial: Path) -> set[int]:
    """First worlds of the chunks whose series part is on disk."""
    folder = partial / PARTS
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    return {int(n[5:17]) for n in names if n.startswith("part-") and n.endswith(".parquet")}


def _run_missing(
    partial: Path,
    plan: StreamPlan,
    scenario: Scenario,
    executor: Executor,
    progress: Progress | None,
) -> None:
    done = _finished(partial)
    text = scenario.model_dump_json()
    tasks = apply_failure_hook(
        [
            ChunkTask(text, first, count, plan.log_worlds)
            for first, count in plan.chunks
            if first not in done
        ]
    )
    months = scenario.months
    total = scenario.worlds * months
    counted = sum(count for first, count in plan.chunks if first in done) * months
    if progress is not None:
        progress(counted, total)
    for index, result in executor.map_chunks(run_chunk, tasks):
        _write_part(partial, scenario, result)
        counted += tasks[index].count * months
        if progress is not None:
            progress(counted, total)


def _write_part(partial: Path, scenario: Scenario, result: ChunkResult) -> None:
    """Write a chunk's events, then its series part (whose presence marks it done)."""
    first = result.first_world
    ids = np.arange(first, first + result.count, dtype=np.int64)
    sim = Simulation(scenario, ids, result.data, result.events)
    name = part_name(first)
    for folder, write in ((EVENT_PARTS, _write_events), (PARTS, _write_series)):
        scratch = partial / folder / f".{name}.tmp"
        write(sim, scratch)
        _fsync_file(scratch)
        os.replace(scratch, partial / folder / name)
    _fsync_dir(partial / PARTS)


# --------------------------------------------------------------------------- finishing
def _finish(
    partial: Path, plan: StreamPlan, scenario: Scenario, executor: Executor
) -> dict[str, Any]:
    """Merge the events, summarise, draw, write the manifest; drop the run's scaffolding."""
    parts = find_parts(partial / PARTS, scenario.months)
    covered = sum(p.count for p in parts)
    if covered != scenario.worlds:
        raise StoreError(f"{partial}: the parts hold {covered} of {scenario.worlds} worlds")
    events = _merged_events(partial, plan)
    sim = PartitionedSimulation.from_parts(scenario, parts, events)
    _write_events(sim, partial / EVENTS)
    summary(sim).to_csv(partial / SUMMARY, index=False)
    manifest = plan.manifest | {"finished": provenance.now(), "executor": executor.name}
    if plan.charts:
        draw_charts(RunResult(sim, manifest), partial / CHARTS)
    shutil.rmtree(partial / EVENT_PARTS)
    files = {name: entry for name, entry in _describe_files(partial).items() if name != STATE}
    stored = {**manifest, "files": files}
    _write_json(partial / MANIFEST, stored)
    _fsync_tree(partial)
    (partial / STATE).unlink()
    _fsync_dir(partial)
    return stored


def _merged_events(partial: Path, plan: StreamPlan) -> pd.DataFrame:
    """Every chunk's events in world order, sorted by world and month like an in-memory run.

    If a previous attempt at finishing got as far as merging them, reads the merged file.
    """
    if not (partial / EVENT_PARTS).is_dir():
        return _read_events(partial / EVENTS)
    frames = [_read_events(partial / EVENT_PARTS / part_name(first)) for first, _ in plan.chunks]
    events = pd.concat(frames, ignore_index=True)
    return events.sort_values(["world", "month"], kind="stable").reset_index(drop=True)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    scratch = path.with_name(f".{path.name}.tmp")
    scratch.write_text(json.dumps(data, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(scratch, path)
