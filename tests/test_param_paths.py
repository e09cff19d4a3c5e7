"""The analyses and ``--set`` accept the same parameter paths, written the same way.

``sweep --vary``, ``sensitivity --param`` and ``calibrate --param`` each parse
``PATH=LO:HI[:STEPS]`` (and a sweep ``PATH=V1,V2,...``), and an actor's policy over named
choices (``china.policy=punisher,enforcer``); every numeric input a scenario
holds (a parameter, with or without ``actors.`` in front, or a world driver, as a constant
per world; an event's month or action value; a number of an ``uncertain`` distribution) is
accepted by all three and by ``--set``, and on/off flags by none of the ranges. ``explain``
takes two scenarios, not paths. A varied value reaches the model: each point of a sweep
equals the run with ``--set`` at that value.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import triad
from triad.cli.app import app
from triad.errors import TriadError
from triad.experiments.calibrate import _check_scenarios as check_scenarios
from triad.experiments.calibrate import calibrate, parse_param
from triad.experiments.parameters import (
    ChoiceAxis,
    ChoiceRange,
    Outcome,
    check_inputs,
    parse_axis,
    parse_range,
)
from triad.experiments.sensitivity import evaluate as evaluate_points
from triad.experiments.sensitivity import sample_points, sensitivity
from triad.experiments.sweep import check_sweep, sweep
from triad.experiments.targets import Target
from triad.experiments.validation import HISTORY
from triad.runs.ensemble import run_ensemble, with_options
from triad.runs.options import RunOptions
from triad.scenario.loader import load_scenario
from triad.scenario.month import Month
from triad.scenario.named_points import is_month_path, named_paths, named_value
from triad.scenario.registry import parameters

runner = CliRunner()
OUTCOME = Outcome("rounds_cum_m")


def _ranges() -> list[tuple[str, float, float]]:
    out = []
    for path, found in parameters("number", "count", "driver").items():
        low = 0.0 if found.low is None else float(found.low)
        high = low + 1.0 if found.high is None else float(found.high)
        if found.kind == "count":
            high = max(high, low + 1.0)
        out.append((path, low, min(high, low + 1.0)))
    return out


RANGES = _ranges()


def _written(path: str) -> str:
    top = path.split(".")[0]
    return path if top in ("world", "dynamics") else f"actors.{path}"


def test_every_numeric_input_is_a_range_for_every_analysis() -> None:
    assert len(RANGES) > 150 and any(p.startswith("world.") for p, _, _ in RANGES)
    for path, low, high in RANGES:
        for written in {path, _written(path)}:
            text = f"{written}={low:g}:{high:g}"
            assert parse_range(text).path == path, text
            assert parse_axis(f"{text}:3").range.path == path, text
            assert parse_param(text).path == path, text


def test_every_numeric_input_takes_a_set() -> None:
    for path, low, high in RANGES[::7]:  # a sample: each load validates a whole scenario
        value = round((low + high) / 2) if path in parameters("count") else (low + high) / 2
        load_scenario("baseline", [f"{_written(path)}={value:g}"])


@pytest.mark.parametrize("path", list(parameters("flag")))
def test_no_analysis_takes_an_on_off_flag_as_a_range(path: str) -> None:
    for parse in (parse_range, parse_param):
        with pytest.raises(TriadError, match=r"flag|not a numeric"):
            parse(f"{path}=0:1")


def test_an_unknown_path_is_refused_alike() -> None:
    for parse in (parse_range, parse_param):
        with pytest.raises(TriadError, match=r"did you mean .russia\.war\.dud_rate."):
            parse("russia.war.dud_rat=0.1:0.3")


# --------------------------------------------------------------------------- named inputs
# An event's month or action value, and a number of an uncertain distribution: every one
# the baseline holds is taken alike by the three analyses and by --set.
BASELINE = load_scenario("baseline")
NAMED = named_paths(BASELINE)


def _written_value(path: str, value: float) -> str:
    return str(Month(int(value))) if is_month_path(path) else repr(value)


def _pairs(path: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """A path's own value and one step above it, and one step below and its own."""
    value = named_value(path, BASELINE)
    step = 1.0 if is_month_path(path) else max(abs(value) * 0.05, 1e-3)
    return (value, value + step), (value - step, value)


