"""The ``human`` policy: actions supplied from outside (play mode, web app, RL env)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from triad.model.policies.base import ACTION_SPACES, Array, Observation, Policy
from triad.model.policies.registry import register


class Human(Policy):
    """Play the seat from outside: each month's action is set with :meth:`submit`.

    Levers not submitted for a month fall back to ``fallback``, the actor's default
    policy, so a partial action (or none) is still a full move.
    """

    tags = frozenset({"human"})

    def __init__(self, fallback: Policy) -> None:
        self.fallback = fallback
        self._pending: dict[str, Array] = {}
        self.played = False  # whether this month's action came from outside

    def submit(self, action: Mapping[str, float | Array]) -> None:
        """Set the next month's action, lever by lever (scalars apply to every world).

        Raises:
            KeyError: If a lever is not one of the actor's.
        """
        levers = {spec.name for spec in ACTION_SPACES[self.actor]}
        unknown = set(action) - levers
        if unknown:
            raise KeyError(f"unknown {self.actor} lever(s): {', '.join(sorted(unknown))}")
        self._pending = {k: np.asarray(v, dtype=np.float64) for k, v in action.items()}

    def decide(self, obs: Observation) -> dict[str, Array]:
        """The submitted action, completed by the fallback policy; then forgotten.

        ``played`` tells whether anything was submitted for this month (else the seat
        played its default policy, as the model's own worlds do).
        """
        action = self.fallback.decide(obs)
        action.update(self._pending)
        self.played = bool(self._pending)
        self._pending = {}
        return action


@register
class HumanDprk(Human):
    """DPRK played from outside: a seminar player, the web app or an RL agent.

    Source: the seat-playing of war-game exercises (Perla, The Art of Wargaming, 1990) and
    the PettingZoo parallel-agent API (Terry et al. 2021).
    """

    actor = "dprk"
    name = "human"


@register
class HumanRussia(Human):
    """Russia played from outside: a seminar player, the web app or an RL agent.

    Source: the seat-playing of war-game exercises (Perla, The Art of Wargaming, 1990) and
    the PettingZoo parallel-agent API (Terry et al. 2021).
    """

    actor = "russia"
    name = "human"


@register
class HumanChina(Human):
    """China played from outside: a seminar player, the web app or an RL agent.

    Source: the seat-playing of war-game exercises (Perla, The Art of Wargaming, 1990) and
    the PettingZoo parallel-agent API (Terry et al. 2021).
    """

    actor = "china"
    name = "human"
