"""One world's story: a month-by-month narrative of an ensemble member.

A story has three parts:

* a header: scenario, world, seed, horizon, and why this world was chosen;
* the months: scenario events and DPRK's offer decisions from the event log, and from the
  world's monthly series Russia's technology tier, satellite launches, shipments starting
  and stopping, and thresholds crossed (KPA floor, food gap above 10%, China's share of
  trade below 90%, satellite capability past 0.5 and 0.7, trust past 0.5, China's
  resentment past its tolerance), with one line per calendar year in numbers;
* a closing table of the world's final state against the ensemble median.

Repeated happenings close together (an offer cut month after month, a value hovering
around a threshold) are told once, over a range of months ``2024-03..2024-05``.

Worlds outside the logged sample (index >= ``log_worlds``) have no event log: their story
comes from the series and the scenario's dated events alone, and says so.
:func:`narrate_scenario` avoids that by re-running the picked world alone with a log; a
world's results depend only on (scenario, seed, world index), so its story is the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import ValidationError

from triad.errors import TriadError
from triad.experiments.ensemble import run_ensemble, with_options
from triad.experiments.parameters import ExperimentError, Outcome, parse_outcome
from triad.model.metrics import METRIC_BY_NAME, METRIC_NAMES, metrics_tagged
from triad.model.model import TriadModel
from triad.model.simulation import Simulation
from triad.scenario.report import did_you_mean
from triad.scenario.schema import Action, Event, Scenario, parse_year_month

Array = NDArray[np.float64]
Pick = Literal["median", "best", "worst"]
type _Format = Callable[[float], str]

PICKS: Final[tuple[str, ...]] = get_args(Pick)
DEFAULT_METRIC: Final = "containers_cum"
"""The metric a world is picked by when none is given: shells shipped to Russia."""

LOWER_IS_BETTER: Final = frozenset(metrics_tagged("lower_is_better"))
"""Metrics whose *best* world has the lowest final value (a gap, a grievance, a risk).

For every other metric, best means the highest final value and worst the lowest. A
metric's better direction often depends on whose side one takes; these five are bad for
the actor they describe whatever the side.
"""

SUMMARY_METRICS: Final[tuple[str, ...]] = metrics_tagged("summary")
"""The final-state table closing each story (the picking metric is added if missing)."""

CLUSTER_GAP: Final = 3
"""Happenings of one kind at most this many months apart are told as one range."""

FLOOR_MARGIN_M: Final = 0.3
"""DPRK's stock within this many M rounds of the KPA floor counts as at the floor: about a
month of its production, which it makes before it ships (docs/odd.md 7.3), so a stock
sold down to the floor is recorded a month's production above it."""

TIER_NAMES: Final = {
    0: "none",
    1: "conventional and space help",
    2: "advanced weapons",
    3: "nuclear, biological, chemical help",
}

LABELS: Final = {
    "trust_dprk_russia": "DPRK's trust in Russia",
    "trust_dprk_china": "DPRK's trust in China",
    "trust_russia_dprk": "Russia's trust in DPRK",
    "trust_russia_china": "Russia's trust in China",
    "trust_china_dprk": "China's trust in DPRK",
    "trust_china_russia": "China's trust in Russia",
    "china_resentment": "China's resentment",
}

TRIGGER_EFFECTS: Final = {
    "treaty": ("trust_dprk_russia", "trust_russia_dprk", "china_resentment"),
    "summit": ("trust_dprk_russia", "trust_russia_dprk"),
    "china_summit": ("trust_dprk_china", "trust_china_dprk", "china_resentment"),
    "satellite_launch": (),
    "veto": (),
}
"""The metrics a scenario trigger moves; the story shows their change that month."""

DERIVED: Final = frozenset(
    {("russia", "decision"), ("dprk", "launch"), ("china", "threshold"), ("dprk", "threshold")}
)
"""Event-log rows told from the series instead (tier changes, launches, thresholds), so
that logged and unlogged worlds read alike."""

_ACTORS = {"russia": "Russia", "china": "China", "dprk": "DPRK", "world": "World"}


class NarrationError(TriadError):
    """A story was asked for something the ensemble does not have."""


# --------------------------------------------------------------------------- picking
def check_metric(by: str) -> str:
    """Return ``by`` if it names a metric: ``NAME`` (at the horizon) or ``NAME@YYYY-MM``.

    Raises:
        NarrationError: Naming the closest metrics, or a malformed month.
    """
    name = by.partition("@")[0]
    if name not in METRIC_BY_NAME:
        hint = did_you_mean(name, METRIC_NAMES, list_all=False) or "see docs for the metric list"
        raise NarrationError(f"unknown metric {name!r}: {hint}")
    _reading(by)
    return by


