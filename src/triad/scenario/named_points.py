"""Per-world values of inputs a scenario names: its events' fields and its distributions.

Besides parameters, drivers and policies (:mod:`triad.scenario.points`), an analysis may
vary what only a scenario's own entries hold, with the paths ``--set`` takes:

* an event's month, ``events.ceasefire.at`` (a dated event; the value is a month, from the
  scenario's start to its last month);
* an event's action value: ``events.NAME.value`` (its one set or ramp action) or
  ``events.NAME.by`` (its one scale action), or any action by its number,
  ``events.NAME.actions.N.value`` or ``.by``; a value takes the target's range, a factor
  is at least 0;
* a number of an ``uncertain`` distribution, ``uncertain.KEY.FIELD``
  (``uncertain.dynamics.commitment_decay.high``): ``low``, ``high``, ``mode``, ``mean``,
  ``sd``, ``median`` or ``sigma``, whichever the distribution has; an event's month
  distribution (``uncertain.events.ceasefire.at.high``) takes months.

Each can take one value per world: the model draws an uncertain entry's values world by
world from the world's own uniform draw, so a distribution's numbers can differ by world as
well as a parameter's value. A value given per world replaces the scenario's (and an
``uncertain`` draw of an event's field). Paths are checked against the scenario: an unknown
event or entry is refused with the names it could have been.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError

from triad.errors import PointError
from triad.scenario.limits import Limit, distribution_errors, limits
from triad.scenario.month import Month
from triad.scenario.points import PointInput, PointKind
from triad.scenario.report import did_you_mean
from triad.scenario.schema import (
    Distribution,
    Event,
    Scenario,
    uncertain_kind,
)

Array = NDArray[np.float64]

ACTION_FIELDS: Final = {"value": ("set", "ramp"), "by": ("scale",)}
"""An action's number by field, and the action kinds that have it."""
DISTRIBUTION_NUMBERS: Final = ("low", "high", "mode", "mean", "sd", "median", "sigma")
"""The numbers of a distribution that can vary (a choice's values and weights cannot)."""
POSITIVE: Final = ("sd", "median", "sigma")
"""The numbers of a distribution that must be above zero."""
MONTH_NUMBERS: Final = ("low", "high", "mode", "mean")
"""The numbers of an event's month distribution that are months."""


def named_input(path: str, scenario: Scenario | None) -> PointInput:
    """What an event's field or a distribution's number accepts per world.

    Args:
        path: ``events.NAME.at``, ``events.NAME.value``, ``events.NAME.by``,
            ``events.NAME.actions.N.value`` (or ``.by``) or ``uncertain.KEY.FIELD``.
        scenario: The scenario that holds the event or entry.

    Returns:
        The input, its path canonical: ``events.NAME.value`` for the event's one set or
        ramp action however it was addressed (``.by`` for its one scale action).

    Raises:
        PointError: Naming the path, what was expected and close names.
    """
    if scenario is None:
        raise PointError(
            f"{path!r} names an entry of a scenario: it is checked against the scenario run"
        )
    if path.startswith("events."):
        return _event_input(path, scenario)
    return _uncertain_input(path, scenario)


@dataclass(frozen=True)
class Place:
    """Where in a scenario a named input lives.

    Attributes:
        event: Whether it is an event's field (else an ``uncertain`` distribution's).
        entry: The event's name, or the ``uncertain`` key.
        field: ``at``, ``value`` or ``by`` of an event; a distribution's number.
        action: The number of the event's action, or None (a date, a distribution).
    """

    event: bool
    entry: str
    field: str
    action: int | None = None


