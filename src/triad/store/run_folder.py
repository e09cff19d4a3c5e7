"""The results store: one folder per run, written atomically, read back whole.

A result folder holds:

* ``manifest.json``: what produced the run (see :mod:`triad.store.manifest`) and,
  under ``files``, every file of the folder with its size and SHA-256;
* ``series.parquet``: one row per world and month: ``world``, ``month`` (0 = the start
  month), ``date`` (``YYYY-MM``; the row holds the state at the end of that month), then
  one column per metric in ``METRIC_NAMES`` order; each row group holds whole worlds;
  a large run streamed to disk chunk by chunk (:mod:`triad.store.streaming`) has
  instead ``series/part-<first world>.parquet``, one file per chunk with the same columns
  (``layout: partitioned`` in the manifest; see :mod:`triad.store.dataset`);
* ``events.parquet``: the event log: ``world``, ``month``, ``date``, ``actor``, ``kind``,
  ``detail``;
* ``inputs.parquet``: each world's drawn uncertain inputs, one row per world (see
  :mod:`triad.store.inputs`; results written before it existed lack it);
* ``summary.csv``: median and 90% interval of the key metrics at the checkpoints;
* ``charts/<metric>.png``: a fan chart of each key metric. Charts are derived from the
  data and may be redrawn (``triad show``), so only the data files are checked on reading.

Reading checks before it trusts (see :mod:`triad.store.integrity` and
``docs/security.md``): the manifest is read from a regular file of at most
:data:`MANIFEST_BYTES`, its own checksum (``manifest_sha256``, format ``triad-run/2``)
and its types are checked, and its worlds, months, seed and scenario hash must agree with
its scenario; every data file's SHA-256 is compared with the manifest's (once per process
per file) before it is read; a Parquet file's row count and column types are read from
its metadata and compared with the manifest's worlds x months before its rows are read.
A run holding a non-finite metric (NaN, inf) is never stored.

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
import json
import os
import re
import secrets
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from triad.errors import NonFiniteError, StoreError
from triad.model.metrics import METRIC_BY_NAME, METRIC_NAMES
from triad.runs.ensemble import summary
from triad.runs.simulation import Simulation
from triad.scenario.schema import Scenario
from triad.store import provenance
from triad.store.dataset import PARTS, PartitionedSimulation, find_parts
from triad.store.folders import check_new_folder, signals_raise_exit
from triad.store.inputs import INPUTS, write_inputs
from triad.store.integrity import (
    DamagedFile,
    canonical_digest,
    dump_json,
    file_digest,
    read_sealed,
)
from triad.store.locks import holder
from triad.store.manifest import FORMAT, LAYOUT_PARTITIONED, SEAL, Manifest, StoredFile
from triad.store.result import Drawer, RunResult

__all__ = [
    "CHARTS",
    "EVENTS",
    "MANIFEST",
    "SERIES",
    "SUMMARY",
    "check_finite",
    "check_target",
    "clean_partial",
    "default_folder",
    "describe_files",
    "fsync_dir",
    "fsync_file",
    "fsync_tree",
    "inspect_run",
    "is_partial",
    "list_partial",
    "list_runs",
    "publish",
    "read_events",
    "read_run",
    "save_run",
    "verify_run",
    "write_events",
    "write_run",
    "write_series",
]

MANIFEST_BYTES: Final = 32 * 2**20
"""Largest manifest read (a million-world streamed run lists ~21,000 parts in ~3 MB)."""
MANIFEST: Final = "manifest.json"
SERIES: Final = "series.parquet"
EVENTS: Final = "events.parquet"
SUMMARY: Final = "summary.csv"
CHARTS: Final = "charts"
EVENT_NUMBERS: Final = ("before", "after")
"""The event log's numeric columns: the values its ``detail`` text was made from."""
DATA_FILES: Final = (SERIES, EVENTS, SUMMARY)
"""The files a complete result must hold besides its manifest."""
ROW_GROUP_ROWS: Final = 131_072
"""Rows per Parquet row group, rounded down to whole worlds (~60 MB of metrics)."""
PARQUET_OPTIONS: Final[dict[str, Any]] = {
    "compression": "lz4",
    "use_dictionary": ["world", "month", "date"],
    "use_byte_stream_split": list(METRIC_NAMES),
}
"""How ``series.parquet`` is encoded: dictionary-encoding the metrics' floats would be slow
and large; byte-stream split with LZ4 writes a chunk of 12,427 worlds x 60 months in
1.07 s at 63% of the raw size, against 1.42 s and 60% with zstd at level 1 (the best of 3
writes of one chunk each, measured side by side; without compression 0.97 s at 100%)."""
LIST_COLUMNS: Final = (
    "path",
    "scenario",
    "worlds",
    "months",
    "seed",
    "started",
    "overrides",
    "hash",
    "status",
)
PARTIAL_COLUMNS: Final = ("path", "kind", "pid", "bytes", "target")
_PARTIAL: Final = re.compile(r"^\..+\.partial-(\d+-[0-9a-f]+|resumable)$")
_PARTIAL_PID: Final = re.compile(r"\.partial-(\d+)-[0-9a-f]+$")


