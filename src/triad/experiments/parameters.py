"""What an experiment varies and what it measures: parameter ranges, grid axes, outcomes.

Sensitivity analyses, sweeps and calibrations vary inputs of a scenario between a low and
a high value (or over a list), and read one number per world from the result: a metric at
the horizon or at a given month (``containers_cum@2025-06``). The inputs are written as
``--set`` writes them: a numeric parameter (``russia.war.dud_rate``, with or without
``actors.``), a world driver (``world.pressure``), an event's month or action value
(``events.ceasefire.at``, ``events.ceasefire.value``, ``events.NAME.actions.N.by``) or a
number of an ``uncertain`` distribution (``uncertain.dynamics.commitment_decay.high``).
An actor's policy (``china.policy=punisher,enforcer``) is varied over named choices by every
analysis: a sweep steps through them, a calibration searches them as a categorical, and a
sensitivity analysis samples them as a discrete factor (:class:`ChoiceRange`).
Months are written ``YYYY-MM`` and held as absolute month indices. This module parses and
checks those specifications, so that every command refuses a bad one with the same clear
message before any model runs: the shape of a path when it is parsed, and an event's or
an ``uncertain`` entry's existence against the scenario (:func:`check_inputs`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from triad.errors import ExperimentError
from triad.model.metrics import METRIC_NAMES
from triad.runs.simulation import Simulation
from triad.scenario.month import Month
from triad.scenario.named_points import is_month_path, is_named_path
from triad.scenario.registry import bare_path, is_parameter, parameters
from triad.scenario.report import did_you_mean
from triad.scenario.schema import Scenario

Array = NDArray[np.float64]
MAX_STEPS = 201
"""Most grid values along one sweep axis."""


@dataclass(frozen=True)
class ParameterRange:
    """A model parameter varied between two values.

    Attributes:
        path: Dotted parameter path, e.g. ``dprk.munitions.kpa_floor`` (``actors.`` in
            front of an actor is dropped) or a world driver, ``world.pressure``.
        low: Lowest value.
        high: Highest value (above ``low``).
    """

    path: str
    low: float
    high: float

    def __post_init__(self) -> None:
        check_path(self.path)
        object.__setattr__(self, "path", bare_path(self.path))  # the model's path
        if not self.low < self.high:
            raise ExperimentError(
                f"{self.path}: the low value must be below the high one, got "
                f"{show(self.path, self.low)}:{show(self.path, self.high)}"
            )
        check_bounds(self.path, (self.low, self.high))

    @property
    def month(self) -> bool:
        """Whether the values are months (absolute month indices, shown ``YYYY-MM``)."""
        return is_month_path(self.path)

    @property
    def whole(self) -> bool:
        """Whether the sample is floored to whole steps (months)."""
        return self.month

    def model_values(self, sample: Array) -> Array:
        """The values the model reads for a column of the sample: the sample itself."""
        return np.asarray(sample, dtype=np.float64)

    def __str__(self) -> str:
        return f"{self.path}={show(self.path, self.low)}:{show(self.path, self.high)}"


@dataclass(frozen=True)
class ChoiceRange:
    """An actor's policy varied over named choices as a discrete factor of a sensitivity.

    The factor is sampled as a number in ``[0, k)`` for ``k`` choices and floored to the
    index of a choice, so each choice is drawn equally often. Its indices then measure the
    effect of switching among the choices. The order of the choices is arbitrary: Sobol's
    shares do not depend on it, but Morris' elementary effects compare neighbouring
    indices, so μ (signed) has no meaning for such a factor and μ* and σ can change with
    the order given.

    Attributes:
        path: ``<actor>.policy`` (``actors.`` in front is dropped).
        choices: The policy names, in the order given.
    """

    path: str
    choices: tuple[str, ...]

    def __post_init__(self) -> None:
        axis = ChoiceAxis(self.path, self.choices)  # checks the actor and the names
        object.__setattr__(self, "path", axis.path)

    @property
    def low(self) -> float:
        """The first choice's index, 0."""
        return 0.0

    @property
    def high(self) -> float:
        """The last choice's index, ``k - 1``."""
        return float(len(self.choices) - 1)

    @property
    def month(self) -> bool:
        """Never months."""
        return False

    @property
    def whole(self) -> bool:
        """Always floored to a choice's index."""
        return True

    def model_values(self, sample: Array) -> Array:
        """The policy codes the model reads for a column of choice indices."""
        codes = ChoiceAxis(self.path, self.choices).values
        return np.asarray(codes[np.asarray(sample, dtype=np.intp)], dtype=np.float64)

    def __str__(self) -> str:
        return f"{self.path}={','.join(self.choices)}"


