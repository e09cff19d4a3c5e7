"""``precision: float32``: the model in single precision, near float64's results.

The default (float64) is the model as it always ran: the golden run of ``test_store.py``
holds it bit for bit. In float32 every floating-point array of the state, flows,
parameters and drivers is float32 in every month (one float64 array would pull the
arithmetic back to float64), a world is still the same whatever the ensemble, the
chunking or the executor, and ensemble medians stay within the tolerance documented in
``docs/performance.md``.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

import triad.api as api
from triad.errors import ScenarioError
from triad.model.metrics import METRIC_NAMES
from triad.model.model import TriadModel
from triad.runs.ensemble import KEY_METRICS
from triad.runs.simulation import Simulation, simulate
from triad.scenario.loader import load_scenario
from triad.scenario.schema import Scenario

SINGLE = ["precision=float32"]
WORLDS = 300
MEDIAN_TOLERANCE = 2e-3  # relative, on medians not within 1e-3 of zero (measured: 1.1e-3 at most)
COUNTS = ("satellite_attempts_cum", "satellite_successes_cum", "russia_tech_tier", "un_regime")


@pytest.fixture(scope="module")
def pair() -> tuple[Simulation, Simulation]:
    """The baseline's first 300 worlds in float64 and in float32."""
    double = simulate(load_scenario("baseline"), worlds=WORLDS)
    single = simulate(load_scenario("baseline", SINGLE), worlds=WORLDS)
    return double, single


def float_dtypes(model: TriadModel) -> dict[str, np.dtype]:
    """The type of every floating-point array the next month reads, by name."""
    arrays = {**model.state, **model.flows, **model.params, **model.drivers.current}
    for actor in (model.russia, model.china, model.dprk):
        state = actor.state
        arrays |= {f"{actor.key}.{f.name}": getattr(state, f.name) for f in fields(state)}
    return {
        name: value.dtype
        for name, value in arrays.items()
        if isinstance(value, np.ndarray) and value.dtype.kind == "f"
    }


@pytest.mark.parametrize("name", ["baseline", "ceasefire_2025", "tech_for_shells"])
@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_every_float_array_is_of_the_scenarios_precision_in_every_month(
    name: str, precision: str
) -> None:
    scenario = load_scenario(name, [f"precision={precision}"])
    model = TriadModel(scenario, worlds=20)
    seen: set[str] = set()
    while model.month < scenario.months:
        model.step()
        dtypes = float_dtypes(model)
        seen |= set(dtypes)
        assert {k: str(v) for k, v in dtypes.items() if v != np.dtype(precision)} == {}
    assert model.recorder.data.dtype == np.float32  # recorded in float32 at either precision
    assert len(seen) > 200


def test_medians_stay_within_the_documented_tolerance(pair: tuple[Simulation, Simulation]) -> None:
    double, single = pair
    assert not np.array_equal(double.data, single.data)  # it is another arithmetic
    for metric in KEY_METRICS:
        a = np.median(double.series(metric)[11::12], axis=1)
        b = np.median(single.series(metric)[11::12], axis=1)
        scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-3)
        assert np.max(np.abs(a - b) / scale) <= MEDIAN_TOLERANCE, metric


def test_no_world_takes_another_discrete_path(pair: tuple[Simulation, Simulation]) -> None:
    double, single = pair
    for metric in COUNTS:
        assert metric in METRIC_NAMES
        assert np.array_equal(double.series(metric), single.series(metric)), metric


def single_baseline() -> Scenario:
    return load_scenario("baseline", SINGLE)


@pytest.mark.parametrize("world", [0, 77, 299])
def test_a_float32_world_is_the_same_alone_and_in_the_ensemble(
    pair: tuple[Simulation, Simulation], world: int
) -> None:
    alone = simulate(single_baseline(), worlds=1, first_world=world)
    assert np.array_equal(alone.data[:, :, 0], pair[1].data[:, :, world])


def test_a_float32_run_is_the_same_in_chunks_and_on_two_processes(
    pair: tuple[Simulation, Simulation],
) -> None:
    chunked = simulate(single_baseline(), worlds=WORLDS, chunk_size=64)
    assert np.array_equal(chunked.data, pair[1].data)
    pooled = api.run(single_baseline(), worlds=40, chunk_size=16, executor="processes:2")
    assert np.array_equal(pooled.simulation.data, pair[1].data[:, :, :40])


def test_the_manifest_records_the_precision() -> None:
    result = api.run("baseline", worlds=4, months=3, overrides=SINGLE)
    assert result.manifest.scenario["precision"] == "float32"
    assert load_scenario("baseline").precision == "float64"


def test_another_precision_is_refused_with_the_field_named() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario("baseline", ["precision=float16"])
    text = str(caught.value)
    assert "precision" in text and "float32" in text
