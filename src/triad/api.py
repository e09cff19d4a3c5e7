"""The Python API in one call: run a scenario as an ensemble and, if asked, store it.

``triad run`` on the command line is a thin wrapper around :func:`run`::

    import triad

    result = triad.run("ceasefire_2025", worlds=1000, seed=7, save=True)
    result.summary()            # median and 90% interval of the key outcomes
    result.path                 # runs/ceasefire_2025/<UTC start>-<hash8>/
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from triad.errors import Problem, ScenarioError
from triad.experiments import provenance
from triad.experiments.ensemble import Progress, run_ensemble, with_options
from triad.experiments.results import RunResult
from triad.experiments.store import check_target, save_run
from triad.scenario.loader import SET_FILE, load_scenario
from triad.scenario.report import Location, SourceMap, problems_from_validation
from triad.scenario.schema import Scenario

__all__ = ["resolve_scenario", "run"]

OPTIONS_FILE: Final = "<run options>"
"""How problems with ``worlds``, ``seed`` or ``months`` name their source."""


def run(
    scenario: str | Path | Scenario,
    *,
    worlds: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    overrides: Sequence[str] = (),
    chunk_size: int | None = None,
    log_worlds: int = 100,
    progress: Progress | None = None,
    out: Path | None = None,
    save: bool = False,
    root: Path = Path("runs"),
    charts: bool = True,
) -> RunResult:
    """Run a scenario as an ensemble of worlds; store the result if asked.

    Args:
        scenario: A bundled scenario name, a scenario file, or a resolved ``Scenario``.
        worlds: Worlds in the ensemble (default: the scenario's).
        seed: Seed of every random draw (default: the scenario's).
        months: Horizon in months (default: the scenario's).
        overrides: ``PATH=VALUE`` strings applied after ``extends`` (names and files only).
        chunk_size: Worlds simulated at a time (bounds memory; results do not depend on it).
        log_worlds: Worlds with a global index below this keep an event log.
        progress: Called with (world-months done, world-months in all) as the run goes.
        out: Store the result in exactly this folder (must not exist, or be empty).
        save: Store the result in a new folder under ``root``.
        root: The results store used when ``save`` is set and ``out`` is not.
        charts: When storing, draw a fan chart of each key metric.

    Returns:
        The run: every metric of every world and month, the events, its manifest, and its
        folder if stored.

    Raises:
        ScenarioError: If the scenario cannot be found or loaded, or an option is invalid.
        StoreError: If ``out`` is taken (checked before running) or storing fails.
    """
    resolved = resolve_scenario(scenario, overrides, worlds=worlds, seed=seed, months=months)
    if out is not None:
        check_target(out)
    started = provenance.now()
    simulation = run_ensemble(
        resolved, chunk_size=chunk_size, log_worlds=log_worlds, progress=progress
    )
    extra = _extra(scenario, overrides, chunk_size=chunk_size, log_worlds=log_worlds)
    result = RunResult(simulation, provenance.manifest(resolved, started, provenance.now(), extra))
    if save or out is not None:
        return save_run(result, out=out, root=root, charts=charts)
    return result


def resolve_scenario(
    scenario: str | Path | Scenario,
    overrides: Sequence[str] = (),
    *,
    worlds: int | None = None,
    seed: int | None = None,
    months: int | None = None,
) -> Scenario:
    """Load a scenario (unless given one), apply ``--set`` overrides, then run options.

    Raises:
        ScenarioError: With every problem found; option problems name ``<run options>``.
    """
    if isinstance(scenario, Scenario):
        if overrides:
            raise ScenarioError([_overrides_need_a_file()])
        base = scenario
    else:
        base = load_scenario(scenario, overrides)
    try:
        return with_options(base, worlds=worlds, seed=seed, months=months)
    except ValidationError as error:
        sources = SourceMap({}, Location(OPTIONS_FILE))
        given = {"worlds": worlds, "seed": seed, "months": months}
        data = base.model_dump() | {k: v for k, v in given.items() if v is not None}
        raise ScenarioError(problems_from_validation(error, sources, data)) from None


def _overrides_need_a_file() -> Problem:
    return Problem(
        SET_FILE,
        0,
        0,
        "",
        "overrides apply to scenario names and files, not to a Scenario object",
        "change the object with scenario.model_copy(update=...), or pass its file",
    )


def _extra(
    scenario: str | Path | Scenario,
    overrides: Sequence[str],
    *,
    chunk_size: int | None,
    log_worlds: int,
) -> dict[str, Any]:
    """Manifest entries beyond the scenario: how it was asked for and how it was run."""
    source = None if isinstance(scenario, Scenario) else str(scenario)
    return {
        "chunk_size": chunk_size,
        "log_worlds": log_worlds,
        "source": source,
        "overrides": list(overrides),
    }
