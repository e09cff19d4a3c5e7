"""Comparing at any month: ``--at``, ``NAME@YYYY-MM`` and the differences over time.

An effect can reverse: ``sanctions_snapback`` cuts shipments in late 2024 and leaves them
where the baseline is by 2028, so a table read only at the horizon misleads. These tests
read the same paired differences at chosen months and month by month.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from triad.cli.app import app
from triad.errors import ModelError, TriadError
from triad.experiments.compare import Comparison, compare
from triad.plots.difference_paths import difference_paths_chart
from triad.reports.comparison import plot_differences_over_time, render_markdown
from triad.runs.options import RunOptions

runner = CliRunner()
MONTHS = ("2024-09", "2026-02")


@pytest.fixture(scope="module")
def snapback() -> Comparison:
    return compare(
        ["baseline", "sanctions_snapback"],
        metrics=["containers", "containers_cum@2025-06"],
        at=list(MONTHS),
        options=RunOptions(worlds=60, months=30),
    )


def _paired_median(comparison: Comparison, metric: str, month: str) -> float:
    i = comparison.dates.index(month)
    scenario, reference = comparison.labels[1], comparison.reference
    paired = comparison.series(scenario, metric)[i] - comparison.series(reference, metric)[i]
    return float(np.median(paired))


def test_each_reading_is_the_paired_median_at_its_month(snapback: Comparison) -> None:
    table = snapback.differences()
    readings = list(zip(table["metric"], table["at"], strict=True))
    assert readings == [
        ("containers", "2024-09"),
        ("containers", "2026-02"),
        ("containers_cum", "2025-06"),
    ]
    for row in table.to_dict("records"):
        expected = _paired_median(snapback, row["metric"], row["at"])
        assert row["median_difference"] == pytest.approx(expected)
    assert snapback.months_read == ("2024-09", "2025-06", "2026-02")


def test_the_snapback_cuts_shipments_early_which_the_horizon_alone_hides(
    snapback: Comparison,
) -> None:
    early = snapback.differences(at=["2024-09"]).set_index("metric").loc["containers"]
    late = snapback.differences(at=[snapback.horizon]).set_index("metric").loc["containers"]
    assert early["median_difference"] < -100  # containers a month fewer once enforced
    assert early["median_difference"] < late["median_difference"]


def test_a_total_and_its_monthly_flow_are_read_side_by_side(snapback: Comparison) -> None:
    table = snapback.differences(at=[*MONTHS, snapback.horizon])
    for row in table.to_dict("records"):
        other = {"containers": "containers_cum", "containers_cum": "containers"}[row["metric"]]
        assert row["other_form"] == other
        expected = _paired_median(snapback, other, row["at"])
        assert row["other_median_difference"] == pytest.approx(expected)
        assert row["other_worlds_p05"] <= expected <= row["other_worlds_p95"]
    total = table.set_index(["metric", "at"]).loc[("containers_cum", snapback.horizon)]
    # fewer shipped in all by the horizon, while the monthly flow has caught up again:
    # the flow's reading says what the total alone hides
    assert total["median_difference"] < 0
    assert total["other_median_difference"] > total["median_difference"] / len(snapback.dates)
    text = render_markdown(snapback, table, charts="none")
    assert "| monthly flow `containers`: " in text and "| cumulative `containers_cum`: " in text


def test_the_differences_over_time_end_where_the_horizon_reading_does(
    snapback: Comparison,
) -> None:
    paths = snapback.differences_over_time()
    assert set(paths["metric"]) == {"containers", "containers_cum"}
    months = paths[paths["metric"] == "containers"]
    assert list(months["date"]) == list(snapback.dates)
    last = months.iloc[-1]
    horizon = snapback.differences(at=[snapback.horizon]).set_index("metric").loc["containers"]
    assert last["median_difference"] == pytest.approx(horizon["median_difference"])
    assert (months["worlds_p05"] <= months["worlds_p25"]).all()
    assert (months["worlds_p75"] <= months["worlds_p95"]).all()
    assert months["median_difference"].min() < -100  # the early cut shows


def test_a_month_outside_the_run_is_refused_before_anything_runs() -> None:
    with pytest.raises(TriadError, match="at 2031-01: outside the compared months"):
        compare(
            ["baseline", "ceasefire_2025"], at=["2031-01"], options=RunOptions(worlds=5, months=12)
        )
    with pytest.raises(TriadError, match="the month must be YYYY-MM"):
        compare(
            ["baseline", "ceasefire_2025"],
            metrics=["containers@24-9"],
            options=RunOptions(worlds=5, months=12),
        )
    with pytest.raises(TriadError, match="expected a list of months"):
        compare(
            ["baseline", "ceasefire_2025"], at="2024-06", options=RunOptions(worlds=5, months=12)
        )  # type: ignore[arg-type]


def test_reading_again_at_another_month_checks_the_month(snapback: Comparison) -> None:
    with pytest.raises(TriadError, match="outside the compared months"):
        snapback.differences(at=["2023-01"])


def test_the_command_reads_at_each_month_and_writes_the_paths(tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = ["compare", "baseline", "sanctions_snapback", "--worlds", "30", "--months", "24"]
    args += ["--metric", "containers", "--at", "2024-09", "--at", "2025-06", "--out", str(out)]
    result = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "Differences from baseline in 2024-09, 2025-06 (30 paired worlds)" in result.output
    assert "2024-09 · " in result.output and "2025-06 · " in result.output
    table = pd.read_csv(out / "differences.csv")
    assert list(table["at"]) == ["2024-09", "2025-06"]
    paths = pd.read_csv(out / "differences_over_time.csv")
    assert len(paths) == 24 and (out / "charts" / "differences_over_time.png").is_file()
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Differences from baseline in 2024-09, 2025-06" in report
    assert "charts/differences_over_time.png" in report


def test_the_command_refuses_a_month_outside_the_run(tmp_path: Path) -> None:
    args = ["compare", "baseline", "ceasefire_2025", "--worlds", "5", "--months", "12"]
    result = runner.invoke(app, [*args, "--at", "2030-01", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "at 2030-01: outside the compared months, 2023-09 to 2024-08" in result.output
    assert not (tmp_path / "r").exists()


def test_the_paths_chart_needs_its_columns(snapback: Comparison) -> None:
    figure = plot_differences_over_time(snapback)
    assert len([ax for ax in figure.axes if ax.get_visible()]) == 2
    with pytest.raises(ModelError, match="lack the columns worlds_p25"):
        difference_paths_chart(snapback.differences_over_time().drop(columns=["worlds_p25"]))


@pytest.mark.parametrize(
    ("charts", "drawn"),
    [
        ("none", set()),
        ("key", {"overview.png", "differences.png", "differences_over_time.png"}),
    ],
)
def test_the_command_draws_the_chart_set_asked_for(
    tmp_path: Path, charts: str, drawn: set[str]
) -> None:
    out = tmp_path / "report"
    args = ["compare", "baseline", "ceasefire_2025", "--worlds", "10", "--months", "12"]
    result = runner.invoke(app, [*args, "--charts", charts, "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = {p.name for p in (out / "charts").iterdir()} if (out / "charts").exists() else set()
    assert found == drawn
    report = (out / "report.md").read_text(encoding="utf-8")
    shown = {Path(name).name for name in re.findall(r"\]\((charts/[^)]+)\)", report)}
    assert shown == drawn  # the report shows exactly the charts drawn
    assert ("`--charts all`" in report) == (charts != "all")


def test_an_unknown_chart_set_is_refused_before_anything_runs(tmp_path: Path) -> None:
    args = ["compare", "baseline", "ceasefire_2025", "--worlds", "10", "--charts", "most"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "charts 'most': choose one of key, all, none" in result.output


def test_labels_name_the_runs_in_tables_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = ["compare", "baseline", "baseline", "--worlds", "6", "--months", "12"]
    args += ["--set", "world.pressure=0.3", "--label", "status quo", "--label", "again"]
    result = runner.invoke(app, [*args, "--charts", "none", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "baseline#2" not in result.output and "again" in result.output
    assert set(pd.read_csv(out / "differences.csv")["scenario"]) == {"again"}
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| status quo | baseline |" in report and "| again | baseline |" in report
    row = next(line for line in report.splitlines() if line.startswith("| again |"))
    assert "`world.pressure=0.3`" in row  # each run's overrides


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["one"], "labels: 1 given for 2 scenarios"),
        (["same", "same"], "labels: 'same' given twice"),
        (["a", " "], "labels: a label is blank"),
    ],
)
def test_labels_that_cannot_name_the_runs_are_refused(labels: list[str], message: str) -> None:
    with pytest.raises(TriadError, match=message):
        compare(
            ["baseline", "ceasefire_2025"], labels=labels, options=RunOptions(worlds=2, months=6)
        )
