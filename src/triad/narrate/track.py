"""One world's recorded path: its monthly series, initial state and quoted parameters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from triad.errors import NarrationError
from triad.model.metrics import METRIC_NAMES
from triad.model.model import TriadModel
from triad.runs.simulation import Simulation
from triad.scenario.schema import Scenario

Array = NDArray[np.float64]

_QUOTED_PARAMS = ("china.resentment_tolerance", "russia.tech_transfer.shortfall_threshold")


@dataclass(frozen=True)
class Track:
    """One world's recorded path, with the state before the first month as row 0.

    Attributes:
        scenario: The resolved scenario.
        world: Global world index.
        dates: ``YYYY-MM`` of each month.
        path: Metrics, shape ``(months + 1, metrics)``; row m + 1 is the end of month m.
        params: The world's own values of the parameters the story quotes.
    """

    scenario: Scenario
    world: int
    dates: list[str]
    path: Array
    params: dict[str, float]

    @property
    def months(self) -> int:
        """Number of simulated months."""
        return len(self.dates)

    def full(self, metric: str) -> Array:
        """The metric from the initial state to the horizon, shape ``(months + 1,)``."""
        out: Array = self.path[:, METRIC_NAMES.index(metric)]
        return out

    def series(self, metric: str) -> Array:
        """The metric at the end of each month, shape ``(months,)``."""
        return self.full(metric)[1:]

    def at(self, metric: str, month: int) -> float:
        """The metric at the end of a month."""
        return float(self.full(metric)[month + 1])

    def before(self, metric: str, month: int) -> float:
        """The metric before a month (the initial state for month 0)."""
        return float(self.full(metric)[month])


def world_track(sim: Simulation, world: int) -> Track:
    """Gather a world's series and its initial state (from a fresh, unstepped model)."""
    column = check_world(sim, world)
    model = TriadModel(sim.scenario, worlds=1, first_world=world, log_worlds=0)
    initial = np.array([float(model.state[name][0]) for name in METRIC_NAMES])
    path = np.vstack([initial, sim.data[:, :, column]])
    params = {name: float(model.params[name][0]) for name in _QUOTED_PARAMS}
    return Track(sim.scenario, world, sim.dates, path, params)


def check_world(sim: Simulation, world: int) -> int:
    """The column of a global world index in ``sim``.

    Raises:
        NarrationError: If the world is not in the ensemble.
    """
    where = np.flatnonzero(sim.world_ids == world)
    if where.size == 0:
        first, last = int(sim.world_ids[0]), int(sim.world_ids[-1])
        raise NarrationError(f"world {world} is not in this ensemble (worlds {first}-{last})")
    return int(where[0])


def is_logged(events: pd.DataFrame, world: int, log_worlds: int | None) -> bool:
    """Whether the world kept an event log (the logged worlds are those below an index)."""
    if log_worlds is not None:
        return world < log_worlds
    ids = events["world"].to_numpy()
    return bool((ids >= world).any())


def world_log(events: pd.DataFrame, world: int) -> pd.DataFrame:
    """The event-log rows of one world."""
    return events[events["world"] == world]
