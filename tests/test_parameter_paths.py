"""Every command takes the registry's paths, and refuses the same paths with the same reason.

The paths are the registry's (:mod:`triad.scenario.registry`) plus the scenario's own events
and ``uncertain`` numbers (:mod:`triad.scenario.named_points`). ``sweep --vary``,
``sensitivity --param`` and ``calibrate --param`` read them with one parser
(:func:`~triad.experiments.parameters.parse_range`, :func:`parse_axis` with steps) and check
them against the scenario; ``--set`` takes the same paths one value at a time; ``explain``
names the parameters, policies and drivers in which two scenarios differ by the same paths.
The rules: ``actors.`` may stand in front of an actor's path only; an on/off flag takes no
range (it is set with ``--set``); a policy is varied over named choices.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import yaml

from triad.errors import TriadError
from triad.experiments.calibrate import _check_scenarios as check_calibration
from triad.experiments.calibrate import parse_param
from triad.experiments.explain import differing_items
from triad.experiments.parameters import (
    ChoiceRange,
    Outcome,
    check_inputs,
    parse_axis,
    parse_range,
)
from triad.experiments.sweep import check_sweep
from triad.scenario.loader import bundled_dir, load_scenario
from triad.scenario.registry import ACTORS, bare_path, parameters
from triad.scenario.schema import Scenario

BASELINE = load_scenario("baseline")
OUTCOME = Outcome("rounds_cum_m")


def _sweep(text: str) -> str:
    axis = parse_axis(text if "," in text else f"{text}:2")
    check_sweep([axis], [OUTCOME], BASELINE)
    return axis.path


def _sensitivity(text: str) -> str:
    factor = parse_range(text)
    if not isinstance(factor, ChoiceRange):  # a policy's choices are checked when parsed
        check_inputs(BASELINE, [factor.path], np.array([[factor.low], [factor.high]]), "range end")
    return factor.path


def _calibrate(text: str) -> str:
    param = parse_param(text)
    check_calibration([BASELINE], [param])
    return param.path


ANALYSES: dict[str, Callable[[str], str]] = {
    "--vary": _sweep,
    "--param (sensitivity)": _sensitivity,
    "--param (calibrate)": _calibrate,
}


def _set(path: str, value: str) -> Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a fixed value replacing a draw is noted
        return load_scenario("baseline", [f"{path}={value}"])


@dataclass(frozen=True)
class Case:
    """A path as written, its range, the one value ``--set`` gives it, and the verdicts.

    Attributes:
        path: The path as written.
        values: What an analysis varies it over (``LO:HI`` or ``A,B``).
        value: What ``--set`` gives it.
        model_path: The path every analysis resolves it to; None if every analysis refuses.
        refusal: What every analysis's refusal says (None when it is accepted).
        set_refusal: What ``--set``'s refusal says (None when ``--set`` takes it).
    """

    path: str
    values: str
    value: str
    model_path: str | None
    refusal: str | None = None
    set_refusal: str | None = None


CASES = [
    Case("russia.war.dud_rate", "0.1:0.3", "0.2", "russia.war.dud_rate"),
    Case("actors.russia.war.dud_rate", "0.1:0.3", "0.2", "russia.war.dud_rate"),
    Case("russia.tech_transfer.max_tier", "0:2", "1", "russia.tech_transfer.max_tier"),
    Case("dynamics.trust_gain", "0.05:0.1", "0.07", "dynamics.trust_gain"),
    Case("world.pressure", "0.1:0.3", "0.2", "world.pressure"),
    Case(
        "uncertain.dynamics.commitment_decay.high",
        "0.08:0.09",
        "0.09",
        "uncertain.dynamics.commitment_decay.high",
    ),
    Case("events.ceasefire.at", "2025-01:2025-06", "2025-03", "events.ceasefire.at"),
    Case("events.war_level.by", "0.5:1.5", "1.2", "events.war_level.by"),
    Case("china.policy", "punisher,enforcer", "punisher", "china.policy"),
    Case("actors.china.policy", "punisher,enforcer", "punisher", "china.policy"),
    Case(
        "russia.transport.bridge_open",
        "0:1",
        "false",
        None,
        refusal="russia.transport.bridge_open is an on/off flag, not a range: it takes true "
        "or false (set it with --set russia.transport.bridge_open=true)",
    ),
    Case(
        "russia.war.dud_rat",
        "0.1:0.3",
        "0.2",
        None,
        refusal="unknown parameter path 'russia.war.dud_rat': expected a numeric parameter "
        "or world driver (did you mean 'russia.war.dud_rate'",
        set_refusal="unknown key 'dud_rat' in actors.russia.war (did you mean 'dud_rate'?)",
    ),
    Case(
        "actors.world.pressure",
        "0.1:0.3",
        "0.2",
        None,
        refusal="unknown parameter path 'actors.world.pressure': expected a numeric "
        "parameter or world driver (did you mean 'world.pressure'",
        set_refusal="unknown key 'world' in actors",
    ),
    Case(
        "events.ceasfire.at",
        "2025-01:2025-06",
        "2025-03",
        None,
        refusal="no event named 'ceasfire' (did you mean 'ceasefire'?)",
        set_refusal="'ceasfire'",
    ),
]


def _refusal(check: Callable[[str], str], text: str) -> str:
    with pytest.raises(TriadError) as caught:
        check(text)
    return " ".join(str(caught.value).split())


@pytest.mark.parametrize("case", CASES, ids=[c.path for c in CASES])
def test_every_analysis_accepts_or_refuses_a_path_alike(case: Case) -> None:
    text = f"{case.path}={case.values}"
    if case.model_path is not None:
        assert {flag: check(text) for flag, check in ANALYSES.items()} == dict.fromkeys(
            ANALYSES, case.model_path
        )
        return
    assert case.refusal is not None
    for flag, check in ANALYSES.items():
        message = _refusal(check, text)
        assert case.refusal in message, (flag, message)
        assert case.path in message, (flag, message)


@pytest.mark.parametrize("case", CASES, ids=[c.path for c in CASES])
def test_set_takes_the_same_paths(case: Case) -> None:
    if case.set_refusal is None:
        _set(case.path, case.value)
        return
    with pytest.raises(TriadError) as caught:
        _set(case.path, case.value)
    message = " ".join(str(caught.value).split())
    assert "--set" in message and case.path in message and case.set_refusal in message


@pytest.mark.parametrize(
    ("flag", "parse"),
    [
        ("--vary", lambda t: parse_axis(f"{t}:2")),
        ("--param", parse_range),
        ("--param", parse_param),
    ],
)
def test_a_refusal_names_the_option_and_the_text(flag: str, parse: Callable[[str], Any]) -> None:
    with pytest.raises(TriadError, match=rf"^{flag} 'russia\.war\.dud_rat=0\.1:0\.3(:2)?': "):
        parse("russia.war.dud_rat=0.1:0.3")


# --------------------------------------------------------------------------- the whole set
def _leaves(node: Any, prefix: str = "") -> list[str]:
    """Every dotted path to a value in a scenario file's tree (lists by index)."""
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, f"{prefix}{key}.")]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in _leaves(value, f"{prefix}{i}.")]
    return [prefix.rstrip(".")]


