"""What an experiment varies and what it measures: parameter ranges, grid axes, outcomes.

Sensitivity analyses and sweeps vary model parameters (the numeric paths of a scenario,
``russia.war.dud_rate``) between a low and a high value, and read one number per world from
the result: a metric at the horizon or at a given month (``containers_cum@2025-06``). This
module parses and checks those specifications, so that every command refuses a bad one
with the same clear message before any model runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from triad.errors import TriadError
from triad.model.metrics import METRIC_NAMES
from triad.model.simulation import Simulation
from triad.scenario.loader import load_scenario
from triad.scenario.report import did_you_mean
from triad.scenario.schema import (
    Actors,
    Dynamics,
    Scenario,
    format_year_month,
    numeric_paths,
    parse_year_month,
)

Array = NDArray[np.float64]
MAX_STEPS = 201
"""Most grid values along one sweep axis."""


class ExperimentError(TriadError):
    """An experiment was specified wrongly: a bad range, path, metric or size."""


@dataclass(frozen=True)
class ParameterRange:
    """A model parameter varied between two values.

    Attributes:
        path: Dotted parameter path, e.g. ``dprk.munitions.kpa_floor`` (``actors.`` in
            front is dropped) or a world driver, ``world.pressure``.
        low: Lowest value.
        high: Highest value (above ``low``).
    """

    path: str
    low: float
    high: float

    def __post_init__(self) -> None:
        check_path(self.path)
        object.__setattr__(self, "path", self.path.removeprefix("actors."))  # the model's path
        if not self.low < self.high:
            raise ExperimentError(
                f"{self.path}: the low value must be below the high one, got {self.low:g}:"
                f"{self.high:g}"
            )
        lower, upper = numeric_paths()[self.path]
        if lower is not None and self.low < lower:
            raise ExperimentError(f"{self.path}: {self.low:g} is below its bound {lower:g}")
        if upper is not None and self.high > upper:
            raise ExperimentError(f"{self.path}: {self.high:g} is above its bound {upper:g}")


@dataclass(frozen=True)
class GridAxis:
    """A parameter stepped over an evenly spaced grid, both ends included.

    Attributes:
        range: The parameter and its ends.
        steps: Number of grid values (at least 2).
    """

    range: ParameterRange
    steps: int

    def __post_init__(self) -> None:
        if not 2 <= self.steps <= MAX_STEPS:
            raise ExperimentError(
                f"{self.range.path}: steps must be between 2 and {MAX_STEPS}, got {self.steps}"
            )

    @property
    def path(self) -> str:
        """The parameter path."""
        return self.range.path

    @property
    def values(self) -> Array:
        """The grid values, from low to high."""
        return np.linspace(self.range.low, self.range.high, self.steps)


@dataclass(frozen=True)
class ChoiceAxis:
    """An actor's policy stepped over named choices (``china.policy=punisher,enforcer``).

    Attributes:
        path: ``<actor>.policy`` (``actors.`` in front is dropped).
        choices: The policy names, in the order given.
    """

    path: str
    choices: tuple[str, ...]

    def __post_init__(self) -> None:
        from triad.scenario.points import PointError, point_input

        object.__setattr__(self, "path", self.path.removeprefix("actors."))
        try:
            spec = point_input(self.path)
        except PointError as error:
            raise ExperimentError(str(error)) from None
        if spec.kind != "policy":
            raise ExperimentError(
                f"{self.path}: names are for an actor's policy (e.g. china.policy=punisher,"
                "enforcer); a number takes PATH=LO:HI:STEPS"
            )
        if len(self.choices) < 2 or len(set(self.choices)) != len(self.choices):
            raise ExperimentError(f"{self.path}: give two or more different policies")
        unknown = [c for c in self.choices if c not in spec.choices]
        if unknown:
            raise ExperimentError(
                f"{self.path}: unknown policy {unknown[0]!r}; choose from {', '.join(spec.choices)}"
            )

    @property
    def steps(self) -> int:
        """Number of choices."""
        return len(self.choices)

    @property
    def values(self) -> Array:
        """The choices as the model reads them (their codes)."""
        from triad.scenario.points import point_input

        return point_input(self.path).encode(list(self.choices))

    def labels(self, values: Array) -> list[str]:
        """The policy names of codes."""
        from triad.scenario.points import point_input

        return [str(name) for name in point_input(self.path).decode(values)]


Axis = GridAxis | ChoiceAxis
"""A swept input: a number over a grid, or a policy over named choices."""


@dataclass(frozen=True)
class Outcome:
    """One number per world read from a simulation: a metric at a month.

    Attributes:
        metric: The metric's name.
        date: ``YYYY-MM`` of the month, or None for the horizon.
    """

    metric: str
    date: str | None = None

    @property
    def label(self) -> str:
        """``metric`` or ``metric@YYYY-MM``, as written on the command line."""
        return self.metric if self.date is None else f"{self.metric}@{self.date}"

    def month(self, scenario: Scenario) -> int:
        """Index of the outcome's month in a run of the scenario.

        Raises:
            ExperimentError: If the month lies outside the scenario's horizon.
        """
        if self.date is None:
            return scenario.months - 1
        first = parse_year_month(scenario.start)
        index = parse_year_month(self.date) - first
        if not 0 <= index < scenario.months:
            last = format_year_month(first + scenario.months - 1)
            raise ExperimentError(
                f"{self.label}: {self.date} lies outside the horizon {scenario.start} to {last}"
            )
        return index

    def values(self, sim: Simulation) -> Array:
        """The outcome in every world of a simulation, shape ``(worlds,)``."""
        row = sim.series(self.metric)[self.month(sim.scenario)]
        return np.asarray(row, dtype=np.float64)


def resolve_input(scenario: str | Path | Scenario, overrides: Sequence[str] = ()) -> Scenario:
    """The scenario an analysis runs: one given as an object, or loaded with ``overrides``.

    Raises:
        ExperimentError: If overrides come with a scenario object (they apply to files).
        ScenarioError: If the scenario cannot be loaded.
    """
    if isinstance(scenario, Scenario):
        if overrides:
            raise ExperimentError("overrides apply to scenarios given by name or file only")
        return scenario
    return load_scenario(scenario, overrides)


def check_path(path: str) -> None:
    """Refuse anything but a numeric model parameter or a world driver.

    A parameter may be written with ``actors.`` in front, as on the command line; a world
    driver (``world.pressure``) takes one constant value per world, as ``--set`` would
    give it, keeping its noise and events (:mod:`triad.scenario.points`).

    Raises:
        ExperimentError: Naming the path, with close known paths as a hint.
    """
    known = list(numeric_paths())
    bare = path.removeprefix("actors.")
    if bare in known and field_type(bare) is not bool:
        return
    if bare in known:
        raise ExperimentError(f"{path!r} is an on/off flag, not a range (use --set)")
    hint = did_you_mean(path, known, list_all=False)
    message = f"unknown parameter path {path!r}"
    raise ExperimentError(f"{message} ({hint})" if hint else message)


def field_type(path: str) -> Any:
    """The Python type of a numeric input: ``float``, ``int`` or ``bool`` (a driver: float).

    Args:
        path: A path of :func:`~triad.scenario.schema.numeric_paths`.
    """
    if path.startswith("world."):
        return float
    parts = path.split(".")
    model: Any = Dynamics if parts[0] == "dynamics" else Actors
    annotation: Any = None
    for part in parts[1:] if parts[0] == "dynamics" else parts:
        annotation = model.model_fields[part].annotation
        model = annotation
    return annotation


def parse_range(text: str) -> ParameterRange:
    """Parse ``PATH=LO:HI``.

    Raises:
        ExperimentError: If the text is malformed, the path unknown or the range empty.
    """
    path, values = _split(text, "PATH=LO:HI")
    parts = values.split(":")
    if len(parts) != 2:
        raise ExperimentError(f"{text!r}: expected PATH=LO:HI, e.g. russia.war.dud_rate=0.1:0.3")
    low, high = (_number(text, part) for part in parts)
    return ParameterRange(path, low, high)


def parse_axis(text: str) -> Axis:
    """Parse ``PATH=LO:HI:STEPS``, or ``ACTOR.policy=NAME,NAME[,...]`` for policies.

    Raises:
        ExperimentError: If the text is malformed, the path unknown or the range empty.
    """
    path, values = _split(text, "PATH=LO:HI:STEPS")
    if "," in values or path.removeprefix("actors.").endswith(".policy"):
        return ChoiceAxis(path, tuple(v.strip() for v in values.split(",") if v.strip()))
    parts = values.split(":")
    if len(parts) != 3:
        raise ExperimentError(
            f"{text!r}: expected PATH=LO:HI:STEPS, e.g. dprk.munitions.kpa_floor=0.2:0.8:7"
        )
    low, high = (_number(text, part) for part in parts[:2])
    try:
        steps = int(parts[2])
    except ValueError:
        raise ExperimentError(f"{text!r}: STEPS must be a whole number, got {parts[2]!r}") from None
    return GridAxis(ParameterRange(path, low, high), steps)


def parse_outcome(text: str) -> Outcome:
    """Parse ``NAME`` (at the horizon) or ``NAME@YYYY-MM``.

    Raises:
        ExperimentError: If the metric is unknown or the month malformed.
    """
    name, _, date = text.partition("@")
    if name not in METRIC_NAMES:
        hint = did_you_mean(name, list(METRIC_NAMES), list_all=False)
        known = f"known: {', '.join(METRIC_NAMES)}"
        raise ExperimentError(f"unknown metric {name!r}; {hint or known}")
    if not date:
        if "@" in text:
            raise ExperimentError(f"{text!r}: give a month after @, e.g. {name}@2025-06")
        return Outcome(name)
    try:
        parse_year_month(date)
    except ValueError:
        raise ExperimentError(f"{text!r}: the month must be YYYY-MM, got {date!r}") from None
    return Outcome(name, date)


def check_distinct(paths: Sequence[str]) -> None:
    """Refuse a parameter given twice.

    Raises:
        ExperimentError: Naming the repeated path.
    """
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise ExperimentError(f"{path!r} is given more than once")
        seen.add(path)


def _split(text: str, form: str) -> tuple[str, str]:
    path, sep, values = text.partition("=")
    if not sep or not path.strip() or not values.strip():
        raise ExperimentError(f"{text!r}: expected {form}")
    return path.strip(), values.strip()


def _number(text: str, part: str) -> float:
    try:
        value = float(part)
    except ValueError:
        raise ExperimentError(f"{text!r}: {part!r} is not a number") from None
    if not np.isfinite(value):
        raise ExperimentError(f"{text!r}: {part!r} is not a finite number")
    return value
