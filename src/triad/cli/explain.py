"""``triad explain``: why do two scenarios differ? Shapley attribution of a metric's difference.

It calls :func:`triad.experiments.explain.explain`, prints the table and writes the folder
with :func:`triad.reports.attribution.write`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from triad.cli.options import (
    CHUNK_SIZE,
    EXECUTOR,
    FIX_UNCERTAIN,
    new_folder,
    out_option,
    run_context,
)
from triad.cli.progress import counter
from triad.cli.tables import Fitted
from triad.text import format_number, signed

if TYPE_CHECKING:
    from triad.experiments.explain import Attribution

# triad.experiments.explain's values, kept here so that --help does not import the model;
# tests/test_startup.py checks that they equal the library's.
EXACT_LIMIT = 10
DEFAULT_PERMUTATIONS = 64

A = typer.Argument(help="Scenario A (the reference): bundled name or file.", show_default=False)
B = typer.Argument(help="Scenario B: bundled name or file.", show_default=False)
METRIC = typer.Option(
    "--metric",
    help="The metric to explain: NAME, or NAME@YYYY-MM to read it at that month.",
    show_default=False,
)
WORLDS = typer.Option("--worlds", min=1, help="Worlds per run (default: A's).", show_default=False)
SEED = typer.Option(
    "--seed", min=0, help="Seed shared by every run (default: A's).", show_default=False
)
MONTH = typer.Option(
    "--month",
    help="YYYY-MM at which the metric is taken, as NAME@YYYY-MM does (default: the horizon).",
    show_default=False,
)
PERMUTATIONS = typer.Option(
    "--permutations",
    min=2,
    help=f"Random permutations sampled when A and B differ in more than {EXACT_LIMIT} items.",
)
OUT = out_option("explain")


def explain_command(
    a: Annotated[str, A],
    b: Annotated[str, B],
    metric: Annotated[str, METRIC],
    worlds: Annotated[int | None, WORLDS] = None,
    seed: Annotated[int | None, SEED] = None,
    month: Annotated[str | None, MONTH] = None,
    permutations: Annotated[int, PERMUTATIONS] = DEFAULT_PERMUTATIONS,
    out: Annotated[Path | None, OUT] = None,
    executor: Annotated[str, EXECUTOR] = "local",
    chunk_size: Annotated[int | None, CHUNK_SIZE] = None,
    fix_uncertain: Annotated[bool, FIX_UNCERTAIN] = False,
) -> None:
    """Attribute the difference in a metric between A and B to what differs (Shapley)."""
    from triad.experiments.explain import explain
    from triad.reports.attribution import write
    from triad.runs.options import RunOptions

    target = new_folder(out, "explain")
    with counter("Running coalitions", None, TimeElapsedColumn()) as progress:
        result = explain(
            a,
            b,
            metric,
            month=month,
            permutations=permutations,
            options=RunOptions(worlds=worlds, seed=seed, fix_uncertain=fix_uncertain),
            context=run_context(executor, chunk_size, progress),
        )
    Console().print(attribution_table(result))
    typer.echo(result.check_text())
    write(result, target)
    typer.echo(f"Attribution: {target / 'attribution.csv'}")


def attribution_table(result: Attribution) -> Fitted:
    """Each item's value in A and B and its contribution, largest first, then the total.

    On a terminal too narrow for A's and B's values side by side, B's goes under A's; item
    names fold, contributions are never cut.
    """
    a, b = result.labels
    title = Text(
        f"Why {b} differs from {a}: mean {result.metric} in {result.date} "
        f"({result.worlds} paired worlds)"
    )
    caption = Text(f"{result.method_text()}; contributions are in the metric's unit")
    wide = Table(title=title, caption=caption, box=box.SIMPLE_HEAD)
    wide.add_column(Text("item [kind]"), no_wrap=True)
    wide.add_column(Text("in A"), min_width=16, overflow="fold")
    wide.add_column(Text("in B"), min_width=16, overflow="fold")
    wide.add_column(Text("contribution"), justify="right", no_wrap=True)
    narrow = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, pad_edge=False)
    narrow.add_column(Text("item [kind]"), overflow="fold")
    narrow.add_column(Text("in A\nin B"), overflow="fold")
    narrow.add_column(Text("contribution"), justify="right", no_wrap=True)
    rows = [(Text(f"A: {a}"), "", "", format_number(result.value_a))]
    for row in result.frame().to_dict("records"):
        name = Text(str(row["item"]))
        name.append(f"\n[{row['kind']}]", style="dim")
        contribution = signed(float(row["contribution"]))
        rows.append((name, str(row["value_a"]), str(row["value_b"]), contribution))
    rows.append((Text(f"B: {b}"), "", "", format_number(result.value_b)))
    rows.append((Text("total (B - A)"), "", "", signed(result.total)))
    for name, in_a, in_b, number in rows:
        section = name.plain == f"B: {b}"
        wide.add_row(name, Text(in_a), Text(in_b), Text(number), end_section=section)
        both = Text(f"A: {in_a}\nB: {in_b}") if in_a or in_b else Text("")
        narrow.add_row(name, both, Text(number), end_section=section)
    return Fitted(wide, narrow)
