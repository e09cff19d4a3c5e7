"""One world's story: what it tells, which world it picks, and the narrate command."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from triad.cli.app import app
from triad.errors import NarrationError
from triad.narrate import FLOOR_MARGIN_M, narrate, narrate_ensemble, narrate_scenario, pick_world
from triad.runs.ensemble import run_ensemble, with_options
from triad.runs.simulation import Simulation
from triad.scenario.loader import load_scenario

WORLDS = 50
runner = CliRunner()


def ensemble(name: str, *overrides: str, worlds: int = WORLDS, log_worlds: int = 100) -> Simulation:
    scenario = with_options(load_scenario(name, overrides), worlds=worlds)
    return run_ensemble(scenario, log_worlds=log_worlds)


@pytest.fixture(scope="module")
def baseline() -> Simulation:
    return ensemble("baseline")


def entries(story: str) -> list[tuple[str, str]]:
    """(date label, text) of each line of a plain story's months, dates carried down."""
    out, label = [], ""
    for line in story.split("\n\n", 1)[1].split("\nFinal state")[0].splitlines():
        found = re.match(r"^(\d{4}-\d{2}(?:\.\.\d{4}-\d{2})?)  (.*)$", line)
        if found:
            label, text = found.groups()
        elif line.startswith(" ") and label:
            text = line.strip()
        else:
            continue
        out.append((label, text))
    return out


def texts_at(story: str, label: str) -> list[str]:
    return [text for date, text in entries(story) if date == label]


def body(story: str) -> str:
    """The months of a story, without the header and the comparison with the ensemble."""
    return story.split("\n\n", 1)[1].split("\nFinal state")[0]


# --------------------------------------------------------------------------- what it tells
def test_baseline_story_tells_the_treaty_with_its_effect_on_trust(baseline: Simulation) -> None:
    story = narrate(baseline, 0)
    (treaty,) = [t for t in texts_at(story, "2024-06") if "[partnership_treaty]" in t]
    month = baseline.dates.index("2024-06")
    trust = baseline.series("trust_dprk_russia")[:, 0]
    assert f"DPRK's trust in Russia {trust[month - 1]:.2f} -> {trust[month]:.2f}" in treaty


def test_baseline_story_tells_the_first_month_of_shipments_in_numbers(
    baseline: Simulation,
) -> None:
    world = 7
    story = narrate(baseline, world)
    containers = baseline.series("containers")[0, world]
    rounds = baseline.series("rounds_m")[0, world]
    begin = [t for t in texts_at(story, baseline.dates[0]) if "Shipments to Russia begin" in t]
    assert len(begin) == 1
    assert f"begin: {containers:,.0f} containers ({rounds:.2f} M rounds)" in begin[0]
    assert "Russia pays US$" in begin[0]


def test_story_has_a_header_and_a_final_state_against_the_median(baseline: Simulation) -> None:
    story = narrate(baseline, 4)
    lines = story.splitlines()
    assert lines[0] == "baseline: Status quo after the 2023 Kim-Putin summit"
    assert lines[1].startswith(f"World 4 of an ensemble of {WORLDS}, seed 20230913, 2023-09..")
    final = baseline.series("containers_cum")[-1]
    table = story.split("Final state, 2028-08:")[1]
    row = next(r for r in table.splitlines() if "containers shipped DPRK -> Russia since" in r)
    assert f"{final[4]:,.0f} containers" in row
    assert f"{np.median(final):,.0f} containers" in row


def test_tier_raise_is_told_in_the_month_it_happens(baseline: Simulation) -> None:
    world = 2
    tier = baseline.series("russia_tech_tier")[:, world]
    month = int(np.flatnonzero(tier >= 1)[0])
    story = narrate(baseline, world)
    found = [t for t in texts_at(story, baseline.dates[month]) if "raises technology" in t]
    assert len(found) == 1
    assert "to tier 1" in found[0]


def test_kpa_floor_reached_is_told_with_the_floor() -> None:
    sim = ensemble("ceasefire_2025", worlds=20)
    above = sim.series("dprk_stock_above_floor_m")
    world = int(np.flatnonzero((above < FLOOR_MARGIN_M).any(axis=0))[0])
    month = int(np.flatnonzero(above[:, world] < FLOOR_MARGIN_M)[0])
    story = narrate(sim, world)
    floor = sim.series("kpa_floor_m")[month, world]
    lines = [t for d, t in entries(story) if d.startswith(sim.dates[month])]
    assert any(f"reaches the KPA floor of {floor:.2f} M rounds" in t for t in lines), story


def test_china_share_falling_below_90_percent_is_told() -> None:
    sim = ensemble("china_punishes", worlds=10)
    world = 0
    share = sim.series("cn_share_of_dprk_trade")[:, world]
    month = int(np.flatnonzero(share < 0.9)[0])
    story = narrate(sim, world)
    lines = [t for d, t in entries(story) if d.startswith(sim.dates[month])]
    told = [t for t in lines if t.startswith("China's share of DPRK trade")]
    # once, or summarised when China's chills and thaws make it cross back and forth
    assert any("falls below 90%" in t or "crosses 90%" in t for t in told), lines


