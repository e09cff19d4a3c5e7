"""The results store: one folder per run, written atomically, read back whole.

A result folder holds:

* ``manifest.json``: what produced the run (see :mod:`triad.experiments.provenance`) and,
  under ``files``, every file of the folder with its size and SHA-256;
* ``series.parquet``: one row per world and month: ``world``, ``month`` (0 = the start
  month), ``date`` (``YYYY-MM``; the row holds the state at the end of that month), then
  one column per metric in ``METRIC_NAMES`` order; each row group holds whole worlds;
  a large run streamed to disk chunk by chunk (:mod:`triad.experiments.streaming`) has
  instead ``series/part-<first world>.parquet``, one file per chunk with the same columns
  (``layout: partitioned`` in the manifest; see :mod:`triad.experiments.dataset`);
* ``events.parquet``: the event log: ``world``, ``month``, ``date``, ``actor``, ``kind``,
  ``detail``;
* ``summary.csv``: median and 90% interval of the key metrics at the checkpoints;
* ``charts/<metric>.png``: a fan chart of each key metric. Charts are derived from the
  data and may be redrawn (``triad show``), so only the data files are checked on reading.

By default a run goes to ``<root>/<scenario>/<YYYYmmdd-HHMMSS>-<hash8>/`` (the UTC start
time and the first characters of the scenario hash). Every file is first written to a
hidden sibling ``.<name>.partial-<pid>-<random>``, synced, and renamed to its final name
at the very end, so a folder with a ``manifest.json`` at a final path is always complete
and an existing result is never overwritten. If writing fails, or the process gets
SIGINT or SIGTERM, the partial folder is removed; after SIGKILL or a power cut it stays
behind, hidden, and every reader here ignores it. A streamed run writes into
``.<name>.partial-resumable`` instead, which is kept when the run is interrupted so that
``triad run --resume`` can finish it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from triad.errors import StoreError
from triad.experiments import provenance
from triad.experiments.dataset import PARTS, PartitionedSimulation, find_parts
from triad.experiments.ensemble import KEY_METRICS, summary
from triad.experiments.folders import check_new_folder
from triad.experiments.results import RunResult
from triad.model.metrics import METRIC_BY_NAME, METRIC_NAMES
from triad.model.simulation import Simulation
from triad.scenario.schema import Scenario

__all__ = [
    "CHARTS",
    "EVENTS",
    "FORMAT",
    "MANIFEST",
    "SERIES",
    "SUMMARY",
    "check_target",
    "default_folder",
    "draw_charts",
    "inspect_run",
    "is_partial",
    "list_runs",
    "read_run",
    "save_run",
    "write_run",
]

FORMAT: Final = "triad-run/1"
"""The ``format`` of the manifests this module reads (written by ``provenance.manifest``)."""
MANIFEST: Final = "manifest.json"
SERIES: Final = "series.parquet"
EVENTS: Final = "events.parquet"
SUMMARY: Final = "summary.csv"
CHARTS: Final = "charts"
DATA_FILES: Final = (SERIES, EVENTS, SUMMARY)
"""The files a complete result must hold besides its manifest."""
ROW_GROUP_ROWS: Final = 131_072
"""Rows per Parquet row group, rounded down to whole worlds (~60 MB of metrics)."""
PARQUET_OPTIONS: Final[dict[str, Any]] = {
    "compression": "zstd",
    "compression_level": 1,
    "use_dictionary": ["world", "month", "date"],
    "use_byte_stream_split": list(METRIC_NAMES),
}
"""How ``series.parquet`` is encoded: dictionary-encoding the metrics' floats would be slow
and large; byte-stream-split with fast zstd writes 20,000 worlds x 60 months in ~1.5 s at
about 60% of the raw size."""
MANIFEST_KEYS: Final = ("scenario", "scenario_hash", "seed", "worlds", "months", "started")
LIST_COLUMNS: Final = ("path", "scenario", "worlds", "months", "seed", "started", "hash", "status")
LAYOUT_PARTITIONED: Final = "partitioned"
"""The manifest's ``layout`` for a series stored as ``series/part-*.parquet``."""
_PARTIAL: Final = re.compile(r"^\..+\.partial-(\d+-[0-9a-f]+|resumable)$")
_CLEANUP_SIGNALS: Final = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


