"""DPRK's policies: how many shells to offer Russia, at what price, and when to launch.

Sources: the IISS commentary on the September 2023 Kim-Putin summit (a transactional,
low-trust, bounded relationship); Axelrod (1984) and Wu & Axelrod (1995) on generous
tit-for-tat under noise.
"""

from __future__ import annotations

import numpy as np

from triad.model.policies.arms import heavy_offer, heavy_price, missile_offer, missile_price
from triad.model.policies.bargain import clearing_price, nash_price, reservation_price
from triad.model.policies.base import Array, Observation, Policy
from triad.model.policies.registry import register
from triad.model.policies.russia import shell_request


def _price(obs: Observation, offer: Array, markup: Array | float = 1.0) -> Array:
    """The price DPRK asks: a bargain, bounded below by scarcity, grossed up for risk.

    The Nash bargain from DPRK's reservation price (times ``markup``), never below the
    scarcity price at which Russia still takes all DPRK can ship (which a hungry DPRK
    discounts by its need, as it does its bargaining weight), grossed up by the share of
    the agreed value DPRK expects Russia to deliver (so that an under-paying Russia pays
    the same per round it receives, or buys nothing). DPRK's share of the surplus rises
    with Russia's shortfall and falls with its own need (see
    :mod:`triad.model.policies.bargain`). What it can ship is its offer, capped by this
    month's transport capacity and its stock above the KPA floor.
    """
    nash = nash_price(obs, markup * _reserve(obs))
    scarce = clearing_price(obs, _supply(obs, offer), shell_request(obs)) / _need(obs)
    price = np.maximum(nash, scarce)
    # technology counts as part of the payment: each tier Russia gives takes a share off
    price = price * (
        1.0 - obs.params["dprk.behaviour.tier_discount"] * obs.state["russia_tech_tier"]
    )
    expected = np.maximum(obs.state["dprk_expected_pay"], 1e-3)
    out: Array = price / expected  # a risk premium: what Russia is expected to deliver
    return out


def _best_quantity(obs: Observation) -> Array:
    """Containers that maximise DPRK's margin on Russia's demand curve.

    With demand falling linearly from the whole request ``Q`` at ``(1 - span) x R`` to
    nothing at ``R``, the margin over DPRK's reservation price ``c`` is largest at
    ``Q (R - c) / (2 span R)``: a trader sells no more than that, since more would lower the
    price on every round by more than the extra rounds bring.
    """
    top = np.maximum(reservation_price(obs), 1e-9)
    margin = np.maximum(top - _reserve(obs), 0.0)
    span = obs.params["russia.payment.demand_span"]
    out: Array = shell_request(obs) * margin / (2.0 * span * top)
    return out


def _need(obs: Observation) -> Array:
    """DPRK's need as a factor: 1 plus ``need_discount`` times its food gap."""
    out: Array = 1.0 + obs.params["dprk.behaviour.need_discount"] * obs.state["dprk_food_gap"]
    return out


def _reserve(obs: Observation) -> Array:
    """DPRK's reservation price, lowered by its need: a hungry DPRK parts with shells for less.

    So when China's cuts or a bad harvest open a food gap, DPRK asks less and sells more to
    Russia (its margin-maximising quantity grows as its reservation price falls).
    """
    out: Array = obs.params["dprk.behaviour.price_ask"] / _need(obs)
    return out


def _supply(obs: Observation, offer: Array) -> Array:
    """Containers DPRK can ship this month: offer, transport and stock above the floor."""
    p, s = obs.params, obs.state
    above = np.maximum(s["dprk_stock_m"] - s["kpa_floor_m"], 0.0) * 1e6
    stock = above / p["dprk.munitions.rounds_per_container"]
    out: Array = np.minimum(np.minimum(offer, obs.drivers["transport_capacity"]), stock)
    return out


def _launch(obs: Observation, rate_scale: Array | float = 1.0) -> Array:
    """A launch attempt this month with the policy's monthly probability."""
    rate = obs.params["dprk.satellite.launch_rate"] * rate_scale
    return (obs.uniform("launch") < rate).astype(obs.dtype)


def _china_restraint(obs: Observation) -> Array:
    """Factor in [0, 1] by which China's resentment above its tolerance restrains exports.

    The restraint weighs as much as DPRK still trusts China: once China punishes and trust
    falls, there is less left to protect.
    """
    over = np.maximum(0.0, obs.state["china_resentment"] - obs.params["china.resentment_tolerance"])
    caution = obs.params["dprk.behaviour.china_caution"] * obs.state["trust_dprk_china"]
    slope = obs.params["dprk.behaviour.restraint_slope"]
    restraint: Array = np.clip(1.0 - slope * caution * over, 0, 1)
    return restraint


