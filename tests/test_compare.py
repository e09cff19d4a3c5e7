"""Comparing scenarios: common random numbers, paired differences, divergence, the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from triad.errors import ModelError, StoreError, TriadError, TriadNote
from triad.experiments.compare import (
    Comparison,
    bootstrap_median,
    compare,
    divergence_month,
)
from triad.reports import comparison as compare_report
from triad.runs.ensemble import run_ensemble, with_options
from triad.runs.options import RunOptions
from triad.runs.simulation import simulate
from triad.scenario.loader import load_scenario
from triad.store.result import RunResult

WORLDS = 100
TWO = ("containers", "dprk_gdp_bn")


@pytest.fixture(scope="module")
def ceasefire() -> Comparison:
    """baseline vs ceasefire_2025 (ceasefire in 2025-03), 100 worlds, to 2026-08.

    Uncertain inputs fixed at their central values: the baseline's own ceasefire (drawn per
    world, median 2027-09) would otherwise come before March 2025 in some worlds.
    """
    return compare(
        ["baseline", "ceasefire_2025"],
        options=RunOptions(worlds=WORLDS, months=36, fix_uncertain=True),
    )


@pytest.fixture(scope="module")
def itself() -> Comparison:
    return compare(["baseline", "baseline"], options=RunOptions(worlds=40, months=24))


# --------------------------------------------------------------------------- behaviour
def test_a_scenario_compared_with_itself_differs_nowhere(itself: Comparison) -> None:
    assert itself.labels == ["baseline", "baseline#2"]
    table = itself.differences()
    assert len(table) == len(itself.metrics)
    numbers = ["median_difference", "mc_p05", "mc_p95", "worlds_p05", "worlds_p95"]
    assert (table[numbers] == 0).all().all()
    assert table["divergence_month"].isna().all()
    assert table["divergence_date"].isna().all()


def test_a_ceasefire_makes_shipments_diverge_within_fifteen_months(
    ceasefire: Comparison,
) -> None:
    """Every world cuts shipments only once Russia's depleted stock has refilled: how soon
    depends on how fast it wants to restock (sampled per world, 8 to 24 months)."""
    row = ceasefire.differences().set_index("metric").loc["containers"]
    assert "2025-03" <= row["divergence_date"] <= "2026-06"
    assert ceasefire.dates[row["divergence_month"]] == row["divergence_date"]
    assert row["mc_p05"] <= row["median_difference"] <= row["mc_p95"] < 0
    assert row["worlds_p05"] <= row["mc_p05"] and row["worlds_same_sign"] > 0.5


def test_the_ceasefire_does_not_diverge_before_it_happens(ceasefire: Comparison) -> None:
    table = ceasefire.differences()
    dates = table["divergence_date"].dropna()
    assert not dates.empty
    assert (dates >= "2025-03").all()


def test_every_run_shares_seed_worlds_and_horizon() -> None:
    first = with_options(load_scenario("baseline"), worlds=30, seed=5, months=20)
    result = compare([first, "ceasefire_2025", "china_punishes"], metrics=TWO)
    for sim in result.runs.values():
        assert (sim.scenario.seed, sim.scenario.worlds, sim.scenario.months) == (5, 30, 20)
        assert np.array_equal(sim.world_ids, np.arange(30))


def test_common_random_numbers_make_worlds_identical_until_the_scenarios_differ() -> None:
    result = compare(
        ["baseline", "kpa_resists"], options=RunOptions(worlds=40, months=24)
    )  # floor rises 2024-03
    before = result.dates.index("2024-03")
    for metric in result.metrics:
        paired = result.series("kpa_resists", metric) - result.series("baseline", metric)
        assert np.all(paired[:before] == 0), metric
    assert np.any(result.series("kpa_resists", "containers")[before:] != 0)


def test_without_common_random_numbers_the_worlds_would_differ_from_the_start() -> None:
    # the check above can fail: another seed changes the worlds before any event
    base = simulate(with_options(load_scenario("baseline"), months=12), worlds=40)
    other = simulate(with_options(load_scenario("kpa_resists"), seed=1, months=12), worlds=40)
    assert np.any(base.series("containers")[:6] != other.series("containers")[:6])


# --------------------------------------------------------------------------- refusals
def test_an_unknown_metric_is_refused_before_anything_runs() -> None:
    with pytest.raises(ModelError, match=r"unknown metric 'shells'; known: containers, "):
        compare(["baseline", "does_not_exist"], metrics=["containers", "shells"])


def test_one_scenario_is_not_a_comparison() -> None:
    with pytest.raises(TriadError, match="at least two scenarios, got 1"):
        compare(["baseline"], options=RunOptions(worlds=5, months=3))


def test_a_shorter_horizon_leaves_out_later_events_with_a_note() -> None:
    with pytest.warns(TriadNote, match=r"event 'ceasefire' at 2025-03 lies after the horizon"):
        result = compare(["baseline", "ceasefire_2025"], options=RunOptions(worlds=5, months=12))
    assert result.frame()["month"].max() == 11  # the twelfth month, 2024-08


def test_a_stored_run_with_another_seed_cannot_be_paired() -> None:
    sim = run_ensemble(with_options(load_scenario("baseline"), worlds=10, months=12, seed=3))
    with pytest.raises(TriadError, match="ran with seed 3, but this comparison uses seed 4"):
        compare(["baseline", RunResult(sim)], options=RunOptions(worlds=10, months=12, seed=4))


def test_runs_without_a_common_month_are_refused() -> None:
    late = with_options(load_scenario("tests/data/scenarios/tiny.yaml"), worlds=5, months=6)
    early = late.model_copy(update={"start": "2000-01"})
    stored = RunResult(run_ensemble(early))
    with pytest.raises(TriadError, match=r"share no month.*2000-01\.\.2000-06"):
        compare([late, stored])


# --------------------------------------------------------------------------- alignment
def test_runs_of_different_lengths_are_compared_over_their_common_months() -> None:
    longer = run_ensemble(with_options(load_scenario("baseline"), worlds=20, months=30))
    result = compare(
        ["baseline", RunResult(longer)], metrics=TWO, options=RunOptions(worlds=20, months=24)
    )
    assert len(result.dates) == 24
    assert result.horizon == "2025-08"
    assert result.series("baseline#2", "containers").shape == (24, 20)
    same = result.differences()
    assert (same["median_difference"] == 0).all()


def test_a_stored_run_with_fewer_worlds_is_paired_on_the_worlds_they_share() -> None:
    fewer = run_ensemble(with_options(load_scenario("ceasefire_2025"), worlds=15, months=24))
    result = compare(
        ["baseline", RunResult(fewer)], metrics=TWO, options=RunOptions(worlds=25, months=24)
    )
    assert np.array_equal(result.world_ids, np.arange(15))
    assert result.series("baseline", "containers").shape == (24, 15)


def test_bands_stack_every_scenario(ceasefire: Comparison) -> None:
    bands = ceasefire.bands("containers")
    assert list(bands.columns) == ["scenario", "month", "date", "p05", "p25", "p50", "p75", "p95"]
    assert len(bands) == 2 * 36
    assert bands["scenario"].unique().tolist() == ["baseline", "ceasefire_2025"]
    ordered = bands[["p05", "p25", "p50", "p75", "p95"]].to_numpy()
    assert np.all(np.diff(ordered, axis=1) >= 0)


def test_differences_over_time_are_computed_once_and_handed_out_as_copies(
    ceasefire: Comparison,
) -> None:
    first = ceasefire.differences_over_time()
    first["median_difference"] = 0.0  # a caller's change does not reach the next caller
    again = ceasefire.differences_over_time()
    assert not (again["median_difference"] == 0.0).all()
    assert again.equals(ceasefire._paths(ceasefire.metrics))  # the same as computed afresh
    one = ceasefire.differences_over_time(["containers"])
    assert set(one["metric"]) == {"containers"}
    assert one.equals(again[again["metric"] == "containers"].reset_index(drop=True))


def test_frame_is_tidy(ceasefire: Comparison) -> None:
    frame = ceasefire.frame(["containers"])
    assert list(frame.columns) == ["scenario", "world", "month", "date", "containers"]
    assert len(frame) == 2 * WORLDS * 36
    one = frame[(frame["scenario"] == "ceasefire_2025") & (frame["world"] == 7)]
    assert np.array_equal(one["containers"], ceasefire.series("ceasefire_2025", "containers")[:, 7])


def test_events_are_the_dated_events_of_every_scenario(ceasefire: Comparison) -> None:
    events = ceasefire.events()
    assert ("2025-03", "ceasefire") in events
    assert ("2024-06", "partnership_treaty") in events
    assert events == sorted(set(events))


# --------------------------------------------------------------------------- statistics
def test_divergence_is_the_first_month_apart_for_good() -> None:
    paired = np.zeros((10, 50))
    paired[3:5] = 1.0  # apart, then together again
    paired[6:] = -2.0
    assert divergence_month(paired) == 6


def test_divergence_needs_95_percent_of_worlds_on_one_side() -> None:
    paired = np.ones((4, 100))
    paired[:, :10] = -1.0  # 10% of worlds disagree
    assert divergence_month(paired) is None
    paired[:, :4] = 1.0  # now only 6%: the 5th percentile is still negative
    assert divergence_month(paired) is None
    paired[:, :6] = 1.0  # 4%
    assert divergence_month(paired) == 0


def test_float_noise_is_not_a_divergence() -> None:
    assert divergence_month(np.full((5, 20), 1e-9), scale=100.0) is None


def test_the_bootstrap_is_seeded_and_brackets_the_median() -> None:
    values = np.random.default_rng(0).normal(3.0, 1.0, 400)
    low, high = bootstrap_median(values)
    assert (low, high) == bootstrap_median(values)
    assert low < np.median(values) < high
    assert high - low < 0.3
    assert bootstrap_median(np.zeros(50)) == (0.0, 0.0)


# --------------------------------------------------------------------------- report
def test_the_report_folder_holds_the_text_the_table_and_every_chart(tmp_path: Path) -> None:
    result = compare(
        ["baseline", "ceasefire_2025"], metrics=TWO, options=RunOptions(worlds=40, months=30)
    )
    out = compare_report.write(result, tmp_path / "report")
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    charts = {
        "charts/overview.png",
        "charts/differences.png",
        "charts/differences_over_time.png",
        *(f"charts/{kind}_{m}.png" for kind in ("fan", "final") for m in TWO),
    }
    tables = {"differences.csv", "differences_over_time.csv"}
    assert names == {"report.md", "manifest.json", *tables, *charts}
    for chart in charts:
        assert (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = (out / "report.md").read_text()
    for chart in charts:
        assert f"]({chart})" in text
    assert "| containers shipped DPRK -> Russia this month [containers/month] |" in text
    assert "**Seed:** 20230913" in text and "**Worlds:** 40" in text
    table = pd.read_csv(out / "differences.csv")
    assert table["metric"].tolist() == list(TWO)
    written, computed = (
        table.loc[0, "divergence_date"],
        result.differences().loc[0, "divergence_date"],
    )
    assert written == computed or (pd.isna(written) and pd.isna(computed))
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no partial folder left


def test_an_existing_report_folder_is_never_written_into(tmp_path: Path) -> None:
    result = compare(
        ["baseline", "ceasefire_2025"],
        metrics=["containers"],
        options=RunOptions(worlds=5, months=20),
    )
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="already exists and is not empty"):
        compare_report.write(result, out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_report_that_fails_half_way_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = compare(
        ["baseline", "ceasefire_2025"],
        metrics=["containers"],
        options=RunOptions(worlds=5, months=20),
    )

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(compare_report, "render_markdown", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        compare_report.write(result, tmp_path / "report")
    assert list(tmp_path.iterdir()) == []
