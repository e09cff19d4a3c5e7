"""Charts drawn two at a time: a second process renders beside the one that asked.

Rendering a chart to PNG takes a second or more of one core, and a report draws several,
one after the other, on a machine that has more cores. A :class:`ChartWorker` is a second
Python process that starts at once, imports the plotting libraries and loads the fonts
while the command still runs its scenarios, and then takes charts off the same list as the
process that asked for them: each takes the next chart whenever it is free.

A chart is a :class:`ChartJob`: the file to write and a call that draws the figure from
plain data (a :func:`functools.partial` of a :mod:`triad.plots` function over frames and
arrays), so it can be sent to the other process. The PNG is the same, byte for byte,
whichever process draws it (``tests/test_rendering.py``). Each file is written under a
temporary name and renamed over the old one, so a chart is never half-written.

The worker is spawned, not forked: a fork of a process whose numerical libraries run
threads may deadlock.
"""

from __future__ import annotations

import atexit
import importlib
import multiprocessing
import os
import secrets
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Progress = Callable[[int, int], None]
"""Called with (charts done, charts in all)."""

WORKER_ENV: Final = "TRIAD_CHART_WORKER"
"""Set to ``0`` to draw every chart in the process that asks for it (the test suite does,
to save starting a process for each command it runs; the worker's own tests set it back)."""


@dataclass(frozen=True)
class ChartJob:
    """One chart to draw and where it goes.

    Attributes:
        path: The PNG file to write (its folder must exist).
        draw: Draws the figure; picklable (a partial of a module-level function over
            data), so that another process can call it.
    """

    path: Path
    draw: Callable[[], Figure]


@dataclass(frozen=True)
class PlotCall:
    """A plotting function called by its module's and its own name, over plain data.

    A :class:`ChartJob` made of it does not import the plotting modules (and matplotlib,
    about a second) in the process that makes it: only the process that draws the chart
    does, so a command whose charts all go to the worker never imports them.

    Attributes:
        module: The module of the function, e.g. ``triad.plots.overview``.
        function: Its name, e.g. ``overview_grid``.
        args: Positional arguments.
        kwargs: Keyword arguments.
    """

    module: str
    function: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __call__(self) -> Figure:
        """Import the function and draw the figure."""
        draw = getattr(importlib.import_module(self.module), self.function)
        figure: Figure = draw(*self.args, **self.kwargs)
        return figure


def render_job(job: ChartJob) -> Path:
    """Draw one chart and save it as ``job.path``, through a temporary file.

    Returns:
        ``job.path``.

    Raises:
        OSError: If the file cannot be written.
    """
    from triad.plots.style import save

    scratch = job.path.with_name(
        f".{job.path.stem}.partial-{os.getpid()}-{secrets.token_hex(4)}{job.path.suffix}"
    )
    figure = job.draw()
    try:
        save(figure, scratch)
    finally:
        figure.clear()
    os.replace(scratch, job.path)
    return job.path


def _warm_up() -> None:
    """Import the plotting modules and load the fonts, so the first chart starts at once."""
    import io

    import triad.plots.difference_paths
    import triad.plots.differences
    import triad.plots.fan
    import triad.plots.overview  # noqa: F401
    from triad.plots.style import DPI, new_figure

    figure = new_figure(1.0, 1.0)
    figure.text(0.5, 0.5, "triad 0.1")
    figure.savefig(io.BytesIO(), format="png", dpi=DPI)


def _end_without_teardown() -> None:
    """Let the worker process end at once when it is told to stop (run in the worker).

    Freeing matplotlib, pandas and their modules one by one took 0.35-0.5 s at the end of
    every command with a worker, which waits for it. The worker has nothing to flush or
    close by then (each chart is complete once renamed into place, and it prints nothing),
    so the first exit handler ends its interpreter with :func:`os._exit`, as the command
    itself ends (``triad.cli.app.end``).
    """
    if multiprocessing.parent_process() is not None:  # never in the process that asked
        atexit.register(os._exit, 0)


