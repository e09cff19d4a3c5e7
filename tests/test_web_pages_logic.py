"""The Compare, Tune and Runs pages' logic without a browser (tiny ensembles)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from triad.api import run
from triad.errors import TriadError
from triad.runs.ensemble import KEY_METRICS
from triad.scenario.loader import load_scenario
from triad.scenario.registry import Parameter, parameter
from triad.text import format_number, signed
from triad.web.compare import (
    CompareRun,
    compare_items,
    difference_table,
    parse_months,
    report_zip,
    run_choices,
    run_compare,
    zip_folder,
)
from triad.web.runs import (
    RUN_COLUMNS,
    inside,
    integrity_text,
    manifest_files,
    manifest_summary,
    open_run,
    sound_runs,
    stored_charts,
    stored_runs,
)
from triad.web.tune import (
    CalibrationRun,
    SensitivityRun,
    backtest_frame,
    before_after_frame,
    default_range,
    history_targets,
    hit_rate_text,
    indices_frame,
    local_range,
    months_of,
    outcome_text,
    overlay,
    ranges_text,
    run_backtest,
    run_calibration,
    run_sensitivity,
    starting_ranges,
    targets_for,
    tunable,
    values_frame,
)


# --------------------------------------------------------------------------- compare
def test_picked_names_become_bundled_names_uploaded_files_and_run_folders(tmp_path: Path) -> None:
    upload = tmp_path / "uploads" / "mine.yaml"
    picked = ["baseline", "upload: mine.yaml", *run_choices(["baseline/20250101-x"])]
    items = compare_items(picked, {"upload: mine.yaml": upload}, tmp_path / "runs")
    assert items == ("baseline", upload, (tmp_path / "runs" / "baseline/20250101-x").resolve())


def test_compare_needs_two_and_keeps_run_names_inside_the_store(tmp_path: Path) -> None:
    with pytest.raises(TriadError, match="pick two or more"):
        compare_items(["baseline"], {}, tmp_path)
    with pytest.raises(TriadError, match="not a folder of the runs store"):
        compare_items(["baseline", "run: ../../etc"], {}, tmp_path)
    with pytest.raises(TriadError, match="not a folder of the runs store"):
        inside(tmp_path, "/etc")


def test_months_are_typed_with_commas_or_spaces() -> None:
    assert parse_months(" 2025-06, 2026-01 2027-02;2028-01 ") == (
        "2025-06",
        "2026-01",
        "2027-02",
        "2028-01",
    )
    assert parse_months("  ") == ()


def test_compare_reads_the_differences_at_the_month_asked() -> None:
    comparison = run_compare(CompareRun(("baseline", "ceasefire_2025"), 20, ("2025-06",)))
    differences = comparison.differences()
    assert set(differences["at"]) == {"2025-06"}
    assert set(differences["scenario"]) == {"ceasefire_2025"}
    assert len(comparison.world_ids) == 20
    with pytest.raises(TriadError, match="2031-01"):
        run_compare(CompareRun(("baseline", "ceasefire_2025"), 20, ("2031-01",)))


def test_the_differences_read_as_triad_compare_prints_them() -> None:
    comparison = run_compare(CompareRun(("baseline", "ceasefire_2025"), 20, ("2025-06",)))
    frame = comparison.differences()
    table = difference_table(frame)
    assert list(table.columns) == [
        "metric",
        "scenario",
        "at",
        "median",
        "MC 90%",
        "worlds 5-95%",
        "same sign",
        "diverges",
        "other form",
    ]
    first = frame.iloc[0]
    row = table.iloc[0]
    assert row["metric"] == f"{first['metric']} [{first['unit']}]"
    assert row["median"] == signed(float(first["median_difference"]))
    assert row["MC 90%"] == f"[{signed(first['mc_p05'])}, {signed(first['mc_p95'])}]"
    assert row["same sign"] == f"{first['worlds_same_sign']:.0%}"
    others = dict(zip(table["metric"], table["other form"], strict=True))
    assert others["containers [containers/month]"].startswith("containers_cum ")
    assert others["dprk_gdp_bn [US$ bn/yr]"] == ""
    no_other = difference_table(frame[frame["other_form"].isna() | (frame["other_form"] == "")])
    assert "other form" not in no_other.columns


def test_the_report_download_is_the_folder_triad_compare_writes() -> None:
    comparison = run_compare(CompareRun(("baseline", "ceasefire_2025"), 20))
    names = zipfile.ZipFile(io.BytesIO(report_zip(comparison, charts="none"))).namelist()
    expected = ["differences.csv", "differences_over_time.csv", "manifest.json", "report.md"]
    assert names == [f"compare-report/{name}" for name in expected]  # charts: the browser test


def test_a_folder_is_zipped_under_its_own_name(tmp_path: Path) -> None:
    folder = tmp_path / "report"
    (folder / "charts").mkdir(parents=True)
    (folder / "a.txt").write_text("a")
    (folder / "charts" / "b.png").write_bytes(b"png")
    archive = zipfile.ZipFile(io.BytesIO(zip_folder(folder)))
    assert archive.namelist() == ["report/a.txt", "report/charts/b.png"]
    assert archive.read("report/charts/b.png") == b"png"


# --------------------------------------------------------------------------- runs
@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with one small run of baseline (no charts: they are tested apart)."""
    root = tmp_path_factory.mktemp("runs")
    run("baseline", worlds=20, save=True, root=root, charts=False, overrides=["world.pressure=0.4"])
    return root


