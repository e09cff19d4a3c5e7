"""Where and how runs go: the executor, the chunk size, progress and event logs, said once.

Every run path (``triad.run``, compare, sweep, sensitivity, calibrate, explain, evaluate,
backtest, the EMA model) takes one :class:`RunContext` instead of the same keywords each.
It says nothing about *what* runs (that is :class:`~triad.runs.options.RunOptions`), and
no number of a result depends on it: the results are identical for every executor and
chunk size.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from triad.runs.arguments import check_executor, check_whole
from triad.runs.ensemble import Progress
from triad.runs.executors import ExecutorLike, open_executor

__all__ = ["RunContext"]


@dataclass(frozen=True)
class RunContext:
    """Where and how the worlds of a run are simulated.

    Attributes:
        executor: Where the chunks run: ``local`` (None), ``processes[:N]``, ``dask``,
            ``dask:tcp://HOST:PORT``, or an executor object (see
            :mod:`triad.runs.executors`). One given as text starts once for all the
            ensembles of an analysis. The results are identical on all.
        chunk_size: Worlds simulated at a time (default: automatic); bounds memory, and
            results do not depend on it.
        progress: Called with (done, in all) as the work advances: world-months for runs
            and for the analyses that run ensembles, trials for calibrate, runs for explain.
        log_worlds: Worlds with a global index below this keep an event log (runs and
            comparisons; the analyses read metrics only and keep none).

    Raises:
        ExecutorError: If the executor is neither None, a text, nor an executor object.
        ScenarioError: If the chunk size or ``log_worlds`` is not a whole number (under
            ``<run options>``).
    """

    executor: ExecutorLike = None
    chunk_size: int | None = None
    progress: Progress | None = None
    log_worlds: int = 100

    def __post_init__(self) -> None:
        check_executor(self.executor)
        check_whole(self.chunk_size, "chunk_size")
        check_whole(self.log_worlds, "log_worlds", optional=False)

    @contextmanager
    def started(self) -> Iterator[RunContext]:
        """This context with its executor started, once for all the ensembles run inside.

        Yields:
            The same context whose executor is the started one (closed on leaving if it
            was started here).
        """
        with open_executor(self.executor) as executor:
            yield replace(self, executor=executor)

    def silent(self) -> RunContext:
        """This context without its progress callback, for runs inside a counted step."""
        return replace(self, progress=None)
