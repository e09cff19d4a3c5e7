"""Large runs streamed to disk chunk by chunk, with bounded memory, and resumed if interrupted.

A streamed run never holds every world in memory. Its result folder is written into a
hidden sibling ``.<name>.partial-resumable`` that holds:

* ``progress.json``: the manifest in progress (the resolved scenario, how the run was asked
  for) and the plan: the target folder and the chunks ``[first world, count]``; sealed
  with its own SHA-256 (``progress_sha256``), which resuming requires;
* ``series/part-<first world>.parquet``: one file per finished chunk, written by the worker
  that simulated it (:class:`PartWriter`; only its checksums travel back), or on the
  ``local`` executor by a thread while the next chunk simulates
  (:mod:`triad.runs.write_behind`), under a temporary name and renamed, so a part that
  exists is complete;
* ``events-parts/part-<first world>.parquet``: each finished chunk's event log;
* ``checks/part-<first world>.parquet.json``: each finished chunk's record: the scenario
  hash, seed, worlds and months it was computed for and the SHA-256 of both its files
  (sealed, see :mod:`triad.store.integrity`); each series part also carries the
  same binding in its Parquet metadata;
* ``.lock``: locked by the process working on the run (see :mod:`triad.store.locks`),
  so that a second ``--resume`` of a live run is refused and a live run is never taken for
  an interrupted one.

When every chunk is there, the events are merged into ``events.parquet``, each world's
drawn uncertain inputs are written to ``inputs.parquet`` (a pure function of the seed and
the world, drawn again here a block of worlds at a time), ``summary.csv`` is computed from
the key metrics' values at the checkpoints that each worker sent back with its part
(exact quantiles; a resumed run reads them from the parts instead), the charts from the
parts one metric at a time (:class:`~triad.store.dataset.PartitionedSimulation`: months x
worlds of one metric in memory), ``manifest.json`` is written with ``layout: partitioned``, and the
folder is renamed to its final name. If the run stops (an error, Ctrl-C, SIGTERM, or a
kill), the partial folder stays: :func:`resume_run` checks every finished chunk against
its record and the plan (a damaged part, or one from another run, is refused), computes
only the missing chunks and finishes it. The manifest is written before the folder is
renamed, and ``progress.json`` is removed only after, so a failed rename leaves a run that
``--resume`` finishes. On SIGTERM or SIGHUP the run stops as on Ctrl-C, with the resume
hint. Because every world's draws depend only on (seed, world, month, site), the
finished data equal those of an uninterrupted run bit for bit.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from triad.errors import InterruptedRunError, NonFiniteError, StoreError
from triad.model.eventlog import ordered_events
from triad.model.metrics import METRIC_NAMES
from triad.runs.buffers import chunk_buffer
from triad.runs.ensemble import (
    KEY_METRICS,
    CheckpointValues,
    Progress,
    checkpoint_values,
    summary,
)
from triad.runs.executors import (
    ChunkResult,
    ChunkRunner,
    ChunkTask,
    Executor,
    ExecutorLike,
    LocalExecutor,
    open_executor,
)
from triad.runs.faults import chunk_runner
from triad.runs.plan import ChunkPlan, auto_chunk_size, map_plan
from triad.runs.resources import check_disk, stream_disk_bytes
from triad.runs.simulation import Simulation
from triad.runs.write_behind import map_writing_behind
from triad.scenario.schema import Scenario
from triad.store import provenance
from triad.store.dataset import PARTS, PartitionedSimulation, find_parts, part_name
from triad.store.folders import signals_raise_exit
from triad.store.inputs import INPUTS, write_inputs
from triad.store.integrity import (
    DamagedFile,
    dump_json,
    file_digest,
    read_sealed,
    remember_digest,
    seal,
)
from triad.store.locks import LOCK, FolderLock, LockedError, holder
from triad.store.manifest import LAYOUT_PARTITIONED, Manifest
from triad.store.result import Drawer, RunResult
from triad.store.run_folder import (
    CHARTS,
    EVENTS,
    MANIFEST,
    SUMMARY,
    binding,
    check_finite,
    check_target,
    default_folder,
    describe_files,
    fsync_dir,
    fsync_file,
    fsync_tree,
    is_partial,
    publish,
    read_events,
    run_binding,
    write_events,
    write_series,
)

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
CHECKS: Final = "checks"
"""The folder of the finished chunks' records."""
STREAM_FORMAT: Final = "triad-stream/1"
PART_FORMAT: Final = "triad-part/1"
RESUMABLE: Final = "partial-resumable"
STATE_SEAL: Final = "progress_sha256"
RECORD_SEAL: Final = "record_sha256"
STATE_BYTES: Final = 32 * 2**20
"""Largest ``progress.json`` read (a million worlds in 20,000 chunks take ~1 MB)."""
RECORD_BYTES: Final = 2**16
SCAFFOLD: Final = (STATE, CHECKS, EVENT_PARTS, LOCK, MANIFEST)
"""What a partial folder holds besides the result's files (never listed in the manifest)."""


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
        charts: The charts to draw at the end, by name (see
            :data:`~triad.store.result.Drawer`); none if empty.
    """

    target: Path
    exact: bool
    manifest: Manifest
    chunks: tuple[tuple[int, int], ...]
    log_worlds: int
    charts: tuple[str, ...]

    @property
    def scenario(self) -> Scenario:
        """The resolved scenario."""
        return Scenario.model_validate(self.manifest.scenario)

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON data."""
        return {
            "format": STREAM_FORMAT,
            "target": str(self.target),
            "exact": self.exact,
            "chunks": [list(c) for c in self.chunks],
            "log_worlds": self.log_worlds,
            "charts": list(self.charts),
            "manifest": self.manifest.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StreamPlan:
        """Read a plan written by :meth:`to_json`.

        Raises:
            StoreError: If it is not such a plan, naming the first field that is wrong.
        """
        if not isinstance(data, dict) or data.get("format") != STREAM_FORMAT:
            raise StoreError(f"it is not a {STREAM_FORMAT} progress file")
        checks: dict[str, tuple[bool, str]] = {
            "target": (isinstance(data.get("target"), str) and bool(data["target"]), "a path"),
            "exact": (isinstance(data.get("exact"), bool), "true or false"),
            "charts": (_charts_valid(data.get("charts")), "a list of chart names"),
            "log_worlds": (_whole(data.get("log_worlds"), 0), "a whole number >= 0"),
            "chunks": (_chunks_valid(data.get("chunks")), "a list of [first world, count]"),
        }
        for key, (ok, expected) in checks.items():
            if not ok:
                raise StoreError(f"{key} is not {expected}")
        return cls(
            Path(data["target"]),
            data["exact"],
            Manifest.from_json(data.get("manifest"), "manifest", stored=False),
            tuple((a, b) for a, b in data["chunks"]),
            data["log_worlds"],
            _chart_names(data["charts"]),
        )


def _charts_valid(charts: object) -> bool:
    if isinstance(charts, bool):  # written before chart sets: true was a fan chart a metric
        return True
    return isinstance(charts, list) and all(isinstance(c, str) and c for c in charts)


def _chart_names(charts: bool | list[str]) -> tuple[str, ...]:
    """The plan's chart names; ``true`` (an older plan) names each key metric's fan chart."""
    if isinstance(charts, bool):
        return tuple(KEY_METRICS) if charts else ()
    return tuple(charts)


def _whole(value: object, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _chunks_valid(chunks: object) -> bool:
    if not isinstance(chunks, list) or not chunks:
        return False
    expected = 0
    for chunk in chunks:
        if not (isinstance(chunk, list) and len(chunk) == 2 and chunk[0] == expected):
            return False
        if not (_whole(chunk[0], 0) and _whole(chunk[1], 1)):
            return False
        expected += chunk[1]
    return True


# --------------------------------------------------------------------------- starting
def stream_run(
    scenario: Scenario,
    *,
    manifest: Manifest,
    out: Path | None = None,
    root: Path = Path("runs"),
    chunk_size: int | None = None,
    log_worlds: int = 100,
    executor: ExecutorLike = None,
    progress: Progress | None = None,
    charts: Sequence[str] = (),
    draw: Drawer | None = None,
) -> RunResult:
    """Run an ensemble chunk by chunk straight into a result folder.

    Args:
        scenario: The resolved scenario.
        manifest: The manifest so far (provenance and run options).
        out: Exactly this folder (must not exist, or be empty); default: under ``root``.
        root: The results store.
        chunk_size: Worlds per chunk (default: automatic, bounded by memory).
        log_worlds: Worlds with a global index below this keep an event log.
        executor: Where the chunks run (see :mod:`triad.runs.executors`).
        progress: Called with (world-months done, world-months in all) per chunk.
        charts: The charts to draw at the end, by name (kept in the plan, so a resumed run
            draws them too; see :data:`~triad.store.result.Drawer`).
        draw: What draws them (:func:`triad.reports.run.draw_charts`); without it the
            run has no charts.

    Returns:
        The stored run; its simulation reads the metrics from disk one at a time.

    Raises:
        StoreError: If the target is taken, or an interrupted or live run of ``out`` is
            already there.
        ResourceError: If the disk cannot hold the run (estimated before it starts).
        InterruptedRunError: If a chunk fails; the finished chunks are kept for resuming.
    """
    target = check_target(out) if out is not None else default_folder(root, manifest)
    if out is not None and resumable_folder(target).exists():
        raise _taken(resumable_folder(target), target)
    need = stream_disk_bytes(scenario.worlds, scenario.months)
    check_disk(target.parent, need, f"a streamed run of {scenario.name}")
    with open_executor(executor) as ex:
        size = chunk_size or auto_chunk_size(scenario.worlds, scenario.months, ex.workers)
        chunks = ChunkPlan.cut(scenario.worlds, size, scenario.months).chunks
        streamed = replace(manifest, layout=LAYOUT_PARTITIONED, stream_chunk_size=size)

        def plan_for(where: Path) -> StreamPlan:
            return StreamPlan(where, out is not None, streamed, chunks, log_worlds, tuple(charts))

        partial, lock, plan = _claim(target, out is not None, plan_for)
        try:
            return _complete(partial, plan, ex, progress, set(), draw)
        finally:
            lock.release()


def _claim(
    target: Path, exact: bool, plan_for: Callable[[Path], StreamPlan]
) -> tuple[Path, FolderLock, StreamPlan]:
    """Create the run's partial folder, already locked and planned, under a free name.

    The folder is prepared under a private name and renamed into place, so that no other
    process ever sees it unlocked. A default name whose partial or result exists (two runs
    in the same second) is skipped for ``-2``, ``-3``, ...
    """
    numbered = (target.with_name(f"{target.name}-{n}") for n in range(2, 1000))
    for candidate in [target] if exact else [target, *numbered]:
        partial = resumable_folder(candidate)
        if not exact and (candidate.exists() or partial.exists()):
            continue
        plan = plan_for(candidate)
        scratch = candidate.with_name(
            f".{candidate.name}.claim-{os.getpid()}-{secrets.token_hex(4)}"
        )
        try:
            scratch.mkdir(parents=True)
            lock = FolderLock(scratch)
        except (OSError, LockedError) as error:
            raise StoreError(f"cannot create {scratch}: {error}") from None
        try:
            for folder in (PARTS, EVENT_PARTS, CHECKS):
                (scratch / folder).mkdir()
            _write_json(scratch / STATE, seal(plan.to_json(), STATE_SEAL))
            os.rename(scratch, partial)
        except OSError as error:
            lock.release()
            shutil.rmtree(scratch, ignore_errors=True)
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise StoreError(f"cannot start the run in {partial}: {error}") from None
            if exact:
                raise _taken(partial, candidate) from None
            continue
        return partial, lock, plan
    raise StoreError(f"too many results named {target.name} in {target.parent}")


def _taken(partial: Path, target: Path) -> StoreError:
    pid = holder(partial)
    if pid is not None:
        return StoreError(
            f"a run of {target} is being written right now by process {pid or '?'} in "
            f"{partial}; wait for it to finish (or stop it, then `triad run --resume {target}`)"
        )
    return StoreError(
        f"an interrupted run of {target} is in {partial}: finish it with "
        f"`triad run --resume {target}`, or delete that folder"
    )


def resume_run(
    path: Path,
    *,
    executor: ExecutorLike = None,
    progress: Progress | None = None,
    draw: Drawer | None = None,
) -> RunResult:
    """Finish an interrupted streamed run: compute the missing chunks, then store it.

    Args:
        path: The intended result folder (``--out``, or the path printed when the run
            stopped), or its ``.<name>.partial-resumable`` folder.
        executor: Where the missing chunks run (need not be the original one).
        progress: Called with (world-months done, world-months in all) per chunk.
        draw: Draws the charts if the run was started with them
            (:func:`triad.reports.run.draw_charts`).

    Returns:
        The stored run, equal to an uninterrupted one.

    Raises:
        StoreError: If there is no interrupted run at ``path``, another process is working
            on it, its progress file is damaged, or a finished chunk is damaged or belongs
            to another run (naming the file to remove so that it is computed again).
        ResourceError: If the disk cannot hold the missing chunks.
    """
    partial = _find_partial(Path(path))
    try:
        lock = FolderLock(partial)
    except LockedError as error:
        raise StoreError(
            f"the run in {partial} is being written right now by process {error.pid or '?'}; "
            "a second --resume is refused (wait for it to finish, or stop it first)"
        ) from None
    except OSError as error:
        raise StoreError(f"cannot lock {partial}: {error.strerror or error}") from None
    try:
        plan = _read_plan(partial)
        scenario = _plan_scenario(partial, plan)
        done = _verified_parts(partial, plan, scenario)
        left = sum(count for first, count in plan.chunks if first not in done)
        check_disk(partial, stream_disk_bytes(left, scenario.months), f"resuming {plan.target}")
        with open_executor(executor) as ex:
            return _complete(partial, plan, ex, progress, done, draw)
    finally:
        lock.release()


def _read_plan(partial: Path) -> StreamPlan:
    where = partial / STATE
    try:
        data = read_sealed(where, STATE_SEAL, STATE_BYTES, required=True)
        return StreamPlan.from_json(data)
    except (OSError, DamagedFile, StoreError) as error:
        reason = error.strerror if isinstance(error, OSError) else error
        raise StoreError(
            f"{where} cannot be read: {reason}; this run cannot be resumed (delete {partial} "
            "and run it again)"
        ) from None


def _plan_scenario(partial: Path, plan: StreamPlan) -> Scenario:
    try:
        return plan.scenario
    except (ValueError, TypeError, KeyError, RecursionError) as error:
        first = " ".join(str(error).splitlines()[:2])
        raise StoreError(
            f"{partial / STATE}: its scenario is not valid for this version of triad: {first}"
        ) from None


def _find_partial(path: Path) -> Path:
    absolute = Path(os.path.abspath(path))
    try:
        if not is_partial(absolute) and (absolute / MANIFEST).is_file():
            raise StoreError(f"{path} is a finished result: there is nothing to resume")
        for candidate in (absolute, resumable_folder(absolute)):
            if (candidate / STATE).is_file():
                return candidate
    except OSError as error:
        raise StoreError(f"cannot look for a run at {path}: {error.strerror or error}") from None
    raise StoreError(
        f"no interrupted run at {path}: expected {resumable_folder(absolute)}/{STATE} "
        "(give the --out folder of the run, or the folder printed when it stopped)"
    )


# --------------------------------------------------------------------------- running
def _complete(
    partial: Path,
    plan: StreamPlan,
    executor: Executor,
    progress: Progress | None,
    done: set[int],
    draw: Drawer | None,
) -> RunResult:
    """Run the chunks not yet on disk, finish the folder and give it its final name."""
    scenario = plan.scenario
    try:
        with signals_raise_exit():
            values = _run_missing(partial, plan, scenario, executor, progress, done)
            manifest = _finish(partial, plan, scenario, executor, draw, values)
            final = publish(partial, plan.target, exact=plan.exact)
    except (KeyboardInterrupt, SystemExit) as error:
        error.add_note(_resume_hint(partial, plan))
        raise
    except NonFiniteError as error:
        raise NonFiniteError(
            f"{error} (the chunks finished before it are in {partial}; delete that folder)"
        ) from None
    except Exception as error:
        hint = _resume_hint(partial, plan)
        raise InterruptedRunError(f"the run stopped: {error}. {hint}") from error
    _drop_scaffolding(final)
    parts = find_parts(final / PARTS, scenario.months)
    events = read_events(final / EVENTS)
    return RunResult(PartitionedSimulation.from_parts(scenario, parts, events), manifest, final)


def _resume_hint(partial: Path, plan: StreamPlan) -> str:
    done = len(_finished(partial))
    return (
        f"{done} of {len(plan.chunks)} chunks are kept in {partial}; finish the run with "
        f"`triad run --resume {plan.target}`"
    )


def _finished(partial: Path) -> set[int]:
    """First worlds of the chunks whose series part is on disk (unchecked)."""
    folder = partial / PARTS
    try:
        names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    except OSError:
        return set()
    return {int(n[5:17]) for n in names if _is_part_name(n)}


def _is_part_name(name: str) -> bool:
    digits = name[5:17]
    return (
        len(name) == len(part_name(0))
        and name.startswith("part-")
        and name.endswith(".parquet")
        and digits.isascii()
        and digits.isdigit()
    )


def _run_missing(
    partial: Path,
    plan: StreamPlan,
    scenario: Scenario,
    executor: Executor,
    progress: Progress | None,
    done: set[int],
) -> CheckpointValues | None:
    """Run the chunks not yet on disk, each written as a part where it ran.

    Returns:
        The summary's values of every world, gathered from the chunks as they finished,
        or None if some chunks had finished before (a resumed run reads them from the
        parts).
    """
    chunks = ChunkPlan(plan.chunks, scenario.months)
    tasks = chunks.tasks(scenario, log_worlds=plan.log_worlds, skip=done)
    if progress is not None:
        progress(chunks.done_before(tasks), chunks.total)
    gathered: dict[int, CheckpointValues] = {}

    def written(part: WrittenPart) -> None:
        for folder, entry in part.files.items():  # hashed by this run's worker as it wrote them
            remember_digest(partial / folder / part.name, entry["sha256"])
        gathered[part.first_world] = part.checkpoints

    if isinstance(executor, LocalExecutor):
        _run_here(partial, scenario, chunks, tasks, written, progress)
    else:
        writer = PartWriter(partial, chunk_runner())
        map_plan(chunks, tasks, executor, writer, written, progress=progress)
    if done:
        return None
    order = [gathered[first] for first, _ in plan.chunks]
    return {m: np.concatenate([v[m] for v in order], axis=1) for m in order[0]}


def _run_here(
    partial: Path,
    scenario: Scenario,
    chunks: ChunkPlan,
    tasks: list[ChunkTask],
    written: Callable[[WrittenPart], None],
    progress: Progress | None,
) -> None:
    """Run the chunks in this process, each part written while the next chunk simulates.

    See :mod:`triad.runs.write_behind`; ``progress`` hears of a chunk once its part is
    written.
    """
    done = chunks.done_before(tasks)

    def sink(index: int, part: WrittenPart) -> None:
        nonlocal done
        written(part)
        done += tasks[index].count * chunks.months
        if progress is not None:
            progress(done, chunks.total)

    def write(result: ChunkResult) -> WrittenPart:
        return _write_part(partial, scenario, result)

    map_writing_behind(tasks, scenario.months, chunk_runner(), write, sink)


@dataclass(frozen=True)
class WrittenPart:
    """What a worker sends back for a chunk it wrote: names and checksums, few values.

    Attributes:
        name: The part's file name.
        first_world: Global index of the chunk's first world.
        files: Per folder (series, events), the part's file's bytes and SHA-256.
        checkpoints: The chunk's values of the summary's metrics at the checkpoints
            (:func:`~triad.runs.ensemble.checkpoint_values`, 144 bytes a world).
    """

    name: str
    first_world: int
    files: dict[str, dict[str, Any]]
    checkpoints: CheckpointValues


@dataclass(frozen=True)
class PartWriter:
    """Runs a chunk and writes it as a part where it ran (on a process pool or Dask worker).

    On the ``local`` executor :func:`_run_here` does the same with the writing behind the
    next chunk's simulation.

    Only the part's checksums and the chunk's few values the summary needs travel back to
    the main process, not its metrics; the parts are written side by side on as many
    workers as the executor has. The chunk records into its thread's reused buffer
    (:func:`~triad.runs.buffers.chunk_buffer`): the part is written before the next chunk
    starts.

    Attributes:
        partial: The run's partial folder (on a disk every worker sees).
        run: What simulates a chunk (:func:`~triad.runs.faults.chunk_runner`).
    """

    partial: Path
    run: ChunkRunner

    def __call__(self, task: ChunkTask) -> WrittenPart:
        """Simulate the chunk and write its part (see :func:`_write_part`)."""
        scenario = Scenario.model_validate_json(task.scenario)
        result = self.run(task, chunk_buffer(scenario.months, task.count))
        return _write_part(self.partial, scenario, result)


def _write_part(partial: Path, scenario: Scenario, result: ChunkResult) -> WrittenPart:
    """Write a chunk's events, its record, then its series part (whose presence marks it done).

    Returns:
        The part's name, its files' sizes and checksums, and its summary values.

    Raises:
        NonFiniteError: If the chunk holds a NaN or infinite metric (nothing is written).
    """
    first = result.first_world
    ids = np.arange(first, first + result.count, dtype=np.int64)
    sim = Simulation(scenario, ids, result.data, result.events)
    check_finite(sim)
    name = part_name(first)
    files: dict[str, dict[str, Any]] = {}
    scratches = {}
    for folder, write in ((EVENT_PARTS, write_events), (PARTS, write_series)):
        scratch = partial / folder / f".{name}.tmp"
        write(sim, scratch)
        fsync_file(scratch)
        files[folder] = {"bytes": scratch.stat().st_size, "sha256": file_digest(scratch)}
        scratches[folder] = scratch
    record = {
        "format": PART_FORMAT,
        "part": name,
        **run_binding(sim),
        "series": files[PARTS],
        "events": files[EVENT_PARTS],
    }
    os.replace(scratches[EVENT_PARTS], partial / EVENT_PARTS / name)
    _write_json(partial / CHECKS / f"{name}.json", seal(record, RECORD_SEAL))
    os.replace(scratches[PARTS], partial / PARTS / name)
    fsync_dir(partial / PARTS)
    return WrittenPart(name, first, files, checkpoint_values(sim))


# --------------------------------------------------------------------------- checking
def _verified_parts(partial: Path, plan: StreamPlan, scenario: Scenario) -> set[int]:
    """First worlds of the finished chunks, each checked against its record and the plan.

    Raises:
        StoreError: Naming the first part that is damaged or belongs to another run.
    """
    chunks = dict(plan.chunks)
    expected = {"scenario_hash": provenance.scenario_hash(scenario), "seed": scenario.seed}
    done = set()
    for first in sorted(_finished(partial)):
        path = partial / PARTS / part_name(first)
        problem = _part_problem(partial, path, first, chunks, expected, scenario.months)
        if problem:
            raise StoreError(
                f"{path}: {problem}; it is not used: remove it (its chunk is then computed "
                "again) and resume"
            )
        done.add(first)
    return done


def _part_problem(
    partial: Path,
    path: Path,
    first: int,
    chunks: dict[int, int],
    expected: dict[str, Any],
    months: int,
) -> str | None:
    """What is wrong with a finished part, or None if it is this run's and undamaged."""
    if first not in chunks:
        return "it is not a chunk of this run's plan"
    want = {**expected, "first_world": first, "worlds": chunks[first], "months": months}
    try:
        record = read_sealed(
            partial / CHECKS / f"{path.name}.json", RECORD_SEAL, RECORD_BYTES, required=True
        )
    except FileNotFoundError:
        return f"it has no record in {CHECKS}/: it was not written by this run"
    except (OSError, DamagedFile) as error:
        return f"its record cannot be trusted: {error}"
    differs = [k for k, v in want.items() if record.get(k) != v]
    if record.get("format") != PART_FORMAT or record.get("part") != path.name:
        return "its record is not a record of this part"
    if differs:
        return f"it belongs to another run: its {', '.join(differs)} differ from this run's"
    files = [(path, record.get("series"))]
    events = partial / EVENT_PARTS / path.name
    if (partial / EVENT_PARTS).is_dir():
        files.append((events, record.get("events")))
    for file, entry in files:  # checksums first; a mismatch is only told apart from a copy
        problem = _digest_problem(file, entry)
        if problem:
            return _foreign(path, want) or problem
    return _foreign(path, want)


def _foreign(path: Path, want: dict[str, Any]) -> str | None:
    """Say so if a series part's Parquet metadata names another run (a part copied in)."""
    try:
        found = binding(path)
    except StoreError:
        return None  # unreadable: reported as damaged by its checksum
    if found is not None and any(found.get(k) != v for k, v in want.items()):
        return "it belongs to another run (its Parquet metadata names another run)"
    return None


def _digest_problem(path: Path, entry: object) -> str | None:
    if not isinstance(entry, dict):
        return "its record lacks the file's checksum"
    try:
        if path.stat().st_size != entry.get("bytes") or file_digest(path) != entry.get("sha256"):
            return f"{path.name} in {path.parent.name}/ is damaged (its SHA-256 differs)"
    except FileNotFoundError:
        return f"{path.parent.name}/{path.name} is missing"
    except OSError as error:
        return f"{path.parent.name}/{path.name} cannot be read: {error.strerror or error}"
    return None


# --------------------------------------------------------------------------- finishing
def _finish(
    partial: Path,
    plan: StreamPlan,
    scenario: Scenario,
    executor: Executor,
    draw: Drawer | None,
    values: CheckpointValues | None = None,
) -> Manifest:
    """Merge the events, summarise, draw, write the manifest (``progress.json`` stays).

    The summary is computed from ``values`` (every world's, gathered from the chunks) when
    given, from the parts otherwise: the same numbers either way.
    """
    parts = find_parts(partial / PARTS, scenario.months)
    covered = sum(p.count for p in parts)
    if covered != scenario.worlds:
        raise StoreError(f"{partial}: the parts hold {covered} of {scenario.worlds} worlds")
    _verified_parts(partial, plan, scenario)  # cheap: digests are known for this process
    events = _merged_events(partial, plan)
    sim = PartitionedSimulation.from_parts(scenario, parts, events)
    write_events(sim, partial / EVENTS)
    fsync_file(partial / EVENTS)
    write_inputs(scenario, sim.world_ids, partial / INPUTS)
    summary(sim, values=values).to_csv(partial / SUMMARY, index=False)
    manifest = replace(plan.manifest, finished=provenance.now(), executor=executor.name)
    if plan.charts and draw is not None:
        draw(RunResult(sim, manifest), partial / CHARTS, plan.charts)
    shutil.rmtree(partial / EVENT_PARTS, ignore_errors=True)
    for scratch in (partial / PARTS).glob(".*.tmp"):  # a write killed before its rename
        scratch.unlink()
    stored = manifest.sealed(describe_files(partial, skip=SCAFFOLD))
    _write_json(partial / MANIFEST, stored.to_json())
    fsync_tree(partial)
    return stored


def _drop_scaffolding(final: Path) -> None:
    """Remove what only the partial folder needed, once the result has its final name."""
    for name in (STATE, LOCK):
        with contextlib.suppress(OSError):
            (final / name).unlink()
    for name in (CHECKS, EVENT_PARTS):
        shutil.rmtree(final / name, ignore_errors=True)
    with contextlib.suppress(OSError):
        fsync_dir(final)


def _merged_events(partial: Path, plan: StreamPlan) -> pd.DataFrame:
    """Every chunk's events in world order, sorted by world and month like an in-memory run.

    If a previous attempt at finishing got as far as merging them, reads the merged file.
    """
    if not (partial / EVENT_PARTS).is_dir():
        return read_events(partial / EVENTS)
    frames = [read_events(partial / EVENT_PARTS / part_name(first)) for first, _ in plan.chunks]
    return ordered_events(frames)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    scratch = path.with_name(f".{path.name}.tmp")
    scratch.write_text(dump_json(data), encoding="utf-8")
    fsync_file(scratch)
    os.replace(scratch, path)
