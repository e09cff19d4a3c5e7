"""The three states as Mesa agents.

Each holds its state (:mod:`triad.model.state`: one array a variable, one value a world)
and its policy, produces, and decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa
import numpy as np
from numpy.typing import NDArray

from triad.model.policies.base import Policy, clip_action
from triad.model.policies.russia import production_capacity, war_need
from triad.model.state import ChinaState, DprkState, RussiaState

if TYPE_CHECKING:
    from triad.model.model import TriadModel

Array = NDArray[np.float64]


class Actor(mesa.Agent):  # type: ignore[misc]
    """A state: its policy and this month's action (each subclass holds its typed ``state``).

    Attributes:
        key: ``russia``, ``china`` or ``dprk``.
        action: This month's clipped action, lever -> array over worlds.
    """

    key: ClassVar[str]
    model: TriadModel

    def __init__(self, model: TriadModel, policy: Policy) -> None:
        super().__init__(model)
        self.policy = policy
        self.action: dict[str, Array] = {}

    def produce(self) -> None:
        """This month's own production (nothing by default)."""

    def decide(self) -> None:
        """Ask the policy for this month's action, clipped to the levers' ranges."""
        decision = self.policy.decide(self.model.observe(self.key))
        self.action = clip_action(self.key, decision, self.model.n, self.model.dtype)


class Dprk(Actor):
    """North Korea: shells, economy, satellites, exposure.

    Attributes:
        state: Its variables over worlds, set by the model before the first month.
    """

    key = "dprk"
    state: DprkState

    def produce(self) -> None:
        """Produce shells, SRBMs and heavy systems: lines for Russia flat out, the rest as able.

        The other plants' utilisation moves, with a lag, toward a target set by last
        month's oil supply (power) and payment (materials, cash): the target rises from
        ``utilisation x oil supply`` toward full use as payment grows, saturating so that
        more payment always helps a little less but never nothing.
        """
        p, m = self.model.params, "dprk.munitions."
        base = np.minimum(p[m + "utilisation"] * self.state.oil_supply, 1.0)
        paid = self.model.flows["paid"] / 100.0  # US$100m/month
        target = 1.0 - (1.0 - base) * np.exp(-p[m + "materials_gain"] * paid)
        util = self.state.utilisation
        util = util + p[m + "supply_adjust"] * (target - util)
        lines = p[m + "export_lines_share"]
        production = p[m + "capacity_m"] * (lines + (1.0 - lines) * util)
        self.state.utilisation = util
        self.state.production = production
        self.state.stock = self.state.stock + production
        missiles = self.state.missile_stock + p["dprk.missiles.production"]
        self.state.missile_stock = missiles
        self.state.heavy_stock = self.state.heavy_stock + p["dprk.heavy.production"]


class Russia(Actor):
    """Russia: its artillery war, stock, production and technology tier.

    Attributes:
        state: Its variables over worlds, set by the model before the first month.
    """

    key = "russia"
    state: RussiaState

    def produce(self) -> None:
        """Own production: what need leaves after last month's DPRK rounds, within limits.

        Capacity ramps up by a fixed step to its ceiling. Russia runs at least
        ``production_min_share`` of it (lines kept warm) and at most all of it; in between
        it produces its need (fire plus closing the stock gap over ``restock_months``) less
        the usable DPRK rounds of last month, which cost it less than its own marginal
        round. A Russia at its stock target in a ceasefire thus slows its lines instead of
        overshooting its target.
        """
        p, w = self.model.params, "russia.war."
        capacity = production_capacity(p, self.model.month)
        intensity = self.model.drivers.current["war_intensity"]
        bought = self.model.flows["rounds"] * (1.0 - p[w + "dud_rate"])
        need = war_need(p, self.state.stock, intensity) - bought
        floor = p[w + "production_min_share"] * capacity
        production = np.minimum(capacity, np.maximum(need, floor))
        self.state.production = production
        self.state.stock = self.state.stock + production


class China(Actor):
    """China: trade, aid and enforcement toward DPRK, and its resentment of the tilt.

    Attributes:
        state: Its variables over worlds, set by the model before the first month.
    """

    key = "china"
    state: ChinaState