# --------------------------------------------------------------------------- writing
def write_run(
    result: RunResult,
    out: Path | None = None,
    root: Path = Path("runs"),
    draw: Drawer | None = None,
    charts: Sequence[str] = (),
) -> Path:
    """Store a run in a new result folder, atomically.

    Args:
        result: The run to store. A run without a manifest gets a fresh one.
        out: Exactly this folder, which must not exist or be empty (default: a new
            folder under ``root``, see :func:`default_folder`).
        root: The results store.
        draw: Draws the charts into the folder's ``charts/`` before it is sealed
            (:func:`triad.reports.run.draw_charts`); none by default.
        charts: The charts ``draw`` draws, by name (see :data:`~triad.store.result.Drawer`).

    Returns:
        The result folder.

    Raises:
        StoreError: If ``out`` exists and is not an empty folder, or writing fails.
    """
    path, _ = _store(result, out, root, draw, tuple(charts))
    return path


def save_run(
    result: RunResult,
    *,
    out: Path | None = None,
    root: Path = Path("runs"),
    draw: Drawer | None = None,
    charts: Sequence[str] = (),
) -> RunResult:
    """Like :func:`write_run`, but return the stored run: its manifest (with ``files``) and path.

    The given ``result`` is not modified.
    """
    path, manifest = _store(result, out, root, draw, tuple(charts))
    return RunResult(result.simulation, manifest, path)


def _store(
    result: RunResult, out: Path | None, root: Path, draw: Drawer | None, charts: tuple[str, ...]
) -> tuple[Path, Manifest]:
    """Write the result folder; return where it went and the manifest written."""
    written = provenance.now()
    base = result.manifest or provenance.manifest(result.scenario, written, written)
    target = check_target(out) if out is not None else default_folder(root, base)
    check_finite(result.simulation)
    partial = _partial_path(target)
    with signals_raise_exit():
        try:
            manifest = _fill(partial, result, base, draw, charts)
            final = publish(partial, target, exact=out is not None)
        except OSError as error:
            raise StoreError(f"could not store the run in {target}: {error}") from error
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return final, manifest


def check_target(out: Path) -> Path:
    """Check that ``out`` can receive a result: new or empty, and inside no other result.

    It must not exist, or be an empty folder, and must not lie inside another stored
    result or an unfinished one.

    Returns:
        ``out`` as an absolute path.

    Raises:
        StoreError: If ``out`` is a file, a folder that is not empty, or inside a result.
    """
    target = check_new_folder(out)
    for parent in target.parents:
        try:
            inside = is_partial(parent) or (parent / MANIFEST).is_file()
        except OSError:
            continue
        if inside:
            raise StoreError(
                f"{out} lies inside the result {parent}; a result is never written into "
                "another (choose a folder outside it)"
            )
    return target


def check_finite(sim: Simulation) -> None:
    """Refuse to store metrics that are not finite numbers.

    Raises:
        NonFiniteError: Naming the first metric, world and month that is NaN or infinite.
    """
    for i, metric in enumerate(METRIC_NAMES):
        values = sim.data[:, i, :]
        bad = ~np.isfinite(values)
        if bad.any():
            month, column = (int(k[0]) for k in np.nonzero(bad))
            raise NonFiniteError(
                f"the run's metric {metric} is {values[month, column]} in world "
                f"{int(sim.world_ids[column])} at {sim.dates[month]} (month {month}): a run "
                "with non-finite values is not stored (an event or a sampled value probably "
                "takes a parameter where the model's equations break down); nothing was written"
            )


