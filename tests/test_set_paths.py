"""``--set`` addresses what an analyst means: an event by its name, a driver's whole path.

``events.NAME.FIELD=VALUE`` changes the named event wherever a merge put it; a position
(``events.0.at``) still works but says which event it hits. ``world.X.value=V`` gives only
the start of a driver, so a note names the steps, points and events that override it later;
``world.X=V`` and ``world.X={value: V}`` replace the driver's path.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triad.cli.app import app
from triad.errors import Problem, ScenarioError, TriadNote
from triad.runs.simulation import simulate
from triad.scenario.loader import load_checked, load_scenario
from triad.scenario.schema import Scenario

DATA = Path(__file__).parent / "data" / "scenarios"
PARENT = DATA / "parent.yaml"  # war_intensity steps to 1.2 at 2024-01 and 0.8 at 2024-06
CHILD = DATA / "child.yaml"  # its own step at 2024-03; event ceasefire sets 0.1 at 2024-12
DOC = Path(__file__).parent.parent / "docs" / "scenarios.md"
runner = CliRunner()

TWO_EVENTS = """\
name: two_events
start: 2023-09
months: 12
worlds: 2
events:
  - name: summit
    at: 2023-10
    actions: [{trigger: summit}]
  - name: cut
    at: 2024-06
    actions: [{set: world.transport_capacity, value: 500}]
"""


def notes(ref: str | Path, *sets: str) -> list[Problem]:
    """The warnings of loading ``ref`` with ``sets``."""
    return load_checked(ref, sets)[2]


def events_at(scenario: Scenario) -> dict[str, str | None]:
    return {event.name: event.at for event in scenario.events}


# --------------------------------------------------------------------------- events by name
def test_set_moves_the_named_event_and_only_it() -> None:
    baseline = load_scenario("baseline")
    with pytest.warns(TriadNote, match=r"uncertain\.events\.ceasefire\.at: this fixed value"):
        moved = load_scenario("baseline", ["events.ceasefire.at=2025-06"])
    assert events_at(moved) == events_at(baseline) | {"ceasefire": "2025-06"}
    assert "events.ceasefire.at" not in moved.uncertain  # the month is no longer drawn
    assert "events.war_level.at" in moved.uncertain


def test_a_named_event_moves_in_the_simulation(tmp_path: Path) -> None:
    path = tmp_path / "two_events.yaml"
    path.write_text(TWO_EVENTS)

    def capacity(*sets: str) -> dict[str, float]:
        sim = simulate(load_checked(path, sets)[0])
        return dict(zip(sim.dates, sim.series("transport_capacity")[:, 0].tolist(), strict=True))

    def cut_from(series: dict[str, float]) -> str:
        first = min(date for date, value in series.items() if value == 500)
        assert all(value == (500 if date >= first else 1300) for date, value in series.items())
        return first

    assert cut_from(capacity()) == "2024-06"
    assert cut_from(capacity("events.cut.at=2024-01")) == "2024-01"
    assert capacity("events.0.at=2024-01") == capacity()  # events.0 is the summit, not the cut


def test_an_events_action_is_addressed_under_its_name() -> None:
    scenario = load_scenario("baseline", ["events.troops_kursk.actions.0.value=20"])
    values = {e.name: e.actions[0].value for e in scenario.events if e.name.startswith("troops")}
    assert values == {"troops_kursk": 20.0, "troops_2025": 13.0}


@pytest.mark.parametrize(
    "override",
    [
        "events.war_level.by=1.2",
        "events.war_level.actions.0.by=1.2",
        "events.war_level.actions=[{scale: world.war_intensity, by: 1.2}]",
    ],
)
def test_every_path_to_a_drawn_event_factor_fixes_the_draw(override: str) -> None:
    """``events.NAME.by`` is the uncertain key's form; each path that writes it fixes it."""
    scenario, _, warnings = load_checked("baseline", [override])
    war_level = next(event for event in scenario.events if event.name == "war_level")
    assert [action.by for action in war_level.actions] == [1.2]
    assert "events.war_level.by" not in scenario.uncertain
    assert "events.war_level.at" in scenario.uncertain
    assert [w.path for w in warnings] == ["uncertain.events.war_level.by"]


