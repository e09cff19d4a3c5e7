"""``triad run``, ``triad runs`` and ``triad show`` through typer's CliRunner."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from triad.cli.app import app
from triad.cli.progress import RunProgress
from triad.model.metrics import METRIC_BY_NAME
from triad.runs.ensemble import KEY_METRICS
from triad.store.run_folder import read_run

TINY = str(Path(__file__).parent / "data" / "scenarios" / "tiny.yaml")
SMALL = ["--worlds", "4", "--months", "14", "--seed", "3"]
runner = CliRunner()


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def stored_path(result: Result) -> Path:
    lines = [line for line in result.output.splitlines() if line.startswith("stored in ")]
    assert len(lines) == 1, result.output
    return Path(lines[0].removeprefix("stored in "))


def refused(result: Result, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run stored through the command line, with its charts."""
    root = tmp_path_factory.mktemp("store")
    result = invoke("run", TINY, *SMALL, "--root", str(root))
    assert result.exit_code == 0, result.output
    return stored_path(result)


def test_run_prints_a_summary_table_and_stores_the_result(stored: Path) -> None:
    run = read_run(stored)
    assert (run.scenario.name, run.scenario.worlds, run.scenario.months) == ("tiny", 4, 14)
    assert run.scenario.seed == 3
    assert [p.stem for p in (stored / "charts").glob("*.png")] == ["overview"]  # the key set


def test_run_summary_has_a_row_per_key_metric_and_a_column_per_checkpoint(tmp_path: Path) -> None:
    result = invoke("run", TINY, *SMALL, "--root", str(tmp_path), "--charts", "none")
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "metric" in line)
    assert "2024-08" in header and "2024-10" in header  # month 11 and the horizon
    for metric in KEY_METRICS:
        row = next(line for line in result.output.splitlines() if f" {metric} " in line)
        assert METRIC_BY_NAME[metric].unit in row
        assert row.count("[") == 2
    assert "tiny: 4 worlds, seed 3" in result.output
    assert not (stored_path(result) / "charts").exists()


def test_run_applies_set_overrides_and_chunking(tmp_path: Path) -> None:
    out = tmp_path / "exact"
    result = invoke(
        "run",
        TINY,
        *SMALL,
        "--set",
        "russia.tech_transfer.max_tier=2",
        "--chunk-size",
        "3",
        "--out",
        str(out),
        "--no-charts",
    )
    assert result.exit_code == 0, result.output
    assert stored_path(result) == out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["actors"]["russia"]["tech_transfer"]["max_tier"] == 2
    assert manifest["chunk_size"] == 3
    assert manifest["overrides"] == ["russia.tech_transfer.max_tier=2"]


