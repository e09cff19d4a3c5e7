"""docs/odd.md covers the whole model: every parameter, policy and metric by name."""

from __future__ import annotations

from pathlib import Path

from triad.model.metrics import METRIC_NAMES
from triad.model.policies.registry import policy_names
from triad.scenario.registry import NUMERIC_KINDS, parameters

ODD = (Path(__file__).resolve().parent.parent / "docs" / "odd.md").read_text(encoding="utf-8")


def test_every_parameter_is_documented() -> None:
    assert [p for p in parameters(*NUMERIC_KINDS) if f"`{p}`" not in ODD] == []


def test_every_policy_is_documented() -> None:
    missing = [
        f"{actor}.{name}"
        for actor in ("russia", "china", "dprk")
        for name in policy_names(actor)
        if f"`{name}`" not in ODD
    ]
    assert missing == []


def test_every_metric_is_documented() -> None:
    assert [m for m in METRIC_NAMES if f"`{m}`" not in ODD] == []


def test_schedule_is_documented_in_order() -> None:
    processes = [
        "apply_events",
        "update_drivers",
        "monitor_sanctions",
        "produce",
        "decide",
        "ship_munitions",
        "pay_for_shells",
        "ship_arms",
        "deploy_troops",
        "fire_artillery",
        "trade_with_china",
        "trade_with_russia",
        "earn_abroad",
        "transfer_technology",
        "update_economy",
        "check_oil_cap",
        "update_exposure",
        "update_resentment",
        "update_alarm",
        "update_trust",
        "update_security",
        "record",
    ]
    headings = [line.split("`")[1] for line in ODD.splitlines() if line.startswith("### 7.")]
    assert headings == processes


def test_schedule_in_the_docs_is_the_schedule_in_the_code() -> None:
    import inspect
    import re

    from triad.model.model import TriadModel

    source = inspect.getsource(TriadModel.step)
    calls = re.findall(r"self\.(?:agents\.do\(\"(\w+)\"\)|(\w+)\(\))", source)
    code = [a or b for a, b in calls]
    headings = [line.split("`")[1] for line in ODD.splitlines() if line.startswith("### 7.")]
    assert code == headings
