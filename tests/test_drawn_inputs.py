"""Stored runs keep each world's drawn uncertain inputs, the same for every chunking."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import triad
from triad.errors import ModelError, StoreError
from triad.experiments.discovery import outcome_at, separating_inputs
from triad.model.model import TriadModel
from triad.model.params import event_draws
from triad.model.randomness import Streams
from triad.scenario.loader import load_scenario
from triad.scenario.schema import Scenario, uncertain_kind
from triad.store.inputs import INPUTS, drawn_inputs, input_unit
from triad.store.run_folder import read_run

matplotlib.use("Agg")

DOC = Path(__file__).resolve().parent.parent / "docs" / "results.md"
WORLDS = 23


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    base = load_scenario("baseline")
    return Scenario.model_validate(base.model_dump() | {"worlds": WORLDS})


def run(scenario: Scenario, out: Path, **options: object) -> triad.RunResult:
    return triad.run(scenario, out=out, charts=False, **options)  # type: ignore[arg-type]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_stored_run_keeps_one_row_of_drawn_inputs_per_world(
    scenario: Scenario, tmp_path: Path
) -> None:
    result = run(scenario, tmp_path / "run")
    stored = pd.read_parquet(tmp_path / "run" / INPUTS)
    assert list(stored.columns) == ["world", *sorted(scenario.uncertain)]
    assert list(stored["world"]) == list(range(WORLDS))
    for path in scenario.uncertain:
        assert stored[path].nunique() >= 2, f"{path} does not vary across worlds"
    pd.testing.assert_frame_equal(read_run(tmp_path / "run").inputs(), stored)
    pd.testing.assert_frame_equal(result.inputs(), stored)


def test_the_manifest_lists_the_inputs_with_their_checksum(
    scenario: Scenario, tmp_path: Path
) -> None:
    run(scenario, tmp_path / "run")
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["files"][INPUTS]
    assert entry["sha256"] == sha256(tmp_path / "run" / INPUTS)
    assert entry["bytes"] == (tmp_path / "run" / INPUTS).stat().st_size


def test_inputs_are_the_values_the_model_used(scenario: Scenario) -> None:
    model = TriadModel(scenario, worlds=9, first_world=4)
    inputs = drawn_inputs(scenario, model.world_ids)
    parameters = [p for p in scenario.uncertain if uncertain_kind(p) == "parameter"]
    assert parameters
    for path in parameters:
        np.testing.assert_array_equal(inputs[path].to_numpy(), model.params[path])


def test_streamed_runs_and_every_chunking_and_executor_store_the_same_inputs(
    scenario: Scenario, tmp_path: Path
) -> None:
    runs = {
        "memory": {},
        "memory-chunks-5": {"chunk_size": 5},
        "streamed-chunks-4": {"stream": True, "chunk_size": 4},
        "streamed-processes-chunks-7": {"stream": True, "executor": "processes:2", "chunk_size": 7},
    }
    digests = {}
    for name, options in runs.items():
        run(scenario, tmp_path / name, **options)
        manifest = json.loads((tmp_path / name / "manifest.json").read_text(encoding="utf-8"))
        digests[name] = manifest["files"][INPUTS]["sha256"]
    assert len(set(digests.values())) == 1, digests
    assert json.loads((tmp_path / "streamed-chunks-4" / "manifest.json").read_text())["layout"]


def test_a_chunk_of_worlds_draws_what_the_whole_ensemble_draws(scenario: Scenario) -> None:
    whole = drawn_inputs(scenario, np.arange(WORLDS, dtype=np.int64))
    part = drawn_inputs(scenario, np.arange(7, 15, dtype=np.int64))
    pd.testing.assert_frame_equal(whole.iloc[7:15].reset_index(drop=True), part)


def test_inputs_join_with_outcomes_on_world(scenario: Scenario, tmp_path: Path) -> None:
    result = run(scenario, tmp_path / "run")
    series = pd.read_parquet(tmp_path / "run" / "series.parquet")
    joined = series.merge(result.inputs(), on="world", validate="many_to_one")
    assert len(joined) == WORLDS * scenario.months
    world = joined[joined["world"] == 3]
    assert world[sorted(scenario.uncertain)].nunique().max() == 1  # one draw per world


def test_policy_types_and_event_dates_are_stored_as_drawn(scenario: Scenario) -> None:
    data = scenario.model_dump()
    calm = {"set": "world.war_intensity", "value": 0.2}
    data["events"].append({"name": "late_ceasefire", "at": "2024-01", "actions": [calm]})
    data["uncertain"] |= {
        "china.policy": {"dist": "choice", "values": ["enforcer", "punisher"]},
        "events.late_ceasefire.at": {"dist": "uniform", "low": "2023-10", "high": "2024-12"},
    }
    drawn = Scenario.model_validate(data)
    ids = np.arange(40, dtype=np.int64)
    inputs = drawn_inputs(drawn, ids)
    assert set(inputs["china.policy"]) == {"enforcer", "punisher"}
    model = TriadModel(drawn, worlds=40)
    names = np.asarray(model.china.policy.names)[model.china.policy.index]
    assert list(inputs["china.policy"]) == list(names)
    dates, _ = event_draws(drawn, Streams(drawn.seed, ids), 40)
    np.testing.assert_array_equal(inputs["events.late_ceasefire.at"], dates["late_ceasefire"])
    assert input_unit(drawn, "china.policy") == "policy name"
    assert input_unit(drawn, "russia.war.dud_rate") != ""


def test_fixed_uncertain_inputs_are_stored_at_their_central_value(scenario: Scenario) -> None:
    fixed = Scenario.model_validate(scenario.model_dump() | {"fix_uncertain": True})
    inputs = drawn_inputs(fixed, np.arange(12, dtype=np.int64))
    assert (inputs.drop(columns="world").nunique() == 1).all()


def test_the_worst_decile_is_set_apart_by_the_input_that_drives_it() -> None:
    rng = np.random.default_rng(3)
    worlds = np.arange(1000)
    cause, noise = rng.uniform(size=1000), rng.uniform(size=1000)
    policy = np.where(rng.uniform(size=1000) < 0.5, "punisher", "enforcer")
    inputs = pd.DataFrame({"world": worlds, "noise": noise, "cause": cause, "china.policy": policy})
    outcome = pd.Series(cause + 0.5 * (policy == "punisher"), index=worlds)
    table = separating_inputs(inputs, outcome, worst=0.1)
    assert table.iloc[0]["input"] == "cause" and table.iloc[0]["separation"] < -0.5
    punisher = table[table["statistic"] == "share punisher"].iloc[0]
    assert punisher["worst"] < 0.2 < 0.5 < punisher["rest"]
    assert abs(table[table["input"] == "noise"].iloc[0]["separation"]) < 0.3
    with pytest.raises(ModelError, match="between 0 and 1"):
        separating_inputs(inputs, outcome, worst=1.5)


def test_outcome_at_refuses_a_month_outside_the_run(scenario: Scenario) -> None:
    result = triad.run(scenario)
    assert len(outcome_at(result, "dprk_regime_security", result.simulation.dates[-1])) == WORLDS
    with pytest.raises(ModelError, match="outside the run"):
        outcome_at(result, "dprk_regime_security", "2040-01")


def test_the_results_page_examples_run(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 3
    namespace: dict[str, object] = {}
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)
    finally:
        os.chdir(cwd)
    table = namespace["table"]
    assert isinstance(table, pd.DataFrame) and len(table) >= len(
        load_scenario("baseline").uncertain
    )
    stored = namespace["stored"]  # read back through the public triad.read_run
    assert isinstance(stored, triad.RunResult) and stored.path == Path("runs/discovery")
    assert triad.read_run is read_run


@pytest.mark.parametrize("stream", [False, True])
def test_the_results_page_documents_every_key_of_the_manifest(
    scenario: Scenario, tmp_path: Path, stream: bool
) -> None:
    run(scenario, tmp_path / "run", stream=stream)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    page = DOC.read_text(encoding="utf-8")
    table = page.split("### `manifest.json`")[1].split("\n### ")[0]
    documented = re.findall(r"^\| `([a-z_0-9]+)` \|", table, flags=re.M)
    assert sorted(manifest) == sorted(k for k in documented if k in manifest)
    assert set(documented) - set(manifest) <= (
        {"layout", "stream_chunk_size"} if not stream else set()
    )


def test_the_results_page_gives_every_events_column_its_type(
    scenario: Scenario, tmp_path: Path
) -> None:
    run(scenario, tmp_path / "run")
    events = pd.read_parquet(tmp_path / "run" / "events.parquet")
    table = DOC.read_text(encoding="utf-8").split("### `events.parquet`")[1].split("\n### ")[0]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([a-z0-9]+) \|", table, flags=re.M))
    assert list(rows) == list(events.columns)
    for column, dtype in rows.items():
        shown = (
            "string" if pd.api.types.is_string_dtype(events[column]) else str(events[column].dtype)
        )
        assert shown == dtype, column


def test_a_damaged_inputs_file_is_refused_on_reading(scenario: Scenario, tmp_path: Path) -> None:
    run(scenario, tmp_path / "run")
    path = tmp_path / "run" / INPUTS
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"inputs\.parquet"):
        read_run(tmp_path / "run")