def default_folder(root: Path, manifest: Manifest) -> Path:
    """Where a run goes by default: ``root/<scenario>/<YYYYmmdd-HHMMSS>-<hash8>``.

    The scenario name has ``/`` replaced by ``_`` and a leading ``.`` by ``_`` (so that a
    result is never hidden nor outside ``root``); the time is the run's UTC start.

    Args:
        root: The results store.
        manifest: The run's manifest (``scenario_name``, ``scenario_hash``, ``started``).
    """
    name = manifest.scenario_name.replace("/", "_")
    name = "_" + name[1:] if name.startswith(".") else name
    return root / name / f"{_stamp(manifest.started)}-{manifest.scenario_hash[:8]}"


def _stamp(started: str) -> str:
    try:
        when = datetime.fromisoformat(started)
    except ValueError:
        when = datetime.now(UTC)
    when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _partial_path(target: Path) -> Path:
    """The hidden sibling a result is written into before it gets its name."""
    return target.with_name(f".{target.name}.partial-{os.getpid()}-{secrets.token_hex(4)}")


def _fill(
    folder: Path,
    result: RunResult,
    manifest: Manifest,
    draw: Drawer | None,
    charts: tuple[str, ...],
) -> Manifest:
    """Create ``folder``, write every file of a result, the manifest last, and sync them."""
    folder.mkdir(parents=True)
    sim = result.simulation
    write_series(sim, folder / SERIES)
    write_events(sim, folder / EVENTS)
    write_inputs(sim.scenario, sim.world_ids, folder / INPUTS)
    summary(sim).to_csv(folder / SUMMARY, index=False)
    if draw is not None and charts:
        draw(result, folder / CHARTS, charts)
    stored = manifest.sealed(describe_files(folder))
    (folder / MANIFEST).write_text(dump_json(stored.to_json()), encoding="utf-8")
    fsync_tree(folder)
    return stored


def publish(partial: Path, target: Path, *, exact: bool) -> Path:
    """Rename the finished folder to its final name; never onto a non-empty folder.

    A default name already taken (two runs started in the same second) gets ``-2``,
    ``-3``, ... appended; an exact ``out`` that filled up meanwhile is an error.
    """
    numbered = (target.with_name(f"{target.name}-{n}") for n in range(2, 1000))
    for candidate in [target] if exact else [target, *numbered]:
        if _rename_unless_taken(partial, candidate):
            fsync_dir(candidate.parent)
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


_signals_raise_exit = signals_raise_exit
"""Kept for modules that used the private name (see ``folders.signals_raise_exit``)."""


# --------------------------------------------------------------------------- the files
BINDING: Final = b"triad"
"""Key of a series file's Parquet metadata that binds it to its run (see :func:`binding`)."""


def _series_schema(dtype: np.dtype[Any], bound: dict[str, Any] | None = None) -> pa.Schema:
    value = pa.from_numpy_dtype(dtype)
    metrics = [
        pa.field(name, value, metadata={"unit": METRIC_BY_NAME[name].unit}) for name in METRIC_NAMES
    ]
    keys = [pa.field("world", pa.int64()), pa.field("month", pa.int64())]
    schema = pa.schema([*keys, pa.field("date", pa.string()), *metrics])
    if bound is None:
        return schema
    return schema.with_metadata({BINDING: json.dumps(bound, sort_keys=True).encode()})


def run_binding(sim: Simulation) -> dict[str, Any]:
    """What ties a series file to its run: scenario hash, seed, first world, worlds, months."""
    return {
        "scenario_hash": provenance.scenario_hash(sim.scenario),
        "seed": sim.scenario.seed,
        "first_world": int(sim.world_ids[0]) if len(sim.world_ids) else 0,
        "worlds": len(sim.world_ids),
        "months": sim.months,
    }


def binding(path: Path) -> dict[str, Any] | None:
    """The run a series file was written for (:func:`run_binding`), from its metadata.

    Returns:
        The binding, or None for a file written before series files were bound.

    Raises:
        StoreError: If the file's metadata cannot be read or the binding is malformed.
    """
    try:
        metadata = pq.read_schema(path).metadata or {}
        raw = metadata.get(BINDING)
        found = None if raw is None else json.loads(raw)
    except (OSError, ValueError, RecursionError, pa.ArrowException) as error:
        raise StoreError(f"{path} is not a readable Parquet file: {error}") from None
    if found is not None and not isinstance(found, dict):
        raise StoreError(f"{path}: its run binding is not an object")
    return found


