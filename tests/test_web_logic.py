"""The web app's logic without a browser: the registry, the controls, uploads and tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from triad.runs.options import RunOptions
from triad.scenario.loader import load_scenario
from triad.scenario.registry import current_value, parameter, parameters, split_unit
from triad.validate import validate_scenario
from triad.web.controls import nice_step, overrides, scenario_controls, scenario_text
from triad.web.tables import markdown_table
from triad.web.uploads import MAX_UPLOAD_BYTES, check_upload


def test_the_registry_holds_every_numeric_path_and_the_three_policies() -> None:
    registry = parameters()
    assert len(registry) > 200
    assert {p.kind for p in registry.values()} == {"number", "count", "flag", "driver", "policy"}
    assert {p.path for p in registry.values() if p.kind == "policy"} == {
        "russia.policy",
        "china.policy",
        "dprk.policy",
    }
    assert all(p.unit for p in registry.values()), "every schema field states its unit"


def test_a_parameter_reads_its_unit_bounds_and_the_scenario_value() -> None:
    dud = parameter("actors.russia.war.dud_rate")
    assert (dud.kind, dud.unit, dud.low, dud.high) == ("number", "share", 0, 0.9)
    scenario = load_scenario("china_punishes")
    assert current_value(scenario, "china.policy") == "punisher"
    assert current_value(scenario, "world.pressure") == scenario.world.pressure.value
    assert split_unit("Oil price [US$/bbl, 1-1000]") == ("Oil price", "US$/bbl, 1-1000")


def test_controls_start_on_the_scenario_and_make_no_override_until_moved() -> None:
    scenario = load_scenario("baseline")
    controls = scenario_controls(scenario)
    groups = {c.group for c in controls}
    assert groups == {"policy", "driver", "uncertain"}
    assert overrides(controls, {}) == []
    drivers = {c.path: c for c in controls if c.group == "driver"}
    oil = drivers["world.oil_price"]
    assert oil.value == scenario.world.oil_price.value
    assert round((oil.value - oil.low) / oil.step, 9).is_integer(), (
        "the slider starts exactly on it"
    )
    assert overrides(controls, {"world.oil_price": oil.value + 1e-13}) == []
    moved = overrides(controls, {"world.oil_price": 120.0, "china.policy": "enforcer"})
    assert moved == ["china.policy=enforcer", "world.oil_price=120"]


def test_uncertain_controls_span_the_drawn_range() -> None:
    controls = {c.path: c for c in scenario_controls(load_scenario("baseline"))}
    decay = controls["dynamics.commitment_decay"]
    assert (decay.low, decay.high) == (0.02, 0.1)
    assert "triangular" in decay.note


@pytest.mark.parametrize(
    ("low", "high", "value", "step"),
    [(1, 1000, 85, 2.0), (0, 3900, 1300, 20.0), (0, 1, 0.3, 0.01), (0, 5, 1, 0.05)],
)
def test_nice_steps_keep_the_value_on_the_grid(
    low: float, high: float, value: float, step: float
) -> None:
    assert nice_step(low, high, value) == pytest.approx(step)


def test_the_downloaded_scenario_file_validates_and_reproduces_the_overrides(
    tmp_path: Path,
) -> None:
    changes = ["china.policy=enforcer", "world.pressure=0.6", "dynamics.commitment_decay=0.08"]
    path = tmp_path / "explored.yaml"
    path.write_text(scenario_text("explored", "baseline", changes))
    assert not [p for p in validate_scenario(path) if p.is_error]
    from_file = load_scenario(path)
    from_set = load_scenario("baseline", changes)
    assert from_file.model_dump(exclude={"name", "title"}) == from_set.model_dump(
        exclude={"name", "title"}
    )


def test_a_good_upload_loads_and_is_stored_under_a_fresh_name(tmp_path: Path) -> None:
    data = b"name: mine\nextends: baseline\nworld:\n  pressure: 0.6\n"
    first = check_upload("../../etc/mine.yaml", data, tmp_path)
    second = check_upload("../../etc/mine.yaml", data, tmp_path)
    assert first.ok and first.scenario is not None
    assert first.scenario.world.pressure.value == 0.6
    assert first.path is not None and second.path is not None
    assert first.path.parent == second.path.parent == tmp_path
    assert first.path != second.path, "a second upload never overwrites the first"


def test_a_bad_value_is_reported_at_its_line_under_the_uploaded_name(tmp_path: Path) -> None:
    data = b"name: mine\nextends: baseline\nworld:\n  pressure: 2.5\n"
    upload = check_upload("mine.yaml", data, tmp_path)
    assert not upload.ok
    (problem,) = upload.problems
    assert (problem.file, problem.line, problem.path) == ("mine.yaml", 4, "world.pressure")
    assert list(upload.lines_with_problems()) == [4]


def test_an_upload_cannot_make_the_server_read_another_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: secret\ntoken: hunter2\n")
    for parent in (str(secret), "../secret.yaml", "secret"):
        data = f"name: x\nextends: {parent}\n".encode()
        upload = check_upload("x.yaml", data, tmp_path / "session")
        assert not upload.ok
        assert upload.path is None, "nothing is stored or followed"
        assert upload.problems[0].path == "extends" and upload.problems[0].line == 2
        assert "hunter2" not in str(upload.problems)


def test_uploads_are_capped_and_must_be_text(tmp_path: Path) -> None:
    big = check_upload("big.yaml", b"#" * (MAX_UPLOAD_BYTES + 1), tmp_path)
    assert not big.ok and "at most" in big.problems[0].message
    binary = check_upload("b.yaml", b"\xff\xfe\x00", tmp_path)
    assert not binary.ok and "UTF-8" in binary.problems[0].message
    assert not list(tmp_path.iterdir())


def test_markdown_tables_show_every_row_and_escape_pipes() -> None:
    frame = pd.DataFrame({"name": ["a|b", "c"], "value": [1.23456, float("nan")]})
    lines = markdown_table(frame).splitlines()
    assert lines[0] == "| name | value |"
    assert lines[2] == "| a\\|b | 1.235 |"
    assert lines[3] == "| c |  |"
    assert len(lines) == 4
    assert yaml.safe_load("a: 1") == {"a": 1}


def test_the_difference_table_reads_in_words() -> None:
    from triad.experiments.compare import compare
    from triad.web.explore import CHANGED, difference_table

    scenario = load_scenario("baseline")
    changed = load_scenario("baseline", ["world.war_intensity=0"])
    found = compare(
        [scenario, changed], labels=["baseline", CHANGED], options=RunOptions(worlds=30, months=12)
    )
    table = difference_table(found.differences(at=["2024-06"]))
    assert list(table.columns) == [
        "metric",
        "at",
        "unchanged",
        CHANGED,
        "difference",
        "worlds 5-95%",
        "same sign",
        "diverges from",
    ]
    containers = table[table["metric"] == "containers [containers/month]"].iloc[0]
    assert containers["at"] == "2024-06"
    assert containers["difference"].startswith("-"), "no war, fewer shells shipped"
    assert containers["same sign"].endswith("%")