def test_the_list_shows_scenario_start_overrides_worlds_seed_and_date(store: Path) -> None:
    frame = stored_runs(store)
    assert list(frame.columns) == RUN_COLUMNS
    row = frame.iloc[0]
    assert str(row["folder"]).startswith("baseline/")
    assert (row["scenario"], row["start"], row["months"]) == ("baseline", "2023-09", 60)
    assert (row["worlds"], row["seed"], row["overrides"]) == (20, 20230913, "world.pressure=0.4")
    assert len(str(row["date (UTC)"])) == len("2025-01-01 12:00")
    assert row["status"] == "ok"


def test_only_complete_runs_are_offered_to_compare(store: Path, tmp_path: Path) -> None:
    import shutil

    name = str(stored_runs(store)["folder"][0])
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    assert sound_runs(copy) == [name]
    (copy / name / "summary.csv").unlink()
    assert sound_runs(copy) == []
    assert stored_runs(copy)["status"][0] == "summary.csv is missing"


def test_an_empty_store_lists_nothing(tmp_path: Path) -> None:
    frame = stored_runs(tmp_path / "none")
    assert frame.empty and list(frame.columns) == RUN_COLUMNS


def test_an_opened_run_is_checked_and_shows_its_manifest(store: Path) -> None:
    name = str(stored_runs(store)["folder"][0])
    opened = open_run(store, name)
    assert opened.sound, opened.problems
    assert integrity_text(opened).startswith("Integrity: sound; all 4 data files match")
    assert opened.manifest is not None
    summary = dict(zip(*manifest_summary(opened.manifest).T.values, strict=True))
    assert summary["scenario_name"] == "baseline"
    assert summary["overrides"] == "world.pressure=0.4"
    assert "scenario" not in summary and "files" not in summary
    assert summary["command"].startswith("`") and summary["command"].endswith("`")
    files = manifest_files(opened.manifest)
    assert "series.parquet" in set(files["file"])