def _reading(by: str) -> Outcome:
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
        return _reading(check_metric(by)).values(sim)
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
        highest = (how == "best") != (_reading(by).metric in LOWER_IS_BETTER)
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


def check_world(sim: Simulation, world: int) -> int:
    """The column of a global world index in ``sim``.

    Raises:
        NarrationError: If the world is not in the ensemble.
    """
    where = np.flatnonzero(sim.world_ids == world)
    if where.size == 0:
        first, last = int(sim.world_ids[0]), int(sim.world_ids[-1])
        raise NarrationError(f"world {world} is not in this ensemble (worlds {first}-{last})")
    return int(where[0])


def _pick_note(sim: Simulation, world: int, how: Pick, by: str) -> str:
    final = _picked_values(sim, by)
    reading = _reading(by)
    name = reading.metric
    value = _with_unit(name, float(final[check_world(sim, world)]))
    median = _with_unit(name, float(np.median(final)))
    rule = ""
    if how != "median":
        highest = (how == "best") != (name in LOWER_IS_BETTER)
        better = "lower" if name in LOWER_IS_BETTER else "higher"
        when = "final value" if reading.date is None else f"value in {reading.date}"
        rule = f" ({'highest' if highest else 'lowest'} {when}, as {better} is better)"
    return f"Picked as the {how} world by {by}{rule}: {value}; ensemble median {median}."


# --------------------------------------------------------------------------- entry points
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
        _reading(by).month(scenario)
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
    track = _track(sim, world)
    logged = _is_logged(sim.events, world, log_worlds)
    lines = _story_lines(track, _world_log(sim.events, world) if logged else None)
    header = _header(track, ensemble or sim, note, logged)
    summary = _summary_rows(track, ensemble or sim, extra)
    render = _render_markdown if markdown else _render_text
    return render(track, header, lines, summary)


# --------------------------------------------------------------------------- one world's data
@dataclass(frozen=True)
class _Track:
    """One world's recorded path, with the state before the first month as row 0.

    Attributes:
        scenario: The resolved scenario.
        world: Global world index.
        dates: ``YYYY-MM`` of each month.
        path: Metrics, shape ``(months + 1, metrics)``; row m + 1 is the end of month m.
        params: The world's own values of the parameters the story quotes.
    """

    scenario: Scenario
    world: int
    dates: list[str]
    path: Array
    params: dict[str, float]

    @property
    def months(self) -> int:
        """Number of simulated months."""
        return len(self.dates)

    def full(self, metric: str) -> Array:
        """The metric from the initial state to the horizon, shape ``(months + 1,)``."""
        out: Array = self.path[:, METRIC_NAMES.index(metric)]
        return out

    def series(self, metric: str) -> Array:
        """The metric at the end of each month, shape ``(months,)``."""
        return self.full(metric)[1:]

    def at(self, metric: str, month: int) -> float:
        """The metric at the end of a month."""
        return float(self.full(metric)[month + 1])

    def before(self, metric: str, month: int) -> float:
        """The metric before a month (the initial state for month 0)."""
        return float(self.full(metric)[month])


_QUOTED_PARAMS = ("china.resentment_tolerance", "russia.tech_transfer.shortfall_threshold")


def _track(sim: Simulation, world: int) -> _Track:
    """Gather a world's series and its initial state (from a fresh, unstepped model)."""
    column = check_world(sim, world)
    model = TriadModel(sim.scenario, worlds=1, first_world=world, log_worlds=0)
    initial = np.array([float(model.state[name][0]) for name in METRIC_NAMES])
    path = np.vstack([initial, sim.data[:, :, column]])
    params = {name: float(model.params[name][0]) for name in _QUOTED_PARAMS}
    return _Track(sim.scenario, world, sim.dates, path, params)


def _is_logged(events: pd.DataFrame, world: int, log_worlds: int | None) -> bool:
    """Whether the world kept an event log (the logged worlds are those below an index)."""
    if log_worlds is not None:
        return world < log_worlds
    ids = events["world"].to_numpy()
    return bool((ids >= world).any())


def _world_log(events: pd.DataFrame, world: int) -> pd.DataFrame:
    return events[events["world"] == world]