class ChartWorker:
    """A second process that draws charts beside this one (see the module docstring).

    It starts when made; :func:`closing` stops it at the end of a block. Start it early
    (before the runs it will chart), so that its imports overlap them.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=1, mp_context=context, initializer=_end_without_teardown
        )
        self._pool.submit(_warm_up)

    @classmethod
    def start(cls, charts: int, least: int = 2) -> ChartWorker | None:
        """A worker if it would help: a second core, enough charts, and not turned off.

        Args:
            charts: How many charts will be drawn (a lower bound will do).
            least: The fewest charts worth a worker: 2 where this process imports the
                plotting modules anyway, 1 where its charts are :class:`PlotCall` jobs
                that it would otherwise import them for.

        Returns:
            A started worker, or None when every chart is better drawn here: one core,
            fewer than ``least`` charts, or :data:`WORKER_ENV` set to ``0``.
        """
        few = charts < max(least, 1)
        if few or (os.cpu_count() or 1) < 2 or os.environ.get(WORKER_ENV) == "0":
            return None
        return cls()

    def submit(self, job: ChartJob) -> Future[Path]:
        """Queue one chart in the worker."""
        return self._pool.submit(render_job, job)

    def close(self) -> None:
        """Stop the worker; charts not yet started are dropped."""
        self._pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def closing(worker: ChartWorker | None) -> Iterator[ChartWorker | None]:
    """Close ``worker`` (if any) at the end of the block."""
    try:
        yield worker
    finally:
        if worker is not None:
            worker.close()


def render(
    jobs: Sequence[ChartJob],
    worker: ChartWorker | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Draw every chart, here and in ``worker`` if given, each taking the next when free.

    Args:
        jobs: The charts, largest first for the best balance.
        worker: A second process, or None to draw every chart here.
        progress: Called with (charts done, charts in all) before the first and as they end.

    Returns:
        The files written, in the order of ``jobs``.

    Raises:
        Exception: The first error a chart raised (an ``OSError`` if its file cannot be
            written), once every other chart has been drawn.
    """
    return Drawing(jobs, worker).finish(progress)


class Drawing:
    """Charts being drawn: the worker starts on them at once, :meth:`finish` joins in here.

    Between the two, this process is free for other work (a report's tables) while the
    worker draws.

    Args:
        jobs: The charts, largest first for the best balance.
        worker: A second process, or None to draw every chart in :meth:`finish`.
    """

    def __init__(self, jobs: Sequence[ChartJob], worker: ChartWorker | None = None) -> None:
        self._jobs: list[ChartJob] = []
        self._queue = _Queue([])
        self._worker = worker
        self.add(jobs)

    def add(self, jobs: Sequence[ChartJob]) -> None:
        """More charts to draw, after those already given (an idle worker takes the next)."""
        self._jobs.extend(jobs)
        if self._queue.extend(jobs) and self._worker is not None:
            self._queue.feed(self._worker)

    def finish(self, progress: Progress | None = None) -> list[Path]:
        """Draw the charts the worker has not taken, then wait for the worker's.

        Args:
            progress: Called with (charts done, charts in all) now and as they end.

        Returns:
            The files written, in the order of the jobs.

        Raises:
            Exception: The first error a chart raised, once every other chart is drawn.
        """
        total = len(self._jobs)
        if not total:
            return []
        queue = self._queue
        _report(progress, 0, total)
        errors: list[Exception] = []
        drawn = 0
        while (next_job := queue.take()) is not None:
            _draw_here(next_job, errors)
            drawn += 1
            _report(progress, drawn + sum(f.done() for _, f in queue.sent()), total)
        sent = queue.sent()  # complete: the queue is empty, so the worker is sent no more
        wait_for([future for _, future in sent])
        for job, future in sent:
            error = future.exception()
            if isinstance(error, BrokenProcessPool):
                _draw_here(job, errors)  # the worker died (killed, or could not start)
            elif isinstance(error, Exception):
                errors.append(error)
        if errors:
            raise errors[0]
        _report(progress, total, total)
        return [job.path for job in self._jobs]


def _draw_here(job: ChartJob, errors: list[Exception]) -> None:
    """Draw one chart in this process; keep its error to raise once the others are drawn."""
    try:
        render_job(job)
    except Exception as error:  # raised by render() once the other charts are drawn
        errors.append(error)


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(min(done, total), total)


class _Queue:
    """The charts not yet started, taken from the front by whichever process is free."""

    def __init__(self, jobs: Sequence[ChartJob]) -> None:
        self._jobs = deque(jobs)
        self._sent: list[tuple[ChartJob, Future[Path]]] = []
        self._lock = threading.Lock()

    def extend(self, jobs: Sequence[ChartJob]) -> bool:
        """Add charts at the end; True if the worker is idle (nothing sent is unfinished)."""
        with self._lock:
            self._jobs.extend(jobs)
            return all(future.done() for _, future in self._sent)

    def take(self) -> ChartJob | None:
        """The next chart to draw here, or None when all have started."""
        with self._lock:
            return self._jobs.popleft() if self._jobs else None

    def sent(self) -> list[tuple[ChartJob, Future[Path]]]:
        """The charts given to the worker so far, each with its future."""
        with self._lock:
            return list(self._sent)

    def feed(self, worker: ChartWorker) -> None:
        """Give the worker the next chart, and the one after that when it is done."""
        with self._lock:  # taken and recorded together: sent() never misses a chart
            if not self._jobs:
                return
            job = self._jobs[0]
            try:
                future = worker.submit(job)
            except BrokenProcessPool:
                return  # the worker is gone: every chart left is drawn here
            self._jobs.popleft()
            self._sent.append((job, future))
        future.add_done_callback(lambda done: self._next(done, worker))

    def _next(self, done: Future[Path], worker: ChartWorker) -> None:
        if done.cancelled() or done.exception() is not None:
            return  # render() raises the error, or draws the chart; the rest are drawn there
        self.feed(worker)