Factor = ParameterRange | ChoiceRange
"""What a sensitivity analysis varies: a number over a range, or a policy over choices."""


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
        if self.range.month and len(np.unique(self.values)) < self.steps:
            span = int(self.range.high - self.range.low) + 1
            raise ExperimentError(
                f"{self.range.path}: {self.steps} steps of whole months need at least as many "
                f"months; {show(self.path, self.range.low)} to "
                f"{show(self.path, self.range.high)} holds {span}"
            )

    @property
    def path(self) -> str:
        """The parameter path."""
        return self.range.path

    @property
    def values(self) -> Array:
        """The grid values, from low to high (months: rounded to whole months)."""
        values = np.linspace(self.range.low, self.range.high, self.steps)
        return np.round(values) if self.range.month else values

    def labels(self, values: Array) -> list[Any]:
        """The values as written: numbers, or ``YYYY-MM`` for months."""
        return shown(self.path, values)


@dataclass(frozen=True)
class ListAxis:
    """A numeric input stepped over listed values (``events.ceasefire.at=2025-01,2026-06``).

    Attributes:
        path: The input's path (``actors.`` in front is dropped).
        numbers: The values in the order given (months as absolute month indices).
    """

    path: str
    numbers: tuple[float, ...]

    def __post_init__(self) -> None:
        check_path(self.path)
        object.__setattr__(self, "path", bare_path(self.path))
        if len(self.numbers) < 2 or len(set(self.numbers)) != len(self.numbers):
            raise ExperimentError(f"{self.path}: give two or more different values")
        if len(self.numbers) > MAX_STEPS:
            raise ExperimentError(f"{self.path}: at most {MAX_STEPS} values, got {self.steps}")
        check_bounds(self.path, self.numbers)

    @property
    def steps(self) -> int:
        """Number of values."""
        return len(self.numbers)

    @property
    def values(self) -> Array:
        """The values, in the order given."""
        return np.asarray(self.numbers, dtype=np.float64)

    def labels(self, values: Array) -> list[Any]:
        """The values as written: numbers, or ``YYYY-MM`` for months."""
        return shown(self.path, values)


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
        from triad.errors import PointError
        from triad.scenario.points import point_input

        object.__setattr__(self, "path", bare_path(self.path))
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


Axis = GridAxis | ListAxis | ChoiceAxis
"""A swept input: a number over a grid or a list, or a policy over named choices."""


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
        index = Month.parse(self.date) - scenario.first_month
        if not 0 <= index < scenario.months:
            last = scenario.last_month
            raise ExperimentError(
                f"{self.label}: {self.date} lies outside the horizon {scenario.start} to {last}"
            )
        return index

    def values(self, sim: Simulation) -> Array:
        """The outcome in every world of a simulation, shape ``(worlds,)``."""
        row = sim.series(self.metric)[self.month(sim.scenario)]
        return np.asarray(row, dtype=np.float64)


