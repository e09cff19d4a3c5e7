"""Stored results are used only after they are checked, and runs are sized to the machine.

A results store may be shared, copied or tampered with: every data file is checked
against the SHA-256 of its sealed manifest before it is read, Parquet row counts and
column types before their rows, streamed parts against the run they claim to belong to.
A damaged folder is listed as such and never stops the listing of the others. Runs are
checked against memory, disk and CPUs before they start, streamed runs are locked and
resumable whatever stops them. Each defect found by hostile inputs and faults has a test
here, written from its reproduction; ``docs/security.md`` describes the checks.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

import triad
from strategies import EXAMPLES, PROPERTY
from triad.cli.app import app
from triad.cli.progress import RunProgress
from triad.errors import InterruptedRunError, NonFiniteError, ResourceError, StoreError
from triad.runs.executors import parse_executor
from triad.runs.faults import FAILURE_ENV
from triad.runs.resources import DISK_ENV, MEMORY_ENV
from triad.scenario.loader import load_scenario
from triad.store import provenance
from triad.store.integrity import canonical_digest, dump_json, forget_digests, seal
from triad.store.locks import FolderLock
from triad.store.manifest import SEAL
from triad.store.run_folder import (
    MANIFEST,
    list_partial,
    list_runs,
    read_run,
    save_run,
    verify_run,
)
from triad.store.streaming import resumable_folder, resume_run

TINY = Path(__file__).parent / "data" / "scenarios" / "tiny.yaml"
WORLDS, MONTHS = 8, 6
SMALL = ("--worlds", str(WORLDS), "--months", str(MONTHS), "--no-charts")
OPTIONS: dict[str, Any] = {"worlds": WORLDS, "months": MONTHS, "charts": False}
FLIPS = settings(
    parent=PROPERTY,
    max_examples=max(1, EXAMPLES // 4),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
"""Each example flips one byte in every file of a run in turn, so a few examples suffice."""
runner = CliRunner()


def invoke(*args: str | Path) -> Result:
    """Run the command line in-process, as tests/test_cli_run.py does."""
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def refused(result: Result, *says: str) -> None:
    """Exit code 2, every text in the output, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for text in says:
        assert text in result.output, result.output


def statuses(root: Path, *, verify: bool = False) -> dict[str, str]:
    """Each listed folder's status (``ok`` or what is wrong), by path, as ``triad runs``."""
    frame = list_runs(root, verify=verify)
    return dict(zip(frame["path"], frame["status"], strict=True))


def flat(result: Result) -> str:
    """The output with every run of white space as one space (tables wrap long lines)."""
    return " ".join(result.output.split())


def copy(source: Path, target: Path) -> Path:
    """A copy of a run folder whose files are new (new inodes and times)."""
    shutil.copytree(source, target, copy_function=shutil.copy, symlinks=True)
    forget_digests()  # as a new process would start: nothing is known about any file
    return target