def _valid_pair(path: str) -> tuple[float, float] | None:
    """Two values of a path the scenario can hold beside its own (None: it has no room)."""
    for pair in _pairs(path):
        try:
            check_inputs(BASELINE, [path], np.array([[pair[0]], [pair[1]]]), "value")
        except TriadError:
            continue
        return pair
    return None


def _no_room(path: str) -> bool:
    """A distribution's number pinned by its bound and its neighbour (low = mode = 0)."""
    return _valid_pair(path) is None


def test_the_baseline_names_events_and_distributions_to_vary() -> None:
    assert {"events.ceasefire.at", "events.ceasefire.value", "events.war_level.by"} <= set(NAMED)
    assert "events.srbm_deliveries.actions.1.value" in NAMED  # two set actions: by number
    assert "events.srbm_deliveries.value" not in NAMED
    assert "uncertain.dynamics.commitment_decay.high" in NAMED
    assert "uncertain.events.ceasefire.at.high" in NAMED
    assert not any(p.startswith("uncertain.china.policy.") for p in NAMED)  # a choice of names
    assert len(NAMED) > 200
    assert sum(_no_room(p) for p in NAMED) < len(NAMED) / 20


@pytest.mark.parametrize("path", NAMED)
def test_every_named_input_is_taken_by_every_analysis(path: str) -> None:
    pair = _valid_pair(path)
    if pair is None:  # no room on either side: --set and every analysis refuse alike
        (own, above), (below, _) = _pairs(path)
        for beside in (above, below):
            written = _written_value(path, beside)
            with pytest.raises(TriadError), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                load_scenario("baseline", [f"{path}={written}"])
            axis = parse_axis(f"{path}={_written_value(path, own)},{written}")
            with pytest.raises(TriadError, match=r"must|outside|expected a number"):
                check_sweep([axis], [OUTCOME], BASELINE)
        return
    low, high = pair
    lo, hi = _written_value(path, low), _written_value(path, high)
    axis = parse_axis(f"{path}={lo},{hi}")
    check_sweep([axis], [Outcome("rounds_cum_m")], BASELINE)
    assert list(axis.values) == [low, high]
    assert (parse_range(f"{path}={lo}:{hi}").low, parse_range(f"{path}={lo}:{hi}").high) == (
        low,
        high,
    )
    sensitivity_ends = np.array([[low], [high]])
    check_inputs(BASELINE, [path], sensitivity_ends, "range end")
    param = parse_param(f"{path}={lo}:{hi}")
    assert (param.low, param.high) == (low, high)
    check_scenarios([BASELINE], [param])


@pytest.mark.parametrize("path", [p for p in NAMED[::9] if not _no_room(p)])  # each load: ~0.1 s
def test_every_named_input_takes_a_set(path: str) -> None:
    pair = _valid_pair(path)
    assert pair is not None
    low, high = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a fixed value replacing a draw is noted
        for value in (low, high):
            loaded = load_scenario("baseline", [f"{path}={_written_value(path, value)}"])
            assert named_value(path, loaded) == pytest.approx(value)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("events.ceasfire.at", r"no event named 'ceasfire' \(did you mean 'ceasefire'\?\)"),
        ("events.ceasefire.by", "has no scale action"),
        ("events.panel_ends.at", None),  # dated: accepted (a control row)
        ("uncertain.dynamics.comitment_decay.high", "did you mean 'uncertain.dynamics.commit"),
        ("uncertain.dynamics.commitment_decay.mean", "its numbers: low, high, mode"),
        ("uncertain.china.policy.low", "its numbers: none that can vary"),
    ],
)
def test_a_bad_named_path_is_refused_alike(path: str, message: str | None) -> None:
    value = "2025-01:2025-06" if path.endswith(".at") else "0.1:0.2"
    checks = [
        lambda: check_sweep([parse_axis(f"{path}={value}:2")], [Outcome("containers")], BASELINE),
        lambda: sensitivity(BASELINE, "morris", [parse_range(f"{path}={value}")], OUTCOME, n=2),
        lambda: check_scenarios([BASELINE], [parse_param(f"{path}={value}")]),
    ]
    if message is None:
        checks[0]()
        return
    for check in checks:
        with pytest.raises(TriadError, match=message):
            check()


