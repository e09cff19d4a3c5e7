"""``triad backtest``: a scenario against historical targets, as a table, CSV and chart.

It calls :func:`triad.experiments.backtest.backtest`, prints the table and writes the
folder with :func:`triad.reports.backtest.write`.
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
    SCENARIO,
    SEED,
    SETS,
    WORLDS,
    new_folder,
    out_option,
    run_context,
)
from triad.cli.progress import status
from triad.text import format_number

if TYPE_CHECKING:
    from triad.experiments.backtest import Backtest

TARGETS = typer.Option(
    "--targets",
    help="Targets file in the format of data/history.yaml (default: the project's, "
    "the targets marked for this scenario).",
    show_default=False,
)
OUT = out_option("backtest")


def backtest_command(
    scenario: Annotated[str, SCENARIO],
    targets: Annotated[Path | None, TARGETS] = None,
    worlds: Annotated[int | None, WORLDS] = None,
    seed: Annotated[int | None, SEED] = None,
    sets: Annotated[list[str] | None, SETS] = None,
    out: Annotated[Path | None, OUT] = None,
    executor: Annotated[str, EXECUTOR] = "local",
    chunk_size: Annotated[int | None, CHUNK_SIZE] = None,
) -> None:
    """Compare a scenario with history: table, hit rate, backtest.csv and a chart."""
    from triad.experiments.backtest import CHART_NAME, CSV_NAME, backtest
    from triad.reports.backtest import write
    from triad.runs.options import RunOptions

    folder = new_folder(out, "backtest")
    with status("Running the ensemble"):
        result = backtest(
            scenario,
            targets,
            options=RunOptions(worlds=worlds, seed=seed, overrides=sets or ()),
            context=run_context(executor, chunk_size),
        )
    Console().print(backtest_table(result))
    typer.echo(hit_rate_line(result))
    write(result, folder)
    typer.echo(f"Table: {folder / CSV_NAME}")
    typer.echo(f"Chart: {folder / CHART_NAME}")


def hit_rate_line(result: Backtest) -> str:
    """The line printed under the table: hits of the targets inside the horizon, as a share."""
    outside = len(result.table) - result.checked
    rate = f"{result.hit_rate:.0%}" if result.checked else "n/a"
    line = f"Hit rate: {result.hits} of {result.checked} targets inside the horizon ({rate})"
    return line + (f"; {outside} outside the horizon" if outside else "")


def backtest_table(result: Backtest) -> Table:
    """One row per target: the figure and its range, the model's median and 90%, the result.

    Fits an 80-column terminal: the period sits under the target's id, the ranges under
    the values.
    """
    table = Table(
        title=Text(result.title),
        caption=Text(
            "reproduced: the ensemble median lies in [low, high]; tuned: the scenario's "
            "inputs were chosen to reproduce the figure"
        ),
        box=box.SIMPLE_HEAD,
    )
    table.add_column(Text("target\n(period)"))
    table.add_column(Text("history\n[low, high]"), justify="right", no_wrap=True)
    table.add_column(Text("model median\n[90% of worlds]"), justify="right", no_wrap=True)
    table.add_column(Text("result"), no_wrap=True)
    for row in result.table.to_dict("records"):
        status = str(row["status"])
        known = status != "outside horizon"
        table.add_row(
            _two_lines(str(row["id"]), f"({row['period']})"),
            _two_lines(*_range(row["value"], row["low"], row["high"])),
            _two_lines(*_range(row["median"], row["p05"], row["p95"])) if known else Text("-"),
            _two_lines(status, "tuned" if row["tuned"] else "", style=_style(status)),
        )
    return table


def _two_lines(first: str, second: str, style: str = "") -> Text:
    text = Text(first, style=style)
    if second:
        text.append("\n" + second, style="dim")
    return text


def _range(middle: object, low: object, high: object) -> tuple[str, str]:
    value, lo, hi = (format_number(float(str(x))) for x in (middle, low, high))
    return value, f"[{lo}, {hi}]"


def _style(status: str) -> str:
    return {"inside": "green", "outside": "red"}.get(status, "dim")
