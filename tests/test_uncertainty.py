"""Honest uncertainty: every assumption sampled, an uncertain war path and China policy type,
and a switch that fixes every uncertain input at its central value."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import triad
from triad.cli.app import app
from triad.errors import ScenarioError
from triad.model.model import TriadModel
from triad.model.params import central
from triad.model.policies.china import Punisher
from triad.model.policies.mixture import Mixture
from triad.scenario.loader import load_checked, load_scenario
from triad.scenario.month import Month
from triad.scenario.schema import Scenario
from triad.validate import validate_scenario

ODD = Path(__file__).resolve().parent.parent / "docs" / "odd.md"
ROW = re.compile(r"^\| `([a-z_.]+)` \|(.*)\|$")
UNSAMPLED = ("<!-- unsampled:start -->", "<!-- unsampled:end -->")


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def _rows(section: str) -> dict[str, list[str]]:
    """Table rows of a docs section: path -> its cells (after the path)."""
    out: dict[str, list[str]] = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            out[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return out


def assumption_parameters() -> dict[str, list[str]]:
    """The rows of docs/odd.md 2.4 whose source starts with *assumption*."""
    rows = _rows(_section(ODD.read_text(encoding="utf-8"), "### 2.4 Parameters", "### 2.5"))
    return {path: cells for path, cells in rows.items() if cells[-1].startswith("assumption")}


def unsampled_assumptions() -> dict[str, str]:
    """The assumptions docs/odd.md lists as exempt from sampling, with their reasons."""
    rows = _rows(_section(ODD.read_text(encoding="utf-8"), *UNSAMPLED))
    return {path: cells[0] for path, cells in rows.items()}


# --------------------------------------------------------------------------- completeness
def test_every_assumption_has_a_range_in_the_baseline_or_a_listed_reason() -> None:
    sampled = load_scenario("baseline").uncertain
    exempt = unsampled_assumptions()
    assumptions = assumption_parameters()
    assert len(assumptions) > 100, "the parser found the assumption rows of docs/odd.md 2.4"
    missing = sorted(p for p in assumptions if p not in sampled and p not in exempt)
    assert missing == [], (
        "each assumption needs a range in scenarios/baseline.yaml `uncertain:` (and in its "
        "docs/odd.md row), or a reason in docs/odd.md's list of unsampled assumptions"
    )


def test_listed_exemptions_are_unsampled_assumptions_with_a_reason() -> None:
    sampled = load_scenario("baseline").uncertain
    exempt = unsampled_assumptions()
    assumptions = assumption_parameters()
    assert exempt, "the list of unsampled assumptions is found"
    assert all(len(reason) > 20 for reason in exempt.values())
    assert sorted(p for p in exempt if p in sampled or p not in assumptions) == []


def test_each_sampled_parameter_records_its_range_in_its_docs_row() -> None:
    rows = _rows(_section(ODD.read_text(encoding="utf-8"), "### 2.4 Parameters", "### 2.5"))
    sampled = [p for p in load_scenario("baseline").uncertain if p in rows]
    undocumented = sorted(p for p in sampled if "per world" not in " ".join(rows[p]))
    assert undocumented == [], "the row's baseline cell says how it is drawn per world"


def test_the_bundled_what_ifs_still_load_without_warnings() -> None:
    for name in ("ceasefire_2025", "china_punishes", "tech_for_shells", "trilateral_bloc"):
        _, _, warnings = load_checked(name)
        assert warnings == [], name


# --------------------------------------------------------------------------- the fix switch
def _band(values: np.ndarray) -> float:
    low, high = np.percentile(values, [5, 95])
    return float(high - low)


def test_fixing_collapses_the_spread_to_the_stochastic_part() -> None:
    options = {"worlds": 80, "months": 16, "seed": 11}
    drawn = triad.run("baseline", **options).simulation
    fixed = triad.run("baseline", fix_uncertain=True, **options).simulation
    for metric in ("rounds_cum_m", "dprk_regime_security"):
        wide = _band(drawn.series(metric)[-1])
        narrow = _band(fixed.series(metric)[-1])
        assert narrow < 0.5 * wide, (metric, narrow, wide)
        assert narrow > 0, "the stochastic part (noise, random draws) still varies"


def test_fixed_inputs_take_their_central_values_in_every_world() -> None:
    scenario = load_scenario("baseline").model_copy(update={"worlds": 30, "fix_uncertain": True})
    model = TriadModel(scenario)
    path = "dprk.behaviour.price_ask"  # U(50, 200): median 125, not the written 100
    assert np.allclose(model.params[path], 125.0)
    assert np.allclose(
        model.params["dprk.economy.fx_m"], central(scenario.uncertain["dprk.economy.fx_m"])
    )
    assert isinstance(model.china.policy, Mixture)
    assert set(model.china.policy.index) == {0}  # dependency_builder, the most likely
    median = Month.parse("2027-09") - scenario.first_month
    assert set(model.events.dates["ceasefire"]) == {median}
    sampled = TriadModel(scenario.model_copy(update={"fix_uncertain": False}))
    assert np.ptp(sampled.params[path]) > 50


def test_every_experiment_command_takes_the_switch() -> None:
    runner = CliRunner()
    for command in ("run", "compare", "sweep", "sensitivity", "calibrate", "explain"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert "--fix-uncertain" in result.output, command


def test_run_with_the_switch_on_the_command_line(tmp_path: Path) -> None:
    args = ["run", "baseline", "--worlds", "6", "--months", "14", "--fix-uncertain"]
    result = CliRunner().invoke(app, [*args, "--root", str(tmp_path), "--no-charts"])
    assert result.exit_code == 0, result.output
    assert "stored in" in result.output


# --------------------------------------------------------------------------- the war path
def _model(worlds: int, first: int = 0, **update: object) -> TriadModel:
    scenario = load_scenario("baseline").model_copy(update=dict(update))
    return TriadModel(scenario, worlds=worlds, first_world=first, log_worlds=0)


def test_the_ceasefire_date_varies_by_world_and_some_worlds_have_none() -> None:
    model = _model(2000)
    dates = model.events.dates["ceasefire"]
    months = model.scenario.months
    assert len(np.unique(dates)) > 30
    never = float(np.mean(dates >= months))
    assert 0.25 < never < 0.38, never  # triangular(2026-01, 2026-01, 2031-12): 32% past 2028-08
    # never before the record ends (2025-12): the war went on through 2025
    assert dates.min() >= Month.parse("2026-01") - model.scenario.first_month
    level = model.events.values["war_level.by"]
    assert 0.5 <= level.min() < 0.7 and 1.3 < level.max() <= 1.5


def test_war_path_draws_do_not_depend_on_the_chunking() -> None:
    whole = _model(40)
    first, second = _model(15), _model(25, first=15)
    for name in ("ceasefire", "war_level"):
        joined = np.concatenate([first.events.dates[name], second.events.dates[name]])
        assert np.array_equal(whole.events.dates[name], joined)


def test_the_drawn_ceasefire_ramps_fire_down_in_its_own_month() -> None:
    model = _model(200, months=50)
    dates = model.events.dates["ceasefire"]
    for _ in range(50):
        model.step()
    intensity = model.drivers.current["war_intensity"]
    ended = dates <= 46  # ramped to a tenth within three months, then noise
    assert ended.any() and (~ended).any()
    assert np.median(intensity[ended]) < 0.2 < np.median(intensity[~ended])


def test_a_what_if_with_a_fixed_date_fixes_it() -> None:
    scenario = load_scenario("ceasefire_2025")
    assert "events.ceasefire.at" not in scenario.uncertain
    model = TriadModel(scenario, worlds=20, log_worlds=0)
    assert "ceasefire" not in model.events.dates


def test_a_child_rewriting_a_drawn_event_fixes_it_with_a_warning(tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text(
        "name: child\nextends: baseline\nevents:\n  - name: ceasefire\n    at: 2025-06\n"
        "    actions: [{ramp: world.war_intensity, value: 0.1, months: 3}]\n",
        encoding="utf-8",
    )
    scenario, _, warnings = load_checked(child)
    assert "events.ceasefire.at" not in scenario.uncertain
    assert [w.path for w in warnings] == ["uncertain.events.ceasefire.at"]


def test_a_drawn_date_before_the_start_is_refused() -> None:
    data = load_scenario("baseline").model_dump()
    data["uncertain"]["events.ceasefire.at"] = {
        "dist": "uniform",
        "low": "2023-01",
        "high": "2026-01",
    }
    with pytest.raises(ValueError, match="before the start"):
        Scenario.model_validate(data)
    data["uncertain"]["events.nothing.at"] = {"dist": "uniform", "low": 1.0, "high": 2.0}
    with pytest.raises(ValueError, match="names no event"):
        Scenario.model_validate(data)


# --------------------------------------------------------------------------- China's policy type
WEIGHTS = {"dependency_builder": 0.55, "punisher": 0.2, "competitor": 0.15, "enforcer": 0.1}


def test_china_policy_shares_are_near_their_weights() -> None:
    dist = load_scenario("baseline").uncertain["china.policy"]
    assert dict(zip(dist.names, dist.weights or [], strict=True)) == WEIGHTS
    policy = _model(4000).china.policy
    assert isinstance(policy, Mixture)
    shares = np.bincount(policy.index, minlength=4) / 4000
    for name, share in zip(policy.names, shares, strict=True):
        assert abs(share - WEIGHTS[name]) < 0.025, (name, share)


def test_a_world_runs_the_same_policy_whatever_the_ensemble() -> None:
    small, large = _model(10).china.policy, _model(500).china.policy
    chunk = _model(20, first=5).china.policy
    assert isinstance(small, Mixture) and isinstance(large, Mixture) and isinstance(chunk, Mixture)
    assert np.array_equal(small.index, large.index[:10])
    assert np.array_equal(chunk.index, large.index[5:25])


def test_each_world_acts_as_its_own_policy_would() -> None:
    model = _model(300, months=12)
    for _ in range(8):
        model.step()
    policy = model.china.policy
    assert isinstance(policy, Mixture)
    obs = model.observe("china")
    mixed = policy.decide(obs)
    for position, candidate in enumerate(policy.policies):
        own = candidate.decide(obs)
        chosen = policy.index == position
        for lever, values in own.items():
            expected = np.broadcast_to(values, chosen.shape)[chosen]
            assert np.allclose(mixed[lever][chosen], expected), (candidate.name, lever)


def test_an_explicit_policy_fixes_the_type() -> None:
    assert "china.policy" not in load_scenario("china_punishes").uncertain
    assert isinstance(TriadModel(load_scenario("china_punishes"), worlds=5).china.policy, Punisher)
    scenario, _, warnings = load_checked("baseline", ["china.policy=punisher"])
    assert "china.policy" not in scenario.uncertain
    assert [w.path for w in warnings] == ["uncertain.china.policy"]


def test_an_uncertain_policy_names_registered_policies_only() -> None:
    data = load_scenario("baseline").model_dump()
    data["uncertain"]["china.policy"] = {"dist": "choice", "values": ["punisher", "bully"]}
    with pytest.raises(ValueError, match="'bully' is not one of"):
        Scenario.model_validate(data)
    data["uncertain"]["china.policy"] = {"dist": "choice", "values": [1.0, 2.0]}
    with pytest.raises(ValueError, match="choice among policy names"):
        Scenario.model_validate(data)
    data["uncertain"]["china.policy"] = None
    del data["uncertain"]["china.policy"]
    data["uncertain"]["china.enforcement"] = {"dist": "choice", "values": ["punisher"]}
    with pytest.raises(ValueError, match="draws numbers"):
        Scenario.model_validate(data)


def test_a_bad_uncertain_entry_in_a_file_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\nextends: baseline\nuncertain:\n"
        "  russia.policy: {dist: choice, values: [war_first, bully]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert "'bully' is not one of" in str(error.value)


def test_every_policy_a_world_may_run_counts_as_active() -> None:
    """With China's type drawn, the punisher's parameters have an effect: no unread warning."""
    problems = validate_scenario("baseline", ["china.punish_level=0.2"])
    assert [p.path for p in problems] == ["uncertain.china.punish_level"]
    assert "has no effect" not in problems[0].message
    assert "punisher" not in problems[0].message or "values=[" in problems[0].message
