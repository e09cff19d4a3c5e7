"""Calibration: recovers a value the model itself produced, resumes studies, refuses bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import triad
from triad.cli.app import app
from triad.errors import CalibrationError
from triad.experiments.calibrate import calibrate, evaluate, parse_param, target_loss
from triad.experiments.targets import Target, aggregate, load_targets
from triad.experiments.validation import HISTORY
from triad.runs.ensemble import with_options
from triad.runs.options import RunOptions
from triad.runs.simulation import simulate
from triad.scenario.loader import load_scenario

runner = CliRunner()
WORLDS = 100
FIRE = "russia.war.fire_rate_m"


def fire_target(fire_rate: float, width: float = 0.01) -> Target:
    """The median Russian fire in March 2024 of baseline run with ``fire_rate``, +-1%."""
    scenario = with_options(load_scenario("baseline", [f"{FIRE}={fire_rate}"]), worlds=WORLDS)
    probe = Target(
        id="fire",
        metric="russia_fire_per_day",
        aggregate="end",
        period="2024-03",
        value=0,
        low=0,
        high=1,
        source="the model",
    )
    values = aggregate(simulate(scenario), probe)
    assert values is not None
    median = float(np.median(values))
    return probe.model_copy(
        update={"value": median, "low": median * (1 - width), "high": median * (1 + width)}
    )


def write_targets(path: Path, targets: list[Target]) -> Path:
    path.write_text(yaml.safe_dump({"targets": [t.model_dump() for t in targets]}))
    return path


def test_calibration_recovers_the_fire_rate_that_produced_the_targets() -> None:
    result = calibrate(
        "baseline",
        [fire_target(0.25)],
        [f"{FIRE}=0.15:0.45"],
        trials=30,
        options=RunOptions(worlds=WORLDS),
    )
    assert result.best[FIRE] == pytest.approx(0.25, abs=0.01)
    assert result.loss_before > 1.0  # baseline's 0.30 misses the narrow range
    assert result.loss_after == 0.0
    assert result.best_loss == 0.0


def test_the_loss_is_the_distance_to_the_range_in_range_widths() -> None:
    target = Target(
        id="t",
        metric="containers",
        aggregate="end",
        period="2024-01",
        value=15,
        low=10,
        high=20,
        source="s",
    )
    assert [target_loss(m, target) for m in (15, 10, 20, 25, 0)] == [0.0, 0.0, 0.0, 0.5, 1.0]


def test_a_study_in_a_journal_file_resumes_where_it_stopped(tmp_path: Path) -> None:
    targets, params = [fire_target(0.25, width=0.05)], [f"{FIRE}=0.15:0.45"]
    storage = tmp_path / "study.log"
    calibrate(
        "baseline",
        targets,
        params,
        trials=5,
        storage=storage,
        study_name="s",
        options=RunOptions(worlds=40),
    )
    resumed = calibrate(
        "baseline",
        targets,
        params,
        trials=5,
        storage=storage,
        study_name="s",
        options=RunOptions(worlds=40),
    )
    straight = calibrate("baseline", targets, params, trials=10, options=RunOptions(worlds=40))
    assert len(resumed.study.trials) == 10
    assert list(resumed.history()[FIRE]) == list(straight.history()[FIRE])
    assert resumed.best == straight.best


def test_a_resumed_study_refuses_other_parameters(tmp_path: Path) -> None:
    targets = [fire_target(0.25)]
    storage = tmp_path / "study.log"
    calibrate(
        "baseline",
        targets,
        [f"{FIRE}=0.15:0.45"],
        trials=2,
        storage=storage,
        options=RunOptions(worlds=20),
    )
    with pytest.raises(CalibrationError, match="was run with params"):
        calibrate(
            "baseline",
            targets,
            [f"{FIRE}=0.2:0.4"],
            trials=2,
            storage=storage,
            options=RunOptions(worlds=20),
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("russia.war.fire_rate_m", "expected PATH=LO:HI"),
        ("russia.war.fire_rat=0.1:0.2", "did you mean 'russia.war.fire_rate_m'"),
        ("russia.transport.bridge_open=0:1", "is an on/off flag, not a range"),
        ("russia.war.fire_rate_m=0.4:0.2", "the low value must be below the high one, got 0.4:0.2"),
        ("russia.war.fire_rate_m=0.2:0.2", "must be below"),
        ("russia.war.fire_rate_m=0:20", "russia.war.fire_rate_m: 20 is above its bound 10"),
        ("russia.war.fire_rate_m=a:1", "'a' is not a number"),
        ("russia.tech_transfer.allow_nbc=0:1", "is an on/off flag, not a range"),
    ],
)
def test_bad_parameters_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(
        CalibrationError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        parse_param(text)


def test_actors_prefix_and_integers_are_understood() -> None:
    assert parse_param("actors.russia.war.fire_rate_m=0.1:0.2").path == FIRE
    assert parse_param("russia.tech_transfer.max_tier=0:2").integer


def test_tuning_an_uncertain_parameter_removes_its_range(tmp_path: Path) -> None:
    path = "dprk.behaviour.price_ask"
    result = calibrate(
        "baseline", [fire_target(0.30)], [f"{path}=60:150"], trials=3, options=RunOptions(worlds=20)
    )
    assert path not in result.calibrated.uncertain
    triad.write(result, tmp_path)
    text = (tmp_path / "calibrated.yaml").read_text()
    assert f"{path}: null" in text
    loaded = load_scenario(tmp_path / "calibrated.yaml")
    assert path not in loaded.uncertain
    assert loaded.actors.dprk.behaviour.price_ask == result.best[path]


def test_calibrated_yaml_extends_a_file_by_its_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # extends is followed inside the current folder (confine.py)
    source = tmp_path / "scenarios" / "mine.yaml"
    source.parent.mkdir()
    source.write_text("name: mine\nextends: baseline\nactors: {russia: {war: {dud_rate: 0.25}}}\n")
    result = calibrate(
        source, [fire_target(0.25)], [f"{FIRE}=0.15:0.45"], trials=4, options=RunOptions(worlds=20)
    )
    out = tmp_path / "out"
    triad.write(result, out)
    document = yaml.safe_load((out / "calibrated.yaml").read_text())
    assert document["extends"] == "../scenarios/mine.yaml"
    assert document["name"] == "mine_calibrated"
    loaded = load_scenario(out / "calibrated.yaml")
    assert loaded.actors.russia.war.fire_rate_m == result.best[FIRE]
    assert loaded.actors.russia.war.dud_rate == 0.25


def test_targets_outside_the_horizon_are_refused() -> None:
    old = Target(
        id="old",
        metric="containers",
        aggregate="end",
        period="1995-01",
        value=1,
        low=0,
        high=2,
        source="s",
    )
    with pytest.raises(CalibrationError, match="no target lies inside baseline's horizon"):
        calibrate("baseline", [old], [f"{FIRE}=0.15:0.45"], trials=1, options=RunOptions(worlds=10))


def test_the_command_writes_a_scenario_that_validates(tmp_path: Path) -> None:
    targets = write_targets(tmp_path / "targets.yaml", [fire_target(0.25)])
    out = tmp_path / "out"
    args = [
        "calibrate",
        "baseline",
        "--targets",
        str(targets),
        "--param",
        f"{FIRE}=0.15:0.45",
        "--trials",
        "6",
        "--worlds",
        "30",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Calibration of baseline: best of 6 trials" in result.output
    assert {p.name for p in out.iterdir()} == {
        "calibrated.yaml",
        "before_after.csv",
        "before_after.md",
        "trials.csv",
        "history.png",
        "importance.png",
    }
    assert runner.invoke(app, ["validate", str(out / "calibrated.yaml")]).exit_code == 0
    assert "| `fire` | russia_fire_per_day | 2024-03 |" in (out / "before_after.md").read_text()


def test_too_few_trials_skip_the_importance_chart(tmp_path: Path) -> None:
    targets = write_targets(tmp_path / "targets.yaml", [fire_target(0.25)])
    out = tmp_path / "out"
    args = [
        "calibrate",
        "baseline",
        "--targets",
        str(targets),
        "--param",
        f"{FIRE}=0.15:0.45",
        "--trials",
        "2",
        "--worlds",
        "20",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Parameter importance: skipped" in result.output
    assert not (out / "importance.png").exists()


def test_the_command_refuses_a_bad_param_with_exit_code_2(tmp_path: Path) -> None:
    targets = write_targets(tmp_path / "targets.yaml", [fire_target(0.25)])
    args = [
        "calibrate",
        "baseline",
        "--targets",
        str(targets),
        "--param",
        "russia.war.fire_rate_m=1:0",
        "--out",
        str(tmp_path / "out"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--param 'russia.war.fire_rate_m=1:0': russia.war.fire_rate_m: the low value" in (
        " ".join(result.output.split())
    )


# --------------------------------------------------------------------------- joint calibration
def louder(tmp_path: Path) -> Path:
    """A second scenario: baseline with more of Russia's rounds failing, named ``louder``."""
    path = tmp_path / "louder.yaml"
    path.write_text("name: louder\nextends: baseline\nactors: {russia: {war: {dud_rate: 0.3}}}\n")
    return path


