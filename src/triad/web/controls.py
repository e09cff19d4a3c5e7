"""The controls the Explore page offers for a scenario, and the overrides they make.

A scenario's *key inputs* are the ones its author marked uncertain (its ``uncertain:``
parameters), its world drivers and its actors' policies. Each becomes a :class:`Control`
with the unit, bounds and description of the parameter registry and the scenario's own value
as the starting position. Moving a control makes an override (``PATH=VALUE``, the grammar of
``--set``); :func:`scenario_text` writes the overrides as a scenario file that ``extends:``
the scenario, so what was explored in the browser can be run from the command line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from triad.scenario.registry import Parameter, current_value, parameter
from triad.scenario.schema import Distribution, Scenario, uncertain_kind

SLIDER_STEPS = 100
"""Steps along a slider: its step is the range over this."""
PLAYER_POLICY = "human"
"""The policy a seat played by a person takes: not a choice for a model run."""


@dataclass(frozen=True)
class Control:
    """One input on the Explore page.

    Attributes:
        parameter: The input as the registry describes it.
        group: ``policy``, ``driver`` or ``uncertain``.
        value: The scenario's value (for an uncertain input: the middle of its range).
        low: The slider's lowest value.
        high: The slider's highest value.
        step: The slider's step.
        note: What the starting position means (``drawn per world: triangular(...)``).
    """

    parameter: Parameter
    group: str
    value: float | str
    low: float
    high: float
    step: float
    note: str = ""

    @property
    def path(self) -> str:
        """The override path."""
        return self.parameter.path

    @property
    def label(self) -> str:
        """A short label with the unit."""
        unit = f" [{self.parameter.unit}]" if self.parameter.unit else ""
        return f"{self.parameter.path}{unit}"


def scenario_controls(scenario: Scenario) -> list[Control]:
    """The key inputs of a scenario: its policies, world drivers and uncertain parameters."""
    found = [_policy(scenario, actor) for actor in ("russia", "china", "dprk")]
    found += [_driver(scenario, p) for p in _drivers()]
    for path, dist in scenario.uncertain.items():
        if dist is not None and uncertain_kind(path) == "parameter":
            found.append(_uncertain(path, dist))
    return found


def _drivers() -> list[Parameter]:
    from triad.scenario.registry import parameters

    return [p for p in parameters().values() if p.kind == "driver"]


def _policy(scenario: Scenario, actor: str) -> Control:
    found = parameter(f"{actor}.policy")
    value = str(current_value(scenario, found.path))
    drawn = scenario.uncertain.get(found.path)
    note = f"drawn per world from {', '.join(map(str, drawn.values or ()))}" if drawn else ""
    return Control(found, "policy", value, 0.0, 0.0, 0.0, note)


def _driver(scenario: Scenario, found: Parameter) -> Control:
    value = float(current_value(scenario, found.path) or 0.0)
    low, high = _slider_range(found, value)
    path = getattr(scenario.world, found.path.split(".")[1])
    changes = len(path.steps) + len(path.ramps) + len(path.points)
    note = f"start value; the scenario changes it {changes} times later" if changes else ""
    return Control(found, "driver", value, low, high, nice_step(low, high, value), note)


def _uncertain(path: str, dist: Distribution) -> Control:
    found = parameter(path)
    low, high = support(dist)
    low = max(low, found.low) if found.low is not None else low
    high = min(high, found.high) if found.high is not None else high
    middle = (low + high) / 2
    step = 1.0 if found.kind == "count" else nice_step(low, high, middle)
    if found.kind == "count":
        middle = float(round(middle))
    note = f"drawn per world: {describe(dist)}; moving it fixes it in every world"
    return Control(found, "uncertain", middle, low, high, step, note)


def nice_step(low: float, high: float, value: float) -> float:
    """A slider step on whose grid (from ``low``) the starting value lies exactly.

    The largest of 1, 2 or 5 times a power of ten, at most a hundredth of the range; a
    ten-thousandth of the range when no such step exists.
    """
    span = high - low
    if span <= 0:
        return 1.0
    exponent = math.floor(math.log10(span / SLIDER_STEPS))
    for power in range(exponent, exponent - 4, -1):
        for mantissa in (5, 2, 1):
            step = mantissa * 10.0**power
            if step <= span / SLIDER_STEPS and _on_grid(value - low, step):
                return step
    return span / (100 * SLIDER_STEPS)


def _on_grid(offset: float, step: float) -> bool:
    ratio = offset / step
    return abs(ratio - round(ratio)) < 1e-9 * max(1.0, abs(ratio))


def _slider_range(found: Parameter, value: float) -> tuple[float, float]:
    """The bounds, or up to three times the value when the bounds are far wider."""
    low = found.low if found.low is not None else 0.0
    high = found.high if found.high is not None else 3 * abs(value) or 1.0
    if high - low > 20 * max(abs(value), 1e-9):
        high = max(3 * abs(value), low + 1.0)
    return float(low), float(high)


def support(dist: Distribution) -> tuple[float, float]:
    """Where a numeric distribution puts nearly all its worlds.

    Uniform, triangular and truncated normal: their bounds; a lognormal: the median times
    ``exp(±3 sigma)``; a numeric choice: its smallest and largest value.
    """
    if dist.low is not None and dist.high is not None:
        return float(dist.low), float(dist.high)
    if dist.median is not None and dist.sigma is not None:
        return dist.median * math.exp(-3 * dist.sigma), dist.median * math.exp(3 * dist.sigma)
    numbers = [float(v) for v in dist.values or () if isinstance(v, int | float)]
    if numbers:
        return min(numbers), max(numbers)
    raise ValueError(f"no numeric range for a {dist.dist} distribution")


def describe(dist: Distribution) -> str:
    """A distribution in one line: ``triangular(0.02, 0.05, 0.1)``."""
    fields = ("low", "mode", "high", "mean", "sd", "median", "sigma", "values")
    shown = [
        f"{getattr(dist, f):g}" if isinstance(getattr(dist, f), float) else str(getattr(dist, f))
        for f in fields
        if getattr(dist, f) is not None
    ]
    return f"{dist.dist}({', '.join(shown)})"


def overrides(controls: list[Control], values: Mapping[str, float | str]) -> list[str]:
    """``PATH=VALUE`` for every control moved from its starting position.

    Args:
        controls: The scenario's controls.
        values: Control path -> the value set in the form (paths left out are unmoved).
    """
    found = []
    for control in controls:
        value = values.get(control.path, control.value)
        if not _same(value, control.value):
            found.append(f"{control.path}={_text(value)}")
    return found


def _same(a: float | str, b: float | str) -> bool:
    """Whether a form value is the starting one (a slider's float noise does not count)."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _text(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value:.6g}"


def scenario_text(name: str, base: str, changes: list[str], title: str = "") -> str:
    """A scenario file that extends ``base`` with the overrides ``changes``.

    Args:
        name: The new scenario's name.
        base: The bundled scenario it extends.
        changes: ``PATH=VALUE`` overrides, as :func:`overrides` makes them.
        title: A title (default: one naming the base and the changes).

    Returns:
        YAML text that ``triad validate`` accepts and ``triad run`` runs.
    """
    document: dict[str, Any] = {
        "name": name,
        "title": title or f"{base} with {len(changes)} change(s) made in triad web",
        "extends": base,
    }
    for change in changes:
        path, _, text = change.partition("=")
        _put(document, _document_path(path), yaml.safe_load(text))
    header = "".join(f"#   --set {c}\n" for c in changes)
    return f"# Made in triad web from {base} with:\n{header}" + yaml.safe_dump(
        document, sort_keys=False
    )


def _document_path(path: str) -> list[str]:
    parts = path.removeprefix("actors.").split(".")
    if parts[0] in ("world", "dynamics"):
        return parts
    return ["actors", *parts]


def _put(document: dict[str, Any], parts: list[str], value: Any) -> None:
    node = document
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
