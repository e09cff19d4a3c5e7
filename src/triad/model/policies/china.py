"""China's policies: trade, aid and border enforcement toward DPRK.

Sources: KOTRA and IISS (2023) on China's ~97% share of DPRK trade and the deficit it
absorbs ("the overdraft"); UNSC resolutions 2270-2397 (2016-2017) on sanctions China
voted for.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from triad.model.policies.base import Array, Observation, Policy
from triad.model.policies.registry import register


def _action(level: Array, aid: Array, enforcement: Array) -> dict[str, Array]:
    """The built-in policies give aid unconditionally (``aid_condition`` is a player's lever)."""
    return {
        "trade_level": level,
        "aid_m": aid,
        "enforcement": enforcement,
        "aid_condition": np.zeros_like(level),
    }


def resentful(obs: Observation) -> NDArray[np.bool_]:
    """Where China's resentment of DPRK's tilt exceeds its tolerance."""
    out: NDArray[np.bool_] = (
        obs.state["china_resentment"] > obs.params["china.resentment_tolerance"]
    )
    return out


@register
class DependencyBuilder(Policy):
    """Sustain the overdraft to keep leverage (the default).

    Normal trade and aid, stepped up when China's share of DPRK trade falls below 90%;
    light enforcement. While its resentment exceeds its tolerance, China cools: trade and
    aid fall to ``chill_level`` of normal until it forgives (the 2024 chill and 2025 thaw
    are outcomes of this switch, not inputs). Source: IISS (2023): China absorbs DPRK's
    deficit for the dependency it buys.
    """

    actor = "china"
    name = "dependency_builder"
    tags = frozenset({"default"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Normal trade; more aid when leverage slips."""
        p, s = obs.params, obs.state
        slip = np.maximum(0.0, p["china.leverage_target"] - s["cn_share_of_dprk_trade"])
        chill = np.where(resentful(obs), p["china.chill_level"], 1.0)
        aid = p["china.trade.aid_m"] * (1.0 + p["china.leverage_aid_boost"] * slip) * chill
        return _action(chill, aid, p["china.enforcement"] * np.ones_like(slip))


@register
class Punisher(Policy):
    """Cut trade and aid and tighten the border while resentment exceeds tolerance.

    Punishment ends when China forgives (``china.forgiveness``) or its resentment falls
    back under its tolerance. Source: the IISS (2023) question whether China may resent
    Kim's tilt to Moscow.
    """

    actor = "china"
    name = "punisher"
    tags = frozenset({"coercive"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Punish above tolerance, otherwise behave normally."""
        p = obs.params
        angry = resentful(obs)
        level = np.where(angry, p["china.punish_level"], 1.0)
        enforcement = np.where(angry, p["china.punish_enforcement"], p["china.enforcement"])
        return _action(level, p["china.trade.aid_m"] * level, enforcement)


@register
class Competitor(Policy):
    """Outbid Russia: aid rises with what Russia pays DPRK.

    Source: IISS (2023) on great-power competition for Pyongyang's favour.
    """

    actor = "china"
    name = "competitor"
    tags = frozenset({"generous"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Raise trade a little and aid with Russia's payments."""
        p, s = obs.params, obs.state
        aid = p["china.trade.aid_m"] + p["china.outbid_ratio"] * s["payment_m"]
        ones = np.ones_like(aid)
        return _action(p["china.competitor_trade_level"] * ones, aid, p["china.enforcement"] * ones)


@register
class Enforcer(Policy):
    """Enforce the UN sanctions China voted for: tight border, less trade, half the aid.

    Source: UNSC resolutions 2270, 2321, 2371, 2375, 2397 (2016-2017).
    """

    actor = "china"
    name = "enforcer"
    tags = frozenset({"coercive"})

    def decide(self, obs: Observation) -> dict[str, Array]:
        """Strict enforcement every month."""
        p = obs.params
        ones = np.ones_like(obs.state["china_resentment"])
        return _action(
            p["china.enforcer_trade_level"] * ones,
            p["china.enforcer_aid_share"] * p["china.trade.aid_m"] * ones,
            p["china.punish_enforcement"] * ones,
        )