def _written(path: str) -> str:
    return f"actors.{path}" if path.split(".")[0] in ACTORS else path


def _range(path: str) -> str:
    found = parameters()[path]
    if found.kind == "policy":
        return ",".join(found.choices[:2])
    low = 0.0 if found.low is None else float(found.low)
    return f"{low:g}:{low + 1 if found.high is None else min(float(found.high), low + 1):g}"


def _accepted(parse: Callable[[str], Any], text: str) -> bool:
    try:
        parse(text)
    except TriadError:
        return False
    return True


PARSERS: dict[str, Callable[[str], Any]] = {
    "--vary": lambda t: parse_axis(t if "," in t else f"{t}:2"),
    "sensitivity --param": parse_range,
    "calibrate --param": parse_param,
}


def test_the_paths_every_analysis_accepts_are_the_registrys() -> None:
    """Of every path a scenario file holds, the analyses accept exactly the registry's."""
    raw = yaml.safe_load((bundled_dir() / "baseline.yaml").read_text(encoding="utf-8"))
    tree = {key: value for key, value in raw.items() if key not in ("events", "uncertain")}
    written = {*_leaves(tree), *(f"{a}.policy" for a in ACTORS)}
    written |= {f"world.{name}" for name in raw["world"]}  # a driver as --set writes it
    candidates = sorted(written | {bare_path(p) for p in written} | {"actors.world.pressure"})
    assert set(parameters()) <= set(candidates)
    variable = {p for p, found in parameters().items() if found.kind != "flag"}
    for flag, parse in PARSERS.items():
        taken = set()
        for path in candidates:
            values = _range(bare_path(path)) if bare_path(path) in parameters() else "0:1"
            if _accepted(parse, f"{path}={values}"):
                taken.add(bare_path(path))
        assert taken == variable, flag


@pytest.mark.parametrize("path", list(parameters())[::6])
def test_set_takes_every_registry_path(path: str) -> None:
    found = parameters()[path]
    if found.kind == "policy":
        value = found.choices[0]
    elif found.kind == "flag":
        value = "true"
    else:
        value = f"{found.default if found.kind != 'driver' else BASELINE_VALUE(path):g}"
    assert _set(_written(path), value) is not None


def BASELINE_VALUE(path: str) -> float:  # noqa: N802
    """A driver's starting value in the baseline."""
    return float(getattr(BASELINE.world, path.split(".")[1]).value)


def _changed(scenario: Scenario, path: str) -> Scenario:
    """The scenario with one registry parameter moved to another value it can hold."""
    found = parameters()[path]
    data = scenario.model_dump(mode="json")
    keys = path.split(".")
    keys = keys if keys[0] in ("dynamics", "world") else ["actors", *keys]
    node = data
    for key in keys[:-1]:
        node = node[key]
    old = node[keys[-1]]
    if found.kind == "driver":
        node[keys[-1]] = {**old, "value": _other(found, float(old["value"]))}
    elif found.kind == "policy":
        node[keys[-1]] = next(c for c in found.choices if c not in (old, "human"))
    elif found.kind == "flag":
        node[keys[-1]] = not old
    else:
        node[keys[-1]] = _other(found, old)
    return Scenario.model_validate(data)


def _other(found: Any, value: float) -> float:
    low = found.low if found.low is not None else value - 1
    high = found.high if found.high is not None else value + 1
    other = (low + high) / 2 if value != (low + high) / 2 else low + (high - low) / 4
    return round(other) if found.kind == "count" else other


def test_explain_names_what_differs_by_the_registrys_paths() -> None:
    """Each parameter, policy and driver changed alone is one item of explain, by its path."""
    a = Scenario(name="a")
    kinds = {"number": "parameter", "count": "parameter", "flag": "parameter"}
    named, refused = 0, 0
    for path, found in parameters().items():
        try:
            b = _changed(a, path)
        except ValueError:  # a value another field's rule forbids (a tier below its floor)
            refused += 1
            continue
        items = differing_items(a, b)
        assert [(i.name, i.kind) for i in items] == [(path, kinds.get(found.kind, found.kind))]
        named += 1
    assert refused < named / 20
