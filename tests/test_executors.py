"""Executors give the same worlds as the local run; streamed runs resume to the same result."""

from __future__ import annotations

import filecmp
import importlib
import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import triad.api as api
from triad.cli.app import app
from triad.errors import ExecutorError, InterruptedRunError, StoreError
from triad.experiments.backtest import backtest, select_targets
from triad.experiments.calibrate import Calibration, calibrate
from triad.experiments.compare import compare
from triad.experiments.explain import Attribution, explain
from triad.experiments.parameters import parse_outcome, parse_range
from triad.experiments.sensitivity import sensitivity
from triad.experiments.targets import load_targets
from triad.experiments.validation import HISTORY
from triad.runs.context import RunContext
from triad.runs.ensemble import KEY_METRICS, run_ensemble, with_options
from triad.runs.executors import (
    DaskExecutor,
    ExecutorLike,
    LocalExecutor,
    ProcessExecutor,
    parse_executor,
)
from triad.runs.faults import FAILURE_ENV
from triad.runs.options import RunOptions
from triad.runs.plan import auto_chunk_size
from triad.runs.simulation import Simulation
from triad.scenario.loader import load_scenario
from triad.scenario.schema import Scenario
from triad.store import dataset
from triad.store.run_folder import list_runs, read_run, verify_run
from triad.store.streaming import StreamPlan, resumable_folder
from triad.store.streaming import _read_plan as read_plan

