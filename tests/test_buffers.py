"""Recording in place: chunks write into the ensemble's array or a reused buffer, not new ones."""

from __future__ import annotations

import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from triad import api
from triad.errors import ModelError
from triad.model.metrics import METRIC_NAMES, Recorder
from triad.model.model import TriadModel
from triad.runs.buffers import chunk_buffer, release_buffer
from triad.runs.resources import metrics_bytes
from triad.runs.simulation import simulate
from triad.scenario.loader import load_scenario
from triad.scenario.schema import Scenario
from triad.store.run_folder import read_run

MONTHS = 12


@pytest.fixture(scope="module")
def short() -> Scenario:
    return load_scenario("baseline").model_copy(update={"months": MONTHS})


def test_a_recorder_writes_into_the_array_it_is_given() -> None:
    whole = np.full((MONTHS, len(METRIC_NAMES), 10), 7.0, dtype=np.float32)
    recorder = Recorder(MONTHS, 4, whole[:, :, 3:7])
    assert np.shares_memory(recorder.data, whole)
    assert not whole[:, :, 3:7].any()  # zeroed first
    assert (whole[:, :, :3] == 7.0).all() and (whole[:, :, 7:] == 7.0).all()


@pytest.mark.parametrize(
    "out",
    [
        np.zeros((MONTHS, len(METRIC_NAMES), 5), dtype=np.float32),
        np.zeros((MONTHS, len(METRIC_NAMES), 4), dtype=np.float64),
        np.zeros((MONTHS + 1, len(METRIC_NAMES), 4), dtype=np.float32),
    ],
)
def test_a_recorder_refuses_an_array_of_another_shape_or_type(out: np.ndarray) -> None:
    with pytest.raises(ModelError, match="a recorder needs float32"):
        Recorder(MONTHS, 4, out)


def test_a_model_recording_into_a_view_gives_the_same_numbers(short: Scenario) -> None:
    alone = TriadModel(short, worlds=30, first_world=20).run().recorder.data
    whole = np.empty((MONTHS, len(METRIC_NAMES), 50), dtype=np.float32)
    TriadModel(short, worlds=30, first_world=20, record_into=whole[:, :, 20:]).run()
    assert np.array_equal(whole[:, :, 20:], alone)


def test_chunks_record_in_place_without_an_array_of_their_own() -> None:
    scenario = load_scenario("baseline").model_copy(update={"months": 60})
    worlds, chunk = 2_000, 1_000
    one = simulate(scenario, worlds=worlds)
    tracemalloc.start()
    chunked = simulate(scenario, worlds=worlds, chunk_size=chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert np.array_equal(chunked.data, one.data)
    whole = metrics_bytes(worlds, 60)
    # The ensemble's array plus a chunk's working state (about 4.5 MB here); a chunk's
    # own recorder would add another 21.6 MB.
    assert peak < whole + metrics_bytes(chunk, 60) // 2, (peak, whole)


def test_a_thread_reuses_its_buffer_and_grows_it_when_needed() -> None:
    try:
        first = chunk_buffer(MONTHS, 40)
        again = chunk_buffer(MONTHS, 40)
        smaller = chunk_buffer(MONTHS, 25)
        assert again.shape == (MONTHS, len(METRIC_NAMES), 40)
        assert smaller.shape == (MONTHS, len(METRIC_NAMES), 25)
        assert np.shares_memory(first, again) and np.shares_memory(first, smaller)
        larger = chunk_buffer(MONTHS, 41)
        other_months = chunk_buffer(MONTHS + 1, 10)
        assert not np.shares_memory(first, larger)
        assert not np.shares_memory(larger, other_months)
        elsewhere: list[np.ndarray] = []
        thread = threading.Thread(target=lambda: elsewhere.append(chunk_buffer(MONTHS + 1, 10)))
        thread.start()
        thread.join()
        assert not np.shares_memory(elsewhere[0], other_months)
    finally:
        release_buffer()
    assert not np.shares_memory(chunk_buffer(MONTHS + 1, 10), other_months)
    release_buffer()


def test_a_streamed_run_with_a_short_last_chunk_stores_the_same_worlds(tmp_path: Path) -> None:
    plain = api.run("baseline", worlds=100, months=MONTHS, charts=False, out=tmp_path / "p")
    api.run(
        "baseline",
        worlds=100,
        months=MONTHS,
        charts=False,
        out=tmp_path / "s",
        stream=True,
        chunk_size=40,  # 40 + 40 + 20: the last chunk records into the front of the buffer
    )
    streamed = read_run(tmp_path / "s").simulation
    assert sorted(p.name for p in (tmp_path / "s" / "series").iterdir()) == [
        f"part-{w:012d}.parquet" for w in (0, 40, 80)
    ]
    assert np.array_equal(streamed.data, plain.simulation.data)