def write_series(sim: Simulation, path: Path) -> None:
    """Write the metrics world by world, a bounded block of whole worlds at a time."""
    months, _, worlds = sim.data.shape
    schema = _series_schema(sim.data.dtype, run_binding(sim))
    per_group = max(1, ROW_GROUP_ROWS // months)
    with pq.ParquetWriter(path, schema, **PARQUET_OPTIONS) as writer:
        for start in range(0, worlds, per_group):
            block = _series_block(sim, slice(start, start + per_group), schema)
            writer.write_table(block, row_group_size=block.num_rows)


def _series_block(sim: Simulation, worlds: slice, schema: pa.Schema) -> pa.Table:
    data = sim.data[:, :, worlds]
    months, _, count = data.shape
    month = np.tile(np.arange(months, dtype=np.int32), count)
    dates = pa.DictionaryArray.from_arrays(month, pa.array(list(sim.dates), pa.string()))
    columns: dict[str, Any] = {
        "world": np.repeat(sim.world_ids[worlds], months),
        "month": month.astype(np.int64),
        "date": dates.cast(pa.string()),  # no Python string per row
    }
    for i, name in enumerate(METRIC_NAMES):
        columns[name] = np.ascontiguousarray(data[:, i, :].T).reshape(-1)
    return pa.table(columns, schema=schema)


def _events_schema() -> pa.Schema:
    keys = [pa.field("world", pa.int64()), pa.field("month", pa.int64())]
    texts = [pa.field(name, pa.string()) for name in ("date", "actor", "kind", "detail")]
    numbers = [pa.field(name, pa.float64()) for name in EVENT_NUMBERS]
    return pa.schema(keys + texts + numbers)


def write_events(sim: Simulation, path: Path) -> None:
    """Write the run's event log to ``events.parquet`` (numeric before/after kept as numbers)."""
    events = sim.events
    months = events["month"].to_numpy(dtype=np.int64)
    columns = {
        "world": events["world"].to_numpy(dtype=np.int64),
        "month": months,
        "date": np.asarray(sim.dates, dtype=object)[months],
        **{name: events[name].to_numpy(dtype=object) for name in ("actor", "kind", "detail")},
        **{name: _numbers(events, name) for name in EVENT_NUMBERS},
    }
    pq.write_table(pa.table(columns, schema=_events_schema()), path, compression="zstd")


def describe_files(folder: Path, skip: Sequence[str] = ()) -> dict[str, StoredFile]:
    """Size and SHA-256 of every file under ``folder`` (but the top-level names in ``skip``)."""
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink() and p.relative_to(folder).parts[0] not in skip
    )
    return {
        p.relative_to(folder).as_posix(): StoredFile(p.stat().st_size, file_digest(p))
        for p in files
    }


def fsync_tree(folder: Path) -> None:
    """Flush every file, then every folder (deepest first), of ``folder`` to disk."""
    entries = sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True)
    for path in entries:
        if path.is_file():
            fsync_file(path)
    for path in [*(p for p in entries if p.is_dir()), folder]:
        fsync_dir(path)


def fsync_file(path: Path) -> None:
    """Flush one file's bytes to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (its files' names) to disk, where the system allows it."""
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


def inspect_run(path: Path, *, verify: bool = False) -> tuple[Manifest | None, list[str]]:
    """Check a folder without reading its data: is it a complete, undamaged result?

    Always: the manifest (size, checksum, types, agreement with its scenario) and the size
    of every data file it lists. With ``verify``, also every data file's SHA-256 (charts
    excepted: they are redrawn from the data, see :func:`triad.reports.run.draw_charts`).

    Returns:
        The manifest (None if unreadable or malformed) and the problems (empty if sound).
    """
    if is_partial(path):
        return None, ["it is an unfinished write (interrupted, or still being written)"]
    try:
        if not path.is_dir():
            return None, ["it does not exist" if not path.exists() else "it is not a folder"]
        manifest, problems = _read_manifest(path / MANIFEST)
        if manifest is None or problems:
            return manifest, problems
        return manifest, _file_problems(path, manifest, verify=verify)
    except OSError as error:
        return None, [f"it cannot be read: {error.strerror or error}"]


def verify_run(path: Path) -> list[str]:
    """Every problem of a stored result, checksums of its data files included.

    Returns:
        The problems (empty if the result is complete and undamaged).
    """
    return inspect_run(Path(path), verify=True)[1]


