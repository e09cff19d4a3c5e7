"""Telling one world's story: of a finished ensemble, or of a scenario run for it."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from triad.errors import ExperimentError, NarrationError
from triad.narrate.choice import check_choice, choose_world, outcome_of
from triad.narrate.months import story_lines
from triad.narrate.render import header_lines, render_markdown, render_text, summary_rows
from triad.narrate.track import is_logged, world_log, world_track
from triad.runs.ensemble import run_ensemble, with_options
from triad.runs.simulation import Simulation
from triad.scenario.schema import Scenario


def narrate_ensemble(
    sim: Simulation,
    *,
    world: int | None = None,
    how: str | None = None,
    by: str | None = None,
    markdown: bool = False,
    log_worlds: int | None = None,
) -> str:
    """Choose a world of a finished ensemble (see :func:`choose_world`) and tell its story.

    Args:
        sim: The ensemble, e.g. of a stored run.
        world: A global world index.
        how: ``median``, ``best`` or ``worst``.
        by: The metric to pick by.
        markdown: Markdown instead of plain text.
        log_worlds: Worlds below this index kept an event log (inferred when None).
    """
    choice = choose_world(sim, world, how, by)
    return narrate(
        sim, choice.world, markdown, note=choice.note, extra=choice.extra, log_worlds=log_worlds
    )


def narrate_scenario(
    scenario: Scenario,
    *,
    world: int | None = None,
    how: str | None = None,
    by: str | None = None,
    markdown: bool = False,
    log_worlds: int = 100,
) -> str:
    """Run a scenario's ensemble, choose a world and tell its story with its full log.

    If the chosen world is outside the logged sample, it is run again alone with a log:
    world k is bit-identical when run alone, so the story matches the ensemble.

    Args:
        scenario: A resolved scenario (its worlds, seed and months are used).
        world: A global world index.
        how: ``median``, ``best`` or ``worst``.
        by: The metric to pick by.
        markdown: Markdown instead of plain text.
        log_worlds: Worlds below this index keep an event log in the ensemble run.

    Raises:
        NarrationError: If the choice of world is invalid (checked before running).
    """
    check_choice(world, how, by)
    if by is not None:
        _check_month(scenario, by)
    if world is not None and not 0 <= world < scenario.worlds:
        raise NarrationError(
            f"world {world} is not in this ensemble (worlds 0-{scenario.worlds - 1})"
        )
    sim = run_ensemble(scenario, log_worlds=log_worlds)
    choice = choose_world(sim, world, how, by)
    k, story_sim = choice.world, sim
    if k >= log_worlds:  # run world k alone with a log: its results are bit-identical
        story_sim = run_ensemble(_one_world(scenario), first_world=k, log_worlds=k + 1)
    return narrate(
        story_sim,
        k,
        markdown,
        ensemble=sim,
        note=choice.note,
        extra=choice.extra,
        log_worlds=max(log_worlds, k + 1),
    )


def _check_month(scenario: Scenario, by: str) -> None:
    """Refuse a ``NAME@YYYY-MM`` outside the scenario's horizon before anything runs."""
    try:
        outcome_of(by).month(scenario)
    except ExperimentError as error:
        raise NarrationError(str(error)) from None


def _one_world(scenario: Scenario) -> Scenario:
    try:
        return with_options(scenario, worlds=1)
    except ValidationError as error:  # pragma: no cover - a valid scenario stays valid
        raise NarrationError(f"cannot re-run one world: {error}") from None


def narrate(
    sim: Simulation,
    world: int,
    markdown: bool = False,
    *,
    ensemble: Simulation | None = None,
    note: str = "",
    extra: Sequence[str] = (),
    log_worlds: int | None = None,
) -> str:
    """The month-by-month story of one world.

    Args:
        sim: A simulation holding the world (its metrics and, if logged, its events).
        world: The global world index.
        markdown: Markdown (a heading per year, a bullet per line) instead of plain text.
        ensemble: The ensemble to compare the final state with (default: ``sim``); pass
            it when ``sim`` holds the world alone.
        note: A line for the header, e.g. why this world was chosen.
        extra: Metrics to add to the final-state table, e.g. the one the world was
            picked by.
        log_worlds: Worlds below this index kept an event log. When None, the world counts
            as logged if the log has rows for it or for a world of higher index.

    Returns:
        The story as text.

    Raises:
        NarrationError: If the world is not in ``sim``.
    """
    track = world_track(sim, world)
    logged = is_logged(sim.events, world, log_worlds)
    lines = story_lines(track, world_log(sim.events, world) if logged else None)
    header = header_lines(track, ensemble or sim, note, logged)
    summary = summary_rows(track, ensemble or sim, extra)
    render = render_markdown if markdown else render_text
    return render(track, header, lines, summary)
