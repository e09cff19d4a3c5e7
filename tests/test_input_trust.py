"""Inputs from others are trusted only after they are checked.

Scenario files, ``--set`` values, saved games, targets files, executor texts and Python
arguments may come from someone else. Each defect found by feeding triad hostile inputs
has a test here, written from its reproduction: the input is refused with a clear message
naming the file, line and field, exit code 2 on the command line, never a traceback, and
nothing stored is lost. ``docs/security.md`` describes the checks and their limits.
"""

from __future__ import annotations

import errno
import json
import math
import os
import threading
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner, Result

import triad
from triad.cli.app import app
from triad.errors import ExecutorError, ModelError, ScenarioError, StoreError, TriadError, TriadNote
from triad.game.session import MAX_SAVE_BYTES
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.loader import load_scenario
from triad.scenario.yamlsafe import MAX_BYTES, MAX_DEPTH

DATA = Path(__file__).parent / "data" / "scenarios"
TINY = DATA / "tiny.yaml"
SMALL = ("--worlds", "8", "--months", "6")
runner = CliRunner()


def invoke(*args: str | Path) -> Result:
    """Run the command line in-process, as tests/test_cli_run.py does."""
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def refused(result: Result, *says: str) -> None:
    """Exit code 2, every text in the output, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for text in says:
        assert text in result.output, result.output


def write(folder: Path, name: str, *lines: str) -> Path:
    """A scenario file: ``name: t``, a horizon of six months, then the given lines."""
    path = folder / name
    path.write_text("\n".join(["name: t", "months: 6", "worlds: 8", *lines]) + "\n")
    return path


def event(*action: str) -> tuple[str, ...]:
    """Lines 4-7 of a scenario: one event at 2023-10 with the given actions (line 7)."""
    return ("events:", "  - name: e", "    at: 2023-10", f"    actions: [{', '.join(action)}]")


def notes[T](call: Callable[[], T]) -> tuple[T, list[str]]:
    """What ``call`` returns, and the notes (:class:`TriadNote` warnings) it issues."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    return value, [str(w.message) for w in caught if issubclass(w.category, TriadNote)]


