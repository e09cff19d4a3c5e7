"""Run a scenario as an ensemble: apply run options, step chunks of worlds, summarise.

The ensemble is cut into chunks of worlds that run one after another in this process, or
side by side on an executor (a process pool or a Dask cluster, see
:mod:`triad.runs.executors`); because every world's draws depend only on (seed,
world index, month, site), the result is bit-identical whatever the chunk size and executor.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from triad.errors import ModelError, TriadNote
from triad.model.metrics import METRIC_BY_NAME, metrics_tagged
from triad.runs.executors import ExecutorLike, is_local, open_executor
from triad.runs.faults import chunk_runner
from triad.runs.plan import ChunkPlan, auto_chunk_size, map_plan
from triad.runs.resources import check_memory, chunk_bytes, metrics_bytes
from triad.runs.simulation import Gathered, Simulation, simulate
from triad.scenario.month import Month
from triad.scenario.schema import Scenario

KEY_METRICS: tuple[str, ...] = metrics_tagged("key")
"""The outcomes shown first in summaries, reports and charts."""

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
DEFAULT_CHUNK = 50_000
Progress = Callable[[int, int], None]


def with_options(
    scenario: Scenario,
    *,
    worlds: int | None = None,
    seed: int | None = None,
    months: int | None = None,
    fix_uncertain: bool = False,
    start: str | None = None,
) -> Scenario:
    """The scenario with run options applied, validated again (events must fit the horizon).

    A new ``start`` or ``months`` moves the horizon: dated events outside it, and drivers'
    steps and ramps that begin after it, are left out, each with a note (in date order).
    The model starts from the scenario's initial values at the start, whatever the month;
    a driver's steps and ramps before a later start still give its value there.

    Args:
        scenario: A validated scenario.
        worlds: Worlds in the ensemble (default: the scenario's).
        seed: Seed of every random draw (default: the scenario's).
        months: Horizon (default: the scenario's).
        fix_uncertain: Fix every uncertain input at its central value in every world
            (``Scenario.fix_uncertain``); False keeps the scenario's own setting.
        start: First month, ``YYYY-MM`` (default: the scenario's).

    Raises:
        pydantic.ValidationError: Through :class:`Scenario` if an option is out of range
            (a malformed start, or an event's drawn date that can fall before it).
    """
    given = (("worlds", worlds), ("seed", seed), ("months", months), ("start", start))
    update: dict[str, Any] = {k: v for k, v in given if v is not None}
    if fix_uncertain and not scenario.fix_uncertain:
        update["fix_uncertain"] = True
    if not update:
        return scenario
    data = scenario.model_dump() | update
    if months is not None or start is not None:
        first = Month.read(start or scenario.start)
        if first is None:
            return Scenario.model_validate(data)  # the schema names the malformed start
        last = first + (months or scenario.months) - 1
        data["events"] = _within_horizon(scenario, first, last)
        data["world"] = _drivers_within_horizon(scenario, last)
        names = {event["name"] for event in data["events"]}
        data["uncertain"] = {
            path: dist
            for path, dist in data["uncertain"].items()
            if not path.startswith("events.") or path.split(".")[1] in names
        }
    return Scenario.model_validate(data)


def _within_horizon(scenario: Scenario, first: Month, last: Month) -> list[dict[str, Any]]:
    """The scenario's events without the dated ones outside a new horizon, each noted.

    The notes come in date order. An event whose date is drawn per world
    (``uncertain: events.NAME.at``) stays: some worlds may draw a date inside the horizon
    (the schema refuses draws before the start).
    """
    kept: list[dict[str, Any]] = []
    notes: list[tuple[Month, str]] = []
    for event in scenario.events:
        drawn = f"events.{event.name}.at" in scenario.uncertain
        at = Month.parse(event.at) if event.at is not None else None
        if at is None or drawn or first <= at <= last:
            kept.append(event.model_dump())
        elif at > last:
            notes.append(
                (
                    at,
                    f"event {event.name!r} at {event.at} lies after the horizon (ends {last}); "
                    "it is left out",
                )
            )
        else:
            notes.append(
                (
                    at,
                    f"event {event.name!r} at {event.at} lies before the start {first}; it is "
                    f"left out: the run starts from the scenario's initial values in {first}, as "
                    "if it had not happened",
                )
            )
    for _, note in sorted(notes, key=lambda dated: dated[0]):
        warnings.warn(note, TriadNote, stacklevel=4)
    return kept


def _drivers_within_horizon(scenario: Scenario, last: Month) -> dict[str, Any]:
    """The world drivers without the steps and ramps that begin after a new horizon, noted.

    As for dated events (and as the loader does for a horizon written in the file): a
    change after the horizon has no effect on the run, and a note says it is left out.
    """
    world: dict[str, Any] = scenario.world.model_dump()
    for name, path in world.items():
        for key, begins, what in (("steps", "at", "step at"), ("ramps", "start", "ramp from")):
            late = [c for c in path[key] if Month.parse(c[begins]) > last]
            for change in late:
                warnings.warn(
                    f"world.{name}: the {what} {change[begins]} lies after the horizon "
                    f"(ends {last}); it is left out",
                    TriadNote,
                    stacklevel=4,
                )
            path[key] = [c for c in path[key] if c not in late]
    return world


def run_ensemble(
    scenario: Scenario,
    *,
    chunk_size: int | None = None,
    log_worlds: int = 100,
    first_world: int = 0,
    progress: Progress | None = None,
    points: Mapping[str, NDArray[np.float64]] | None = None,
    executor: ExecutorLike = None,
    world_ids: NDArray[np.int64] | None = None,
) -> Simulation:
    """Simulate the scenario's worlds in chunks, reporting progress in world-months.

    Args:
        scenario: A resolved scenario (its ``worlds``, ``seed`` and ``months`` are used).
        chunk_size: Worlds per chunk (default: 50,000 locally; on other executors about
            four chunks per worker, see :func:`~triad.runs.plan.auto_chunk_size`).
        log_worlds: Worlds with a global index below this keep an event log.
        first_world: Global index of the first world.
        progress: Called with (world-months done, world-months in all): after each month
            locally, after each chunk on other executors.
        points: Input path -> one value per world of the ensemble (sweep, sensitivity or
            evaluation points), shape ``(worlds,)``.
        executor: Where the chunks run: an executor, its text (``local``,
            ``processes[:N]``, ``dask``, ``dask:tcp://HOST:PORT``) or None (``local``).
            One given as text is started and closed here.
        world_ids: Global index of every world, shape ``(worlds,)``, in place of
            ``first_world`` onwards; an index may repeat (common random numbers).

    Returns:
        The recorded metrics and event log of every world, identical for every executor
        and chunk size.

    Raises:
        ResourceError: If the ensemble would need more memory than is available
            (checked before anything runs, see :mod:`triad.runs.resources`).
    """
    check_ensemble_memory([scenario], chunk_size)
    if is_local(executor):
        return simulate(
            scenario,
            first_world=first_world,
            log_worlds=log_worlds,
            chunk_size=chunk_size or DEFAULT_CHUNK,
            progress=progress,
            points=points,
            world_ids=world_ids,
        )
    n = scenario.worlds if world_ids is None else len(world_ids)
    with open_executor(executor) as ex:
        size = chunk_size or auto_chunk_size(scenario.worlds, scenario.months, ex.workers)
        plan = ChunkPlan.cut(n, size, scenario.months, first_world)
        gathered = Gathered(scenario, plan, world_ids)
        tasks = plan.tasks(scenario, log_worlds=log_worlds, points=points, world_ids=world_ids)
        map_plan(plan, tasks, ex, chunk_runner(), gathered.add, progress=progress)
    return gathered.simulation()


def check_ensemble_memory(scenarios: Sequence[Scenario], chunk_size: int | None = None) -> None:
    """Refuse ensembles that, held in memory together, would not fit (before running them).

    Raises:
        ResourceError: With the estimate and the alternatives.
    """
    if not scenarios:
        return
    chunk = chunk_size or DEFAULT_CHUNK
    largest = max(scenarios, key=lambda s: s.worlds * s.months)
    held = sum(metrics_bytes(s.worlds, s.months) for s in scenarios)
    need = held + chunk_bytes(min(largest.worlds, chunk), largest.months)
    names = ", ".join(dict.fromkeys(s.name for s in scenarios))
    what = f"a run of {names}" if len(scenarios) == 1 else f"comparing {names}"
    check_memory(need, what, worlds=largest.worlds, months=largest.months, copies=len(scenarios))


def bands(sim: Simulation, metric: str) -> pd.DataFrame:
    """Quantiles of a metric across worlds, month by month.

    Returns:
        Columns month, date, p05, p25, p50, p75, p95.
    """
    values = np.quantile(sim.series(metric), QUANTILES, axis=1)
    frame = pd.DataFrame({"month": np.arange(sim.months), "date": sim.dates})
    for q, row in zip(QUANTILES, values, strict=True):
        frame[f"p{round(q * 100):02d}"] = row
    return frame


def checkpoints(sim: Simulation) -> list[int]:
    """Months shown in summaries: after one and two years (when inside) and the horizon."""
    last = sim.months - 1
    return sorted({m for m in (11, 23) if m < last} | {last})


CheckpointValues = dict[str, NDArray[np.float32]]
"""Each metric's values at the checkpoints, shape ``(checkpoints, worlds)``."""


def checkpoint_values(sim: Simulation, metrics: Sequence[str] = KEY_METRICS) -> CheckpointValues:
    """What :func:`summary` reads of a simulation: each metric at the checkpoints.

    A streamed run's workers take these from each chunk while it is in memory, so that the
    summary of the whole run needs no second pass over the stored parts.

    Raises:
        ModelError: If a metric is unknown.
    """
    months = checkpoints(sim)
    values = {}
    for metric in metrics:
        if metric not in METRIC_BY_NAME:
            raise ModelError(f"unknown metric {metric!r}")
        values[metric] = np.ascontiguousarray(sim.series(metric)[months])
    return values


def summary(
    sim: Simulation,
    metrics: Sequence[str] = KEY_METRICS,
    values: CheckpointValues | None = None,
) -> pd.DataFrame:
    """Median and 90% interval of each metric at the checkpoints.

    Args:
        sim: The simulation.
        metrics: The metrics summarised.
        values: Their values at the checkpoints, every world in ``sim``'s order, if
            already gathered (:func:`checkpoint_values`); read from ``sim`` otherwise.

    Returns:
        Columns metric, unit, month, date, median, p05, p95 (one row per metric and checkpoint).

    Raises:
        ModelError: If a metric is unknown.
    """
    if values is None:
        values = checkpoint_values(sim, metrics)
    rows = []
    for metric in metrics:
        if metric not in METRIC_BY_NAME:
            raise ModelError(f"unknown metric {metric!r}")
        for at, month in zip(values[metric], checkpoints(sim), strict=True):
            p05, p50, p95 = np.quantile(at, (0.05, 0.5, 0.95))
            rows.append(
                {
                    "metric": metric,
                    "unit": METRIC_BY_NAME[metric].unit,
                    "month": month,
                    "date": sim.dates[month],
                    "median": p50,
                    "p05": p05,
                    "p95": p95,
                }
            )
    return pd.DataFrame(rows)


__all__ = [
    "KEY_METRICS",
    "CheckpointValues",
    "bands",
    "check_ensemble_memory",
    "checkpoint_values",
    "checkpoints",
    "run_ensemble",
    "summary",
    "with_options",
]
