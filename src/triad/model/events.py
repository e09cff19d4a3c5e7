"""Scenario events: dated, conditional and random, applied per world through masks.

Each month, before the drivers are computed, every event tests its trigger for every world
at once (a boolean mask); where it fires, its actions set, scale or ramp a parameter or a
driver, or trigger a model action. Conditions read last month's metrics. Firings in the
logged sample of worlds go to the event log.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from triad.model.eventlog import EventLog
from triad.model.metrics import condition_variable
from triad.model.randomness import Streams
from triad.scenario.month import Month
from triad.scenario.schema import Action, Condition, Event

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]

_OPS: dict[str, Callable[[Array, float], Mask]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


def evaluate(condition: Condition, state: Mapping[str, Array]) -> Mask:
    """Evaluate a structured condition for every world.

    Args:
        condition: The condition from the scenario.
        state: Last month's metrics by name.

    Returns:
        Boolean mask over worlds.
    """
    if condition.all is not None:
        return _join(condition.all, state, np.logical_and, True)
    if condition.any is not None:
        return _join(condition.any, state, np.logical_or, False)
    name = condition_variable(condition.var or "")
    assert name is not None and condition.op is not None and condition.value is not None
    return _OPS[condition.op](state[name], condition.value)


def _join(
    conditions: Sequence[Condition], state: Mapping[str, Array], join: np.ufunc, empty: bool
) -> Mask:
    """Conditions joined over worlds by ``join``; ``empty`` in every world if there are none."""
    masks = [evaluate(c, state) for c in conditions]
    if not masks:
        return np.full_like(next(iter(state.values())), empty, dtype=bool)
    joined: Mask = join.reduce(masks)
    return joined


@dataclass
class Ramp:
    """A linear move of one target in some worlds, started by an event firing."""

    target: str
    mask: Mask
    origin: Array
    value: Array | float
    start: int
    months: int

    def level(self, month: int) -> Array:
        """The target's value in the ramping worlds this month."""
        share = min(1.0, (month - self.start + 1) / self.months)
        out: Array = self.origin + (self.value - self.origin) * share
        return out


class Targets:
    """Where event actions write: parameter arrays and driver overrides."""

    def __init__(
        self,
        params: dict[str, Array],
        level: dict[str, Array],
        scale: dict[str, Array],
        current: Mapping[str, Array],
        touched: set[str] | None = None,
    ) -> None:
        self.params, self.level, self.scale, self.current = params, level, scale, current
        self.touched = set() if touched is None else touched  # drivers an event has changed

    def get(self, target: str) -> Array:
        """Current value of a parameter, or of a driver (last month), over worlds."""
        if target.startswith("world."):
            return self.current[target[6:]] * 1.0
        return self.params[target].copy()

    def set(self, target: str, mask: Mask, value: Array | float) -> None:
        """Set a parameter, or fix a driver's level, in the masked worlds.

        Setting a driver replaces any earlier scaling of it in those worlds.
        """
        values = np.broadcast_to(np.asarray(value, dtype=self._dtype(target)), mask.shape)
        if target.startswith("world."):
            name = target[6:]
            self.touched.add(name)
            self.level[name][mask] = values[mask]
            self.scale[name][mask] = 1.0
        else:
            self.params[target][mask] = values[mask]

    def _dtype(self, target: str) -> np.dtype:
        """The floating-point type of a target's arrays (the model's precision)."""
        held = self.level[target[6:]] if target.startswith("world.") else self.params[target]
        return held.dtype

    def multiply(self, target: str, mask: Mask, by: Array | float) -> None:
        """Scale a parameter or a driver in the masked worlds (by one factor, or one a world)."""
        factor = np.broadcast_to(np.asarray(by, dtype=self._dtype(target)), mask.shape)[mask]
        if target.startswith("world."):
            self.touched.add(target[6:])
            self.scale[target[6:]][mask] *= factor
        else:
            self.params[target][mask] *= factor


TriggerFn = Callable[[Mask], None]


