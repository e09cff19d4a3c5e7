"""Compare reports keep Monte Carlo precision of the median apart from the spread across worlds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

import triad
from triad.cli.compare import differences_table
from triad.experiments.compare import (
    DIFFERENCE_COLUMNS,
    Comparison,
    bootstrap_median,
    compare,
    same_sign_share,
)
from triad.plots.differences import KEY
from triad.runs.options import RunOptions


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return compare(
        ["baseline", "ceasefire_2025"],
        metrics=["dprk_gdp_bn"],
        options=RunOptions(worlds=40, months=30),
    )


def test_the_frame_names_the_monte_carlo_interval_and_the_spread_across_worlds(
    comparison: Comparison,
) -> None:
    table = comparison.differences()
    assert tuple(table.columns) == DIFFERENCE_COLUMNS
    assert {"mc_p05", "mc_p95", "worlds_p05", "worlds_p95", "worlds_same_sign"} <= set(
        table.columns
    )
    assert not {"p05", "p95"} & set(table.columns)
    row = table.iloc[0]
    assert row["worlds_p05"] <= row["mc_p05"] <= row["median_difference"] <= row["mc_p95"]
    assert row["mc_p95"] <= row["worlds_p95"]
    assert 0.5 < row["worlds_same_sign"] <= 1


def test_the_report_labels_both_and_shows_them_in_separate_columns(
    comparison: Comparison, tmp_path: Path
) -> None:
    out = triad.write(comparison, tmp_path / "report")
    text = (out / "report.md").read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| metric [unit]"))
    cells = [c.strip() for c in header.strip("|").split("|")]
    assert "MC 90% CI of the median" in cells
    assert "across worlds: 5th-95th percentile" in cells
    assert "worlds with the median's sign" in cells
    assert "90% interval" not in cells and "90% bootstrap interval" not in text
    assert "Monte Carlo precision" in text and "not* uncertainty about the effect" in text
    row = next(line for line in text.splitlines() if line.startswith("| DPRK"))
    values = [c.strip() for c in row.strip().strip("|").split("|")]
    assert values[1] == comparison.horizon  # the month read
    assert values[6].startswith("[") and values[7].startswith("[")  # MC CI, then worlds
    assert values[8].endswith("%")
    csv = pd.read_csv(out / "differences.csv")
    assert {"mc_p05", "mc_p95", "worlds_same_sign"} <= set(csv.columns)


def test_the_terminal_and_the_chart_label_both(comparison: Comparison) -> None:
    console = Console(width=120, record=True)
    console.print(differences_table(comparison))
    text = " ".join(console.export_text().split())
    assert "MC 90% CI" in text and "Monte Carlo precision" in text
    assert "across worlds" in text and "5-95%" in text
    assert "bootstrap interval]" not in text
    assert "MC 90% CI of the median" in KEY and "across worlds" in KEY


def test_the_monte_carlo_interval_shrinks_with_worlds_but_the_spread_does_not() -> None:
    rng = np.random.default_rng(11)
    few, many = rng.normal(size=100), rng.normal(size=10_000)
    width = {n: np.subtract(*bootstrap_median(v, resamples=300)[::-1]) for n, v in ((100, few),)}
    width[10_000] = np.subtract(*bootstrap_median(many, resamples=300)[::-1])
    assert width[10_000] < width[100] / 5
    spread = [np.subtract(*np.quantile(v, (0.95, 0.05))) for v in (few, many)]
    assert abs(spread[0] - spread[1]) < 0.6  # both about 3.3 standard deviations


def test_the_share_of_worlds_with_the_median_sign() -> None:
    assert same_sign_share(np.array([-3.0, -1.0, -2.0, 4.0])) == 0.75
    assert same_sign_share(np.array([0.0, 0.0, 0.0, 5.0])) == 0.75  # median 0: no change
    assert same_sign_share(np.array([1e-9, 2.0, 3.0]), scale=1.0) == pytest.approx(2 / 3)
