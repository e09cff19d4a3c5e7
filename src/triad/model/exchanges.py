"""The monthly exchanges as pure array functions: munitions, payment, trade, technology.

Each function takes arrays over worlds and returns arrays over worlds; none keeps state.
What one side sends, the other receives: the model books every flow once and both
actors' stocks are updated from that one booking.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class Shipment(NamedTuple):
    """Munitions DPRK -> Russia this month."""

    containers: Array
    rounds_m: Array


def ship_munitions(
    offer: Array,
    request: Array,
    capacity: Array,
    stock_m: Array,
    floor_m: Array,
    per_container: Array,
) -> Shipment:
    """Containers shipped = min(request, offer, transport capacity, stock above the floor).

    Args:
        offer: Containers DPRK offers.
        request: Containers Russia requests.
        capacity: Transport capacity (Rajin port, Khasan rail) [containers/month].
        stock_m: DPRK stockpile [M rounds].
        floor_m: The KPA floor [M rounds].
        per_container: Rounds per container.

    Returns:
        Containers and rounds [M] shipped.
    """
    above = np.maximum(stock_m - floor_m, 0.0) * 1e6 / per_container
    containers = np.maximum(
        np.minimum(np.minimum(offer, request), np.minimum(capacity, above)), 0.0
    )
    rounds = np.minimum(containers * per_container / 1e6, np.maximum(stock_m - floor_m, 0.0))
    return Shipment(containers, rounds)


def deliverable(
    wanted: Array, capacity: Array, stock: Array, floor: Array, per_container: Array
) -> Array:
    """What Russia can fairly expect this month [containers].

    What it takes at the price, within the transport capacity and the stock above the KPA
    floor (before this month's shipment). Russia's trust in DPRK judges a shipment against
    this, not against the request: a DPRK that ships all it has above its floor, or all the
    railway carries, has delivered.
    """
    above = np.maximum(stock - floor, 0.0) * 1e6 / per_container
    out: Array = np.minimum(wanted, np.minimum(capacity, above))
    return out


def demand_share(price: Array, max_price: Array, span: Array) -> Array:
    """Share of its request Russia takes at a price: Russia's demand curve.

    All of the request while the price is at least ``span x max_price`` below Russia's
    most (the first rounds fill the front's gap and are worth most), falling linearly to
    nothing at ``max_price``, above which Russia buys nothing. Spending (price x share) is
    therefore zero above ``max_price`` and falls as the price nears it.

    Args:
        price: Agreed price [US$/round].
        max_price: The most Russia pays [US$/round].
        span: Share of ``max_price`` over which demand falls from all to nothing.

    Returns:
        The share in [0, 1].
    """
    room = (max_price - price) / np.maximum(span * max_price, 1e-9)
    out: Array = np.where(max_price > price, np.minimum(room, 1.0), 0.0)
    return out


class Payment(NamedTuple):
    """Russia -> DPRK payment this month [US$ m]."""

    agreed: Array
    paid: Array
    food: Array
    oil: Array
    cash: Array
    ratio: Array


def pay_for_shells(
    rounds_m: Array,
    price: Array,
    reliability: Array,
    noise: Array,
    z: Array,
    shares: tuple[Array, Array, Array],
) -> Payment:
    """Russia pays the agreed price, delivering a noisy share of it in food, oil and cash.

    Args:
        rounds_m: Rounds received [M].
        price: Agreed price [US$/round].
        reliability: Mean share of the agreed value delivered.
        noise: Standard deviation of the delivered share.
        z: Standard normal draws, one per world.
        shares: Food, oil and cash shares of the payment, normalised to sum to 1.

    Returns:
        The payment, by kind.
    """
    agreed = rounds_m * price
    ratio = np.where(agreed > 0, np.clip(reliability + noise * z, 0.0, 1.0), 1.0)
    paid = agreed * ratio
    food, oil, cash = (paid * s for s in shares)
    return Payment(agreed, paid, food, oil, cash, ratio)


class ChinaTrade(NamedTuple):
    """China <-> DPRK flows this month [US$ m]."""

    exports: Array
    imports: Array
    aid: Array
    absorbed: Array
    dprk_cash_cost: Array


def trade_china(
    normal_exports: Array,
    normal_imports: Array,
    level: Array,
    aid: Array,
    border: Array,
    enforcement: Array,
    exempt: Array,
    un_scope: Array,
    overdraft: Array,
    fx_available: Array,
) -> ChinaTrade:
    """China's exports, imports and aid under its policy, the border and sanctions.

    Sanctioned goods (the share ``1 - exempt`` of China's exports, ``un_scope`` of DPRK's)
    pass only where enforcement is lax. China absorbs ``overdraft`` of DPRK's deficit; DPRK
    pays the rest in hard currency, and exports shrink to what DPRK can pay.

    Returns:
        The flows, the deficit China absorbs and DPRK's cash cost.
    """
    open_ = level * border
    exports = normal_exports * open_ * (exempt + (1.0 - exempt) * (1.0 - enforcement))
    imports = normal_imports * border * (1.0 - un_scope * enforcement)
    deficit = np.maximum(exports - imports, 0.0)
    cost = deficit * (1.0 - overdraft)
    affordable = np.where(cost > fx_available, fx_available / np.maximum(cost, 1e-12), 1.0)
    exports = imports + (exports - imports) * np.where(exports > imports, affordable, 1.0)
    deficit = np.maximum(exports - imports, 0.0)
    cost = deficit * (1.0 - overdraft)
    aid = aid * border
    return ChinaTrade(exports, imports, aid, deficit - cost, cost)


def civil_trade_russia(
    level: Array, border: Array, un_scope: Array, un_enforcement: Array, sanctioned: Array
) -> Array:
    """Russia-DPRK civilian trade this month [US$ m], under the border and UN sanctions.

    The share ``sanctioned`` of the trade is in goods under UN bans, of which the share
    ``un_scope x un_enforcement`` is stopped.
    """
    out: Array = level * border * (1.0 - sanctioned * un_scope * un_enforcement)
    return out


class Launches(NamedTuple):
    """Satellite launches this month."""

    attempts: Array
    successes: Array
    capability: Array


def transfer_technology(capability: Array, tier: Array, gain: Array) -> Array:
    """Russian help closes ``gain`` x tier of the gap to full capability each month."""
    out: Array = capability + np.clip(gain * tier, 0.0, 1.0) * (1.0 - capability)
    return out


def launch_satellites(attempt: Array, capability: Array, draw: Array, learning: Array) -> Launches:
    """Attempts succeed with probability = capability; each attempt also teaches.

    Args:
        attempt: 1 where DPRK attempts a launch.
        capability: Success probability before the attempt.
        draw: Uniform draws.
        learning: Share of the gap to 1 closed by an attempt.

    Returns:
        Attempts, successes and the capability after learning.
    """
    success = attempt * (draw < capability)
    after = capability + attempt * learning * (1.0 - capability)
    return Launches(attempt, success.astype(capability.dtype), after)
