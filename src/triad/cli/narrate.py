"""The narrate command: tell one world's story, from a stored run or a fresh ensemble.

The command reads the run (or resolves and runs the scenario) and prints what
:mod:`triad.narrate` writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triad.cli.options import SEED, SETS

DEFAULT_METRIC = "containers_cum"
"""``triad.narrate.DEFAULT_METRIC``, kept here so that ``--help`` does not import the model;
tests/test_startup.py checks that it equals the library's."""


def narrate(
    target: Annotated[
        str,
        typer.Argument(
            help="A result folder of `triad run`, or a scenario file or bundled name.",
            show_default=False,
        ),
    ],
    world: Annotated[
        int | None,
        typer.Option(
            "--world", help="Tell the story of this world (its index).", show_default=False
        ),
    ] = None,
    pick: Annotated[
        str | None,
        typer.Option(
            "--pick",
            help="Pick the world by the final value of --by: median, best or worst. Best is "
            "the highest value, except for dprk_food_gap, china_resentment, dprk_exposure, "
            "russia_shortfall and russia_unmet, where it is the lowest (default: median).",
            show_default=False,
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help=f"The metric to pick by: NAME (its final value) or NAME@YYYY-MM (its value "
            f"in that month) (default: {DEFAULT_METRIC}).",
            show_default=False,
        ),
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--md", help="Write Markdown: a heading per year, a bullet per line.")
    ] = False,
    worlds: Annotated[
        int | None,
        typer.Option("--worlds", min=1, help="Worlds to run (default: the scenario's)."),
    ] = None,
    seed: Annotated[int | None, SEED] = None,
    sets: Annotated[list[str] | None, SETS] = None,
) -> None:
    """Tell one world's story month by month: by default the median world by containers_cum.

    A scenario is run first; a world outside the logged sample is re-run alone with its log.
    """
    from triad.errors import NarrationError
    from triad.narrate import narrate_scenario

    path = Path(target)
    if path.is_dir():
        if worlds is not None or seed is not None or sets:
            raise NarrationError(
                f"{target} is a stored run: --worlds, --seed and --set apply to scenarios only"
            )
        typer.echo(_from_run(path, world, pick, by, markdown), nl=False)
        return
    from triad.runs.options import RunOptions, prepare_scenario

    scenario = prepare_scenario(target, RunOptions(worlds=worlds, seed=seed, overrides=sets or ()))
    story = narrate_scenario(scenario, world=world, how=pick, by=by, markdown=markdown)
    typer.echo(story, nl=False)


def _from_run(path: Path, world: int | None, pick: str | None, by: str | None, md: bool) -> str:
    from triad.narrate import narrate_ensemble
    from triad.store.run_folder import read_run

    result = read_run(path)
    request = result.manifest.request if result.manifest else None
    return narrate_ensemble(
        result.simulation,
        world=world,
        how=pick,
        by=by,
        markdown=md,
        log_worlds=request.log_worlds if request else None,
    )
