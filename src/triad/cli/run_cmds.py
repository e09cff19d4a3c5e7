"""Run commands: run a scenario and store it, list the stored runs, show one again.

Each command parses its arguments, calls :func:`triad.api.run` or a function of
:mod:`triad.store.run_folder`, and prints; errors are :class:`~triad.errors.TriadError` s
that the app reports with exit code 2. The library (and pandas) is imported inside the
functions that use it, so that ``triad --help`` stays fast (``tests/test_startup.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from triad.cli.scenario_cmds import SETS
from triad.cli.tables import Fitted
from triad.errors import TriadError
from triad.text import format_number

if TYPE_CHECKING:
    import pandas as pd

    from triad.runs.executors import Executor
    from triad.store.result import RunResult

EXIT_INTERRUPTED = 130
ROOT = typer.Option("--root", help="The results store.")
EXECUTOR = typer.Option(
    "--executor",
    help="Where chunks of worlds run: local, processes[:N], dask (a local cluster) or "
    "dask:tcp://HOST:PORT (a running scheduler). Results are identical on all.",
)
CHUNK_SIZE = typer.Option(
    "--chunk-size",
    min=1,
    help="Worlds simulated at a time (bounds memory) (default: automatic).",
    show_default=False,
)
FIX_UNCERTAIN = typer.Option(
    "--fix-uncertain",
    help="Fix every uncertain input (sampled parameters, China's policy type, the war path) "
    "at its central value in every world, for a controlled experiment: only the stochastic "
    "part still varies.",
)
START = typer.Option(
    "--start",
    help="First month YYYY-MM (default: the scenario's). Dated events before it are left "
    "out with a note: the run starts from the scenario's initial values in that month.",
    show_default=False,
)


def run(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="A scenario file or bundled scenario name (not with --resume).",
            show_default=False,
        ),
    ] = None,
    worlds: Annotated[
        int | None, typer.Option("--worlds", min=1, help="Worlds (default: the scenario's).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed (default: the scenario's).")
    ] = None,
    months: Annotated[
        int | None, typer.Option("--months", min=1, help="Horizon (default: the scenario's).")
    ] = None,
    start: Annotated[str | None, START] = None,
    sets: Annotated[list[str] | None, SETS] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Store in exactly this new folder (default: a new folder under --root)."
        ),
    ] = None,
    root: Annotated[Path, ROOT] = Path("runs"),
    chunk_size: Annotated[int | None, CHUNK_SIZE] = None,
    fix_uncertain: Annotated[bool, FIX_UNCERTAIN] = False,
    charts: Annotated[
        bool, typer.Option("--charts/--no-charts", help="Draw a fan chart of each key outcome.")
    ] = True,
    executor: Annotated[str, EXECUTOR] = "local",
    stream: Annotated[
        bool | None,
        typer.Option(
            "--stream/--no-stream",
            help="Write worlds to disk chunk by chunk (bounded memory, resumable) "
            "(default: above 1 GiB of results).",
            show_default=False,
        ),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume",
            help="Finish an interrupted streamed run: its --out folder (or the folder printed "
            "when it stopped). Only the missing chunks are computed.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run a scenario as an ensemble, print its key outcomes and store the result."""
    if (scenario is None) == (resume is None):
        raise UsageError("give a SCENARIO to run, or --resume FOLDER to finish one (not both)")
    from triad.api import resume as resume_run
    from triad.api import run as run_scenario

    console = Console()
    try:
        with cli_executor(executor) as ex, RunProgress(console) as progress:
            if resume is not None:
                result = resume_run(resume, executor=ex, progress=progress)
                charts = False  # a resumed run draws its charts as it was asked to
            else:
                result = run_scenario(
                    str(scenario),
                    worlds=worlds,
                    seed=seed,
                    months=months,
                    start=start,
                    overrides=sets or (),
                    chunk_size=chunk_size,
                    progress=progress,
                    out=out,
                    save=True,
                    root=root,
                    charts=False,  # drawn below, as a phase of their own
                    executor=ex,
                    stream=stream,
                    fix_uncertain=fix_uncertain,
                )
            if charts and result.path is not None:
                draw_run_charts(result, progress)
    except (KeyboardInterrupt, SystemExit) as error:
        _interrupted(error)
    console.print(summary_table(result))
    typer.echo(f"stored in {result.path}")


def draw_run_charts(result: RunResult, progress: RunProgress) -> None:
    """Draw a stored run's fan charts, reported as their own phase of the progress."""
    from triad.reports.run import draw_charts
    from triad.store.run_folder import CHARTS

    assert result.path is not None
    draw_charts(result, result.path / CHARTS, progress=progress.phase("drawing charts", "charts"))