def _read_manifest(path: Path) -> tuple[Manifest | None, list[str]]:
    """The manifest, checked (seal, types, agreement with its scenario), and its problems."""
    if not path.is_file():
        return None, [f"{MANIFEST} is missing"]
    try:
        data = read_sealed(path, SEAL, MANIFEST_BYTES, required=False)
    except DamagedFile as error:
        return None, [f"{MANIFEST} cannot be read: {error}"]
    if data.get("format") == FORMAT and SEAL not in data:
        return None, [f"{MANIFEST} cannot be read: it has no checksum ({SEAL})"]
    try:
        manifest = Manifest.from_json(data, MANIFEST)
    except StoreError as error:
        return None, [str(error)]
    return manifest, _agreement_problems(manifest)


def _agreement_problems(manifest: Manifest) -> list[str]:
    """Where the manifest contradicts its own scenario (worlds, months, seed, hash)."""
    scenario = manifest.scenario
    stated = {"worlds": manifest.worlds, "months": manifest.months, "seed": manifest.seed}
    problems = [
        f"{MANIFEST}: {key} is {value!r} but its scenario says {scenario.get(key)!r}"
        for key, value in stated.items()
        if scenario.get(key) != value
    ]
    try:
        digest = canonical_digest(scenario)
    except (TypeError, ValueError, RecursionError):
        digest = ""
    if digest != manifest.scenario_hash:
        problems.append(f"{MANIFEST}: scenario_hash does not match its scenario")
    return problems


def _data_names(manifest: Manifest) -> tuple[list[str], list[str]]:
    """The data files a result must hold, and the problems with the list itself."""
    listed = manifest.files or {}
    if manifest.layout != LAYOUT_PARTITIONED:
        return [*DATA_FILES, *(n for n in listed if n not in DATA_FILES and _is_data(n))], []
    parts = [name for name in listed if name.startswith(f"{PARTS}/")]
    names = [*parts, *(n for n in listed if _is_data(n) and not n.startswith(f"{PARTS}/"))]
    names += [n for n in (EVENTS, SUMMARY) if n not in names]
    return names, [] if parts else [f"{MANIFEST} lists no {PARTS}/ parts"]


def _is_data(name: str) -> bool:
    """Every listed file but the charts (derived, and redrawn by ``triad show``)."""
    return not name.startswith(f"{CHARTS}/")


def _file_problems(folder: Path, manifest: Manifest, *, verify: bool) -> list[str]:
    listed = manifest.files or {}
    names, problems = _data_names(manifest)
    for name in names:
        path = folder / name
        entry = listed.get(name)
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        size = path.stat().st_size
        if entry is None:
            problems.append(f"{name} is not listed in {MANIFEST}")
        elif size != entry.size:
            problems.append(f"{name} has {size} bytes, the manifest says {entry.size}")
        elif verify and file_digest(path) != entry.sha256:
            problems.append(
                f"{name} is damaged: its SHA-256 differs from the manifest's (a changed byte)"
            )
    return problems


def read_run(path: Path | str, *, lazy: bool = False) -> RunResult:
    """Read a stored result back: its scenario, every metric of every world, the events.

    Reads both layouts: one ``series.parquet``, or the ``series/`` parts of a streamed run.
    Nothing is used before it is checked: the manifest, every data file's checksum, and
    each Parquet file's row count and column types (from its metadata, before its rows).

    Args:
        path: A result folder written by :func:`write_run` or a streamed run.
        lazy: For a streamed run, keep the metrics on disk: the simulation is a
            :class:`~triad.store.dataset.PartitionedSimulation` that reads one metric
            at a time (for runs larger than memory). Ignored for a single ``series.parquet``.

    Returns:
        The run, with the stored manifest and ``path``.

    Raises:
        StoreError: If the folder is not a complete, undamaged result, naming the path
            and what is missing, damaged or wrong.
    """
    folder = Path(path)
    manifest, problems = inspect_run(folder, verify=True)
    if problems or manifest is None:
        raise StoreError(f"{path} is not a complete triad result: {'; '.join(problems)}")
    scenario = _scenario(folder, manifest)
    events = read_events(folder / EVENTS)
    try:
        if manifest.layout == LAYOUT_PARTITIONED:
            sim = _read_partitioned(folder / PARTS, scenario, events, lazy)
            if len(sim.world_ids) != manifest.worlds:
                raise StoreError(
                    f"{folder / PARTS}: the parts hold {len(sim.world_ids)} worlds, the "
                    f"manifest says {manifest.worlds}"
                )
            return RunResult(sim, manifest, folder)
        world_ids, data = _read_series(folder / SERIES, scenario.months, manifest.worlds)
    except OSError as error:
        raise StoreError(f"{path}: cannot read the data: {error.strerror or error}") from None
    return RunResult(Simulation(scenario, world_ids, data, events), manifest, folder)


