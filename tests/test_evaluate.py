"""triad.evaluate: many points, one ensemble, the same answer as running each point alone."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import triad
from triad.errors import TriadError
from triad.experiments.evaluate import Evaluation
from triad.experiments.parameters import parse_axis
from triad.experiments.sweep import sweep
from triad.runs.ensemble import with_options
from triad.runs.options import RunOptions
from triad.runs.simulation import simulate
from triad.scenario.loader import load_scenario

MONTHS = 12
K = 4
POINTS = {
    "dprk.munitions.kpa_floor": [0.2, 0.5, 0.8],
    "actors.china.policy": ["punisher", "enforcer", "punisher"],
    "world.pressure": [0.1, 0.5, 0.9],
}
METRICS = ["containers", "china_resentment"]


@pytest.fixture(autouse=True)
def quiet() -> Iterator[None]:
    """Events after the short horizon are noted; these tests do not look at the notes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", triad.errors.TriadNote)
        yield


def run(**given: Any) -> Evaluation:
    kwargs: dict[str, Any] = {"worlds_per_point": K, "metrics": METRICS} | given
    points = kwargs.pop("points", POINTS)
    options = triad.RunOptions(months=MONTHS, seed=kwargs.pop("seed", None))
    context = triad.RunContext(
        executor=kwargs.pop("executor", None), chunk_size=kwargs.pop("chunk_size", None)
    )
    return triad.evaluate("baseline", points, options=options, context=context, **kwargs)


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", triad.errors.TriadNote)
        return run()


def test_frame_has_one_row_per_point_with_inputs_median_and_quantiles(
    evaluation: Evaluation,
) -> None:
    frame = evaluation.frame()
    assert list(frame.columns) == [
        "point",
        *POINTS,
        "containers_median",
        "containers_p05",
        "containers_p95",
        "china_resentment_median",
        "china_resentment_p05",
        "china_resentment_p95",
    ]
    assert frame["point"].tolist() == [0, 1, 2]
    assert frame["actors.china.policy"].tolist() == POINTS["actors.china.policy"]
    assert (frame["containers_p05"] <= frame["containers_median"]).all()
    assert (frame["containers_median"] <= frame["containers_p95"]).all()


def test_worlds_has_one_row_per_point_and_world(evaluation: Evaluation) -> None:
    worlds = evaluation.worlds()
    assert len(worlds) == 3 * K
    assert worlds["point"].tolist() == [p for p in range(3) for _ in range(K)]
    assert worlds["world"].tolist() == list(range(3 * K))  # distinct worlds by default
    medians = worlds.groupby("point")["containers"].median().to_numpy()
    assert np.allclose(medians, evaluation.frame()["containers_median"])


def test_each_point_is_the_run_with_its_values_set(evaluation: Evaluation) -> None:
    """Point 2 in worlds 8..11 equals the scenario --set to point 2, run on worlds 8..11."""
    scenario = load_scenario(
        "baseline",
        ["dprk.munitions.kpa_floor=0.8", "china.policy=punisher", "world.pressure=0.9"],
    )
    alone = simulate(with_options(scenario, worlds=K, months=MONTHS), first_world=2 * K)
    expected = alone.series("containers")[-1].astype(np.float64)
    assert np.array_equal(evaluation.values["containers"][2], expected)


def test_common_worlds_give_every_point_worlds_0_to_k() -> None:
    same = {"dprk.munitions.kpa_floor": [0.5, 0.5], "china.policy": ["enforcer"] * 2}
    result = run(points=same, common_worlds=True)
    assert result.world_ids.tolist() == [list(range(K))] * 2
    assert np.array_equal(result.values["containers"][0], result.values["containers"][1])
    distinct = run(points=same)
    assert not np.array_equal(distinct.values["containers"][0], distinct.values["containers"][1])


def test_on_common_worlds_a_grid_is_the_sweep_of_that_grid() -> None:
    """The sweep runs one ensemble per grid point on worlds 0..K-1; evaluate runs one in all."""
    scenario = with_options(load_scenario("baseline"), months=36)
    grid = sweep(
        scenario, [parse_axis("dprk.munitions.kpa_floor=0.2:0.9:3")], options=RunOptions(worlds=K)
    )
    floors = {"dprk.munitions.kpa_floor": grid.grid[:, 0].tolist()}
    result = triad.evaluate(
        scenario, floors, worlds_per_point=K, common_worlds=True, metrics=["rounds_cum_m"]
    )
    assert np.array_equal(result.values["rounds_cum_m"], grid.values["rounds_cum_m"])
    shipped = result.values["rounds_cum_m"]  # a higher floor ships fewer shells, world by world
    assert np.all(np.diff(shipped, axis=0) <= 1e-6)
    assert shipped[-1].sum() < 0.9 * shipped[0].sum()