# --------------------------------------------------------------------------- story lines
@dataclass(frozen=True)
class _Line:
    """One line of a story.

    Attributes:
        start: First month it covers.
        end: Last month it covers (``start`` for one month).
        order: Rank within a month: events, decisions, launches, shipments, thresholds.
        text: The sentence.
        shows: Metrics whose change in ``start`` the sentence quotes.
    """

    start: int
    end: int
    order: int
    text: str
    shows: frozenset[str] = field(default_factory=frozenset)


ORDER_EVENT, ORDER_DECISION, ORDER_LAUNCH, ORDER_SHIPMENT, ORDER_THRESHOLD, ORDER_YEAR = range(6)


def _story_lines(track: _Track, log: pd.DataFrame | None) -> list[_Line]:
    """Every line of a world's story, sorted by month and order."""
    crossings = _crossings(track)
    lines = _event_lines(track, log, crossings)
    claimed = {(metric, line.start) for line in lines for metric in line.shows}
    lines += _tier_lines(track, crossings, claimed)
    if log is not None:
        lines += _offer_lines(log) + _other_log_lines(log)
    claimed |= {(metric, line.start) for line in lines for metric in line.shows}
    lines += _launch_lines(track) + _shipment_lines(track)
    lines += _threshold_lines(track, claimed) + _year_lines(track)
    return sorted(lines, key=lambda line: (line.start, line.order, line.end))


def _clusters(months: Iterable[int], gap: int = CLUSTER_GAP) -> list[list[int]]:
    """Split sorted months into runs whose neighbours are at most ``gap`` months apart."""
    runs: list[list[int]] = []
    for month in sorted(months):
        if runs and month - runs[-1][-1] <= gap:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


# ---- events from the log (or the scenario's dated events)
def _event_lines(
    track: _Track, log: pd.DataFrame | None, crossings: dict[tuple[str, int], str]
) -> list[_Line]:
    """Scenario events: from the log, or the dated ones of the scenario when unlogged."""
    fired = _logged_events(log) if log is not None else _dated_events(track)
    events = {event.name: event for event in track.scenario.events}
    lines = []
    for name, by_month in fired.items():
        event = events.get(name)
        for run in _clusters(by_month):
            lines.append(_event_line(track, name, event, run, by_month[run[0]], crossings))
    return lines


def _logged_events(log: pd.DataFrame) -> dict[str, dict[int, list[str]]]:
    """Event name -> month -> the effect texts logged (``target set a -> b``)."""
    fired: dict[str, dict[int, list[str]]] = {}
    rows = log[log["kind"] == "event"]
    for month, detail in zip(rows["month"], rows["detail"], strict=True):
        name, _, effect = str(detail).partition(": ")
        fired.setdefault(name, {}).setdefault(int(month), []).append(effect)
    return fired


def _dated_events(track: _Track) -> dict[str, dict[int, list[str]]]:
    """Dated events of the scenario within the horizon, with their actions as written."""
    start = parse_year_month(track.scenario.start)
    fired: dict[str, dict[int, list[str]]] = {}
    for event in track.scenario.events:
        month = parse_year_month(event.at) - start if event.at is not None else -1
        if 0 <= month < track.months:
            fired[event.name] = {month: [_action_text(a) for a in event.actions]}
    return fired


def _action_text(action: Action) -> str:
    """An event action as written in the scenario (for worlds without a log)."""
    kind, target = action.kind, action.target
    if kind == "trigger":
        return target
    if kind == "scale":
        return f"{target} scaled by {action.by:.3g}"
    if kind == "ramp":
        return f"{target} ramps to {action.value:.3g} over {action.months} months"
    return f"{target} set to {action.value:.3g}"


def _event_line(
    track: _Track,
    name: str,
    event: Event | None,
    run: list[int],
    effects: list[str],
    crossings: dict[tuple[str, int], str],
) -> _Line:
    """A scenario event: its description, name and effects (or its months, if repeated)."""
    month = run[0]
    title = " ".join(event.description.split()) if event is not None else ""  # one line
    title = title or name
    shows = [m for e in effects for m in TRIGGER_EFFECTS.get(e, ())]
    parts = [_plain_numbers(e) for e in effects if e not in TRIGGER_EFFECTS]
    parts += [_change(track, metric, month, crossings) for metric in shows]
    text = f"{title} [{name}]"
    if len(run) > 1:
        text += f", {_months_of(run)}"
    elif parts:
        text += ": " + "; ".join(parts)
    return _Line(month, run[-1], ORDER_EVENT, text, frozenset(shows if len(run) == 1 else ()))


