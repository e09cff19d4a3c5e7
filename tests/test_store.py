"""The results store: layout, round trip, provenance, refusals, listing, interrupted writes.

The golden test compares a small baseline run with ``tests/data/golden/``. When the model
changes on purpose, regenerate the file and review its diff before committing it::

    TRIAD_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_store.py -k golden
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import triad
from triad.errors import ScenarioError, StoreError
from triad.model.metrics import METRIC_NAMES
from triad.reports.run import draw_charts
from triad.runs.ensemble import KEY_METRICS, summary, with_options
from triad.store import provenance
from triad.store import run_folder as store
from triad.store.provenance import scenario_hash
from triad.store.result import RunResult
from triad.store.run_folder import list_runs, read_run, save_run, write_run

DATA = Path(__file__).parent / "data"
TINY = DATA / "scenarios" / "tiny.yaml"
GOLDEN = DATA / "golden" / "baseline_16w_12m_summary.csv"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def small() -> RunResult:
    """A tiny run, not stored: 6 worlds, 8 months, with events logged."""
    return triad.run(TINY, worlds=6, months=8, seed=11, chunk_size=4)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_run_goes_to_root_scenario_timestamp_hash(tmp_path: Path, small: RunResult) -> None:
    path = write_run(small, root=tmp_path)
    digest = scenario_hash(small.scenario)
    assert path.parent == tmp_path / "tiny"
    assert re.fullmatch(rf"\d{{8}}-\d{{6}}-{digest[:8]}", path.name)
    assert small.manifest is not None
    started = datetime.fromisoformat(small.manifest.started)
    assert path.name.startswith(started.strftime("%Y%m%d-%H%M%S"))


@pytest.mark.parametrize(
    ("name", "folder"), [("history/tiny", "history_tiny"), ("..", "_."), (".x/y", "_x_y")]
)
def test_the_scenario_folder_is_inside_root_and_visible(
    tmp_path: Path, small: RunResult, name: str, folder: str
) -> None:
    scenario = small.scenario.model_copy(update={"name": name})
    result = RunResult(replace(small.simulation, scenario=scenario))
    path = write_run(result, root=tmp_path)
    assert path.parent == tmp_path / folder
    assert list_runs(tmp_path)["scenario"].tolist() == [name]


def test_the_folder_holds_data_summary_charts_and_a_manifest(
    tmp_path: Path, small: RunResult
) -> None:
    names = ("overview", *KEY_METRICS)
    path = write_run(small, root=tmp_path, draw=draw_charts, charts=names)
    manifest = json.loads((path / "manifest.json").read_text())
    charts = {f"charts/{name}.png" for name in names}
    data = {"series.parquet", "events.parquet", "inputs.parquet", "summary.csv"}
    expected = {*data, *charts}
    assert set(manifest["files"]) == expected
    assert set(snapshot(path)) == expected | {"manifest.json"}
    for chart in charts:
        assert (path / chart).read_bytes().startswith(PNG)
    assert manifest["files"]["summary.csv"]["bytes"] == (path / "summary.csv").stat().st_size


def test_series_has_one_row_per_world_and_month_in_metric_order(
    tmp_path: Path, small: RunResult
) -> None:
    path = write_run(small, root=tmp_path)
    series = pq.read_table(path / "series.parquet").to_pandas()
    assert list(series.columns) == ["world", "month", "date", *METRIC_NAMES]
    assert len(series) == 6 * 8
    first = series.iloc[0]
    assert (first["world"], first["month"], first["date"]) == (0, 0, small.scenario.start)
    row = series[(series["world"] == 3) & (series["month"] == 5)].iloc[0]
    assert row["date"] == small.simulation.dates[5]
    assert row["containers"] == small.simulation.series("containers")[5, 3]


def test_events_and_summary_are_stored(tmp_path: Path, small: RunResult) -> None:
    path = write_run(small, root=tmp_path)
    events = pq.read_table(path / "events.parquet").to_pandas()
    assert list(events.columns) == [
        "world",
        "month",
        "date",
        "actor",
        "kind",
        "detail",
        "before",
        "after",
    ]
    assert len(events) == len(small.simulation.events) > 0
    dates = np.asarray(small.simulation.dates)[events["month"].to_numpy()]
    assert events["date"].tolist() == dates.tolist()
    stored = pd.read_csv(path / "summary.csv")
    pd.testing.assert_frame_equal(stored, summary(small.simulation), check_dtype=False)


def test_round_trip_gives_identical_data_events_and_manifest(
    tmp_path: Path, small: RunResult
) -> None:
    path = write_run(small, root=tmp_path)
    back = read_run(path)
    assert back.path == path
    assert np.array_equal(back.simulation.data, small.simulation.data)
    assert back.simulation.data.dtype == small.simulation.data.dtype
    assert np.array_equal(back.simulation.world_ids, small.simulation.world_ids)
    pd.testing.assert_frame_equal(back.simulation.events, small.simulation.events)
    assert back.scenario == small.scenario
    assert back.manifest is not None and small.manifest is not None
    assert back.manifest.scenario_hash == small.manifest.scenario_hash
    assert scenario_hash(back.scenario) == small.manifest.scenario_hash
    assert replace(back.manifest, files=None, sha256=None) == small.manifest


def test_a_run_split_into_row_groups_reads_back(
    tmp_path: Path, small: RunResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("triad.store.run_folder.ROW_GROUP_ROWS", 16)  # 2 worlds per group
    path = write_run(small, root=tmp_path)
    assert pq.ParquetFile(path / "series.parquet").metadata.num_row_groups == 3
    assert np.array_equal(read_run(path).simulation.data, small.simulation.data)


def test_the_manifest_records_what_produced_the_run(tmp_path: Path) -> None:
    result = triad.run(
        TINY,
        worlds=3,
        months=4,
        seed=5,
        overrides=["world.harvest=0.8"],
        save=True,
        root=tmp_path,
        charts=False,
    )
    assert result.path is not None
    manifest = json.loads((result.path / "manifest.json").read_text())
    scenario = with_options(
        triad.load_scenario(TINY, ["world.harvest=0.8"]), worlds=3, months=4, seed=5
    )
    assert manifest["scenario"] == scenario.model_dump(mode="json")
    assert manifest["scenario_hash"] == scenario_hash(scenario)
    assert (manifest["seed"], manifest["worlds"], manifest["months"]) == (5, 3, 4)
    assert {"triad", "mesa", "numpy", "python"} <= set(manifest["versions"])
    assert manifest["versions"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert "git_commit" in manifest
    assert manifest["git_modified"] in (True, False, None)  # None outside a git checkout
    assert manifest["command"] == sys.argv
    started = datetime.fromisoformat(manifest["started"])
    assert started <= datetime.fromisoformat(manifest["finished"])
    assert started.utcoffset() is not None
    assert (manifest["chunk_size"], manifest["log_worlds"]) == (None, 100)
    assert manifest["overrides"] == ["world.harvest=0.8"]
    assert result.manifest is not None and manifest == result.manifest.to_json()


def test_an_existing_non_empty_out_is_refused_and_untouched(
    tmp_path: Path, small: RunResult
) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="already exists and is not empty"):
        write_run(small, out=out)
    assert snapshot(out) == {"notes.txt": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_a_file_as_out_is_refused(tmp_path: Path, small: RunResult) -> None:
    out = tmp_path / "file"
    out.write_text("x")
    with pytest.raises(StoreError, match="is not a folder"):
        write_run(small, out=out)
    assert out.read_text() == "x"


def test_an_empty_out_folder_receives_the_result(tmp_path: Path, small: RunResult) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert write_run(small, out=out) == out
    assert (out / "manifest.json").is_file()


def test_an_out_filled_by_someone_else_while_writing_is_not_overwritten(
    tmp_path: Path, small: RunResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    describe = store.describe_files

    def meanwhile(folder: Path) -> object:
        out.mkdir()
        (out / "theirs.txt").write_text("theirs")
        return describe(folder)

    monkeypatch.setattr(store, "describe_files", meanwhile)
    with pytest.raises(StoreError, match="filled by someone else"):
        write_run(small, out=out)
    assert snapshot(out) == {"theirs.txt": b"theirs"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_run_refuses_a_taken_out_before_simulating(tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "x").write_text("x")

    def simulating(done: int, total: int) -> None:
        pytest.fail("the ensemble ran although its result could not be stored")

    with pytest.raises(StoreError, match="not empty"):
        triad.run(TINY, worlds=2, months=2, out=out, progress=simulating)


def test_two_runs_with_the_same_name_never_overwrite_each_other(
    tmp_path: Path, small: RunResult
) -> None:
    first = write_run(small, root=tmp_path)
    before = snapshot(first)
    second = write_run(small, root=tmp_path)
    assert second == first.with_name(first.name + "-2")
    assert snapshot(first) == before
    assert list_runs(tmp_path)["status"].tolist() == ["ok", "ok"]


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, small: RunResult) -> None:
    earlier = write_run(small, root=tmp_path)
    before = snapshot(earlier)

    def broken(result: RunResult, folder: Path, charts: tuple[str, ...]) -> None:
        raise RuntimeError(f"chart failed: {', '.join(charts)}")

    with pytest.raises(RuntimeError, match="chart failed: overview"):
        write_run(small, root=tmp_path, draw=broken, charts=("overview",))
    assert [p.name for p in (tmp_path / "tiny").iterdir()] == [earlier.name]
    assert snapshot(earlier) == before
    quiet = write_run(small, root=tmp_path, draw=broken)  # no chart named: the drawer is idle
    assert not (quiet / "charts").exists()


def test_save_run_returns_the_stored_run_and_leaves_its_input_alone(
    tmp_path: Path, small: RunResult
) -> None:
    manifest = small.manifest
    stored = save_run(small, root=tmp_path)
    assert stored.path is not None and stored.path.is_dir()
    assert stored.manifest is not None and small.manifest is not None
    assert small.manifest.files is None
    assert set(stored.manifest.files or {}) == {
        "series.parquet",
        "events.parquet",
        "inputs.parquet",
        "summary.csv",
    }
    assert small.path is None and small.manifest is manifest


def test_a_run_without_a_manifest_gets_one(tmp_path: Path, small: RunResult) -> None:
    path = write_run(RunResult(small.simulation), root=tmp_path)
    manifest = read_run(path).manifest
    assert manifest is not None and manifest.scenario_hash == scenario_hash(small.scenario)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: (p / "manifest.json").unlink(), "manifest.json is missing"),
        (lambda p: (p / "series.parquet").unlink(), "series.parquet is missing"),
        (lambda p: (p / "manifest.json").write_text("{"), "manifest.json cannot be read"),
        (lambda p: (p / "manifest.json").write_text("[]"), "holds a JSON list, not an object"),
        (
            lambda p: (p / "events.parquet").write_bytes(b"PAR1"),
            r"events.parquet has 4 bytes, the manifest says \d+",
        ),
    ],
)
def test_an_incomplete_folder_is_refused_with_what_is_wrong(
    tmp_path: Path, small: RunResult, damage: Callable[[Path], object], message: str
) -> None:
    path = write_run(small, root=tmp_path)
    damage(path)
    with pytest.raises(StoreError, match=message) as caught:
        read_run(path)
    assert str(path) in str(caught.value)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is not a complete triad result: it does not exist"):
        read_run(tmp_path / "nope")


def test_list_runs_reports_results_and_problems_and_skips_partial_folders(
    tmp_path: Path, small: RunResult
) -> None:
    good = write_run(small, root=tmp_path)
    renamed = small.scenario.model_copy(update={"name": "another"})
    other = write_run(RunResult(replace(small.simulation, scenario=renamed)), root=tmp_path)
    (tmp_path / "tiny" / "empty").mkdir()
    (tmp_path / "tiny" / f".{good.name}.partial-123-abcd").mkdir()
    runs = list_runs(tmp_path)
    assert runs["path"].tolist() == [str(other), str(good), str(tmp_path / "tiny" / "empty")]
    assert runs["status"].tolist() == ["ok", "ok", "manifest.json is missing"]
    assert runs.loc[1, ["scenario", "worlds", "months", "seed"]].tolist() == ["tiny", 6, 8, 11]
    assert runs.loc[1, "hash"] == scenario_hash(small.scenario)
    assert small.manifest is not None and runs.loc[1, "started"] == small.manifest.started


def test_list_runs_of_a_missing_root_is_empty(tmp_path: Path) -> None:
    runs = list_runs(tmp_path / "none")
    assert runs.empty
    assert list(runs.columns) == [
        "path",
        "scenario",
        "worlds",
        "months",
        "seed",
        "started",
        "overrides",
        "hash",
        "status",
    ]


def test_run_reports_bad_options_as_scenario_errors() -> None:
    with pytest.raises(ScenarioError, match="<run options>: worlds: must be greater"):
        triad.run(TINY, worlds=0)
    with pytest.raises(ScenarioError, match="not to a Scenario object"):
        triad.run(triad.load_scenario(TINY), overrides=["worlds=2"])


# --------------------------------------------------------------------------- golden
def test_golden_baseline_summary() -> None:
    result = triad.run("baseline", worlds=16, months=12, seed=20230913)
    frame = result.summary()
    if os.environ.get("TRIAD_REGENERATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(GOLDEN, index=False)
        pytest.skip(f"regenerated {GOLDEN}")
    golden = pd.read_csv(GOLDEN)
    keys = ["metric", "unit", "month", "date"]
    assert frame[keys].astype(str).values.tolist() == golden[keys].astype(str).values.tolist()
    for column in ("median", "p05", "p95"):
        close = np.isclose(frame[column], golden[column], rtol=1e-9, atol=1e-12)
        changed = [
            f"{row.metric} {row.date}: {row.new!r} (golden {row.old!r})"
            for row in frame.assign(new=frame[column], old=golden[column])[~close].itertuples()
        ]
        assert not changed, (
            f"{column} differs from {GOLDEN.name} (regenerate it if the model changed on "
            "purpose, see the module docstring):\n" + "\n".join(changed)
        )


# --------------------------------------------------------------------------- interrupted
WRITER = """
import signal, sys, time
from pathlib import Path

