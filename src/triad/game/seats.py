"""Seats taken by players: a scenario whose chosen actors follow submitted moves.

The game, the PettingZoo environment and the exploit search put a seat on the ``human``
policy. They do it here, on the scenario object, rather than by writing ``--set`` text: a
seat's uncertain policy type (``uncertain: china.policy``) goes with the policy it
replaces, silently, because a player taking a seat is not an override to warn about.
"""

from __future__ import annotations

from collections.abc import Iterable

from triad.scenario.schema import Scenario

HUMAN = "human"
"""The policy of a seat that plays the moves submitted to it (its actor's default otherwise)."""


def seat_players(scenario: Scenario, seats: Iterable[str]) -> Scenario:
    """The scenario with every seat of ``seats`` on the ``human`` policy.

    Args:
        scenario: A validated scenario.
        seats: ``russia``, ``china`` and/or ``dprk``.

    Returns:
        A copy; the seats' policies are ``human`` and their policy types are not drawn.
    """
    chosen = set(seats)
    actors = scenario.actors.model_copy(
        update={
            seat: getattr(scenario.actors, seat).model_copy(update={"policy": HUMAN})
            for seat in chosen
        }
    )
    uncertain = {
        key: value
        for key, value in scenario.uncertain.items()
        if key not in {f"{seat}.policy" for seat in chosen}
    }
    return scenario.model_copy(update={"actors": actors, "uncertain": uncertain})