WORLDS = 120
MONTHS = 18


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """One LocalCluster of two single-threaded worker processes for the whole session."""
    distributed = importlib.import_module("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture
def dask(dask_client: Any) -> DaskExecutor:
    return DaskExecutor(client=dask_client)


@pytest.fixture(scope="module")
def small() -> Scenario:
    return with_options(load_scenario("baseline"), worlds=WORLDS, months=MONTHS)


@pytest.fixture(scope="module")
def reference(small: Scenario) -> Simulation:
    return run_ensemble(small)


def assert_same(a: Simulation, b: Simulation) -> None:
    assert np.array_equal(a.world_ids, b.world_ids)
    assert a.data.dtype == b.data.dtype == np.float32
    assert np.array_equal(a.data, b.data)
    pd.testing.assert_frame_equal(a.events, b.events)


# --------------------------------------------------------------------------- same results
def test_dask_cluster_runs_the_same_worlds(
    small: Scenario, reference: Simulation, dask: DaskExecutor
) -> None:
    seen: list[tuple[int, int]] = []
    sim = run_ensemble(
        small, executor=dask, chunk_size=25, progress=lambda d, t: seen.append((d, t))
    )
    assert_same(reference, sim)
    assert len(seen) == 5  # one report per finished chunk, across both workers
    assert seen[-1] == (WORLDS * MONTHS, WORLDS * MONTHS)


def test_process_pool_runs_the_same_worlds(small: Scenario, reference: Simulation) -> None:
    assert_same(reference, run_ensemble(small, executor="processes:2"))


@pytest.mark.parametrize("size", [7, 64])
def test_chunk_size_changes_nothing(small: Scenario, reference: Simulation, size: int) -> None:
    assert_same(reference, run_ensemble(small, executor=LocalExecutor(), chunk_size=size))


def test_one_world_chunks_change_nothing(small: Scenario) -> None:
    """The extreme chunking, on 12 worlds (each chunk sets up a model: 120 would take a minute)."""
    twelve = with_options(small, worlds=12)
    assert_same(run_ensemble(twelve), run_ensemble(twelve, executor=LocalExecutor(), chunk_size=1))


def test_comparison_on_dask_equals_local(dask: DaskExecutor) -> None:
    names = ["baseline", "ceasefire_2025"]
    local = compare(names, options=RunOptions(worlds=60, months=24))
    remote = compare(
        names,
        options=RunOptions(worlds=60, months=24),
        context=RunContext(executor=dask, chunk_size=16),
    )
    pd.testing.assert_frame_equal(local.differences(), remote.differences())
    for label in local.labels:
        assert_same(local.runs[label], remote.runs[label])


def test_sensitivity_analysis_on_dask_equals_local(dask: DaskExecutor) -> None:
    spec: dict[str, Any] = {
        "scenario": with_options(load_scenario("baseline"), months=12),
        "method": "morris",
        "parameters": [parse_range("dprk.munitions.kpa_floor=0.2:0.6")],
        "outcome": parse_outcome("containers"),
        "n": 4,
    }
    local = sensitivity(**spec)
    remote = sensitivity(**spec, context=RunContext(executor=dask, chunk_size=3))
    assert np.array_equal(local.outputs, remote.outputs)
    pd.testing.assert_frame_equal(local.indices, remote.indices)


def test_backtest_on_dask_and_processes_equals_local(dask: DaskExecutor) -> None:
    local = backtest("baseline", options=RunOptions(worlds=24))
    for executor in (dask, "processes:2"):
        remote = backtest(
            "baseline",
            options=RunOptions(worlds=24),
            context=RunContext(executor=executor, chunk_size=7),
        )
        pd.testing.assert_frame_equal(local.table, remote.table)


def _calibration(executor: ExecutorLike = None, chunk_size: int | None = None) -> Calibration:
    targets = select_targets(load_targets(HISTORY), "baseline", HISTORY)
    return calibrate(
        "baseline",
        targets,
        ["russia.war.fire_rate_m=0.15:0.45"],
        trials=3,
        batch=2,
        options=RunOptions(worlds=12),
        context=RunContext(executor=executor, chunk_size=chunk_size),
    )


def test_calibration_on_dask_and_processes_equals_local(dask: DaskExecutor) -> None:
    local = _calibration()
    for executor in (dask, "processes:2"):
        remote = _calibration(executor, chunk_size=5)
        pd.testing.assert_frame_equal(local.history(), remote.history())
        pd.testing.assert_frame_equal(local.table(), remote.table())
        assert local.best == remote.best


def _attribution(tmp_path: Path, executor: ExecutorLike = None) -> Attribution:
    variant = tmp_path / "variant.yaml"
    variant.write_text(
        "name: variant\nextends: baseline\n"
        "actors:\n  china: {outbid_ratio: 3.0}\n  russia: {war: {fire_rate_m: 0.24}}\n"
    )
    return explain(
        "baseline",
        variant,
        "rounds_cum_m",
        options=RunOptions(worlds=16),
        context=RunContext(executor=executor, chunk_size=5),
    )


def test_explanation_on_dask_and_processes_equals_local(dask: DaskExecutor, tmp_path: Path) -> None:
    local = _attribution(tmp_path)
    assert local.runs == 8  # 2**3: two values, and the uncertain entries they fix
    for executor in (dask, "processes:2"):
        remote = _attribution(tmp_path, executor)
        assert np.array_equal(local.contributions, remote.contributions)
        assert np.array_equal(local.paired, remote.paired)
        assert (local.value_a, local.value_b) == (remote.value_a, remote.value_b)


def test_a_retried_chunk_gives_the_same_result(
    small: Scenario,
    reference: Simulation,
    dask: DaskExecutor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flag = tmp_path / "failed-once"
    monkeypatch.setenv(FAILURE_ENV, f"50:{flag}")
    sim = run_ensemble(small, executor=dask, chunk_size=20)
    assert flag.exists(), "the chunk holding world 50 did not fail on its first attempt"
    assert_same(reference, sim)


def test_a_failing_chunk_fails_a_process_pool_run(
    small: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FAILURE_ENV, f"50:{tmp_path / 'flag'}")
    with pytest.raises(RuntimeError, match="injected failure"):  # no retries on a pool
        run_ensemble(small, executor="processes:2", chunk_size=20)


# --------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("text", "kind", "workers"),
    [("local", LocalExecutor, 1), ("processes:3", ProcessExecutor, 3), ("dask", DaskExecutor, 2)],
)
def test_executor_texts(text: str, kind: type, workers: int) -> None:
    executor = parse_executor(text)
    assert isinstance(executor, kind)
    assert executor.workers >= min(workers, os.cpu_count() or 1)  # a pool is capped at the CPUs
    assert parse_executor("dask:tcp://10.0.0.5:8786").name == "dask:tcp://10.0.0.5:8786"


@pytest.mark.parametrize(
    "text", ["", "threads", "processes:0", "processes:x", "dask:10.0.0.5", "dask:tcp://host"]
)
def test_bad_executor_text_is_refused(text: str) -> None:
    with pytest.raises(ExecutorError, match="local, processes, processes:N, dask"):
        parse_executor(text)


def test_cli_refuses_a_bad_executor_with_exit_2(tmp_path: Path) -> None:
    for command in (
        ["run", "baseline", "--out", str(tmp_path / "r")],
        ["compare", "baseline", "ceasefire_2025"],
    ):
        result = CliRunner().invoke(app, [*command, "--worlds", "5", "--executor", "threads:4"])
        assert result.exit_code == 2, result.output
        assert "unknown executor 'threads:4'" in result.output
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["backtest", "baseline", "--worlds", "5"],
        ["sweep", "baseline", "--vary", "dprk.munitions.kpa_floor=0.2:0.6:2", "--worlds", "5"],
        [
            *("sensitivity", "baseline", "--param", "dprk.munitions.kpa_floor=0.2:0.6"),
            *("--metric", "containers", "--method", "morris", "--n", "2"),
        ],
        ["explain", "baseline", "ceasefire_2025", "--metric", "containers", "--worlds", "5"],
    ],
)
def test_experiment_commands_refuse_a_bad_executor_with_exit_2(
    tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [*command, "--out", str(out), "--executor", "nonsense"])
    assert result.exit_code == 2, result.output
    assert "unknown executor 'nonsense'" in result.output
    assert not out.exists()