def named(target: Target, scenario: str, id: str) -> Target:
    return target.model_copy(update={"scenario": scenario, "id": id})


def test_a_joint_trial_scores_the_sum_of_both_scenarios_losses(tmp_path: Path) -> None:
    # Each scenario has a narrow target that a different fire rate reproduces, so no trial
    # can score 0 on both: a loss of one scenario only, or the larger of the two, would fail.
    targets = [
        named(fire_target(0.2), "baseline", "fire_baseline"),
        named(fire_target(0.4), "louder", "fire_louder"),
    ]
    scenarios = ["baseline", louder(tmp_path)]
    result = calibrate(
        scenarios, targets, [f"{FIRE}=0.15:0.45"], trials=4, options=RunOptions(worlds=20, seed=3)
    )
    assert [fit.scenario.name for fit in result.fits] == ["baseline", "louder"]
    assert [[t.id for t in fit.targets] for fit in result.fits] == [
        ["fire_baseline"],
        ["fire_louder"],
    ]
    alone = [with_options(fit.scenario, worlds=20, seed=3) for fit in result.fits]
    for trial in result.study.trials:
        candidate = [{FIRE: trial.params[FIRE]}]
        each = [
            float(evaluate(s, result.params, candidate, [t])[0])
            for s, t in zip(alone, targets, strict=True)
        ]
        assert min(each) > 0
        assert trial.value == pytest.approx(sum(each), rel=1e-12)
    assert result.loss_after == pytest.approx(sum(fit.loss_after for fit in result.fits))
    assert result.loss_after == pytest.approx(result.best_loss, rel=1e-3)


