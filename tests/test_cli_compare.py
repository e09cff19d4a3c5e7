"""``triad compare`` through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from triad.cli.app import app

runner = CliRunner()
SMALL = [
    "--worlds",
    "40",
    "--months",
    "30",
    "--metric",
    "china_resentment",
    "--metric",
    "dprk_gdp_bn",
]


def test_compare_prints_the_differences_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = runner.invoke(
        app, ["compare", "baseline", "ceasefire_2025", *SMALL, "--charts", "all", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Differences from baseline in 2026-02 (40 paired worlds)" in result.output
    rows = [line.split() for line in result.output.splitlines()]
    at = next(i for i, row in enumerate(rows) if row[:1] == ["dprk_gdp_bn"])
    assert rows[at][1] == "ceasefire_2025"
    diverges = next(cell for cell in rows[at + 1] if cell == "-" or cell[:2] == "20")
    # the baseline's own ceasefire is drawn per world, so 95% agreement may never come
    assert diverges == "-" or diverges >= "2025-03"
    assert rows[at + 1][-1].endswith("%")  # the share of worlds with the median's sign
    assert f"Report: {out / 'report.md'}" in result.output
    assert {p.name for p in out.iterdir()} == {
        "report.md",
        "differences.csv",
        "differences_over_time.csv",
        "manifest.json",
        "charts",
    }
    assert (out / "charts" / "fan_china_resentment.png").is_file()


def test_the_report_goes_under_reports_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["compare", "baseline", "kpa_resists", *SMALL[:4], *SMALL[4:6]])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "reports").iterdir()
    assert folder.name.startswith("compare-")
    assert (folder / "report.md").is_file()


def test_overrides_apply_to_every_scenario(tmp_path: Path) -> None:
    out = tmp_path / "r"
    args = ["compare", "baseline", "ceasefire_2025", *SMALL, "--out", str(out)]
    result = runner.invoke(app, [*args, "--set", "world.transport_capacity=200"])
    assert result.exit_code == 0, result.output
    assert "`world.transport_capacity=200`" in (out / "report.md").read_text()


def test_an_unknown_metric_exits_2_naming_the_known_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["compare", "baseline", "ceasefire_2025", "--metric", "shells"])
    assert result.exit_code == 2
    assert "unknown metric 'shells'; known: containers, containers_cum," in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_an_existing_out_folder_exits_2_and_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.md").write_text("analyst's notes")
    result = runner.invoke(app, ["compare", "baseline", "ceasefire_2025", "--out", str(out)])
    assert result.exit_code == 2
    assert f"{out} already exists and is not empty; nothing was overwritten" in result.output
    assert [p.name for p in out.iterdir()] == ["keep.md"]
    assert (out / "keep.md").read_text() == "analyst's notes"


def test_an_unknown_scenario_exits_2_with_a_hint() -> None:
    result = runner.invoke(app, ["compare", "baseline", "ceasfire_2025", "--metric", "containers"])
    assert result.exit_code == 2
    assert "no scenario file or bundled scenario named 'ceasfire_2025'" in result.output


def test_one_scenario_exits_2() -> None:
    result = runner.invoke(app, ["compare", "baseline"])
    assert result.exit_code == 2
    assert "compare needs at least two scenarios, got 1" in result.output


def test_zero_worlds_is_a_usage_error() -> None:
    result = runner.invoke(app, ["compare", "baseline", "ceasefire_2025", "--worlds", "0"])
    assert result.exit_code == 2
    assert "--worlds" in result.output


def chart_lines(output: str) -> list[str]:
    """The plain progress lines of the chart-drawing phase, in order."""
    return [line for line in output.splitlines() if line.startswith("drawing charts: ")]


@pytest.mark.parametrize(("charts", "total"), [("key", 3), ("all", 3 + 2 * 2)])
def test_drawing_the_charts_is_a_phase_of_its_own(tmp_path: Path, charts: str, total: int) -> None:
    out = tmp_path / "report"
    args = ["compare", "baseline", "ceasefire_2025", *SMALL, "--charts", charts, "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    drawn = chart_lines(result.output)
    assert drawn[-1] == f"drawing charts: {total} of {total} charts"
    assert all(line.endswith(f" of {total} charts") for line in drawn)
    counts = [int(line.split()[2]) for line in drawn]
    assert counts == sorted(set(counts)), "each line counts further"
    table = next(i for i, line in enumerate(lines) if "Differences from baseline" in line)
    first = lines.index(drawn[0])
    report = next(i for i, line in enumerate(lines) if line.startswith("Report: "))
    assert table < first < lines.index(drawn[-1]) < report
    assert len(list((out / "charts").glob("*.png"))) == total


def test_no_charts_no_chart_phase(tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = ["compare", "baseline", "ceasefire_2025", *SMALL, "--charts", "none", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert chart_lines(result.output) == []


def test_compare_starts_every_run_at_the_month_given(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "compare",
            "baseline",
            "ceasefire_2025",
            "--start",
            "2024-06",
            "--months",
            "12",
            "--worlds",
            "8",
            "--metric",
            "containers@2024-09",
            "--charts",
            "none",
            "--out",
            str(tmp_path / "report"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Differences from baseline in 2024-09 (8 paired worlds)" in result.output
    assert "'panel_veto' at 2024-03 lies before the start 2024-06" in result.output
    early = runner.invoke(
        app, ["compare", "baseline", "ceasefire_2025", "--start", "2024-06", "--at", "2024-01"]
    )
    assert early.exit_code == 2
    assert "outside the compared months, 2024-06 to 2029-05" in early.output
