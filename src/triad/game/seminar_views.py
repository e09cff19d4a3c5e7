"""What a seminar shows: its resolved turns, each seat's view, and the panels of the room.

A :class:`TeamView` is one seat's view of a seminar as the dashboard reads it (a
:class:`~triad.game.dashboard.SeatView`, like a one-player
:class:`~triad.game.session.Session`); a :class:`TeamPanel` adds what a team may do this
turn, and a :class:`FacilitatorPanel` shows the facilitator every seat without fog.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from triad.game.dashboard import Dashboard
from triad.game.levers import Lever, Move
from triad.game.session import Turn
from triad.game.world import ACTOR_NAMES
from triad.scenario.schema import Event, Scenario

if TYPE_CHECKING:
    from triad.game.seminar import Seminar


@dataclass(frozen=True)
class SeminarTurn:
    """One resolved turn of a seminar.

    Attributes:
        number: 1 for the first turn.
        first: Index of the turn's first month.
        months: Months the turn lasted (1, or 3 for a quarter; fewer at the horizon).
        moves: Each team's move as applied, every lever.
        forced: The teams whose move was the model's advice, forced by the facilitator.
        actions: Every seat's action in the turn's last month, lever -> value.
        state: Every metric of the world after the turn.
        parts: Every seat's score parts after the turn.
        news: What happened during the turn, one line per happening.
    """

    number: int
    first: int
    months: int
    moves: dict[str, Move]
    forced: frozenset[str]
    actions: dict[str, Move]
    state: dict[str, float]
    parts: dict[str, dict[str, float]]
    news: tuple[str, ...]

    def seen_by(self, seat: str) -> Turn:
        """The turn as one seat's dashboard shows it: its move, its partners' actions."""
        return Turn(
            number=self.number,
            first=self.first,
            months=self.months,
            move=self.moves.get(seat, self.actions[seat]),
            state=self.state,
            partners={s: a for s, a in self.actions.items() if s != seat},
            news=self.news,
            parts=self.parts[seat],
        )


@dataclass(frozen=True)
class TeamView:
    """One seat's view of a seminar: what the dashboard reads (a ``SeatView``).

    Attributes:
        seminar: The seminar.
        seat: The seat seen.
        fog: Whether partners' hidden state is shown as noisy estimates.
    """

    seminar: Seminar
    seat: str
    fog: bool

    @property
    def seed(self) -> int:
        """The seminar's seed."""
        return self.seminar.seed

    @property
    def scenario(self) -> Scenario:
        """The scenario the model runs."""
        return self.seminar.world.scenario

    @property
    def turns(self) -> tuple[Turn, ...]:
        """The turns resolved so far, as the seat saw them."""
        return tuple(turn.seen_by(self.seat) for turn in self.seminar.turns)

    @property
    def initial(self) -> dict[str, float]:
        """Every metric before the first turn."""
        return self.seminar.world.initial

    @property
    def initial_parts(self) -> dict[str, float]:
        """The seat's score parts before the first turn."""
        return self.seminar.initial_parts[self.seat]

    @property
    def scale(self) -> str:
        """The scale the seat's score parts add up on."""
        return self.seminar.world.scale(self.seat)

    @property
    def months(self) -> int:
        """The horizon in months."""
        return self.seminar.months

    @property
    def total_turns(self) -> int:
        """Turns in the whole seminar."""
        return self.seminar.total_turns

    def date(self, month: int) -> str:
        """``YYYY-MM`` of a month index."""
        return self.seminar.world.date(month)

    def series(self, metric: str) -> NDArray[np.float64]:
        """A metric over the months played so far."""
        return self.seminar.world.series(metric)


@dataclass(frozen=True)
class TeamPanel:
    """What a team sees and may do this turn.

    Attributes:
        seat: The team's seat.
        board: Its dashboard (``triad play``'s), under fog of war if the seminar has it.
        levers: Its levers, in the model's order.
        defaults: This turn's default of each lever.
        advice: The model's advice for the seat this turn, every lever.
        policy: The name of the policy that gives the advice.
        submitted: The team's move this turn, if it has submitted one.
        waiting: The teams that have not moved this turn.
        paused: Whether the facilitator paused the seminar.
        done: Whether the horizon is reached.
    """

    seat: str
    board: Dashboard
    levers: tuple[Lever, ...]
    defaults: Move
    advice: Move
    policy: str
    submitted: Move | None
    waiting: tuple[str, ...]
    paused: bool
    done: bool


@dataclass(frozen=True)
class FacilitatorPanel:
    """What the facilitator sees: every seat without fog, and the state of the turn.

    Attributes:
        boards: Every seat's dashboard, without fog of war.
        teams: The seats teams play.
        pending: The moves submitted this turn, by team.
        waiting: The teams that have not moved this turn.
        advice: The model's advice for each team this turn (what forcing plays).
        paused: Whether the seminar is paused.
        done: Whether the horizon is reached.
        injected: The events injected so far, dated.
    """

    boards: dict[str, Dashboard]
    teams: tuple[str, ...]
    pending: dict[str, Move]
    waiting: tuple[str, ...]
    advice: dict[str, Move]
    paused: bool
    done: bool
    injected: tuple[Event, ...]


def names(seats: Iterable[str]) -> str:
    """``Russia and DPRK``: seats as a reader says them."""
    shown = [ACTOR_NAMES[seat] for seat in seats]
    return " and ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)