def test_a_target_naming_a_scenario_not_given_is_reported_not_scored(tmp_path: Path) -> None:
    targets = [
        named(fire_target(0.2), "baseline", "fire_baseline"),
        named(fire_target(0.4), "louder", "fire_louder"),
    ]
    stray = named(fire_target(0.3), "ceasefire_2025", "fire_ceasefire")
    scenarios, params = ["baseline", louder(tmp_path)], [f"{FIRE}=0.15:0.45"]
    without = calibrate(scenarios, targets, params, trials=3, options=RunOptions(worlds=20, seed=3))
    result = calibrate(
        scenarios, [*targets, stray], params, trials=3, options=RunOptions(worlds=20, seed=3)
    )
    assert result.ignored == (stray,)
    assert "fire_ceasefire" not in set(result.frame()["id"])
    assert (
        "Not scored, as their scenario is not in the study: `fire_ceasefire` (ceasefire_2025)"
        in (result.markdown())
    )
    # same seed, same study: the stray target changed nothing
    assert list(result.history()["loss"]) == list(without.history()["loss"])
    assert result.best == without.best


def test_a_single_scenario_scores_every_target_whatever_it_names() -> None:
    target = named(fire_target(0.25), "ceasefire_2025", "fire")
    result = calibrate(
        "baseline", [target], [f"{FIRE}=0.15:0.45"], trials=2, options=RunOptions(worlds=20)
    )
    assert result.ignored == ()
    assert list(result.table()["id"]) == ["fire"]
    assert "scenario" not in result.table().columns


def test_a_joint_calibration_refuses_a_scenario_twice_or_one_without_targets(
    tmp_path: Path,
) -> None:
    targets = [named(fire_target(0.25), "baseline", "fire")]
    params = [f"{FIRE}=0.15:0.45"]
    with pytest.raises(CalibrationError, match="scenario given twice: baseline"):
        calibrate(
            ["baseline", "baseline"], targets, params, trials=1, options=RunOptions(worlds=10)
        )
    with pytest.raises(CalibrationError, match="no target lies inside louder's horizon"):
        calibrate(
            ["baseline", louder(tmp_path)], targets, params, trials=1, options=RunOptions(worlds=10)
        )


ERAS = ["history/soviet_collapse_1991", "history/trade_2011_2022"]
HYSTERESIS = "dprk.economy.hysteresis"


def test_the_command_calibrates_two_eras_jointly_and_writes_an_overlay_for_each(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    args = [
        "calibrate",
        *ERAS,
        "--targets",
        str(HISTORY),
        "--param",
        f"{HYSTERESIS}=0.3:3",
        "--trials",
        "3",
        "--worlds",
        "20",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Joint calibration of history/soviet_collapse_1991 + history/trade_2011_2022" in said
    assert "Targets before and after in history/soviet_collapse_1991" in said
    assert "Not scored, as their scenario was not given: containers_by_2023_09 (baseline)" in said
    overlays = ["calibrated-soviet_collapse_1991.yaml", "calibrated-trade_2011_2022.yaml"]
    assert set(overlays) < {p.name for p in out.iterdir()}
    trials = pd.read_csv(out / "trials.csv")
    best = float(f"{trials.loc[trials['loss'].idxmin(), HYSTERESIS]:.6g}")
    for era, name in zip(ERAS, overlays, strict=True):
        text = (out / name).read_text()
        assert yaml.safe_load(text)["extends"] == era
        assert f"#   {HYSTERESIS}: {best:.6g}" in text
        assert "#   history/soviet_collapse_1991: dprk_gdp_1992, dprk_gdp_1996" in text
        assert "#   history/trade_2011_2022: cn_dprk_2011," in text
        assert load_scenario(out / name).actors.dprk.economy.hysteresis == best
        assert runner.invoke(app, ["validate", str(out / name)]).exit_code == 0
    table = pd.read_csv(out / "before_after.csv")
    every = [(t.scenario, t.id) for t in load_targets(HISTORY) if t.scenario in ERAS]
    assert list(zip(table["scenario"], table["id"], strict=True)) == every
    assert table["hit_after"].dtype == bool
