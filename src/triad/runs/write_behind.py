"""Chunks run one after another in this process, each written out on a thread behind them.

A streamed run on the ``local`` executor simulates a chunk, then writes it as a Parquet
part; done in turn, the two take about as long as each other (a chunk of 12,427 worlds
over 60 months: 2.1 s simulating, 2.1 s encoding, hashing and syncing its part, measured
on the 2-core machine of ``docs/performance.md``) and one core stays idle. Here the part
of chunk ``i`` is written on a writer thread while chunk ``i + 1`` simulates: Parquet
encoding, SHA-256 and ``fsync`` release the GIL, so the two overlap on two cores.

Two recording buffers take turns: chunk ``i`` records into buffer ``i % 2`` while the part
of chunk ``i - 1`` is written from the other; at most one write is in flight, so a buffer
is never recorded into while it is being written. The chunks, their order and their
bytes are those of a run without the thread: only when the work happens changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from triad.runs.buffers import RecordBuffer
from triad.runs.executors import ChunkResult, ChunkRunner, ChunkTask

__all__ = ["map_writing_behind"]


def map_writing_behind[R](
    tasks: Sequence[ChunkTask],
    months: int,
    run: ChunkRunner,
    write: Callable[[ChunkResult], R],
    sink: Callable[[int, R], None],
) -> None:
    """Simulate ``tasks`` in order here, writing each on a thread while the next runs.

    Args:
        tasks: The chunks to run, in order.
        months: Months every chunk records (the buffers' first axis).
        run: What simulates a chunk into a buffer (:func:`~triad.runs.faults.chunk_runner`).
        write: What writes a simulated chunk (on the writer thread); its buffer is reused
            once it returns, so it must not keep the chunk's ``data``.
        sink: Called here with each task's index and what ``write`` returned, in order.

    Raises:
        Exception: Whatever ``run`` or ``write`` raised, for the first chunk that failed.
            The write in flight when a chunk fails (or on Ctrl-C) is finished first, so
            every part written is whole.
    """
    buffers = (RecordBuffer(), RecordBuffer())
    with ThreadPoolExecutor(1, thread_name_prefix="triad-part-writer") as writer:
        pending: tuple[int, Future[R]] | None = None
        for index, task in enumerate(tasks):
            result = run(task, buffers[index % 2].take(months, task.count))
            if pending is not None:
                sink(pending[0], pending[1].result())
            pending = (index, writer.submit(write, result))
        if pending is not None:
            sink(pending[0], pending[1].result())