import matplotlib.figure
import triad

# Behave as an interactive process would, whatever the test runner's signal dispositions.
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
savefig = matplotlib.figure.Figure.savefig

def slow_savefig(self, *args, **kwargs):
    savefig(self, *args, **kwargs)
    time.sleep(120)  # the test interrupts the write here, after the first chart

matplotlib.figure.Figure.savefig = slow_savefig
triad.run(sys.argv[1], worlds=4, months=6, seed=2, save=True, root=Path(sys.argv[2]))
"""


def wait_for_partial_chart(root: Path, process: subprocess.Popen[bytes]) -> Path:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        charts = list(root.glob("tiny/.*.partial-*/charts/*.png"))
        if charts:
            return charts[0].parent.parent
        if process.poll() is not None:
            pytest.fail(f"the writer ended early: {process.communicate()[1].decode()}")
        time.sleep(0.05)
    pytest.fail("the writer never started its charts")


@pytest.mark.parametrize(
    "signum", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name
)
def test_an_interrupted_write_leaves_no_result_and_touches_no_other(
    tmp_path: Path, small: RunResult, signum: int
) -> None:
    root = tmp_path / "runs"
    earlier = write_run(small, root=root)
    before = snapshot(earlier)
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(TINY), str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        partial = wait_for_partial_chart(root, process)
        process.send_signal(signum)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode != 0
    finals = [p for p in root.glob("*/*") if not p.name.startswith(".")]
    assert finals == [earlier]
    assert snapshot(earlier) == before
    assert list_runs(root)["path"].tolist() == [str(earlier)]
    if signum == signal.SIGKILL:
        assert not (partial / "manifest.json").exists()
        with pytest.raises(StoreError, match="unfinished write"):
            read_run(partial)
    else:
        assert not partial.exists()


def test_the_frame_gives_each_month_as_a_datetime(small: RunResult) -> None:
    frame = small.frame()
    assert str(frame["date"].dtype) == "datetime64[ns]"
    first = frame[frame["month"] == 0]["date"].iloc[0]
    assert first == pd.Timestamp(f"{small.scenario.start}-01")  # the month's first day
    assert frame["date"].dt.strftime("%Y-%m").tolist()[: small.scenario.months] == list(
        small.simulation.dates
    )


@pytest.mark.parametrize(
    ("code", "printed", "expected"),
    [(0, " M src/triad/model/model.py\n", True), (0, "", False), (128, "", None)],
)
def test_the_manifest_says_whether_the_source_had_uncommitted_changes(
    monkeypatch: pytest.MonkeyPatch, code: int, printed: str, expected: bool | None
) -> None:
    def git(args: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        assert args[:2] == ["git", "-C"] and "--porcelain" in args
        return subprocess.CompletedProcess(args, code, stdout=printed, stderr="")

    monkeypatch.setattr(provenance.subprocess, "run", git)
    assert provenance.git_modified() is expected