def test_repeated_offer_cuts_are_told_once_as_a_range() -> None:
    sim = ensemble(
        "baseline",
        "russia.payment.reliability=0.6",
        "dprk.behaviour.forgiveness=0",
        "dprk.behaviour.pay_memory=0.001",  # a DPRK that does not price the under-payment in
        worlds=3,
    )
    log = sim.events[(sim.events["world"] == 0) & (sim.events["kind"] == "decision")]
    cuts = log[log["detail"].str.contains("cuts its offer")]
    assert len(cuts) > 10  # the offer is cut month after month
    story = narrate(sim, 0)
    told = [(d, t) for d, t in entries(story) if "cuts its offer" in t]
    assert len(told) < len(cuts) / 3
    assert any(".." in d and "for " in t for d, t in told)


def test_markdown_has_a_heading_per_year_and_a_bullet_per_line(baseline: Simulation) -> None:
    story = narrate(baseline, 1, markdown=True)
    headings = [line for line in story.splitlines() if line.startswith("## ")]
    years = [f"## {year}" for year in range(2023, 2029)]
    assert headings == [*years, "## Final state, 2028-08"]
    assert story.startswith("# baseline: ")
    assert "- **2024-06** Treaty on Comprehensive Strategic Partnership" in story
    plain = narrate(baseline, 1)
    assert sum(line.startswith("- **") for line in story.splitlines()) == len(entries(plain))


# --------------------------------------------------------------------------- picking
def test_median_pick_has_the_final_value_closest_to_the_median(baseline: Simulation) -> None:
    final = baseline.series("containers_cum")[-1]
    world = pick_world(baseline, "median", "containers_cum")
    distance = np.abs(final - np.median(final))
    assert distance[world] == distance.min()
    assert distance[world] < np.median(distance)  # not merely any world


@pytest.mark.parametrize("metric", ["containers_cum", "dprk_gdp_bn", "bloc_cohesion"])
def test_best_and_worst_are_the_highest_and_lowest(baseline: Simulation, metric: str) -> None:
    final = baseline.series(metric)[-1]
    assert final[pick_world(baseline, "best", metric)] == final.max()
    assert final[pick_world(baseline, "worst", metric)] == final.min()
    assert final.max() > final.min()


def test_best_is_the_lowest_for_a_metric_where_lower_is_better() -> None:
    sim = ensemble("china_punishes")
    final = sim.series("dprk_food_gap")[-1]
    assert final.max() > final.min()
    assert final[pick_world(sim, "best", "dprk_food_gap")] == final.min()
    assert final[pick_world(sim, "worst", "dprk_food_gap")] == final.max()


def test_picks_refuse_unknown_metrics_and_kinds(baseline: Simulation) -> None:
    with pytest.raises(NarrationError, match="did you mean 'dprk_food_gap'"):
        pick_world(baseline, "median", "dprk_food_gp")
    with pytest.raises(NarrationError, match="unknown pick 'mean'"):
        pick_world(baseline, "mean", "containers_cum")  # type: ignore[arg-type]


def test_story_of_the_picked_world_says_why(baseline: Simulation) -> None:
    story = narrate_ensemble(baseline, how="worst", by="dprk_food_gap")
    world = pick_world(baseline, "worst", "dprk_food_gap")
    assert f"World {world} of an ensemble" in story
    assert "Picked as the worst world by dprk_food_gap (highest final value" in story


def test_final_table_adds_the_metric_the_world_was_picked_by(baseline: Simulation) -> None:
    story = narrate_ensemble(baseline, how="best", by="cn_aid_m")
    table = story.split("Final state, 2028-08:")[1].splitlines()
    assert "China's aid and absorbed deficit to DPRK" in table[2]
    assert "China's aid" not in narrate(baseline, 0)


# --------------------------------------------------------------------------- one world, any run
def test_a_world_tells_the_same_story_alone_as_in_the_ensemble(baseline: Simulation) -> None:
    world = 37
    scenario = with_options(load_scenario("baseline"), worlds=1)
    alone = run_ensemble(scenario, first_world=world, log_worlds=world + 1)
    assert narrate(alone, world, ensemble=baseline) == narrate(baseline, world)
    assert body(narrate(alone, world)) == body(narrate(baseline, world))


def test_unlogged_world_is_told_from_series_and_says_so() -> None:
    sim = ensemble("baseline", worlds=30, log_worlds=10)
    story = narrate(sim, 20)
    assert "World 20 is outside the logged sample" in story
    assert "[partnership_treaty]" in story  # dated events come from the scenario
    assert "cuts its offer" not in story


def test_scenario_story_reruns_a_world_outside_the_log_with_its_log(baseline: Simulation) -> None:
    world = 45
    scenario = with_options(load_scenario("baseline"), worlds=WORLDS)
    story = narrate_scenario(scenario, world=world, log_worlds=10)
    assert story == narrate(baseline, world)
    assert "outside the logged sample" not in story


