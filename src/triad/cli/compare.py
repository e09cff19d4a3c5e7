"""``triad compare``: run scenarios on common random numbers, print the differences, write a report.

It calls :func:`triad.experiments.compare.compare`, prints the differences and writes the
report with :func:`triad.reports.comparison.write`.
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
    START,
    cli_executor,
    new_folder,
    out_option,
    run_context,
)
from triad.cli.progress import RunProgress
from triad.text import signed

if TYPE_CHECKING:
    from triad.experiments.compare import Comparison

SCENARIOS = typer.Argument(
    help="Two or more bundled scenario names, scenario files or stored run folders; "
    "the first is the reference.",
    show_default=False,
)
WORLDS = typer.Option("--worlds", min=1, help="Worlds per scenario (default: the first's).")
SEED = typer.Option("--seed", min=0, help="Seed shared by every scenario (default: the first's).")
MONTHS = typer.Option("--months", min=1, help="Horizon in months (default: the first's).")
METRICS = typer.Option(
    "--metric",
    help="A metric to compare (repeat for several); NAME@YYYY-MM reads it at that month "
    "(default: the key metrics, at the horizon).",
    show_default=False,
)
AT = typer.Option(
    "--at",
    help="A month YYYY-MM at which to read the differences (repeat for several) "
    "(default: the horizon).",
    show_default=False,
)
SETS = typer.Option(
    "--set",
    help="Override a value in every scenario given by name or file: PATH=VALUE. "
    "Repeat for several.",
    show_default=False,
)
LABELS = typer.Option(
    "--label",
    help="A label for each scenario, in order (repeat once per scenario) "
    "(default: the scenario names, name#2 for a repeat).",
    show_default=False,
)
CHARTS = typer.Option(
    "--charts",
    help="Charts to draw: key (the overview and the differences, at the months read and "
    "over time), all (also a fan chart and a distribution per metric) or none.",
)
OUT = out_option("compare", "Report folder")


def compare_command(
    scenarios: Annotated[list[str], SCENARIOS],
    worlds: Annotated[int | None, WORLDS] = None,
    seed: Annotated[int | None, SEED] = None,
    months: Annotated[int | None, MONTHS] = None,
    start: Annotated[str | None, START] = None,
    metric: Annotated[list[str] | None, METRICS] = None,
    at: Annotated[list[str] | None, AT] = None,
    sets: Annotated[list[str] | None, SETS] = None,
    label: Annotated[list[str] | None, LABELS] = None,
    out: Annotated[Path | None, OUT] = None,
    charts: Annotated[str, CHARTS] = "key",
    executor: Annotated[str, EXECUTOR] = "local",
    chunk_size: Annotated[int | None, CHUNK_SIZE] = None,
    fix_uncertain: Annotated[bool, FIX_UNCERTAIN] = False,
) -> None:
    """Compare scenarios: fan charts, final distributions, differences and divergence dates."""
    from triad.reports.chart_sets import COMPARISON_KEY, check_charts
    from triad.reports.rendering import ChartWorker, closing

    charts = check_charts(charts)
    target = new_folder(out, "compare")
    # started before the model is imported: the worker imports the plotting libraries meanwhile
    worker = ChartWorker.start(len(COMPARISON_KEY) if charts != "none" else 0)
    from triad.experiments.compare import compare
    from triad.reports.comparison import write
    from triad.runs.ensemble import KEY_METRICS
    from triad.runs.options import RunOptions

    progress = RunProgress(Console(stderr=True), finishing="comparing")
    with cli_executor(executor) as ex, progress:
        comparison = compare(
            scenarios,
            metrics=metric or KEY_METRICS,
            at=at or (),
            labels=label or (),
            options=RunOptions(worlds, seed, months, start, sets or (), fix_uncertain),
            context=run_context(ex, chunk_size, progress),
        )
    console = Console()
    with RunProgress(Console(stderr=True), delay=0) as drawing, closing(worker):
        folder = write(
            comparison,
            target,
            charts,
            progress=drawing.phase("drawing charts", "charts"),
            worker=worker,
            meanwhile=lambda: console.print(differences_table(comparison)),  # worker draws
        )
    typer.echo(f"Report: {folder / 'report.md'}")  # never wrapped: it gets copied


def differences_table(comparison: Comparison) -> Table:
    """The headline differences from the reference, one row per reading and scenario.

    A reading is a metric at a month: the horizon unless ``--at`` or ``NAME@YYYY-MM`` chose
    others; the month is shown under the scenario, before the divergence month.

    Each row keeps Monte Carlo precision and the spread across worlds apart: under the
    median difference, its Monte Carlo 90% interval (a bootstrap of the median: how
    precisely the worlds pin it down); beside it, the 5th-95th percentile of the worlds'
    own differences and, under it, the share of worlds with the median's sign. Two lines a
    row (the unit under the metric's name, the divergence month under the scenario), no
    vertical borders, so that it fits an 80-column terminal; a metric with another form (a
    cumulative total's monthly flow, a flow's total) gets a third line under its name: that
    form's name and its median difference at the same month, read side by side.
    """
    months = comparison.months_read
    table = Table(
        title=Text(
            f"Differences from {comparison.reference} in {', '.join(months)} "
            f"({len(comparison.world_ids)} paired worlds)"
        ),
        caption=Text(
            "median: of the world-by-world differences; MC 90% CI: Monte Carlo precision of "
            "that median (a bootstrap; it shrinks with more worlds and is not uncertainty "
            "about the effect); across worlds: 5th-95th percentile of the differences, and "
            "the share of worlds with the median's sign; diverges: first month from which "
            "95% of worlds differ in the same direction, to the horizon"
        ),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column(Text("metric [unit]"), no_wrap=True)
    dated = len(months) > 1
    table.add_column(
        Text("scenario\nat · diverges" if dated else "scenario\ndiverges"), no_wrap=True
    )
    table.add_column(Text("median\n[MC 90% CI]"), justify="right", overflow="fold")
    table.add_column(Text("across worlds\n5-95%, same sign"), justify="right", overflow="fold")
    previous = ""
    for row in comparison.differences().to_dict("records"):
        metric = str(row["metric"])
        first = metric != previous
        previous = metric
        diverges = row["divergence_date"]
        name = Text(metric) if first else Text("")
        name.append(f"\n[{row['unit']}]" if first else "\n", style="dim")
        scenario = Text(str(row["scenario"]))
        when = f"{row['at']} · " if dated else ""
        scenario.append(f"\n{when}{diverges if isinstance(diverges, str) else '-'}")
        median = Text(signed(float(row["median_difference"])))
        median.append(f"\n{_range(float(row['mc_p05']), float(row['mc_p95']))}", style="dim")
        if row["other_form"]:
            other = f"{row['other_form']} {signed(float(row['other_median_difference']))}"
            name.append(f"\n{other}")
        worlds = Text(_range(float(row["worlds_p05"]), float(row["worlds_p95"])))
        worlds.append(f"\n{float(row['worlds_same_sign']):.0%}")
        table.add_row(name, scenario, median, worlds, end_section=False)
    return table


def _range(low: float, high: float) -> str:
    return f"[{signed(low)}, {signed(high)}]"
