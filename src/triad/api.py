"""The Python API in one call: run a scenario as an ensemble and, if asked, store it.

``triad run`` on the command line is a thin wrapper around :func:`run`::

    import triad

    result = triad.run("ceasefire_2025", worlds=1000, seed=7, save=True)
    result.summary()            # median and 90% interval of the key outcomes
    result.path                 # runs/ceasefire_2025/<UTC start>-<hash8>/

Chunks of worlds can run on a process pool or a Dask cluster (``executor="processes:2"``,
``"dask"``, ``"dask:tcp://host:8786"``) with identical results; large stored runs stream to
disk chunk by chunk (``stream=True``, automatic above 1 GiB of metrics) and an interrupted
one is finished by :func:`resume`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from triad.errors import Problem, ScenarioError, StoreError
from triad.reports.run import draw_charts
from triad.runs.arguments import check_executor, check_folder, check_options, check_whole
from triad.runs.ensemble import Progress, run_ensemble, with_options
from triad.runs.executors import ExecutorLike, executor_name
from triad.scenario.loader import SET_FILE, load_scenario
from triad.scenario.report import Location, SourceMap, problems_from_validation
from triad.scenario.schema import Scenario
from triad.store import provenance
from triad.store.manifest import RunRequest
from triad.store.result import RunResult
from triad.store.run_folder import check_target, save_run
from triad.store.streaming import resume_run, should_stream, stream_run

__all__ = ["resolve_scenario", "resume", "run"]

OPTIONS_FILE: Final = "<run options>"
"""How problems with ``worlds``, ``seed`` or ``months`` name their source."""


def run(
    scenario: str | Path | Scenario,
    *,
    worlds: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    start: str | None = None,
    overrides: Sequence[str] = (),
    chunk_size: int | None = None,
    log_worlds: int = 100,
    progress: Progress | None = None,
    out: Path | None = None,
    save: bool = False,
    root: Path = Path("runs"),
    charts: bool = True,
    executor: ExecutorLike = None,
    stream: bool | None = None,
    fix_uncertain: bool = False,
) -> RunResult:
    """Run a scenario as an ensemble of worlds; store the result if asked.

    Args:
        scenario: A bundled scenario name, a scenario file, or a resolved ``Scenario``.
        worlds: Worlds in the ensemble (default: the scenario's).
        seed: Seed of every random draw (default: the scenario's).
        months: Horizon in months (default: the scenario's).
        start: First month, ``YYYY-MM`` (default: the scenario's). Dated events before it
            are left out with a note: the model starts from the scenario's initial values
            at this month, as if they had not happened.
        overrides: ``PATH=VALUE`` strings applied after ``extends`` (names and files only).
        chunk_size: Worlds simulated at a time (bounds memory; results do not depend on it).
        log_worlds: Worlds with a global index below this keep an event log.
        progress: Called with (world-months done, world-months in all) as the run goes.
        out: Store the result in exactly this folder (must not exist, or be empty).
        save: Store the result in a new folder under ``root``.
        root: The results store used when ``save`` is set and ``out`` is not.
        charts: When storing, draw a fan chart of each key metric.
        executor: Where the chunks run: ``local`` (default), ``processes[:N]``, ``dask``,
            ``dask:tcp://HOST:PORT``, or an executor object (see
            :mod:`triad.runs.executors`). The results are identical on all.
        stream: Write the result to disk chunk by chunk, never holding every world in
            memory (needs ``out`` or ``save``). Default: when storing a run whose metrics
            exceed 1 GiB. An interrupted streamed run is finished by :func:`resume`.
        fix_uncertain: Fix every uncertain input (sampled parameters, an uncertain policy
            type, event dates and levels) at its central value in every world, for a
            controlled experiment: only the stochastic part still varies between worlds.

    Returns:
        The run: every metric of every world and month, the events, its manifest, and its
        folder if stored. A streamed run's simulation reads its metrics from disk, one at
        a time (:class:`~triad.store.dataset.PartitionedSimulation`).

    Raises:
        ScenarioError: If the scenario cannot be found or loaded, or an option is invalid.
        StoreError: If ``out`` is taken (checked before running) or storing fails.
        ExecutorError: If the executor text is bad or its cluster cannot be reached.
        InterruptedRunError: If a streamed run stops; its finished chunks are kept.
    """
    check_executor(executor)
    check_options(worlds=worlds, seed=seed, months=months, chunk_size=chunk_size)
    check_whole(log_worlds, "log_worlds", optional=False)
    out = check_folder(out, "out")
    root = check_folder(root, "root") or Path("runs")
    resolved = resolve_scenario(
        scenario,
        overrides,
        worlds=worlds,
        seed=seed,
        months=months,
        start=start,
        fix_uncertain=fix_uncertain,
    )
    if out is not None:
        check_target(out)
    storing = save or out is not None
    if stream and not storing:
        raise StoreError("a streamed run goes to disk: give out=... or save=True (--out)")
    started = provenance.now()
    request = _request(scenario, overrides, chunk_size=chunk_size, log_worlds=log_worlds)
    ran_on = executor_name(executor)
    if storing and (stream or (stream is None and should_stream(resolved))):
        return stream_run(
            resolved,
            manifest=provenance.manifest(
                resolved, started, started, request=request, executor=ran_on
            ),
            out=out,
            root=root,
            chunk_size=chunk_size,
            log_worlds=log_worlds,
            executor=executor,
            progress=progress,
            charts=charts,
            draw=draw_charts,
        )
    simulation = run_ensemble(
        resolved,
        chunk_size=chunk_size,
        log_worlds=log_worlds,
        progress=progress,
        executor=executor,
    )
    finished = provenance.now()
    manifest = provenance.manifest(resolved, started, finished, request=request, executor=ran_on)
    result = RunResult(simulation, manifest)
    if save or out is not None:
        return save_run(result, out=out, root=root, draw=draw_charts if charts else None)
    return result


def resume(
    path: Path, *, executor: ExecutorLike = None, progress: Progress | None = None
) -> RunResult:
    """Finish an interrupted streamed run, computing only the chunks not yet on disk.

    Args:
        path: The run's intended folder (its ``out``, or the path printed when it stopped)
            or the hidden ``.<name>.partial-resumable`` folder itself.
        executor: Where the missing chunks run.
        progress: Called with (world-months done, world-months in all).

    Returns:
        The stored run; its data equal an uninterrupted run's bit for bit.

    Raises:
        StoreError: If there is no interrupted run at ``path``.
    """
    check_executor(executor)
    folder = check_folder(path, "path")
    assert folder is not None
    return resume_run(folder, executor=executor, progress=progress, draw=draw_charts)


def resolve_scenario(
    scenario: str | Path | Scenario,
    overrides: Sequence[str] = (),
    *,
    worlds: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    fix_uncertain: bool = False,
    start: str | None = None,
) -> Scenario:
    """Load a scenario (unless given one), apply ``--set`` overrides, then run options.

    With ``fix_uncertain`` every uncertain input takes its central value in every world
    (``Scenario.fix_uncertain``). A ``start`` (``YYYY-MM``) or ``months`` moves the
    horizon: dated events outside it are left out, each with a note in date order, and
    the model starts from the scenario's initial values at the start
    (:func:`~triad.runs.ensemble.with_options`).

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
        return with_options(
            base,
            worlds=worlds,
            seed=seed,
            months=months,
            fix_uncertain=fix_uncertain,
            start=start,
        )
    except ValidationError as error:
        sources = SourceMap({}, Location(OPTIONS_FILE))
        given = {"worlds": worlds, "seed": seed, "months": months, "start": start}
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


def _request(
    scenario: str | Path | Scenario,
    overrides: Sequence[str],
    *,
    chunk_size: int | None,
    log_worlds: int,
) -> RunRequest:
    """How the run was asked for, for its manifest."""
    source = None if isinstance(scenario, Scenario) else str(scenario)
    return RunRequest(chunk_size, log_worlds, source, tuple(overrides))