# ---- decisions
def _tier_lines(
    track: _Track, crossings: dict[tuple[str, int], str], claimed: set[tuple[str, int]]
) -> list[_Line]:
    """Russia's technology tier going up or down, with the shortfall streak before it.

    The line quotes DPRK's trust in Russia (a tier raised is a costly signal) unless an
    event line of the same month already does.
    """
    tier = track.full("russia_tech_tier")
    threshold = track.params["russia.tech_transfer.shortfall_threshold"]
    streak = _streaks(track.full("russia_shortfall") >= threshold)
    streak[0] = 0  # the initial state has no shortfall history
    lines = []
    for month in np.flatnonzero(np.diff(tier)):
        m, before, after = int(month), int(tier[month]), int(tier[month + 1])
        verb = "raises" if after > before else "cuts"
        text = f"Russia {verb} technology transfer to tier {after} ({TIER_NAMES.get(after, '?')})"
        if after > before and streak[m] > 0:
            text += f" after {_count(int(streak[m]), 'month')} of shortfall above {_pct(threshold)}"
        if ("trust_dprk_russia", m) in claimed:
            lines.append(_Line(m, m, ORDER_DECISION, text))
            continue
        text += "; " + _change(track, "trust_dprk_russia", m, crossings)
        lines.append(_Line(m, m, ORDER_DECISION, text, frozenset({"trust_dprk_russia"})))
    return lines


