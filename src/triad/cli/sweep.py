"""``triad sweep``: outcomes over a grid of one or two parameters, as a table, CSV and charts.

It calls :func:`triad.experiments.sweep.sweep`, prints a table per outcome and writes the
folder with :func:`triad.reports.sweep.write`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from triad.cli.options import (
    CHUNK_SIZE,
    EXECUTOR,
    FIX_UNCERTAIN,
    SCENARIO,
    SEED,
    SETS,
    new_folder,
    out_option,
    run_context,
)
from triad.cli.progress import status
from triad.cli.tables import Fitted, dotted_header
from triad.text import format_number

if TYPE_CHECKING:
    from triad.experiments.sweep import Sweep

VARY = typer.Option(
    "--vary",
    help="A parameter on a grid: PATH=LO:HI:STEPS, e.g. dprk.munitions.kpa_floor=0.2:0.8:7. "
    "Give it once or twice.",
    show_default=False,
)
METRICS = typer.Option(
    "--metric",
    help="An outcome, NAME (at the horizon) or NAME@YYYY-MM; repeat for several "
    "(default: the key metrics).",
    show_default=False,
)
WORLDS = typer.Option("--worlds", min=1, help="Worlds per grid point (default: the scenario's).")
OUT = out_option("sweep")
TABLE_ROWS = 40
"""Grid points printed per outcome; the CSV holds them all."""


def sweep_command(
    scenario: Annotated[str, SCENARIO],
    vary: Annotated[list[str], VARY],
    metric: Annotated[list[str] | None, METRICS] = None,
    worlds: Annotated[int | None, WORLDS] = None,
    seed: Annotated[int | None, SEED] = None,
    sets: Annotated[list[str] | None, SETS] = None,
    out: Annotated[Path | None, OUT] = None,
    executor: Annotated[str, EXECUTOR] = "local",
    chunk_size: Annotated[int | None, CHUNK_SIZE] = None,
    fix_uncertain: Annotated[bool, FIX_UNCERTAIN] = False,
) -> None:
    """Step one or two parameters over a grid; every point runs the same worlds."""
    from triad.experiments.parameters import parse_axis, parse_outcome
    from triad.experiments.sweep import CSV_NAME, sweep
    from triad.reports.sweep import write
    from triad.runs.ensemble import KEY_METRICS
    from triad.runs.options import RunOptions

    axes = [parse_axis(text) for text in vary]
    outcomes = [parse_outcome(text) for text in (metric or KEY_METRICS)]
    folder = new_folder(out, "sweep")
    with status("Running the grid"):
        result = sweep(
            scenario,
            axes,
            outcomes,
            options=RunOptions(
                worlds=worlds, seed=seed, overrides=sets or (), fix_uncertain=fix_uncertain
            ),
            context=run_context(executor, chunk_size),
        )
    console = Console()
    for outcome in result.outcomes:
        console.print(sweep_table(result, outcome.label))
    write(result, folder)
    typer.echo(f"Table: {folder / CSV_NAME}")
    typer.echo(f"Charts: {folder}")


def sweep_table(result: Sweep, outcome: str) -> Fitted:
    """One outcome's median and 90% interval at each grid point (the first 40 points).

    On a terminal too narrow for a row a line, the parameters' paths break after their
    dots, the outcome's unit goes under its name and the interval under the median.
    """
    frame = result.frame().query("outcome == @outcome")
    paths = [a.path for a in result.axes]
    unit = frame["unit"].iloc[0]
    title = Text(f"{outcome} over the grid ({result.scenario.worlds} worlds per point)")
    caption = Text("median [5th – 95th percentile] across worlds")
    wide = Table(title=title, caption=caption, box=box.SIMPLE_HEAD)
    narrow = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, pad_edge=False)
    for path in paths:
        wide.add_column(path, justify="right", no_wrap=True)
        narrow.add_column(Text(dotted_header(path)), justify="right", no_wrap=True)
    wide.add_column(f"{outcome} [{unit}]", justify="right", no_wrap=True)
    narrow.add_column(Text(f"{dotted_header(outcome)}\n[{unit}]"), justify="right", no_wrap=True)
    for row in frame.head(TABLE_ROWS).to_dict("records"):
        cells = [row[p] if isinstance(row[p], str) else format_number(float(row[p])) for p in paths]
        median, low, high = (format_number(float(row[k])) for k in ("p50", "p05", "p95"))
        wide.add_row(*map(Text, cells), Text(f"{median} [{low} – {high}]"))
        narrow.add_row(*map(Text, cells), Text(f"{median}\n[{low} – {high}]"))
    return Fitted(wide, narrow)
