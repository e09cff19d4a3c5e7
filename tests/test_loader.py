"""Loading scenarios: YAML with positions, extends and its merge rules, --set overrides."""

from __future__ import annotations

from operator import attrgetter
from pathlib import Path

import pytest
import yaml

from triad.errors import ScenarioError
from triad.scenario.loader import (
    bundled_dir,
    bundled_names,
    find_scenario,
    load_checked,
    load_raw,
    load_scenario,
    resolve,
    validate_file,
)
from triad.scenario.schema import Scenario
from triad.scenario.yamlsafe import Data, parse_mapping, parse_value

DATA = Path(__file__).parent / "data" / "scenarios"


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- yamlsafe
def test_positions_are_one_based_and_point_at_keys() -> None:
    text = "name: x\nactors:\n  russia:\n    tech_transfer:\n      max_tier: 2\n"
    text += "events:\n  - name: e\n    at: 2024-01\n"
    data, positions = parse_mapping(text, "f.yaml")
    assert data["actors"] == {"russia": {"tech_transfer": {"max_tier": 2}}}
    assert positions["name"] == (1, 1)
    assert positions["actors.russia.tech_transfer.max_tier"] == (5, 7)
    assert positions["events.0"] == (7, 5)
    assert positions["events.0.at"] == (8, 5)


def test_scalars_keep_their_yaml_types_and_months_stay_text() -> None:
    data, _ = parse_mapping("a: 2\nb: 0.5\nc: true\nd: 2023-09\ne: 2023-09-01\nf: ~\n", "f")
    assert data == {"a": 2, "b": 0.5, "c": True, "d": "2023-09", "e": data["e"], "f": None}
    assert str(data["e"]) == "2023-09-01"


def test_keys_are_read_as_written() -> None:
    data, _ = parse_mapping("yes: 1\n2: two\n", "f")
    assert data == {"yes": 1, "2": "two"}


def test_merge_keys_and_aliases_expand() -> None:
    text = "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n"
    data, _ = parse_mapping(text, "f")
    assert data["other"] == {"x": 1, "y": 3}


def test_parse_value_reads_yaml_scalars_and_lists() -> None:
    assert [parse_value(v, "<--set>") for v in ("2", "0.5", "true", "[1, 2]", "")] == [
        2,
        0.5,
        True,
        [1, 2],
        None,
    ]


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(ScenarioError, match="unsupported YAML tag"):
        parse_mapping("a: !!python/object/apply:os.system ['echo hi']\n", "f")


# --------------------------------------------------------------------------- finding files
def test_bundled_names_are_relative_paths_without_suffix() -> None:
    names = bundled_names()
    assert names == sorted(names)
    for name in names:
        assert not name.endswith(".yaml")
        assert (bundled_dir() / f"{name}.yaml").is_file()


def test_find_scenario_accepts_a_path_with_or_without_suffix() -> None:
    assert find_scenario(str(DATA / "tiny.yaml")) == (DATA / "tiny.yaml").resolve()
    assert find_scenario(str(DATA / "tiny")) == (DATA / "tiny.yaml").resolve()
    assert find_scenario("tiny", DATA) == (DATA / "tiny.yaml").resolve()


def test_find_scenario_suggests_close_bundled_names() -> None:
    if "baseline" not in bundled_names():
        pytest.skip("no bundled baseline yet")
    assert find_scenario("baseline") == (bundled_dir() / "baseline.yaml").resolve()
    with pytest.raises(ScenarioError) as caught:
        find_scenario("basline")
    assert "did you mean 'baseline'?" in str(caught.value)


# --------------------------------------------------------------------------- merge rules
@pytest.fixture
def child() -> dict[str, Data]:
    data, _ = resolve(DATA / "child.yaml")
    return data


def test_maps_merge_deeply(child: dict[str, Data]) -> None:
    scenario = Scenario.model_validate(child)
    assert scenario.actors.russia.tech_transfer.max_tier == 2  # from the child
    assert scenario.actors.russia.tech_transfer.shortfall_months == 6  # kept from the parent
    assert scenario.actors.russia.payment.reliability == 0.9
    assert scenario.months == 24 and scenario.worlds == 20


