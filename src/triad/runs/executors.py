"""Where the chunks of an ensemble run: this process, a process pool, or a Dask cluster.

An ensemble is cut into chunks of consecutive worlds (a :class:`~triad.runs.plan.ChunkPlan`,
run by :func:`~triad.runs.plan.map_plan`). A chunk is a :class:`ChunkTask`, plain
data that pickles (the scenario as JSON, the first world, the count, the event-log limit,
the chunk's slice of any parameter points), and :func:`run_chunk` turns it into a
:class:`ChunkResult` (the chunk's float32 metrics and its event log). Because world k's
random draws depend only on (seed, k, month, site), the result does not depend on where or
in what order the chunks ran, nor on their size.

Executors, chosen by :func:`parse_executor`:

* ``local``: this process, one chunk after another (the default);
* ``processes`` or ``processes:N``: a ``concurrent.futures`` process pool of N workers
  (default ``os.cpu_count()``), started with ``forkserver`` where available, else ``spawn``;
* ``dask``: a ``distributed.LocalCluster`` with one single-threaded worker process per core
  (at least 2), started and closed by triad;
* ``dask:tcp://HOST:PORT``: a running Dask scheduler (see ``docs/cluster.md``).

Every executor offers :meth:`Executor.map_chunks`, which yields ``(index, result)`` as chunks
finish, in any order, keeping only a few chunks in flight so that memory stays bounded. On
Dask a failing chunk is retried (``retries=2``) and a chunk lost with a dead worker is
recomputed by the scheduler.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final, Protocol, Self

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from triad.errors import ExecutorError
from triad.model.model import TriadModel
from triad.runs.resources import cap_workers
from triad.scenario.schema import Scenario

__all__ = [
    "DASK_RETRIES",
    "ChunkDone",
    "ChunkResult",
    "ChunkRunner",
    "ChunkTask",
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "ExecutorLike",
    "LocalExecutor",
    "ProcessExecutor",
    "executor_name",
    "is_local",
    "open_executor",
    "parse_executor",
    "run_chunk",
    "simulate_chunk",
]

ChunkDone = Callable[[int], None]
"""Called with the index of each chunk as it finishes (on whichever worker)."""

IN_FLIGHT_PER_WORKER: Final = 2
"""Chunks submitted but not yet collected, per worker: bounds the memory of waiting results."""
DASK_RETRIES: Final = 2
"""Times Dask reruns a chunk that raised before the run fails."""


# --------------------------------------------------------------------------- chunks
@dataclass(frozen=True)
class ChunkTask:
    """One chunk of an ensemble, as plain data that pickles.

    Attributes:
        scenario: The resolved scenario as JSON (``Scenario.model_dump_json()``).
        first_world: Global index of the chunk's first world.
        count: Worlds in the chunk.
        log_worlds: Worlds with a global index below this keep an event log.
        points: Input path -> the chunk's values, shape ``(count,)``.
        world_ids: The chunk's global world indices when they are not ``first_world``
            onwards (common random numbers: an index may repeat); ``first_world`` is then
            the chunk's position in the ensemble.
    """

    scenario: str
    first_world: int
    count: int
    log_worlds: int = 100
    points: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    world_ids: NDArray[np.int64] | None = None


@dataclass(frozen=True)
class ChunkResult:
    """What a chunk produced.

    Attributes:
        first_world: Global index of the chunk's first world.
        data: Metrics, shape ``(months, metrics, count)``, float32.
        events: The chunk's event log (world, month, actor, kind, detail).
    """

    first_world: int
    data: NDArray[np.float32]
    events: pd.DataFrame

    @property
    def count(self) -> int:
        """Worlds in the chunk."""
        return int(self.data.shape[2])


class ChunkRunner(Protocol):
    """What simulates a chunk: :func:`run_chunk`, or a test hook that wraps it."""

    def __call__(self, task: ChunkTask, out: NDArray[np.float32] | None = None) -> ChunkResult:
        """Simulate ``task``, recording into ``out`` when given (see :func:`run_chunk`)."""
        ...


def run_chunk(task: ChunkTask, out: NDArray[np.float32] | None = None) -> ChunkResult:
    """Simulate one chunk to the horizon: a pure function of its task.

    Args:
        task: The chunk.
        out: Where to record its metrics, shape ``(months, metrics, count)``, float32 (a
            buffer reused from chunk to chunk); by default a new array.
    """
    return simulate_chunk(Scenario.model_validate_json(task.scenario), task, out=out)


def simulate_chunk(
    scenario: Scenario,
    task: ChunkTask,
    *,
    month_done: Callable[[int], None] | None = None,
    collect: bool = True,
    out: NDArray[np.float32] | None = None,
) -> ChunkResult:
    """Simulate one chunk of ``scenario`` (already read from the task) to the horizon.

    Args:
        scenario: The resolved scenario.
        task: The chunk.
        month_done: Called with the chunk's world count after each month.
        collect: Free the chunk's model before returning (a garbage collection: a mesa
            model and its agents form reference cycles).
        out: Where to record the metrics, shape ``(months, metrics, count)``, float32:
            the chunk's place in the ensemble's array, or a reused buffer. The result's
            ``data`` is then this array. By default a new one.
    """
    model = TriadModel(
        scenario,
        task.count,
        task.first_world,
        task.log_worlds,
        task.points,
        world_ids=task.world_ids,
        record_into=out,
    )
    while model.month < scenario.months:
        model.step()
        if month_done is not None:
            month_done(task.count)
    result = ChunkResult(task.first_world, model.recorder.data, model.log.frame())
    del model
    if collect:
        gc.collect()
    return result


# --------------------------------------------------------------------------- executors
class Executor(Protocol):
    """Runs chunk tasks somewhere and hands back their results as they finish."""

    @property
    def name(self) -> str:
        """How the executor was asked for (``local``, ``processes:2``, ``dask:tcp://...``)."""
        ...

    @property
    def workers(self) -> int:
        """Chunks that can run at the same time."""
        ...

    def map_chunks[T, R](
        self, fn: Callable[[T], R], chunks: Iterable[T], progress: ChunkDone | None = None
    ) -> Iterator[tuple[int, R]]:
        """Apply ``fn`` to every chunk; yield ``(index, result)`` as each finishes.

        Args:
            fn: A picklable callable (e.g. :func:`run_chunk`, or a module-level class).
            chunks: The chunk tasks.
            progress: Called with a chunk's index as it finishes.
        """
        ...

    def close(self) -> None:
        """Release workers started by triad (a remote cluster is left running)."""
        ...

    def __enter__(self) -> Self:
        """Start using the executor."""
        ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the executor."""
        ...


class _Closing:
    """Context-manager plumbing shared by the executors."""

    def close(self) -> None:
        """Release resources (nothing by default)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class LocalExecutor(_Closing):
    """This process, one chunk after another."""

    name = "local"
    workers = 1

    def map_chunks[T, R](
        self, fn: Callable[[T], R], chunks: Iterable[T], progress: ChunkDone | None = None
    ) -> Iterator[tuple[int, R]]:
        """Run the chunks here, in order (see :meth:`Executor.map_chunks`)."""
        for index, chunk in enumerate(chunks):
            result = fn(chunk)
            if progress is not None:
                progress(index)
            yield index, result


class ProcessExecutor(_Closing):
    """A ``concurrent.futures`` process pool over chunks, started on first use.

    The pool never has more workers than CPUs (``os.cpu_count()``; :attr:`note` says so
    when a larger count was asked for) nor than the chunks of the first map.

    Args:
        workers: Worker processes (default ``os.cpu_count()``).

    Attributes:
        note: Why the worker count was lowered, or None.
    """

    def __init__(self, workers: int | None = None) -> None:
        self._workers, self.note = cap_workers(workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def name(self) -> str:
        """``processes:N``."""
        return f"processes:{self._workers}"

    @property
    def workers(self) -> int:
        """Worker processes."""
        return self._workers

    def map_chunks[T, R](
        self, fn: Callable[[T], R], chunks: Iterable[T], progress: ChunkDone | None = None
    ) -> Iterator[tuple[int, R]]:
        """Run the chunks in the pool, a few in flight (see :meth:`Executor.map_chunks`)."""
        items = list(chunks)
        pool = self._start(len(items))
        pending: dict[Future[R], int] = {}
        todo = enumerate(items)
        limit = IN_FLIGHT_PER_WORKER * self._workers
        try:
            while True:
                for index, chunk in _take(todo, limit - len(pending)):
                    pending[pool.submit(fn, chunk)] = index
                if not pending:
                    return
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = pending.pop(future)
                    result = _result(future)
                    if progress is not None:
                        progress(index)
                    yield index, result
        finally:
            for future in pending:
                future.cancel()

    def _start(self, chunks: int) -> ProcessPoolExecutor:
        """The pool, started on first use with at most one worker per chunk.

        Workers start with forkserver where available (no inherited state).
        """
        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in methods else "spawn"
            context = multiprocessing.get_context(method)
            size = max(1, min(self._workers, chunks))
            self._pool = ProcessPoolExecutor(size, mp_context=context)
        return self._pool

    def close(self) -> None:
        """Shut the pool down."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor(_Closing):
    """Chunks as Dask tasks, on a ``LocalCluster`` triad starts or on a running scheduler.

    Args:
        address: ``tcp://HOST:PORT`` of a running scheduler, or None for a LocalCluster.
        workers: Worker processes of the LocalCluster (default: the cores, at least 2).
        client: An existing ``distributed.Client`` to use (and not close).
    """

    def __init__(
        self, address: str | None = None, workers: int | None = None, client: Any = None
    ) -> None:
        self._address = address
        self._local_workers = workers or max(2, os.cpu_count() or 1)
        self._client: Any = client
        self._owns_client = client is None
        self._cluster: Any = None

    @property
    def name(self) -> str:
        """``dask`` or ``dask:ADDRESS``."""
        return "dask" if self._address is None else f"dask:{self._address}"

    @property
    def workers(self) -> int:
        """Threads across the cluster's workers (the LocalCluster size before it starts).

        For a running scheduler this connects first: chunk sizes are planned on the
        threads the cluster really has, not on one (a 4,000-world run was one chunk).
        """
        if self._client is None and self._address is None:
            return self._local_workers
        counts = self.client.nthreads()
        return max(1, sum(int(n) for n in counts.values()))

    @property
    def client(self) -> Any:
        """The ``distributed.Client``, connecting or starting a LocalCluster on first use."""
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self) -> Any:
        dask = _distributed()
        if self._address is not None:
            try:
                return dask.Client(self._address, timeout="10s")
            except (OSError, TimeoutError) as error:
                raise ExecutorError(
                    f"cannot reach the Dask scheduler at {self._address}: {error} "
                    "(is `dask scheduler` running there? see docs/cluster.md)"
                ) from None
        self._cluster = dask.LocalCluster(
            n_workers=self._local_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        return dask.Client(self._cluster)

    def map_chunks[T, R](
        self, fn: Callable[[T], R], chunks: Iterable[T], progress: ChunkDone | None = None
    ) -> Iterator[tuple[int, R]]:
        """Submit the chunks with retries; yield results as they complete (a few in flight)."""
        client = self.client
        todo = enumerate(chunks)
        limit = IN_FLIGHT_PER_WORKER * self.workers
        pending: dict[str, int] = {}
        completed: Any = _distributed().as_completed()
        try:
            for index, chunk in _take(todo, limit):
                completed.add(self._submit(client, fn, chunk, index, pending))
            for future in completed:
                index = pending.pop(future.key)
                result: R = future.result()
                future.release()
                if progress is not None:
                    progress(index)
                yield index, result
                for nxt, chunk in _take(todo, 1):
                    completed.add(self._submit(client, fn, chunk, nxt, pending))
        finally:
            completed.clear()

    @staticmethod
    def _submit(client: Any, fn: Any, chunk: Any, index: int, pending: dict[str, int]) -> Any:
        future = client.submit(fn, chunk, retries=DASK_RETRIES, pure=False)
        pending[future.key] = index
        return future

    def close(self) -> None:
        """Close the client and the LocalCluster that triad started."""
        if self._owns_client and self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None


def _distributed() -> Any:
    """The ``distributed`` module, imported on first use (it takes a while to import)."""
    return importlib.import_module("distributed")


def _result[R](future: Future[R]) -> R:
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise ExecutorError(
            f"a worker process died ({error}); the run is lost on this executor "
            "(a Dask cluster recomputes chunks lost with a worker)"
        ) from None


def _take[T](items: Iterator[T], count: int) -> list[T]:
    out = []
    for _ in range(max(0, count)):
        try:
            out.append(next(items))
        except StopIteration:
            break
    return out


# --------------------------------------------------------------------------- parsing
ExecutorLike = Executor | str | None
"""What the API accepts: an executor, its text (``processes:2``), or None for ``local``."""

_USAGE: Final = "use local, processes, processes:N, dask or dask:tcp://HOST:PORT"


def parse_executor(text: str) -> Executor:
    """An executor from its text: ``local``, ``processes[:N]``, ``dask``, ``dask:tcp://H:P``.

    Nothing starts until the executor is first used. A worker count is ASCII digits; a
    scheduler address needs a host and a port from 1 to 65535; ``tls://`` needs Dask's
    TLS certificates configured (``distributed.comm.tls``). ``processes:N`` above the CPU
    count is lowered to it (see :attr:`ProcessExecutor.note`).

    Raises:
        ExecutorError: For any other text, naming it, what is wrong and the accepted forms.
    """
    if not isinstance(text, str):
        raise ExecutorError(f"unknown executor {text!r} (a {type(text).__name__}): {_USAGE}")
    kind, sep, rest = text.strip().partition(":")
    if kind == "local" and not sep:
        return LocalExecutor()
    if kind == "processes":
        return ProcessExecutor(_positive(text, rest) if sep else None)
    if kind == "dask" and not sep:
        return DaskExecutor()
    if kind == "dask":
        return DaskExecutor(address=_address(text, rest))
    raise ExecutorError(f"unknown executor {text!r}: {_USAGE}")


_SCHEMES: Final = ("tcp", "tls", "ws", "wss", "inproc")


def _address(text: str, address: str) -> str:
    """Check a Dask scheduler address: a known scheme, a host, and a port in range."""
    scheme, sep, rest = address.partition("://")
    if not sep or scheme not in _SCHEMES:
        raise ExecutorError(f"unknown executor {text!r}: {_USAGE}")
    if scheme == "inproc":
        if not rest:
            raise ExecutorError(f"unknown executor {text!r}: the address has no host ({_USAGE})")
        return address
    host, colon, port = rest.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host or not _ascii_digits(port) or not 0 < int(port) < 65536:
        raise ExecutorError(
            f"unknown executor {text!r}: the address needs a host and a port from 1 to 65535, "
            f"as {scheme}://HOST:PORT ({_USAGE})"
        )
    if scheme in ("tls", "wss"):
        _check_tls(text)
    return address


def _check_tls(text: str) -> None:
    """Refuse a TLS address when Dask has no certificates configured."""
    config = importlib.import_module("dask.config")
    needed = ("ca-file", "client.cert")
    missing = [k for k in needed if not config.get(f"distributed.comm.tls.{k}", default=None)]
    if missing:
        raise ExecutorError(
            f"executor {text!r}: a TLS scheduler needs certificates, but Dask's configuration "
            f"lacks {', '.join(f'distributed.comm.tls.{k}' for k in missing)} (set them in "
            "~/.config/dask/distributed.yaml or as DASK_DISTRIBUTED__COMM__TLS__... "
            "variables; see docs/cluster.md)"
        )


def _ascii_digits(text: str) -> bool:
    """True for a non-empty run of ASCII digits (not ``²``, not ``٣``, no sign)."""
    return bool(text) and text.isascii() and text.isdigit() and len(text) <= 9


def _positive(text: str, count: str) -> int:
    if not _ascii_digits(count) or int(count) < 1:
        raise ExecutorError(
            f"unknown executor {text!r}: the worker count must be a whole number >= 1 ({_USAGE})"
        )
    return int(count)


class open_executor:  # noqa: N801 - used like a function: ``with open_executor(x) as ex``
    """Use an executor given as an object, as text, or as None (``local``).

    An executor parsed here is closed on exit; one passed in as an object is left open
    for its owner.
    """

    def __init__(self, executor: ExecutorLike) -> None:
        self._owned = not isinstance(executor, LocalExecutor | ProcessExecutor | DaskExecutor)
        if executor is None:
            self._executor: Executor = LocalExecutor()
        elif isinstance(executor, str):
            self._executor = parse_executor(executor)
        else:
            self._executor = executor
            self._owned = False

    def __enter__(self) -> Executor:
        return self._executor

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._owned:
            self._executor.close()


def executor_name(executor: ExecutorLike) -> str:
    """The text of an executor for the manifest (``local`` for None)."""
    if executor is None:
        return "local"
    return executor if isinstance(executor, str) else executor.name


def is_local(executor: ExecutorLike) -> bool:
    """True for None, ``"local"`` and a :class:`LocalExecutor`."""
    return executor is None or executor == "local" or isinstance(executor, LocalExecutor)
