"""``triad backtest``: baseline against history, targets outside the horizon, refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from triad.cli.app import app
from triad.experiments.backtest import CSV_COLUMNS, backtest
from triad.experiments.validation import END, START
from triad.runs.options import RunOptions

runner = CliRunner()
DOC = Path(__file__).resolve().parent.parent / "docs" / "validation.md"


def shown(value: float) -> str:
    """A number as docs/validation.md prints it."""
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def documented_baseline() -> dict[str, str]:
    """Target id -> model median as the validation page shows it, for baseline's rows."""
    table = DOC.read_text(encoding="utf-8").split(START)[1].split(END)[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == "baseline":
            rows[cells[1].strip("`")] = cells[3]
    return rows


@pytest.fixture(scope="module")
def baseline_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("bt") / "report"
    result = runner.invoke(app, ["backtest", "baseline", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output, out


def test_baseline_reproduces_the_validation_page(baseline_out: tuple[str, Path]) -> None:
    output, out = baseline_out
    documented = documented_baseline()
    assert len(documented) >= 5
    frame = pd.read_csv(out / "backtest.csv")
    assert tuple(frame.columns) == CSV_COLUMNS
    assert {str(i): shown(m) for i, m in zip(frame["id"], frame["median"], strict=True)} == (
        documented
    )
    assert "Hit rate: 5 of 5 targets inside the horizon (100%)" in output
    assert (out / "backtest.png").stat().st_size > 10_000


def test_the_table_names_every_target_and_its_result(baseline_out: tuple[str, Path]) -> None:
    output, _ = baseline_out
    for target in documented_baseline():
        assert target[:18] in output
    median = documented_baseline()["containers_by_2024_02"]
    assert re.search(rf"{re.escape(median)}\s+inside", output)


def test_targets_outside_the_horizon_are_reported_not_dropped(tmp_path: Path) -> None:
    targets = tmp_path / "mine.yaml"
    targets.write_text(
        "targets:\n"
        "  - {id: fire_2024, metric: russia_fire_per_day, aggregate: end, period: 2024-03,"
        " value: 10000, low: 8000, high: 12000, source: test}\n"
        "  - {id: late, metric: dprk_gdp_bn, aggregate: mean, period: '2040', value: 1,"
        " low: 0, high: 2, source: test}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r"
    args = ["backtest", "kpa_resists", "--targets", str(targets), "--worlds", "40"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Hit rate: 1 of 1 targets inside the horizon (100%); 1 outside the horizon" in (
        result.output
    )
    frame = pd.read_csv(out / "backtest.csv")
    assert list(frame["status"]) == ["inside", "outside horizon"]
    assert frame["median"].isna().tolist() == [False, True]


def test_default_targets_are_those_of_the_scenario() -> None:
    result = backtest("history/soviet_collapse_1991", options=RunOptions(worlds=20))
    assert list(result.table["id"]) == ["dprk_gdp_1992", "dprk_gdp_1996", "food_crisis_1996"]
    assert result.scenario.worlds == 20


def test_a_scenario_without_targets_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["backtest", "ceasefire_2025", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "no target in" in result.output
    assert "applies to scenario 'ceasefire_2025'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def test_an_existing_out_folder_exits_2_and_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("keep")
    result = runner.invoke(app, ["backtest", "baseline", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]


def test_a_malformed_targets_file_exits_2_naming_the_field(tmp_path: Path) -> None:
    targets = tmp_path / "bad.yaml"
    targets.write_text(
        "targets:\n  - {id: x, metric: shells, aggregate: end, period: 2024-01, value: 1,"
        " low: 0, high: 2, source: t}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["backtest", "baseline", "--targets", str(targets)])
    assert result.exit_code == 2
    assert "targets.0.metric" in result.output
    assert "Traceback" not in result.output