def _action(
    obs: Observation,
    offer: Array,
    price: Array,
    launch: Array,
    willing: Array | float = 1.0,
) -> dict[str, Array]:
    """The full action: shells as given; missiles, heavy systems and troops at ``willing``.

    Workers abroad and cyber effort stay at the scenario's levels (``dprk.revenue``).
    """
    return {
        "offer_containers": offer,
        "price_ask": price,
        "kpa_floor": obs.params["dprk.munitions.kpa_floor"],
        "launch": launch,
        "missile_offer": missile_offer(obs) * willing,
        "missile_price_k": missile_price(obs),
        "heavy_offer": heavy_offer(obs) * willing,
        "heavy_price_k": heavy_price(obs),
        "troops_k": obs.params["dprk.troops.max_k"] * willing,
        "workers_k": obs.params["dprk.revenue.workers_k"],
        "cyber_effort": obs.params["dprk.revenue.cyber_effort"],
    }


@register
class Transactional(Policy):
    """Generous tit-for-tat trader (the default).

    Ships the full offer while Russia pays what it agreed; after an under-payment beyond
    the tolerance it cuts the offer to ``cut_level``, forgiving with probability
    ``forgiveness`` (Wu & Axelrod 1995: plain tit-for-tat collapses under noise). The offer
    also follows trust in Russia and is restrained by China's resentment. Keeps the KPA
    floor. Source: IISS commentary (2023), "transactional, low-trust, bounded".
    """

    actor = "dprk"
    name = "transactional"
    tags = frozenset({"default", "reciprocal"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Offer after generous tit-for-tat, priced on salience and need."""
        p, s = obs.params, obs.state
        paid = s["payment_ratio"] >= 1.0 - p["dprk.behaviour.tolerance"]
        forgive = obs.uniform("forgive") < p["dprk.behaviour.forgiveness"]
        level = np.where(paid | forgive, 1.0, p["dprk.behaviour.cut_level"])
        b = "dprk.behaviour."
        trust = np.clip(
            p[b + "trust_offer_base"] + p[b + "trust_offer_slope"] * s["trust_dprk_russia"], 0, 1
        )
        restraint = _china_restraint(obs)
        offer = p["dprk.munitions.max_offer_containers"] * level * trust * restraint
        offer = np.minimum(offer, _best_quantity(obs))
        return _action(obs, offer, _price(obs, offer), _launch(obs), level * restraint)


@register
class MaxExport(Policy):
    """Sell everything above the floor, whatever Russia pays or China thinks.

    The upper bound of DPRK supply: the offer is always the maximum and the price the base
    ask. Source: the scenario space in the IISS commentary (2023).
    """

    actor = "dprk"
    name = "max_export"
    tags = frozenset({"aggressive"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Offer the maximum every month."""
        offer = obs.params["dprk.munitions.max_offer_containers"] * np.ones_like(
            obs.state["trust_dprk_russia"]
        )
        return _action(obs, offer, _price(obs, offer), _launch(obs))


@register
class Hedger(Policy):
    """Keep China content: exports shrink as China's resentment nears its tolerance.

    Source: IISS commentary (2023) on China's ~97% share of DPRK trade and its possible
    resentment of Kim's tilt to Moscow; launches are avoided while China is displeased.
    """

    actor = "dprk"
    name = "hedger"
    tags = frozenset({"china_first"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Offer scaled by China's remaining tolerance."""
        p, s = obs.params, obs.state
        room = np.clip(
            1.0 - s["china_resentment"] / np.maximum(p["china.resentment_tolerance"], 1e-9), 0, 1
        )
        offer = p["dprk.munitions.max_offer_containers"] * room
        return _action(obs, offer, _price(obs, offer), _launch(obs, room), room)


@register
class Juche(Policy):
    """Minimise dependence on either patron: a small, dear offer.

    Offers ``juche_share`` of the maximum at a 50% mark-up, and no missiles or troops.
    Source: the self-reliance doctrine as described in the IISS commentary (2023).
    """

    actor = "dprk"
    name = "juche"
    tags = frozenset({"autarkic"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Offer a fixed small share at a high price."""
        p = obs.params
        offer = p["dprk.munitions.max_offer_containers"] * p["dprk.behaviour.juche_share"]
        offer = offer * np.ones_like(obs.state["trust_dprk_russia"])
        price = _price(obs, offer, p["dprk.behaviour.juche_markup"])
        return _action(obs, offer, price, _launch(obs), 0.0)  # no missiles, no troops