def test_a_whole_event_given_by_name_replaces_it_and_fixes_its_drawn_month() -> None:
    given = "{name: ceasefire, at: 2025-01, actions: [{set: world.war_intensity, value: 0.2}]}"
    scenario, _, warnings = load_checked("baseline", [f"events.ceasefire={given}"])
    (ceasefire,) = (event for event in scenario.events if event.name == "ceasefire")
    assert (ceasefire.at, ceasefire.actions[0].kind, ceasefire.actions[0].value) == (
        "2025-01",
        "set",
        0.2,
    )
    assert [w.path for w in warnings] == ["uncertain.events.ceasefire.at"]
    assert "events.ceasefire.at" not in scenario.uncertain


def test_by_after_an_events_name_needs_its_one_scale_action() -> None:
    with pytest.raises(ScenarioError, match="event 'ceasefire' has no scale action") as caught:
        load_scenario("baseline", ["events.ceasefire.by=0.5"])
    assert "events.ceasefire.actions.N.by" in str(caught.value)


def test_drop_removes_a_named_event_and_its_draws() -> None:
    scenario, _, warnings = load_checked("baseline", ["events.ceasefire.drop=true"])
    assert "ceasefire" not in events_at(scenario)
    assert "events.ceasefire.at" not in scenario.uncertain and warnings == []
    with pytest.raises(ScenarioError, match="drop must be true or false"):
        load_scenario("baseline", ["events.ceasefire.drop=yes please"])


@pytest.mark.parametrize("command", ["scenario", "validate"])
def test_an_unknown_event_name_is_refused_with_the_events_names(command: str) -> None:
    args = [command, "baseline", "--set", "events.ceasfire.at=2025-06"]
    result = runner.invoke(app, [*args, "--resolved"] if command == "scenario" else args)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("<--set>: events.ceasfire.at: no event named 'ceasfire'; ")
    assert "vostochny_summit, malligyong_launch," in line  # the scenario's events, listed
    assert line.endswith("(did you mean 'ceasefire'?)")
    assert "Traceback" not in result.output


def test_an_unknown_field_of_a_named_event_is_named_as_written() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario("baseline", ["events.ceasefire.month=2025-06"])
    problem = caught.value.problems[0]
    assert problem.path == "events.ceasefire.month"
    assert problem.message == "unknown key 'month' in events.ceasefire"


def test_a_position_still_works_with_a_note_naming_the_event() -> None:
    with pytest.warns(TriadNote) as caught:
        scenario = load_scenario(CHILD, ["events.0.at=2023-12"])
    assert events_at(scenario)["summit"] == "2023-12"
    (note,) = (str(w.message) for w in caught)
    assert note.startswith("<--set>: events.0.at: events.0 is the event 'summit' (inherited from ")
    assert "parent.yaml:21)" in note and note.endswith("(address it by name: events.summit.at)")


def test_a_position_note_shows_through_the_cli() -> None:
    result = runner.invoke(app, ["validate", str(CHILD), "--set", "events.1.actions.0.value=0.2"])
    assert result.exit_code == 0, result.output
    assert "<--set>: warning: events.1.actions.0.value: events.1 is the event 'treaty'" in (
        result.stderr
    )
    assert "address it by name: events.treaty.actions.0.value" in result.stderr


def test_a_position_past_the_end_is_refused_naming_the_events() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(CHILD, ["events.7.at=2024-01"])
    (problem,) = caught.value.problems
    assert problem.message == "events has 3 entries; there is no entry 7"
    assert problem.hint == "address an event by name; the events: summit, treaty, ceasefire"


# --------------------------------------------------------------------------- drivers
def test_a_drivers_value_notes_the_later_steps_and_events_that_override_it() -> None:
    (note,) = notes(CHILD, "world.war_intensity.value=0.5")
    assert (note.file, note.path, note.severity) == (
        "<--set>",
        "world.war_intensity.value",
        "warning",
    )
    assert note.message == (
        "world.war_intensity starts at 0.5, but later changes override it: its step at "
        "2024-03 to 0.5; event 'ceasefire' at 2024-12 sets it to 0.1"
    )
    assert note.hint.startswith("--set world.war_intensity=0.5 makes it that constant")
    assert note.hint.endswith("--set events.ceasefire.drop=true removes the event 'ceasefire'")


