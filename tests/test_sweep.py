"""Sweeps: a monotone model gives a monotone response; grid points share their worlds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import triad
from triad.cli.app import app
from triad.errors import ExperimentError
from triad.experiments.parameters import parse_axis, parse_outcome
from triad.experiments.sweep import Sweep, grid_points, sweep
from triad.runs.options import RunOptions
from triad.runs.simulation import simulate
from triad.scenario.loader import load_scenario

runner = CliRunner()
WORLDS = 30


@pytest.fixture(scope="module")
def floor_sweep() -> Sweep:
    axis = parse_axis("dprk.munitions.kpa_floor=0.2:0.9:8")
    return sweep(
        "baseline", [axis], [parse_outcome("rounds_cum_m")], options=RunOptions(worlds=WORLDS)
    )


def test_a_higher_kpa_floor_means_fewer_rounds_shipped(floor_sweep: Sweep) -> None:
    medians = floor_sweep.frame()["p50"].to_numpy()
    assert np.all(np.diff(medians) <= 1e-9), medians
    assert medians[-1] < 0.9 * medians[0]


def test_with_common_random_numbers_every_world_responds_monotonically(
    floor_sweep: Sweep,
) -> None:
    values = floor_sweep.values["rounds_cum_m"]  # (points, worlds)
    assert values.shape == (8, WORLDS)
    assert np.all(np.diff(values, axis=0) <= 1e-6)


def test_a_grid_point_is_the_scenario_with_that_value_set() -> None:
    axis = parse_axis("dprk.munitions.kpa_floor=0.3:0.6:2")
    result = sweep(
        "baseline", [axis], [parse_outcome("rounds_cum_m@2025-06")], options=RunOptions(worlds=12)
    )
    direct = simulate(load_scenario("baseline", ["dprk.munitions.kpa_floor=0.6"]), worlds=12)
    month = direct.dates.index("2025-06")
    expected = direct.series("rounds_cum_m")[month].astype(np.float64)
    np.testing.assert_array_equal(result.values["rounds_cum_m@2025-06"][1], expected)


def test_two_parameters_make_a_grid_and_a_heat_map() -> None:
    axes = [
        parse_axis("dprk.munitions.kpa_floor=0.2:0.8:3"),
        parse_axis("russia.war.fire_rate_m=0.1:0.5:2"),
    ]
    assert grid_points(axes).tolist() == [
        [0.2, 0.1],
        [0.2, 0.5],
        [0.5, 0.1],
        [0.5, 0.5],
        [0.8, 0.1],
        [0.8, 0.5],
    ]
    result = sweep("baseline", axes, [parse_outcome("rounds_cum_m")], options=RunOptions(worlds=8))
    frame = result.frame()
    assert len(frame) == 6
    high_fire = frame[frame["russia.war.fire_rate_m"] == 0.5]["p50"].to_numpy()
    low_fire = frame[frame["russia.war.fire_rate_m"] == 0.1]["p50"].to_numpy()
    assert np.all(high_fire > low_fire)
    figure = triad.plot(result, "rounds_cum_m")
    assert len(figure.axes) == 2  # the map and its colour bar


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dprk.munitions.kpa_floor=0.2:0.8", "expected PATH=LO:HI:STEPS"),
        ("dprk.munitions.kpa_floor=0.2:0.8:1", "steps must be between 2 and"),
        ("dprk.munitions.kpa_floor=0.8:0.2:5", "low value must be below the high one"),
        ("dprk.munitions.kpa_flor=0.2:0.8:5", "did you mean 'dprk.munitions.kpa_floor'"),
        ("dprk.munitions.kpa_floor=0.2:1.5:5", "1.5 is above its bound 1"),
        ("russia.transport.bridge_open=0:1:2", "is an on/off flag, not a range"),
    ],
)
def test_bad_axes_are_refused(text: str, message: str) -> None:
    with pytest.raises(ExperimentError, match=message):
        parse_axis(text)


def test_the_command_writes_the_table_and_a_chart_per_outcome(tmp_path: Path) -> None:
    out = tmp_path / "s"
    args = ["sweep", "baseline", "--vary", "dprk.munitions.kpa_floor=0.2:0.8:3", "--worlds", "10"]
    result = runner.invoke(
        app,
        [*args, "--metric", "rounds_cum_m", "--metric", "dprk_gdp_bn@2025-06", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "rounds_cum_m over the grid (10 worlds per point)" in result.output
    frame = pd.read_csv(out / "sweep.csv")
    assert list(frame.columns[:3]) == ["dprk.munitions.kpa_floor", "outcome", "unit"]
    assert len(frame) == 6
    assert {p.name for p in out.glob("*.png")} == {
        "sweep_rounds_cum_m.png",
        "sweep_dprk_gdp_bn_at_2025-06.png",
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--vary", "dprk.munitions.kpa_floor=0.2:0.8"], "expected PATH=LO:HI:STEPS"),
        (["--vary", "nope=0:1:3"], "unknown parameter path 'nope'"),
        (["--vary", "dprk.munitions.kpa_floor=0.5:0.5:3"], "low value must be below"),
        (["--vary", "dprk.munitions.kpa_floor=0.2:0.8:3", "--metric", "shells"], "unknown metric"),
        (
            ["--vary", "dprk.munitions.kpa_floor=0.2:0.8:3", "--metric", "containers@2040-01"],
            "outside the horizon",
        ),
        (
            [
                "--vary",
                "dprk.munitions.kpa_floor=0.2:0.8:3",
                "--vary",
                "russia.war.fire_rate_m=0.1:0.5:3",
                "--vary",
                "china.outbid_ratio=1:2:3",
            ],
            "one or two parameters, got 3",
        ),
    ],
)
def test_the_command_refuses_bad_input_with_exit_2(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    out = tmp_path / "s"
    result = runner.invoke(app, ["sweep", "baseline", *extra, "--worlds", "4", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_policy_is_swept_over_its_names_on_the_same_worlds() -> None:
    axis = parse_axis("actors.china.policy=punisher,enforcer")
    outcome = parse_outcome("cn_dprk_trade_bn@2025-06")
    result = sweep(
        "baseline", [axis], [outcome], options=RunOptions(worlds=12, overrides=["months=24"])
    )
    frame = result.frame()
    assert list(frame["china.policy"]) == ["punisher", "enforcer"]
    for i, name in enumerate(("punisher", "enforcer")):
        direct = simulate(
            load_scenario("baseline", [f"actors.china.policy={name}", "months=24"]), 12
        )
        expected = direct.series("cn_dprk_trade_bn")[direct.dates.index("2025-06")]
        np.testing.assert_array_equal(result.values[outcome.label][i], expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("china.policy=punishr,enforcer", "unknown policy 'punishr'; choose from"),
        ("china.policy=punisher", "two or more different policies"),
        ("dprk.munitions.kpa_floor=a,b", "names are for an actor's policy"),
    ],
)
def test_a_bad_policy_axis_is_refused(text: str, message: str) -> None:
    with pytest.raises(ExperimentError, match=message):
        parse_axis(text)
