"""The scenario commands, through typer's CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from triad.cli.app import app
from triad.scenario.loader import bundled_names, load_scenario
from triad.scenario.schema import Scenario

DATA = Path(__file__).parent / "data" / "scenarios"
FIXTURES = ["tiny.yaml", "parent.yaml", "child.yaml", "grandchild.yaml"]
runner = CliRunner()


def test_validate_prints_ok_for_each_good_file() -> None:
    paths = [str(DATA / name) for name in FIXTURES]
    result = runner.invoke(app, ["validate", *paths])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"ok  {path}" for path in paths]


def test_validate_checks_every_file_and_fails_if_any_is_bad(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nmonths: 0\n")
    good = str(DATA / "tiny.yaml")
    result = runner.invoke(app, ["validate", str(bad), good])
    assert result.exit_code == 2
    assert f"ok  {good}" in result.output
    assert f"{bad}:2:1: months: must be greater than or equal to 1" in result.output


def test_validate_accepts_bundled_names() -> None:
    names = bundled_names()
    if not names:
        pytest.skip("no bundled scenarios yet")
    result = runner.invoke(app, ["validate", *names])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"ok  {name}" for name in names]


def test_an_unknown_scenario_name_gets_a_hint() -> None:
    if "baseline" not in bundled_names():
        pytest.skip("no bundled baseline yet")
    result = runner.invoke(app, ["validate", "basline"])
    assert result.exit_code == 2
    assert "no scenario file or bundled scenario named 'basline'" in result.output
    assert "did you mean 'baseline'?" in result.output


def schema_validator() -> jsonschema.protocols.Validator:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def test_schema_is_a_json_schema_that_rejects_unknown_keys() -> None:
    validator = schema_validator()
    assert validator.is_valid({"name": "tiny"})
    assert not validator.is_valid({"name": "tiny", "wrlds": 3})
    assert not validator.is_valid({"name": "tiny", "months": 0})


@pytest.mark.parametrize("name", FIXTURES)
def test_schema_accepts_resolved_fixtures(name: str) -> None:
    dumped = load_scenario(DATA / name).model_dump(mode="json")
    schema_validator().validate(dumped)


def test_schema_accepts_every_resolved_bundled_scenario() -> None:
    names = bundled_names()
    if not names:
        pytest.skip("no bundled scenarios yet")
    validator = schema_validator()
    for name in names:
        validator.validate(load_scenario(name).model_dump(mode="json"))


def test_scenarios_lists_the_bundled_scenarios() -> None:
    names = bundled_names()
    if not names:
        pytest.skip("no bundled scenarios yet")
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0
    for name in names:
        assert name in result.output


def test_scenario_prints_the_file_as_written() -> None:
    result = runner.invoke(app, ["scenario", str(DATA / "child.yaml")])
    assert result.exit_code == 0
    assert result.output == (DATA / "child.yaml").read_text()


def test_scenario_resolved_prints_a_scenario_that_loads_back(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenario", str(DATA / "grandchild.yaml"), "--resolved"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("# resolved from ") and first.count(" -> ") == 2
    data = yaml.safe_load(result.output)
    assert "extends" not in data
    again = tmp_path / "again.yaml"
    again.write_text(result.output)
    assert load_scenario(again) == load_scenario(DATA / "grandchild.yaml")


def test_scenario_resolved_applies_set_after_extends() -> None:
    args = ["scenario", str(DATA / "child.yaml"), "--resolved"]
    args += ["--set", "russia.tech_transfer.max_tier=0", "--set", "world.war_intensity=2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    scenario = Scenario.model_validate(yaml.safe_load(result.stdout))
    assert "note: <--set>: world.war_intensity: " in result.stderr  # the child's ceasefire
    assert scenario.actors.russia.tech_transfer.max_tier == 0
    assert scenario.actors.russia.tech_transfer.shortfall_months == 6
    assert (scenario.world.war_intensity.value, scenario.world.war_intensity.steps) == (2.0, [])


def test_set_implies_resolved() -> None:
    result = runner.invoke(app, ["scenario", str(DATA / "tiny.yaml"), "--set", "worlds=3"])
    assert result.exit_code == 0
    assert yaml.safe_load(result.output)["worlds"] == 3


def test_demo_checks_the_bundled_scenarios_then_writes_the_comparison(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--worlds", "20", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"All {len(bundled_names())} bundled scenarios are valid." in result.output
    assert (out / "report.md").is_file() and (out / "charts" / "overview.png").is_file()
    drawing = [line for line in result.output.splitlines() if line.startswith("drawing charts")]
    assert drawing[-1] == "drawing charts: 3 of 3 charts"  # its own phase, counted
    report = (out / "report.md").read_text(encoding="utf-8")
    for name in ("baseline", "ceasefire_2025", "china_punishes", "tech_for_shells"):
        assert name in report


def run_triad(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "triad", *args], capture_output=True, text=True, check=False
    )


def test_python_m_triad_runs_the_app() -> None:
    done = run_triad("validate", str(DATA / "tiny.yaml"))
    assert (done.returncode, done.stdout.strip()) == (0, f"ok  {DATA / 'tiny.yaml'}")


def test_errors_go_to_stderr_with_exit_code_2_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nseed: -1\n")
    done = run_triad("scenario", str(bad), "--resolved")
    assert done.returncode == 2
    assert done.stdout == ""
    message = "must be greater than or equal to 0 (allowed range [0, 9223372036854775807]"
    assert done.stderr.splitlines() == [f"{bad}:2:1: seed: {message} [integer])"]


def test_usage_errors_exit_2_without_traceback() -> None:
    result = runner.invoke(app, ["scenario"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