def _read_partitioned(
    folder: Path, scenario: Scenario, events: pd.DataFrame, lazy: bool
) -> Simulation:
    """The series parts as a lazy simulation, or read whole, part by part, into memory."""
    parts = find_parts(folder, scenario.months)
    for part in parts:
        _check_series_schema(part.path)
    lazy_sim = PartitionedSimulation.from_parts(scenario, parts, events)
    if lazy:
        return lazy_sim
    data = np.empty((scenario.months, len(METRIC_NAMES), len(lazy_sim.world_ids)), np.float32)
    offset = 0
    for part in parts:
        ids, values = _read_series(part.path, scenario.months, part.count)
        if not np.array_equal(ids, np.arange(part.first_world, part.first_world + part.count)):
            raise StoreError(f"{part.path} does not hold the worlds its name says")
        data[:, :, offset : offset + part.count] = values
        offset += part.count
    return Simulation(scenario, lazy_sim.world_ids, data, events)


def _scenario(folder: Path, manifest: Manifest) -> Scenario:
    try:
        return Scenario.model_validate(manifest.scenario)
    except (ValueError, TypeError, RecursionError) as error:  # pydantic errors are ValueErrors
        first = str(error).splitlines()[:3]
        raise StoreError(
            f"{folder / MANIFEST}: the stored scenario is not valid for this version of "
            f"triad: {' '.join(first)}"
        ) from None


_INTEGER: Final = ("world", "month")


def _check_types(path: Path, schema: pa.Schema, columns: Sequence[str]) -> None:
    """Refuse a file whose key columns are not integers or whose metrics are not floats."""
    for name in columns:
        kind = schema.field(name).type
        wanted = pa.types.is_integer if name in _INTEGER else pa.types.is_floating
        if (name in METRIC_BY_NAME or name in _INTEGER) and not wanted(kind):
            expected = "integers" if name in _INTEGER else "floating-point numbers"
            raise StoreError(f"{path}: column {name} holds {kind}, expected {expected}")


def _check_series_schema(path: Path) -> None:
    try:
        schema = pq.read_schema(path)
    except (OSError, ValueError, pa.ArrowException) as error:
        raise StoreError(f"{path} is not a readable Parquet file: {error}") from None
    missing = [c for c in ("world", "month", *METRIC_NAMES) if c not in schema.names]
    if missing:
        raise StoreError(f"{path} lacks the columns {', '.join(missing)}")
    _check_types(path, schema, ("world", "month", *METRIC_NAMES))


def _read_table(path: Path, columns: Sequence[str], rows: int | None = None) -> pa.Table:
    """Read the given columns of a Parquet file (they must all be there, of the right types).

    Args:
        path: The file.
        columns: The columns to read.
        rows: The rows it must hold (checked from its metadata before reading), if known.
    """
    try:
        file = pq.ParquetFile(path)
        schema = file.schema_arrow
        missing = [c for c in columns if c not in schema.names]
        if missing:
            raise StoreError(f"{path} lacks the columns {', '.join(missing)}")
        _check_types(path, schema, columns)
        found = file.metadata.num_rows
        groups = sum(file.metadata.row_group(i).num_rows for i in range(file.num_row_groups))
        if rows is not None and (found != rows or groups != rows):
            raise StoreError(
                f"{path} holds {max(found, groups):,} rows, but the manifest's worlds x months "
                f"make {rows:,}; it was not read"
            )
        return file.read(columns=list(columns))
    except (OSError, ValueError, pa.ArrowException) as error:
        raise StoreError(f"{path} is not a readable Parquet file: {error}") from None