def place(path: str, scenario: Scenario) -> Place:
    """Where an event's field or a distribution's number lives in the scenario.

    Raises:
        PointError: As :func:`named_input` does for a path the scenario lacks.
    """
    spec = named_input(path, scenario)
    if spec.kind == "uncertain":
        key, field = spec.path.removeprefix("uncertain.").rsplit(".", 1)
        return Place(False, key, field)
    event, fields = _find_event(path, scenario)
    if fields == ["at"]:
        return Place(True, event.name, "at")
    if len(fields) == 1:
        return Place(True, event.name, fields[0], _one_action(path, event, fields[0]))
    return Place(True, event.name, fields[2], int(fields[1]))


def named_value(path: str, scenario: Scenario) -> float:
    """The scenario's own value of an event's field or a distribution's number.

    A month is its absolute index.
    """
    where = place(path, scenario)
    if where.event:
        event = next(e for e in scenario.events if e.name == where.entry)
        if where.action is None:
            return float(Month.parse(event.at or "").index)
        return float(getattr(event.actions[where.action], where.field))
    return float(getattr(scenario.uncertain[where.entry], where.field))


def set_named(document: dict[str, Any], scenario: Scenario, path: str, value: float) -> str | None:
    """Write a value of an event's field or a distribution's number into a scenario's dump.

    Args:
        document: ``scenario.model_dump(mode="json")``, changed in place.
        scenario: The scenario dumped.
        path: The input.
        value: Its value (a month as its absolute index).

    Returns:
        The ``uncertain`` key whose draw the value replaces (an event's drawn month or
        value), removed from the document; None if none.
    """
    where = place(path, scenario)
    shown: Any = str(Month(int(value))) if is_month_path(path) else value
    if not where.event:
        document["uncertain"][where.entry][where.field] = shown
        return None
    names = [event["name"] for event in document["events"]]
    event = document["events"][names.index(where.entry)]
    if where.action is None:
        event["at"] = shown
    else:
        event["actions"][where.action][where.field] = value
    key = named_input(path, scenario).path
    if key in document["uncertain"]:
        del document["uncertain"][key]
        return key
    return None


def named_paths(scenario: Scenario) -> list[str]:
    """Every event field and distribution number of the scenario that can vary per world.

    ``events.NAME.at`` for each dated event; ``events.NAME.value`` / ``.by`` for an
    event's one action of that kind and ``events.NAME.actions.N.value`` / ``.by`` for every
    action; ``uncertain.KEY.FIELD`` for each number each distribution has.
    """
    paths: list[str] = []
    for event in scenario.events:
        paths += _event_paths(event)
    for key, dist in scenario.uncertain.items():
        paths += [f"uncertain.{key}.{field}" for field in _numbers(dist)]
    return paths


def is_month_path(path: str) -> bool:
    """Whether a path's values are months (an event's date, or its date distribution's)."""
    parts = path.split(".")
    if parts[0] == "events":
        return parts[-1] == "at"
    return (
        parts[0] == "uncertain"
        and parts[1] == "events"
        and parts[-2:-1] == ["at"]
        and (parts[-1] in MONTH_NUMBERS)
    )


def is_named_path(path: str) -> bool:
    """Whether a path has the shape of an event's field or a distribution's number.

    The shape only: whether the scenario has the event or entry is checked when it runs.
    """
    parts = path.split(".")
    if parts[0] == "events" and len(parts) >= 3:
        return parts[-1] == "at" or parts[-1] in ACTION_FIELDS
    return parts[0] == "uncertain" and len(parts) >= 3 and parts[-1] in DISTRIBUTION_NUMBERS


