"""Russia's policies: how many shells to request, how to pay, and what technology to give.

Sources: NATO estimates (CNN, March 2024) of Russian fire (~10,000 rounds/day) and
production (~250,000 rounds/month); the IISS commentary (2023) on payment in food, oil,
cash and space help but not nuclear, biological or chemical help.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from triad.model.policies.arms import heavy_request, missile_request, missile_value, troop_request
from triad.model.policies.bargain import reservation_price
from triad.model.policies.base import Array, Observation, Policy, shared
from triad.model.policies.registry import register


def production_capacity(params: Mapping[str, Array], month: int) -> Array:
    """Russia's own production capacity in a month: the ramp, up to its ceiling [M/month]."""
    w = "russia.war."
    ramp = params[w + "production_m"] + params[w + "production_growth_m"] * month
    out: Array = np.minimum(ramp, params[w + "production_max_m"])
    return out


def war_need(params: Mapping[str, Array], stock: Array, intensity: Array) -> Array:
    """Rounds Russia needs this month: fire plus closing its stock gap [M rounds/month].

    Fire is ``fire_rate_m`` times the war's intensity; the gap to ``restock_target_m`` is
    closed over ``restock_months``.
    """
    w = "russia.war."
    gap = np.maximum(params[w + "restock_target_m"] - stock, 0.0)
    out: Array = params[w + "fire_rate_m"] * intensity + gap / params[w + "restock_months"]
    return out


def shell_request(obs: Observation) -> Array:
    """Containers Russia wants this month: its need beyond the lines it keeps running.

    Computed once a month for every actor that asks (see :func:`_shell_request`).
    """
    return shared(obs, "shell_request", _shell_request)


def _shell_request(obs: Observation) -> Array:
    """Containers Russia wants this month: its need beyond the lines it keeps running.

    Need is fire plus closing the stock gap over ``restock_months``. Russia's own lines
    run at least at ``production_min_share`` of capacity whatever it buys (kept warm);
    above that, DPRK rounds at the agreed price are cheaper than its own marginal round,
    so it asks DPRK for the rest of its need, over the dud rate.

    Args:
        obs: Russia's observation.

    Returns:
        Requested containers per world.
    """
    p = obs.params
    floor = p["russia.war.production_min_share"] * production_capacity(p, obs.month)
    war = war_need(p, obs.state["russia_stock_m"], obs.drivers["war_intensity"])
    need = np.maximum(0.0, war - floor)
    rounds = need / (1.0 - p["russia.war.dud_rate"])
    request: Array = rounds * 1e6 / p["dprk.munitions.rounds_per_container"]
    return request


def max_price(obs: Observation) -> Array:
    """The most Russia pays per round: worth (bounded by its outside option) less visibility.

    Above it Russia buys nothing; below it, the model's demand curve decides how much of
    the request Russia takes at the agreed price (``russia.payment.demand_span``).
    """
    return reservation_price(obs)


def pay_share(obs: Observation) -> Array:
    """Share of the agreed value Russia chooses to deliver: ``reliability`` in every world."""
    out: Array = obs.params["russia.payment.reliability"] * np.ones_like(obs.state["russia_unmet"])
    return out


def allowed_tier(params: Mapping[str, Array]) -> Array:
    """The highest tier Russia may transfer: ``max_tier``, and never 3 without ``allow_nbc``.

    The model applies it to every action (a player's too); policies apply it to their own.
    """
    tech = "russia.tech_transfer."
    cap = np.floor(params[tech + "max_tier"])  # a ramped or scaled maximum is still a tier
    out: Array = np.where(params[tech + "allow_nbc"] > 0.5, cap, np.minimum(cap, 2.0))
    return out


def raised_tier(obs: Observation, ready: Array) -> Array:
    """Current tier, raised by one where ``ready``, capped at the allowed tier."""
    tier: Array = np.minimum(obs.state["russia_tech_tier"] + ready, allowed_tier(obs.params))
    return tier


