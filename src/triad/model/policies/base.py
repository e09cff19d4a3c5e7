"""What a policy sees, what it may do, and the base class every policy derives from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ActionSpec:
    """One lever of an actor.

    Attributes:
        name: Key in the action dict.
        low: Smallest allowed value.
        high: Largest allowed value.
        unit: Unit of the value.
        help: One-line explanation for players.
        integer: Whether the value is a whole number (a tier, a yes/no).
    """

    name: str
    low: float
    high: float
    unit: str
    help: str
    integer: bool = False


ACTION_SPACES: dict[str, tuple[ActionSpec, ...]] = {
    "dprk": (
        ActionSpec("offer_containers", 0, 5000, "containers/month", "containers offered to Russia"),
        ActionSpec("price_ask", 0, 10000, "US$/round", "price asked per round"),
        ActionSpec("kpa_floor", 0, 1, "share", "share of the initial stock the KPA keeps"),
        ActionSpec("launch", 0, 1, "yes/no", "attempt a satellite launch this month", True),
        ActionSpec("missile_offer", 0, 200, "missiles/month", "short-range missiles offered"),
        ActionSpec("missile_price_k", 0, 50000, "US$ k/missile", "price asked per missile"),
        ActionSpec(
            "heavy_offer", 0, 100, "systems/month", "170 mm guns and 240 mm launchers offered"
        ),
        ActionSpec("heavy_price_k", 0, 20000, "US$ k/system", "price asked per heavy system"),
        ActionSpec("troops_k", 0, 200, "thousand", "troops DPRK is willing to deploy to Russia"),
        ActionSpec("workers_k", 0, 200, "thousand", "workers sent abroad (Russia and China)"),
        ActionSpec("cyber_effort", 0, 3, "x 2023", "cyber-theft effort, 1 = the 2023 effort"),
    ),
    "russia": (
        ActionSpec("request_containers", 0, 5000, "containers/month", "containers requested"),
        ActionSpec(
            "max_price", 0, 10000, "US$/round", "most Russia pays a round (buys nothing above)"
        ),
        ActionSpec("pay_share", 0, 1, "share", "share of the agreed value Russia delivers"),
        ActionSpec("food_share", 0, 1, "share", "share of the payment in food"),
        ActionSpec("oil_share", 0, 1, "share", "share of the payment in refined oil"),
        ActionSpec("cash_share", 0, 1, "share", "share of the payment in hard currency"),
        ActionSpec(
            "tech_tier", 0, 3, "tier", "technology tier transferred (3 only if allowed)", True
        ),
        ActionSpec("missile_request", 0, 200, "missiles/month", "DPRK missiles requested"),
        ActionSpec("missile_max_price_k", 0, 50000, "US$ k/missile", "most Russia pays a missile"),
        ActionSpec("heavy_request", 0, 100, "systems/month", "DPRK heavy systems requested"),
        ActionSpec(
            "heavy_max_price_k", 0, 20000, "US$ k/system", "most Russia pays a heavy system"
        ),
        ActionSpec("troop_request_k", 0, 200, "thousand", "DPRK troops requested"),
        ActionSpec("troop_pay_usd", 0, 20000, "US$/month", "pay per deployed DPRK soldier"),
    ),
    "china": (
        ActionSpec("trade_level", 0, 2, "x normal", "trade with DPRK relative to normal"),
        ActionSpec("aid_m", 0, 2000, "US$ m/month", "aid to DPRK"),
        ActionSpec(
            "aid_condition",
            0,
            1,
            "share",
            "share of aid withheld per unit of DPRK's tilt to Russia",
        ),
        ActionSpec("enforcement", 0, 1, "share", "sanctions enforcement at the border"),
    ),
}


@dataclass(frozen=True)
class Observation:
    """What an actor's policy sees at the start of its decision.

    Attributes:
        month: Month index (0 = the start month).
        state: Last month's metrics and the actors' trackers, each an array over worlds.
        drivers: This month's world drivers, each an array over worlds.
        params: Parameter path -> array over worlds (``dprk.munitions.capacity_m`` ...).
        uniform: Per-world uniform draws in [0, 1) for a named draw site of this actor.
        shared: Quantities derived from the month's state, shared by the month's
            observations (see :func:`shared`); empty for a lone observation.
        dtype: The model's floating-point type (``Scenario.precision``): what a policy
            makes of a true/false array.
    """

    month: int
    state: Mapping[str, Array]
    drivers: Mapping[str, Array]
    params: Mapping[str, Array]
    uniform: Callable[[str], Array]
    shared: dict[str, Array] = field(default_factory=dict, compare=False, repr=False)
    dtype: np.dtype = field(default=np.dtype(np.float64), compare=False, repr=False)


def shared(obs: Observation, name: str, compute: Callable[[Observation], Array]) -> Array:
    """A quantity every actor derives alike from the month's state, computed once a month.

    The model hands the actors of one month the same ``shared`` dict (their observations
    differ only in their draw sites), so Russia's need or reservation price, which both
    Russia and DPRK work out, is computed once.
    """
    if name not in obs.shared:
        obs.shared[name] = compute(obs)
    return obs.shared[name]


class Policy(ABC):
    """A decision rule of one actor: ``decide(observation) -> action`` over arrays.

    Subclasses set ``actor``, ``name`` and ``tags``, cite their sources in the docstring,
    and register themselves with :func:`triad.model.policies.registry.register`.
    """

    actor: ClassVar[str]
    name: ClassVar[str]
    tags: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def decide(self, obs: Observation) -> dict[str, Array]:
        """Choose this month's action for every world.

        Args:
            obs: What the actor sees.

        Returns:
            Action name -> array over worlds, one entry per lever in ``ACTION_SPACES``.
        """


def clip_action(
    actor: str, action: Mapping[str, Array], worlds: int, dtype: np.dtype | type = np.float64
) -> dict[str, Array]:
    """Broadcast an action to every world and clip each lever to its range.

    Args:
        actor: Whose action it is.
        action: Lever name -> scalar or array.
        worlds: Ensemble size.
        dtype: The model's floating-point type (``Scenario.precision``).

    Returns:
        Lever name -> array of shape ``(worlds,)`` of that type.

    Raises:
        KeyError: If a lever is missing.
    """
    out: dict[str, Array] = {}
    for spec in ACTION_SPACES[actor]:
        value = np.broadcast_to(np.asarray(action[spec.name], dtype=dtype), (worlds,))
        # NaN -> the low end; fmax/fmin drop a NaN, and are cheaper than nan_to_num + clip
        value = np.fmin(np.fmax(value, spec.low), spec.high)
        out[spec.name] = np.floor(value + 0.5) if spec.integer else value
    return out
