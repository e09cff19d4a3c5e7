"""Coverage of history: how often the ensemble's 90% band contains a figure not tuned to."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from triad.experiments.validation import Coverage, coverage, in_band, validation_markdown


def targets(values: list[float], tuned: list[bool] | None = None) -> pd.DataFrame:
    """Targets whose band is [0, 10] (the third is outside the horizon when NaN)."""
    n = len(values)
    return pd.DataFrame(
        {
            "scenario": ["s"] * n,
            "id": [f"t{i}" for i in range(n)],
            "value": values,
            "low": [0.0] * n,
            "high": [10.0] * n,
            "median": [5.0] * n,
            "p05": [0.0] * n,
            "p95": [10.0] * n,
            "hit": [True] * n,
            "tuned": tuned or [False] * n,
            "status": ["inside"] * n,
        }
    )


def test_the_band_holds_a_figure_on_its_edges_and_not_beyond() -> None:
    frame = targets([0.0, 10.0, 5.0, -0.1, 10.1])
    assert list(in_band(frame)) == [True, True, True, False, False]


def test_coverage_counts_only_figures_not_tuned_to_with_a_band() -> None:
    frame = targets([5.0, 20.0, 5.0, 20.0, 5.0], tuned=[False, False, True, True, False])
    frame.loc[4, ["p05", "p95", "median"]] = np.nan  # outside the horizon: no band
    frame.loc[4, "status"] = "outside horizon"
    found = coverage(frame)
    assert found == Coverage(inside=1, targets=2)
    assert found.share == 0.5
    assert "1 of 2 (50%)" in found.sentence()
    assert math.isnan(coverage(frame[frame["tuned"]]).share)


def test_an_honest_band_covers_about_ninety_percent() -> None:
    """Figures drawn from the same distribution as the worlds fall in the 5-95% band ~90%."""
    rng = np.random.default_rng(7)
    worlds = rng.normal(size=(2000, 400))
    figures = rng.normal(size=2000)
    frame = targets(list(figures))
    frame["p05"], frame["p95"] = np.quantile(worlds, (0.05, 0.95), axis=1)
    assert 0.87 < coverage(frame).share < 0.93
    frame["p05"], frame["p95"] = np.quantile(worlds, (0.25, 0.75), axis=1)  # too narrow
    assert coverage(frame).share < 0.6


def test_the_page_shows_each_row_in_or_out_of_its_band_and_the_coverage() -> None:
    frame = targets([5.0, 20.0])
    text = validation_markdown(frame)
    rows = [line for line in text.splitlines() if line.startswith("| s |")]
    assert [row.split("|")[6].strip() for row in rows] == ["yes", "no"]
    assert "figure in 90% band" in text.splitlines()[0]
    assert "Coverage of the 90% band on the figures not tuned to: 1 of 2 (50%)" in text
