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

from triad.errors import StoreError
from triad.reports.chart_sets import run_charts
from triad.reports.run import draw_charts
from triad.runs.arguments import check_executor, check_folder
from triad.runs.context import RunContext
from triad.runs.ensemble import Progress, run_ensemble
from triad.runs.executors import ExecutorLike, executor_name
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.schema import Scenario
from triad.store import provenance
from triad.store.manifest import RunRequest
from triad.store.result import RunResult
from triad.store.run_folder import check_target, save_run
from triad.store.streaming import resume_run, should_stream, stream_run

__all__ = ["resume", "run"]


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
    charts: bool | str = "key",
    executor: ExecutorLike = None,
    stream: bool | None = None,
    fix_uncertain: bool = False,
) -> RunResult:
    """Run a scenario as an ensemble of worlds; store the result if asked.

    Args:
        scenario: A bundled scenario name, a scenario file, or a resolved ``Scenario``.
        worlds: Worlds in the ensemble; this and the next five are the fields of
            :class:`~triad.runs.options.RunOptions`, documented there (the analyses take
            that object).
        seed: Seed of every random draw.
        months: Horizon in months.
        start: First month, ``YYYY-MM``.
        overrides: ``PATH=VALUE`` strings applied after ``extends``.
        fix_uncertain: Fix every uncertain input at its central value in every world.
        chunk_size: Worlds simulated at a time; this and the next three are the fields of
            :class:`~triad.runs.context.RunContext`, documented there (the analyses take
            that object).
        log_worlds: Worlds with a global index below this keep an event log.
        progress: Called with (world-months done, world-months in all).
        executor: Where the chunks run (``processes:2``, ``dask``, an executor, ...).
        out: Store the result in exactly this folder (must not exist, or be empty).
        save: Store the result in a new folder under ``root``.
        root: The results store used when ``save`` is set and ``out`` is not.
        charts: When storing, which charts to draw into its ``charts/``: ``key`` (one page
            of small fan charts of the key metrics, ``overview.png``), ``all`` (also a fan
            chart of each key metric, ``<metric>.png``) or ``none``; True is ``key``, False
            ``none``.
        stream: Write the result to disk chunk by chunk, never holding every world in
            memory (needs ``out`` or ``save``). Default: when storing a run whose metrics
            exceed 1 GiB. An interrupted streamed run is finished by :func:`resume`.

    Returns:
        The run: every metric of every world and month, the events, its manifest, and its
        folder if stored. A streamed run's simulation reads its metrics from disk, one at
        a time (:class:`~triad.store.dataset.PartitionedSimulation`).

    Raises:
        ScenarioError: If the scenario cannot be found or loaded, or an option is invalid.
        UsageError: If ``charts`` names no chart set.
        StoreError: If ``out`` is taken (checked before running) or storing fails.
        ExecutorError: If the executor text is bad or its cluster cannot be reached.
        InterruptedRunError: If a streamed run stops; its finished chunks are kept.
    """
    drawn = run_charts(charts)
    context = RunContext(executor, chunk_size, progress, log_worlds)
    options = RunOptions(worlds, seed, months, start, overrides, fix_uncertain)
    out = check_folder(out, "out")
    root = check_folder(root, "root") or Path("runs")
    resolved = prepare_scenario(scenario, options)
    if out is not None:
        check_target(out)
    storing = save or out is not None
    if stream and not storing:
        raise StoreError("a streamed run goes to disk: give out=... or save=True (--out)")
    started = provenance.now()
    request = _request(scenario, options, context)
    ran_on = executor_name(context.executor)
    if storing and (stream or (stream is None and should_stream(resolved))):
        return stream_run(
            resolved,
            manifest=provenance.manifest(
                resolved, started, started, request=request, executor=ran_on
            ),
            out=out,
            root=root,
            chunk_size=context.chunk_size,
            log_worlds=context.log_worlds,
            executor=context.executor,
            progress=context.progress,
            charts=drawn,
            draw=draw_charts,
        )
    simulation = run_ensemble(
        resolved,
        chunk_size=context.chunk_size,
        log_worlds=context.log_worlds,
        progress=context.progress,
        executor=context.executor,
    )
    finished = provenance.now()
    manifest = provenance.manifest(resolved, started, finished, request=request, executor=ran_on)
    result = RunResult(simulation, manifest)
    if save or out is not None:
        return save_run(result, out=out, root=root, draw=draw_charts, charts=drawn)
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


def _request(
    scenario: str | Path | Scenario, options: RunOptions, context: RunContext
) -> RunRequest:
    """How the run was asked for, for its manifest."""
    source = None if isinstance(scenario, Scenario) else str(scenario)
    return RunRequest(context.chunk_size, context.log_worlds, source, tuple(options.overrides))