def test_lists_replace(child: dict[str, Data]) -> None:
    scenario = Scenario.model_validate(child)
    war = scenario.world.war_intensity
    assert [(s.at, s.value) for s in war.steps] == [("2024-03", 0.5)]
    assert war.value == 1.0 and war.noise.sd == 0.1  # the rest of the driver is merged


def test_a_number_makes_a_driver_constant_and_a_mapping_extends_a_number(
    child: dict[str, Data],
) -> None:
    scenario = Scenario.model_validate(child)
    harvest, enforcement = scenario.world.harvest, scenario.world.un_enforcement
    assert (harvest.value, harvest.noise.sd) == (0.9, 0.05)
    assert (enforcement.value, [s.value for s in enforcement.steps]) == (0.5, [0.9])


def test_events_merge_by_name_with_drop(child: dict[str, Data]) -> None:
    scenario = Scenario.model_validate(child)
    assert [(e.name, e.at) for e in scenario.events] == [
        ("summit", "2023-10"),
        ("treaty", "2024-09"),
        ("ceasefire", "2024-12"),
    ]
    treaty = scenario.events[1]
    assert [a.trigger for a in treaty.actions] == ["summit"]


def test_uncertain_merges_by_key_and_null_removes(child: dict[str, Data]) -> None:
    scenario = Scenario.model_validate(child)
    assert sorted(scenario.uncertain) == [
        "dprk.behaviour.forgiveness",
        "russia.payment.reliability",
    ]


def test_name_and_title_rules(child: dict[str, Data]) -> None:
    assert child["name"] == "child"
    assert child["title"] == "Parent of the merge tests"
    assert "extends" not in child


def test_a_child_without_a_name_does_not_inherit_one(tmp_path: Path) -> None:
    write(tmp_path, "name: p\nmonths: 12\n", "p.yaml")
    problems = validate_file(write(tmp_path, "extends: p.yaml\nworlds: 3\n"))
    assert [(p.path, p.message) for p in problems] == [("name", "required field is missing")]


def test_the_chain_is_recorded() -> None:
    data, sources = resolve(DATA / "grandchild.yaml")
    assert [Path(f).name for f in sources.chain] == ["grandchild.yaml", "child.yaml", "parent.yaml"]
    assert data["worlds"] == 5 and data["name"] == "grandchild"


def test_the_source_map_points_at_the_file_that_wrote_each_value() -> None:
    _, sources = resolve(DATA / "child.yaml")
    assert Path(sources.locate("actors.russia.tech_transfer.max_tier").file).name == "child.yaml"
    shortfall = sources.locate("actors.russia.tech_transfer.shortfall_months")
    assert (Path(shortfall.file).name, shortfall.line) == ("parent.yaml", 10)
    # events are re-indexed after the merge: events.2 is the child's ceasefire
    ceasefire = sources.locate("events.2.at")
    assert (Path(ceasefire.file).name, ceasefire.line) == ("child.yaml", 20)


def test_a_schema_error_in_a_parent_points_at_the_parent(tmp_path: Path) -> None:
    write(tmp_path, "name: p\nmonths: 12\nworlds: 0\n", "p.yaml")
    problems = validate_file(write(tmp_path, "name: c\nextends: p.yaml\n"))
    assert [(Path(p.file).name, p.line, p.path) for p in problems] == [("p.yaml", 3, "worlds")]


def test_dropping_an_unknown_event_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path, "name: c\nextends: parent.yaml\nevents:\n  - {name: lunch, drop: true}\n"
    )
    (tmp_path / "parent.yaml").write_text((DATA / "parent.yaml").read_text())
    problems = validate_file(path)
    assert len(problems) == 1
    assert "no event named 'lunch'" in problems[0].message
    assert "did you mean 'launch'?" in problems[0].hint


def test_load_raw_does_not_follow_extends() -> None:
    data, sources = load_raw(DATA / "child.yaml")
    assert data["extends"] == "parent.yaml" and "months" not in data
    assert sources.locate("name").line == 2


def test_bundled_what_if_resolves_against_the_bundled_parent() -> None:
    if "baseline" not in bundled_names():
        pytest.skip("no bundled baseline yet")
    scenario = load_scenario(DATA / "whatif_bundled.yaml")
    baseline = load_scenario("baseline")
    assert scenario.worlds == 10
    assert scenario.actors == baseline.actors


