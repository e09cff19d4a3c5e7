"""``triad demo``: the main job - check the bundled scenarios, then compare the what-ifs.

``make demo`` runs it on a fresh machine; it writes a report with charts and prints where.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triad.cli.compare import compare_command
from triad.cli.options import default_folder

WHAT_IFS = ["baseline", "ceasefire_2025", "china_punishes", "tech_for_shells"]
DEMO_WORLDS = 500


def demo(
    worlds: Annotated[
        int, typer.Option("--worlds", min=1, help="Worlds per scenario.")
    ] = DEMO_WORLDS,
    out: Annotated[
        Path | None, typer.Option("--out", help="Report folder (must not exist or be empty).")
    ] = None,
) -> None:
    """Check every bundled scenario, then compare baseline with three what-ifs."""
    from triad.scenario.loader import check_bundled

    checked = check_bundled()
    problems = {name: found for name, found in checked.items() if found}
    for found in problems.values():
        for problem in found:
            typer.echo(str(problem), err=True)
    if problems:
        raise typer.Exit(2)
    typer.echo(f"All {len(checked)} bundled scenarios are valid.")
    target = out or default_folder("demo")
    compare_command(WHAT_IFS, worlds=worlds, out=target)
