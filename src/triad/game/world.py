"""One world of a scenario in which some seats follow submitted moves: the game's engine.

A :class:`GameWorld` puts the chosen seats on the ``human`` policy
(:func:`triad.game.seats.seat_players`), builds the model (one world) and steps it a turn at
a time with every chosen seat's move; the other seats play their scenario policies. It
knows, for any seat, the model's own advice (the policy the scenario gives the seat's
actor), each lever's default, the score's parts, and it writes the news of a span of
months. A one-player game (:class:`~triad.game.session.Session`) and a seminar of several
teams (:class:`~triad.game.seminar.Seminar`) are both a game world plus their record of
turns.

Events added to the world (a facilitator's injection) join the scenario's own: they
appear in the news with their description like any scenario event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import numpy as np
from numpy.typing import NDArray

from triad.game.levers import ONE_OFF, SEATS, Move, check_seat, defaults, levers
from triad.game.seats import seat_players
from triad.model.model import TriadModel
from triad.model.policies.base import Policy, clip_action
from triad.model.policies.human import Human
from triad.model.policies.mixture import Mixture
from triad.scenario.schema import Event, Scenario

SCORE_METRIC: Final = {s: f"score_{s}" for s in SEATS}
"""The metric holding each seat's objective score in [0, 1]."""

ACTOR_NAMES: Final = {"russia": "Russia", "china": "China", "dprk": "DPRK", "world": "World"}

CUTS: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "dprk",
        "offer_containers",
        "DPRK cuts its offer of shells to Russia: {old} -> {new} containers/month",
    ),
    (
        "russia",
        "request_containers",
        "Russia cuts its request for DPRK shells: {old} -> {new} containers/month",
    ),
    ("russia", "pay_share", "Russia cuts the share of the agreed value it pays: {old} -> {new}"),
    ("china", "trade_level", "China cuts its trade with DPRK: {old} -> {new} x normal"),
    ("china", "aid_m", "China cuts its aid to DPRK: {old} -> {new} US$ m/month"),
)
"""(seat, lever, news line): the cuts in trade, aid, payment and offers the news reports,
each as the move of the seat whose lever it is."""
CUT_SHARE: Final = 0.2
"""A lever is reported as cut when it falls by more than this share in a month."""
MODEL_OFFER_CUT: Final = "DPRK cuts its offer"
"""The start of the model's log row for DPRK's low offer, which the news leaves out.

The model logs it in every month that DPRK's offer is below half its maximum after a
shipment while Russia pays less than agreed, whether or not DPRK changed its offer, so a
steady offer read as DPRK cutting it each month, because of Russia's under-payment. The
news reports a cut from the seats' levers instead (:data:`CUTS`)."""


