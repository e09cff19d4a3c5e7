"""The three states as Mesa agents.

Each holds its state arrays (one value per world) and its policy, produces, and decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa
import numpy as np
from numpy.typing import NDArray

from triad.model.policies.base import Policy, clip_action

if TYPE_CHECKING:
    from triad.model.model import TriadModel

Array = NDArray[np.float64]


class Actor(mesa.Agent):  # type: ignore[misc]
    """A state: its arrays over worlds, its policy and this month's action.

    Attributes:
        key: ``russia``, ``china`` or ``dprk``.
        state: Variable name -> array over worlds.
        action: This month's clipped action, lever -> array over worlds.
    """

    key: ClassVar[str]
    model: TriadModel

    def __init__(self, model: TriadModel, policy: Policy) -> None:
        super().__init__(model)
        self.policy = policy
        self.state: dict[str, Array] = {}
        self.action: dict[str, Array] = {}

    def produce(self) -> None:
        """This month's own production (nothing by default)."""

    def decide(self) -> None:
        """Ask the policy for this month's action, clipped to the levers' ranges."""
        decision = self.policy.decide(self.model.observe(self.key))
        self.action = clip_action(self.key, decision, self.model.n)


class Dprk(Actor):
    """North Korea: shells, economy, satellites, exposure."""

    key = "dprk"

    def produce(self) -> None:
        """Produce shells: lines for Russia at full capacity, the rest with oil.

        The other plants run at a utilisation that follows last month's oil supply
        (power and materials).
        """
        p = self.model.params
        util = np.clip(p["dprk.munitions.utilisation"] * self.state["oil_supply"], 0.0, 1.0)
        lines = p["dprk.munitions.export_lines_share"]
        production = p["dprk.munitions.capacity_m"] * (lines + (1.0 - lines) * util)
        self.state["production"] = production
        self.state["stock"] = self.state["stock"] + production


class Russia(Actor):
    """Russia: its artillery war, stock, production and technology tier."""

    key = "russia"

    def produce(self) -> None:
        """Own production rises by a fixed step each month up to its ceiling."""
        p = self.model.params
        ramp = p["russia.war.production_m"] + p["russia.war.production_growth_m"] * self.model.month
        production = np.minimum(ramp, p["russia.war.production_max_m"])
        self.state["production"] = production
        self.state["stock"] = self.state["stock"] + production


class China(Actor):
    """China: trade, aid and enforcement toward DPRK, and its resentment of the tilt."""

    key = "china"