def check_distributions(
    scenario: Scenario, points: Mapping[str, Array], *, label: str = "world", ids: Any = None
) -> None:
    """Refuse per-world numbers that together make no valid distribution.

    The numbers given to one ``uncertain`` entry are checked together, once for each
    distinct combination, with the entry's other numbers from the scenario: low below high,
    a mode between them, and draws inside the parameter's range.

    Raises:
        PointError: Naming the first point or world with a bad distribution.
    """
    groups: dict[str, list[str]] = {}
    for path in points:
        if path.startswith("uncertain."):
            key, _ = path.removeprefix("uncertain.").rsplit(".", 1)
            groups.setdefault(key, []).append(path)
    for key, paths in groups.items():
        table = np.column_stack([points[p] for p in paths])
        combos, first = np.unique(table, axis=0, return_index=True)
        for combo, row in zip(combos, first, strict=True):
            fields = {p.rsplit(".", 1)[1]: float(v) for p, v in zip(paths, combo, strict=True)}
            reason = _distribution_error(scenario, key, fields)
            if reason:
                index = row if ids is None else np.asarray(ids).tolist()[int(row)]
                given = ", ".join(f"{p} = {v:g}" for p, v in zip(paths, combo, strict=True))
                raise PointError(f"{label} {index}: {given}: {reason}")


def _distribution_error(scenario: Scenario, key: str, fields: Mapping[str, float]) -> str:
    """Why the entry with these numbers is no valid distribution ("" if it is)."""
    data = scenario.uncertain[key].model_dump(exclude_none=True) | dict(fields)
    try:
        dist = Distribution.model_validate(data)
    except ValidationError as error:
        return "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
    return "; ".join(distribution_errors(scenario, key, dist))


# --------------------------------------------------------------------------- events
def _event_input(path: str, scenario: Scenario) -> PointInput:
    event, fields = _find_event(path, scenario)
    if fields == ["at"]:
        return _date_input(path, event, scenario)
    if len(fields) == 1 and fields[0] in ACTION_FIELDS:
        number = _one_action(path, event, fields[0])
        return _action_input(event, number, fields[0])
    if len(fields) == 3 and fields[0] == "actions" and fields[2] in ACTION_FIELDS:
        number = _action_number(path, event, fields[1], fields[2])
        return _action_input(event, number, fields[2])
    raise PointError(
        f"{path!r}: expected events.{event.name}.at, .value, .by or .actions.N.value|by"
        + _hint(path, _event_paths(event))
    )


def _find_event(path: str, scenario: Scenario) -> tuple[Event, list[str]]:
    """The event a path names (the longest name that matches) and the fields after it."""
    rest = path.split(".")[1:]
    names = [event.name for event in scenario.events]
    for size in range(len(rest), 0, -1):
        name = ".".join(rest[:size])
        if name in names:
            return scenario.events[names.index(name)], rest[size:]
    listing = ", ".join(names) or "none"
    hint = did_you_mean(rest[0], names, list_all=False)
    message = f"{path!r}: {scenario.name} has no event named {rest[0]!r}"
    raise PointError(f"{message} ({hint})" if hint else f"{message}; its events: {listing}")


def _date_input(path: str, event: Event, scenario: Scenario) -> PointInput:
    if event.at is None:
        how = "when its condition holds" if event.when is not None else "at random"
        raise PointError(
            f"{path!r}: event {event.name!r} happens {how}, not on a month; only a dated "
            "event's month can vary"
        )
    first, last = scenario.first_month.index, scenario.last_month.index
    return PointInput(
        f"events.{event.name}.at", "event", float(first), float(last), whole=True, month=True
    )


def _one_action(path: str, event: Event, field: str) -> int:
    kinds = ACTION_FIELDS[field]
    found = [n for n, action in enumerate(event.actions) if action.kind in kinds]
    if len(found) != 1:
        what = " or ".join(kinds)
        count = f"{len(found)} {what} actions, not one" if found else f"no {what} action"
        how = "; address an action by its number" if found else ""
        raise PointError(
            f"{path!r}: event {event.name!r} has {count}{how}" + _hint(path, _event_paths(event))
        )
    return found[0]


