"""The other bargains: missiles, heavy systems and troops, as both sides' policies see them.

An SRBM is worth to Russia the cost of its own missile times the share that works; DPRK
reserves what the missile is worth to the KPA; the agreed price is the asymmetric Nash
bargain with DPRK's share of the shell bargain (:func:`~triad.model.policies.bargain.dprk_power`),
grossed up, like the shell price, by the share of the agreed value DPRK expects to receive.
Heavy systems (170 mm guns, 240 mm launchers) are bargained the same way, from what a
replacement costs Russia and what the system is worth to the KPA.
Russia asks for troops only once its alliance commitment reaches ``min_commitment`` (the
treaty's obligation is the cover), in proportion to the war's intensity.
"""

from __future__ import annotations

import numpy as np

from triad.model.policies.bargain import dprk_power
from triad.model.policies.base import Array, Observation


def missile_value(obs: Observation) -> Array:
    """Worth to Russia of a DPRK SRBM [US$ k]: its own missile's cost times the share that works."""
    out: Array = obs.params["russia.missiles.value_k"] * (1.0 - obs.state["missile_malfunction"])
    return out


def missile_price(obs: Observation) -> Array:
    """The SRBM price DPRK asks [US$ k]: the Nash bargain, over the pay it expects."""
    return _bargained_k(obs, missile_value(obs), obs.params["dprk.missiles.reserve_k"])


def _bargained_k(obs: Observation, worth: Array, reserve: Array) -> Array:
    """DPRK's reservation plus its share of the surplus, over the pay it expects [US$ k]."""
    surplus = np.maximum(worth - reserve, 0.0)
    expected = np.maximum(obs.state["dprk_expected_pay"], 1e-3)
    out: Array = (reserve + dprk_power(obs) * surplus) / expected
    return out


def missile_request(obs: Observation) -> Array:
    """SRBMs Russia asks for this month: its need times the war's intensity [missiles]."""
    out: Array = obs.params["russia.missiles.need"] * obs.drivers["war_intensity"]
    return out


def missile_offer(obs: Observation) -> Array:
    """SRBMs DPRK offers at full willingness: the maximum, once it trusts Russia enough."""
    p = obs.params
    trusted = obs.state["trust_dprk_russia"] >= p["dprk.missiles.trust_threshold"]
    out: Array = p["dprk.missiles.max_offer"] * trusted
    return out


def troop_request(obs: Observation) -> Array:
    """Troops Russia asks for [thousand]: its need at the war's intensity, once committed."""
    p = obs.params
    committed = obs.state["russia_commitment"] >= p["russia.troops.min_commitment"]
    out: Array = p["russia.troops.need_k"] * obs.drivers["war_intensity"] * committed
    return out


def heavy_price(obs: Observation) -> Array:
    """The price DPRK asks per heavy system [US$ k]: the Nash bargain, over the pay it expects."""
    p = obs.params
    return _bargained_k(obs, p["russia.heavy.value_k"], p["dprk.heavy.reserve_k"])


def heavy_request(obs: Observation) -> Array:
    """Heavy systems Russia asks for this month: its need times the war's intensity."""
    out: Array = obs.params["russia.heavy.need"] * obs.drivers["war_intensity"]
    return out


def heavy_offer(obs: Observation) -> Array:
    """Heavy systems DPRK offers at full willingness: the maximum, once it trusts Russia enough.

    The trust threshold is the missiles' (``dprk.missiles.trust_threshold``): both are arms
    the KPA would otherwise keep.
    """
    p = obs.params
    trusted = obs.state["trust_dprk_russia"] >= p["dprk.missiles.trust_threshold"]
    out: Array = p["dprk.heavy.max_offer"] * trusted
    return out