class GameWorld:
    """One world of a scenario, the chosen seats played by submitted moves.

    Args:
        written: The scenario as resolved (overrides, seed and ``worlds=1`` applied), its
            seats on their own policies.
        seats: The seats that follow submitted moves (the others play their policies).
        events: Events added to the scenario's own (a facilitator's injections).

    Attributes:
        scenario: The scenario the model runs: ``written`` with the seats on ``human`` and
            the added events.
        model: The model: one world.
        actions: Every seat's action, month by month (lever -> value).
        initial: Every metric before the first month.
    """

    def __init__(self, written: Scenario, seats: Iterable[str], events: Sequence[Event] = ()):
        self.written = written
        self.seats = tuple(check_seat(s) for s in seats)
        played = seat_players(written, self.seats)
        self.scenario: Scenario = (
            played.model_copy(update={"events": [*played.events, *events]}) if events else played
        )
        self._own: dict[str, Policy] = {}
        self.reset()

    def reset(self) -> None:
        """Back to the world before the first month: a new model from the seed."""
        self.model = TriadModel(self.scenario, worlds=1)
        self.actions: list[dict[str, Move]] = []
        self.initial = self.state

    # ------------------------------------------------------------------ the clock
    @property
    def months(self) -> int:
        """The horizon in months."""
        return self.scenario.months

    @property
    def month(self) -> int:
        """Months played so far: the index of the next month."""
        return self.model.month

    @property
    def done(self) -> bool:
        """Whether the horizon is reached."""
        return self.model.month >= self.months

    def date(self, month: int) -> str:
        """``YYYY-MM`` of a month index."""
        return str(self.scenario.first_month + month)

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> dict[str, float]:
        """Every metric of the world now (before the first month: the initial state)."""
        return {k: float(v[0]) for k, v in self.model.state.items()}

    def score(self, seat: str) -> float:
        """A seat's objective score now, in [0, 1]."""
        return float(self.model.state[SCORE_METRIC[seat]][0])

    def series(self, metric: str) -> NDArray[np.float64]:
        """A metric over the months played so far (empty before the first month)."""
        values = self.model.recorder.series(metric)[: self.model.month, 0]
        return np.asarray(values, dtype=np.float64)

    def parts(self, seat: str) -> dict[str, float]:
        """A seat's objective score now, split into its parts (``TriadModel.score_parts``)."""
        found = self.model.score_parts(seat)
        return {name: float(value[0]) for name, value in found.parts.items()}

    def scale(self, seat: str) -> str:
        """The scale a seat's score parts add up on: ``logit`` or ``log``."""
        return self.model.score_parts(seat).scale

    # ------------------------------------------------------------------ the model's advice
    def own_policy(self, seat: str) -> Policy:
        """The policy the scenario gives a seat's actor: the model's own play of the seat.

        It is the policy of world 0 of the model's own ensemble (the world that draws the
        random numbers of this game), drawn for this world if the scenario's policy type is
        uncertain; a scenario that puts the seat on ``human`` gives its actor's default.
        """
        if seat not in self._own:
            policy = getattr(TriadModel(self.written, worlds=1), seat).policy
            if isinstance(policy, Mixture):
                policy = policy.policies[int(policy.index[0])]
            if isinstance(policy, Human):
                policy = policy.fallback
            self._own[seat] = policy
        return self._own[seat]

    def advice(self, seat: str) -> Move:
        """What the model's own policy for a seat would do this turn.

        Every lever, as the seat's policy would set it in the turn's first month, seeing what
        the seat sees now.
        """
        observation = self.model.observe(seat)
        action = clip_action(seat, self.own_policy(seat).decide(observation), 1)
        return {lever.name: float(action[lever.name][0]) for lever in levers(seat)}

    def defaults(self, seat: str) -> Move:
        """This turn's default of each lever of a seat.

        Its current value, or before the first month the model's advice (:meth:`advice`);
        a one-off lever defaults to "no" (see :func:`triad.game.levers.defaults`).
        """
        if self.model.month > 0:
            return defaults(self.model, seat)
        advice = self.advice(seat)
        return {k: (0.0 if k in ONE_OFF else v) for k, v in advice.items()}

    # ------------------------------------------------------------------ playing
    def play(self, moves: Mapping[str, Move], months: int) -> int:
        """Step up to ``months`` months, each chosen seat playing its full move.

        One-off levers (a launch) act in the first month only.

        Args:
            moves: Seat -> every lever of its move, for each seat of :attr:`seats`.
            months: Months in the turn (fewer are played at the horizon).

        Returns:
            The months played.
        """
        played = min(months, self.months - self.model.month)
        for index in range(played):
            for seat in self.seats:
                full = moves[seat]
                once = {k: 0.0 for k in ONE_OFF if k in full} if index else {}
                self.model.submit(seat, full | once)
            self.model.step()
            self.actions.append(self._actions())
        return played

    def partners(self, seat: str) -> dict[str, Move]:
        """The other seats' actions in the last month played, lever -> value."""
        return {s: a for s, a in self.actions[-1].items() if s != seat} if self.actions else {}

    def _actions(self) -> dict[str, Move]:
        """Every seat's action in the month just simulated."""
        return {
            seat: {k: float(v[0]) for k, v in getattr(self.model, seat).action.items()}
            for seat in SEATS
        }

    # ------------------------------------------------------------------ the news
    def news(self, start: int, stop: int) -> tuple[str, ...]:
        """What happened in months ``start`` to ``stop - 1``, one line per happening.

        The model's event log (scenario events, launches, technology, thresholds), then the
        month's cuts (:meth:`cuts`), month by month. An event with several actions is one
        line, its actions listed in it.
        """
        log = self.model.log.frame()
        log = log[(log["month"] >= start) & (log["month"] < stop)]
        descriptions = {e.name: e.description.strip() for e in self.scenario.events}
        by_month: dict[int, list[str | tuple[int, str]]] = {m: [] for m in range(start, stop)}
        effects: dict[tuple[int, str], list[str]] = {}  # an event's actions, in log order
        for row in log.itertuples(index=False):
            month, actor, kind, detail = int(str(row.month)), str(row.actor), row.kind, row.detail
            text = str(detail)
            if kind == "event":  # one line per event: its place now, its actions below
                name, _, effect = text.partition(": ")
                if (month, name) not in effects:
                    by_month[month].append((month, name))
                found = effects.setdefault((month, name), [])
                found += [effect] if effect not in found else []
            elif not text.startswith(MODEL_OFFER_CUT):  # not always a cut: see MODEL_OFFER_CUT
                who = ACTOR_NAMES.get(actor, actor)
                by_month[month].append(text if text.startswith(who) else f"{who}: {text}")

        def shown(item: str | tuple[int, str]) -> str:
            if isinstance(item, str):
                return item
            name = item[1]
            about = descriptions.get(name) or name
            return f"{about} [{name}: {'; '.join(effects[item])}]"

        lines: list[str] = []
        for month, happenings in by_month.items():
            for line in [*map(shown, happenings), *self.cuts(month)]:
                dated = f"{self.date(month)} · {line}"
                if dated not in lines:
                    lines.append(dated)
        return tuple(lines)

    def cuts(self, month: int) -> list[str]:
        """The levers of :data:`CUTS` that fell by more than :data:`CUT_SHARE` in a month.

        Each is reported as the move of the seat whose lever it is, a player's included.
        """
        if month == 0:
            return []
        before, now = self.actions[month - 1], self.actions[month]
        lines = []
        for seat, name, text in CUTS:
            old, new = before[seat][name], now[seat][name]
            if old > 0 and new < (1.0 - CUT_SHARE) * old:
                lever = next(x for x in levers(seat) if x.name == name)
                lines.append(text.format(old=lever.show(old), new=lever.show(new)))
        return lines
