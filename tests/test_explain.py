"""Explain: Shapley contributions add up, unused parameters get zero, the CLI refuses bad input."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import triad.experiments.explain as explain_module
from triad.cli.app import app
from triad.errors import ExplainError, ModelError
from triad.experiments.explain import (
    differing_items,
    exact_shapley,
    explain,
    hybrid,
    sampled_shapley,
)
from triad.runs.options import RunOptions
from triad.scenario.loader import load_scenario
from triad.scenario.schema import Scenario

runner = CliRunner()
WORLDS = 60


def variant(tmp_path: Path, body: str, name: str = "variant") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: baseline\n{body}")
    return path


@pytest.fixture
def outbid_and_fire(tmp_path: Path) -> Path:
    """Baseline with DPRK's juche share (unused by its policy) and Russia's fire changed."""
    body = (
        "actors:\n  dprk: {behaviour: {juche_share: 0.6}}\n  russia: {war: {fire_rate_m: 0.24}}\n"
    )
    return variant(tmp_path, body)


def test_contributions_add_up_and_an_unused_parameter_gets_zero(outbid_and_fire: Path) -> None:
    result = explain("baseline", outbid_and_fire, "rounds_cum_m", options=RunOptions(worlds=WORLDS))
    by_item = dict(zip(result.frame()["item"], result.frame()["contribution"], strict=True))
    assert set(by_item) == {"dprk.behaviour.juche_share", "russia.war.fire_rate_m"}
    assert result.adds_up
    assert sum(by_item.values()) == pytest.approx(result.total, abs=1e-9)
    assert result.total == pytest.approx(float(result.paired.mean()), abs=1e-9)
    assert abs(by_item["dprk.behaviour.juche_share"]) < 1e-9
    assert by_item["russia.war.fire_rate_m"] < -0.1  # less fire, fewer rounds
    assert result.method == "exact" and result.runs == 4


def test_the_items_cover_parameters_policies_drivers_events_and_uncertain(tmp_path: Path) -> None:
    body = (
        "actors:\n  china: {policy: competitor}\n  russia: {war: {fire_rate_m: 0.25}}\n"
        "world:\n  pressure: 0.6\n"
        "uncertain:\n  dprk.behaviour.price_ask: null\n"
        "events:\n  - {name: partnership_treaty, drop: true}\n"
        "  - {name: later_treaty, at: 2025-01, actions: [{trigger: treaty}]}\n"
    )
    a, b = load_scenario("baseline"), load_scenario(variant(tmp_path, body))
    items = {(i.name, i.kind) for i in differing_items(a, b)}
    assert items == {
        ("russia.war.fire_rate_m", "parameter"),
        ("china.policy", "policy"),
        ("china.policy", "uncertain"),  # the explicit policy fixes the baseline's drawn type
        ("world.pressure", "driver"),
        ("partnership_treaty", "event"),
        ("later_treaty", "event"),
        ("dprk.behaviour.price_ask", "uncertain"),
    }


def test_no_item_gives_a_and_every_item_gives_b(tmp_path: Path) -> None:
    body = "world:\n  pressure: 0.6\nevents:\n  - {name: partnership_treaty, drop: true}\n"
    a, b = load_scenario("baseline"), load_scenario(variant(tmp_path, body))
    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    items = differing_items(a, b)
    assert Scenario.model_validate(hybrid(da, db, [])).model_dump() == a.model_dump()
    every = Scenario.model_validate(hybrid(da, db, items)).model_dump()
    assert every | {"name": "x"} == b.model_dump() | {"name": "x"}


def test_shapley_values_of_known_games() -> None:
    weights = np.array([1.0, -2.0, 0.5])

    def additive(s: frozenset[int]) -> float:
        return float(sum(weights[i] for i in s))

    def pair(s: frozenset[int]) -> float:  # only players 0 and 1 together create value
        return 1.0 if {0, 1} <= s else 0.0

    assert exact_shapley(3, additive) == pytest.approx(weights)
    assert exact_shapley(3, pair) == pytest.approx([0.5, 0.5, 0.0])
    assert sampled_shapley(3, additive, 8, seed=1) == pytest.approx(weights)
    sampled = sampled_shapley(4, pair, 200, seed=1)
    assert sampled.sum() == pytest.approx(1.0)
    assert sampled[2:] == pytest.approx([0.0, 0.0])
    assert sampled[0] == pytest.approx(0.5, abs=0.1)


def test_exact_enumeration_runs_every_coalition_once() -> None:
    seen: list[frozenset[int]] = []

    def value(s: frozenset[int]) -> float:
        seen.append(s)
        return float(len(s))

    exact_shapley(4, value)
    subsets = {frozenset(c) for k in range(5) for c in itertools.combinations(range(4), k)}
    assert set(seen) == subsets


def test_beyond_the_limit_permutations_are_sampled_and_still_add_up(
    outbid_and_fire: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(explain_module, "EXACT_LIMIT", 1)
    result = explain(
        "baseline", outbid_and_fire, "rounds_cum_m", permutations=4, options=RunOptions(worlds=30)
    )
    assert result.method == "sampled" and result.permutations == 4
    assert result.adds_up
    assert "4 seeded random permutations" in result.method_text()


def test_refusals(tmp_path: Path) -> None:
    with pytest.raises(ExplainError, match="no differences"):
        explain("baseline", "baseline", "containers", options=RunOptions(worlds=10))
    with pytest.raises(ModelError, match="unknown metric 'shells'"):
        explain("baseline", "ceasefire_2025", "shells", options=RunOptions(worlds=10))
    with pytest.raises(ExplainError, match="outside the common horizon"):
        explain(
            "baseline",
            "ceasefire_2025",
            "containers",
            month="2035-01",
            options=RunOptions(worlds=10),
        )


def test_the_command_prints_the_table_and_writes_the_attribution(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [
        "explain",
        "baseline",
        "ceasefire_2025",
        "--metric",
        "rounds_cum_m",
        "--worlds",
        "40",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Why ceasefire_2025 differs from baseline" in result.output
    assert "The contributions add up to the total difference" in result.output
    frame = pd.read_csv(out / "attribution.csv")
    assert list(frame.columns) == ["item", "kind", "value_a", "value_b", "contribution"]
    # the what-if's fixed date replaces the baseline's drawn one: the event and its entry
    assert list(frame["item"]) == ["ceasefire", "events.ceasefire.at"]
    assert frame["contribution"].sum() < 0
    assert (out / "waterfall.png").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["baseline", "baseline", "--metric", "containers"], "no differences"),
        (["baseline", "ceasefire_2025", "--metric", "shells"], "unknown metric 'shells'"),
        (
            ["baseline", "ceasefire_2025", "--metric", "containers", "--month", "2024-13"],
            "expected a month as YYYY-MM",
        ),
        (["baseline", "nowhere", "--metric", "containers"], "no scenario file or bundled"),
    ],
)
def test_the_command_refuses_with_exit_code_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["explain", *args, "--worlds", "10", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_multi_action_event_is_split_into_its_actions(tmp_path: Path) -> None:
    """An event that differs only in its actions (or is new) gives one item per action;
    any mix of them is a valid scenario, and all of them give B."""
    body = (
        "events:\n  - name: squeeze\n    at: 2024-06\n    actor: world\n    actions:\n"
        "      - {set: world.pressure, value: 0.6}\n"
        "      - {scale: china.trade.exports_m, by: 0.8}\n"
    )
    a, b = load_scenario("baseline"), load_scenario(variant(tmp_path, body))
    items = differing_items(a, b)
    assert [(i.name, i.kind) for i in items] == [
        ("squeeze.actions.0", "action"),
        ("squeeze.actions.1", "action"),
    ]
    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    only_first = Scenario.model_validate(hybrid(da, db, items[:1]))
    (squeeze,) = [e for e in only_first.events if e.name == "squeeze"]
    assert len(squeeze.actions) == 1 and squeeze.actions[0].set == "world.pressure"
    every = Scenario.model_validate(hybrid(da, db, items)).model_dump()
    assert every | {"name": "x"} == b.model_dump() | {"name": "x"}
    result = explain(
        "baseline", variant(tmp_path, body), "cn_dprk_trade_bn", options=RunOptions(worlds=20)
    )
    assert result.adds_up and len(result.frame()) == 2


def test_a_metric_at_a_month_is_the_month_option_written_once() -> None:
    at = explain(
        "baseline", "ceasefire_2025", "containers_cum@2025-06", options=RunOptions(worlds=10)
    )
    given = explain(
        "baseline",
        "ceasefire_2025",
        "containers_cum",
        month="2025-06",
        options=RunOptions(worlds=10),
    )
    assert (at.metric, at.date) == ("containers_cum", "2025-06")
    assert at.frame().equals(given.frame()) and at.value_b == given.value_b
    assert (
        at.date
        != explain(
            "baseline", "ceasefire_2025", "containers_cum", options=RunOptions(worlds=10)
        ).date
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--metric", "containers_cum@2025-06"], "Why ceasefire_2025 differs from baseline"),
        (
            ["--metric", "containers_cum@2025-06", "--month", "2025-06"],
            "the month is given twice (containers_cum@2025-06 and --month 2025-06)",
        ),
        (["--metric", "containers_cum@2035-01"], "containers_cum@2035-01 lies outside"),
        (["--metric", "containers_cum@2025-13"], "the month must be YYYY-MM"),
    ],
)
def test_the_command_reads_a_metric_at_a_month(
    args: list[str], message: str, tmp_path: Path
) -> None:
    command = ["explain", "baseline", "ceasefire_2025", *args, "--worlds", "10"]
    result = runner.invoke(app, [*command, "--out", str(tmp_path / "o")], env={"COLUMNS": "200"})
    assert result.exit_code == (0 if message.startswith("Why") else 2), result.output
    assert message in " ".join(result.output.split())
