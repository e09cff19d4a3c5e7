"""Sensitivity: the parameter that matters gets the dominant index; one ensemble runs it all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import triad.experiments.sensitivity as sensitivity_module
from triad.cli.app import app
from triad.errors import ExperimentError
from triad.experiments.parameters import ParameterRange, parse_outcome, parse_range
from triad.experiments.sensitivity import Sensitivity, expected_points, sensitivity
from triad.runs.options import RunOptions
from triad.runs.simulation import Simulation

runner = CliRunner()
FIRE = "russia.war.fire_rate_m"
PARAMS = [f"{FIRE}=0.1:0.5", "dprk.satellite.learning=0.1:0.9", "china.outbid_ratio=0.5:2"]
"""Russian fire depends on its fire rate and on neither of the other two (the scenario's
other uncertain inputs fixed: the drawn ceasefire month would otherwise dominate)."""


def ranges() -> list[ParameterRange]:
    return [parse_range(text) for text in PARAMS]


@pytest.fixture(scope="module")
def sobol() -> Sensitivity:
    return sensitivity(
        "baseline",
        "sobol",
        ranges(),
        parse_outcome("russia_fire_m"),
        n=64,
        options=RunOptions(fix_uncertain=True),
    )


def test_sobol_gives_the_parameter_that_matters_the_dominant_total_index(
    sobol: Sensitivity,
) -> None:
    st = dict(zip(sobol.indices["parameter"], sobol.indices["ST"], strict=True))
    assert sobol.ranking[0] == FIRE
    assert st[FIRE] > 0.6
    assert all(value < 0.2 for path, value in st.items() if path != FIRE)
    assert len(sobol.outputs) == expected_points("sobol", 3, 64) == 64 * 8


def test_morris_ranks_the_parameter_that_matters_first() -> None:
    outcome = parse_outcome("russia_fire_m")
    result = sensitivity(
        "baseline", "morris", ranges(), outcome, n=10, options=RunOptions(fix_uncertain=True)
    )
    assert result.ranking[0] == FIRE
    mu_star = dict(zip(result.indices["parameter"], result.indices["mu_star"], strict=True))
    assert mu_star[FIRE] > 3 * max(v for p, v in mu_star.items() if p != FIRE)


def test_every_point_runs_as_worlds_of_one_ensemble(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, dict[str, Any]]] = []
    real = sensitivity_module.run_ensemble

    def spy(scenario: Any, **options: Any) -> Simulation:
        calls.append((scenario.worlds, options["points"]))
        return real(scenario, **options)

    monkeypatch.setattr(sensitivity_module, "run_ensemble", spy)
    outcome = parse_outcome("russia_fire_m@2024-06")
    result = sensitivity("baseline", "morris", ranges(), outcome, n=4, worlds_per_point=3)
    ((worlds, points),) = calls
    assert worlds == 16 * 3
    np.testing.assert_array_equal(points[FIRE], np.repeat(result.samples[:, 0], 3))


def test_the_same_seed_gives_the_same_indices() -> None:
    outcome = parse_outcome("russia_fire_m")
    first = sensitivity("baseline", "sobol", ranges(), outcome, n=16, options=RunOptions(seed=7))
    again = sensitivity("baseline", "sobol", ranges(), outcome, n=16, options=RunOptions(seed=7))
    other = sensitivity("baseline", "sobol", ranges(), outcome, n=16, options=RunOptions(seed=8))
    pd.testing.assert_frame_equal(first.indices, again.indices)
    assert not np.array_equal(first.samples, other.samples)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("russia.war.fire_rate_m", "expected PATH=LO:HI"),
        ("russia.war.fire_rate_m=0.1", "expected PATH=LO:HI"),
        ("russia.war.fire_rate_m=a:b", "'a' is not a number"),
        ("russia.war.fire_rat=0.1:0.5", "did you mean 'russia.war.fire_rate_m'"),
        ("russia.war.fire_rate_m=0.5:0.5", "low value must be below the high one"),
        ("russia.war.dud_rate=-0.1:0.5", "-0.1 is below its bound 0"),
    ],
)
def test_bad_ranges_are_refused(text: str, message: str) -> None:
    with pytest.raises(ExperimentError, match=message):
        parse_range(text)


def test_sobol_needs_a_power_of_two() -> None:
    with pytest.raises(ExperimentError, match="power of 2"):
        sensitivity("baseline", "sobol", ranges(), parse_outcome("russia_fire_m"), n=100)


def test_the_command_writes_indices_points_and_chart(tmp_path: Path) -> None:
    out = tmp_path / "sa"
    params = [arg for text in PARAMS for arg in ("--param", text)]
    args = ["sensitivity", "baseline", "--method", "sobol", *params, "--metric", "russia_fire_m"]
    result = runner.invoke(app, [*args, "--n", "16", "--fix-uncertain", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Sobol indices of russia_fire_m in baseline" in result.output
    assert "128 points x 1 world per point, run as one ensemble of 128 worlds" in result.output
    indices = pd.read_csv(out / "indices.csv")
    assert list(indices.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(pd.read_csv(out / "points.csv")) == 128
    assert {p.name for p in out.iterdir()} == {
        "indices.csv",
        "points.csv",
        "sobol_s2.csv",
        "sensitivity.png",
    }


def test_morris_writes_its_columns(tmp_path: Path) -> None:
    out = tmp_path / "m"
    args = ["sensitivity", "baseline", "--method", "morris", "--param", PARAMS[0]]
    result = runner.invoke(
        app,
        [*args, "--param", PARAMS[1], "--metric", "russia_fire_m", "--n", "4", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    columns = list(pd.read_csv(out / "indices.csv").columns)
    assert columns == ["parameter", "mu", "mu_star", "sigma", "mu_star_conf"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--param", "russia.war.fire_rate_m:0.1:0.5"], "expected PATH=LO:HI"),
        (["--param", "russia.war.nothing=0.1:0.5"], "unknown parameter path"),
        (["--param", "russia.war.fire_rate_m=0.5:0.1"], "low value must be below"),
        (["--param", PARAMS[0], "--metric", "shells"], "unknown metric 'shells'"),
        (["--param", PARAMS[0], "--param", PARAMS[0]], "given more than once"),
        (["--param", PARAMS[0], "--method", "fast"], "unknown method 'fast'"),
        (["--param", PARAMS[0], "--n", "100"], "power of 2"),
        (["--param", PARAMS[0], "--metric", "russia_fire_m@2031-01"], "outside the horizon"),
    ],
)
def test_the_command_refuses_bad_input_with_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "sa"
    metric = [] if "--metric" in args else ["--metric", "russia_fire_m"]
    result = runner.invoke(app, ["sensitivity", "baseline", *args, *metric, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_an_existing_out_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    args = ["sensitivity", "baseline", "--param", PARAMS[0], "--metric", "russia_fire_m"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
