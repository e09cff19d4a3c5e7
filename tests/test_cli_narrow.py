"""At 80 columns (a piped command, an 80x24 terminal) the tables keep every number whole.

Rich fits a table that is too wide by cutting its columns (``202…`` for a seed); the other
CLI tests draw at 200 columns, which hid that. These draw at 80 and look for each number
as the stored result, the CSV or the frame holds it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from triad.cli.app import app
from triad.store.run_folder import list_runs, read_run
from triad.text import format_number, signed

TINY = str(Path(__file__).parent / "data" / "scenarios" / "tiny.yaml")
runner = CliRunner()


def narrow(*args: str) -> Result:
    """Run a command at 80 columns, as when its output is piped."""
    result = runner.invoke(app, list(args), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result


def whole(output: str) -> str:
    """``output`` after checking that nothing is cut: no ellipsis, no line past 80 columns."""
    assert "…" not in output, output
    too_wide = [line for line in output.splitlines() if len(line) > 80 and "│" in line]
    assert not too_wide, output
    return output


def words(output: str) -> set[str]:
    return set(output.split())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two stored runs, one with an override, a large seed and a four-digit world count."""
    root = tmp_path_factory.mktemp("store")
    base = ("--months", "14", "--no-charts", "--root", str(root))
    narrow("run", TINY, "--worlds", "4", "--seed", "3", *base)
    override = ("--set", "world.pressure=0.6")
    narrow("run", TINY, "--worlds", "1234", "--seed", "20240101", *override, *base)
    return root


def test_runs_shows_every_column_whole(store: Path) -> None:
    output = whole(narrow("runs", "--root", str(store)).output)
    frame = list_runs(store)
    assert len(frame) == 2
    for row in frame.to_dict("records"):
        folder = Path(str(row["path"])).relative_to(store).as_posix()
        expected = {folder, str(row["scenario"]), *map(str, row["overrides"])}
        expected |= {str(row[key]) for key in ("worlds", "months", "seed")}
        assert expected <= words(output), (expected - words(output), output)
    assert "world.pressure=0.6" in output


def test_the_run_summary_keeps_every_number_and_unit(store: Path) -> None:
    frame = list_runs(store)
    folder = Path(str(frame.loc[frame["worlds"] == 1234, "path"].iloc[0]))
    output = whole(narrow("show", str(folder)).output)
    summary = read_run(folder).summary()
    for row in summary.to_dict("records"):
        assert f"[{row['unit']}]" in output or str(row["unit"]) in words(output)
        low, high = format_number(float(row["p05"])), format_number(float(row["p95"]))
        assert f"[{low} – {high}]" in output, (row, output)
        assert format_number(float(row["median"])) in words(output)


def test_explain_shows_every_contribution(tmp_path: Path) -> None:
    variant = tmp_path / "variant.yaml"
    variant.write_text(
        "name: variant\nextends: baseline\n"
        "actors:\n  dprk: {behaviour: {juche_share: 0.6}}\n"
        "  russia: {tech_transfer: {trust_threshold: 0.45}, war: {fire_rate_m: 0.24}}\n"
    )
    out = tmp_path / "explained"
    args = ("explain", "baseline", str(variant), "--metric", "rounds_cum_m", "--worlds", "10")
    output = whole(narrow(*args, "--out", str(out)).output)
    frame = pd.read_csv(out / "attribution.csv")
    assert "russia.tech_transfer.trust_threshold" in frame["item"].tolist()
    found = words(output)
    for contribution in frame["contribution"]:
        assert signed(float(contribution)) in found, (contribution, output)
    assert signed(float(frame["contribution"].sum())) in found  # the total, B - A
    assert "(10 paired worlds)" in " ".join(output.split())  # the title, whole


def test_the_morris_table_shows_every_index(tmp_path: Path) -> None:
    params = [
        "russia.tech_transfer.trust_threshold=0.3:0.7",
        "dprk.munitions.max_offer_containers=1000:2000",
        "russia.war.fire_rate_m=0.15:0.45",
    ]
    out = tmp_path / "sa"
    args = ["sensitivity", "baseline", "--method", "morris", "--metric", "containers"]
    args += [arg for param in params for arg in ("--param", param)]
    output = whole(narrow(*args, "--n", "4", "--out", str(out)).output)
    indices = pd.read_csv(out / "indices.csv")
    found = words(output)
    for row in indices.to_dict("records"):  # a long parameter path may fold; a number never
        for column in ("mu", "mu_star", "sigma", "mu_star_conf"):
            assert format_number(float(row[column])) in found, (row, column, output)


def test_the_sweep_table_shows_every_point_and_interval(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    vary = [
        "--vary",
        "russia.tech_transfer.trust_threshold=0.3:0.7:3",
        "--vary",
        "dprk.munitions.max_offer_containers=1000:2000:2",
    ]
    args = ["sweep", "baseline", *vary, "--metric", "satellite_capability", "--worlds", "4"]
    output = whole(narrow(*args, "--out", str(out)).output)
    frame = pd.read_csv(out / "sweep.csv").query("outcome == 'satellite_capability'")
    found = words(output)
    for row in frame.to_dict("records"):
        low, high = format_number(float(row["p05"])), format_number(float(row["p95"]))
        assert f"[{low} – {high}]" in output, (row, output)
        assert format_number(float(row["p50"])) in found
    assert {"0.3", "0.5", "0.7", "1,000", "2,000"} <= found


def test_calibrate_shows_every_range_and_median(tmp_path: Path) -> None:
    out = tmp_path / "calibrated"
    history = Path(__file__).parents[1] / "data" / "history.yaml"
    params = ["russia.tech_transfer.trust_threshold=0.3:0.7", "russia.war.fire_rate_m=0.15:0.45"]
    args = ["calibrate", "baseline", "--targets", str(history), "--trials", "2", "--worlds", "10"]
    args += [arg for param in params for arg in ("--param", param)]
    output = whole(narrow(*args, "--out", str(out)).output)

    def shown(value: float) -> str:
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"

    frame = pd.read_csv(out / "before_after.csv")
    for row in frame.to_dict("records"):
        assert f"{shown(row['low'])} to {shown(row['high'])}" in output, (row, output)
        for median in (row["median_before"], row["median_after"]):
            assert median != median or shown(median) in words(output), (row, output)
