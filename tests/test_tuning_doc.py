"""docs/tuning.md stays honest: its commands run (small), its charts exist, its numbers hold."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from triad.cli.app import app
from triad.experiments.explain import explain
from triad.experiments.targets import load_targets

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "tuning.md"
TARGETS = ROOT / "docs" / "tuning-targets.yaml"
PARAMS = [
    "--param",
    "russia.war.fire_rate_m=0.2:0.4",
    "--param",
    "dprk.munitions.max_offer_containers=800:2000",
]
runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_every_chart_the_tutorial_shows_exists() -> None:
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", DOC.read_text())
    assert len(images) == 6
    for image in images:
        assert (DOC.parent / image).is_file(), image


def test_every_command_of_the_tutorial_is_a_triad_command() -> None:
    commands = set(re.findall(r"^\$ triad (\w+)", DOC.read_text(), flags=re.MULTILINE))
    assert commands == {"backtest", "sensitivity", "calibrate", "validate", "explain"}
    help_text = run("--help")
    for command in commands:
        assert command in help_text


def test_the_tutorial_targets_load() -> None:
    ids = [t.id for t in load_targets(TARGETS)]
    assert ids == ["containers_by_2024_02", "russia_fire_rate_2024"]


def test_the_backtest_and_sensitivity_steps_run(tmp_path: Path) -> None:
    assert "Hit rate" in run("backtest", "baseline", "--worlds", "40", "--out", str(tmp_path / "b"))
    sensitivity = run(
        "sensitivity",
        "baseline",
        "--method",
        "morris",
        *PARAMS,
        "--metric",
        "containers_cum@2024-02",
        "--n",
        "4",
        "--out",
        str(tmp_path / "s"),
    )
    assert "dprk.munitions.max_offer_containers" in sensitivity


def test_the_calibration_step_resumes_and_writes_a_valid_scenario(tmp_path: Path) -> None:
    storage = str(tmp_path / "study.log")
    common = [
        "calibrate",
        "baseline",
        "--targets",
        str(TARGETS),
        *PARAMS,
        "--trials",
        "3",
        "--worlds",
        "30",
        "--storage",
        storage,
    ]
    run(*common, "--out", str(tmp_path / "c1"))
    second = run(*common, "--out", str(tmp_path / "c2"))
    assert "best of 6 trials" in second
    assert "ok" in run("validate", str(tmp_path / "c2" / "calibrated.yaml"))


def test_the_explain_numbers_in_the_tutorial_are_the_models() -> None:
    result = explain("baseline", "ceasefire_2025", "rounds_cum_m")
    assert result.adds_up
    text = DOC.read_text()
    assert f"{result.contributions[0]:+.3g}".replace("+", "") in text  # -5.85
    assert f"total difference {result.total:+.6g}" in text


def test_the_joint_calibration_step_runs_as_documented(tmp_path: Path) -> None:
    command = re.search(r"^\$ triad (calibrate history/(?:.*\\\n)*.*)$", DOC.read_text(), re.M)
    assert command is not None
    words = command.group(1).replace("\\\n", " ").split()
    sizes = {"--trials": "2", "--worlds": "20", "--out": str(tmp_path / "joint")}
    args = [sizes.get(before, word) for before, word in zip(["", *words], words, strict=False)]
    output = run(*args)
    assert "best of 2 trials" in output
    for name in ("calibrated-soviet_collapse_1991.yaml", "calibrated-trade_2011_2022.yaml"):
        assert "ok" in run("validate", str(tmp_path / "joint" / name))