def _interrupted(error: KeyboardInterrupt | SystemExit) -> NoReturn:
    """Say how a run stopped and exit with the matching code."""
    code = EXIT_INTERRUPTED if isinstance(error, KeyboardInterrupt) else error.code
    notes = getattr(error, "__notes__", None)
    typer.echo(
        "interrupted; " + " ".join(notes)
        if notes
        else "interrupted (an unfinished result is never stored)",
        err=True,
    )
    raise typer.Exit(code if isinstance(code, int) else EXIT_INTERRUPTED) from None


def cli_executor(text: str) -> Executor:
    """The executor of an ``--executor`` option; says on stderr if its workers were capped.

    Use it as a context manager: it closes the workers it starts.
    """
    from triad.runs.executors import parse_executor

    executor = parse_executor(text)
    note = getattr(executor, "note", None)
    if note:
        typer.echo(f"note: {note}", err=True)
    return executor


class UsageError(TriadError):
    """The command's arguments do not go together."""


def runs(
    root: Annotated[Path, ROOT] = Path("runs"),
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Also check every data file against its SHA-256 in the manifest (reads them).",
        ),
    ] = False,
    clean_partial_runs: Annotated[
        bool,
        typer.Option(
            "--clean-partial",
            help="Remove the interrupted (unfinished, not running) runs; needs --yes.",
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm --clean-partial: really remove them.")
    ] = False,
) -> None:
    """List the results stored under --root, and unfinished runs with their size.

    Incomplete or damaged folders are listed with what is wrong (exit code 2 if any
    is damaged under --verify).
    """
    from triad.store.run_folder import list_partial, list_runs

    if clean_partial_runs:
        _clean(root, yes)
        return
    frame = list_runs(root, verify=verify)
    partial = list_partial(root)
    console = Console()
    if frame.empty:
        typer.echo(f"no stored results in {root}")
    else:
        console.print(runs_table(frame, root))
    if not partial.empty:
        console.print(partial_table(partial, root))
    if verify and not frame.empty and (frame["status"] != "ok").any():
        raise typer.Exit(2)


def _clean(root: Path, yes: bool) -> None:
    from triad.runs.resources import format_bytes
    from triad.store.run_folder import clean_partial, list_partial

    frame = list_partial(root)
    stale = frame[frame["pid"].isna()]
    if stale.empty:
        typer.echo(f"no interrupted runs in {root}")
        return
    total = format_bytes(int(stale["bytes"].sum()))
    if not yes:
        for path in stale["path"]:
            typer.echo(f"would remove {path}")
        typer.echo(f"{len(stale)} interrupted runs, {total}: add --yes to remove them")
        return
    removed = clean_partial(root)
    for path in removed["path"]:
        typer.echo(f"removed {path}")
    typer.echo(f"{len(removed)} interrupted runs removed, {total} freed")


def show(
    folder: Annotated[Path, typer.Argument(help="A stored result folder.", show_default=False)],
    redraw: Annotated[
        bool, typer.Option("--redraw", help="Redraw every chart, not only the missing ones.")
    ] = False,
) -> None:
    """Print a stored result's key outcomes; draw its missing charts into FOLDER/charts."""
    from triad.reports.run import draw_charts
    from triad.runs.ensemble import KEY_METRICS
    from triad.store.run_folder import CHARTS, read_run

    result = read_run(folder, lazy=True)
    Console().print(summary_table(result))
    charts = folder / CHARTS
    wanted = [m for m in KEY_METRICS if redraw or not _stored_chart(charts / f"{m}.png")]
    with RunProgress(Console(stderr=True), delay=0) as progress:
        drawn = draw_charts(
            result, charts, wanted, progress=progress.phase("drawing charts", "charts")
        )
    kept = len(KEY_METRICS) - len(drawn)
    typer.echo(f"charts in {folder / CHARTS}: {len(drawn)} drawn, {kept} stored ones reused")


def _stored_chart(path: Path) -> bool:
    """Whether a chart is stored there (a file, not a link: a link is redrawn over)."""
    return path.is_file() and not path.is_symlink()


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


def summary_table(result: RunResult) -> Fitted:
    """Median and 90% interval of the key outcomes: a row per metric, a column per date.

    On a terminal too narrow for a cell a line, the unit goes under the metric's name and
    the interval under the median.
    """
    frame = result.summary()
    scenario = result.scenario
    dates = list(dict.fromkeys(frame["date"]))
    title = Text(f"{scenario.name}: {scenario.worlds} worlds, seed {scenario.seed}")
    caption = Text("median [5th – 95th percentile] across worlds, at the end of each month")
    wide = Table(title=title, caption=caption)
    wide.add_column("metric", no_wrap=True)
    wide.add_column("unit", no_wrap=True)
    narrow = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, pad_edge=False)
    narrow.add_column(Text("metric\n[unit]"), overflow="fold")
    for date in dates:
        wide.add_column(date, justify="right", no_wrap=True)
        narrow.add_column(date, justify="right", no_wrap=True)
    for (metric, unit), rows in frame.groupby(["metric", "unit"], sort=False):
        cells = {str(row.date): _interval(row) for row in rows.itertuples()}
        wide.add_row(
            Text(str(metric)), Text(str(unit)), *(Text(" ".join(cells.get(d, ()))) for d in dates)
        )
        name = Text(str(metric))
        name.append(f"\n[{unit}]", style="dim")
        stacked = (Text("\n".join(cells.get(d, ()))) for d in dates)
        narrow.add_row(name, *stacked)
    return Fitted(wide, narrow)


