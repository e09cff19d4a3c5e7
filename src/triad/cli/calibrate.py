"""``triad calibrate``: tune parameters so the model reproduces target figures.

It calls :func:`triad.experiments.calibrate.calibrate`, prints the before/after table and
writes the folder with :func:`triad.reports.calibration.write`. Given several scenarios, it
tunes one parameter set for all of them (a joint calibration).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import TimeRemainingColumn
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

if TYPE_CHECKING:
    from triad.experiments.calibrate import Calibration

DEFAULT_TRIALS = 50
"""``triad.experiments.calibrate.DEFAULT_TRIALS``, kept here so that ``--help`` does not import
optuna; tests/test_startup.py checks that it equals the library's."""

SCENARIOS = typer.Argument(
    help="Bundled scenario name or scenario file. Several: one parameter set tuned for all "
    "of them (each target is scored on the scenario it names).",
    show_default=False,
)
TARGETS = typer.Option(
    "--targets",
    help="Targets file in the format of data/history.yaml; targets outside the "
    "scenario's horizon, or naming a scenario not given, are reported, not scored.",
    show_default=False,
)
PARAMS = typer.Option(
    "--param",
    help="A parameter to tune and its range: PATH=LO:HI, e.g. "
    "russia.war.fire_rate_m=0.15:0.45, or a policy and its choices, e.g. "
    "china.policy=punisher,enforcer. Repeat for several.",
    show_default=False,
)
TRIALS = typer.Option("--trials", min=1, help="Trials to run now (added to a resumed study's).")
WORLDS = typer.Option("--worlds", min=1, help="Worlds per trial (default: the scenario's).")
SEED = typer.Option(
    "--seed", min=0, help="Seed of the ensemble and the sampler (default: the scenario's)."
)
STORAGE = typer.Option(
    "--storage",
    help="Journal file holding the study: a later run with the same file and study "
    "name resumes it.",
    show_default=False,
)
STUDY = typer.Option(
    "--study",
    help="Study name in the storage (default: calibrate-<scenario names joined by +>).",
    show_default=False,
)
BATCH = typer.Option(
    "--batch",
    min=1,
    help="Trials run together as blocks of one ensemble (faster for small ensembles; "
    "1 runs every trial on the same worlds).",
)
OUT = out_option("calibrate")


def calibrate_command(
    scenarios: Annotated[list[str], SCENARIOS],
    targets: Annotated[Path, TARGETS],
    param: Annotated[list[str], PARAMS],
    trials: Annotated[int, TRIALS] = DEFAULT_TRIALS,
    worlds: Annotated[int | None, WORLDS] = None,
    seed: Annotated[int | None, SEED] = None,
    storage: Annotated[Path | None, STORAGE] = None,
    study: Annotated[str | None, STUDY] = None,
    batch: Annotated[int, BATCH] = 1,
    out: Annotated[Path | None, OUT] = None,
    executor: Annotated[str, EXECUTOR] = "local",
    chunk_size: Annotated[int | None, CHUNK_SIZE] = None,
    fix_uncertain: Annotated[bool, FIX_UNCERTAIN] = False,
) -> None:
    """Tune parameters against target figures (optuna TPE); write calibrated.yaml.

    Several scenarios are tuned jointly: one calibrated-<name>.yaml for each.
    """
    from triad.experiments.calibrate import calibrate
    from triad.experiments.targets import load_targets
    from triad.reports.calibration import write
    from triad.runs.options import RunOptions

    target = new_folder(out, "calibrate")
    figures = load_targets(targets)
    with counter("Calibrating", trials, TimeRemainingColumn()) as progress:
        result = calibrate(
            scenarios,
            figures,
            param,
            trials=trials,
            storage=storage,
            study_name=study,
            batch=batch,
            options=RunOptions(worlds=worlds, seed=seed, fix_uncertain=fix_uncertain),
            context=run_context(executor, chunk_size, progress),
        )
    console = Console()
    console.print(values_table(result))
    if result.joint:
        for fit in result.fits:
            console.print(before_after_table(result, fit.scenario.name))
    else:
        console.print(before_after_table(result))
    if result.ignored:
        left = ", ".join(f"{t.id} ({t.scenario})" for t in result.ignored)
        typer.echo(f"Not scored, as their scenario was not given: {left}")
    files = write(result, target)
    if not any(f.name == "importance.png" for f in files):
        typer.echo("Parameter importance: skipped (too few trials, or every trial scored alike).")
    for name in result.overlay_names():
        typer.echo(f"Calibrated scenario: {target / name}")


def values_table(result: Calibration) -> Table:
    """The tuned parameters: range searched and best value, with the study's size."""
    from triad.experiments.parameters import show

    trials = len(result.history())
    what = (
        f"Joint calibration of {result.name}" if result.joint else f"Calibration of {result.name}"
    )
    table = Table(
        title=Text(f"{what}: best of {trials} trials"),
        caption=Text(
            f"loss {result.loss_before:.4g} before, {result.loss_after:.4g} after "
            "(sum of each median's distance to its range, in range widths)"
        ),
        box=box.SIMPLE_HEAD,
    )
    table.add_column(Text("parameter"), overflow="fold")  # a long path folds, numbers never
    table.add_column(Text("range"), no_wrap=True)
    table.add_column(Text("best"), justify="right", no_wrap=True)
    for param in result.params:
        table.add_row(
            Text(param.path),
            Text(param.searched),
            Text(show(param.path, result.best[param.path])),
        )
    return table


def before_after_table(result: Calibration, scenario: str | None = None) -> Table:
    """Each target's range and the medians before and after, with the loss.

    Args:
        result: The calibration.
        scenario: Show only the targets of this scenario of a joint calibration, and name
            it in the title (default: every target).
    """
    frame = result.frame()
    if scenario is not None:
        frame = frame[frame["scenario"] == scenario]
    title = "Targets before and after" + (f" in {scenario}" if scenario else "")
    caption = None
    if scenario is not None:
        losses = frame[["loss_before", "loss_after"]].sum()
        caption = Text(
            f"loss {losses['loss_before']:.4g} before, {losses['loss_after']:.4g} after here"
        )
    table = Table(title=Text(title), caption=caption, box=box.SIMPLE_HEAD)
    table.add_column(Text("target"), overflow="fold")  # a long id folds, numbers never
    table.add_column(Text("range"), no_wrap=True)
    table.add_column(Text("before"), justify="right", no_wrap=True)
    table.add_column(Text("after"), justify="right", no_wrap=True)
    for row in frame.to_dict("records"):
        table.add_row(
            Text(str(row["id"])),
            Text(f"{_fmt(row['low'])} to {_fmt(row['high'])}"),
            _median(row["median_before"], row["hit_before"], row["loss_before"]),
            _median(row["median_after"], row["hit_after"], row["loss_after"]),
        )
    return table


def _median(median: float, hit: bool, loss: float) -> Text:
    if median != median:  # NaN: outside the horizon
        return Text("outside horizon", style="dim")
    return Text(f"{_fmt(median)} ({'in' if hit else f'+{loss:.2g}'})")


def _fmt(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
