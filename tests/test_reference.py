"""The field reference in docs/scenarios.md is generated, current, and its tutorial runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from triad.scenario.loader import bundled_names, load_scenario
from triad.scenario.reference import (
    END,
    START,
    extract_reference,
    main,
    reference_markdown,
    replace_reference,
)
from triad.scenario.registry import NUMERIC_KINDS, parameters
from triad.scenario.schema import TRIGGERS, Scenario

DOC = Path(__file__).parent.parent / "docs" / "scenarios.md"
TUTORIAL = re.compile(r'```yaml title="(?P<file>[^"]+)"\n(?P<body>.*?)```', re.DOTALL)


def test_docs_reference_is_current() -> None:
    written = extract_reference(DOC.read_text(encoding="utf-8"))
    assert written == reference_markdown().strip(), (
        "docs/scenarios.md is out of date with the schema; regenerate it with: "
        "python -m triad.scenario.reference --write docs/scenarios.md"
    )


def test_reference_lists_every_parameter_and_trigger() -> None:
    text = reference_markdown()
    for path in parameters(*NUMERIC_KINDS):
        written = path if path.startswith(("world.", "dynamics.")) else f"actors.{path}"
        assert f"`{written}`" in text, written
    for name in [*TRIGGERS, *Scenario.model_fields]:
        assert f"`{name}`" in text, name


def test_reference_shows_defaults_bounds_and_units() -> None:
    row = next(line for line in reference_markdown().splitlines() if "`months`" in line)
    assert row == "| `months` | integer | 60 | [1, 1200] | months | Horizon |"


def test_replace_reference_puts_text_between_the_markers() -> None:
    document = f"intro\n{START}\nold\n{END}\nafter\n"
    assert replace_reference(document, "new\n") == f"intro\n{START}\nnew\n{END}\nafter\n"
    assert extract_reference(replace_reference(document, "new")) == "new"
    with pytest.raises(ValueError, match="markers"):
        replace_reference("no markers here", "new")


def test_write_option_updates_a_document(tmp_path: Path) -> None:
    document = tmp_path / "doc.md"
    document.write_text(f"# title\n{START}\n{END}\n")
    assert main(["--write", str(document)]) == 0
    assert extract_reference(document.read_text()) == reference_markdown().strip()
    assert main(["--bogus"]) == 2


def test_the_tutorial_example_loads(tmp_path: Path) -> None:
    if "baseline" not in bundled_names():
        pytest.skip("no bundled baseline yet")
    match = TUTORIAL.search(DOC.read_text(encoding="utf-8"))
    assert match is not None, "docs/scenarios.md lost its tutorial block"
    path = tmp_path / match["file"]
    path.write_text(match["body"], encoding="utf-8")
    scenario = load_scenario(path)
    baseline = load_scenario("baseline")
    assert scenario.name == "grain_deal"
    assert [e.name for e in scenario.events] == [*(e.name for e in baseline.events), "grain_deal"]
    assert scenario.uncertain["russia.payment.reliability"].dist == "triangular"
    assert scenario.actors == baseline.actors