# --------------------------------------------------------------------------- command line
def test_cli_tells_the_median_world_by_default(baseline: Simulation) -> None:
    result = runner.invoke(app, ["narrate", "baseline", "--worlds", str(WORLDS)])
    assert result.exit_code == 0, result.output
    world = pick_world(baseline, "median", "containers_cum")
    assert result.output == narrate_ensemble(baseline)
    assert f"World {world} of an ensemble of {WORLDS}" in result.output


def test_cli_markdown_of_one_world(baseline: Simulation) -> None:
    result = runner.invoke(app, ["narrate", "baseline", "--worlds", "50", "--world", "3", "--md"])
    assert result.exit_code == 0, result.output
    assert result.output == narrate(baseline, 3, markdown=True)


def test_cli_applies_set_and_seed() -> None:
    args = ["narrate", "baseline", "--worlds", "5", "--world", "1", "--seed", "7"]
    result = runner.invoke(app, [*args, "--set", "dprk.behaviour.forgiveness=0"])
    assert result.exit_code == 0, result.output
    scenario = load_scenario("baseline", ["dprk.behaviour.forgiveness=0"])
    sim = run_ensemble(with_options(scenario, worlds=5, seed=7))
    assert result.output == narrate(sim, 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--world", "3", "--pick", "best"], "either a world index (--world) or a pick"),
        (["--world", "3", "--by", "dprk_gdp_bn"], "either a world index (--world) or a pick"),
        (["--by", "dprk_food_gp"], "unknown metric 'dprk_food_gp': did you mean"),
        (["--world", "20"], "world 20 is not in this ensemble (worlds 0-19)"),
        (["--world", "-1"], "world -1 is not in this ensemble"),
        (["--pick", "mean"], "unknown pick 'mean': use one of median, best, worst"),
    ],
)
def test_cli_refuses_bad_choices_with_exit_code_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["narrate", "baseline", "--worlds", "20", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_refuses_an_unknown_scenario_with_exit_code_2() -> None:
    result = runner.invoke(app, ["narrate", "no_such_scenario"])
    assert result.exit_code == 2
    assert "no_such_scenario" in result.output


def test_cli_tells_a_stored_run_and_refuses_run_options(tmp_path: Path) -> None:
    from triad.store import provenance
    from triad.store.manifest import RunRequest
    from triad.store.result import RunResult
    from triad.store.run_folder import write_run

    sim = ensemble("baseline", worlds=12)
    now = provenance.now()
    asked = RunRequest(chunk_size=None, log_worlds=100, source="baseline", overrides=())
    manifest = provenance.manifest(sim.scenario, now, now, request=asked)
    folder = write_run(RunResult(sim, manifest), out=tmp_path / "run")
    result = runner.invoke(app, ["narrate", str(folder), "--world", "5"])
    assert result.exit_code == 0, result.output
    assert result.output == narrate(sim, 5)
    refused = runner.invoke(app, ["narrate", str(folder), "--seed", "3"])
    assert refused.exit_code == 2
    assert "is a stored run: --worlds, --seed and --set apply to scenarios only" in refused.output
    missing = runner.invoke(app, ["narrate", str(folder), "--world", "12"])
    assert missing.exit_code == 2
    assert "world 12 is not in this ensemble (worlds 0-11)" in missing.output


# --------------------------------------------------------------------------- NAME@YYYY-MM
def test_a_world_is_picked_by_a_metric_at_a_month(baseline: Simulation) -> None:
    month = baseline.dates.index("2025-06")
    then = baseline.series("containers")[month]
    world = pick_world(baseline, "best", "containers@2025-06")
    assert then[world] == then.max() and then.max() > then.min()
    story = narrate_ensemble(baseline, how="best", by="containers@2025-06")
    assert "Picked as the best world by containers@2025-06 (highest value in 2025-06" in story
    assert baseline.series("containers")[-1][world] != baseline.series("containers")[-1].max()


def test_the_command_picks_by_a_metric_at_a_month(baseline: Simulation) -> None:
    args = ["narrate", "baseline", "--worlds", str(WORLDS), "--by", "containers_cum@2025-06"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output == narrate_ensemble(baseline, by="containers_cum@2025-06")
    assert "Picked as the median world by containers_cum@2025-06" in result.output


@pytest.mark.parametrize(
    ("by", "message"),
    [
        ("containers@2035-01", "2035-01 lies outside the horizon 2023-09 to 2028-08"),
        ("containers@2025-13", "the month must be YYYY-MM"),
        ("containrs@2025-06", "unknown metric 'containrs': did you mean"),
    ],
)
def test_the_command_refuses_a_bad_metric_at_a_month(by: str, message: str) -> None:
    result = runner.invoke(app, ["narrate", "baseline", "--worlds", "4", "--by", by])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