# --------------------------------------------------------------------------- writing
def write_run(
    result: RunResult, out: Path | None = None, root: Path = Path("runs"), charts: bool = True
) -> Path:
    """Store a run in a new result folder, atomically.

    Args:
        result: The run to store. An empty manifest is replaced by a fresh one.
        out: Exactly this folder, which must not exist or be empty (default: a new
            folder under ``root``, see :func:`default_folder`).
        root: The results store.
        charts: Draw a fan chart of each key metric.

    Returns:
        The result folder.

    Raises:
        StoreError: If ``out`` exists and is not an empty folder, or writing fails.
    """
    path, _ = _store(result, out, root, charts)
    return path


def save_run(
    result: RunResult, *, out: Path | None = None, root: Path = Path("runs"), charts: bool = True
) -> RunResult:
    """Like :func:`write_run`, but return the stored run: its manifest (with ``files``) and path.

    The given ``result`` is not modified.
    """
    path, manifest = _store(result, out, root, charts)
    return RunResult(result.simulation, manifest, path)


def _store(
    result: RunResult, out: Path | None, root: Path, charts: bool
) -> tuple[Path, dict[str, Any]]:
    """Write the result folder; return where it went and the manifest written."""
    written = provenance.now()
    base = provenance.manifest(result.scenario, written, written) | dict(result.manifest)
    target = check_target(out) if out is not None else default_folder(root, base)
    partial = _partial_path(target)
    with _signals_raise_exit():
        try:
            manifest = _fill(partial, result, base, charts)
            final = _publish(partial, target, exact=out is not None)
        except OSError as error:
            raise StoreError(f"could not store the run in {target}: {error}") from error
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return final, manifest


def check_target(out: Path) -> Path:
    """Check that ``out`` can receive a result: it must not exist, or be an empty folder.

    Returns:
        ``out`` as an absolute path.

    Raises:
        StoreError: If ``out`` is a file or a folder that is not empty.
    """
    return check_new_folder(out)


def default_folder(root: Path, manifest: dict[str, Any]) -> Path:
    """Where a run goes by default: ``root/<scenario>/<YYYYmmdd-HHMMSS>-<hash8>``.

    The scenario name has ``/`` replaced by ``_`` and a leading ``.`` by ``_`` (so that a
    result is never hidden nor outside ``root``); the time is the run's UTC start.

    Args:
        root: The results store.
        manifest: The run's manifest (``scenario_name``, ``scenario_hash``, ``started``).
    """
    name = str(manifest["scenario_name"]).replace("/", "_")
    name = "_" + name[1:] if name.startswith(".") else name
    return root / name / f"{_stamp(manifest.get('started'))}-{manifest['scenario_hash'][:8]}"


def _stamp(started: object) -> str:
    try:
        when = datetime.fromisoformat(str(started))
    except ValueError:
        when = datetime.now(UTC)
    when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _partial_path(target: Path) -> Path:
    """The hidden sibling a result is written into before it gets its name."""
    return target.with_name(f".{target.name}.partial-{os.getpid()}-{secrets.token_hex(4)}")


def _fill(
    folder: Path, result: RunResult, manifest: dict[str, Any], charts: bool
) -> dict[str, Any]:
    """Create ``folder``, write every file of a result, the manifest last, and sync them."""
    folder.mkdir(parents=True)
    sim = result.simulation
    _write_series(sim, folder / SERIES)
    _write_events(sim, folder / EVENTS)
    summary(sim).to_csv(folder / SUMMARY, index=False)
    if charts:
        draw_charts(result, folder / CHARTS)
    stored = {**manifest, "files": _describe_files(folder)}
    text = json.dumps(stored, indent=2, allow_nan=False) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8")
    _fsync_tree(folder)
    return stored


def _publish(partial: Path, target: Path, *, exact: bool) -> Path:
    """Rename the finished folder to its final name; never onto a non-empty folder.

    A default name already taken (two runs started in the same second) gets ``-2``,
    ``-3``, ... appended; an exact ``out`` that filled up meanwhile is an error.
    """
    numbered = (target.with_name(f"{target.name}-{n}") for n in range(2, 1000))
    for candidate in [target] if exact else [target, *numbered]:
        if _rename_unless_taken(partial, candidate):
            _fsync_dir(candidate.parent)
            return candidate
    if exact:
        raise StoreError(f"{target} was filled by someone else while the run was written")
    raise StoreError(f"too many results named {target.name} in {target.parent}")


def _rename_unless_taken(source: Path, target: Path) -> bool:
    """Rename ``source`` to ``target``; False if ``target`` is a folder that is not empty.

    ``os.rename`` replaces an empty folder but never a non-empty one (POSIX), so there is
    no moment at which another process's result could be overwritten.
    """
    try:
        os.rename(source, target)
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            return False
        raise
    return True