def _read_series(
    path: Path, months: int, worlds: int | None = None
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Rebuild the ``(months, metrics, worlds)`` array and the world ids from the rows.

    The values keep the precision they were stored with (the model's, single precision).
    With ``worlds``, the file must hold exactly ``worlds x months`` rows (checked first).
    """
    rows = None if worlds is None else worlds * months
    table = _read_table(path, ("world", "month", *METRIC_NAMES), rows)
    world = table.column("world").to_numpy().astype(np.int64)
    month = table.column("month").to_numpy().astype(np.int64)
    if len(world) and (month.min() < 0 or month.max() >= months or world.min() < 0):
        raise StoreError(f"{path} holds months outside 0..{months - 1} or negative worlds")
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
        values = table.column(name).to_numpy(zero_copy_only=False)[order]
        data[:, i, :] = values.reshape(len(world_ids), months).T
    return world_ids, data


def _world_month_order(world: NDArray[np.int64], month: NDArray[np.int64]) -> slice | NDArray[Any]:
    """Rows sorted by world, then month: all rows as they are when already sorted."""
    key = world * (int(month.max(initial=0)) + 1) + month
    if len(key) < 2 or bool(np.all(key[1:] > key[:-1])):
        return slice(None)
    return np.lexsort((month, world))


def _numbers(events: pd.DataFrame, name: str) -> NDArray[np.float64]:
    """An event log's numeric column (NaN throughout in a log made without it)."""
    if name not in events:
        return np.full(len(events), np.nan)
    return events[name].to_numpy(dtype=np.float64)


def read_events(path: Path) -> pd.DataFrame:
    """A stored event log; a result stored before the numeric columns gets them as NaN."""
    columns = ("world", "month", "actor", "kind", "detail")
    try:
        names = pq.ParquetFile(path).schema_arrow.names
    except (OSError, pa.ArrowException):
        names = []
    numbers = tuple(name for name in EVENT_NUMBERS if name in names)
    frame: pd.DataFrame = _read_table(path, (*columns, *numbers)).to_pandas()
    for key in ("world", "month"):
        frame[key] = frame[key].astype(np.int64)
    for name in EVENT_NUMBERS:
        if name not in frame:
            frame[name] = np.nan
    return frame


# --------------------------------------------------------------------------- listing
def list_runs(root: Path = Path("runs"), *, verify: bool = False) -> pd.DataFrame:
    """The results stored under ``root``, without reading their data.

    Results are folders ``root/<scenario>/<run>`` (or ``root/<run>``) holding a manifest.
    Hidden folders, among them unfinished writes (see :func:`list_partial`), are ignored;
    other folders that are not complete results are listed with what is wrong in
    ``status``. One damaged or unreadable folder never stops the listing of the others.

    Args:
        root: The results store.
        verify: Also compare every data file's SHA-256 with its manifest (reads them all).

    Returns:
        Columns path, scenario, worlds, months, seed, started, overrides (the ``--set``
        overrides, a tuple), hash (the scenario's SHA-256) and status (``ok`` or the
        problems), sorted by scenario and start.

    Raises:
        StoreError: If ``root`` exists but cannot be listed.
    """
    rows = [_row(folder, verify) for folder in _candidates(_store_root(Path(root)))]
    frame = pd.DataFrame(rows, columns=list(LIST_COLUMNS))
    frame = frame.astype({"worlds": "Int64", "months": "Int64", "seed": "Int64"})
    order = frame.sort_values(["scenario", "started", "path"], na_position="last").index
    return frame.loc[order].reset_index(drop=True)


_SYSTEM_FOLDERS: Final = ("/proc", "/sys", "/dev")
"""Kernel file systems: never a results store (listing them reads odd files, slowly)."""


def _store_root(root: Path) -> Path:
    """``root``, unless it is a kernel file system (``/proc``, ``/sys``, ``/dev``).

    Raises:
        StoreError: For a kernel file system or a path that cannot be resolved.
    """
    try:
        resolved = root.resolve()
    except (OSError, RuntimeError) as error:
        raise StoreError(f"cannot use {root} as a results store: {error}") from None
    for system in _SYSTEM_FOLDERS:
        if resolved == Path(system) or Path(system) in resolved.parents:
            raise StoreError(
                f"{root} is a kernel file system ({system}), not a results store; give the "
                "folder your runs are stored in (--root, default runs)"
            )
    return root


def _candidates(root: Path) -> list[Path]:
    """Folders that are, or should be, results: ``root/<run>`` and ``root/<scenario>/<run>``.

    A folder of the first level that holds no result file is a scenario folder: its
    folders are listed if any of them holds a result file or is empty (a result whose
    files are gone), so that folders of other kinds (``/proc``, a home folder) are not
    mistaken for a store.
    """
    found = []
    for entry in _visible_folders(root, strict=True):
        if _looks_like_result(entry) is not False:
            found.append(entry)
            continue
        runs = _visible_folders(entry)
        if any(_looks_like_result(run) or _is_empty(run) for run in runs):
            found.extend(runs)
    return found


def _is_empty(folder: Path) -> bool:
    try:
        return next(iter(folder.iterdir()), None) is None
    except OSError:
        return False


def _looks_like_result(folder: Path) -> bool | None:
    """True if the folder holds a result's file, None if it cannot be read."""
    try:
        return any((folder / name).exists() for name in (MANIFEST, *DATA_FILES))
    except OSError:
        return None


def _visible_folders(folder: Path, *, strict: bool = False) -> list[Path]:
    try:
        if not folder.is_dir():
            return []
        entries = list(folder.iterdir())
    except OSError as error:
        if strict:
            raise StoreError(f"cannot list {folder}: {error.strerror or error}") from None
        return []
    found = []
    for entry in entries:
        try:
            if not entry.name.startswith(".") and entry.is_dir():
                found.append(entry)
        except OSError:
            continue
    return sorted(found)


def _row(folder: Path, verify: bool) -> dict[str, Any]:
    """A listed folder: what its manifest says (nothing if unreadable) and its problems."""
    manifest, problems = inspect_run(folder, verify=verify)
    status = "; ".join(problems) or "ok"
    if manifest is None:
        unknown = dict.fromkeys(LIST_COLUMNS) | {"overrides": ()}
        return unknown | {"path": str(folder), "status": status}
    return {
        "path": str(folder),
        "scenario": manifest.scenario_name,
        "worlds": manifest.worlds,
        "months": manifest.months,
        "seed": manifest.seed,
        "started": manifest.started,
        "overrides": manifest.overrides,
        "hash": manifest.scenario_hash,
        "status": status,
    }


# --------------------------------------------------------------------------- unfinished
def list_partial(root: Path = Path("runs")) -> pd.DataFrame:
    """The unfinished runs under ``root``: interrupted, or being written right now.

    An in-memory run's write (``.<name>.partial-<pid>-<random>``) is live while its
    process runs (on this machine); a streamed run's folder (``.<name>.partial-resumable``)
    while a process holds its lock (see :mod:`triad.store.locks`).

    Returns:
        Columns path, kind (``resumable``: ``triad run --resume`` finishes it; ``write``:
        an in-memory run's store, which cannot be finished), pid (the live writer, or
        <NA> if interrupted), bytes (on disk) and target (the folder it would become).
    """
    rows = []
    for folder in _partial_folders(_store_root(Path(root))):
        resumable = folder.name.endswith(".partial-resumable")
        pid = holder(folder) if resumable else _live_writer(folder)
        target = folder.with_name(folder.name[1:].rsplit(".partial-", 1)[0])
        rows.append(
            {
                "path": str(folder),
                "kind": "resumable" if resumable else "write",
                "pid": pid,
                "bytes": _folder_bytes(folder),
                "target": str(target),
            }
        )
    frame = pd.DataFrame(rows, columns=list(PARTIAL_COLUMNS))
    return frame.astype({"pid": "Int64", "bytes": "Int64"})


def clean_partial(root: Path = Path("runs")) -> pd.DataFrame:
    """Remove the interrupted runs under ``root`` (never one being written).

    Returns:
        The rows of :func:`list_partial` that were removed.

    Raises:
        StoreError: If one cannot be removed (the others are removed all the same).
    """
    frame = list_partial(root)
    stale = frame[frame["pid"].isna()]
    failed = []
    for path in stale["path"]:
        try:
            shutil.rmtree(path)
        except OSError as error:
            failed.append(f"{path}: {error.strerror or error}")
    if failed:
        raise StoreError("could not remove " + "; ".join(failed))
    return stale.reset_index(drop=True)


def _partial_folders(root: Path) -> list[Path]:
    found: list[Path] = []
    for level in (root, *_visible_folders(root, strict=True)):
        try:
            entries = sorted(level.iterdir())
        except OSError:
            continue
        found += [p for p in entries if is_partial(p) and not p.is_symlink() and p.is_dir()]
    return found


def _live_writer(folder: Path) -> int | None:
    match = _PARTIAL_PID.search(folder.name)
    if match is None:
        return None
    pid = int(match.group(1))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except (PermissionError, OverflowError, OSError):
        return pid
    return pid


def _folder_bytes(folder: Path) -> int:
    total = 0
    for base, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(base, name)).st_size
    return total
