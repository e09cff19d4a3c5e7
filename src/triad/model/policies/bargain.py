"""The shell bargain: what a round is worth to Russia, and the price the two sides agree.

Russia's reservation price is the worth of a round to it, bounded by its outside option
(own production beyond plan, refurbishment, other suppliers), less the cost it puts on
being seen buying. DPRK's reservation price is the least it accepts (the production cost
and deterrent value of a round given up). The agreed price is the asymmetric Nash bargain
between the two (Nash 1950; Binmore, Rubinstein & Wolinsky 1986, outside options bound
the split): DPRK's share of the surplus rises with Russia's shortfall and falls with its
own need. A seller never sells below the price at which the buyer still takes all it can
supply: where Russia wants more than DPRK can ship, the scarcity (clearing) price bounds
the bargain from below. Both sides see the same state (full information), so each policy
computes the same bargain.
"""

from __future__ import annotations

import numpy as np

from triad.model.policies.base import Array, Observation, shared


def round_value(obs: Observation) -> Array:
    """Worth to Russia of a round DPRK delivers [US$/round], bounded by its outside option.

    A usable round is worth more as the shortfall own production leaves grows (from
    ``value_floor`` of ``value_per_round`` with no shortfall to all of it), but never more
    than the outside option costs; a delivered round is usable with probability
    ``1 - dud_rate``.
    """
    p, s = obs.params, obs.state
    floor = p["russia.payment.value_floor"]
    worth = p["russia.payment.value_per_round"] * (floor + (1.0 - floor) * s["russia_shortfall"])
    usable = 1.0 - p["russia.war.dud_rate"]
    out: Array = np.minimum(worth, p["russia.payment.outside_price"]) * usable
    return out


def visibility_cost(obs: Observation) -> Array:
    """What being seen buying costs Russia per round [US$/round].

    Proportional to DPRK's exposure and ROK/US pressure (raised by the ROK's alarm), less
    the share an open commitment (a treaty) has already spent.
    """
    p, s = obs.params, obs.state
    pressure = obs.drivers["pressure"] * (1.0 + s["rok_alarm"])
    visible = s["dprk_exposure"] * pressure * (1.0 - s["russia_commitment"])
    out: Array = p["russia.visibility_weight"] * visible * p["russia.payment.value_per_round"]
    return out


def reservation_price(obs: Observation) -> Array:
    """The most Russia pays for a round: its worth less its visibility cost, at least 0."""
    return shared(obs, "reservation_price", _reservation_price)


def _reservation_price(obs: Observation) -> Array:
    out: Array = np.maximum(round_value(obs) - visibility_cost(obs), 0.0)
    return out


def dprk_power(obs: Observation) -> Array:
    """DPRK's share of the surplus: its weight over both weights, in (0, 1).

    DPRK's weight is ``bargaining_power x (1 + salience_markup x shortfall)``; Russia's is
    ``(1 - bargaining_power) x (1 + need_discount x food gap)``.
    """
    p, s, b = obs.params, obs.state, "dprk.behaviour."
    power = p[b + "bargaining_power"]
    mine = power * (1.0 + p[b + "salience_markup"] * s["russia_shortfall"])
    theirs = (1.0 - power) * (1.0 + p[b + "need_discount"] * s["dprk_food_gap"])
    out: Array = mine / np.maximum(mine + theirs, 1e-12)
    return out


def clearing_price(obs: Observation, supply: Array, request: Array) -> Array:
    """The highest price at which Russia still takes all of DPRK's supply [US$/round].

    On Russia's demand curve (``exchanges.demand_share``) the request is taken whole up to
    ``(1 - demand_span) x max_price`` and falls linearly to nothing at ``max_price``; the
    price at which it just equals the supply is the scarcity price of DPRK's rounds. Where
    Russia wants nothing, there is no scarcity and the price is 0.
    """
    top = reservation_price(obs)
    taken = np.minimum(supply / np.maximum(request, 1e-9), 1.0)
    out: Array = np.where(
        request > 0, top * (1.0 - obs.params["russia.payment.demand_span"] * taken), 0.0
    )
    return out


def nash_price(obs: Observation, reserve: Array | float) -> Array:
    """The agreed price: DPRK's reservation plus its share of the surplus [US$/round].

    Where Russia's reservation price is below DPRK's, there is no surplus and the price
    stays at DPRK's reservation (Russia then buys nothing).
    """
    top = reservation_price(obs)
    surplus = np.maximum(top - reserve, 0.0)
    out: Array = reserve + dprk_power(obs) * surplus
    return out