def test_a_design_run_in_parts_with_point_ids_equals_it_run_whole(
    evaluation: Evaluation,
) -> None:
    first = {path: values[:1] for path, values in POINTS.items()}
    rest = {path: values[1:] for path, values in POINTS.items()}
    parts = [run(points=first), run(points=rest, point_ids=[1, 2])]
    joined = np.vstack([part.values["containers"] for part in parts])
    assert np.array_equal(joined, evaluation.values["containers"])
    with pytest.raises(TriadError, match="point_ids: expected 2 distinct whole numbers"):
        run(points=rest, point_ids=[1, 1])


def test_same_seed_same_frames_whatever_the_executor_and_chunking(
    evaluation: Evaluation,
) -> None:
    again = run(executor="processes:2", chunk_size=5)
    pd.testing.assert_frame_equal(evaluation.frame(), again.frame())
    pd.testing.assert_frame_equal(evaluation.worlds(), again.worlds())
    other = run(seed=7)
    assert not np.array_equal(evaluation.values["containers"], other.values["containers"])


def test_metrics_are_read_at_a_month_or_refused_outside_the_horizon() -> None:
    result = run(at="2024-03", metrics=["containers", "dprk_gdp_bn@2024-06"])
    assert result.labels == ["containers@2024-03", "dprk_gdp_bn@2024-06"]
    assert "containers@2024-03_median" in result.frame().columns
    with pytest.raises(TriadError, match="outside the horizon"):
        run(at="2030-01")


def test_markdown_names_the_design(evaluation: Evaluation) -> None:
    text = evaluation.markdown()
    assert text.startswith("baseline: 3 points x 4 distinct worlds each, 12 months")
    assert "| point | dprk.munitions.kpa_floor |" in text


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (
            {"dprk.munitions.kpa_floor": [0.2, 0.5, 1.5]},
            "point 2: dprk.munitions.kpa_floor = 1.5: expected a number from 0 to 1",
        ),
        (
            pd.DataFrame({"russia.war.dud_rate": [0.1, np.nan]}),
            "point 1: russia.war.dud_rate = nan: expected a number from 0 to 0.9",
        ),
        (
            {"china.policy": ["enforcer", "nice"]},
            "point 1: china.policy = 'nice': expected one of: competitor",
        ),
        ({"dprk.munitions.kpa_flor": [0.2]}, "did you mean 'dprk.munitions.kpa_floor'"),
        (
            {"dprk.munitions.kpa_floor": [0.2, 0.3], "world.pressure": [0.5]},
            "every column needs one value per point",
        ),
        (
            {"china.policy": ["enforcer"], "actors.china.policy": ["enforcer"]},
            "name one input",
        ),
        ({"dprk.munitions.kpa_floor": []}, "give at least one point"),
        ({}, "give at least one column"),
        ({"dprk.munitions.kpa_floor": 0.5}, "must be a list or array of values"),
    ],
)
def test_bad_points_are_refused_before_anything_runs(points: object, message: str) -> None:
    with pytest.raises(TriadError) as caught:
        run(points=points)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"worlds_per_point": 0}, "worlds_per_point must be a whole number >= 1"),
        ({"metrics": ["containrs"]}, "unknown metric 'containrs'"),
        ({"quantiles": (0.5,)}, "p50 is the median"),
        ({"quantiles": (1.5,)}, "strictly between 0 and 1"),
    ],
)
def test_bad_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(TriadError, match=message):
        run(**options)


def test_import_triad_exports_evaluate_lazily() -> None:
    assert "evaluate" in triad.__all__
    assert triad.evaluate.__module__ == "triad.experiments.evaluate"


def test_points_can_set_event_months_and_distribution_numbers() -> None:
    """An earlier ceasefire ships fewer rounds; each point equals the --set run on its worlds."""
    points = {
        "events.ceasefire.at": ["2024-06", "2027-06"],
        "uncertain.dprk.munitions.capacity_m.high": [0.4, 0.4],
    }
    found = triad.evaluate(
        "baseline", points, worlds_per_point=K, common_worlds=True, metrics=["rounds_cum_m"]
    )
    assert list(found.frame()["events.ceasefire.at"]) == ["2024-06", "2027-06"]
    early, late = found.values["rounds_cum_m"]
    assert np.median(early) < np.median(late)
    scenario = load_scenario(
        "baseline",
        ["events.ceasefire.at=2024-06", "uncertain.dprk.munitions.capacity_m.high=0.4"],
    )
    alone = simulate(with_options(scenario, worlds=K))
    assert np.array_equal(early, alone.series("rounds_cum_m")[-1].astype(np.float64))


def test_event_and_distribution_points_are_checked_against_the_scenario() -> None:
    with pytest.raises(TriadError, match="did you mean 'ceasefire'"):
        run(points={"events.ceasfire.at": ["2025-01"]})
    with pytest.raises(TriadError, match=r"point 0: .*low \(0\.02\) must be below high"):
        run(points={"uncertain.dynamics.commitment_decay.high": [0.01]})