def finishes(call: Callable[[], Result], seconds: float = 20.0) -> Result:
    """Run ``call`` in a thread and fail, instead of hanging, if it reads forever."""
    outcome: list[Result] = []
    worker = threading.Thread(target=lambda: outcome.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"still reading after {seconds} s"
    return outcome[0]


# --------------------------------------------------------------------------- overrides
@pytest.fixture
def sampled(tmp_path: Path) -> Path:
    """A scenario that samples Russia's dud rate per world."""
    uncertain = "  russia.war.dud_rate: {dist: uniform, low: 0.1, high: 0.3}"
    return write(tmp_path, "sampled.yaml", "uncertain:", uncertain)


def test_an_explicit_value_wins_over_an_uncertain_input_and_says_so(sampled: Path) -> None:
    runs = {}
    for rate in (0.1, 0.3):
        overrides = [f"russia.war.dud_rate={rate}"]
        runs[rate], said = notes(partial(triad.run, sampled, overrides=overrides))
        assert said == [
            "<--set>: uncertain.russia.war.dud_rate: this fixed value replaces the distribution "
            "the scenario samples it from (dist=uniform, low=0.1, high=0.3) in every world (to "
            "keep it uncertain, give it a range instead: "
            "--set 'uncertain.russia.war.dud_rate={dist: uniform, low: ..., high: ...}')"
        ]
    low, high = runs[0.1].scenario, runs[0.3].scenario
    assert low.uncertain == {} and (
        low.actors.russia.war.dud_rate,
        high.actors.russia.war.dud_rate,
    ) == (0.1, 0.3)
    assert not np.array_equal(runs[0.1].simulation.data, runs[0.3].simulation.data)


def test_set_uncertain_null_removes_the_entry_as_the_yaml_form_does(sampled: Path) -> None:
    assert load_scenario(sampled, ["uncertain.russia.war.dud_rate=null"]).uncertain == {}
    result = invoke("scenario", sampled, "--set", "uncertain.russia.war.dud_rate=null")
    assert result.exit_code == 0, result.output
    refused(
        invoke("scenario", sampled, "--set", "uncertain.russia.war.dud_rates=null"),
        "<--set>: uncertain.russia.war.dud_rates: no uncertain entry to remove",
        "did you mean 'russia.war.dud_rate'",
    )


# --------------------------------------------------------------------------- unbounded reads
@pytest.fixture
def pipe(tmp_path: Path) -> Path:
    """A named pipe nobody writes to: reading it would block forever."""
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "fifo"])
def test_a_saved_game_that_is_not_a_regular_file_is_refused_before_reading(
    device: str, pipe: Path
) -> None:
    source = str(pipe) if device == "fifo" else device
    result = finishes(lambda: invoke("play", "--load", source))
    refused(result, f"cannot read saved game {source}: it is not a regular file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "fifo"])
def test_a_targets_file_that_is_not_a_regular_file_is_refused_before_reading(
    device: str, pipe: Path
) -> None:
    source = str(pipe) if device == "fifo" else device
    result = finishes(lambda: invoke("backtest", "baseline", "--targets", source, "--worlds", "4"))
    refused(result, f"{source}: is not a regular file")


def test_a_saved_game_too_large_is_refused(tmp_path: Path) -> None:
    save = tmp_path / "big.json"
    save.write_bytes(b" " * (MAX_SAVE_BYTES + 1))
    refused(invoke("play", "--load", save), "is larger than 10 MiB; refusing to read it")


# --------------------------------------------------------------------------- JSON bombs
def test_a_saved_game_nested_100000_deep_is_refused(tmp_path: Path) -> None:
    save = tmp_path / "nested.json"
    save.write_text("[" * 100_000)
    refused(invoke("play", "--load", save), f"{save}: not a triad saved game (JSON nested")


def test_a_saved_game_with_a_million_digit_seed_is_refused(tmp_path: Path) -> None:
    save = tmp_path / "seed.json"
    save.write_text('{"format": "triad-play", "version": 1, "seed": ' + "9" * 1_000_000 + "}")
    refused(invoke("play", "--load", save), "not a triad saved game (a number of 1000000 digits)")


# --------------------------------------------------------------------------- targets files
def test_a_targets_file_with_a_duplicate_key_is_refused_at_its_line(tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - id: a\n    id: b\n")
    result = invoke("backtest", "baseline", "--targets", targets, "--worlds", "4")
    refused(result, f"{targets}:3:5: targets.0.id: duplicate key 'id'")


def test_a_targets_file_nested_too_deep_is_refused(tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets: " + "[" * 500 + "]" * 500 + "\n")
    result = invoke("backtest", "baseline", "--targets", targets, "--worlds", "4")
    refused(result, f"{targets}:1:", f"nesting deeper than {MAX_DEPTH} levels")


def test_a_targets_file_over_1_mib_is_refused(tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets: []\n#" + "x" * MAX_BYTES)
    result = invoke("backtest", "baseline", "--targets", targets, "--worlds", "4")
    refused(result, f"{targets}: is larger than 1 MiB; refusing to read it")


# --------------------------------------------------------------------------- confinement
@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp/project`` (the current folder) beside ``tmp/private/secret.yaml``."""
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "secret.yaml").write_text("password: hunter2\nuser: root\n")
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    monkeypatch.delenv("TRIAD_SCENARIO_PATH", raising=False)
    return tmp_path / "project"


@pytest.mark.parametrize("parent", ["../private/secret.yaml", "/etc/passwd", "../../../etc/shadow"])
def test_extends_outside_the_allowed_folders_is_refused_unread(project: Path, parent: str) -> None:
    child = project / "child.yaml"
    child.write_text(f"name: child\nextends: {parent}\n")
    result = invoke("validate", child)
    refused(result, "child.yaml:2:1: extends: ", "lies outside the scenario's folder")
    assert "TRIAD_SCENARIO_PATH" in result.output
    assert "hunter2" not in result.output and "password" not in result.output
    assert "root:" not in result.output  # /etc/passwd's first line is never shown


def test_triad_scenario_path_opts_in_a_shared_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = project.parent / "shared"
    shared.mkdir()
    (shared / "base.yaml").write_text("name: base\nmonths: 7\n")
    child = project / "child.yaml"
    child.write_text("name: child\nextends: ../shared/base.yaml\n")
    refused(invoke("validate", child), "lies outside")
    monkeypatch.setenv("TRIAD_SCENARIO_PATH", str(shared))
    assert load_scenario(child).months == 7


def test_a_parent_that_is_not_a_scenario_is_refused_without_echoing_it(project: Path) -> None:
    (project / "notes.yaml").write_text("password: hunter2\naws_key: AKIA0000\n")
    child = project / "child.yaml"
    child.write_text("name: child\nextends: notes.yaml\n")
    result = invoke("validate", child)
    refused(result, "notes.yaml: is not a scenario file")
    assert "hunter2" not in result.output and "aws_key" not in result.output


@pytest.fixture
def saved_game(project: Path) -> Path:
    """A game of the tiny scenario, one turn played and saved in the current folder."""
    (project / "tiny.yaml").write_text(TINY.read_text())
    (project / "moves.yaml").write_text("- {}\n")
    result = invoke(
        *("play", "tiny.yaml", "--as", "dprk", "--save", "game.json", "--moves", "moves.yaml"),
        *("--worlds", "4", "--set", "months=6"),
    )
    assert result.exit_code == 0, result.output
    return project / "game.json"


def test_a_saved_games_scenario_outside_the_allowed_folders_is_refused(saved_game: Path) -> None:
    for outside in ("/etc/passwd", "../private/secret.yaml"):
        data = json.loads(saved_game.read_text())
        saved_game.write_text(json.dumps(data | {"scenario": outside}))
        result = invoke("play", "--load", saved_game)
        refused(result, "game.json: scenario: the saved game's scenario", "lies outside")
        assert "hunter2" not in result.output


# --------------------------------------------------------------------------- strict types
COERCIONS = [
    ("worlds: on", "worlds", "got 'on'"),
    ("months: yes", "months", "got 'yes'"),
    ("months: 1:00", "months", "got '1:00'"),
    ("months: '12'", "months", "got '12'"),
    ("months: 014", "months", "014 has a leading zero"),
]


@pytest.mark.parametrize(("line", "field", "says"), COERCIONS)
def test_a_scenario_value_is_never_coerced_to_a_number(
    tmp_path: Path, line: str, field: str, says: str
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(f"name: c\n{line}\n")
    refused(invoke("validate", path), "c.yaml:2:", f": {field}: ", says)


def test_a_flag_is_never_a_whole_number(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("name: c\nactors:\n  russia:\n    tech_transfer:\n      max_tier: true\n")
    result = invoke("validate", path)
    refused(result, "c.yaml:5:7: actors.russia.tech_transfer.max_tier: ", "got True")


@pytest.mark.parametrize(
    "value",
    ["worlds=on", "months=yes", "months=1:00", "months='12'", "months=014", "seed=true"],
)
def test_a_set_value_is_never_coerced_to_a_number(value: str) -> None:
    path = value.partition("=")[0]
    refused(invoke("scenario", TINY, "--resolved", "--set", value), f"<--set>: {path}: ")


@pytest.mark.parametrize(("option", "value"), [("worlds", True), ("months", "12"), ("seed", 1.5)])
def test_the_api_refuses_a_run_option_of_the_wrong_type(option: str, value: object) -> None:
    with pytest.raises(ScenarioError, match=f"<run options>: {option}: expected a whole number"):
        triad.run(TINY, **{option: value})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- bounds
BOUNDS = [
    (
        event("{set: dprk.munitions.kpa_floor, value: -5}"),
        "7:47: events.0.actions.0.value: sets dprk.munitions.kpa_floor to -5, outside its range",
    ),
    (
        event("{scale: dprk.munitions.kpa_floor, by: 1e300}"),
        "7:49: events.0.actions.0.by: scaling dprk.munitions.kpa_floor by 1e+300",
    ),
    (
        ("uncertain:", "  dprk.munitions.kpa_floor: {dist: lognormal, median: 0.5, sigma: 300}"),
        "5:60: uncertain.dprk.munitions.kpa_floor.sigma: a lognormal draws 49.",
    ),
    (
        (
            "uncertain:",
            "  dprk.munitions.kpa_floor: {dist: truncnormal, mean: 0.5, sd: 1, low: -3, high: 3}",
        ),
        "5:67: uncertain.dprk.munitions.kpa_floor.low: dprk.munitions.kpa_floor would draw down",
    ),
]


@pytest.mark.parametrize(("lines", "says"), BOUNDS, ids=["set", "scale", "lognormal", "normal"])
def test_event_values_and_distributions_outside_a_parameters_range_are_refused(
    tmp_path: Path, lines: tuple[str, ...], says: str
) -> None:
    path = write(tmp_path, "b.yaml", *lines)
    refused(invoke("validate", path), f"b.yaml:{says}", "allowed range [0, 1] [share]")
    root = tmp_path / "runs"
    refused(invoke("run", path, "--root", root), "b.yaml:")
    assert not root.exists()


def test_a_scale_that_takes_a_driver_out_of_range_is_a_warning_as_drivers_are_clipped(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "d.yaml", *event("{scale: world.monitoring, by: 1.5}"))
    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
    assert "warning: events.0.actions.0.by: scaling world.monitoring by 1.5" in result.output
    assert "the model clips drivers to their range" in result.output


def test_a_lognormal_with_a_negligible_tail_past_a_bound_loads(tmp_path: Path) -> None:
    weight = "  dprk.security.weight_food: {dist: lognormal, median: 1.5, sigma: 0.42}"
    path = write(tmp_path, "l.yaml", "uncertain:", weight)  # its bound is 100
    assert invoke("validate", path).output == f"ok  {path}\n"


def test_negative_zero_is_read_as_zero_wherever_it_is_written(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "z.yaml",
        *event("{set: world.harvest, value: -0.0}", "{scale: dprk.munitions.kpa_floor, by: -0.0}"),
        "uncertain:",
        "  dprk.munitions.max_offer_containers: {dist: uniform, low: -0.0, high: 900}",
        "actors: {dprk: {munitions: {kpa_floor: -0.0}}}",
    )
    scenario = load_scenario(path)
    values = [
        scenario.actors.dprk.munitions.kpa_floor,
        scenario.events[0].actions[0].value,
        scenario.events[0].actions[1].by,
        scenario.uncertain["dprk.munitions.max_offer_containers"].low,
        load_scenario(TINY, ["dprk.munitions.kpa_floor=-0.0"]).actors.dprk.munitions.kpa_floor,
    ]
    assert [math.copysign(1.0, value) for value in values if value is not None] == [1.0] * 5


# --------------------------------------------------------------------------- dates
def test_a_month_written_with_non_ascii_digits_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("name: d\nstart: '２０２３-10'\n")
    refused(invoke("validate", path), "d.yaml:2:1: start: expected a month as YYYY-MM")
    root = tmp_path / "runs"
    result = invoke("run", TINY, *SMALL, "--set", "start=２０２３-10", "--root", root)
    refused(result, "<--set>: start: expected a month as YYYY-MM", "'２０２３-10'")
    assert not root.exists()


def test_an_event_date_with_non_ascii_digits_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "d.yaml", "events:", "  - name: e", "    at: '２０２４-01'")
    refused(invoke("validate", path), "d.yaml:6:", "events.0.at: expected a month as YYYY-MM")


# --------------------------------------------------------------------------- executors
@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("processes:²", "the worker count must be a whole number >= 1"),
        ("processes:٣", "the worker count must be a whole number >= 1"),
        ("dask:tcp://127.0.0.1:notaport", "needs a host and a port from 1 to 65535"),
        ("dask:tcp://:", "needs a host and a port from 1 to 65535"),
        ("dask:tcp://127.0.0.1:70000", "needs a host and a port from 1 to 65535"),
        ("dask:tls://127.0.0.1:8786", "a TLS scheduler needs certificates"),
    ],
)
def test_a_malformed_executor_text_is_refused_with_what_is_wrong(
    tmp_path: Path, text: str, says: str
) -> None:
    out = tmp_path / "out"
    refused(invoke("run", TINY, *SMALL, "--out", out, "--executor", text), says)
    assert not out.exists()


@pytest.mark.parametrize("path", ["events.².x", "events.0.actions.²", "uncertain.²"])
def test_a_set_path_with_non_ascii_digits_is_refused(path: str) -> None:
    refused(invoke("scenario", "baseline", "--set", f"{path}=1"), "<--set>: ")


# --------------------------------------------------------------------------- messages
def test_control_characters_of_a_scenario_key_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('name: c\n"evil\\x1b[2J\\x1b[HALL CHECKS PASSED\\u202e": 1\n')
    result = invoke("validate", path)
    refused(result, "c.yaml:2:1: evil\\x1b[2J\\x1b[HALL CHECKS PASSED\\u202e: unknown key")
    assert "\x1b" not in result.output and "\u202e" not in result.output


def test_control_characters_of_a_set_path_are_escaped() -> None:
    result = invoke("scenario", TINY, "--set", "actors.\x1b[2Jrussia.x=1")
    refused(result, "\\x1b[2Jrussia")
    assert "\x1b" not in result.output


def test_a_note_shows_the_replaced_distribution_as_written_not_its_internals(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "n.yaml",
        "uncertain:",
        "  dprk.munitions.kpa_floor: [0.1, 0.2]",
        "  dprk.munitions.max_offer_containers: {dist: {a: 1}, low: 1}",
    )
    sets = ("dprk.munitions.kpa_floor=0.5", "dprk.munitions.max_offer_containers=100")
    result = invoke("validate", path, "--set", sets[0], "--set", sets[1])
    assert "samples it from ([0.1, 0.2])" in result.output
    assert "samples it from (dist={'a': 1}, low=1)" in result.output
    assert "_Node" not in result.output and "Location(" not in result.output


# --------------------------------------------------------------------------- API misuse
@pytest.mark.parametrize(
    ("argument", "error", "says"),
    [
        ({"executor": 123}, ExecutorError, "executor: expected None, a text"),
        ({"overrides": None}, ScenarioError, "overrides must be a list of texts, not None"),
        ({"overrides": "months=12"}, ScenarioError, "not a single text 'months=12'"),
        ({"out": 123}, StoreError, "out: expected a folder path"),
        ({"root": 1.5, "save": True}, StoreError, "root: expected a folder path"),
    ],
)
def test_the_run_api_refuses_misused_arguments_with_triad_errors(
    argument: dict[str, object], error: type[TriadError], says: str
) -> None:
    with pytest.raises(error, match=says):
        triad.run(TINY, worlds=2, months=2, **argument)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scenarios", "argument", "error", "says"),
    [
        ([TINY, TINY], {"executor": 123}, ExecutorError, "executor: expected None"),
        ([TINY, TINY], {"seed": True}, ScenarioError, "seed: expected a whole number"),
        ([TINY, TINY], {"overrides": None}, ScenarioError, "overrides must be a list"),
        ([TINY, TINY], {"metrics": "containers"}, TriadError, "metrics: expected a list"),
        ("baseline", {}, TriadError, "scenarios: expected a list"),
        ([TINY, 3], {}, TriadError, r"got 3 \(int\)"),
    ],
)
def test_the_compare_api_refuses_misused_arguments_with_triad_errors(
    scenarios: object, argument: dict[str, object], error: type[TriadError], says: str
) -> None:
    given: dict[str, Any] = {"worlds": 2, "months": 2} | argument
    rest = {"metrics": given.pop("metrics")} if "metrics" in given else {}
    with pytest.raises(error, match=says):
        context = triad.RunContext(executor=given.pop("executor", None))
        triad.compare(scenarios, options=triad.RunOptions(**given), context=context, **rest)  # type: ignore[arg-type]


def test_simulate_refuses_a_world_count_that_is_not_a_whole_number() -> None:
    with pytest.raises(ModelError, match="a whole number of worlds >= 1, got True"):
        triad.simulate(load_scenario(TINY), worlds=True)


# --------------------------------------------------------------------------- gaps
@pytest.mark.parametrize(("key", "means"), [("all", "holds in every month"), ("any", "never")])
def test_an_empty_all_or_any_condition_is_refused(tmp_path: Path, key: str, means: str) -> None:
    path = write(
        tmp_path,
        "w.yaml",
        "events:",
        "  - name: e",
        f"    when: {{{key}: []}}",
        "    actions: [{trigger: summit}]",
    )
    refused(invoke("validate", path), f"w.yaml:6:12: events.0.when.{key}: ", means)


def test_an_empty_condition_nested_in_another_is_refused(tmp_path: Path) -> None:
    when = "{any: [{var: dprk_food_gap, op: '>', value: 0}, {all: []}]}"
    lines = ("events:", "  - name: e", f"    when: {when}", "    actions: [{trigger: summit}]")
    path = write(tmp_path, "w.yaml", *lines)
    refused(invoke("validate", path), "w.yaml:6:", "events.0.when.any.1.all: 'all' lists no")


def test_two_merge_keys_in_one_mapping_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("name: m\na: &a {months: 6}\nb: &b {worlds: 8}\nc:\n  <<: *a\n  <<: *b\n")
    refused(invoke("validate", path), "m.yaml:6:3: ", "two '<<' merge keys in one mapping")


def test_a_driver_step_after_the_horizon_is_left_out_with_a_note_like_an_event(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "s.yaml",
        "world:",
        "  war_intensity: {value: 1, steps: [{at: 2030-01, value: 2}, {at: 2023-11, value: 3}]}",
    )
    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
    assert (
        "s.yaml:5:37: warning: world.war_intensity.steps.0: the step at 2030-01 lies after the "
        "horizon (ends 2024-02); it is left out"
    ) in result.output
    scenario, said = notes(partial(load_scenario, path))
    assert [note.rpartition("/")[2] for note in said] == [
        "s.yaml:5:37: world.war_intensity.steps.0: the step at 2030-01 lies after the horizon "
        "(ends 2024-02); it is left out (lengthen 'months' to include it)"
    ]
    steps = scenario.world.war_intensity.steps
    assert [(step.at, step.value) for step in steps] == [("2023-11", 3.0)]


def test_a_driver_ramp_that_starts_after_a_shorter_run_horizon_is_left_out_with_a_note() -> None:
    harvest = "world.harvest={value: 0.8, ramps: [{start: 2025-01, end: 2025-06, value: 1}]}"
    scenario, said = notes(
        partial(prepare_scenario, TINY, RunOptions(months=6, overrides=[harvest]))
    )
    assert said == [
        "world.harvest: the ramp from 2025-01 lies after the horizon (ends 2024-02); it is left out"
    ]
    assert scenario.world.harvest.ramps == []
    assert (
        len(prepare_scenario(TINY, RunOptions(months=24, overrides=[harvest])).world.harvest.ramps)
        == 1
    )


def test_a_driver_step_before_the_start_is_refused_like_an_event(tmp_path: Path) -> None:
    steps = "  harvest: {value: 1, steps: [{at: 2020-01, value: 2}]}"
    path = write(tmp_path, "s.yaml", "world:", steps)
    refused(
        invoke("validate", path),
        "s.yaml:5:31: world.harvest.steps.0: the step at 2020-01 is over before the first "
        "month 2023-09",
    )


# --------------------------------------------------------------------------- saves
def test_a_save_that_fails_on_a_full_disk_leaves_no_temporary_file(
    saved_game: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = saved_game.read_bytes()

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("triad.game.session.os.fsync", full)
    result = invoke("play", "--load", saved_game, "--moves", saved_game.parent / "moves.yaml")
    assert result.exit_code != 0
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert saved_game.read_bytes() == before
    assert sorted(p.name for p in saved_game.parent.iterdir() if ".tmp" in p.name) == []


def test_a_save_never_writes_through_a_planted_temporary_link(saved_game: Path) -> None:
    victim = saved_game.parent / "victim.txt"
    victim.write_text("precious")
    planted = saved_game.with_name(saved_game.name + ".tmp")
    planted.symlink_to(victim)
    result = invoke("play", "--load", saved_game, "--moves", saved_game.parent / "moves.yaml")
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "precious"
    assert saved_game.is_file() and not saved_game.is_symlink()
    assert json.loads(saved_game.read_text())["format"] == "triad-play"