def _action_number(path: str, event: Event, word: str, field: str) -> int:
    if not (word.isascii() and word.isdigit()) or int(word) >= len(event.actions):
        raise PointError(
            f"{path!r}: event {event.name!r} has actions 0 to {len(event.actions) - 1}"
            + _hint(path, _event_paths(event))
        )
    number = int(word)
    if event.actions[number].kind not in ACTION_FIELDS[field]:
        kind = event.actions[number].kind
        raise PointError(
            f"{path!r}: action {number} of {event.name!r} is a {kind} action, which has no "
            f"{field!r}" + _hint(path, _event_paths(event))
        )
    return number


def _action_input(event: Event, number: int, field: str) -> PointInput:
    """A set or ramp value takes its target's range; a scale factor is at least 0."""
    kinds = ACTION_FIELDS[field]
    alone = sum(action.kind in kinds for action in event.actions) == 1
    path = (
        f"events.{event.name}.{field}" if alone else f"events.{event.name}.actions.{number}.{field}"
    )
    if field == "by":
        return PointInput(path, "event", 0.0)
    limit = limits()[event.actions[number].target]
    return _within(path, "event", limit, whole=limit.kind != "number")


def _event_paths(event: Event) -> list[str]:
    paths = [f"events.{event.name}.at"] if event.at is not None else []
    for field, kinds in ACTION_FIELDS.items():
        numbers = [n for n, action in enumerate(event.actions) if action.kind in kinds]
        if len(numbers) == 1:
            paths.append(f"events.{event.name}.{field}")
        paths += [f"events.{event.name}.actions.{n}.{field}" for n in numbers]
    return paths


# --------------------------------------------------------------------------- uncertain
def _uncertain_input(path: str, scenario: Scenario) -> PointInput:
    key, _, field = path.removeprefix("uncertain.").rpartition(".")
    whole = path.removeprefix("uncertain.")
    if whole in scenario.uncertain:
        numbers = [f"uncertain.{whole}.{n}" for n in _numbers(scenario.uncertain[whole])]
        varying = f"; its numbers can vary: {', '.join(numbers)}" if numbers else ""
        raise PointError(
            f"{path!r} is a whole distribution: it takes one value for the whole run, not one "
            f"per point: set it with overrides=['PATH=VALUE'] or --set{varying}"
        )
    if key not in scenario.uncertain:
        message = f"{path!r}: {scenario.name} has no uncertain entry {key or field!r}"
        raise PointError(message + _hint(path, named_paths(scenario)))
    dist = scenario.uncertain[key]
    numbers = _numbers(dist)
    if field not in numbers:
        what = ", ".join(numbers) if numbers else "none that can vary (its values and weights)"
        message = f"{path!r}: uncertain.{key} is a {dist.dist} distribution; its numbers: {what}"
        raise PointError(message + _hint(path, [f"uncertain.{key}.{n}" for n in numbers]))
    canonical = f"uncertain.{key}.{field}"
    if field in POSITIVE:
        return PointInput(canonical, "uncertain", 0.0, low_open=True)
    if is_month_path(canonical):
        return PointInput(canonical, "uncertain", float(scenario.first_month.index), month=True)
    if uncertain_kind(key) == "parameter":
        return _within(canonical, "uncertain", limits()[key])
    return PointInput(canonical, "uncertain")


def _within(path: str, kind: PointKind, limit: Limit, *, whole: bool = False) -> PointInput:
    """The input at ``path``, taking the values ``limit`` allows."""
    return PointInput(
        path,
        kind,
        limit.low,
        limit.high,
        low_open=limit.low_open,
        high_open=limit.high_open,
        whole=whole,
    )


def _numbers(dist: Distribution) -> list[str]:
    return [name for name in DISTRIBUTION_NUMBERS if getattr(dist, name) is not None]


def _hint(path: str, known: list[str]) -> str:
    hint = did_you_mean(path, known, list_all=False)
    return f" ({hint})" if hint else ""


__all__ = [
    "Place",
    "check_distributions",
    "is_month_path",
    "is_named_path",
    "named_input",
    "named_paths",
    "named_value",
    "place",
    "set_named",
]
