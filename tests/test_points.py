"""Per-world inputs: a world given a value runs as if the scenario had been ``--set`` to it.

Parameters, world drivers and policies can each take one value per world; a value no
scenario file could hold is refused naming the world, the path, the value and what is
expected; and worlds given the same index draw the same random numbers.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from triad.errors import PointError
from triad.runs.ensemble import with_options
from triad.runs.simulation import Simulation, simulate
from triad.scenario.loader import load_scenario
from triad.scenario.points import check_points, point_input
from triad.scenario.schema import Scenario

MONTHS = 12
WORLDS = 4


def small(overrides: list[str] | None = None) -> Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scenario = load_scenario("baseline", overrides or [])
        return with_options(scenario, worlds=WORLDS, months=MONTHS)


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    return small()


def test_worlds_given_values_equal_runs_with_those_values_set(baseline: Scenario) -> None:
    """Half the worlds at one point, half at another: each half is the --set run."""
    given = {
        "dprk.munitions.kpa_floor": np.repeat([0.3, 0.8], WORLDS),
        "world.pressure": np.repeat([0.2, 0.9], WORLDS),
        "china.policy": np.repeat(
            [point_input("china.policy").choices.index(p) for p in ("enforcer", "punisher")],
            WORLDS,
        ),
    }
    ids = np.tile(np.arange(WORLDS), 2)
    both = simulate(baseline, points=given, world_ids=ids, log_worlds=0)
    for half, (floor, pressure, policy) in enumerate(
        [(0.3, 0.2, "enforcer"), (0.8, 0.9, "punisher")]
    ):
        alone = simulate(
            small(
                [
                    f"dprk.munitions.kpa_floor={floor}",
                    f"world.pressure={pressure}",
                    f"china.policy={policy}",
                ]
            ),
            log_worlds=0,
        )
        assert np.array_equal(both.data[:, :, half * WORLDS : (half + 1) * WORLDS], alone.data)


def test_worlds_with_the_same_index_draw_the_same_numbers(baseline: Scenario) -> None:
    sim = simulate(baseline, world_ids=np.array([3, 3, 7, 3]), log_worlds=0)
    assert sim.world_ids.tolist() == [3, 3, 7, 3]
    assert np.array_equal(sim.data[:, :, 0], sim.data[:, :, 1])
    assert np.array_equal(sim.data[:, :, 0], sim.data[:, :, 3])
    assert not np.array_equal(sim.data[:, :, 0], sim.data[:, :, 2])
    alone = simulate(baseline, worlds=1, first_world=7, log_worlds=0)
    assert np.array_equal(sim.data[:, :, 2], alone.data[:, :, 0])


def run_with(baseline: Scenario, path: str, values: list[float]) -> Simulation:
    return simulate(baseline, points={path: np.asarray(values)}, log_worlds=0)


@pytest.mark.parametrize(
    ("path", "values", "message"),
    [
        (
            "dprk.munitions.kpa_floor",
            [0.2, 0.5, 1.5, 0.4],
            "world 2: dprk.munitions.kpa_floor = 1.5: expected a number from 0 to 1",
        ),
        (
            "dprk.munitions.kpa_floor",
            [0.2, float("nan"), 0.3, 0.4],
            "world 1: dprk.munitions.kpa_floor = nan: expected a number from 0 to 1",
        ),
        (
            "world.pressure",
            [0.2, 0.5, 0.5, -0.1],
            "world 3: world.pressure = -0.1: expected a number from 0 to 1",
        ),
        (
            "russia.tech_transfer.max_tier",
            [1, 2, 1.5, 0],
            "world 2: russia.tech_transfer.max_tier = 1.5: expected a whole number from 0 to 3",
        ),
        (
            "russia.tech_transfer.max_tier",
            [1, 3, 2, 0],
            "world 1: russia.tech_transfer.max_tier = 3: max_tier 3 (nuclear, biological, "
            "chemical help) needs allow_nbc: true",
        ),
        ("china.policy", [0, 1, 9, 0], "world 2: china.policy = 9: expected one of: competitor"),
    ],
)
def test_a_value_no_scenario_could_hold_is_refused_naming_the_world(
    baseline: Scenario, path: str, values: list[float], message: str
) -> None:
    with pytest.raises(PointError) as caught:
        run_with(baseline, path, values)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("dprk.munitions.kpa_flor", "did you mean 'dprk.munitions.kpa_floor'"),
        ("months", "takes one value for the whole run"),
        ("world.pressure.noise.sd", "takes one value for the whole run"),
        ("uncertain.china.policy", "takes one value for the whole run"),
    ],
)
def test_a_path_that_cannot_differ_by_world_is_refused(
    baseline: Scenario, path: str, message: str
) -> None:
    with pytest.raises(PointError, match=message.replace("(", r"\(")):
        run_with(baseline, path, [0.1] * WORLDS)


def test_actors_prefix_is_accepted_and_a_path_given_twice_is_refused(baseline: Scenario) -> None:
    assert point_input("actors.china.policy") == point_input("china.policy")
    with pytest.raises(PointError, match="name the same input"):
        check_points(
            baseline,
            {"china.policy": np.zeros(WORLDS), "actors.china.policy": np.zeros(WORLDS)},
        )


def test_a_user_value_is_checked_before_it_becomes_a_float() -> None:
    floor = point_input("dprk.munitions.kpa_floor")
    with pytest.raises(PointError, match=r"point 1: dprk.munitions.kpa_floor = 'high'"):
        floor.encode([0.2, "high"])
    flag = point_input("russia.tech_transfer.allow_nbc")
    assert flag.encode([True, False, 1]).tolist() == [1.0, 0.0, 1.0]
    policy = point_input("china.policy")
    codes = policy.encode(["punisher", "enforcer"])
    assert policy.decode(codes) == ["punisher", "enforcer"]
    with pytest.raises(PointError, match=r"point 0: china.policy = .punish.: expected one of"):
        policy.encode(["punish"])
