"""A test hook: make one chunk of a run fail once, across processes, to test retry and resume.

Set :data:`FAILURE_ENV` to ``WORLD:FLAGFILE`` and the chunk holding world WORLD raises on
its first attempt (the attempt that finds no FLAGFILE creates it and fails); later attempts
run normally. A run reads the variable once, when it starts (:func:`chunk_runner`); the
chunks' tasks carry nothing of it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from triad.runs.executors import ChunkResult, ChunkRunner, ChunkTask, run_chunk

FAILURE_ENV: Final = "TRIAD_INJECT_FAILURE"
"""``WORLD:FLAGFILE``: the chunk holding world WORLD fails on its first attempt."""


class InjectedChunkError(RuntimeError):
    """The failure injected by :data:`FAILURE_ENV` (never raised otherwise)."""


@dataclass(frozen=True)
class FailOnce:
    """Runs chunks as :func:`run_chunk` does, but the one holding ``world`` fails once.

    Attributes:
        world: The global index of a world in the chunk that fails.
        flag: The file whose creation marks the failure as done.
    """

    world: int
    flag: str

    def __call__(self, task: ChunkTask, out: NDArray[np.float32] | None = None) -> ChunkResult:
        """Fail if the task holds :attr:`world` and :attr:`flag` does not exist yet.

        Raises:
            InjectedChunkError: On that first attempt.
        """
        if task.first_world <= self.world < task.first_world + task.count:
            try:
                with open(self.flag, "x", encoding="utf-8") as stream:
                    stream.write(f"failed once in process {os.getpid()}\n")
            except FileExistsError:
                return run_chunk(task, out)
            raise InjectedChunkError(
                f"injected failure ({FAILURE_ENV}); flag file {self.flag} now exists"
            )
        return run_chunk(task, out)


def chunk_runner() -> ChunkRunner:
    """:func:`run_chunk`, or a :class:`FailOnce` when :data:`FAILURE_ENV` is set."""
    spec = os.environ.get(FAILURE_ENV)
    if not spec:
        return run_chunk
    world, _, flag = spec.partition(":")
    return FailOnce(int(world), os.path.abspath(flag))
