"""Scenario commands: validate files, print the schema, list and show scenarios.

Each command calls one library function (:mod:`triad.scenario.loader`,
:func:`triad.validate.validate_scenario`) and prints the result.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from triad.cli.options import SETS
from triad.errors import Problem

FILES = typer.Argument(help="Scenario files or bundled scenario names.", show_default=False)
STRICT = typer.Option(
    "--strict",
    help="Also warn about values a base file (one without extends:) writes at their default "
    "for a policy it does not run.",
)


def validate(
    files: Annotated[list[str], FILES],
    sets: Annotated[list[str] | None, SETS] = None,
    strict: Annotated[bool, STRICT] = False,
) -> None:
    """Validate scenarios: print 'ok' for each that loads, and every error and warning.

    Errors (exit code 2) stop a scenario from loading. Warnings (exit code 0) flag what
    would run but be clipped or ignored: an event scale that can leave a parameter's range,
    or a value that only a policy the scenario does not run reads.
    """
    from triad.validate import validate_scenario

    failed = False
    for ref in files:
        problems = validate_scenario(ref, sets or (), strict=strict)
        failed = failed or any(problem.is_error for problem in problems)
        _print_result(ref, problems)
    if failed:
        raise typer.Exit(2)


def _print_result(ref: str, problems: list[Problem]) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)
    if not any(problem.is_error for problem in problems):
        warnings = len(problems)
        noun = "warning" if warnings == 1 else "warnings"
        typer.echo(f"ok  {ref}" + (f" ({warnings} {noun})" if warnings else ""))


def schema() -> None:
    """Print the JSON Schema of scenario files (for editors and other tools)."""
    from triad.scenario.schema import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(), indent=2))


def scenarios() -> None:
    """List the bundled scenarios."""
    from triad.scenario.loader import bundled_catalogue

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
    from triad.scenario.loader import scenario_yaml

    typer.echo(scenario_yaml(name, resolved=resolved, overrides=sets or ()).rstrip("\n"))
