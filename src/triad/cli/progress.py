"""Progress on stderr: a run's bar in world-months, a counting bar, a spinner.

Every bar is transient (gone once the work is done) and drawn on stderr, so that the
tables a command prints on stdout stay clean when piped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.status import Status


def status(message: str) -> Status:
    """A spinner with ``message`` on stderr, for work whose length is not known."""
    return Console(stderr=True).status(message)


@contextmanager
def counter(
    description: str, total: int | None, clock: ProgressColumn
) -> Iterator[Callable[[int, int], None]]:
    """A bar counting steps (trials, coalitions) on stderr; yields its ``progress`` callback.

    Args:
        description: What is counted, shown before the bar.
        total: Steps expected (``None``: not known yet; the callback sets it).
        clock: The time column: ``TimeRemainingColumn()`` or ``TimeElapsedColumn()``.
    """
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        clock,
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task(description, total=total)
        yield lambda done, total: bar.update(task, completed=done, total=total)


class RunProgress:
    """A transient rich progress bar in world-months, shown only once a run lasts a while.

    Use it as a context manager and pass it as the ``progress`` callback of
    :func:`triad.api.run`; quick runs never show a bar.

    Args:
        console: Where to draw.
        delay: Seconds a run must last before the bar appears.
        finishing: What the command does once the worlds are simulated.
    """

    def __init__(
        self, console: Console, delay: float = 0.5, finishing: str = "storing the result"
    ) -> None:
        self._console = console
        self._delay = delay
        self._finishing = finishing
        self._started = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._tenths = 0

    def __enter__(self) -> RunProgress:
        self._started = time.monotonic()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, done: int, total: int) -> None:
        """Report progress: world-months done out of ``total``.

        On a terminal, a bar; when the output is piped or logged, a plain line on stderr at
        each tenth of the run, so that a log shows how far a run got.
        """
        if not self._console.is_terminal:
            self._plain(done, total)
            return
        if self._bar is None:
            if time.monotonic() - self._started < self._delay:
                return
            self._start(total)
        if self._bar is not None and self._task is not None:
            label = self._finishing if done >= total else "simulating"
            self._bar.update(self._task, completed=done, total=total, description=label)

    def phase(self, label: str, unit: str) -> Callable[[int, int], None]:
        """A callback reporting a later phase (drawing charts) as its own bar or lines.

        Args:
            label: What the phase does (``drawing charts``).
            unit: What it counts (``charts``).
        """
        plain_tenths = [0]

        def report(done: int, total: int) -> None:
            if not self._console.is_terminal:
                tenth = min(10, done * 10 // max(total, 1))
                if tenth > plain_tenths[0]:
                    plain_tenths[0] = tenth
                    typer.echo(f"{label}: {done} of {total} {unit}", err=True)
                return
            if self._bar is None and time.monotonic() - self._started >= self._delay:
                self._start(total)
            if self._bar is not None and self._task is not None:
                self._bar.update(
                    self._task, completed=done, total=total, description=label, unit=unit
                )

        return report

    def _plain(self, done: int, total: int) -> None:
        tenth = min(10, done * 10 // max(total, 1))
        if tenth <= self._tenths:
            return
        self._tenths = tenth
        label = self._finishing if done >= total else "simulating"
        typer.echo(f"{label}: {tenth * 10}% ({done:,} of {total:,} world-months)", err=True)

    def _start(self, total: int) -> None:
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TimeRemainingColumn(),
            console=self._console,
            transient=True,
        )
        self._task = self._bar.add_task("simulating", total=total, unit="world-months")
        self._bar.start()