def check_path(path: str) -> None:
    """Refuse anything but a numeric input: a parameter, a driver, an event's or distribution's.

    The paths are the registry's (:mod:`triad.scenario.registry`): a parameter may be
    written with ``actors.`` in front of its actor, as on the command line (``world.`` and
    ``dynamics.`` paths take none, as ``--set`` takes none); a world driver
    (``world.pressure``) takes one constant value per world, as ``--set`` would give it,
    keeping its noise and events (:mod:`triad.scenario.points`). An on/off flag takes no
    range. An event's month or action value and a number of an ``uncertain`` distribution
    are checked here for their shape only; :func:`check_inputs` finds them in the scenario
    (:mod:`triad.scenario.named_points`).

    Raises:
        ExperimentError: Naming the path and what was expected, with close known paths.
    """
    if is_parameter(path, "number", "count", "driver") or is_named_path(path):
        return
    if is_parameter(path, "flag"):
        raise ExperimentError(
            f"{path} is an on/off flag, not a range: it takes true or false "
            f"(set it with --set {bare_path(path)}=true)"
        )
    if path.split(".")[0] in ("events", "uncertain"):
        raise ExperimentError(
            f"unknown path {path!r}: expected events.NAME.at, events.NAME.value, "
            "events.NAME.by, events.NAME.actions.N.value (or .by), or uncertain.KEY.FIELD "
            "(low, high, mode, mean, sd, median or sigma)"
        )
    known = list(parameters("number", "count", "driver", "policy"))
    hint = did_you_mean(bare_path(path), known, list_all=False)
    message = f"unknown parameter path {path!r}: expected a numeric parameter or world driver"
    raise ExperimentError(f"{message} ({hint})" if hint else message)


def check_bounds(path: str, values: Sequence[float]) -> None:
    """Refuse values outside a parameter's or driver's bounds (others: see check_inputs).

    Raises:
        ExperimentError: Naming the path, the value and the bound.
    """
    found = parameters("number", "count", "driver").get(path)
    if found is None:
        return
    for value in values:
        if found.low is not None and value < found.low:
            raise ExperimentError(f"{path}: {value:g} is below its bound {found.low:g}")
        if found.high is not None and value > found.high:
            raise ExperimentError(f"{path}: {value:g} is above its bound {found.high:g}")


def check_inputs(scenario: Scenario, paths: Sequence[str], table: Array, label: str) -> None:
    """Check that a scenario has the inputs varied and can hold their values together.

    Args:
        scenario: The scenario the analysis runs.
        paths: The inputs varied (no policies).
        table: Their values, one row per point, one column per path.
        label: What a row is, for messages (``grid point``, ``point``, ``range end``).

    Raises:
        ExperimentError: For an event or ``uncertain`` entry the scenario lacks (with close
            names), a value outside what the input takes (the path, the value, what is
            expected), or values that make no valid distribution together.
    """
    from triad.errors import PointError
    from triad.scenario.points import check_points

    try:
        check_points(scenario, {path: table[:, i] for i, path in enumerate(paths)}, label=label)
    except PointError as error:
        raise ExperimentError(str(error)) from None


def show(path: str, value: float) -> str:
    """A value as written: ``YYYY-MM`` for a month, a policy's name for its code, or a number."""
    if is_policy_path(path):
        return str(shown(path, np.array([value]))[0])
    return str(Month(int(value))) if is_month_path(path) else f"{value:g}"


def shown(path: str, values: Array) -> list[Any]:
    """Values as written: ``YYYY-MM`` strings for months, policy names for codes, else floats."""
    if is_policy_path(path):
        from triad.scenario.points import point_input

        return [str(name) for name in point_input(path).decode(np.asarray(values))]
    if is_month_path(path):
        return [str(Month(int(v))) for v in values]
    return [float(v) for v in values]


def is_policy_path(path: str) -> bool:
    """Whether a path names an actor's policy (``china.policy``, ``actors.china.policy``)."""
    return is_parameter(path, "policy")


def parse_range(text: str, flag: str = "--param") -> Factor:
    """Parse ``PATH=LO:HI`` (months as ``YYYY-MM``), or a policy's ``PATH=A,B,...``.

    The one reader of a varied input for ``sensitivity --param`` and ``calibrate --param``
    (and, with a number of steps, ``sweep --vary``: :func:`parse_axis`). An event's date
    takes months; an actor's policy takes named choices (``china.policy=punisher,enforcer``,
    a :class:`ChoiceRange`); an on/off flag takes none (it is set with ``--set``).

    Args:
        text: Such as ``russia.war.dud_rate=0.1:0.3``.
        flag: The option the text was given to, named in messages.

    Raises:
        ExperimentError: ``FLAG 'TEXT': what is wrong``: the text is malformed, the path
            unknown (with close known paths), a flag, or the range empty or out of bounds.
    """
    with _located(flag, text):
        path, values = _split(text, "PATH=LO:HI")
        if _names_a_policy(path):
            return ChoiceRange(path, tuple(v.strip() for v in values.split(",") if v.strip()))
        check_path(path)
        parts = values.split(":")
        if len(parts) != 2:
            raise ExperimentError("expected PATH=LO:HI, e.g. russia.war.dud_rate=0.1:0.3")
        low, high = (parse_value(path, part) for part in parts)
        return ParameterRange(path, low, high)