def files(folder: Path) -> list[Path]:
    """Every regular file under ``folder``, in name order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def reseal(folder: Path, change: Callable[[dict[str, Any]], None] = lambda m: None) -> None:
    """Rewrite a run's manifest as someone who also rewrites its checksums would.

    ``change`` edits the manifest first; then every listed file's size and SHA-256 and
    the manifest's own seal are recomputed, so only the checks beyond checksums remain.
    """
    manifest = json.loads((folder / MANIFEST).read_text())
    change(manifest)
    for name in manifest["files"]:
        raw = (folder / name).read_bytes()
        manifest["files"][name] = {"bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    manifest.pop(SEAL, None)
    (folder / MANIFEST).write_text(dump_json(seal(manifest, SEAL)))
    forget_digests()


def flipped(path: Path, offset: int, mask: int) -> bytes:
    """Flip bits of one byte of a file in place; return the original bytes."""
    original = path.read_bytes()
    raw = bytearray(original)
    raw[offset] ^= mask
    path.write_bytes(bytes(raw))
    forget_digests()
    return original


def interrupted(folder: Path, seed: int) -> Path:
    """A streamed run stopped by a failing chunk: 2 of its 4 chunks kept, and its partial."""
    os.environ[FAILURE_ENV] = f"5:{folder.parent / f'flag-{folder.name}'}"
    try:
        with pytest.raises(InterruptedRunError):
            triad.run(TINY, seed=seed, out=folder, stream=True, chunk_size=2, **OPTIONS)
    finally:
        del os.environ[FAILURE_ENV]
    return resumable_folder(folder)


def terminate_self() -> None:
    """Send SIGTERM to this process, once triad has turned it into a clean exit."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        raise RuntimeError("SIGTERM would kill the test run: triad installed no handler")
    os.kill(os.getpid(), signal.SIGTERM)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Pristine results, never changed: two stored runs (seeds 3, 4), a streamed one, and
    the unfinished parts of two interrupted streamed runs (seeds 3, 4)."""
    root = tmp_path_factory.mktemp("pristine")
    runs = {
        "stored": triad.run(TINY, seed=3, out=root / "stored", **OPTIONS).path,
        "other": triad.run(TINY, seed=4, out=root / "other", **OPTIONS).path,
        "streamed": triad.run(
            TINY, seed=3, out=root / "streamed", stream=True, chunk_size=3, **OPTIONS
        ).path,
    }
    paths = {name: Path(str(path)) for name, path in runs.items()}
    paths["cut"] = interrupted(root / "cut", seed=3)
    paths["cut_other"] = interrupted(root / "cut_other", seed=4)
    return paths


# --------------------------------------------------------------------------- checksums
def test_a_flipped_byte_is_found_by_runs_verify_show_and_compare(
    store: dict[str, Path], tmp_path: Path
) -> None:
    root = tmp_path / "runs"
    damaged = copy(store["stored"], root / "tiny" / "damaged")
    sound = copy(store["other"], root / "tiny" / "sound")
    flipped(damaged / "series.parquet", 200, 0x01)
    message = "series.parquet is damaged: its SHA-256 differs from the manifest's"
    result = invoke("runs", "--root", root, "--verify")
    assert result.exit_code == 2, result.output
    assert f"tiny/damaged: {message}" in flat(result)
    assert statuses(root, verify=True) == {
        str(damaged): message + " (a changed byte)",
        str(sound): "ok",
    }
    refused(invoke("show", damaged), f"{damaged} is not a complete triad result: {message}")
    report = tmp_path / "report"
    refused(invoke("compare", sound, damaged, "--out", report), message)
    assert not report.exists()


@FLIPS
@given(data=st.data())
@pytest.mark.parametrize("kind", ["stored", "streamed"])
def test_every_flipped_byte_of_every_file_of_a_stored_run_is_found(
    store: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, kind: str, data: Any
) -> None:
    work = copy(store[kind], tmp_path_factory.mktemp(kind) / "run")
    assert verify_run(work) == []
    for path in files(work):
        offset = data.draw(st.integers(0, path.stat().st_size - 1), label=path.name)
        mask = data.draw(st.integers(1, 255), label="mask")
        original = flipped(path, offset, mask)
        assert verify_run(work), f"{path.relative_to(work)}: byte {offset} ^ {mask} not found"
        with pytest.raises(StoreError):
            read_run(work)
        path.write_bytes(original)
        forget_digests()
    assert verify_run(work) == []


@FLIPS
@given(data=st.data())
def test_every_flipped_byte_of_an_interrupted_runs_files_is_found_on_resume(
    store: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    work = copy(store["cut"], tmp_path_factory.mktemp("cut") / store["cut"].name)
    for path in files(work):
        if path.name == ".lock":  # holds the writer's process id; no data
            continue
        offset = data.draw(st.integers(0, path.stat().st_size - 1), label=path.name)
        mask = data.draw(st.integers(1, 255), label="mask")
        original = flipped(path, offset, mask)
        with pytest.raises(StoreError, match=r"cannot be read|is not used"):
            resume_run(work)
        path.write_bytes(original)
        forget_digests()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("[" * 100_000, "it is not valid JSON (JSON nested too deeply)"),
        ('{"seed": ' + "9" * 1_000_000 + "}", "it is not valid JSON (a number of 1000000 digits)"),
        ("{", "it is not valid JSON (not JSON: Expecting property name"),
        ('{"format": "triad-stream/1"}\n', "it has no checksum (progress_sha256)"),
    ],
    ids=["nested", "long_number", "invalid", "unsealed"],
)
def test_resume_refuses_a_malformed_progress_file_by_name(
    store: dict[str, Path], tmp_path: Path, content: str, says: str
) -> None:
    work = copy(store["cut"], tmp_path / store["cut"].name)
    (work / "progress.json").write_text(content)
    refused(
        invoke("run", "--resume", work),
        f"{work / 'progress.json'} cannot be read: {says}",
        "this run cannot be resumed",
    )


def test_resume_refuses_a_part_from_a_run_with_another_seed(
    store: dict[str, Path], tmp_path: Path
) -> None:
    work = copy(store["cut"], tmp_path / store["cut"].name)
    part = "series/part-000000000000.parquet"
    shutil.copy(store["cut_other"] / part, work / part)
    refused(
        invoke("run", "--resume", work),
        f"{work / part}: it belongs to another run (its Parquet metadata names another run)",
        "remove it (its chunk is then computed again) and resume",
    )
    record = "checks/part-000000000000.parquet.json"
    shutil.copy(store["cut_other"] / record, work / record)
    refused(invoke("run", "--resume", work), "it belongs to another run: its scenario_hash, seed")


# --------------------------------------------------------------------------- damaged folders
def _worlds(manifest: dict[str, Any]) -> None:
    manifest["worlds"] = "lots"


def _contradicting(manifest: dict[str, Any]) -> None:
    manifest["worlds"] = WORLDS + 1


def _seed(manifest: dict[str, Any]) -> None:
    manifest["seed"] = 4


def _folder_for(path: Path) -> None:
    path.unlink()
    path.mkdir()


DAMAGE: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "worlds_lots",
        lambda run: reseal(run, _worlds),
        'manifest.json: worlds is "lots", expected a whole number >= 1',
    ),
    (
        "worlds_contradict",
        lambda run: reseal(run, _contradicting),
        f"manifest.json: worlds is {WORLDS + 1} but its scenario says {WORLDS}",
    ),
    ("seed_contradicts", lambda run: reseal(run, _seed), "seed is 4 but its scenario says 3"),
    (
        "nested",
        lambda run: (run / MANIFEST).write_text("[" * 100_000),
        "manifest.json cannot be read: it is not valid JSON (JSON nested too deeply)",
    ),
    (
        "long_number",
        lambda run: (run / MANIFEST).write_text('{"seed": ' + "9" * 1_000_000 + "}"),
        "it is not valid JSON (a number of 1000000 digits)",
    ),
    (
        "oversized",
        lambda run: (run / MANIFEST).write_bytes(b" " * (33 * 2**20)),
        "manifest.json cannot be read: it is larger than 33,554,432 bytes",
    ),
    (
        "not_an_object",
        lambda run: (run / MANIFEST).write_text("[]\n"),
        "it holds a JSON list, not an object",
    ),
    (
        "a_folder",
        lambda run: _folder_for(run / MANIFEST),
        "manifest.json is missing",
    ),
]


@pytest.mark.parametrize(("case", "damage", "says"), DAMAGE, ids=[c[0] for c in DAMAGE])
def test_a_damaged_manifest_is_listed_and_the_other_runs_still_are(
    store: dict[str, Path], tmp_path: Path, case: str, damage: Callable[[Path], None], says: str
) -> None:
    root = tmp_path / "runs"
    sound = copy(store["other"], root / "tiny" / "sound")
    damaged = copy(store["stored"], root / "tiny" / "damaged")
    damage(damaged)
    result = invoke("runs", "--root", root)
    assert result.exit_code == 0, result.output
    assert "tiny/damaged" in result.output and "tiny/sound" in result.output
    found = statuses(root)
    assert found[str(sound)] == "ok"
    assert says in found[str(damaged)]
    refused(invoke("show", damaged), says)


def test_an_unreadable_folder_is_listed_and_the_other_runs_still_are(
    store: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "runs"
    sound = copy(store["other"], root / "tiny" / "sound")
    locked = copy(store["stored"], root / "tiny" / "locked")
    real = triad.store.run_folder.read_sealed

    def denied(path: Path, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if path.parent == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr("triad.store.run_folder.read_sealed", denied)
    result = invoke("runs", "--root", root)
    assert result.exit_code == 0, result.output
    assert statuses(root) == {str(locked): "it cannot be read: Permission denied", str(sound): "ok"}


def _column_of_text(folder: Path) -> None:
    table = pq.read_table(folder / "series.parquet")
    index = table.schema.get_field_index("containers")
    text = pa.array([str(v) for v in table.column("containers").to_pylist()])
    pq.write_table(table.set_column(index, "containers", text), folder / "series.parquet")


def test_show_and_compare_refuse_a_metric_column_of_the_wrong_type(
    store: dict[str, Path], tmp_path: Path
) -> None:
    damaged = copy(store["stored"], tmp_path / "damaged")
    _column_of_text(damaged)
    reseal(damaged)
    assert verify_run(damaged) == []  # the checksums agree: only the type check finds it
    says = "column containers holds string, expected floating-point numbers"
    refused(invoke("show", damaged), says)
    refused(invoke("compare", store["other"], damaged, "--out", tmp_path / "r"), says)


def test_a_series_holding_more_rows_than_worlds_times_months_is_never_read(
    store: dict[str, Path], tmp_path: Path
) -> None:
    damaged = copy(store["stored"], tmp_path / "damaged")
    table = pq.read_table(damaged / "series.parquet")
    pq.write_table(pa.concat_tables([table] * 1000), damaged / "series.parquet")
    reseal(damaged)
    rows = WORLDS * MONTHS
    says = f"holds {rows * 1000:,} rows, but the manifest's worlds x months make {rows}"
    refused(invoke("show", damaged), says, "it was not read")


def test_an_inputs_file_holding_more_rows_than_worlds_is_never_read(
    store: dict[str, Path], tmp_path: Path
) -> None:
    damaged = copy(store["stored"], tmp_path / "damaged")
    table = pq.read_table(damaged / "inputs.parquet")
    pq.write_table(pa.concat_tables([table] * 1000), damaged / "inputs.parquet")
    reseal(damaged)
    with pytest.raises(StoreError, match=f"holds {WORLDS * 1000:,} rows, .* it was not read"):
        read_run(damaged).inputs()


def test_a_stored_scenario_with_non_ascii_digits_is_refused_by_show(
    store: dict[str, Path], tmp_path: Path
) -> None:
    damaged = copy(store["stored"], tmp_path / "damaged")

    def start(manifest: dict[str, Any]) -> None:
        manifest["scenario"]["start"] = "２０２３-10"
        manifest["scenario_hash"] = canonical_digest(manifest["scenario"])

    reseal(damaged, start)
    refused(invoke("show", damaged), "the stored scenario is not valid for this version")


# --------------------------------------------------------------------------- store fuzz
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
KEYS = ["format", "worlds", "months", "seed", "scenario", "scenario_hash", "files", "layout"]


def _break(folder: Path, kind: str, data: Any) -> bool:
    """Damage a run folder in one of many ways; True if it cannot be a sound result."""
    manifest = folder / MANIFEST
    if kind == "bytes":
        manifest.write_bytes(data.draw(st.binary(max_size=200), label="bytes"))
    elif kind == "json":
        manifest.write_text(json.dumps(data.draw(JSON, label="json")))
    elif kind in ("field", "field_resealed"):
        key, value = data.draw(st.sampled_from(KEYS), label="key"), data.draw(JSON, label="value")
        document = json.loads(manifest.read_text())
        original = document.pop(SEAL) and document.get(key)
        document[key] = value
        if kind == "field":  # changed by hand: its seal no longer matches
            manifest.write_text(json.dumps(document))
            return True
        manifest.write_text(dump_json(seal(document, SEAL)))  # and sealed again
        return value != original and not (key == "layout" and value is None)
    elif kind == "symlink":
        manifest.unlink()
        manifest.symlink_to(data.draw(st.sampled_from(["/dev/zero", "nowhere", "."]), label="to"))
    elif kind == "missing":
        target = data.draw(st.sampled_from(files(folder)), label="missing")
        target.unlink()
    elif kind == "data_bytes":
        (folder / "series.parquet").write_bytes(data.draw(st.binary(max_size=200), label="data"))
    return True


@settings(parent=PROPERTY, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_runs_lists_every_sound_run_whatever_a_damaged_folder_holds(
    store: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    sound = copy(store["other"], root / "tiny" / "sound")
    damaged = copy(store["stored"], root / "tiny" / "damaged")
    kinds = ["bytes", "json", "field", "field_resealed", "symlink", "missing", "data_bytes"]
    kind = data.draw(st.sampled_from(kinds), label="kind")
    broken = _break(damaged, kind, data)
    for verify in (False, True):
        found = statuses(root, verify=verify)
        assert found[str(sound)] == "ok"
        if broken and kind != "field_resealed":
            assert found[str(damaged)] != "ok", kind
    result = invoke("runs", "--root", root)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- lifecycle
def test_a_failed_publish_keeps_the_finished_run_for_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"

    def cross_device(partial: Path, target: Path, *, exact: bool) -> Path:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr("triad.store.streaming.publish", cross_device)
    with pytest.raises(InterruptedRunError, match=f"triad run --resume {out}"):
        triad.run(TINY, out=out, stream=True, chunk_size=3, **OPTIONS)
    partial = resumable_folder(out)
    kept = {p.relative_to(partial).as_posix() for p in files(partial)}
    assert {"progress.json", "manifest.json", "series/part-000000000006.parquet"} <= kept
    monkeypatch.undo()
    assert resume_run(out).path == out
    assert verify_run(out) == [] and not partial.exists()


def test_a_streamed_run_is_locked_while_it_is_written(tmp_path: Path) -> None:
    out, seen = tmp_path / "run", []

    def progress(done: int, total: int) -> None:
        if done:  # a chunk is on disk: the partial folder exists and is being written
            with pytest.raises(StoreError, match=f"written right now by process {os.getpid()}"):
                resume_run(out)
            seen.append(list(list_partial(tmp_path)["pid"]))

    triad.run(TINY, out=out, stream=True, chunk_size=2, progress=progress, **OPTIONS)
    assert seen == [[os.getpid()]] * 4


def test_a_second_resume_of_a_live_run_is_refused_and_never_cleaned(
    store: dict[str, Path], tmp_path: Path
) -> None:
    work = copy(store["cut"], tmp_path / store["cut"].name)
    lock = FolderLock(work)
    try:
        says = f"is being written right now by process {os.getpid()}"
        refused(invoke("run", "--resume", work), says, "a second --resume is refused")
        assert list(list_partial(tmp_path)["pid"]) == [os.getpid()]
        result = invoke("runs", "--root", tmp_path, "--clean-partial", "--yes")
        assert "no interrupted runs" in result.output and work.is_dir()
    finally:
        lock.release()
    assert list_partial(tmp_path)["pid"].isna().all()


def test_runs_shows_unfinished_runs_with_their_size_and_cleans_them_on_request(
    store: dict[str, Path], tmp_path: Path
) -> None:
    work = copy(store["cut"], tmp_path / store["cut"].name)
    result = invoke("runs", "--root", tmp_path)
    assert result.exit_code == 0, result.output
    assert "Unfinished runs" in result.output and " KiB " in result.output
    assert "interrupted: `triad run --resume" in result.output
    result = invoke("runs", "--root", tmp_path, "--clean-partial")
    assert f"would remove {work}" in result.output and work.is_dir()
    result = invoke("runs", "--root", tmp_path, "--clean-partial", "--yes")
    assert f"removed {work}" in result.output and not work.exists()


def test_two_streamed_runs_started_in_the_same_second_never_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provenance, "now", lambda: "2026-01-02T03:04:05+00:00")
    root = tmp_path / "runs"
    monkeypatch.setenv(FAILURE_ENV, f"5:{tmp_path / 'flag'}")
    with pytest.raises(InterruptedRunError):
        triad.run(TINY, root=root, save=True, stream=True, chunk_size=2, **OPTIONS)
    monkeypatch.delenv(FAILURE_ENV)
    (live,) = list_partial(root)["path"]
    lock = FolderLock(Path(live))  # the first run, still being written
    try:
        second = triad.run(TINY, root=root, save=True, stream=True, chunk_size=2, **OPTIONS)
        assert str(second.path).endswith("-2")
        result = invoke("runs", "--root", root)
        assert f"being written by process {os.getpid()}" in result.output
    finally:
        lock.release()


def test_sigterm_stops_a_streamed_run_with_the_resume_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"

    def progress(self: RunProgress, done: int, total: int) -> None:
        if done:
            terminate_self()

    monkeypatch.setattr(RunProgress, "__call__", progress)
    result = invoke("run", TINY, *SMALL, "--stream", "--chunk-size", "2", "--out", out)
    assert result.exit_code == 128 + signal.SIGTERM, result.output
    assert "interrupted; 1 of 4 chunks are kept in" in result.output
    assert f"finish the run with `triad run --resume {out}`" in result.output
    monkeypatch.undo()
    assert invoke("run", "--resume", out).exit_code == 0
    assert verify_run(out) == []


def test_sigterm_while_a_report_is_written_leaves_no_partial_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("triad.plots.style.save", lambda *a: terminate_self())
    report = tmp_path / "report"
    result = invoke("compare", TINY, TINY, *SMALL[:4], "--out", report)
    assert result.exit_code == 128 + signal.SIGTERM, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- resources
@pytest.fixture
def one_gib(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine has 1 GiB of memory free, as far as the checks know."""
    monkeypatch.setenv(MEMORY_ENV, str(2**30))