def _streaks(flags: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Length of the run of True ending at each position (0 where False)."""
    index = np.arange(flags.size)
    last_false = np.maximum.accumulate(np.where(flags, -1, index))
    out: NDArray[np.int64] = index - last_false
    return out


def _offer_lines(log: pd.DataFrame) -> list[_Line]:
    """DPRK's offer cuts after under-payment, one line per run of months.

    Each cut is read from the log's numbers (``after``: the offer in containers,
    ``before``: the share of the agreed value last paid), never from its text.
    """
    rows = log[(log["actor"] == "dprk") & (log["kind"] == "decision")]
    cuts = {
        int(month): _OfferCut(str(detail), float(after), float(before))
        for month, detail, after, before in zip(
            rows["month"], rows["detail"], rows["after"], rows["before"], strict=True
        )
    }
    lines = []
    for run in _clusters(cuts):
        found = [cuts[m] for m in run]
        if len(run) == 1 or not all(cut.known for cut in found):
            lines += [_Line(m, m, ORDER_DECISION, cuts[m].text()) for m in run]
            continue
        offers = [cut.offer for cut in found]
        paid = [cut.paid for cut in found]
        text = (
            f"DPRK cuts its offer to {_span(offers, _int)} containers {_months_of(run)} "
            "after under-payment "
            f"(Russia paid {_span(paid, _pct)} of the agreed price)"
        )
        lines.append(_Line(run[0], run[-1], ORDER_DECISION, text))
    return lines


@dataclass(frozen=True)
class _OfferCut:
    """One logged cut of DPRK's offer: the log's text and the numbers it was made from."""

    detail: str
    offer: float
    paid: float

    @property
    def known(self) -> bool:
        """Whether the row holds both numbers (a log row of another kind does not)."""
        return math.isfinite(self.offer) and math.isfinite(self.paid)

    def text(self) -> str:
        """The cut in words (the log's own text for a row without its numbers)."""
        if not self.known:
            return self.detail
        return (
            f"DPRK cuts its offer to {_int(self.offer)} containers after Russia "
            f"paid {_pct(self.paid)} of the agreed price"
        )


def _other_log_lines(log: pd.DataFrame) -> list[_Line]:
    """Log rows of kinds this module does not know, told as logged."""
    known = DERIVED | {("dprk", "decision")}
    lines = []
    for row in log.itertuples(index=False):
        actor, kind = str(row.actor), str(row.kind)
        if kind == "event" or (actor, kind) in known:
            continue
        month = int(str(row.month))
        text = f"{_ACTORS.get(actor, actor)}: {row.detail}"
        lines.append(_Line(month, month, ORDER_DECISION, text))
    return lines


# ---- launches and shipments
def _launch_lines(track: _Track) -> list[_Line]:
    """Each satellite launch, its outcome and the tally so far."""
    attempts = track.full("satellite_attempts_cum")
    successes = track.full("satellite_successes_cum")
    lines = []
    for month in np.flatnonzero(np.diff(attempts) > 0):
        m = int(month)
        n, won = int(attempts[m + 1]), int(successes[m + 1])
        outcome = "succeeds" if successes[m + 1] > successes[m] else "fails"
        capability = track.at("satellite_capability", m)
        text = (
            f"DPRK's satellite launch #{n} {outcome} ({won} of {n} so far; "
            f"capability now {capability:.2f})"
        )
        lines.append(_Line(m, m, ORDER_LAUNCH, text))
    return lines


def _shipment_lines(track: _Track) -> list[_Line]:
    """Shipments to Russia beginning, stopping and resuming."""
    shipping = track.full("containers") >= 0.5
    toggles = np.flatnonzero(shipping[1:] != shipping[:-1])
    lines = []
    for run in _clusters(int(m) for m in toggles):
        first, last = run[0], run[-1]
        if len(run) == 1:
            text = _shipment_toggle(track, first)
        elif len(run) == 2 and not shipping[first + 1]:
            text = f"Shipments to Russia pause until {track.dates[last]}, then resume with " + (
                _shipped(track, last)
            )
        else:
            active = int(shipping[first + 1 : last + 2].sum())
            text = (
                f"Shipments to Russia stop and resume {len(run)} times: containers move in "
                f"{active} of {last - first + 1} months"
            )
        lines.append(_Line(first, last, ORDER_SHIPMENT, text))
    return lines


def _shipment_toggle(track: _Track, m: int) -> str:
    containers = track.at("containers", m)
    if containers < 0.5:
        text = "Shipments to Russia stop; " + _so_far(track, m)
    elif track.at("containers_cum", m) - containers < 0.5:
        paid, price = track.at("payment_m", m), track.at("price_per_round", m)
        text = (
            f"Shipments to Russia begin: {_shipped(track, m)} at "
            f"{_with_unit('price_per_round', price)}; Russia pays {_usd_m(paid)} "
            f"({_pct(track.at('payment_ratio', m))} of the agreed price)"
        )
    else:
        text = f"Shipments to Russia resume: {_shipped(track, m)}"
    return text


def _shipped(track: _Track, m: int) -> str:
    containers, rounds = track.at("containers", m), track.at("rounds_m", m)
    return f"{_int(containers)} containers ({_with_unit('rounds_cum_m', rounds)})"


def _so_far(track: _Track, m: int) -> str:
    total, rounds = track.at("containers_cum", m), track.at("rounds_cum_m", m)
    return f"{_int(total)} containers ({_with_unit('rounds_cum_m', rounds)}) shipped so far"


# ---- thresholds
@dataclass(frozen=True)
class _Threshold:
    """A level whose crossing is worth a line.

    Attributes:
        metric: The series compared with the level.
        level: The level, or the dotted path of the world's parameter holding it.
        subject: Who or what crosses (``DPRK's food gap``).
        up: Verb phrase for crossing upward; may use ``{level}`` and ``{floor}`` (the
            KPA floor that month).
        down: Verb phrase for crossing downward; as ``up``.
        name: The level in words for a back-and-forth summary; may use ``{level}``.
        shown: The metric whose values the line quotes (default: ``metric``).
    """

    metric: str
    level: float | str
    subject: str
    up: str
    down: str
    name: str = "{level}"
    shown: str = ""


_TRUST_THRESHOLDS = tuple(
    _Threshold(metric, 0.5, label, "rises above 0.5", "falls below 0.5")
    for metric, label in LABELS.items()
    if metric.startswith("trust_")
)
THRESHOLDS: Final[tuple[_Threshold, ...]] = (
    _Threshold(
        "dprk_stock_above_floor_m",
        FLOOR_MARGIN_M,
        "DPRK's shell stock",
        "rises above the KPA floor again",
        "reaches the KPA floor of {floor}",
        "the KPA floor",
        "dprk_stock_m",
    ),
    _Threshold(
        "dprk_food_gap", 0.10, "DPRK's food gap", "opens above 10% of need", "closes below 10%"
    ),
    _Threshold(
        "cn_share_of_dprk_trade",
        0.90,
        "China's share of DPRK trade",
        "rises back above 90%",
        "falls below 90%",
    ),
    _Threshold(
        "satellite_capability", 0.5, "DPRK's satellite capability", "passes 0.5", "falls below 0.5"
    ),
    _Threshold(
        "satellite_capability", 0.7, "DPRK's satellite capability", "passes 0.7", "falls below 0.7"
    ),
    _Threshold(
        "china_resentment",
        "china.resentment_tolerance",
        "China's resentment",
        "passes its tolerance of {level}",
        "falls back below its tolerance of {level}",
        "its tolerance of {level}",
    ),
    *_TRUST_THRESHOLDS,
)
"""The thresholds every story watches, in the order their lines appear within a month."""


def _level(track: _Track, threshold: _Threshold) -> float:
    level = threshold.level
    return track.params[level] if isinstance(level, str) else level


def _crossing_months(track: _Track, threshold: _Threshold) -> NDArray[np.int64]:
    """Months at whose end the metric is on the other side of the level than before."""
    above = track.full(threshold.metric) >= _level(track, threshold)
    out: NDArray[np.int64] = np.flatnonzero(above[1:] != above[:-1])
    return out


def _crossings(track: _Track) -> dict[tuple[str, int], str]:
    """(metric, month) -> ``crosses 0.5``, for quoting a crossing inside another line."""
    found: dict[tuple[str, int], str] = {}
    for threshold in THRESHOLDS:
        text = _fill(threshold.name, track, threshold)
        for m in _crossing_months(track, threshold):
            found[(threshold.metric, int(m))] = f"crosses {text}"
    return found


def _threshold_lines(track: _Track, claimed: set[tuple[str, int]]) -> list[_Line]:
    """Lines for each threshold crossed: one per crossing, or one per back-and-forth run."""
    lines = []
    for threshold in THRESHOLDS:
        months = [int(m) for m in _crossing_months(track, threshold)]
        for run in _clusters(months):
            if len(run) == 1 and (threshold.metric, run[0]) in claimed:
                continue
            lines.append(_threshold_line(track, threshold, run))
    return lines


def _threshold_line(track: _Track, threshold: _Threshold, run: list[int]) -> _Line:
    shown = threshold.shown or threshold.metric
    first, last = run[0], run[-1]
    rising = track.at(threshold.metric, first) >= _level(track, threshold)
    verb = _fill(threshold.up if rising else threshold.down, track, threshold, first)
    if len(run) == 1:
        level = _level(track, threshold) if shown == threshold.metric else None
        change = _arrow(shown, track.before(shown, first), track.at(shown, first), level)
        return _Line(first, last, ORDER_THRESHOLD, f"{threshold.subject} {verb} ({change})")
    values = track.series(shown)[first:last]
    if len(run) == 2:
        extreme = ("peak", values.max()) if rising else ("low", values.min())
        text = (
            f"{threshold.subject} {verb} ({extreme[0]} {_with_unit(shown, float(extreme[1]))}) "
            f"until {track.dates[last]}"
        )
        return _Line(first, last, ORDER_THRESHOLD, text)
    ends = "above" if track.at(threshold.metric, last) >= _level(track, threshold) else "below"
    span = _in_unit(shown, _span(track.series(shown)[first : last + 1].tolist(), _bare(shown)))
    name = _fill(threshold.name, track, threshold)
    text = (
        f"{threshold.subject} crosses {name} {len(run)} times ({span}), ends {ends} "
        f"({_with_unit(shown, track.at(shown, last))})"
    )
    return _Line(first, last, ORDER_THRESHOLD, text)


def _fill(template: str, track: _Track, threshold: _Threshold, month: int = -1) -> str:
    floor = _with_unit("kpa_floor_m", track.at("kpa_floor_m", month))
    return template.format(
        level=_level_text(threshold.metric, _level(track, threshold)), floor=floor
    )


# ---- years
def _year_lines(track: _Track) -> list[_Line]:
    """One line per calendar year: shells shipped, value paid, DPRK's GDP and food gap."""
    years = np.array([int(date[:4]) for date in track.dates])
    lines = []
    for year in np.unique(years):
        months = np.flatnonzero(years == year)
        first, last = int(months[0]), int(months[-1])
        part = "" if months.size == 12 else f" ({track.dates[first]}..{track.dates[last]})"
        gdp = _with_unit("dprk_gdp_bn", track.at("dprk_gdp_bn", last))
        shipped = _year_shipments(track, months)
        text = f"In {year}{part}: {shipped + '; ' if shipped else ''}DPRK's GDP {gdp}"
        gap = float(track.series("dprk_food_gap")[months].max())
        if gap >= 0.005:
            text += f", food gap up to {_pct(gap)}"
        lines.append(_Line(last, last, ORDER_YEAR, text))
    return lines


def _year_shipments(track: _Track, months: NDArray[np.int64]) -> str:
    """Shells shipped and value paid in some months; "" if the world never ships at all."""
    containers = float(track.series("containers")[months].sum())
    if track.series("containers_cum")[-1] < 0.5:
        return ""
    if containers < 0.5:
        return "no shipments"
    rounds = _with_unit("rounds_cum_m", float(track.series("rounds_m")[months].sum()))
    paid = _usd_m(float(track.series("payment_m")[months].sum()))
    return f"{_int(containers)} containers ({rounds}) shipped, {paid} paid"


# --------------------------------------------------------------------------- header and summary
def _header(track: _Track, ensemble: Simulation, note: str, logged: bool) -> list[str]:
    s = track.scenario
    worlds = ensemble.world_ids.size
    lines = [
        f"{s.name}: {s.title}" if s.title else s.name,
        f"World {track.world} of an ensemble of {worlds}, seed {s.seed}, "
        f"{track.dates[0]}..{track.dates[-1]} ({_count(track.months, 'month')}).",
    ]
    if note:
        lines.append(note)
    if not logged:
        lines.append(
            f"World {track.world} is outside the logged sample of worlds: its story is built "
            "from its monthly series and the scenario's dated events alone "
            "(no conditional or random events, no DPRK offer decisions)."
        )
    return lines


@dataclass(frozen=True)
class _Row:
    label: str
    value: str
    median: str
    percentile: str


def _summary_rows(track: _Track, ensemble: Simulation, extra: Sequence[str]) -> list[_Row]:
    """The world's final value of each summary metric vs the ensemble's median."""
    metrics = [m for m in extra if m not in SUMMARY_METRICS] + list(SUMMARY_METRICS)
    rows = []
    for metric in metrics:
        final = ensemble.series(metric)[-1]
        value = track.at(metric, track.months - 1)
        rank = (np.sum(final < value) + 0.5 * np.sum(final == value)) / final.size
        rows.append(
            _Row(
                METRIC_BY_NAME[metric].description,
                _with_unit(metric, value),
                _with_unit(metric, float(np.median(final))),
                f"{100 * rank:.0f}",
            )
        )
    return rows


# --------------------------------------------------------------------------- rendering
def _label(track: _Track, line: _Line) -> str:
    if line.end == line.start:
        return track.dates[line.start]
    return f"{track.dates[line.start]}..{track.dates[line.end]}"


def _render_text(
    track: _Track, header: list[str], lines: Sequence[_Line], rows: Sequence[_Row]
) -> str:
    out = [*header, ""]
    previous, year = "", ""
    for line in lines:
        label = _label(track, line)
        if year and label[:4] != year:
            out.append("")
        year = label[:4]
        lead = label if label != previous else " " * len(label)
        out.append(f"{lead}  {line.text}")
        previous = label
    out += ["", f"Final state, {track.dates[-1]}:"]
    table = [_Row("", "this world", "ensemble median", "percentile"), *rows]
    width = max(len(r.label) for r in table)
    value_w = max(len(r.value) for r in table)
    median_w = max(len(r.median) for r in table)
    out += [
        f"  {r.label:<{width}}  {r.value:>{value_w}}  {r.median:>{median_w}}  {r.percentile:>10}"
        for r in table
    ]
    return "\n".join(out) + "\n"


def _render_markdown(
    track: _Track, header: list[str], lines: Sequence[_Line], rows: Sequence[_Row]
) -> str:
    out = [f"# {header[0]}", "", *(f"{h}  " for h in header[1:]), ""]
    year = ""
    for line in lines:
        label = _label(track, line)
        if label[:4] != year:
            year = label[:4]
            out += ["", f"## {year}", ""] if out[-1] else [f"## {year}", ""]
        out.append(f"- **{label}** {line.text}")
    out += [
        "",
        f"## Final state, {track.dates[-1]}",
        "",
        "| metric | this world | ensemble median | percentile |",
        "|---|--:|--:|--:|",
        *(f"| {r.label} | {r.value} | {r.median} | {r.percentile} |" for r in rows),
    ]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- numbers
def _change(track: _Track, metric: str, month: int, crossings: dict[tuple[str, int], str]) -> str:
    """``DPRK's trust in Russia 0.62 -> 0.71`` (plus ``, crosses 0.5`` when it does)."""
    label = LABELS.get(metric, METRIC_BY_NAME[metric].description)
    text = f"{label} {_arrow(metric, track.before(metric, month), track.at(metric, month))}"
    crossed = crossings.get((metric, month))
    return f"{text} ({crossed})" if crossed else text


def _arrow(metric: str, before: float, after: float, level: float | None = None) -> str:
    """``a -> b unit``, with one more decimal if a, b (and a level) would look equal."""
    for extra in (0, 1):
        bare = _bare(metric, extra or None)
        shown = {bare(before), bare(after)} | ({bare(level)} if level is not None else set())
        if len(shown) == (2 if level is None else 3):
            break
    return _in_unit(metric, f"{bare(before)} -> {bare(after)}")


def _with_unit(metric: str, value: float) -> str:
    """A value with its unit, rounded to what the unit needs."""
    return _in_unit(metric, _bare(metric)(value))


def _in_unit(metric: str, number: str) -> str:
    """Formatted numbers (``12``, ``0.4 -> 0.5``, ``3-5``) with the metric's unit around them."""
    unit = METRIC_BY_NAME[metric].unit
    if unit.startswith("US$"):
        rest = unit[3:].strip()
        return f"US$ {number}" + (rest if rest.startswith("/") else f" {rest}")
    if unit in ("share", "share/yr", "share of need", "index", "probability"):
        return number + (" of need" if unit == "share of need" else "")
    if unit == "tier":
        return f"tier {number}"
    return f"{number} {unit}"


def _bare(metric: str, digits: int | None = None) -> _Format:
    """The number format of a metric's unit; ``digits`` forces the decimals of a share."""
    unit = METRIC_BY_NAME[metric].unit
    if unit in ("share", "share of need"):
        return lambda v: _pct(v, digits)
    if unit == "share/yr":
        return lambda v: ("+" if v > 0 else "") + _pct(v, digits)
    if unit in ("index", "probability"):
        return lambda v: f"{v:.{2 if digits is None else digits + 2}f}"
    if unit in ("containers", "containers/month", "launches", "tier", "rounds/day", "US$/round"):
        return _int
    if unit in ("M rounds", "M rounds/month", "US$ bn/yr"):
        return lambda v: f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return _num


def _level_text(metric: str, level: float) -> str:
    """A threshold level as written in a sentence: ``10%``, ``0.5``, ``0.05 M rounds``."""
    unit = METRIC_BY_NAME[metric].unit
    if unit in ("index", "probability"):
        return f"{level:.2g}"
    return _with_unit(metric, level)


def _pct(value: float, digits: int | None = None) -> str:
    """A share as a percentage: one decimal below 10%, none above, unless ``digits``."""
    percent = 100 * value
    if digits is None:
        if abs(percent) < 0.05:
            return "0%"
        digits = 1 if abs(percent) < 10 else 0
    return f"{percent:.{digits}f}%"


def _int(value: float) -> str:
    return f"{value:,.0f}"


def _num(value: float) -> str:
    """Whole numbers from 10 (with thousands separators), one decimal below."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"


def _usd_m(value: float) -> str:
    """US$ millions, shown in billions from 1,000."""
    return f"US$ {value / 1000:.2f} bn" if abs(value) >= 1000 else f"US$ {_num(value)} m"


def _span(values: Sequence[float], fmt: _Format) -> str:
    """``lo-hi`` of some values (``87-89%``), or one value if they all look the same."""
    lo, hi = fmt(min(values)), fmt(max(values))
    if lo == hi:
        return lo
    if lo.endswith("%") and hi.endswith("%"):
        return f"{lo[:-1]}-{hi}"
    return f"{lo}-{hi}"


_SCIENTIFIC = re.compile(r"-?\d+(?:\.\d+)?e[+-]?\d+")


def _plain_numbers(text: str) -> str:
    """Rewrite numbers in scientific notation (``1.3e+03``) as plain ones (``1,300``)."""
    return _SCIENTIFIC.sub(lambda found: f"{float(found.group()):,.6g}", text)


def _months_of(run: Sequence[int]) -> str:
    """``for 3 months`` for consecutive months, ``in 3 of 5 months`` with gaps."""
    span = run[-1] - run[0] + 1
    return f"for {span} months" if len(run) == span else f"in {len(run)} of {span} months"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


__all__ = [
    "DEFAULT_METRIC",
    "LOWER_IS_BETTER",
    "PICKS",
    "SUMMARY_METRICS",
    "Choice",
    "NarrationError",
    "Pick",
    "check_choice",
    "check_metric",
    "check_pick",
    "choose_world",
    "narrate",
    "narrate_ensemble",
    "narrate_scenario",
    "pick_world",
]