@contextlib.contextmanager
def _signals_raise_exit() -> Iterator[None]:
    """While writing, turn SIGTERM and SIGHUP into ``SystemExit`` so that cleanup runs.

    Only in the main thread and only where the signal has its default action (which
    would kill the process without running ``finally`` blocks); SIGINT already raises
    ``KeyboardInterrupt``.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in _CLEANUP_SIGNALS}
    for sig, handler in previous.items():
        if handler is signal.SIG_DFL:
            signal.signal(sig, _exit_on_signal)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is signal.SIG_DFL:
                signal.signal(sig, handler)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


# --------------------------------------------------------------------------- the files
def _series_schema(dtype: np.dtype[Any]) -> pa.Schema:
    value = pa.from_numpy_dtype(dtype)
    metrics = [
        pa.field(name, value, metadata={"unit": METRIC_BY_NAME[name].unit}) for name in METRIC_NAMES
    ]
    keys = [pa.field("world", pa.int64()), pa.field("month", pa.int64())]
    return pa.schema([*keys, pa.field("date", pa.string()), *metrics])


def _write_series(sim: Simulation, path: Path) -> None:
    """Write the metrics world by world, a bounded block of whole worlds at a time."""
    months, _, worlds = sim.data.shape
    schema = _series_schema(sim.data.dtype)
    per_group = max(1, ROW_GROUP_ROWS // months)
    with pq.ParquetWriter(path, schema, **PARQUET_OPTIONS) as writer:
        for start in range(0, worlds, per_group):
            block = _series_block(sim, slice(start, start + per_group), schema)
            writer.write_table(block, row_group_size=block.num_rows)


def _series_block(sim: Simulation, worlds: slice, schema: pa.Schema) -> pa.Table:
    data = sim.data[:, :, worlds]
    months, _, count = data.shape
    columns: dict[str, Any] = {
        "world": np.repeat(sim.world_ids[worlds], months),
        "month": np.tile(np.arange(months, dtype=np.int64), count),
        "date": np.tile(np.asarray(sim.dates, dtype=object), count),
    }
    for i, name in enumerate(METRIC_NAMES):
        columns[name] = np.ascontiguousarray(data[:, i, :].T).reshape(-1)
    return pa.table(columns, schema=schema)


def _events_schema() -> pa.Schema:
    keys = [pa.field("world", pa.int64()), pa.field("month", pa.int64())]
    texts = [pa.field(name, pa.string()) for name in ("date", "actor", "kind", "detail")]
    return pa.schema(keys + texts)


def _write_events(sim: Simulation, path: Path) -> None:
    events = sim.events
    months = events["month"].to_numpy(dtype=np.int64)
    columns = {
        "world": events["world"].to_numpy(dtype=np.int64),
        "month": months,
        "date": np.asarray(sim.dates, dtype=object)[months],
        **{name: events[name].to_numpy(dtype=object) for name in ("actor", "kind", "detail")},
    }
    pq.write_table(pa.table(columns, schema=_events_schema()), path, compression="zstd")


def draw_charts(
    result: RunResult, folder: Path, metrics: Sequence[str] = KEY_METRICS
) -> list[Path]:
    """Draw a fan chart of each metric into ``folder/<metric>.png`` (Agg canvas, no pyplot).

    Each file is written under a temporary name and renamed over the old one, so a chart
    is never half-written.

    Args:
        result: The run (see :meth:`RunResult.plot`).
        folder: Where the charts go; created if missing.
        metrics: The metrics to chart.

    Returns:
        The chart files.

    Raises:
        StoreError: If a chart cannot be written.
    """
    from triad.plots.style import save

    paths = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for metric in metrics:
            path = folder / f"{metric}.png"
            scratch = folder / f".{metric}.partial-{os.getpid()}-{secrets.token_hex(4)}.png"
            figure = result.plot(metric)
            try:
                save(figure, scratch)
            finally:
                figure.clear()
            os.replace(scratch, path)
            paths.append(path)
    except OSError as error:
        raise StoreError(f"could not write charts to {folder}: {error}") from error
    return paths


def _describe_files(folder: Path) -> dict[str, dict[str, Any]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {
        p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in files
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_tree(folder: Path) -> None:
    """Flush every file, then every folder (deepest first), of ``folder`` to disk."""
    entries = sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True)
    for path in entries:
        if path.is_file():
            _fsync_file(path)
    for path in [*(p for p in entries if p.is_dir()), folder]:
        _fsync_dir(path)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # Windows cannot open a folder to sync it
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- reading
def is_partial(path: Path) -> bool:
    """True for the hidden folder of a write in progress, or one that was killed."""
    return bool(_PARTIAL.match(path.name))


def inspect_run(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """Check a folder without reading its data: is it a complete result?

    Returns:
        The manifest (None if unreadable) and the problems found (empty if complete).
    """
    if is_partial(path):
        return None, ["it is an unfinished write (interrupted, or still being written)"]
    if not path.is_dir():
        return None, ["it does not exist" if not path.exists() else "it is not a folder"]
    manifest, problems = _read_manifest(path / MANIFEST)
    if manifest is not None:
        problems += _file_problems(path, manifest)
    return manifest, problems


def _read_manifest(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    if not path.is_file():
        return None, [f"{MANIFEST} is missing"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, [f"{MANIFEST} cannot be read: {error}"]
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        return None, [f"{MANIFEST} is not a {FORMAT} manifest (format: {found!r})"]
    missing = [key for key in (*MANIFEST_KEYS, "files") if key not in manifest]
    if missing:
        return manifest, [f"{MANIFEST} lacks {', '.join(missing)}"]
    return manifest, []


def _file_problems(folder: Path, manifest: dict[str, Any]) -> list[str]:
    files = manifest.get("files")
    listed = files if isinstance(files, dict) else {}
    problems = []
    names: list[str] = list(DATA_FILES)
    if manifest.get("layout") == LAYOUT_PARTITIONED:
        parts = [name for name in listed if name.startswith(f"{PARTS}/")]
        names = [*parts, EVENTS, SUMMARY]
        if not parts:
            problems.append(f"{MANIFEST} lists no {PARTS}/ parts")
    for name in names:
        path = folder / name
        entry = listed.get(name)
        expected = entry.get("bytes") if isinstance(entry, dict) else None
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif expected is not None and path.stat().st_size != expected:
            size = path.stat().st_size
            problems.append(f"{name} has {size} bytes, the manifest says {expected}")
    return problems


def read_run(path: Path, *, lazy: bool = False) -> RunResult:
    """Read a stored result back: its scenario, every metric of every world, the events.

    Reads both layouts: one ``series.parquet``, or the ``series/`` parts of a streamed run.

    Args:
        path: A result folder written by :func:`write_run` or a streamed run.
        lazy: For a streamed run, keep the metrics on disk: the simulation is a
            :class:`~triad.experiments.dataset.PartitionedSimulation` that reads one metric
            at a time (for runs larger than memory). Ignored for a single ``series.parquet``.

    Returns:
        The run, with the stored manifest and ``path``.

    Raises:
        StoreError: If the folder is not a complete result, naming the path and what is
            missing or wrong.
    """
    folder = Path(path)
    manifest, problems = inspect_run(folder)
    if problems or manifest is None:
        raise StoreError(f"{path} is not a complete triad result: {'; '.join(problems)}")
    scenario = _scenario(folder, manifest)
    events = _read_events(folder / EVENTS)
    if manifest.get("layout") == LAYOUT_PARTITIONED:
        sim = _read_partitioned(folder / PARTS, scenario, events, lazy)
        return RunResult(sim, manifest, folder)
    world_ids, data = _read_series(folder / SERIES, scenario.months)
    return RunResult(Simulation(scenario, world_ids, data, events), manifest, folder)


def _read_partitioned(
    folder: Path, scenario: Scenario, events: pd.DataFrame, lazy: bool
) -> Simulation:
    """The series parts as a lazy simulation, or read whole, part by part, into memory."""
    parts = find_parts(folder, scenario.months)
    lazy_sim = PartitionedSimulation.from_parts(scenario, parts, events)
    if lazy:
        return lazy_sim
    data = np.empty((scenario.months, len(METRIC_NAMES), len(lazy_sim.world_ids)), np.float32)
    offset = 0
    for part in parts:
        ids, values = _read_series(part.path, scenario.months)
        if not np.array_equal(ids, np.arange(part.first_world, part.first_world + part.count)):
            raise StoreError(f"{part.path} does not hold the worlds its name says")
        data[:, :, offset : offset + part.count] = values
        offset += part.count
    return Simulation(scenario, lazy_sim.world_ids, data, events)


def _scenario(folder: Path, manifest: dict[str, Any]) -> Scenario:
    try:
        return Scenario.model_validate(manifest["scenario"])
    except ValueError as error:  # pydantic.ValidationError is a ValueError
        first = str(error).splitlines()[:3]
        raise StoreError(
            f"{folder / MANIFEST}: the stored scenario is not valid for this version of "
            f"triad: {' '.join(first)}"
        ) from None


def _read_table(path: Path, columns: Sequence[str]) -> pa.Table:
    """Read the given columns of a Parquet file (they must all be there)."""
    try:
        present = pq.read_schema(path).names
        missing = [c for c in columns if c not in present]
        if missing:
            raise StoreError(f"{path} lacks the columns {', '.join(missing)}")
        return pq.read_table(path, columns=list(columns))
    except (OSError, ValueError, pa.ArrowException) as error:
        raise StoreError(f"{path} is not a readable Parquet file: {error}") from None


def _read_series(path: Path, months: int) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Rebuild the ``(months, metrics, worlds)`` array and the world ids from the rows.

    The values keep the precision they were stored with (the model's, single precision).
    """
    table = _read_table(path, ("world", "month", *METRIC_NAMES))
    world = table.column("world").to_numpy().astype(np.int64)
    month = table.column("month").to_numpy().astype(np.int64)
    order = _world_month_order(world, month)
    world_ids = np.unique(world)
    expected_world = np.repeat(world_ids, months)
    expected_month = np.tile(np.arange(months, dtype=np.int64), len(world_ids))
    complete = len(world) == len(expected_world) and np.array_equal(world[order], expected_world)
    if not (complete and np.array_equal(month[order], expected_month)):
        raise StoreError(f"{path} does not hold months 0..{months - 1} of every world once")
    dtype = table.schema.field(METRIC_NAMES[0]).type.to_pandas_dtype()
    data: NDArray[np.float32] = np.empty((months, len(METRIC_NAMES), len(world_ids)), dtype)
    for i, name in enumerate(METRIC_NAMES):
        values = table.column(name).to_numpy()[order]
        data[:, i, :] = values.reshape(len(world_ids), months).T
    return world_ids, data


