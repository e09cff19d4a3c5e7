"""Values a scenario writes at run time that lie outside a parameter's or driver's range.

The schema refuses a value written out of range, but events and ``uncertain`` entries
write values later, while the model runs: the model would clip them (a driver is clipped
to its range every month) or run with a value its equations do not allow. This module
checks them against the schema's own bounds (each field's ``ge``/``gt``/``le``/``lt`` and
:data:`~triad.scenario.schema.DRIVER_BOUNDS`), and reports each as a located problem:

* ``set`` and ``ramp`` write a fixed value: outside the range, or not a whole number for
  a whole-number parameter, or not 0 or 1 for a flag, it is an **error**;
* ``scale`` multiplies whatever value the target holds when the event fires, which may
  differ by world. When a value the scenario itself gives the target (its value, the ends
  of its sampled range, a value another event sets or ramps to, a point of a driver's
  path) would leave the range (a repeating event compounds its factor once a month over
  the horizon), it is an **error** for a parameter, which the model would use as scaled
  (``scale`` by ``1e300``), and a **warning** for a world driver, which the model clips to
  its range every month;
* an ``uncertain`` range reaching outside the parameter's range is an **error**: a
  distribution's support must lie inside it. A lognormal's support has no upper end, so
  its tail is measured: more than :data:`LOGNORMAL_TAIL` of its draws past a bound (a
  huge ``sigma``) is an **error**, a thinner tail a **warning** with the share of draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

from pydantic import BaseModel

from triad.errors import Problem, Severity
from triad.scenario.report import SourceMap, unit_of
from triad.scenario.schema import (
    DRIVER_BOUNDS,
    Actors,
    Distribution,
    Dynamics,
    Event,
    Scenario,
    World,
    uncertain_kind,
    uncertain_problems,
)

__all__ = [
    "LOGNORMAL_TAIL",
    "Limit",
    "distribution_errors",
    "event_value_problems",
    "limits",
    "uncertain_range_problems",
]

type Kind = Literal["number", "integer", "flag"]

LOGNORMAL_TAIL: Final = 1e-6
"""Largest share of a lognormal's draws that may fall outside the parameter's range (one
draw in a million); a wider tail is an error."""


@dataclass(frozen=True)
class Limit:
    """The values a numeric parameter or world driver may take.

    Attributes:
        low: Smallest value, or None if unbounded below.
        high: Largest value, or None if unbounded above.
        low_open: Whether ``low`` itself is excluded (``gt``).
        high_open: Whether ``high`` itself is excluded (``lt``).
        kind: ``number``, ``integer`` (a whole number) or ``flag`` (0 or 1).
        unit: The unit from the field's description, or "".
    """

    low: float | None
    high: float | None
    low_open: bool = False
    high_open: bool = False
    kind: Kind = "number"
    unit: str = ""

    def admits(self, value: float, *, closed: bool = False) -> bool:
        """Whether ``value`` lies in the range (with ``closed``, open ends count as in)."""
        open_low = self.low_open and not closed
        open_high = self.high_open and not closed
        below = self.low is not None and (value < self.low or (value == self.low and open_low))
        above = self.high is not None and (value > self.high or (value == self.high and open_high))
        return not (below or above)

    def text(self) -> str:
        """The range as ``[0, 1]``, ``(0, 200]`` or ``[0, inf)``."""
        low = "(-inf" if self.low is None else f"{'(' if self.low_open else '['}{self.low:g}"
        high = "inf)" if self.high is None else f"{self.high:g}{')' if self.high_open else ']'}"
        return f"{low}, {high}"

    def hint(self) -> str:
        """``allowed range [0, 1] [share]``: what would be accepted."""
        text = f"allowed range {self.text()}"
        if self.kind == "integer":
            text += ", whole numbers"
        elif self.kind == "flag":
            text = "allowed values 0 (false) and 1 (true)"
        return f"{text} [{self.unit}]" if self.unit else text


@cache
def limits() -> dict[str, Limit]:
    """The range of every numeric parameter (``china.punish_level``) and ``world.<driver>``.

    Returns:
        Path -> limit, the paths as events and ``uncertain`` name them (no ``actors.``).
    """
    out: dict[str, Limit] = {}
    _collect(Actors, "", out)
    _collect(Dynamics, "dynamics.", out)
    for name, (low, high) in DRIVER_BOUNDS.items():
        unit = unit_of(World.model_fields[name]).split(",")[0].strip()
        out[f"world.{name}"] = Limit(low, high, unit=unit)
    return out


def _collect(model: type[BaseModel], prefix: str, out: dict[str, Limit]) -> None:
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _collect(annotation, f"{prefix}{name}.", out)
            continue
        if annotation is bool:
            out[prefix + name] = Limit(0.0, 1.0, kind="flag")
        elif annotation in (int, float):
            bounds: dict[str, float] = {}
            for meta in info.metadata:
                for key in ("ge", "gt", "le", "lt"):
                    if getattr(meta, key, None) is not None:
                        bounds[key] = float(getattr(meta, key))
            out[prefix + name] = Limit(
                bounds.get("ge", bounds.get("gt")),
                bounds.get("le", bounds.get("lt")),
                low_open="gt" in bounds,
                high_open="lt" in bounds,
                kind="integer" if annotation is int else "number",
                unit=unit_of(info),
            )


# --------------------------------------------------------------------------- events
def event_value_problems(scenario: Scenario, sources: SourceMap) -> list[Problem]:
    """Every event value the model would clip or could not use as written.

    Args:
        scenario: A validated scenario.
        sources: Where each value of it was written.

    Returns:
        Errors for ``set``/``ramp`` values out of range and for ``scale`` factors that
        take a value the scenario gives a parameter out of range; warnings for those that
        take a world driver out of its range (the model clips drivers).
    """
    problems: list[Problem] = []
    for index, event in enumerate(scenario.events):
        for number, action in enumerate(event.actions):
            if action.kind == "trigger":
                continue
            at = f"events.{index}.actions.{number}"
            for severity, key, message in _check_action(scenario, event, number):
                where = sources.locate(f"{at}.{key}")
                hint = limits()[action.target].hint()
                problems.append(
                    Problem(
                        where.file, where.line, where.column, f"{at}.{key}", message, hint, severity
                    )
                )
    return problems


type Finding = tuple[Severity, str, str]


def _check_action(scenario: Scenario, event: Event, number: int) -> Iterator[Finding]:
    action = event.actions[number]
    target, limit = action.target, limits()[action.target]
    after = "; the model clips drivers to their range" if target.startswith("world.") else ""
    if action.kind in ("set", "ramp"):
        value = float(action.value or 0.0)
        verb = "sets" if action.kind == "set" else "ramps"
        if not limit.admits(value):
            yield "error", "value", f"{verb} {target} to {value:g}, outside its range{after}"
        elif limit.kind == "flag" and value not in (0.0, 1.0):
            yield "error", "value", f"{verb} the flag {target} to {value:g}, not 0 or 1"
        elif limit.kind == "integer" and not value.is_integer():
            yield "error", "value", f"{verb} {target} to {value:g}, but it is a whole number"
        return
    firings = scenario.months if event.repeat else 1
    drawn = scenario.uncertain.get(f"events.{event.name}.by")
    factors = [float(action.by or 0.0)] + (_support(drawn) if drawn is not None else [])
    for by in sorted(set(factors)):
        for base in _known_values(scenario, event, number):
            reached = _first_outside(limit, base, by, firings)
            if reached is None:
                continue
            times, value = reached
            how = f"takes {base:g} to {value:g}"
            if times > 1:
                how += f" after {times} monthly firings (the event repeats)"
            severity: Severity = "warning" if after else "error"
            yield severity, "by", f"scaling {target} by {by:g} {how}, outside its range{after}"
            return


def _first_outside(limit: Limit, base: float, by: float, firings: int) -> tuple[int, float] | None:
    """The first firing (1-based) and value at which repeated scaling leaves the range."""
    if not limit.admits(base):
        return None  # the base itself is reported where it is written
    value = base
    for times in range(1, firings + 1):
        previous, value = value, value * by
        if not limit.admits(value):
            return times, value
        if value == previous or math.isinf(value):
            return None
    return None


def _known_values(scenario: Scenario, event: Event, number: int) -> list[float]:
    """Values the scenario gives a target before an event's action scales it, smallest first.

    A ``set`` of the target earlier in the same event decides the value alone.
    """
    target = event.actions[number].target
    earlier = event.actions[:number]
    fixed = [a.value for a in earlier if a.kind == "set" and a.target == target]
    if fixed and fixed[-1] is not None:
        return [float(fixed[-1])]
    values: list[float] = []
    if target.startswith("world."):
        path = getattr(scenario.world, target.removeprefix("world."))
        values += [path.value] if path.value is not None else []
        values += [s.value for s in path.steps] + [r.value for r in path.ramps]
        values += [v for _, v in path.points]
    else:
        values.append(float(_parameter(scenario, target)))
        dist = scenario.uncertain.get(target)
        if dist is not None:
            values += [v for v in _support(dist) if math.isfinite(v)]
    for other in scenario.events:
        values += [
            float(a.value)
            for a in other.actions
            if a.kind in ("set", "ramp") and a.target == target and a.value is not None
        ]
    return sorted(set(values))


def _parameter(scenario: Scenario, path: str) -> float:
    node: object = scenario if path.startswith("dynamics.") else scenario.actors
    for part in path.split("."):
        node = getattr(node, part)
    assert isinstance(node, int | float)
    return float(node)


# --------------------------------------------------------------------------- uncertain
_TAIL_Z = 3.09  # the lognormal's 0.1% and 99.9% quantiles, in standard deviations of the log


def _support(dist: Distribution) -> list[float]:
    """The smallest and largest values a distribution draws (lognormal: 99.8% of draws)."""
    if dist.dist == "choice":
        return dist.numbers
    if dist.dist == "lognormal":
        median, sigma = float(dist.median or 1.0), float(dist.sigma or 0.0)
        return [median * math.exp(-_TAIL_Z * sigma), median * math.exp(_TAIL_Z * sigma)]
    return [float(dist.low or 0.0), float(dist.high or 0.0)]


def uncertain_range_problems(scenario: Scenario, sources: SourceMap) -> list[Problem]:
    """Every ``uncertain`` entry that would draw values outside its parameter's range.

    Args:
        scenario: A validated scenario.
        sources: Where each value of it was written.

    Returns:
        Errors for bounded distributions (and choices) reaching outside the range or
        drawing non-whole values of a whole-number parameter, and for a lognormal with
        more than :data:`LOGNORMAL_TAIL` of its draws beyond a bound; warnings for a
        lognormal with a thinner tail past a bound, with the share of draws beyond it.
    """
    problems: list[Problem] = []
    for path, dist in scenario.uncertain.items():
        limit = _uncertain_limit(scenario, path)
        if limit is None:
            continue
        for severity, key, message in _check_distribution(path, dist, limit):
            at = f"uncertain.{path}.{key}" if key else f"uncertain.{path}"
            where = sources.locate(at)
            problems.append(
                Problem(where.file, where.line, where.column, at, message, limit.hint(), severity)
            )
    return problems


def distribution_errors(scenario: Scenario, path: str, dist: Distribution) -> list[str]:
    """Why one ``uncertain`` entry, given as ``dist``, would not load (empty if it would).

    The checks a scenario file's entry gets, for a distribution whose numbers an analysis
    varies: the schema's (an event's month drawn before the start, ...) and its draws'
    range (:func:`uncertain_range_problems`).
    """
    errors = uncertain_problems(scenario, path, dist)
    limit = _uncertain_limit(scenario, path)
    if limit is not None:
        errors += [
            message
            for severity, _, message in _check_distribution(path, dist, limit)
            if severity == "error"
        ]
    return errors


def _uncertain_limit(scenario: Scenario, path: str) -> Limit | None:
    """The range an ``uncertain`` entry draws into: a parameter's, or an event action's target.

    None for what has no range here: a policy, an event's date (past the horizon is never).
    """
    kind = uncertain_kind(path)
    if kind == "parameter":
        return limits()[path]
    if kind == "policy" or path.endswith(".at"):
        return None
    name, field = path.removeprefix("events.").rsplit(".", 1)
    event = next(e for e in scenario.events if e.name == name)
    kinds = ("scale",) if field == "by" else ("set", "ramp")
    action = next(a for a in event.actions if a.kind in kinds)
    if field == "by":
        return Limit(0.0, None, unit="1")
    return limits()[action.target]


def _check_distribution(path: str, dist: Distribution, limit: Limit) -> Iterator[Finding]:
    if dist.dist == "choice":
        bad = [v for v in dist.numbers if not limit.admits(v)]
        if bad:
            yield "error", "values", f"{path} would draw {bad[0]:g}, outside its range"
        elif limit.kind != "number" and not all(v.is_integer() for v in dist.numbers):
            yield "error", "values", f"{path} is a whole number; every value must be one"
        return
    if limit.kind != "number":
        yield "error", "dist", f"{path} is a whole number; a {dist.dist} draws fractions"
        return
    if dist.dist == "lognormal":
        yield from _check_lognormal(path, dist, limit)
        return
    for key in ("low", "high"):
        value = float(getattr(dist, key))
        if not limit.admits(value, closed=True):
            way = "down" if key == "low" else "up"
            yield "error", key, f"{path} would draw {way} to {value:g}, outside its range"


def _check_lognormal(path: str, dist: Distribution, limit: Limit) -> Iterator[Finding]:
    """An error if too many of a lognormal's draws leave the range; a warning if a few do."""
    share = _lognormal_outside(dist, limit)
    message = f"a lognormal draws {share:.2%} of {path} outside its range"
    if share > LOGNORMAL_TAIL:
        yield (
            "error",
            "sigma",
            f"{message}: a distribution's draws must lie inside it (narrow the sigma, or use "
            "a truncnormal with low and high inside the range)",
        )
    elif share > 0:
        yield "warning", "", f"{message}; the model would run with them as drawn"


def _lognormal_outside(dist: Distribution, limit: Limit) -> float:
    """Share of a lognormal's draws outside a range."""
    median, sigma = float(dist.median or 1.0), float(dist.sigma or 1.0)

    def below(x: float) -> float:
        if x <= 0:
            return 0.0
        return 0.5 * (1.0 + math.erf(math.log(x / median) / (sigma * math.sqrt(2.0))))

    low = below(limit.low) if limit.low is not None else 0.0
    high = 1.0 - below(limit.high) if limit.high is not None else 0.0
    return low + high