# --------------------------------------------------------------------------- --set
@pytest.mark.parametrize(
    ("override", "attribute", "expected"),
    [
        ("actors.russia.tech_transfer.max_tier=2", "actors.russia.tech_transfer.max_tier", 2),
        ("russia.tech_transfer.max_tier=0", "actors.russia.tech_transfer.max_tier", 0),
        ("worlds=500", "worlds", 500),
        ("world.harvest.value=1.5", "world.harvest.value", 1.5),
        ("dprk.trust.russia=0.25", "actors.dprk.trust.russia", 0.25),
        ("china.policy=punisher", "actors.china.policy", "punisher"),
        ("russia.tech_transfer.allow_nbc=true", "actors.russia.tech_transfer.allow_nbc", True),
    ],
)
def test_set_overrides_one_value(override: str, attribute: str, expected: object) -> None:
    scenario = load_scenario(DATA / "tiny.yaml", [override])
    assert attrgetter(attribute)(scenario) == expected
    assert type(attrgetter(attribute)(scenario)) is type(expected)


def test_set_world_driver_makes_it_a_constant_keeping_its_noise() -> None:
    scenario = load_scenario(DATA / "parent.yaml", ["world.war_intensity=0.5"])
    war = scenario.world.war_intensity
    assert (war.value, war.steps, war.noise.sd) == (0.5, [], 0.1)


def test_set_applies_after_extends_and_reads_yaml_values() -> None:
    scenario = load_scenario(
        DATA / "child.yaml",
        [
            "months=36",
            "events.summit.at=2023-12",
            "uncertain.russia.payment.reliability.high=0.95",
            "actors.russia.tech_transfer.allow_nbc=true",
        ],
    )
    assert scenario.months == 36
    assert scenario.events[0].at == "2023-12"
    assert scenario.uncertain["russia.payment.reliability"].high == 0.95
    assert scenario.actors.russia.tech_transfer.allow_nbc is True


def test_set_replaces_lists() -> None:
    scenario = load_scenario(DATA / "parent.yaml", ["world.war_intensity.steps=[]"])
    assert scenario.world.war_intensity.steps == []


def test_resolved_scenarios_round_trip(tmp_path: Path) -> None:
    scenario = load_scenario(DATA / "child.yaml")
    dumped = scenario.model_dump(mode="json")
    dumped.pop("extends")
    path = write(tmp_path, yaml.safe_dump(dumped), "again.yaml")
    assert load_scenario(path) == scenario


def test_an_explicit_value_fixes_an_inherited_uncertain_input_and_says_so(tmp_path: Path) -> None:
    """A child's fixed value (or --set) wins over the parent's distribution, with a warning."""
    child = tmp_path / "child.yaml"
    child.write_text(
        "name: child\nextends: baseline\nactors:\n  dprk:\n    munitions:\n"
        "      initial_stock_m: 9.0\n"
    )
    scenario, _, warnings = load_checked(child)
    assert "dprk.munitions.initial_stock_m" not in scenario.uncertain
    assert [w.path for w in warnings] == ["uncertain.dprk.munitions.initial_stock_m"]
    assert warnings[0].severity == "warning" and warnings[0].line == 6
    scenario, _, warnings = load_checked("baseline", ["dprk.behaviour.price_ask=60"])
    assert "dprk.behaviour.price_ask" not in scenario.uncertain
    assert warnings and warnings[0].file == "<--set>"
    kept = tmp_path / "kept.yaml"
    kept.write_text(
        "name: kept\nextends: baseline\nactors:\n  dprk:\n    munitions:\n"
        "      initial_stock_m: 9.0\n"
        "uncertain:\n  dprk.munitions.initial_stock_m: {dist: uniform, low: 8.0, high: 10.0}\n"
    )
    scenario, _, warnings = load_checked(kept)
    assert "dprk.munitions.initial_stock_m" in scenario.uncertain and warnings == []


def test_set_uncertain_null_removes_the_entry_as_the_yaml_form_does() -> None:
    scenario = load_scenario("baseline", ["uncertain.dprk.behaviour.price_ask=null"])
    assert "dprk.behaviour.price_ask" not in scenario.uncertain
    assert scenario.actors.dprk.behaviour.price_ask == 100.0
    with pytest.raises(ScenarioError, match="no uncertain entry to remove") as caught:
        load_scenario("baseline", ["uncertain.dprk.behaviour.price_asc=null"])
    assert "did you mean 'dprk.behaviour.price_ask'" in str(caught.value)


