"""One recording buffer per thread, reused by the chunks it runs one after another.

A chunk records its metrics into a float32 array of ``(months, metrics, worlds)``: 268 MiB
for an automatic chunk of 12,427 worlds over 60 months. The first touch of fresh memory is
slow on a virtual machine (0.4-1 GiB/s measured here, against about 9 GiB/s to refill
pages already held), so a worker that writes chunk after chunk to disk keeps one buffer
and records every chunk into it instead of asking the system for new pages each time.

Only a chunk whose metrics are written out before the buffer's next chunk starts may use
it (a streamed run's part writer does on a worker; on ``local`` two
:class:`RecordBuffer` s take turns, see :mod:`triad.runs.write_behind`); a chunk whose
result is kept or sent back records into an array of its own. Each thread has its own
buffer, so two chunks running in one process at the same time (a Dask worker with
threads) never share one.
"""

from __future__ import annotations

import threading

import numpy as np
from numpy.typing import NDArray

from triad.model.metrics import METRIC_NAMES

__all__ = ["RecordBuffer", "chunk_buffer", "release_buffer"]


class RecordBuffer:
    """One recording buffer, reused chunk after chunk and grown when a chunk needs more."""

    def __init__(self) -> None:
        self._held: NDArray[np.float32] | None = None

    def take(self, months: int, worlds: int) -> NDArray[np.float32]:
        """The buffer for a chunk of ``worlds`` worlds over ``months`` months.

        It grows when a chunk needs more worlds or other months than it holds (the old one
        is let go before the new one is asked for); a smaller chunk (the last of a run)
        records into the front of it.

        Returns:
            A float32 array (a view of the buffer) of shape ``(months, metrics, worlds)``.
        """
        held = self._held
        if held is None or held.shape[0] != months or held.shape[2] < worlds:
            self._held = held = None
            held = np.empty((months, len(METRIC_NAMES), worlds), dtype=np.float32)
            self._held = held
        return held[:, :, :worlds]

    def release(self) -> None:
        """Let the buffer go."""
        self._held = None


_LOCAL = threading.local()


def _thread_buffer() -> RecordBuffer:
    buffer: RecordBuffer | None = getattr(_LOCAL, "buffer", None)
    if buffer is None:
        buffer = _LOCAL.buffer = RecordBuffer()
    return buffer


def chunk_buffer(months: int, worlds: int) -> NDArray[np.float32]:
    """This thread's buffer for a chunk of ``worlds`` worlds over ``months`` months.

    Returns:
        A float32 array (a view of the buffer) of shape ``(months, metrics, worlds)``; see
        :meth:`RecordBuffer.take`.
    """
    return _thread_buffer().take(months, worlds)


def release_buffer() -> None:
    """Let this thread's buffer go (at the end of a run, in a process that lives on)."""
    _thread_buffer().release()
