"""What the Play page does with a game: its lever form, a turn from the form, the ending.

One player takes a seat against the model (:class:`~triad.game.session.Session`, the game of
``triad play``). The form shows each lever with its unit and allowed range, starting at the
lever's default (its current value, or the model's advice before the first move); a turn
is played from the form's values, checked as ``triad play`` checks a typed entry. At the end
the seat's score is ranked against the model's own play of the same scenario and seed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from triad.game.levers import Lever, check_move, levers
from triad.game.play import Ranking, comparison_chart, rank_game, transcript, verdict
from triad.game.session import Session, Turn

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HORIZONS: dict[str, int | None] = {"12 months": 12, "24 months": 24, "the scenario's": None}
"""Game lengths offered: a short game fits a seminar slot; None keeps the scenario's."""
RANK_WORLDS = 200
"""Worlds of the model's own play the player is ranked in (as ``triad play``)."""


@dataclass(frozen=True)
class LeverField:
    """One lever of the form.

    Attributes:
        name: The lever (``offer_containers``).
        label: Name, unit and allowed values, for the field's label.
        help: What the lever does.
        low: Lowest value.
        high: Highest value.
        whole: Whether only whole numbers are allowed.
        yes_no: Whether it is a yes/no choice.
        value: Where the field starts this turn.
    """

    name: str
    label: str
    help: str
    low: float
    high: float
    whole: bool
    yes_no: bool
    value: float


def new_game(
    scenario: str, seat: str, turn: str, seed: int | None, fog: bool, horizon: int | None
) -> Session:
    """A new game (the options of ``triad play``; ``horizon`` sets ``months``).

    Raises:
        GameError: For a bad seat or turn; ScenarioError for a bad scenario or seed.
    """
    overrides = [f"months={horizon}"] if horizon is not None else []
    return Session(scenario, seat, turn=turn, seed=seed, fog=fog, overrides=overrides)


def lever_fields(session: Session) -> list[LeverField]:
    """The seat's levers as form fields, each starting at this turn's default."""
    start = session.defaults()
    return [_field(lever, start[lever.name]) for lever in levers(session.seat)]


def _field(lever: Lever, value: float) -> LeverField:
    spec = lever.spec
    label = f"{lever.name} [{spec.unit}]" if spec.unit else lever.name
    return LeverField(
        lever.name, label, spec.help, spec.low, spec.high, spec.integer, lever.yes_no, value
    )


def play_turn(session: Session, values: Mapping[str, object]) -> Turn:
    """Play one turn with the form's values (levers left out keep their defaults).

    Raises:
        GameError: Naming the lever and its allowed values, if a value is refused.
    """
    return session.play(check_move(session.seat, values, "your move"))


def advice(session: Session) -> dict[str, float]:
    """The model's own move for the seat this turn (what the advice button fills in)."""
    return session.advice()


@dataclass(frozen=True)
class Ending:
    """A finished game ranked against the model's own play."""

    comparison: Ranking
    verdict: str
    transcript: str

    def chart(self, session: Session) -> Figure:
        """The player's score over the fan of the model's worlds."""
        return comparison_chart(session, self.comparison)


def ending(session: Session, worlds: int = RANK_WORLDS) -> Ending:
    """Rank the finished (or abandoned) game against the model's own play."""
    ranked = rank_game(session, worlds)
    return Ending(ranked, verdict(session, ranked), transcript(session, ranked))


def saved_game(session: Session) -> str:
    """The game as the JSON ``triad play --load`` reads."""
    return json.dumps(session.record().model_dump(), indent=2) + "\n"
