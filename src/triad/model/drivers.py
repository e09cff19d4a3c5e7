"""World drivers: scripted paths over time, per-world AR(1) noise, and event overrides."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from triad.model.randomness import Streams
from triad.scenario.month import Month
from triad.scenario.schema import DRIVER_BOUNDS, DriverPath, Scenario

Array = NDArray[np.float64]


def base_path(path: DriverPath, start: Month, months: int) -> Array:
    """The scripted value of a driver for each simulated month (no noise).

    Points are interpolated linearly (flat outside them); then the constant ``value``,
    dated ``steps`` and linear ``ramps`` apply in date order, each ramp starting from the
    value the path has at its start month.

    Args:
        path: The driver's path from the scenario.
        start: The first month.
        months: Number of months.

    Returns:
        Array of shape ``(months,)``.
    """
    t = np.arange(start.index, start.index + months, dtype=np.float64)
    if path.points:
        xs = np.array([Month.parse(at).index for at, _ in path.points], dtype=np.float64)
        ys = np.array([v for _, v in path.points], dtype=np.float64)
        values = np.interp(t, xs, ys)
    else:
        values = np.zeros(months)
    if path.value is not None and not path.points:
        values[:] = path.value
    changes = [(Month.parse(s.at).index, "step", s.value, 0) for s in path.steps]
    changes += [
        (Month.parse(r.start).index, "ramp", r.value, Month.parse(r.end).index) for r in path.ramps
    ]
    for at, kind, value, end in sorted(changes, key=lambda c: c[0]):
        _apply_change(values, t, at, kind, value, end)
    return values


def _apply_change(values: Array, t: Array, at: int, kind: str, value: float, end: int) -> None:
    after = t >= at
    if kind == "step":
        values[after] = value
        return
    index = int(np.clip(at - t[0], 0, len(t) - 1))
    origin = values[index] if at >= t[0] else values[0]
    share = np.clip((t - at) / (end - at), 0.0, 1.0)
    values[after] = origin + (value - origin) * share[after]


class Drivers:
    """All world drivers of one ensemble: paths, noise state and event overrides.

    Args:
        scenario: The scenario.
        streams: The ensemble's random streams.
        worlds: Number of worlds held here.
        constants: Driver name -> a constant value per world, shape ``(worlds,)``, in place
            of the scenario's path (as ``--set world.NAME=V`` makes it constant, world by
            world); the driver's noise and events apply as usual.
    """

    def __init__(
        self,
        scenario: Scenario,
        streams: Streams,
        worlds: int,
        constants: Mapping[str, Array] | None = None,
    ) -> None:
        start = scenario.first_month
        self.names = tuple(DRIVER_BOUNDS)
        self.dtype = np.dtype(scenario.precision)
        self._paths = {n: getattr(scenario.world, n) for n in self.names}
        self._base = {n: base_path(self._paths[n], start, scenario.months) for n in self.names}
        self._constant = {n: np.asarray(v, dtype=self.dtype) for n, v in (constants or {}).items()}
        self._shock = {n: np.zeros(worlds, dtype=self.dtype) for n in self.names}
        self.level = {n: np.full(worlds, np.nan, dtype=self.dtype) for n in self.names}
        self.scale = {n: np.ones(worlds, dtype=self.dtype) for n in self.names}
        self.current = {
            n: np.full(worlds, self.base_value(n, 0), dtype=self.dtype) for n in self.names
        }
        self.touched: set[str] = set()  # drivers an event has set or scaled (see Targets)
        self._streams = streams
        self._worlds = worlds

    def base_value(self, name: str, month: int) -> Array | float:
        """The scripted value of a driver in a month, before noise and overrides.

        One number, or one per world for a driver given a constant per world.
        """
        if name in self._constant:
            return self._constant[name]
        return float(self._base[name][month])

    def step(self, month: int) -> dict[str, Array]:
        """Compute every driver for this month: override or path, times scale, plus noise.

        Args:
            month: Month index (0 = start).

        Returns:
            Driver name -> array over worlds (also kept in ``current``).
        """
        for name in self.names:
            self.current[name] = self._value(name, month)
        return self.current

    def _value(self, name: str, month: int) -> Array:
        noise = self._paths[name].noise
        if noise.sd == 0 and name not in self.touched:  # the scripted path, within bounds
            return np.full(self._worlds, self.base_value(name, month), dtype=self.dtype)
        value: Array | float = self.base_value(name, month)
        if name in self.touched:  # an event set or scaled it in some worlds
            level = np.where(np.isnan(self.level[name]), value, self.level[name])
            value = level * self.scale[name]
        if noise.sd > 0:
            eps = self._streams.normal(month, f"driver:{name}")
            # a Python float: numpy's float64 scalar would make float32 draws float64
            innovation = float(noise.sd * np.sqrt(1.0 - noise.persistence**2)) * eps
            self._shock[name] = noise.persistence * self._shock[name] + innovation
            value = (
                value * (1.0 + self._shock[name]) if noise.relative else value + self._shock[name]
            )
        lo, hi = DRIVER_BOUNDS[name]
        out: Array = np.clip(np.broadcast_to(value, (self._worlds,)), lo, hi)
        return out