def test_a_changed_byte_is_found_by_the_integrity_check(store: Path, tmp_path: Path) -> None:
    import shutil

    name = str(stored_runs(store)["folder"][0])
    copy = tmp_path / "store" / name
    shutil.copytree(store / name, copy)
    data = bytearray((copy / "series.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / "series.parquet").write_bytes(bytes(data))
    opened = open_run(tmp_path / "store", name)
    assert not opened.sound
    assert any("series.parquet is damaged" in p for p in opened.problems)
    assert integrity_text(opened) == "Integrity: 1 problem(s) found"


def test_stored_charts_come_overview_first_then_by_key_metric_not_hidden(tmp_path: Path) -> None:
    charts = tmp_path / "charts"
    charts.mkdir()
    for name in ("zzz_extra", KEY_METRICS[1], "overview", KEY_METRICS[0], ".partial"):
        (charts / f"{name}.png").write_bytes(b"png")
    (charts / "notes.txt").write_text("no")
    shown = [p.stem for p in stored_charts(tmp_path)]
    assert shown == ["overview", *KEY_METRICS[:2], "zzz_extra"]
    assert stored_charts(tmp_path / "none") == ()


def test_an_open_run_name_stays_inside_the_store(store: Path) -> None:
    with pytest.raises(TriadError, match="not a folder of the runs store"):
        open_run(store, "../..")


# --------------------------------------------------------------------------- tune
def test_a_parameter_range_starts_at_its_bounds_or_around_its_value() -> None:
    assert default_range(parameter("russia.war.dud_rate")) == (0.0, 0.9)
    open_ended = Parameter("x.y", "number", None, None, "share", "", 0.0)
    assert default_range(open_ended, 4.0) == (2.0, 6.0)
    assert default_range(open_ended) == (-1.0, 1.0)
    half_open = Parameter("x.y", "number", 0, None, "share", "", 2.0)
    assert default_range(half_open) == (0.0, 3.0)
    scenario = load_scenario("baseline")
    assert starting_ranges(["world.pressure"], scenario) == {"world.pressure": (0.0, 1.0)}


def test_a_calibration_range_starts_near_the_scenario_value_within_bounds() -> None:
    share = Parameter("x.y", "number", 0, 1, "share", "", 0.0)
    assert local_range(share, 0.3) == (0.15, 0.45)
    assert local_range(share, 0.8) == (0.4, 1.0)
    assert local_range(share, 0.0) == (0.0, 1.0)
    negative = Parameter("x.y", "number", None, None, "share", "", 0.0)
    assert local_range(negative, -2.0) == (-3.0, -1.0)
    scenario = load_scenario("baseline")
    fire = scenario.actors.russia.war.fire_rate_m
    found = starting_ranges(["russia.war.fire_rate_m"], scenario, local=True)
    assert found["russia.war.fire_rate_m"] == pytest.approx((fire / 2, fire * 1.5))


def test_only_numbers_and_drivers_are_tunable() -> None:
    kinds = {p.kind for p in tunable()}
    assert kinds == {"number", "count", "driver"}
    assert "russia.policy" not in {p.path for p in tunable()}


def test_ranges_and_outcomes_are_written_as_the_commands_take_them() -> None:
    ranges = [("russia.war.dud_rate", 0.1, 0.3), ("dprk.munitions.max_offer_containers", 800, 2000)]
    assert ranges_text(ranges) == [
        "russia.war.dud_rate=0.1:0.3",
        "dprk.munitions.max_offer_containers=800:2000",
    ]
    assert outcome_text("containers_cum", "horizon") == "containers_cum"
    assert outcome_text("containers_cum", "2024-02") == "containers_cum@2024-02"


def test_the_months_of_a_scenario_run_from_its_start_to_its_horizon() -> None:
    months = months_of(load_scenario("baseline"))
    assert (months[0], months[-1], len(months)) == ("2023-09", "2028-08", 60)


def test_the_backtest_table_has_a_row_per_target_and_the_hit_rate() -> None:
    result = run_backtest("baseline", 50)
    frame = backtest_frame(result)
    assert list(frame["target"]) == targets_for("baseline", history_targets())
    assert set(frame["result"]) <= {"inside", "outside", "outside horizon"}
    assert frame.loc[0, "history range"] == "[800, 1,500]"
    assert hit_rate_text(result).startswith(f"Hit rate: {result.hits} of 5 targets")


def test_targets_for_a_scenario_are_those_naming_it() -> None:
    targets = history_targets()
    soviet = targets_for("history/soviet_collapse_1991", targets)
    assert soviet and all(i in {t.id for t in targets} for i in soviet)
    assert not set(soviet) & set(targets_for("baseline", targets))
    assert targets_for("no_such_scenario", targets) == []


def test_a_small_sensitivity_ranks_its_parameters() -> None:
    request = SensitivityRun(
        "baseline",
        "morris",
        (("russia.war.fire_rate_m", 0.2, 0.4), ("china.outbid_ratio", 0.0, 2.0)),
        "containers_cum@2024-02",
        n=2,
        worlds_per_point=2,
    )
    result = run_sensitivity(request)
    frame = indices_frame(result)
    assert list(frame.columns) == ["parameter", "mu", "mu_star", "sigma", "mu_star_conf"]
    assert list(frame["parameter"]) == result.ranking
    mu_star = result.indices.set_index("parameter")["mu_star"]
    assert list(frame["mu_star"]) == [format_number(mu_star[p]) for p in result.ranking]
    assert mu_star[result.ranking[0]] >= mu_star[result.ranking[1]]
    with pytest.raises(TriadError, match="unknown method 'fast'"):
        run_sensitivity(SensitivityRun("baseline", "fast", request.ranges, "containers_cum"))


def test_a_calibration_needs_a_target() -> None:
    with pytest.raises(TriadError, match="choose one or more targets"):
        run_calibration(CalibrationRun("baseline", (("russia.war.fire_rate_m", 0.2, 0.4),), ()))


def test_a_small_calibration_gives_an_overlay_that_loads(tmp_path: Path) -> None:
    uploaded = tmp_path / "mine.yaml"  # as an upload is stored: a file extending a bundled one
    uploaded.write_text("name: mine\nextends: baseline\n")
    request = CalibrationRun(
        uploaded,
        (("russia.war.fire_rate_m", 0.2, 0.4),),
        ("russia_fire_rate_2024",),
        trials=3,
        worlds=20,
    )
    result = run_calibration(request)
    values = values_frame(result)
    assert values.loc[0, "range"] == "0.2 to 0.4"
    assert 0.2 <= float(values.loc[0, "best"]) <= 0.4
    table = before_after_frame(result)
    assert list(table.columns) == ["target", "range", "before", "after"]
    assert list(table["target"]) == ["russia_fire_rate_2024"]
    assert table.loc[0, "range"] == "[8,000, 12,000]"
    median, loss = result.table().loc[0, ["median_before", "loss_before"]]
    assert table.loc[0, "before"] == (
        f"{format_number(median)} (in)" if loss == 0 else f"{format_number(median)} (+{loss:.2g})"
    )
    name, text = overlay(result)
    assert name == "calibrated.yaml" and "extends: mine.yaml" in text  # beside the upload
    (tmp_path / name).write_text(text)
    tuned = load_scenario(tmp_path / name)
    assert tuned.actors.russia.war.fire_rate_m == pytest.approx(
        result.best["russia.war.fire_rate_m"]
    )