def test_automatic_chunks_keep_every_worker_busy_and_memory_bounded() -> None:
    assert auto_chunk_size(1_000, 60, workers=2) == 125
    assert auto_chunk_size(1_000_000, 60, workers=1) * 60 * 54 * 4 <= 256 * 2**20
    assert auto_chunk_size(3, 60, workers=8) == 1


# --------------------------------------------------------------------------- streaming
def test_a_streamed_run_stores_the_same_result(tmp_path: Path) -> None:
    options: dict[str, Any] = {"worlds": WORLDS, "months": MONTHS, "charts": False}
    plain = api.run("baseline", out=tmp_path / "plain", **options)
    streamed = api.run("baseline", out=tmp_path / "s", stream=True, chunk_size=32, **options)
    assert sorted(p.name for p in (tmp_path / "s" / "series").iterdir()) == [
        f"part-{w:012d}.parquet" for w in (0, 32, 64, 96)
    ]
    pd.testing.assert_frame_equal(plain.summary(), streamed.summary())
    for name in ("summary.csv", "events.parquet"):
        assert filecmp.cmp(tmp_path / "plain" / name, tmp_path / "s" / name, shallow=False)
    assert_same(plain.simulation, read_run(tmp_path / "s").simulation)
    lazy = read_run(tmp_path / "s", lazy=True).simulation
    assert np.array_equal(lazy.series("containers"), plain.simulation.series("containers"))
    assert json.loads((tmp_path / "s" / "manifest.json").read_text())["layout"] == "partitioned"
    assert list(list_runs(tmp_path)["status"]) == ["ok", "ok"]


def test_a_fresh_streamed_run_summarises_without_reading_its_parts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unread(*args: object) -> None:
        raise AssertionError("the finish read a metric back from the parts")

    options: dict[str, Any] = {"worlds": WORLDS, "months": MONTHS, "charts": False}
    api.run("baseline", out=tmp_path / "plain", **options)
    monkeypatch.setattr(dataset, "read_metric", unread)
    api.run("baseline", out=tmp_path / "s", stream=True, chunk_size=50, **options)
    plain, streamed = (tmp_path / name / "summary.csv" for name in ("plain", "s"))
    assert filecmp.cmp(plain, streamed, shallow=False)


def test_workers_write_a_streamed_run_in_the_same_bytes(tmp_path: Path, dask: DaskExecutor) -> None:
    options: dict[str, Any] = {"worlds": WORLDS, "months": MONTHS, "charts": False}
    runs = {
        name: api.run(
            "baseline", out=tmp_path / name, stream=True, chunk_size=32, executor=ex, **options
        )
        for name, ex in (("local", None), ("pool", "processes:2"), ("dask", dask))
    }
    stored = {
        name: sorted(
            p.relative_to(run.path).as_posix()
            for p in run.path.rglob("*")
            if p.is_file() and p.name != "manifest.json"
        )
        for name, run in runs.items()
        if run.path is not None
    }
    assert stored["pool"] == stored["dask"] == stored["local"]
    assert "series/part-000000000096.parquet" in stored["local"]
    for name in stored["local"]:
        for other in ("pool", "dask"):
            assert filecmp.cmp(tmp_path / "local" / name, tmp_path / other / name, shallow=False)
    assert verify_run(tmp_path / "pool") == verify_run(tmp_path / "dask") == []


def test_streaming_needs_a_folder() -> None:
    with pytest.raises(StoreError, match="streamed run goes to disk"):
        api.run("baseline", worlds=5, stream=True)