@pytest.mark.usefixtures("one_gib")
def test_compare_refuses_a_comparison_that_would_not_fit_in_memory(tmp_path: Path) -> None:
    report = tmp_path / "report"
    result = invoke(
        "compare", "baseline", "ceasefire_2025", *("--worlds", "100000000"), "--out", report
    )
    refused(
        result,
        "comparing baseline, ceasefire_2025 needs about",
        "TiB of memory (2 x 100,000,000 worlds x",
        "but only 1 GiB is available; nothing was run",
        "run fewer worlds",
        "`triad run SCENARIO --stream`",
    )
    assert not report.exists()


@pytest.mark.usefixtures("one_gib")
def test_a_run_that_would_not_fit_in_memory_is_refused_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    root = tmp_path / "runs"
    result = invoke("run", TINY, "--worlds", "100000000", "--no-stream", "--root", root)
    refused(result, "a run of tiny needs about", "but only 1 GiB is available")
    assert not root.exists()
    with pytest.raises(ResourceError, match="a run of tiny needs about"):
        triad.run(TINY, worlds=100_000_000)
    with pytest.raises(ResourceError, match="simulating tiny needs about"):
        triad.simulate(load_scenario(TINY), worlds=100_000_000)


def test_a_streamed_run_that_would_not_fit_on_disk_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DISK_ENV, "1000")
    root = tmp_path / "runs"
    result = invoke("run", TINY, *SMALL, "--stream", "--root", root)
    refused(result, "a streamed run of tiny needs about", "of disk", "only 1,000 bytes is free")
    assert files(tmp_path) == []


