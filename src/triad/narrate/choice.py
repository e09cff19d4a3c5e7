"""Choosing the world a story tells: by its index, or as the median, best or worst by a metric."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

import numpy as np
from numpy.typing import NDArray

from triad.errors import ExperimentError, NarrationError
from triad.experiments.parameters import Outcome, parse_outcome
from triad.model.metrics import METRIC_BY_NAME, METRIC_NAMES, metrics_tagged
from triad.narrate.track import check_world
from triad.narrate.units import with_unit
from triad.runs.simulation import Simulation
from triad.scenario.report import did_you_mean

Pick = Literal["median", "best", "worst"]

PICKS: Final[tuple[str, ...]] = get_args(Pick)


DEFAULT_METRIC: Final = "containers_cum"
"""The metric a world is picked by when none is given: shells shipped to Russia."""

LOWER_IS_BETTER: Final = frozenset(metrics_tagged("lower_is_better"))
"""Metrics whose *best* world has the lowest final value (a gap, a grievance, a risk).

For every other metric, best means the highest final value and worst the lowest. A
metric's better direction often depends on whose side one takes; these five are bad for
the actor they describe whatever the side.
"""


def check_metric(by: str) -> str:
    """Return ``by`` if it names a metric: ``NAME`` (at the horizon) or ``NAME@YYYY-MM``.

    Raises:
        NarrationError: Naming the closest metrics, or a malformed month.
    """
    name = by.partition("@")[0]
    if name not in METRIC_BY_NAME:
        hint = did_you_mean(name, METRIC_NAMES, list_all=False) or "see docs for the metric list"
        raise NarrationError(f"unknown metric {name!r}: {hint}")
    outcome_of(by)
    return by


def outcome_of(by: str) -> Outcome:
    """``NAME`` or ``NAME@YYYY-MM`` as an outcome, read as compare and sweep read it."""
    try:
        return parse_outcome(by)
    except ExperimentError as error:
        raise NarrationError(str(error)) from None


def _picked_values(sim: Simulation, by: str) -> NDArray[np.float64]:
    """Every world's value of ``by``: at the horizon, or at its month.

    Raises:
        NarrationError: If the month lies outside the run.
    """
    try:
        return outcome_of(check_metric(by)).values(sim)
    except ExperimentError as error:
        raise NarrationError(str(error)) from None


def check_pick(how: str) -> Pick:
    """Return ``how`` as a :data:`Pick`.

    Raises:
        NarrationError: If it is not median, best or worst.
    """
    if how not in PICKS:
        raise NarrationError(f"unknown pick {how!r}: use one of {', '.join(PICKS)}")
    pick: Pick = how  # type: ignore[assignment]
    return pick


def pick_world(sim: Simulation, how: Pick, by: str) -> int:
    """The world of an ensemble at the median, best or worst final value of a metric.

    ``by`` may read the metric at a month instead of the horizon: ``containers@2025-06``.

    * ``median``: the world whose final value is closest to the ensemble median;
    * ``best``: the highest final value, or the lowest for a metric in
      :data:`LOWER_IS_BETTER` (``dprk_food_gap``, ``china_resentment``, ``dprk_exposure``,
      ``russia_shortfall``, ``russia_unmet``);
    * ``worst``: the opposite of best.

    Ties go to the lowest world index.

    Args:
        sim: The ensemble.
        how: ``median``, ``best`` or ``worst``.
        by: A metric name, or ``NAME@YYYY-MM``.

    Returns:
        The global index of the world (an entry of ``sim.world_ids``).

    Raises:
        NarrationError: If the metric or the pick is unknown, or the month is outside.
    """
    final = _picked_values(sim, by)
    how = check_pick(how)
    if how == "median":
        column = int(np.argmin(np.abs(final - np.median(final))))
    else:
        highest = (how == "best") != (outcome_of(by).metric in LOWER_IS_BETTER)
        column = int(np.argmax(final) if highest else np.argmin(final))
    return int(sim.world_ids[column])


@dataclass(frozen=True)
class Choice:
    """A world chosen for a story.

    Attributes:
        world: Its global index.
        note: Why it was chosen, for the story's header ("" when given by index).
        by: The metric it was picked by, or None when given by index.
    """

    world: int
    note: str = ""
    by: str | None = None

    @property
    def extra(self) -> tuple[str, ...]:
        """Metrics the story's final-state table should add: the picking metric."""
        return () if self.by is None else (self.by.partition("@")[0],)


def choose_world(
    sim: Simulation, world: int | None = None, how: str | None = None, by: str | None = None
) -> Choice:
    """Resolve the user's choice of world: an index, or a pick by a metric.

    With neither, the median world by :data:`DEFAULT_METRIC` is chosen; ``by`` alone
    means the median, ``how`` alone is by :data:`DEFAULT_METRIC`.

    Args:
        sim: The ensemble.
        world: A global world index.
        how: ``median``, ``best`` or ``worst``.
        by: The metric to pick by.

    Returns:
        The world, why it was chosen, and by which metric.

    Raises:
        NarrationError: If both an index and a pick are given, or either is invalid.
    """
    pick, metric = check_choice(world, how, by)
    if world is not None:
        check_world(sim, world)
        return Choice(world)
    chosen = pick_world(sim, pick, metric)
    return Choice(chosen, _pick_note(sim, chosen, pick, metric), metric)


def check_choice(world: int | None, how: str | None, by: str | None) -> tuple[Pick, str]:
    """Check a choice of world before anything runs; fill in the default pick and metric.

    Returns:
        The pick and the metric (``median`` by :data:`DEFAULT_METRIC` unless given).

    Raises:
        NarrationError: If both an index and a pick are given, or the pick or metric is
            unknown.
    """
    if world is not None and (how is not None or by is not None):
        raise NarrationError(
            "give either a world index (--world) or a pick (--pick/--by), not both"
        )
    return check_pick(how or "median"), check_metric(by or DEFAULT_METRIC)


def _pick_note(sim: Simulation, world: int, how: Pick, by: str) -> str:
    final = _picked_values(sim, by)
    reading = outcome_of(by)
    name = reading.metric
    value = with_unit(name, float(final[check_world(sim, world)]))
    median = with_unit(name, float(np.median(final)))
    rule = ""
    if how != "median":
        highest = (how == "best") != (name in LOWER_IS_BETTER)
        better = "lower" if name in LOWER_IS_BETTER else "higher"
        when = "final value" if reading.date is None else f"value in {reading.date}"
        rule = f" ({'highest' if highest else 'lowest'} {when}, as {better} is better)"
    return f"Picked as the {how} world by {by}{rule}: {value}; ensemble median {median}."