def test_the_whole_path_form_still_notes_the_events_that_change_the_driver() -> None:
    (note,) = notes(CHILD, "world.war_intensity=0.5")
    assert note.message == (
        "world.war_intensity starts at 0.5, but later changes override it: "
        "event 'ceasefire' at 2024-12 sets it to 0.1"
    )
    assert note.hint == "--set events.ceasefire.drop=true removes the event 'ceasefire'"


def test_the_note_says_when_an_events_month_is_drawn() -> None:
    (note,) = notes("baseline", "world.war_intensity.value=0.5")
    assert "event 'war_level' at 2025-04 (its month drawn per world) scales it by 1" in (
        note.message
    )
    assert "event 'ceasefire' at 2027-09 (its month drawn per world) ramps it to 0.1" in (
        note.message
    )


def test_the_note_says_points_replace_the_value() -> None:
    (note,) = notes("history/soviet_collapse_1991", "world.oil_price.value=30")
    assert note.message == "world.oil_price follows its points 1990-06..1997-12, not its value 30"


@pytest.mark.parametrize(
    ("ref", "sets"),
    [
        ("baseline", ["world.monitoring.value=0.2"]),  # nothing in the baseline changes it
        (PARENT, ["world.war_intensity.value=0.5", "world.war_intensity.steps=[]"]),
        (
            PARENT,
            [
                "world.war_intensity.value=0.5",
                "world.war_intensity.steps=[{at: 2024-02, value: 1}]",
            ],
        ),
    ],
    ids=["nothing-later", "steps-removed", "steps-given"],
)
def test_no_note_when_nothing_but_the_analyst_changes_the_driver_later(
    ref: str | Path, sets: list[str]
) -> None:
    assert notes(ref, *sets) == []


@pytest.mark.parametrize(
    ("override", "noise"),
    [("world.war_intensity=0.5", 0.1), ("world.war_intensity={value: 0.5}", 0.0)],
)
def test_the_whole_path_form_removes_the_steps(override: str, noise: float) -> None:
    scenario, _, warnings = load_checked(PARENT, [override])
    war = scenario.world.war_intensity
    assert (war.value, war.steps, war.noise.sd) == (0.5, [], noise)
    assert warnings == []  # no step or event of the parent's is left to override it


def test_the_whole_path_holds_in_the_simulation_and_the_value_alone_does_not() -> None:
    def war(*sets: str) -> list[float]:
        scenario = load_checked(PARENT, [*sets, "worlds=2"])[0]
        return simulate(scenario).series("war_intensity")[:, 0].tolist()

    assert set(war("world.war_intensity={value: 0.5}")) == {0.5}
    start_only = war("world.war_intensity.value=0.5", "world.war_intensity.noise.sd=0")
    assert start_only[:5] == pytest.approx([0.5, 0.5, 0.5, 0.5, 1.2])  # step at 2024-01


def test_the_driver_note_shows_through_the_cli() -> None:
    result = runner.invoke(app, ["validate", str(PARENT), "--set", "world.war_intensity.value=0.5"])
    assert result.exit_code == 0, result.output
    assert (
        "<--set>: warning: world.war_intensity.value: world.war_intensity starts at 0.5, but "
        "later changes override it: its step at 2024-01 to 1.2; its step at 2024-06 to 0.8"
    ) in result.stderr


# --------------------------------------------------------------------------- the docs
def set_section() -> str:
    """The ``--set`` section of docs/scenarios.md."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Overriding values on the command line: `--set`")
    return text[start : text.index("\n## ", start + 1)]


def test_the_set_examples_of_the_docs_load() -> None:
    commands = re.findall(r"^\$ (triad .*)$", set_section(), re.MULTILINE)
    assert len(commands) >= 6
    for command in commands:
        words = shlex.split(command, comments=True)
        sets = [words[i + 1] for i, word in enumerate(words) if word == "--set"]
        load_checked(words[2], sets)  # raises if the docs show an override that fails


def test_the_driver_note_in_the_docs_is_what_validate_prints() -> None:
    block = re.search(r"```text\n\$ (triad validate .*?)\n(.*?)```", set_section(), re.DOTALL)
    assert block is not None, "the --set section lost its validate example"
    result = runner.invoke(app, shlex.split(block[1])[1:])
    assert result.exit_code == 0
    assert result.output.splitlines() == block[2].splitlines()
