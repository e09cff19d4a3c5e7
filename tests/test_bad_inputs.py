"""Bad input gets a clear error naming the file, line and field, never a traceback.

Every kind of bad scenario goes through the command line twice: ``triad validate FILE``
and ``triad scenario FILE --resolved --set ...``. Both must exit with code 2.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from triad.cli.app import app
from triad.errors import ScenarioError
from triad.scenario.loader import SET_FILE, load_scenario
from triad.scenario.schema import Scenario
from triad.scenario.yamlsafe import MAX_BYTES

DATA = Path(__file__).parent / "data" / "scenarios"
runner = CliRunner()


@dataclass(frozen=True)
class Bad:
    """One kind of bad input and what its error message must say.

    ``content`` is written to ``<id>.yaml``; ``fixture`` names a file of tests/data.
    ``file`` is the file the message must name (default: the scenario file itself).
    """

    id: str
    content: str | bytes | None = None
    fixture: str | None = None
    sets: tuple[str, ...] = ()
    line: int | None = None
    field: str = ""
    says: tuple[str, ...] = ()
    file: str | None = None


def doc(*lines: str) -> str:
    """A scenario file: line 1 is ``name: bad``, the given lines follow from line 2."""
    return "\n".join(["name: bad", *lines]) + "\n"


def event(name: str, *lines: str) -> list[str]:
    return [f"  - name: {name}", *[f"    {line}" for line in lines]]


def _alias_bomb() -> str:
    lines = ["a: &a [" + ", ".join(['"lol"'] * 10) + "]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return doc(*lines)


CASES = [
    Bad(
        "unknown_key",
        doc("actors:", "  russia:", "    tech_transfr:", "      max_tier: 2"),
        line=4,
        field="actors.russia.tech_transfr",
        says=("unknown key", "did you mean 'tech_transfer'?"),
    ),
    Bad(
        "wrong_type",
        doc("months: 12", "worlds: many"),
        line=3,
        field="worlds",
        says=("valid integer", "expected an integer", "'many'"),
    ),
    Bad(
        "out_of_range",
        doc("months: 5000"),
        line=2,
        field="months",
        says=("less than or equal to 1200", "allowed range [1, 1200]"),
    ),
    Bad(
        "nan",
        doc("actors:", "  russia:", "    payment:", "      reliability: .nan"),
        line=5,
        field="actors.russia.payment.reliability",
        says=("finite number",),
    ),
    Bad(
        "infinity",
        doc("world:", "  oil_price: {value: .inf}"),
        line=3,
        field="world.oil_price.value",
        says=("finite number",),
    ),
    Bad(
        "missing_required_field",
        doc("events:", *event("empty", "at: 2024-01")),
        line=3,
        field="events.0.actions",
        says=("required field is missing",),
    ),
    Bad(
        "bad_month",
        doc("start: 2023-13"),
        line=2,
        field="start",
        says=("YYYY-MM", "'2023-13'"),
    ),
    Bad(
        "date_with_a_day",
        doc("events:", *event("summit", "at: 2024-03-01", "actions: [{trigger: summit}]")),
        line=4,
        field="events.0.at",
        says=("got the date 2024-03-01", "write 2024-03"),
    ),
    Bad(
        "condition_on_unknown_variable",
        doc(
            "events:",
            *event(
                "sat",
                "when: {var: dprk.satelite_capability, op: '>', value: 0.5}",
                "actions: [{trigger: summit}]",
            ),
        ),
        line=4,
        field="events.0.when",
        says=("unknown variable", "did you mean 'dprk.satellite_capability'"),
    ),
    Bad(
        "unknown_policy",
        doc("actors:", "  china:", "    policy: appeaser"),
        line=4,
        field="actors.china.policy",
        says=("unknown china policy 'appeaser'", "allowed: ", "dependency_builder", "punisher"),
    ),
    Bad(
        "distribution_low_above_high",
        doc("uncertain:", "  russia.payment.reliability: {dist: uniform, low: 0.9, high: 0.1}"),
        line=3,
        field="uncertain.russia.payment.reliability",
        says=("low (0.9) must be below high (0.1)",),
    ),
    Bad(
        "extends_cycle",
        fixture="cycle_a.yaml",
        line=2,
        field="extends",
        says=("extends cycle: cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml",),
        file="cycle_b.yaml",
    ),
    Bad(
        "missing_parent",
        fixture="orphan.yaml",
        line=3,
        field="extends",
        says=("parent 'no_such_parent.yaml' not found", "orphan.yaml -> no_such_parent.yaml"),
    ),
    Bad(
        "yaml_syntax_error",
        doc("months: 12", "worlds: [1, 2", "seed: 3"),
        line=4,
        says=("YAML syntax error", "did not find expected ',' or ']'", "started at line 3"),
    ),
    Bad("top_level_not_a_mapping", "- name: a\n- name: b\n", line=1, says=("not a mapping",)),
    Bad("empty_file", "", says=("is empty",)),
    Bad("comments_only", "# nothing here\n", says=("is empty",)),
    Bad("binary_file", b"name: x\n\x00\x01\x02\xff", says=("binary",)),
    Bad("not_utf8", b"name: caf\xe9\n", says=("not UTF-8",)),
    Bad("oversized_file", doc("#" + "x" * MAX_BYTES), says=("larger than 1 MiB",)),
    Bad("alias_bomb", _alias_bomb(), says=("aliases expand to more than",)),
    Bad(
        "duplicate_key",
        doc("months: 12", "worlds: 5", "months: 24"),
        line=4,
        field="months",
        says=("duplicate key 'months'",),
    ),
    Bad(
        "duplicate_event_name",
        doc(
            "events:",
            *event("summit", "at: 2023-10", "actions: [{trigger: summit}]"),
            *event("summit", "at: 2023-11", "actions: [{trigger: treaty}]"),
        ),
        line=6,
        field="events.1.name",
        says=("event name 'summit' is used twice",),
    ),
    Bad(
        "tier_3_without_allow_nbc",
        doc("actors:", "  russia:", "    tech_transfer:", "      max_tier: 3"),
        line=4,
        field="actors.russia.tech_transfer",
        says=("needs allow_nbc: true",),
    ),
    Bad(
        "unknown_action_path",
        doc(
            "events:",
            *event(
                "deal", "at: 2024-01", "actions:", "  - {set: russia.payment.reliabilty, value: 1}"
            ),
        ),
        line=6,
        field="events.0.actions.0.set",
        says=(
            "unknown path 'russia.payment.reliabilty'",
            "did you mean 'russia.payment.reliability'",
        ),
    ),
    Bad(
        "unknown_trigger",
        doc("events:", *event("coup", "at: 2024-01", "actions: [{trigger: coup}]")),
        line=5,
        field="events.0.actions.0",
        says=("unknown trigger 'coup'", "allowed: satellite_launch"),
    ),
    Bad(
        "driver_out_of_bounds",
        doc("world:", "  war_intensity: {value: 9}"),
        line=3,
        field="world.war_intensity",
        says=("value 9.0 outside [0, 5]",),
    ),
    Bad(
        "drop_of_unknown_event",
        doc("extends: parent.yaml", "events:", "  - {name: lunch, drop: true}"),
        line=4,
        field="events",
        says=("no event named 'lunch'", "did you mean 'launch'?"),
    ),
    Bad(
        "unsafe_tag",
        doc("title: !!python/object/apply:os.system ['echo hi']"),
        line=2,
        field="title",
        says=("unsupported YAML tag",),
    ),
    Bad(
        "bad_set_path",
        fixture="tiny.yaml",
        sets=("russia.tech_transfer.max_teir=2",),
        field="actors.russia.tech_transfer.max_teir",
        says=("unknown key 'max_teir'", "did you mean 'max_tier'?"),
        file=SET_FILE,
    ),
    Bad(
        "bad_set_value",
        fixture="tiny.yaml",
        sets=("actors.russia.tech_transfer.max_tier=two",),
        field="actors.russia.tech_transfer.max_tier",
        says=("valid integer", "got 'two'"),
        file=SET_FILE,
    ),
    Bad(
        "set_without_equals",
        fixture="tiny.yaml",
        sets=("worlds",),
        field="worlds",
        says=("expected PATH=VALUE",),
        file=SET_FILE,
    ),
]
FILE_CASES = [case for case in CASES if not case.sets]


def scenario_file(case: Bad, folder: Path) -> Path:
    if case.fixture is not None:
        return DATA / case.fixture
    path = folder / f"{case.id}.yaml"
    content = case.content if case.content is not None else ""
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    (folder / "parent.yaml").write_text((DATA / "parent.yaml").read_text())
    return path


def assert_clear_error(output: str, exit_code: int, case: Bad, path: Path) -> None:
    assert exit_code == 2, output
    assert "Traceback" not in output
    file = case.file or path.name
    assert file in output, output
    if case.line is not None:
        assert f"{file}:{case.line}:" in output, output
    if case.field:
        assert f": {case.field}: " in output, output
    for text in case.says:
        assert text in output, output


def test_there_are_many_kinds_of_bad_input() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 22


@pytest.mark.parametrize("case", FILE_CASES, ids=[case.id for case in FILE_CASES])
def test_validate_reports_bad_files(case: Bad, tmp_path: Path) -> None:
    path = scenario_file(case, tmp_path)
    result = runner.invoke(app, ["validate", str(path)])
    assert_clear_error(result.output, result.exit_code, case, path)
    assert f"ok  {path}" not in result.output


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_resolved_scenario_reports_bad_input(case: Bad, tmp_path: Path) -> None:
    path = scenario_file(case, tmp_path)
    args = ["scenario", str(path), "--resolved", "--set", "seed=7"]
    for override in case.sets:
        args += ["--set", override]
    result = runner.invoke(app, args)
    assert_clear_error(result.output, result.exit_code, case, path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "three.yaml"
    path.write_text(
        doc("months: 5000", "worlds: many", "actors:", "  russia:", "    tech_transfr: {}")
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    problems = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert [line.split(":")[1] for line in problems] == ["2", "3", "6"]
    assert "months" in problems[0] and "worlds" in problems[1] and "tech_transfr" in problems[2]


def test_set_problems_and_file_problems_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(doc("months: 5000"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, ["worlds=many", "russia.nope=1"])
    assert sorted(p.file for p in caught.value.problems) == sorted([SET_FILE, SET_FILE, str(path)])


# --------------------------------------------------------------------------- fuzzing
KEYS = [*Scenario.model_fields, "russia", "china", "dprk", "value", "at", "name", "dist"]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["2023-09", "2024-13", "baseline", "uniform", "summit"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
documents = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), values, max_size=6)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def load_or_scenario_error(path: Path, overrides: tuple[str, ...] = ()) -> None:
    try:
        result = load_scenario(path, overrides)
    except ScenarioError as error:
        assert error.problems
        assert all(str(problem) for problem in error.problems)
    else:
        assert isinstance(result, Scenario)


@FUZZ
@given(document=documents)
def test_fuzz_random_documents(document: dict[str, object], tmp_path: Path) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    load_or_scenario_error(path)


@FUZZ
@given(document=documents)
def test_fuzz_random_documents_with_a_name(document: dict[str, object], tmp_path: Path) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump({**document, "name": "fuzz"}), encoding="utf-8")
    load_or_scenario_error(path)


@FUZZ
@given(text=st.text(alphabet=string.printable + "ä€\t&*!|>-:[]{}", max_size=200))
def test_fuzz_random_text(text: str, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    load_or_scenario_error(path)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_fuzz_random_bytes(raw: bytes, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    load_or_scenario_error(path)


@FUZZ
@given(override=st.text(alphabet=string.ascii_letters + string.digits + "._=[]{}:, -", max_size=40))
def test_fuzz_random_overrides(override: str) -> None:
    load_or_scenario_error(DATA / "tiny.yaml", (override,))
