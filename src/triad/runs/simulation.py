"""The Python API of the model: simulate a resolved scenario and get its arrays and log."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from triad.errors import ModelError
from triad.model.eventlog import ordered_events
from triad.model.metrics import METRIC_NAMES
from triad.runs.executors import ChunkResult, ChunkTask, LocalExecutor, simulate_chunk
from triad.runs.plan import ChunkPlan, map_plan
from triad.runs.resources import check_memory, ensemble_bytes
from triad.scenario.month import month_array
from triad.scenario.schema import Scenario

Array = NDArray[np.float64]
Stored = NDArray[np.float32]


@dataclass(frozen=True)
class Simulation:
    """The recorded output of an ensemble.

    Attributes:
        scenario: The resolved scenario that produced it.
        world_ids: Global indices of the worlds, shape ``(worlds,)``.
        data: Metrics, shape ``(months, metrics, worlds)``, metrics in ``METRIC_NAMES`` order,
            single precision.
        events: The event log: world, month, actor, kind, detail.
    """

    scenario: Scenario
    world_ids: NDArray[np.int64]
    data: Stored
    events: pd.DataFrame

    @property
    def months(self) -> int:
        """Number of simulated months."""
        return int(self.data.shape[0])

    @property
    def dates(self) -> list[str]:
        """``YYYY-MM`` of each simulated month (the row holds the state at its end)."""
        return self.scenario.first_month.labels(self.months)

    def series(self, metric: str) -> Stored:
        """One metric over months and worlds, shape ``(months, worlds)``.

        Raises:
            ModelError: If the metric is unknown.
        """
        if metric not in METRIC_NAMES:
            raise ModelError(f"unknown metric {metric!r}; known: {', '.join(METRIC_NAMES)}")
        out: Stored = self.data[:, METRIC_NAMES.index(metric), :]
        return out

    def frame(self) -> pd.DataFrame:
        """A tidy frame: one row per world and month; world, month, date, then the metrics.

        ``date`` is a datetime (``datetime64[ns]``, the first day of the month; the row holds
        the state at the end of that month), so that pandas plots and resamples it as time.
        """
        months, _, worlds = self.data.shape
        columns = {
            "world": np.tile(self.world_ids, months),
            "month": np.repeat(np.arange(months), worlds),
            "date": np.repeat(month_starts(self.dates), worlds),
        }
        flat = self.data.transpose(0, 2, 1).reshape(months * worlds, len(METRIC_NAMES))
        frame = pd.DataFrame(columns)
        metrics = pd.DataFrame(flat, columns=list(METRIC_NAMES))
        return (
            pd.concat([frame, metrics], axis=1)
            .sort_values(["world", "month"], kind="stable")
            .reset_index(drop=True)
        )


def month_starts(dates: Sequence[str]) -> NDArray[np.datetime64]:
    """``YYYY-MM`` months as datetimes of their first day (``datetime64[ns]``)."""
    out: NDArray[np.datetime64] = month_array(dates).astype("datetime64[ns]")
    return out


def simulate(
    scenario: Scenario,
    worlds: int | None = None,
    first_world: int = 0,
    log_worlds: int = 100,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    points: Mapping[str, Array] | None = None,
    world_ids: NDArray[np.int64] | None = None,
) -> Simulation:
    """Run an ensemble of a resolved scenario to its horizon.

    World k's results depend only on (scenario, seed, k): running the worlds in chunks
    gives bit-identical output. Each chunk records its metrics straight into its place in
    one preallocated array (no array of its own, no copy) and the chunk's model is then
    freed (its Mesa agents hold reference cycles, so a garbage collection runs between
    chunks), so memory holds the whole result plus one chunk's working state.

    Args:
        scenario: A validated scenario (see ``triad.scenario.loader.load_scenario``).
        worlds: Worlds to run (default: the scenario's ``worlds``).
        first_world: Global index of the first world.
        log_worlds: Worlds with a global index below this keep an event log.
        chunk_size: Run at most this many worlds at a time (default: all at once).
        progress: Called with (world-months done, world-months in all) after each month.
        points: Input path -> one value per world (sweep, sensitivity or evaluation
            points), shape ``(worlds,)``; they replace the scenario's value world by world
            (see :class:`~triad.model.model.TriadModel`).
        world_ids: Global indices of the worlds, in place of ``first_world`` onwards (and
            of ``worlds``); an index may repeat, so that several points share worlds.

    Returns:
        The recorded metrics and event log.

    Raises:
        ModelError: If ``worlds`` is not a whole number >= 1.
        ResourceError: If the worlds' metrics and one chunk would not fit in the memory
            available (checked before anything runs, see
            :mod:`triad.runs.resources`).
    """
    n = scenario.worlds if worlds is None else worlds
    if world_ids is not None:
        n = len(world_ids)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ModelError(f"an ensemble needs a whole number of worlds >= 1, got {n!r}")
    size = n if chunk_size is None else max(1, chunk_size)
    need = ensemble_bytes(n, scenario.months, size)
    what = f"simulating {scenario.name}"
    check_memory(need, what, worlds=n, months=scenario.months)
    plan = ChunkPlan.cut(n, size, scenario.months, first_world)
    gathered = Gathered(scenario, plan, world_ids)
    months_done = 0

    def month_done(count: int) -> None:
        nonlocal months_done
        months_done += count
        if progress is not None:
            progress(months_done, plan.total)

    collect = len(plan.chunks) > 1

    def runner(task: ChunkTask) -> ChunkResult:
        out = gathered.place(task)  # recorded in place: no chunk array, no copy
        return simulate_chunk(scenario, task, month_done=month_done, collect=collect, out=out)

    tasks = plan.tasks(scenario, log_worlds=log_worlds, points=points, world_ids=world_ids)
    map_plan(plan, tasks, LocalExecutor(), runner, gathered.add)
    return gathered.simulation()


class Gathered:
    """The in-memory sink of a run: chunks put together, in world order, into one simulation.

    Chunks may arrive in any order; :meth:`simulation` is complete once every chunk of the
    plan has arrived. The events are ordered as one log (:func:`ordered_events`).

    Args:
        scenario: The resolved scenario.
        plan: The run's chunk plan.
        world_ids: The worlds' global indices when they are not the plan's worlds.
    """

    def __init__(
        self, scenario: Scenario, plan: ChunkPlan, world_ids: NDArray[np.int64] | None = None
    ) -> None:
        self._scenario, self._plan = scenario, plan
        self._ids = (
            np.arange(plan.first_world, plan.first_world + plan.worlds, dtype=np.int64)
            if world_ids is None
            else np.asarray(world_ids, dtype=np.int64).copy()
        )
        self._data = np.empty((plan.months, len(METRIC_NAMES), plan.worlds), dtype=np.float32)
        self._events: dict[int, pd.DataFrame] = {}

    def place(self, task: ChunkTask) -> Stored:
        """Where ``task``'s chunk belongs in the ensemble's array (a view to record into)."""
        at = task.first_world - self._plan.first_world
        out: Stored = self._data[:, :, at : at + task.count]
        return out

    def add(self, chunk: ChunkResult) -> None:
        """Copy a finished chunk into place (unless it was recorded there)."""
        at = chunk.first_world - self._plan.first_world
        target = self._data[:, :, at : at + chunk.count]
        if not _same_array(chunk.data, target):
            target[...] = chunk.data
        self._events[at] = chunk.events

    def simulation(self) -> Simulation:
        """The whole ensemble (every chunk of the plan must have arrived)."""
        logs = [self._events[at] for at in sorted(self._events)]
        return Simulation(self._scenario, self._ids, self._data, ordered_events(logs))


def _same_array(a: Stored, b: Stored) -> bool:
    """Whether two arrays are the same view of the same memory (a chunk recorded in place)."""
    return (
        a.shape == b.shape
        and a.strides == b.strides
        and a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
    )
