"""The chunk plan of a run, and the one loop that maps it over an executor into a sink.

Every run, in memory or streamed to disk, cuts its worlds into a :class:`ChunkPlan`
(consecutive worlds, ``(first world, count)`` each) and runs it with :func:`map_plan`: the
plan's tasks go to an executor (see :mod:`triad.runs.executors`) with a runner, and what
each finished task gives is handed to a sink in the main process as it arrives, in
whatever order the chunks finish. In memory the runner gives the chunk's result and the
sink (:class:`~triad.runs.simulation.Gathered`) copies it into the ensemble's array; a
streamed run's runner (:mod:`triad.store.streaming`) writes the chunk as a part on disk
on the worker itself and gives back only its checksums. Progress is counted in
world-months, each chunk weighing its worlds times the months.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from triad.model.metrics import METRIC_NAMES
from triad.runs.executors import ChunkTask, Executor
from triad.scenario.schema import Scenario

__all__ = [
    "CHUNKS_PER_WORKER",
    "CHUNK_BYTES",
    "MAX_CHUNK",
    "ChunkPlan",
    "auto_chunk_size",
    "map_plan",
]


MAX_CHUNK: Final = 50_000
"""Most worlds in an automatic chunk."""
CHUNK_BYTES: Final = 256 * 2**20
"""Most bytes of recorded metrics in an automatic chunk (bounds worker and transfer memory)."""
CHUNKS_PER_WORKER: Final = 4
"""Automatic chunks aim at this many chunks per worker, to balance load and show progress."""


def auto_chunk_size(worlds: int, months: int, workers: int = 1) -> int:
    """Worlds per chunk when none is given.

    At most :data:`MAX_CHUNK` worlds and :data:`CHUNK_BYTES` of recorded metrics; with
    several workers, small enough that each gets about :data:`CHUNKS_PER_WORKER` chunks.
    """
    by_memory = CHUNK_BYTES // (max(months, 1) * len(METRIC_NAMES) * 4)
    size = min(MAX_CHUNK, max(1, by_memory))
    if workers > 1:
        size = min(size, math.ceil(worlds / (CHUNKS_PER_WORKER * workers)))
    return max(1, size)


@dataclass(frozen=True)
class ChunkPlan:
    """An ensemble cut into chunks of consecutive worlds.

    Attributes:
        chunks: ``(first world, count)`` of every chunk, in world order, tiling the
            worlds. With explicit world ids (common random numbers) the first world is
            the chunk's position in the ensemble plus the ensemble's first world.
        months: Months every world runs (each chunk weighs ``count * months``).
    """

    chunks: tuple[tuple[int, int], ...]
    months: int

    @classmethod
    def cut(cls, worlds: int, size: int, months: int, first_world: int = 0) -> ChunkPlan:
        """Cut ``worlds`` worlds from ``first_world`` on into chunks of at most ``size``."""
        step = max(1, size)
        return cls(
            tuple(
                (first_world + offset, min(step, worlds - offset))
                for offset in range(0, worlds, step)
            ),
            months,
        )

    @property
    def first_world(self) -> int:
        """The first world of the first chunk."""
        return self.chunks[0][0] if self.chunks else 0

    @property
    def worlds(self) -> int:
        """Worlds in all chunks."""
        return sum(count for _, count in self.chunks)

    @property
    def total(self) -> int:
        """World-months in all chunks: what progress counts up to."""
        return self.worlds * self.months

    def done_before(self, tasks: Collection[ChunkTask]) -> int:
        """World-months of the chunks that ``tasks`` leave out (done before they run)."""
        return self.total - sum(task.count for task in tasks) * self.months

    def tasks(
        self,
        scenario: Scenario,
        *,
        log_worlds: int = 100,
        points: Mapping[str, NDArray[np.float64]] | None = None,
        world_ids: NDArray[np.int64] | None = None,
        skip: Collection[int] = (),
    ) -> list[ChunkTask]:
        """The tasks of the chunks whose first world is not in ``skip``, in world order.

        Args:
            scenario: The resolved scenario.
            log_worlds: Worlds with a global index below this keep an event log.
            points: Input path -> one value per world of the ensemble.
            world_ids: Global index of every world of the ensemble, when they are not
                the plan's worlds (an index may repeat).
            skip: First worlds of chunks already done (a resumed run).
        """
        text = scenario.model_dump_json()
        arrays = {k: np.asarray(v) for k, v in (points or {}).items()}
        ids = None if world_ids is None else np.asarray(world_ids, dtype=np.int64)
        tasks = []
        for first, count in self.chunks:
            if first in skip:
                continue
            at = slice(first - self.first_world, first - self.first_world + count)
            own = None if ids is None else ids[at].copy()
            part = {k: v[at].copy() for k, v in arrays.items()}
            tasks.append(ChunkTask(text, first, count, log_worlds, part, world_ids=own))
        return tasks


def map_plan[R](
    plan: ChunkPlan,
    tasks: list[ChunkTask],
    executor: Executor,
    runner: Callable[[ChunkTask], R],
    sink: Callable[[R], None],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Run ``tasks`` (the plan's, or those of its chunks not done yet) into ``sink``.

    Each finished chunk goes to ``sink`` as it arrives (in any order), then ``progress``
    hears the world-months done: the chunks left out of ``tasks`` count as done.

    Args:
        plan: The run's chunk plan.
        tasks: The tasks to run (:meth:`ChunkPlan.tasks`).
        executor: Where they run.
        runner: What runs a task, on the executor's worker: a picklable callable
            (:func:`~triad.runs.faults.chunk_runner` gives the chunk's result; a streamed
            run's writes it as a part there and gives back the part's checksums).
        sink: Takes what each finished task gave, in the main process.
        progress: Called with (world-months done, world-months in all) after each chunk.
    """
    done = plan.done_before(tasks)
    for index, result in executor.map_chunks(runner, tasks):
        sink(result)
        done += tasks[index].count * plan.months
        if progress is not None:
            progress(done, plan.total)
