"""A policy drawn per world: each world runs one of an actor's policies.

An uncertain policy type (``uncertain: china.policy: {dist: choice, values: [...]}``)
gives each world one policy from a list. The mixture asks every policy some world runs
for its action over all worlds and keeps, world by world, the action of that world's
policy: no loop over worlds, and each policy sees the same observation as it would alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from triad.model.policies.base import Array, Observation, Policy


class Mixture(Policy):
    """Each world runs one of several policies of the same actor.

    Args:
        policies: The candidate policies, all of one actor.
        index: For each world, the position in ``policies`` of the policy it runs.

    Attributes:
        policies: The candidates.
        index: The policy each world runs.
    """

    actor = "mixture"
    name = "mixture"

    def __init__(self, policies: Sequence[Policy], index: NDArray[np.intp]) -> None:
        if not policies:
            raise ValueError("a mixture needs at least one policy")
        self.policies = tuple(policies)
        self.index = np.asarray(index, dtype=np.intp)
        self._used = tuple(int(i) for i in np.unique(self.index))

    @property
    def names(self) -> tuple[str, ...]:
        """The candidates' names, in the order ``index`` refers to."""
        return tuple(policy.name for policy in self.policies)

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Each world's action from its own policy (only policies some world runs are asked)."""
        first, *rest = self._used
        out = {
            k: np.asarray(v, dtype=np.float64) for k, v in self.policies[first].decide(obs).items()
        }
        for position in rest:
            chosen = self.index == position
            for lever, value in self.policies[position].decide(obs).items():
                out[lever] = np.where(chosen, value, out[lever])
        return out