def test_resume_finishes_an_interrupted_run_bit_for_bit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options: dict[str, Any] = {"worlds": WORLDS, "months": MONTHS, "stream": True, "charts": "all"}
    api.run("baseline", out=tmp_path / "whole", chunk_size=16, **options)
    flag = tmp_path / "flag"
    monkeypatch.setenv(FAILURE_ENV, f"70:{flag}")
    with pytest.raises(InterruptedRunError, match="triad run --resume"):
        api.run("baseline", out=tmp_path / "cut", chunk_size=16, **options)
    partial = resumable_folder(tmp_path / "cut")
    kept = sorted(p.name for p in (partial / "series").iterdir())
    assert kept == [f"part-{w:012d}.parquet" for w in (0, 16, 32, 48)]
    assert not (tmp_path / "cut").exists()
    assert list(list_runs(tmp_path)["path"]) == [str(tmp_path / "whole")]
    stamps = {name: (partial / "series" / name).stat().st_mtime_ns for name in kept}
    plan = read_plan(partial)
    assert plan.charts == ("overview", *KEY_METRICS)  # kept, so that the resumed run draws them
    older = {**plan.to_json(), "charts": True}  # a plan written before chart sets
    assert StreamPlan.from_json(older).charts == KEY_METRICS
    assert StreamPlan.from_json({**older, "charts": False}).charts == ()
    with pytest.raises(StoreError, match="charts is not a list of chart names"):
        StreamPlan.from_json({**older, "charts": "all"})

    result = CliRunner().invoke(app, ["run", "--resume", str(tmp_path / "cut")])
    assert result.exit_code == 0, result.output
    assert not partial.exists()
    for name, stamp in stamps.items():  # finished chunks were not recomputed
        assert (tmp_path / "cut" / "series" / name).stat().st_mtime_ns == stamp
    for name in [
        *(f"series/{p.name}" for p in (tmp_path / "whole" / "series").iterdir()),
        "events.parquet",
        "summary.csv",
        *(f"charts/{p.name}" for p in (tmp_path / "whole" / "charts").iterdir()),
    ]:
        assert filecmp.cmp(tmp_path / "whole" / name, tmp_path / "cut" / name, shallow=False), name
    assert len(list((tmp_path / "cut" / "charts").glob("*.png"))) == len(KEY_METRICS) + 1
    assert_same(read_run(tmp_path / "whole").simulation, read_run(tmp_path / "cut").simulation)


def test_a_run_started_and_resumed_by_the_command_gets_its_key_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = ["run", "baseline", "--worlds", "64", "--months", "12", "--stream", "--chunk-size", "16"]
    monkeypatch.setenv(FAILURE_ENV, f"40:{tmp_path / 'flag'}")
    stopped = CliRunner().invoke(app, [*run, "--out", str(tmp_path / "cut")])
    assert stopped.exit_code != 0
    assert read_plan(resumable_folder(tmp_path / "cut")).charts == ()  # the command draws them

    resumed = CliRunner().invoke(app, ["run", "--resume", str(tmp_path / "cut")])
    assert resumed.exit_code == 0, resumed.output
    assert sorted(p.name for p in (tmp_path / "cut" / "charts").iterdir()) == ["overview.png"]
    none = CliRunner().invoke(app, ["show", str(tmp_path / "cut"), "--charts", "key"])
    assert "0 drawn, 1 stored ones reused" in none.output


def test_resume_refuses_a_folder_with_nothing_to_resume(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--resume", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "no interrupted run" in result.output
    result = CliRunner().invoke(app, ["run", "baseline", "--resume", str(tmp_path)])
    assert result.exit_code == 2
    assert "not both" in result.output


def test_cli_run_on_processes_stores_the_same_data(tmp_path: Path) -> None:
    args = ["run", "baseline", "--worlds", "40", "--months", "12", "--no-charts"]
    local = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "a")])
    pool = CliRunner().invoke(
        app, [*args, "--out", str(tmp_path / "b"), "--executor", "processes:2", "--chunk-size", "9"]
    )
    assert local.exit_code == pool.exit_code == 0, pool.output
    assert filecmp.cmp(
        tmp_path / "a" / "series.parquet", tmp_path / "b" / "series.parquet", shallow=False
    )
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["executor"] == "processes:2"
    assert os.environ.get(FAILURE_ENV) is None


class _Cluster:
    """A running scheduler's client, as far as chunk planning asks: its threads."""

    def __init__(self) -> None:
        self.connected = 0

    def nthreads(self) -> dict[str, int]:
        return {"tcp://10.0.0.1:1": 2, "tcp://10.0.0.2:1": 2}


def test_chunks_are_planned_on_the_remote_clusters_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cluster = _Cluster()

    def connect(self: DaskExecutor) -> _Cluster:
        cluster.connected += 1
        return cluster

    monkeypatch.setattr(DaskExecutor, "_connect", connect)
    remote = DaskExecutor("tcp://scheduler:8786")
    assert remote.workers == 4 and cluster.connected == 1  # connects to count them
    size = auto_chunk_size(4000, 60, remote.workers)
    assert math.ceil(4000 / size) >= 4  # every thread gets chunks (was one chunk)
    assert DaskExecutor(workers=3).workers == 3  # a LocalCluster's size, before it starts
