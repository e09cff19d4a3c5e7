"""World k's results depend only on (scenario, seed, k).

Not on the ensemble size, not on the chunking, not on the run: bit for bit. A different
seed gives different worlds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from strategies import EXAMPLES, PROPERTY, Case, cases
from triad.model.model import TriadModel
from triad.runs.simulation import Simulation, simulate
from triad.scenario.loader import load_scenario
from triad.scenario.schema import Scenario, uncertain_kind

THOUSAND = 1000


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    return load_scenario("baseline")


@pytest.fixture(scope="module")
def thousand(baseline: Scenario) -> Simulation:
    """The baseline with 1000 worlds, every world logged."""
    return simulate(baseline, worlds=THOUSAND, log_worlds=THOUSAND)


def world_events(sim: Simulation, world: int) -> pd.DataFrame:
    """The event-log rows of one world, re-indexed."""
    return sim.events[sim.events["world"] == world].reset_index(drop=True)


def rows(events: pd.DataFrame) -> list[tuple[object, ...]]:
    """The rows of an event log as plain tuples (whatever the column dtypes; NaN as None)."""
    return [
        tuple(None if isinstance(v, float) and v != v else v for v in row)
        for row in events.itertuples(index=False)
    ]


@pytest.mark.parametrize("world", [0, 5, 503, 999])
def test_a_world_is_the_same_alone_and_in_an_ensemble_of_1000(
    baseline: Scenario, thousand: Simulation, world: int
) -> None:
    alone = simulate(baseline, worlds=1, first_world=world, log_worlds=THOUSAND)
    assert alone.world_ids.tolist() == [world]
    assert np.array_equal(alone.data[:, :, 0], thousand.data[:, :, world])
    pd.testing.assert_frame_equal(alone.events, world_events(thousand, world))


@pytest.mark.parametrize("world", [0, 5, 503])
def test_a_world_is_the_same_in_an_ensemble_of_7_and_of_1000(
    baseline: Scenario, thousand: Simulation, world: int
) -> None:
    first = max(0, world - 3)
    seven = simulate(baseline, worlds=7, first_world=first)
    assert np.array_equal(seven.data[:, :, world - first], thousand.data[:, :, world])


@pytest.mark.parametrize("chunk_size", [1, 3, 64])
def test_chunking_changes_neither_the_data_nor_the_event_log(
    baseline: Scenario, chunk_size: int
) -> None:
    whole = simulate(baseline, worlds=12, first_world=40, log_worlds=50)
    chunked = simulate(baseline, worlds=12, first_world=40, log_worlds=50, chunk_size=chunk_size)
    assert np.array_equal(whole.world_ids, chunked.world_ids)
    assert np.array_equal(whole.data, chunked.data)
    assert len(whole.events) > 0 and set(whole.events["world"]) <= set(range(40, 50))
    pd.testing.assert_frame_equal(whole.events, chunked.events)


def test_the_same_seed_twice_gives_identical_runs(baseline: Scenario) -> None:
    first, second = simulate(baseline, worlds=50), simulate(baseline, worlds=50)
    assert np.array_equal(first.data, second.data)
    pd.testing.assert_frame_equal(first.events, second.events)


def test_a_different_seed_gives_different_worlds(baseline: Scenario) -> None:
    other = baseline.model_copy(update={"seed": baseline.seed + 1})
    first, second = simulate(baseline, worlds=50), simulate(other, worlds=50)
    assert not np.array_equal(first.data, second.data)
    # every world differs, not just some
    differs = (first.data != second.data).any(axis=(0, 1))
    assert differs.all()


def test_uncertain_parameters_of_world_k_do_not_depend_on_the_ensemble(
    baseline: Scenario,
) -> None:
    assert baseline.uncertain, "the baseline samples some parameters"
    ensemble = TriadModel(baseline, worlds=THOUSAND).params
    chunk = TriadModel(baseline, worlds=10, first_world=500).params
    alone = {w: TriadModel(baseline, worlds=1, first_world=w).params for w in (0, 5, 503, 999)}
    for path in _parameters(baseline):
        draws = ensemble[path]
        continuous = baseline.uncertain[path].dist != "choice"
        assert np.unique(draws).size > (THOUSAND // 2 if continuous else 1), path
        assert np.array_equal(chunk[path], draws[500:510]), path
        for world, params in alone.items():
            assert params[path][0] == draws[world], (path, world)


def _parameters(scenario: Scenario) -> list[str]:
    """The sampled parameters (not a policy type or an event's field)."""
    return [path for path in scenario.uncertain if uncertain_kind(path) == "parameter"]


def test_uncertain_parameters_change_with_the_seed(baseline: Scenario) -> None:
    other = baseline.model_copy(update={"seed": baseline.seed + 1})
    first, second = TriadModel(baseline, worlds=20).params, TriadModel(other, worlds=20).params
    for path in _parameters(baseline):
        assert not np.array_equal(first[path], second[path]), path


@settings(PROPERTY, max_examples=max(1, EXAMPLES // 2))
@given(cases())
def test_in_any_scenario_the_last_world_alone_equals_its_ensemble_twin(case: Case) -> None:
    """Random events, conditions, drivers and uncertainty included."""
    scenario = case.scenario
    last = scenario.worlds - 1
    ensemble = simulate(scenario)
    alone = simulate(scenario, worlds=1, first_world=last)
    assert np.array_equal(alone.data[:, :, 0], ensemble.data[:, :, last], equal_nan=True)
    assert rows(alone.events) == rows(world_events(ensemble, last))