def _interval(row: object) -> tuple[str, str]:
    """The median and ``[5th – 95th percentile]``."""
    median, low, high = (float(getattr(row, key)) for key in ("median", "p05", "p95"))
    return format_number(median), f"[{format_number(low)} – {format_number(high)}]"


def partial_table(frame: pd.DataFrame, root: Path) -> Table:
    """The unfinished runs: folder, size, and what can be done with each."""
    import pandas as pd

    from triad.runs.resources import format_bytes

    table = Table(title=Text(f"Unfinished runs in {root}"), caption_justify="left")
    table.add_column("folder", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("state")
    for row in frame.to_dict("records"):
        folder = _relative(Path(str(row["path"])), root)
        pid = row["pid"]
        if pid is not None and pid is not pd.NA:
            state = f"being written by process {pid}"
        elif row["kind"] == "resumable":
            state = f"interrupted: `triad run --resume {row['target']}`"
        else:
            state = "interrupted write (cannot be finished)"
        size = format_bytes(int(str(row["bytes"])))
        table.add_row(Text(folder), Text(size), Text(state))
    table.caption = Text("remove the interrupted ones with `triad runs --clean-partial --yes`")
    return table


def runs_table(frame: pd.DataFrame, root: Path) -> Fitted:
    """The stored results as a table: folder, scenario, start, size, seed, overrides, status.

    A default folder name holds the scenario, the UTC start time and the first characters
    of the scenario hash; what is wrong with an incomplete folder goes in the caption. On a
    terminal too narrow for a row a line, each row takes two lines: the start and status
    under the folder, the overrides under the scenario, the months under the worlds.
    """
    rows = [_stored_row(row, root) for row in frame.to_dict("records")]
    problems = [f"{row['folder']}: {row['problem']}" for row in rows if row["problem"]]
    caption = Text("\n".join(problems)) if problems else None
    title = Text(f"Stored results in {root}")
    wide = Table(title=title, caption=caption, caption_justify="left")
    wide.add_column("folder", no_wrap=True)
    wide.add_column("scenario", no_wrap=True)
    wide.add_column("started (UTC)", no_wrap=True)
    for column in ("worlds", "months", "seed"):
        wide.add_column(column, justify="right", no_wrap=True)
    wide.add_column("overrides", overflow="fold", min_width=len("overrides"))
    wide.add_column("status", no_wrap=True)
    narrow = Table(
        title=title, caption=caption, caption_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
    )
    narrow.add_column(Text("folder\nstarted (UTC) · status"), no_wrap=True)
    narrow.add_column(Text("scenario\noverrides"), overflow="fold")
    narrow.add_column(Text("worlds\nmonths"), justify="right", no_wrap=True)
    narrow.add_column(Text("seed"), justify="right", no_wrap=True)
    for row in rows:
        wide.add_row(
            *(Text(row[key]) for key in ("folder", "scenario", "started")),
            *(Text(row[key]) for key in ("worlds", "months", "seed")),
            Text(" ".join(row["overrides"]) or "-"),
            Text(row["status"]),
        )
        folder = Text(row["folder"])
        folder.append(f"\n{row['started'] or '-'} · {row['status']}", style="dim")
        scenario = Text(row["scenario"])
        scenario.append("\n" + ("\n".join(row["overrides"]) or "-"), style="dim")
        narrow.add_row(
            folder, scenario, Text(f"{row['worlds']}\n{row['months']}"), Text(row["seed"])
        )
    return Fitted(wide, narrow)


def _stored_row(row: dict[Hashable, Any], root: Path) -> dict[str, Any]:
    """One stored run's cells as text: missing values empty, overrides a list."""
    started = row["started"]
    overrides = row["overrides"]
    ok = row["status"] == "ok"
    return {
        "folder": _relative(Path(str(row["path"])), root),
        "scenario": _cell(row["scenario"]),
        "started": started[:16].replace("T", " ") if isinstance(started, str) else "",
        **{key: _cell(row[key]) for key in ("worlds", "months", "seed")},
        "overrides": [str(o) for o in overrides] if overrides is not None else [],
        "status": "ok" if ok else "incomplete",
        "problem": "" if ok else str(row["status"]),
    }


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _cell(value: object) -> str:
    import pandas as pd

    missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
    return "" if missing else str(value)