class EventEngine:
    """Applies a scenario's events month by month.

    Args:
        events: The scenario's events.
        start: The first month.
        streams: Random streams (for random events).
        targets: Where actions write.
        triggers: Trigger name -> function applying it to the masked worlds.
        log: The event log.
        world_ids: Global world indices (for the log).
        dates: Event name -> the month index it happens in each world, for events whose
            date is uncertain (it replaces ``at``; past the horizon it never happens).
        values: ``name.value`` or ``name.by`` -> the value of that event's one set or ramp
            action, or the factor of its one scale action, in each world;
            ``name.actions.N.value`` (or ``.by``) -> that of its action N.
    """

    def __init__(
        self,
        events: list[Event],
        start: Month,
        streams: Streams,
        targets: Targets,
        triggers: Mapping[str, TriggerFn],
        log: EventLog,
        world_ids: NDArray[np.int64],
        dates: Mapping[str, NDArray[np.int64]] | None = None,
        values: Mapping[str, Array] | None = None,
    ) -> None:
        self.events, self.start, self.streams = events, start, streams
        self.dates, self.values = dict(dates or {}), dict(values or {})
        self.targets, self.triggers, self.log = targets, triggers, log
        self.world_ids = world_ids
        self.fired = {e.name: np.zeros(len(world_ids), bool) for e in events}
        self.ramps: list[Ramp] = []

    def apply(self, month: int, state: Mapping[str, Array]) -> None:
        """Fire this month's events and advance running ramps.

        Args:
            month: Month index (0 = start).
            state: Last month's metrics (for conditions).
        """
        for event in self.events:
            mask = self._mask(event, month, state)
            if not event.repeat:
                mask &= ~self.fired[event.name]
            self.fired[event.name] |= mask
            if mask.any():
                self._fire(event, mask, month)
        self._advance_ramps(month)

    def _mask(self, event: Event, month: int, state: Mapping[str, Array]) -> Mask:
        n = len(self.world_ids)
        if event.name in self.dates:
            out: Mask = self.dates[event.name] == month
            return out
        if event.at is not None:
            return np.full(n, Month.parse(event.at) - self.start == month)
        if event.when is not None:
            return evaluate(event.when, state)
        draw = self.streams.uniform(month, f"event:{event.name}")
        return draw < (event.probability or 0.0)

    def _fire(self, event: Event, mask: Mask, month: int) -> None:
        for number, action in enumerate(event.actions):
            self._act(action, mask, month, event, number)

    def _act(self, action: Action, mask: Mask, month: int, event: Event, number: int) -> None:
        target = action.target
        if action.kind == "trigger":
            self.triggers[target](mask)
            self.log.add(
                self.world_ids, mask, month, event.actor, "event", f"{event.name}: {target}"
            )
            return
        before = self.targets.get(target)
        value = self._value(action, event, number)
        if action.kind == "set":
            self.targets.set(target, mask, value)
        elif action.kind == "scale":
            self.targets.multiply(target, mask, value)
        else:
            self.ramps.append(Ramp(target, mask.copy(), before, value, month, action.months))
        after = (
            self.targets.get(target)
            if action.kind != "ramp"
            else np.broadcast_to(np.asarray(value, dtype=before.dtype), before.shape).copy()
        )
        verb = {"set": "set", "scale": "scaled", "ramp": f"ramps over {action.months} months"}[
            action.kind
        ]
        self.log.add(
            self.world_ids,
            mask,
            month,
            event.actor,
            "event",
            f"{event.name}: {target} {verb} {{before:.3g}} -> {{after:.3g}}",
            before,
            after,
        )

    def _value(self, action: Action, event: Event, number: int) -> Array | float:
        """An action's value (its factor for a scale): per world if given or uncertain."""
        field = "by" if action.kind == "scale" else "value"
        drawn = self.values.get(f"{event.name}.actions.{number}.{field}")
        if drawn is None:
            drawn = self.values.get(f"{event.name}.{field}")
        if drawn is not None:
            return drawn
        return float((action.by if action.kind == "scale" else action.value) or 0.0)

    def _advance_ramps(self, month: int) -> None:
        for ramp in self.ramps:
            if month >= ramp.start:
                self.targets.set(ramp.target, ramp.mask, ramp.level(month))
        self.ramps = [r for r in self.ramps if month - r.start + 1 < r.months]
