"""The levers of a seat: range, unit, one-line help, default, and the parsing of an entry.

Every lever is an :class:`~triad.model.policies.base.ActionSpec` of the model's
``ACTION_SPACES``; nothing here adds a lever the model does not have. The issue's extra DPRK
levers have no lever of their own in the model and are played through the real ones:

* *accept food aid*: food arrives as China's aid (China's ``aid_m``) and as the food share
  of Russia's payment (Russia's ``food_share``); DPRK takes what comes.
* *lean toward China or Russia*: China's resentment follows DPRK's trade with Russia, so
  DPRK leans toward Russia by offering more containers (``offer_containers``) and toward
  China by offering fewer.

The default of a lever is its current value: what the seat did last month, or before the
first month what the model's own policy for the seat would choose. One-off levers (a
satellite launch) default to "no".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from triad.errors import GameError
from triad.model.model import TriadModel
from triad.model.policies.base import ACTION_SPACES, ActionSpec, clip_action
from triad.model.policies.human import Human

SEATS: Final[tuple[str, ...]] = ("russia", "china", "dprk")
"""The seats a player can take, in the model's order."""

ONE_OFF: Final = frozenset({"launch"})
"""Levers that act once: they default to their lowest value and, in a quarter turn, apply
to the first month only."""

_YES: Final = frozenset({"y", "yes", "true", "on"})
_NO: Final = frozenset({"n", "no", "false", "off"})

type Move = dict[str, float]
"""Lever name -> value: one turn of one seat."""


@dataclass(frozen=True)
class Lever:
    """One lever of a seat, as the player sees it.

    Attributes:
        spec: The model's definition (name, low, high, unit, help, integer).
    """

    spec: ActionSpec

    @property
    def name(self) -> str:
        """Key in the action dict (``offer_containers``)."""
        return self.spec.name

    @property
    def yes_no(self) -> bool:
        """Whether the lever is a yes/no choice (a whole number from 0 to 1)."""
        return self.spec.integer and self.spec.low == 0 and self.spec.high == 1

    def allowed(self) -> str:
        """The allowed values in words: ``0 to 5000 containers/month``."""
        if self.yes_no:
            return "0 (no) or 1 (yes)"
        span = f"{self.spec.low:g} to {self.spec.high:g} {self.spec.unit}"
        return f"a whole number from {span}" if self.spec.integer else span

    def show(self, value: float) -> str:
        """A value as the player reads it (``yes``, ``2``, ``1200``, ``0.35``)."""
        if self.yes_no:
            return "yes" if value >= 0.5 else "no"
        return f"{value:.0f}" if self.spec.integer or abs(value) >= 100 else f"{value:.3g}"

    def parse(self, text: str) -> float:
        """Read a typed entry.

        Raises:
            GameError: If it is not a number (or yes/no), not whole, or out of range.
        """
        word = text.strip().lower().replace(",", "").replace("_", "")
        if self.yes_no and word in _YES | _NO:
            return 1.0 if word in _YES else 0.0
        try:
            value = float(word)
        except ValueError:
            raise self._error(f"{text.strip()!r} is not a number") from None
        return self.check(value)

    def check(self, value: object) -> float:
        """Check a value from a file or a program (a number, or a bool for yes/no levers).

        Raises:
            GameError: If it is of the wrong type, not whole, or out of range.
        """
        if isinstance(value, bool) and self.yes_no:
            return float(value)
        if isinstance(value, str):
            return self.parse(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._error(f"{value!r} is a {type(value).__name__}, not a number")
        number = float(value)
        if not math.isfinite(number):
            raise self._error(f"{number} is not a number")
        if self.spec.integer and number != round(number):
            raise self._error(f"{number:g} is not a whole number")
        if not self.spec.low <= number <= self.spec.high:
            raise self._error(f"{number:g} is out of range")
        return number

    def _error(self, what: str) -> GameError:
        return GameError(f"{self.name}: {what}; allowed: {self.allowed()}")


def check_seat(seat: str) -> str:
    """The seat, checked.

    Raises:
        GameError: If it is not ``russia``, ``china`` or ``dprk``.
    """
    if seat not in SEATS:
        raise GameError(f"unknown seat {seat!r}; choose one of: {', '.join(SEATS)}")
    return seat


def levers(seat: str) -> tuple[Lever, ...]:
    """The levers of a seat, in the model's order."""
    return tuple(Lever(spec) for spec in ACTION_SPACES[check_seat(seat)])


def lever_table() -> str:
    """Every seat's levers as a Markdown table (seat, lever, what it does, allowed values).

    docs/play.md shows it; a test keeps the two the same.
    """
    rows = ["| seat | lever | what it does | allowed |", "|---|---|---|---|"]
    for seat in ("dprk", "russia", "china"):
        rows += [
            f"| {seat} | `{lever.name}` | {lever.spec.help} | {lever.allowed()} |"
            for lever in levers(seat)
        ]
    return "\n".join(rows)


def check_move(seat: str, move: Mapping[str, object], where: str = "move") -> Move:
    """Check a partial move: known levers, right types, in range.

    Args:
        seat: Whose move it is.
        move: Lever name -> value (levers left out take their defaults later).
        where: How to name the move in a message (``moves.yaml: turn 3``).

    Returns:
        Lever name -> float, in the model's lever order.

    Raises:
        GameError: Naming the move, the lever and the allowed values.
    """
    known = {lever.name: lever for lever in levers(seat)}
    unknown = sorted(str(k) for k in move if k not in known)
    if unknown:
        raise GameError(
            f"{where}: unknown {seat} lever(s) {', '.join(unknown)}; levers: {', '.join(known)}"
        )
    out: Move = {}
    for name, lever in known.items():
        if name in move:
            try:
                out[name] = lever.check(move[name])
            except GameError as error:
                raise GameError(f"{where}: {error}") from None
    return out


def move_line(seat: str, move: Mapping[str, float]) -> str:
    """A seat's move on one line: ``offer_containers 500 · price_ask 1,200 · launch no``."""
    return " · ".join(f"{lever.name} {lever.show(move[lever.name])}" for lever in levers(seat))


def policy_choice(model: TriadModel, seat: str) -> Move:
    """What the model's own policy for the seat would choose this month (world 0)."""
    policy = getattr(model, seat).policy
    if isinstance(policy, Human):
        policy = policy.fallback
    action = clip_action(seat, policy.decide(model.observe(seat)), model.n, model.dtype)
    return {name: float(value[0]) for name, value in action.items()}


def defaults(model: TriadModel, seat: str) -> Move:
    """The default of each lever: its current value (see the module docstring)."""
    current = getattr(model, seat).action
    values = (
        {name: float(value[0]) for name, value in current.items()}
        if current
        else policy_choice(model, seat)
    )
    return {
        lever.name: lever.spec.low if lever.name in ONE_OFF else values[lever.name]
        for lever in levers(seat)
    }
