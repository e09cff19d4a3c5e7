"""Scenario commands: validate files, print the schema, list and show scenarios.

Each command parses its arguments, calls one function of :mod:`triad.scenario.loader` and
prints the result; errors are :class:`~triad.errors.TriadError` s that the app reports.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from triad.errors import Problem
from triad.scenario.loader import (
    bundled_catalogue,
    scenario_yaml,
    validate_file,
)
from triad.scenario.schema import Scenario

FILES = typer.Argument(help="Scenario files or bundled scenario names.", show_default=False)
SETS = typer.Option(
    "--set",
    help="Override a value after extends: PATH=VALUE, e.g. russia.tech_transfer.max_tier=2. "
    "Repeat for several.",
    show_default=False,
)


def validate(files: Annotated[list[str], FILES]) -> None:
    """Validate scenarios: print 'ok' for each good one and every problem of the others."""
    failed = False
    for ref in files:
        problems = validate_file(ref)
        failed = failed or bool(problems)
        _print_result(ref, problems)
    if failed:
        raise typer.Exit(2)


def _print_result(ref: str, problems: list[Problem]) -> None:
    if not problems:
        typer.echo(f"ok  {ref}")
    for problem in problems:
        typer.echo(str(problem), err=True)


def schema() -> None:
    """Print the JSON Schema of scenario files (for editors and other tools)."""
    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


def scenarios() -> None:
    """List the bundled scenarios."""
    _print_catalogue(bundled_catalogue())


def _print_catalogue(rows: list[tuple[str, str]]) -> None:
    table = Table(title="Bundled scenarios")
    table.add_column("name", no_wrap=True)
    table.add_column("title")
    for name, title in rows:
        table.add_row(Text(name), Text(title))
    Console().print(table)


def scenario(
    name: Annotated[str, typer.Argument(help="A scenario file or bundled name.")],
    resolved: Annotated[
        bool,
        typer.Option(
            "--resolved", help="Print the scenario after extends and --set, with every field."
        ),
    ] = False,
    sets: Annotated[list[str] | None, SETS] = None,
) -> None:
    """Print a scenario as YAML: as written, or fully resolved and validated."""
    typer.echo(scenario_yaml(name, resolved=resolved, overrides=sets or ()).rstrip("\n"))