def _world_month_order(world: NDArray[np.int64], month: NDArray[np.int64]) -> slice | NDArray[Any]:
    """Rows sorted by world, then month: all rows as they are when already sorted."""
    key = world * (int(month.max(initial=0)) + 1) + month
    if len(key) < 2 or bool(np.all(key[1:] > key[:-1])):
        return slice(None)
    return np.lexsort((month, world))


def _read_events(path: Path) -> pd.DataFrame:
    columns = ("world", "month", "actor", "kind", "detail")
    frame: pd.DataFrame = _read_table(path, columns).to_pandas()
    for key in ("world", "month"):
        frame[key] = frame[key].astype(np.int64)
    return frame


# --------------------------------------------------------------------------- listing
def list_runs(root: Path = Path("runs")) -> pd.DataFrame:
    """The results stored under ``root``, without reading their data.

    Results are folders ``root/<scenario>/<run>`` (or ``root/<run>``) holding a manifest.
    Hidden folders, among them unfinished writes, are ignored; other folders that are
    not complete results are listed with what is wrong in ``status``.

    Returns:
        Columns path, scenario, worlds, months, seed, started, hash (the scenario's
        SHA-256) and status (``ok`` or the problems), sorted by scenario and start.
    """
    rows = [_row(folder) for folder in _candidates(Path(root))]
    frame = pd.DataFrame(rows, columns=list(LIST_COLUMNS))
    frame = frame.astype({"worlds": "Int64", "months": "Int64", "seed": "Int64"})
    order = frame.sort_values(["scenario", "started", "path"], na_position="last").index
    return frame.loc[order].reset_index(drop=True)


def _candidates(root: Path) -> list[Path]:
    found = []
    for entry in _visible_folders(root):
        if any((entry / name).exists() for name in (MANIFEST, *DATA_FILES)):
            found.append(entry)
        else:
            found.extend(_visible_folders(entry))
    return found


def _visible_folders(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _row(folder: Path) -> dict[str, Any]:
    manifest, problems = inspect_run(folder)
    known = manifest or {}
    return {
        "path": str(folder),
        "scenario": known.get("scenario_name"),
        "worlds": known.get("worlds"),
        "months": known.get("months"),
        "seed": known.get("seed"),
        "started": known.get("started"),
        "hash": known.get("scenario_hash"),
        "status": "; ".join(problems) or "ok",
    }