def test_a_process_pool_has_at_most_one_worker_per_cpu_and_per_chunk() -> None:
    cpus = os.cpu_count() or 1
    with parse_executor("processes:1000") as executor:
        assert executor.workers == cpus
        assert executor.note == (
            f"1000 worker processes asked for; using {cpus}, the number of CPUs"
        )
        assert list(executor.map_chunks(abs, [-7])) == [(0, 7)]
        assert executor._pool._max_workers == 1  # type: ignore[attr-defined]


def test_the_command_line_says_it_lowered_the_worker_count(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = invoke("run", TINY, *SMALL, "--executor", "processes:1000", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"note: 1000 worker processes asked for; using {os.cpu_count()}" in result.output
    assert verify_run(out) == []


# --------------------------------------------------------------------------- writes
def test_show_never_draws_charts_through_a_symbolic_link(
    store: dict[str, Path], tmp_path: Path
) -> None:
    run = copy(store["stored"], tmp_path / "run")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (run / "charts").symlink_to(elsewhere)
    refused(invoke("show", run), f"{run / 'charts'} is a symbolic link")
    assert list(elsewhere.iterdir()) == []


def test_a_result_is_never_written_inside_another(store: dict[str, Path], tmp_path: Path) -> None:
    run = copy(store["stored"], tmp_path / "run")
    refused(invoke("run", TINY, *SMALL, "--out", run / "inner"), f"lies inside the result {run}")
    assert not (run / "inner").exists() and verify_run(run) == []


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_run_with_a_non_finite_metric_is_never_stored(tmp_path: Path, bad: float) -> None:
    result = triad.run(TINY, seed=3, **OPTIONS)
    result.simulation.data[2, 0, 5] = bad
    out = tmp_path / "run"
    with pytest.raises(NonFiniteError, match=r"in world 5 at 2023-11 \(month 2\)"):
        save_run(result, out=out)
    assert not out.exists() and files(tmp_path) == []


def test_an_out_path_the_system_refuses_is_a_clean_error(tmp_path: Path) -> None:
    long = tmp_path / ("x" * 300)
    refused(invoke("run", TINY, *SMALL, "--out", long), "File name too long")
    refused(invoke("runs", "--root", "/proc"), "/proc is a kernel file system")


@pytest.fixture(autouse=True)
def _no_leftover_environment() -> Iterator[None]:
    """No test leaves a failure hook or a resource override behind."""
    yield
    for name in (FAILURE_ENV, MEMORY_ENV, DISK_ENV):
        assert name not in os.environ, name