def _action(
    obs: Observation,
    request: Array,
    tier: Array,
    cash: float = 1.0,
    pay: Array | None = None,
    arms: Array | float = 1.0,
    troops: Array | float = 1.0,
) -> dict[str, Array]:
    """The full action; missiles asked at ``arms`` and troops at ``troops`` of the need."""
    p = obs.params
    food, oil = p["russia.payment.food_share"], p["russia.payment.oil_share"]
    money = p["russia.payment.cash_share"] * cash
    total = np.maximum(food + oil + money, 1e-9)
    return {
        "request_containers": request,
        "max_price": max_price(obs),
        "pay_share": pay_share(obs) if pay is None else pay,
        "food_share": food / total,
        "oil_share": oil / total,
        "cash_share": money / total,
        "tech_tier": tier,
        "missile_request": missile_request(obs) * arms,
        "missile_max_price_k": missile_value(obs),
        "heavy_request": heavy_request(obs) * arms,
        "heavy_max_price_k": p["russia.heavy.value_k"],
        "troop_request_k": troop_request(obs) * troops,
        "troop_pay_usd": troop_pay(p),
    }


def troop_pay(params: Mapping[str, Array]) -> Array:
    """Pay per soldier: Russia's offer, raised to DPRK's reservation pay where it falls short.

    Unpaid troops go home (``deploy_troops``), and the committed troops are worth more to
    Russia than their pay (``russia.troops.value_usd``), so Russia meets the reservation.
    """
    out: Array = np.maximum(params["russia.troops.pay_usd"], params["dprk.troops.reservation_usd"])
    return out


@register
class WarFirst(Policy):
    """Buy what the shortfall needs (the default).

    Requests fire plus restocking minus own production, over the dud rate, while the value
    of shells exceeds price plus visibility cost; pays in food, oil and cash; raises the
    technology tier by one only after ``shortfall_months`` of persistent shortfall and with
    trust in DPRK above ``trust_threshold``. Sources: NATO via CNN (Mar 2024); IISS (2023).
    """

    actor = "russia"
    name = "war_first"
    tags = frozenset({"default"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Request the shortfall; raise the tier after persistent shortfall and trust."""
        p, s = obs.params, obs.state
        persistent = s["shortfall_streak"] >= p["russia.tech_transfer.shortfall_months"]
        trusted = s["trust_russia_dprk"] >= p["russia.tech_transfer.trust_threshold"]
        ready = (persistent & trusted).astype(obs.dtype)
        return _action(obs, shell_request(obs), raised_tier(obs, ready))


@register
class Cautious(Policy):
    """Limit visibility: half the request, shrinking with exposure; no cash, technology or troops.

    Source: IISS (2023) on Russia's stake in ROK trade (US$21.2bn in 2022) and its
    UNSC posture.
    """

    actor = "russia"
    name = "cautious"
    tags = frozenset({"restrained"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Request less, in kind only, and transfer nothing."""
        exposure = obs.state["dprk_exposure"]
        share = obs.params["russia.tech_transfer.cautious_share"]
        request = share * shell_request(obs) * (1.0 - exposure)
        arms = share * (1.0 - exposure)
        return _action(obs, request, np.zeros_like(exposure), 0.0, arms=arms, troops=0.0)


@register
class Reciprocal(Policy):
    """Match DPRK's reliability: request in proportion to trust, reward steady delivery.

    Raises the tier when DPRK delivered at least 90% of the request last month and trust
    is above the threshold, whatever the shortfall. Source: Axelrod (1984) on reciprocity.
    """

    actor = "russia"
    name = "reciprocal"
    tags = frozenset({"reciprocal"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Request scaled by trust; raise the tier after reliable delivery."""
        p, s = obs.params, obs.state
        trust = s["trust_russia_dprk"]
        base = p["russia.tech_transfer.reciprocal_base"]
        scale = np.clip(base + trust, 0.0, 1.0)
        request = shell_request(obs) * scale
        reliable = s["delivery_ratio"] >= p["russia.tech_transfer.delivery_threshold"]
        ready = (reliable & (trust >= p["russia.tech_transfer.trust_threshold"])).astype(obs.dtype)
        return _action(obs, request, raised_tier(obs, ready), arms=scale, troops=scale)