def test_a_bad_path_is_a_message_not_a_traceback_on_the_command_line(tmp_path: Path) -> None:
    commands = [
        ["sweep", "baseline", "--vary", "events.ceasfire.at=2025-01,2026-01", "--worlds", "4"],
        [
            *("sensitivity", "baseline", "--metric", "containers", "--worlds-per-point", "1"),
            *("--param", "uncertain.dynamics.comitment_decay.high=0.1:0.2"),
        ],
        [
            *("calibrate", "baseline", "--targets", str(HISTORY), "--worlds", "4"),
            *("--param", "events.ceasfire.at=2025-01:2026-01"),
        ],
    ]
    for number, command in enumerate(commands):
        out = tmp_path / str(number)
        result = runner.invoke(app, [*command, "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert "did you mean" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- reaching the model
def test_an_earlier_ceasefire_ships_fewer_shells_and_a_point_equals_its_set() -> None:
    axis = parse_axis("events.ceasefire.at=2025-01,2028-01")
    result = sweep("baseline", [axis], [OUTCOME], options=RunOptions(worlds=40))
    frame = result.frame().set_index("events.ceasefire.at")
    assert list(frame.index) == ["2025-01", "2028-01"]  # months as written
    assert frame.loc["2025-01", "p50"] < 0.8 * frame.loc["2028-01", "p50"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fixed = load_scenario("baseline", ["events.ceasefire.at=2025-01"])
    alone = run_ensemble(with_options(fixed, worlds=40), log_worlds=0)
    np.testing.assert_array_equal(result.values[OUTCOME.label][0], OUTCOME.values(alone))


def test_a_wider_uncertain_range_widens_the_spread_and_a_point_equals_its_set() -> None:
    path = "uncertain.dprk.munitions.capacity_m.high"
    result = sweep(
        "baseline", [parse_axis(f"{path}=0.16,0.4")], [OUTCOME], options=RunOptions(worlds=80)
    )
    narrow, wide = result.values[OUTCOME.label]
    assert np.ptp(np.quantile(wide, [0.05, 0.95])) > 1.2 * np.ptp(np.quantile(narrow, [0.05, 0.95]))
    fixed = load_scenario("baseline", [f"{path}=0.16"])
    alone = run_ensemble(with_options(fixed, worlds=80), log_worlds=0)
    np.testing.assert_array_equal(narrow, OUTCOME.values(alone))


def test_a_month_range_is_sampled_as_whole_months_and_shown_as_months() -> None:
    parameter = parse_range("events.ceasefire.at=2025-01:2025-04")
    samples = sample_points("sobol", [parameter], 8, seed=1)
    months = {str(Month(int(v))) for v in samples[:, 0]}
    assert np.all(samples == np.floor(samples))
    assert months == {"2025-01", "2025-02", "2025-03", "2025-04"}
    result = sensitivity(
        BASELINE, "morris", [parameter, parse_range("events.war_level.by=0.5:1.5")], OUTCOME, n=2
    )
    shown = set(result.points_frame()["events.ceasefire.at"])
    assert shown <= {"2025-01", "2025-02", "2025-03", "2025-04"} and len(shown) > 1


def test_a_tuned_event_month_is_written_as_a_month_and_replaces_its_draw(tmp_path: Path) -> None:
    target = Target(
        id="fire",
        metric="russia_fire_per_day",
        aggregate="end",
        period="2026-06",
        value=3000,
        low=2000,
        high=4000,
        source="a test",
    )
    result = calibrate(
        "baseline",
        [target],
        ["events.ceasefire.at=2025-01:2027-12"],
        trials=2,
        options=RunOptions(worlds=10),
    )
    best = result.best["events.ceasefire.at"]
    month = Month(int(best))
    assert best == month.index and Month.parse("2025-01") <= month <= Month.parse("2027-12")
    event = next(e for e in result.calibrated.events if e.name == "ceasefire")
    assert event.at == str(month)
    assert "events.ceasefire.at" not in result.calibrated.uncertain
    triad.write(result, tmp_path / "out")
    overlay = load_scenario(tmp_path / "out" / "calibrated.yaml")
    assert next(e for e in overlay.events if e.name == "ceasefire").at == event.at
    assert "events.ceasefire.at" not in overlay.uncertain


# --------------------------------------------------------------------------- policies
@pytest.mark.parametrize("written", ["china.policy", "actors.china.policy"])
def test_a_policy_is_varied_over_its_choices_by_every_analysis(written: str) -> None:
    text = f"{written}=punisher,enforcer"
    axis = parse_axis(text)
    assert isinstance(axis, ChoiceAxis) and axis.choices == ("punisher", "enforcer")
    factor = parse_range(text)
    assert isinstance(factor, ChoiceRange) and factor.path == "china.policy"
    assert (factor.low, factor.high, factor.choices) == (0.0, 1.0, ("punisher", "enforcer"))
    param = parse_param(text)
    assert (param.path, param.choices) == ("china.policy", ("punisher", "enforcer"))
    check_scenarios([BASELINE], [param])
    check_sweep([axis], [OUTCOME], BASELINE)


def test_an_unknown_policy_is_refused_alike() -> None:
    for parse in (parse_axis, parse_range, parse_param):
        with pytest.raises(TriadError, match="unknown policy 'tyrant'; choose from"):
            parse("china.policy=punisher,tyrant")
    for parse in (parse_axis, parse_range, parse_param):
        with pytest.raises(TriadError, match="give two or more different policies"):
            parse("china.policy=punisher")


def test_a_policy_factor_takes_each_choice_equally_often_and_each_point_runs_it() -> None:
    every = parse_range("china.policy=punisher,enforcer,competitor,dependency_builder")
    for method in ("sobol", "morris"):
        samples = sample_points(method, [every], 16, seed=1)  # type: ignore[arg-type]
        counts = np.unique(samples[:, 0], return_counts=True)
        assert list(counts[0]) == [0.0, 1.0, 2.0, 3.0], method
        assert max(counts[1]) <= 1.5 * min(counts[1]), (method, counts)
    factor = parse_range("china.policy=punisher,enforcer,competitor")
    design = np.array([[0.0], [1.0], [2.0]])
    outputs = evaluate_points(BASELINE, [factor], design, OUTCOME)
    for world, policy in enumerate(factor.choices):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the fixed policy replaces the draw
            fixed = load_scenario("baseline", [f"china.policy={policy}"])
        alone = run_ensemble(with_options(fixed, worlds=3), log_worlds=0)
        assert outputs[world] == OUTCOME.values(alone)[world], policy


def test_sensitivity_and_calibrate_take_a_policy_on_the_command_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            *("sensitivity", "baseline", "--metric", "china_resentment", "--method", "morris"),
            *("--n", "2", "--param", "china.policy=punisher,enforcer"),
            *("--param", "dynamics.trust_gain=0.05:0.1", "--out", str(tmp_path / "s")),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "china.policy" in result.output
    points = (tmp_path / "s" / "points.csv").read_text()
    assert "punisher" in points and "enforcer" in points
    result = runner.invoke(
        app,
        [
            *("calibrate", "baseline", "--targets", str(HISTORY), "--worlds", "4"),
            *("--trials", "2", "--param", "china.policy=punisher,enforcer"),
            *("--out", str(tmp_path / "c")),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "punisher, enforcer" in result.output
    overlay = load_scenario(tmp_path / "c" / "calibrated.yaml")
    assert overlay.actors.china.policy in ("punisher", "enforcer")
    assert "china.policy" not in overlay.uncertain
