"""``triad sensitivity``: Morris or Sobol indices of one outcome, as a table, CSV and chart.

It calls :func:`triad.experiments.sensitivity.sensitivity`, prints the indices and writes
the folder with :func:`triad.reports.sensitivity.write`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

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
    SETS,
    new_folder,
    out_option,
    run_context,
)
from triad.cli.progress import status
from triad.text import format_number

if TYPE_CHECKING:
    from triad.experiments.sensitivity import Method, Sensitivity

DEFAULT_N: dict[str, int] = {"morris": 20, "sobol": 256}
"""``triad.experiments.sensitivity.DEFAULT_N``, kept here so that ``--help`` does not import
SALib; tests/test_startup.py checks that it equals the library's."""

METHOD = typer.Option("--method", help="morris (screening) or sobol (variance shares).")
PARAMS = typer.Option(
    "--param",
    help="A parameter to vary uniformly: PATH=LO:HI, e.g. russia.war.dud_rate=0.1:0.3, or "
    "a policy over its choices, e.g. china.policy=punisher,enforcer. Repeat for several.",
    show_default=False,
)
METRIC = typer.Option(
    "--metric",
    help="The outcome: a metric at the horizon (NAME) or at a month (NAME@YYYY-MM).",
    show_default=False,
)
SIZE = typer.Option(
    "--n",
    min=1,
    help=f"Morris trajectories [default {DEFAULT_N['morris']}] or Sobol's base sample, "
    f"a power of 2 [default {DEFAULT_N['sobol']}].",
    show_default=False,
)
PER_POINT = typer.Option("--worlds-per-point", min=1, help="Worlds per point, averaged.")
SEED = typer.Option(
    "--seed",
    min=0,
    help="Seeds the sample, the worlds and the bootstrap (default: the scenario's).",
)
OUT = out_option("sensitivity")


def sensitivity_command(
    scenario: Annotated[str, SCENARIO],
    params: Annotated[list[str], PARAMS],
    metric: Annotated[str, METRIC],
    method: Annotated[str, METHOD] = "sobol",
    n: Annotated[int | None, SIZE] = None,
    worlds_per_point: Annotated[int, PER_POINT] = 1,
    seed: Annotated[int | None, SEED] = None,
    sets: Annotated[list[str] | None, SETS] = None,
    out: Annotated[Path | None, OUT] = None,
    executor: Annotated[str, EXECUTOR] = "local",
    chunk_size: Annotated[int | None, CHUNK_SIZE] = None,
    fix_uncertain: Annotated[bool, FIX_UNCERTAIN] = False,
) -> None:
    """Which parameters drive an outcome: Morris or Sobol indices, all points as one ensemble."""
    from triad.errors import ExperimentError
    from triad.experiments.parameters import parse_outcome, parse_range
    from triad.experiments.sensitivity import METHODS, sensitivity
    from triad.reports.sensitivity import write
    from triad.runs.options import RunOptions

    if method not in METHODS:
        raise ExperimentError(f"unknown method {method!r}; use one of: {', '.join(METHODS)}")
    ranges = [parse_range(text) for text in params]
    outcome = parse_outcome(metric)
    folder = new_folder(out, "sensitivity")
    with status("Sampling, running and analysing"):
        result = sensitivity(
            scenario,
            cast("Method", method),
            ranges,
            outcome,
            n=n,
            worlds_per_point=worlds_per_point,
            options=RunOptions(seed=seed, overrides=sets or (), fix_uncertain=fix_uncertain),
            context=run_context(executor, chunk_size),
        )
    Console().print(indices_table(result))
    write(result, folder)
    typer.echo(f"Indices: {folder / 'indices.csv'}")
    typer.echo(f"Chart: {folder / 'sensitivity.png'}")


def indices_table(result: Sensitivity) -> Table:
    """The indices, one row per parameter, most influential first."""
    from triad.experiments.sensitivity import INDEX_COLUMNS

    columns = INDEX_COLUMNS[result.method]
    points, k = len(result.outputs), result.worlds_per_point
    meaning = (
        "μ*: mean absolute elementary effect, σ: their spread"
        if result.method == "morris"
        else "S1: share of variance from the parameter alone, ST: with its interactions"
    )
    table = Table(
        title=Text(
            f"{result.method.capitalize()} indices of {result.outcome.label} "
            f"in {result.scenario.name}"
        ),
        caption=Text(
            f"{points:,} points x {k} world{'s' if k > 1 else ''} per point, run as one "
            f"ensemble of {points * k:,} worlds\n{meaning}; *_conf: 95% half-width"
        ),
        box=box.SIMPLE_HEAD,
    )
    table.add_column("parameter", overflow="fold")  # a long path folds; numbers are never cut
    for column in columns:
        table.add_column(column, justify="right", no_wrap=True)
    rows = {str(row["parameter"]): row for row in result.indices.to_dict("records")}
    for path in result.ranking:
        cells = (Text(format_number(float(rows[path][c]))) for c in columns)
        table.add_row(Text(path), *cells)
    return table
