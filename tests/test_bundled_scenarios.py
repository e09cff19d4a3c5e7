"""The bundled scenarios: all valid, each says what it asks, and baseline states every value."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from triad.scenario.loader import bundled_dir, bundled_names, load_scenario
from triad.scenario.registry import NUMERIC_KINDS, parameters

REQUIRED = {
    "baseline",
    "ceasefire_2025",
    "sanctions_snapback",
    "china_punishes",
    "tech_for_shells",
    "kpa_resists",
    "trilateral_bloc",
    "history/soviet_collapse_1991",
    "history/trade_2011_2022",
}


def test_every_required_scenario_is_bundled() -> None:
    assert set(bundled_names()) >= REQUIRED


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_bundled_scenario_loads_and_opens_with_its_question(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.name == name
    text = (bundled_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines()[:12] if line.startswith("#")]
    assert any("Asks:" in line for line in comments), "the comment block says what it asks"


def _lookup(tree: dict[str, Any], path: str) -> bool:
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_baseline_writes_out_every_parameter() -> None:
    raw = yaml.safe_load((bundled_dir() / "baseline.yaml").read_text(encoding="utf-8"))
    tree = {**raw["actors"], "dynamics": raw["dynamics"], "world": raw["world"]}
    missing = [path for path in parameters(*NUMERIC_KINDS) if not _lookup(tree, path)]
    assert missing == [], "baseline.yaml must state every parameter with its source"


def test_baseline_values_equal_the_schema_defaults() -> None:
    from triad.model.params import flat_parameters
    from triad.scenario.schema import Scenario

    defaults = flat_parameters(Scenario(name="defaults"))
    baseline = flat_parameters(load_scenario("baseline"))
    differ = {k: (defaults[k], baseline[k]) for k in defaults if defaults[k] != baseline[k]}
    assert differ == {}, "schema defaults and baseline.yaml must not drift apart"
