"""`triad validate` reports what the model would silently clip or ignore."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from triad.cli.app import app
from triad.errors import Problem, ScenarioError
from triad.model.usage import ParameterUsage, probed_usage
from triad.scenario.loader import bundled_dir, bundled_names, load_scenario
from triad.scenario.schema import Scenario

runner = CliRunner()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def validate(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["validate", *args])
    return result.exit_code, result.output.splitlines()


def overlay(tmp_path: Path, policy: str) -> Path:
    text = (
        f"name: china_{policy}\n"
        "extends: baseline\n"
        "actors:\n"
        "  china:\n"
        f"    policy: {policy}\n"
        "    punish_level: 0.3\n"
        "uncertain: {china.policy: null, china.punish_level: null}\n"  # fixed, not drawn
    )
    return write(tmp_path, f"{policy}.yaml", text)


def event(tmp_path: Path, action: str, *, repeat: bool = False) -> Path:
    text = (
        "name: ev\n"
        "months: 24\n"
        "events:\n"
        "  - name: deal\n"
        "    when: {var: dprk_regime_security, op: '>=', value: 0}\n"
        f"    repeat: {'true' if repeat else 'false'}\n"
        f"    actions: [{action}]\n"
    )
    return write(tmp_path, "ev.yaml", text)


# --------------------------------------------------------------------------- unread parameters
def test_a_parameter_only_an_inactive_policy_reads_is_a_warning_at_its_line(
    tmp_path: Path,
) -> None:
    path = overlay(tmp_path, "dependency_builder")
    code, lines = validate(str(path))
    assert code == 0
    assert lines == [
        f"{path}:6:5: warning: actors.china.punish_level: has no effect: only the policy "
        "china 'punisher' reads china.punish_level, and china runs 'dependency_builder' "
        "(set actors.china.policy: punisher, or remove this value)",
        f"ok  {path} (1 warning)",
    ]


def test_the_same_parameter_under_the_policy_that_reads_it_is_quiet(tmp_path: Path) -> None:
    path = overlay(tmp_path, "punisher")
    assert validate(str(path)) == (0, [f"ok  {path}"])


def test_a_set_override_is_checked_too() -> None:
    code, lines = validate("baseline", "--set", "dprk.behaviour.juche_share=0.2")
    assert code == 0
    assert lines[0].startswith("<--set>: warning: actors.dprk.behaviour.juche_share: has no effect")
    assert lines[1] == "ok  baseline (1 warning)"


def test_a_base_file_warns_only_for_changed_values_unless_strict(tmp_path: Path) -> None:
    default = Scenario(name="d").actors.dprk.behaviour.juche_share
    documented = write(
        tmp_path,
        "doc.yaml",
        f"name: doc\nactors:\n  dprk:\n    behaviour:\n      juche_share: {default}\n",
    )
    changed = write(
        tmp_path,
        "chg.yaml",
        "name: chg\nactors:\n  dprk:\n    behaviour:\n      juche_share: 0.05\n",
    )
    assert validate(str(documented)) == (0, [f"ok  {documented}"])
    code, lines = validate(str(changed))
    assert code == 0
    assert lines[0].startswith(f"{changed}:5:7: warning: actors.dprk.behaviour.juche_share")
    assert "dprk runs 'transactional'" in lines[0]
    _, lines = validate("--strict", str(documented))
    assert lines[0].startswith(f"{documented}:5:7: warning: actors.dprk.behaviour.juche_share")


def test_an_inherited_value_is_not_the_overlays_doing(tmp_path: Path) -> None:
    parent = write(tmp_path, "p.yaml", "name: p\nactors: {china: {punish_level: 0.3}}\n")
    child = write(tmp_path, "c.yaml", f"name: c\nextends: {parent.name}\nworlds: 3\n")
    assert validate(str(child)) == (0, [f"ok  {child}"])
    assert validate(str(parent))[1][0].startswith(f"{parent}:2:18: warning: actors.china")


def test_usage_is_found_by_running_the_policies_and_the_core() -> None:
    usage = probed_usage(Scenario(name="probe"))
    assert usage.readers("china.punish_level") == (("china", "punisher"),)
    assert ("russia", "cautious") in usage.readers("russia.tech_transfer.cautious_share")
    assert ("dprk", "juche") in usage.readers("dprk.behaviour.juche_share")
    # read by the set-up and by a trigger, so never policy-specific
    assert {"dprk.munitions.initial_stock_m", "dynamics.treaty_trust"} <= usage.core
    assert "china.punish_level" in usage.policy_specific()
    assert not set(usage.policy_specific()) & usage.core


def test_ignored_asks_whether_any_active_policy_reads_a_parameter() -> None:
    usage = ParameterUsage(
        frozenset({"core.x"}),
        {("china", "a"): frozenset({"p", "core.x"}), ("dprk", "b"): frozenset({"p", "q"})},
    )
    assert usage.policy_specific() == {"p": (("china", "a"), ("dprk", "b")), "q": (("dprk", "b"),)}
    assert usage.ignored({"china": "a", "dprk": "c"}) == {"q": (("dprk", "b"),)}
    assert usage.ignored({"china": "z", "dprk": "c"}) == usage.policy_specific()


# --------------------------------------------------------------------------- event values
def test_an_event_setting_a_share_to_1_5_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = event(tmp_path, "{set: dprk.munitions.kpa_floor, value: 1.5}")
    code, lines = validate(str(path))
    assert code == 2
    assert lines == [
        f"{path}:7:47: events.0.actions.0.value: sets dprk.munitions.kpa_floor to 1.5, "
        "outside its range (allowed range [0, 1] [share])"
    ]
    with pytest.raises(ScenarioError, match=r"kpa_floor to 1\.5"):
        load_scenario(path)


def test_a_scale_that_pushes_a_share_above_1_is_refused(tmp_path: Path) -> None:
    path = event(tmp_path, "{scale: dprk.munitions.kpa_floor, by: 2.5}")
    code, lines = validate(str(path))
    assert code == 2
    assert lines == [
        f"{path}:7:49: events.0.actions.0.by: scaling dprk.munitions.kpa_floor by 2.5 "
        "takes 0.5 to 1.25, outside its range (allowed range [0, 1] [share])",
    ]


def test_a_small_scale_is_quiet_unless_the_event_repeats(tmp_path: Path) -> None:
    once = event(tmp_path, "{scale: dprk.munitions.kpa_floor, by: 1.5}")
    assert validate(str(once)) == (0, [f"ok  {once}"])
    again = event(tmp_path, "{scale: dprk.munitions.kpa_floor, by: 1.5}", repeat=True)
    code, lines = validate(str(again))
    assert code == 2
    assert "takes 0.5 to 1.125 after 2 monthly firings (the event repeats)" in lines[0]


def test_a_scale_counts_the_values_other_events_set(tmp_path: Path) -> None:
    path = event(
        tmp_path,
        "{set: dprk.munitions.kpa_floor, value: 0.9}, {scale: dprk.munitions.kpa_floor, by: 1.2}",
    )
    code, lines = validate(str(path))
    assert code == 2
    assert "takes 0.9 to 1.08" in lines[0]


@pytest.mark.parametrize(
    ("action", "says"),
    [
        (
            "{ramp: world.harvest, value: 3, months: 6}",
            "ramps world.harvest to 3, outside its "
            "range; the model clips drivers to their range (allowed range [0, 2] [share])",
        ),
        ("{set: russia.tech_transfer.max_tier, value: 1.5}", "but it is a whole number"),
        ("{set: russia.tech_transfer.allow_nbc, value: 0.5}", "not 0 or 1"),
        ("{set: dprk.economy.gdp_bn, value: 0}", "outside its range (allowed range (0, 1000]"),
    ],
)
def test_fixed_event_values_the_model_cannot_use_are_errors(
    tmp_path: Path, action: str, says: str
) -> None:
    code, lines = validate(str(event(tmp_path, action)))
    assert code == 2
    assert says in lines[0]


def test_a_scaled_driver_that_would_be_clipped_is_a_warning(tmp_path: Path) -> None:
    path = event(tmp_path, "{scale: world.monitoring, by: 1.5}")
    code, lines = validate(str(path))
    assert code == 0
    assert "scaling world.monitoring by 1.5 takes 1 to 1.5" in lines[0]
    assert "the model clips drivers to their range" in lines[0]


def test_an_uncertain_range_outside_the_bounds_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "u.yaml",
        "name: u\nuncertain:\n  dprk.munitions.kpa_floor: {dist: uniform, low: 0.2, high: 1.2}\n",
    )
    code, lines = validate(str(path))
    assert code == 2
    assert lines[0].startswith(f"{path}:3:55: uncertain.dprk.munitions.kpa_floor.high: ")


def test_a_lognormal_tail_past_a_bound_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "l.yaml",
        "name: l\nuncertain:\n"
        "  dprk.munitions.kpa_floor: {dist: lognormal, median: 0.5, sigma: 1}\n",
    )
    code, lines = validate(str(path))
    assert code == 2
    assert ":3:60: uncertain.dprk.munitions.kpa_floor.sigma: a lognormal draws 24.41%" in lines[0]


# --------------------------------------------------------------------------- the bundled files
def test_the_bundled_scenarios_validate_clean() -> None:
    files = sorted(str(path) for path in bundled_dir().rglob("*.yaml"))
    if not files:
        pytest.skip("no bundled scenarios yet")
    code, lines = validate(*files)
    assert code == 0
    assert lines == [f"ok  {file}" for file in files]
    assert len(files) == len(bundled_names())


def test_a_warning_says_so_after_its_location() -> None:
    problem = Problem("a.yaml", 3, 5, "x", "m", "h", "warning")
    assert str(problem) == "a.yaml:3:5: warning: x: m (h)"
    assert not problem.is_error
    assert Problem("a.yaml", 3, 5, "x", "m").is_error
