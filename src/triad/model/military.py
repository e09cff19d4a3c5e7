"""The military channels beyond shells: missiles, troops, technology's effects, the ROK's alarm.

Pure functions over arrays of worlds; the model's processes ``ship_arms``,
``deploy_troops``, ``transfer_technology`` and ``update_alarm`` call them (docs/odd.md 7).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class ArmsSale(NamedTuple):
    """One month's sale of an arms line (SRBMs or heavy systems).

    Attributes:
        shipped: Items shipped [missiles or systems].
        agreed: Value agreed [US$ m].
        paid: Value Russia delivers [US$ m].
    """

    shipped: Array
    agreed: Array
    paid: Array


def sell_arms(
    offer: Array,
    request: Array,
    price_k: Array,
    max_price_k: Array,
    stock: Array,
    floor: Array,
    pay_share: Array,
) -> ArmsSale:
    """Arms DPRK -> Russia (SRBMs or heavy systems): least of offer, request, stock > floor.

    Russia buys nothing where the price asked exceeds the most it pays.

    Args:
        offer: Items DPRK offers [items/month].
        request: Items Russia asks for [items/month].
        price_k: Price DPRK asks [US$ k/item].
        max_price_k: Most Russia pays [US$ k/item].
        stock: DPRK's stock of the line [items].
        floor: Items the KPA keeps [items].
        pay_share: Share of the agreed value Russia delivers [share].

    Returns:
        The sale.
    """
    above = np.maximum(stock - floor, 0.0)
    count = np.where(price_k <= max_price_k, np.minimum(np.minimum(offer, request), above), 0.0)
    agreed = count * price_k / 1000.0
    return ArmsSale(count, agreed, agreed * pay_share)


def learn_from_combat(malfunction: Array, fired: Array, learning: Array) -> Array:
    """Malfunction share after combat use: each 10 SRBMs fired remove ``learning`` of it."""
    out: Array = malfunction * (1.0 - learning) ** (fired / 10.0)
    return out


def deploy_troops(
    offer_k: Array, request_k: Array, committed_k: Array, pay_usd: Array, reservation: Array
) -> Array:
    """Troops deployed [thousand]: the agreed commitment, or more where both sides want it.

    Troops serve only where Russia's pay per soldier reaches DPRK's reservation pay (unpaid,
    even the committed go home); there DPRK deploys its commitment or, beyond it, the
    lesser of its offer and Russia's request.
    """
    wanted = np.maximum(np.minimum(offer_k, request_k), committed_k)
    out: Array = np.where(pay_usd >= reservation, wanted, 0.0)
    return out


def unmet_worth(worth: Sequence[Array], unmet: Sequence[Array]) -> Array:
    """The share of the worth of a buyer's needs left unmet, each line weighted by its worth.

    Args:
        worth: What each line's need is worth this month [US$ m], >= 0.
        unmet: The share of each line's need left unmet, in [0, 1].

    Returns:
        The worth-weighted unmet share, in [0, 1]; 0 where nothing is needed.
    """
    total = sum(worth, np.zeros_like(worth[0]))
    lost = sum((w * u for w, u in zip(worth, unmet, strict=True)), np.zeros_like(worth[0]))
    out: Array = np.where(total > 0, lost / np.maximum(total, 1e-12), 0.0)
    return out


def unmet_share(received: Array, need: Array) -> Array:
    """The share of a need left unmet by what was received, in [0, 1]; 0 without a need."""
    met = np.minimum(received, need) / np.maximum(need, 1e-12)
    out: Array = np.where(need > 0, 1.0 - met, 0.0)
    return out


def approach(level: Array, rate: Array) -> Array:
    """Close ``rate`` (clipped to [0, 1]) of the gap from ``level`` to 1."""
    out: Array = level + np.clip(rate, 0.0, 1.0) * (1.0 - level)
    return out


def update_alarm(alarm: Array, provocation: Array, gain: Array, decay: Array) -> Array:
    """The ROK's alarm: provocation closes ``gain`` of the gap to 1 per unit; it decays."""
    out: Array = approach(alarm * (1.0 - decay), gain * provocation)
    return out