def parse_axis(text: str, flag: str = "--vary") -> Axis:
    """Parse ``PATH=LO:HI:STEPS`` or ``PATH=V,V[,...]`` (policies: ``china.policy=A,B``).

    Months (an event's date) are written ``YYYY-MM``: ``events.ceasefire.at=2025-01,2026-06``
    or ``events.ceasefire.at=2025-01:2028-01:4`` (rounded to whole months). The paths and
    their checks are :func:`parse_range`'s.

    Args:
        text: Such as ``dprk.munitions.kpa_floor=0.2:0.8:7``.
        flag: The option the text was given to, named in messages.

    Raises:
        ExperimentError: ``FLAG 'TEXT': what is wrong``, as :func:`parse_range`.
    """
    with _located(flag, text):
        path, values = _split(text, "PATH=LO:HI:STEPS")
        items = [v.strip() for v in values.split(",") if v.strip()]
        if _names_a_policy(path):
            return ChoiceAxis(path, tuple(items))
        check_path(path)
        if "," in values:
            if not is_month_path(path) and not all(_is_number(item) for item in items):
                raise ExperimentError(
                    "names are for an actor's policy (e.g. china.policy=punisher,enforcer); "
                    "a number takes PATH=LO:HI:STEPS or a list PATH=V1,V2,..."
                )
            return ListAxis(path, tuple(parse_value(path, item) for item in items))
        parts = values.split(":")
        if len(parts) != 3:
            raise ExperimentError(
                "expected PATH=LO:HI:STEPS or PATH=V1,V2,..., e.g. "
                "dprk.munitions.kpa_floor=0.2:0.8:7"
            )
        low, high = (parse_value(path, part) for part in parts[:2])
        try:
            steps = int(parts[2])
        except ValueError:
            raise ExperimentError(f"STEPS must be a whole number, got {parts[2]!r}") from None
        return GridAxis(ParameterRange(path, low, high), steps)


@contextmanager
def _located(flag: str, text: str) -> Iterator[None]:
    """Name the option and the text given to it in front of an error's message."""
    try:
        yield
    except ExperimentError as error:
        raise ExperimentError(f"{flag} {text!r}: {error}") from None


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
    if Month.read(date) is None:
        raise ExperimentError(f"{text!r}: the month must be YYYY-MM, got {date!r}")
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


def _names_a_policy(path: str) -> bool:
    """Whether a varied path is meant as a policy (its actor is checked by the choice)."""
    return bare_path(path).endswith(".policy")


def _split(text: str, form: str) -> tuple[str, str]:
    path, sep, values = text.partition("=")
    if not sep or not path.strip() or not values.strip():
        raise ExperimentError(f"expected {form}")
    return path.strip(), values.strip()


def parse_value(path: str, part: str) -> float:
    """One value of a range or list: a month ``YYYY-MM`` for a month path, else a number.

    Raises:
        ExperimentError: Naming the value and what the path takes.
    """
    if not is_month_path(path):
        return _number(part)
    try:
        return float(Month.parse(part.strip()).index)
    except ValueError:
        raise ExperimentError(
            f"{path} takes months, YYYY-MM (e.g. 2025-06); got {part.strip()!r}"
        ) from None


def _is_number(part: str) -> bool:
    try:
        float(part)
    except ValueError:
        return False
    return True


def _number(part: str) -> float:
    try:
        value = float(part)
    except ValueError:
        raise ExperimentError(f"{part.strip()!r} is not a number") from None
    if not np.isfinite(value):
        raise ExperimentError(f"{part.strip()!r} is not a finite number")
    return value
