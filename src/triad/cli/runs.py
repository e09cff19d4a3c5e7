"""Run commands: run a scenario and store it, list the stored runs, show one again.

Each command calls :func:`triad.api.run` or a function of :mod:`triad.store.run_folder`
and prints; pandas too is imported inside the functions that use it.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from triad.cli.options import (
    CHUNK_SIZE,
    EXECUTOR,
    FIX_UNCERTAIN,
    ROOT,
    SEED,
    SETS,
    START,
    WORLDS,
    cli_executor,
)
from triad.cli.progress import RunProgress
from triad.cli.tables import Fitted
from triad.errors import UsageError
from triad.text import format_number

if TYPE_CHECKING:
    import pandas as pd

    from triad.reports.rendering import ChartWorker
    from triad.store.result import RunResult

EXIT_INTERRUPTED = 130


def run(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="A scenario file or bundled scenario name (not with --resume).",
            show_default=False,
        ),
    ] = None,
    worlds: Annotated[int | None, WORLDS] = None,
    seed: Annotated[int | None, SEED] = None,
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
        str,
        typer.Option(
            "--charts",
            help="Charts to draw: key (one page of small fan charts of the key outcomes), "
            "all (also a fan chart of each) or none.",
        ),
    ] = "key",
    no_charts: Annotated[
        bool, typer.Option("--no-charts", help="The same as --charts none.", hidden=True)
    ] = False,
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
    from triad.reports.chart_sets import run_charts
    from triad.reports.rendering import ChartWorker, closing

    drawn = run_charts("none" if no_charts else charts)
    # started before the model is imported: the worker imports the plotting libraries meanwhile,
    # and this process never does (its chart jobs are PlotCalls), even for the one overview
    worker = ChartWorker.start(len(drawn) if resume is None else 0, least=1)
    from triad.api import resume as resume_run
    from triad.api import run as run_scenario

    console = Console()
    try:
        with cli_executor(executor) as ex, RunProgress(console) as progress, closing(worker):
            if resume is not None:
                result = resume_run(resume, executor=ex, progress=progress)
                drawn = missing_charts(result, drawn)  # it drew the ones it was started with
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
            if drawn and result.path is not None:
                draw_run_charts(result, drawn, progress, worker)
    except (KeyboardInterrupt, SystemExit) as error:
        _interrupted(error)
    console.print(summary_table(result))
    typer.echo(f"stored in {result.path}")


def draw_run_charts(
    result: RunResult,
    charts: tuple[str, ...],
    progress: RunProgress,
    worker: ChartWorker | None = None,
) -> None:
    """Draw a stored run's charts (by name), reported as their own phase of the progress.

    ``worker`` (started before the run, so that it imports the plotting libraries
    meanwhile) draws some of them beside this process.
    """
    from triad.reports.run import draw_charts
    from triad.store.run_folder import CHARTS

    assert result.path is not None
    phase = progress.phase("drawing charts", "charts")
    draw_charts(result, result.path / CHARTS, charts, progress=phase, worker=worker)


def missing_charts(result: RunResult, charts: tuple[str, ...]) -> tuple[str, ...]:
    """The charts of ``charts`` not yet stored in a stored run's folder.

    A resumed run draws the charts its progress file names; one started by ``triad run``
    names none (the command draws them after the run), so ``--resume`` draws what
    ``--charts`` asks that is missing.
    """
    from triad.reports.run import stored_chart
    from triad.store.run_folder import CHARTS

    if result.path is None:
        return ()
    return tuple(n for n in charts if not stored_chart(result.path / CHARTS / f"{n}.png"))


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
    charts: Annotated[
        str,
        typer.Option(
            "--charts",
            help="Charts to have in FOLDER/charts: key (one page of small fan charts of the "
            "key outcomes), all (also a fan chart of each) or none.",
        ),
    ] = "key",
    redraw: Annotated[
        bool, typer.Option("--redraw", help="Redraw every chart, not only the missing ones.")
    ] = False,
) -> None:
    """Print a stored result's key outcomes; draw its missing charts into FOLDER/charts."""
    from triad.reports.chart_sets import run_charts
    from triad.reports.rendering import ChartWorker, closing
    from triad.reports.run import draw_charts, stored_chart
    from triad.store.run_folder import CHARTS, read_run

    names = run_charts(charts)
    folder_charts = folder / CHARTS
    wanted = [n for n in names if redraw or not stored_chart(folder_charts / f"{n}.png")]
    worker = ChartWorker.start(len(wanted), least=1)  # imports while the result is read
    with closing(worker):
        result = read_run(folder, lazy=True)
        Console().print(summary_table(result))
        if not names:
            return
        with RunProgress(Console(stderr=True), delay=0) as progress:
            phase = progress.phase("drawing charts", "charts")
            drawn = draw_charts(result, folder_charts, wanted, progress=phase, worker=worker)
    kept = len(names) - len(drawn)
    typer.echo(f"charts in {folder_charts}: {len(drawn)} drawn, {kept} stored ones reused")


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