def test_a_cross_check_is_located_by_its_fields_not_by_its_wording() -> None:
    """Schema cross-checks carry what they are about; the report never reads their text."""
    from triad.scenario.report import _check_path
    from triad.scenario.schema import Check

    data = {"events": [{"name": "a", "actions": [{"set": "x.y", "value": 1}]}, {"name": "b"}]}
    reworded = "a message in other words, naming nothing"
    assert _check_path("", Check(reworded, event="b", field="at"), data) == "events.1.at"
    assert _check_path("", Check(reworded, event="a", target="x.y"), data) == (
        "events.0.actions.0.set"
    )
    assert _check_path("", Check(reworded, uncertain="q.r"), data) == "uncertain.q.r"
    assert _check_path("world", Check(reworded, driver="pressure"), data) == "world.pressure"


# --------------------------------------------------------------------------- a later start
def test_a_later_start_by_set_keeps_a_drivers_earlier_steps_as_its_history() -> None:
    from triad.model.drivers import base_path
    from triad.scenario.month import Month

    scenario, _, notes = load_checked("history/trade_2011_2022", ["start=2022-06"])
    assert scenario.world.un_scope.steps  # the 2016-17 steps stay, and set its value at 2022-06
    assert base_path(scenario.world.un_scope, Month.parse("2022-06"), 1)[0] == 0.9
    left_out = [note.message.split("'")[1] for note in notes if "before the start" in note.message]
    assert left_out[:2] == ["trade_boom", "coal_slump"] and "china_enforces" in left_out


def test_a_step_over_before_a_start_the_file_writes_is_still_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name: s\nstart: 2024-01\nworld:\n"
        "  pressure: {value: 0.3, steps: [{at: 2023-06, value: 0.5}]}\n",
    )
    with pytest.raises(ScenarioError, match="over before the first month 2024-01"):
        load_scenario(path)


# --------------------------------------------------------------------------- parsed once
def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the label of every text the loader parses (the memo starts empty)."""
    import triad.scenario.loader as loader

    parsed: list[str] = []

    def counting(text: str, name: str) -> tuple[dict[str, Data], dict[str, tuple[int, int]]]:
        parsed.append(Path(name).name)
        return parse_mapping(text, name)

    loader._parsed.cache_clear()
    monkeypatch.setattr(loader, "parse_mapping", counting)
    return parsed


def test_a_parent_read_by_many_children_is_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _count_parses(monkeypatch)
    write(tmp_path, "name: p\nmonths: 12\nworlds: 3\n", "p.yaml")
    for child in ("a", "b", "c"):
        write(tmp_path, f"name: {child}\nextends: p.yaml\n", f"{child}.yaml")
    names = [resolve(tmp_path / f"{child}.yaml")[0]["name"] for child in ("a", "b", "c")]
    assert names == ["a", "b", "c"]
    assert sorted(parsed) == ["a.yaml", "b.yaml", "c.yaml", "p.yaml"]


def test_an_edited_file_is_parsed_anew_and_a_shared_parse_is_not_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _count_parses(monkeypatch)
    write(tmp_path, "name: p\nworlds: 3\n", "p.yaml")
    path = write(tmp_path, "name: c\nmonths: 12\nextends: p.yaml\n")
    for _ in range(2):  # resolving pops 'extends' from its tree: the memo's document keeps it
        data, sources = resolve(path)
        assert data == {"name": "c", "months": 12, "worlds": 3} and len(sources.chain) == 2
    assert sorted(parsed) == ["p.yaml", "s.yaml"] and sources.locate("months").line == 2
    write(tmp_path, "name: c\n\nmonths: 24\nextends: p.yaml\n")
    edited, sources = resolve(path)
    assert edited["months"] == 24 and sources.locate("months").line == 3
    assert sorted(parsed) == ["p.yaml", "s.yaml", "s.yaml"]


def test_a_broken_file_raises_each_time(tmp_path: Path) -> None:
    path = write(tmp_path, "name: p\nmonths: [12\n")
    for _ in range(2):
        with pytest.raises(ScenarioError) as error:
            resolve(path)
        assert error.value.problems[0].line >= 2