def test_run_refuses_an_existing_non_empty_out(tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("keep")
    refused(invoke("run", TINY, *SMALL, "--out", str(out)), "already exists and is not empty")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert (out / "keep.txt").read_text() == "keep"


def test_run_refuses_an_unknown_scenario_with_a_hint(tmp_path: Path) -> None:
    result = invoke("run", "basline", "--root", str(tmp_path))
    refused(result, "no scenario file or bundled scenario named 'basline'")
    assert "did you mean 'baseline'?" in result.output
    assert not any(tmp_path.iterdir())


def test_run_refuses_a_bad_set(tmp_path: Path) -> None:
    result = invoke(
        "run", TINY, "--set", "russia.tech_transfer.max_tierr=2", "--root", str(tmp_path)
    )
    refused(result, "<--set>: actors.russia.tech_transfer.max_tierr: unknown key 'max_tierr'")
    assert not any(tmp_path.iterdir())


def test_run_refuses_a_set_without_a_value(tmp_path: Path) -> None:
    result = invoke("run", TINY, "--set", "russia.tech_transfer.max_tier", "--root", str(tmp_path))
    refused(result, "<--set>")


def test_a_shorter_horizon_runs_and_names_the_events_it_leaves_out(tmp_path: Path) -> None:
    result = invoke(
        "run", "ceasefire_2025", "--months", "6", "--worlds", "8", "--root", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    assert "note: " in result.output
    assert "'troops_kursk' at 2024-10 lies after the horizon (ends 2024-02)" in result.output


def _notes(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("note: ")]


def _months_of(notes: list[str]) -> list[str]:
    """The month of the event each left-out note names (``event 'X' at YYYY-MM``)."""
    return [note.split("' at ", 1)[1][:7] for note in notes if "' at " in note]


def test_the_events_a_shorter_horizon_leaves_out_are_named_in_date_order(tmp_path: Path) -> None:
    result = invoke(
        "run", "ceasefire_2025", "--months", "6", "--worlds", "4", "--root", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    months = _months_of(_notes(result.output))
    assert "2024-03" in months and "2025-03" in months  # panel_veto, the what-if's ceasefire
    assert months == sorted(months)


@pytest.mark.parametrize(
    "how", [["--start", "2024-06"], ["--set", "start=2024-06"]], ids=["--start", "--set"]
)
def test_a_later_start_runs_without_the_events_before_it_and_says_so(
    tmp_path: Path, how: list[str]
) -> None:
    result = invoke(
        "run", "baseline", *how, "--months", "12", "--worlds", "4", "--root", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    notes = _notes(result.output)
    before = [note for note in notes if "before the start 2024-06" in note]
    assert [note.split("'")[1] for note in before] == [
        "vostochny_summit",
        "malligyong_launch",
        "srbm_deliveries",
        "panel_veto",
        "satellite_failure_2024",
        "panel_ends",
    ]  # in date order: the file writes panel_veto (2024-03) after satellite_failure (2024-05)
    assert all("starts from the scenario's initial values in 2024-06" in n for n in before)
    after = [note for note in notes if "after the horizon (ends 2025-05)" in note]
    assert [note.split("'")[1] for note in after] == ["troops_2025", "kim_in_beijing"]
    assert _months_of(notes) == sorted(_months_of(notes))
    run = read_run(stored_path(result))
    assert (run.scenario.start, run.scenario.months) == ("2024-06", 12)
    assert run.simulation.dates[0] == "2024-06"
    assert min(e.at for e in run.scenario.events if e.at is not None) == "2024-06"


def test_a_start_after_an_events_drawn_dates_begin_is_refused_with_the_fixes(
    tmp_path: Path,
) -> None:
    result = invoke("run", "baseline", "--start", "2025-01", "--root", str(tmp_path))
    refused(result, "'events.war_level.at' draws months before the start 2025-01 (from 2024-07)")
    flat = " ".join(result.output.split())
    assert "--set uncertain.events.war_level.at.low=2025-01" in flat
    fixed = invoke(
        "run",
        "baseline",
        "--start",
        "2025-01",
        "--set",
        "uncertain.events.war_level.at.low=2025-01",
        "--months",
        "3",
        "--worlds",
        "4",
        "--root",
        str(tmp_path),
    )
    assert fixed.exit_code == 0, fixed.output


def test_a_malformed_start_is_refused() -> None:
    refused(invoke("run", "baseline", "--start", "2025-13"), "expected a month as YYYY-MM")


def test_run_refuses_zero_worlds() -> None:
    result = invoke("run", TINY, "--worlds", "0")
    assert result.exit_code == 2
    assert "Invalid value for '--worlds'" in result.output


def test_runs_lists_stored_results(stored: Path) -> None:
    result = invoke("runs", "--root", str(stored.parent.parent))
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if stored.name in line)
    assert f"tiny/{stored.name}" in row
    cells = [cell.strip() for cell in row.split("│")]
    assert cells[2] == "tiny" and cells[3][:2] == "20"  # the scenario and its UTC start
    assert cells[4:7] == ["4", "14", "3"] and cells[8] == "ok"
    assert cells[7] == "-"  # no overrides


def test_runs_shows_what_is_wrong_with_an_incomplete_folder(tmp_path: Path) -> None:
    (tmp_path / "tiny" / "broken").mkdir(parents=True)
    result = invoke("runs", "--root", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "incomplete" in result.output
    assert "tiny/broken: manifest.json is missing" in result.output


def test_runs_of_an_empty_store(tmp_path: Path) -> None:
    result = invoke("runs", "--root", str(tmp_path / "none"))
    assert result.exit_code == 0
    assert result.output.strip() == f"no stored results in {tmp_path / 'none'}"


def test_show_prints_the_summary_and_draws_only_the_missing_charts(stored: Path) -> None:
    charts = stored / "charts"
    overview = charts / "overview.png"
    kept = overview.stat().st_mtime_ns
    same = invoke("show", str(stored))
    assert same.exit_code == 0, same.output
    assert "tiny: 4 worlds, seed 3" in same.output
    assert all(f" {metric} " in same.output for metric in KEY_METRICS)
    assert f"charts in {charts}: 0 drawn, 1 stored ones reused" in same.output
    assert overview.stat().st_mtime_ns == kept  # a stored chart is reused, not redrawn
    every = invoke("show", str(stored), "--charts", "all")
    assert every.exit_code == 0, every.output
    total = len(KEY_METRICS) + 1
    assert f"{total - 1} drawn, 1 stored ones reused" in every.output
    assert sorted(p.stem for p in charts.glob("*.png")) == sorted(["overview", *KEY_METRICS])
    chart = charts / "containers.png"
    chart.unlink()
    other = charts / f"{KEY_METRICS[-1]}.png"
    kept = other.stat().st_mtime_ns
    result = invoke("show", str(stored), "--charts", "all")
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert f"charts in {charts}: 1 drawn, {total - 1} stored ones reused" in result.output
    assert "drawing charts: 1 of 1 charts" in result.output  # only the missing one counts
    assert other.stat().st_mtime_ns == kept
    assert not list(charts.glob(".*"))
    again = invoke("show", str(stored), "--charts", "all", "--redraw")
    assert f"{total} drawn, 0 stored ones reused" in again.output
    assert f"drawing charts: {total} of {total} charts" in again.output
    bare = invoke("show", str(stored), "--charts", "none")
    assert bare.exit_code == 0 and "tiny: 4 worlds, seed 3" in bare.output
    assert "charts in" not in bare.output


def test_run_and_show_refuse_a_chart_set_they_do_not_know(stored: Path, tmp_path: Path) -> None:
    refused(invoke("run", TINY, *SMALL, "--root", str(tmp_path), "--charts", "some"),
            "charts 'some': choose one of key, all, none")  # fmt: skip
    assert not (tmp_path / "tiny").exists()  # refused before running
    refused(invoke("show", str(stored), "--charts", "some"), "choose one of key, all, none")


def test_a_piped_run_reports_its_progress_in_plain_lines(tmp_path: Path) -> None:
    result = invoke("run", TINY, "--worlds", "40", "--root", str(tmp_path))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "world-months)" in line]
    assert lines and lines[-1].startswith("storing the result: 100% (")
    assert all(line.split(":")[0] in ("simulating", "storing the result") for line in lines)


def test_show_refuses_an_incomplete_folder(tmp_path: Path) -> None:
    folder = tmp_path / "half"
    folder.mkdir()
    (folder / "series.parquet").write_bytes(b"")
    refused(invoke("show", str(folder)), f"{folder} is not a complete triad result")
    refused(invoke("show", str(folder)), "manifest.json is missing")
    assert not (folder / "charts").exists()


def test_the_progress_bar_counts_world_months_once_a_run_lasts() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with RunProgress(console, delay=0.0) as progress:
        progress(40, 120)
        progress(120, 120)
    assert "world-months" in screen.getvalue()
    assert "120/120" in screen.getvalue()


def test_a_quick_run_shows_no_progress_bar() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    with RunProgress(console, delay=60.0) as progress:
        progress(40, 120)
    assert screen.getvalue() == ""


def test_runs_lists_the_overrides_each_run_was_made_with(tmp_path: Path) -> None:
    made = invoke(
        "run", TINY, "--worlds", "2", "--set", "world.pressure=0.6", "--root", str(tmp_path)
    )
    assert made.exit_code == 0, made.output
    result = invoke("runs", "--root", str(tmp_path))
    row = next(line for line in result.output.splitlines() if "tiny/" in line)
    assert "world.pressure=0.6" in row


def test_drawing_the_charts_is_a_phase_of_its_own(tmp_path: Path) -> None:
    result = invoke("run", TINY, "--worlds", "40", "--root", str(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    stored = max(i for i, line in enumerate(lines) if line.startswith("storing the result"))
    charts = [i for i, line in enumerate(lines) if line.startswith("drawing charts: ")]
    assert charts and min(charts) > stored, "charts are drawn after the worlds are stored"
    assert lines[charts[-1]] == "drawing charts: 1 of 1 charts"  # the key set: the overview
    every = invoke("run", TINY, "--worlds", "40", "--root", str(tmp_path), "--charts", "all")
    total = len(KEY_METRICS) + 1
    assert f"drawing charts: {total} of {total} charts" in every.output
    folder = Path(every.output.splitlines()[-1].removeprefix("stored in "))
    assert sorted(p.stem for p in (folder / "charts").glob("*.png")) == sorted(
        ["overview", *KEY_METRICS]
    )
    no_charts = invoke("run", TINY, "--worlds", "40", "--root", str(tmp_path), "--no-charts")
    assert "drawing charts" not in no_charts.output  # the same as --charts none
    assert not (stored_path(no_charts) / "charts").exists()
