"""Per-world values of scenario inputs, checked as ``--set`` checks a value.

A batch of parameter points (``triad.evaluate``, an EMA Workbench experiment design, a
sweep or a sensitivity sample) gives some inputs one value per world instead of one per
scenario. Three kinds of input can take a value per world:

* a model parameter (``dprk.munitions.kpa_floor``, ``dynamics.trust_gain``): the value
  replaces the scenario's value and any ``uncertain`` draw in that world;
* a world driver (``world.pressure``): the world's driver is that constant, as
  ``--set world.pressure=0.3`` makes it, keeping the driver's noise and events;
* an actor's policy (``china.policy``): the world runs that policy, as an ``uncertain``
  choice of policy would have drawn it.

``actors.`` may begin a path, as on the command line. Each value must be one the schema
would accept in a scenario file: inside the parameter's bounds, a whole number for a count,
``true``/``false`` (or 1/0) for a flag, a finite number, a registered policy name. A value
that is not is refused with a :class:`PointError` naming the point (or world), the path, the
value and what is expected; and combinations that a scenario file could not hold either
(``russia.tech_transfer.max_tier=3`` without ``allow_nbc``) are refused the same way.

The model reads every value as a float: a policy is given as its position in
:func:`~triad.model.policies.registry.policy_names` (:meth:`PointInput.encode` and
:meth:`PointInput.decode` translate).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ValidationError

from triad.errors import PointError
from triad.scenario.month import Month
from triad.scenario.registry import ACTORS as ACTOR_NAMES
from triad.scenario.registry import bare_path, parameter, parameters
from triad.scenario.report import did_you_mean
from triad.scenario.schema import Actors, Dynamics, Scenario

Array = NDArray[np.float64]
PointKind = Literal["parameter", "driver", "policy", "event", "uncertain"]


@dataclass(frozen=True)
class PointInput:
    """An input that can take one value per world, with what it accepts.

    Attributes:
        path: The path as the model knows it (``dprk.munitions.kpa_floor``,
            ``world.pressure``, ``china.policy``): without ``actors.``.
        kind: ``parameter``, ``driver`` or ``policy``.
        low: Lowest value allowed, or None.
        high: Highest value allowed, or None.
        low_open: Whether ``low`` itself is excluded.
        high_open: Whether ``high`` itself is excluded.
        whole: Whether the value is a count (a whole number).
        flag: Whether the value is a flag (true/false, read as 1/0).
        choices: A policy's names, in the order of their codes; empty otherwise.
        month: Whether the value is a month: its absolute index
            (:attr:`~triad.scenario.month.Month.index`), written ``YYYY-MM``.
    """

    path: str
    kind: PointKind
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    whole: bool = False
    flag: bool = False
    choices: tuple[str, ...] = ()
    month: bool = False

    @property
    def expected(self) -> str:
        """What a value must be, in words (``a number from 0 to 1``)."""
        if self.kind == "policy":
            return "one of: " + ", ".join(self.choices)
        if self.month:
            return _months_expected(self.low, self.high)
        if self.flag:
            return "true or false (or 1 or 0)"
        what = "a whole number" if self.whole else "a number"
        if self.low is not None and self.high is not None and not (self.low_open or self.high_open):
            return f"{what} from {self.low:g} to {self.high:g}"
        parts = []
        if self.low is not None:
            parts.append(f"{'above' if self.low_open else 'at least'} {self.low:g}")
        if self.high is not None:
            parts.append(f"{'below' if self.high_open else 'at most'} {self.high:g}")
        return " ".join([what, " and ".join(parts)]) if parts else what

    def encode(
        self, values: Sequence[Any] | NDArray[Any], *, label: str = "point", ids: Any = None
    ) -> Array:
        """Check values as given by a user and turn them into the floats the model reads.

        Args:
            values: One value per point (numbers, flags, or policy names).
            label: What one value belongs to, for messages (``point`` or ``world``).
            ids: The index of each value's point or world (default ``0, 1, ...``).

        Returns:
            Shape ``(len(values),)``: the numbers, flags as 1.0/0.0, a policy as its code.

        Raises:
            PointError: Naming the first bad value's point, the path, the value and what is
                expected.
        """
        items = list(values.tolist() if isinstance(values, np.ndarray) else values)
        names = _ids(ids, len(items))
        if self.kind == "policy":
            out = np.empty(len(items), dtype=np.float64)
            for i, value in enumerate(items):
                if not isinstance(value, str) or value not in self.choices:
                    raise self.error(label, names[i], value)
                out[i] = self.choices.index(value)
            return out
        out = np.empty(len(items), dtype=np.float64)
        for i, value in enumerate(items):
            number = _month(value) if self.month and isinstance(value, str) else _number(value)
            if number is None or (self.flag and number not in (0.0, 1.0)):
                raise self.error(label, names[i], value)
            out[i] = number
        self.check(out, label=label, ids=ids, shown=items)
        return out

    def decode(self, codes: Array) -> list[Any]:
        """The values a user would write for the model's floats (a policy's names)."""
        if self.kind == "policy":
            return [self.choices[int(c)] for c in codes]
        if self.flag:
            return [bool(c) for c in codes]
        if self.month:
            return [str(Month(int(c))) for c in codes]
        if self.whole:
            return [int(c) for c in codes]
        return [float(c) for c in codes]

    def check(
        self,
        values: Array,
        *,
        label: str = "world",
        ids: Any = None,
        shown: Sequence[Any] | None = None,
    ) -> None:
        """Refuse floats the model reads that no scenario could hold (vectorised).

        Args:
            values: The floats, one per point or world.
            label: What one value belongs to, for messages.
            ids: The index of each value's point or world (default ``0, 1, ...``).
            shown: The values as the user gave them, for messages (default ``values``).

        Raises:
            PointError: Naming the first bad value.
        """
        bad = ~np.isfinite(values)
        if self.kind == "policy":
            bad |= (values < 0) | (values >= len(self.choices)) | (values != np.round(values))
        else:
            if self.flag:
                bad |= (values != 0.0) & (values != 1.0)
            if self.whole:
                bad |= values != np.round(values)
            if self.low is not None:
                bad |= values <= self.low if self.low_open else values < self.low
            if self.high is not None:
                bad |= values >= self.high if self.high_open else values > self.high
        if bad.any():
            first = int(np.argmax(bad))
            value = values[first] if shown is None else shown[first]
            raise self.error(label, _ids(ids, len(values))[first], value)

    def error(self, label: str, index: Any, value: Any) -> PointError:
        """The error for one bad value."""
        if self.month and isinstance(value, int | float | np.number) and np.isfinite(value):
            value = str(Month(int(value))) if float(value).is_integer() else value
        return PointError(
            f"{label} {index}: {self.path} = {_show(value)}: expected {self.expected}"
        )


def point_input(path: str, scenario: Scenario | None = None) -> PointInput:
    """What the input at a path accepts per world.

    Args:
        path: A path as ``--set`` takes it: ``dprk.munitions.kpa_floor``,
            ``actors.dprk.munitions.kpa_floor``, ``world.pressure``, ``china.policy``;
            with a scenario also its events' fields (``events.ceasefire.at``,
            ``events.ceasefire.value``, ``events.NAME.actions.N.by``) and the numbers of
            its ``uncertain`` distributions (``uncertain.dynamics.commitment_decay.high``),
            see :mod:`triad.scenario.named_points`.
        scenario: The scenario whose events and ``uncertain`` entries the path may name.

    Raises:
        PointError: If the path names nothing, or something that cannot differ by world
            (a horizon, a seed, a driver's ramps), or an event or ``uncertain`` entry
            without a scenario to find it in.
    """
    parts = path.split(".")
    if parts[0] in ("events", "uncertain") and len(parts) > 1:
        from triad.scenario.named_points import named_input

        return named_input(path, scenario)
    try:
        found = parameter(path)
    except KeyError:
        raise _unknown(path) from None
    if found.kind == "policy":
        return PointInput(found.path, "policy", choices=found.choices)
    low, high = (None, None) if found.kind == "flag" else (found.low, found.high)
    return PointInput(
        found.path,
        "driver" if found.kind == "driver" else "parameter",
        None if low is None else float(low),
        None if high is None else float(high),
        low_open=found.low_open,
        high_open=found.high_open,
        whole=found.kind == "count",
        flag=found.kind == "flag",
    )


def _unknown(path: str) -> PointError:
    """The error for a path that names no per-world input, with close known paths."""
    name = bare_path(path)
    known = sorted(per_world_paths(), key=lambda p: (p.split(".")[0] not in ACTOR_NAMES, p))
    hint = did_you_mean(name, known, list_all=False)
    top = name.split(".")[0]
    what = (
        "takes one value for the whole run, not one per point: set it with "
        "overrides=['PATH=VALUE'] or --set"
        if top in ("world", "events", "uncertain", *_SCENARIO_FIELDS)
        else "is not a parameter path"
    )
    message = f"{path!r} {what}"
    return PointError(f"{message} ({hint})" if hint else message)


_SCENARIO_FIELDS: tuple[str, ...] = tuple(
    name for name in Scenario.model_fields if name not in ("actors", "dynamics")
)


def per_world_paths() -> list[str]:
    """Every path that can take a value per world (parameters, drivers, policies)."""
    return list(parameters())


def _owner(path: str) -> tuple[list[str], type[BaseModel]]:
    """The schema model that holds a parameter, with its path from the scenario root."""
    parts = path.split(".")
    model: type[BaseModel]
    if parts[0] == "dynamics":
        where, model = ["dynamics"], Dynamics
        rest = parts[1:-1]
    else:
        where, model = ["actors"], Actors
        rest = parts[:-1]
    for part in rest:
        annotation = model.model_fields[part].annotation
        assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
        where.append(part)
        model = annotation
    return where, model


def check_points(
    scenario: Scenario,
    points: Mapping[str, Array],
    *,
    label: str = "world",
    ids: Any = None,
) -> dict[str, Array]:
    """Check the model's per-world values against what a scenario file could hold.

    Args:
        scenario: The scenario whose other values the points complete.
        points: Path -> floats (a policy as its code), one per world.
        label: What one value belongs to, for messages (``world`` or ``point``).
        ids: The index of each value's world or point (default ``0, 1, ...``).

    Returns:
        The points keyed by the model's paths (without ``actors.``), as float arrays.

    Raises:
        PointError: For an unknown path, a path given twice, a value no scenario could
            hold, or a combination the schema refuses.
    """
    out: dict[str, Array] = {}
    given: dict[str, str] = {}
    for path, values in points.items():
        spec = point_input(path, scenario)
        if spec.path in given:
            raise PointError(f"{given[spec.path]!r} and {path!r} name the same input")
        given[spec.path] = path
        array = np.asarray(values, dtype=np.float64)
        spec.check(array, label=label, ids=ids)
        out[spec.path] = array
    check_combinations(scenario, out, label=label, ids=ids)
    return out


def check_combinations(
    scenario: Scenario, points: Mapping[str, Array], *, label: str = "world", ids: Any = None
) -> None:
    """Refuse per-world values that together break a rule of the schema.

    A part of the schema with a rule over several of its fields (Russia's technology
    transfer: a tier of 3 needs ``allow_nbc``) is validated once for each distinct
    combination of the values given to its fields, the others taken from the scenario.

    Raises:
        PointError: Naming the first point or world with a combination the schema refuses.
    """
    from triad.scenario.named_points import check_distributions

    check_distributions(scenario, points, label=label, ids=ids)
    groups: dict[tuple[str, ...], list[str]] = {}
    for path in points:
        if path.startswith(
            ("world.", "events.", "uncertain.", *(f"{a}.policy" for a in ACTOR_NAMES))
        ):
            continue
        where, model = _owner(path)
        if model.__pydantic_decorators__.model_validators:
            groups.setdefault(tuple(where), []).append(path)
    for key, paths in groups.items():
        node: Any = scenario.model_dump()
        for part in key:
            node = node[part]
        table = np.column_stack([points[p] for p in paths])
        combos, first = np.unique(table, axis=0, return_index=True)
        _, model = _owner(paths[0])
        for combo, row in zip(combos, first, strict=True):
            data = dict(node)
            for path, value in zip(paths, combo, strict=True):
                spec = point_input(path)
                data[path.rsplit(".", 1)[1]] = spec.decode(np.array([value]))[0]
            try:
                model.model_validate(data)
            except ValidationError as error:
                reason = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
                given = ", ".join(f"{p} = {_show(data[p.rsplit('.', 1)[1]])}" for p in paths)
                index = _ids(ids, len(table))[int(row)]
                raise PointError(f"{label} {index}: {given}: {reason}") from None


def _ids(ids: Any, count: int) -> list[Any]:
    if ids is None:
        return list(range(count))
    return list(np.asarray(ids).tolist())


def _number(value: Any) -> float | None:
    """A finite number from a number or flag; None for anything else (text, NaN, None)."""
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _month(value: str) -> float | None:
    """The absolute index of a month written ``YYYY-MM``; None if it is not one."""
    month = Month.read(value)
    return None if month is None else float(month.index)


def _months_expected(low: float | None, high: float | None) -> str:
    """``a month from 2023-09 to 2028-08`` (YYYY-MM), or open at either end."""
    if low is not None and high is not None:
        return f"a month from {Month(int(low))} to {Month(int(high))}"
    if low is not None:
        return f"a month (YYYY-MM) from {Month(int(low))}"
    return "a month (YYYY-MM)"


def _show(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


__all__ = [
    "PointError",
    "PointInput",
    "check_combinations",
    "check_points",
    "per_world_paths",
    "point_input",
]
