"""Typed actor state: each state's variables, one ``(N,)`` float64 array a variable.

One slotted dataclass per actor (``docs/odd.md`` section 2.2 lists every variable with its
unit, initial value and metric). The processes of :class:`~triad.model.model.TriadModel`
replace a variable's array rather than write into it, so an array once recorded or
observed never changes under its reader.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(slots=True)
class DprkState:
    """North Korea: munitions, economy, satellites, arms, troops, exposure and trust.

    Attributes:
        stock: Shell stockpile [M rounds].
        stock_start: Stockpile at the start [M rounds] (constant).
        production: This month's production [M rounds/month].
        utilisation: Utilisation of the plants not on Russian lines [share].
        floor: The KPA reserve the army will not give up [M rounds].
        gdp: GDP [US$ bn/yr].
        gdp_start: GDP at the start [US$ bn/yr] (constant).
        gdp_civil: Civilian GDP [US$ bn/yr].
        arms_gdp: Munitions and arms in GDP, smoothed [US$ bn/yr].
        potential: Potential GDP with every input at need [US$ bn/yr].
        growth: GDP growth, annualised month on month [share/yr].
        fx: Hard-currency reserves [US$ m].
        fx_start: Reserves at the start, at least 1 [US$ m] (constant).
        capability: Per-launch satellite success probability.
        capability_start: Capability at the start (constant).
        attempts_cum: Launch attempts since the start.
        successes_cum: Successful launches since the start.
        exposure: Visibility of sanctions violations [index].
        exposure_start: Exposure at the start (constant).
        trust_russia: Trust toward Russia [index].
        trust_china: Trust toward China [index].
        expected_pay: Share of the agreed value DPRK expects Russia to deliver.
        containers_cum: Containers shipped to Russia since the start.
        rounds_cum: Rounds shipped to Russia since the start [M rounds].
        food_gap: Share of food need unmet.
        food_supply: Food supply relative to need.
        oil_supply: Oil supply relative to need.
        security: Regime security [index].
        deterrence: Deterrence since the start [log ratio].
        missile_stock: SRBM stock.
        missile_floor: SRBMs the KPA keeps.
        missile_force_start: The working SRBM force at the start, at least 1 (constant).
        malfunction: SRBM malfunction rate [share].
        malfunction_start: Malfunction rate at the start (constant).
        missiles_cum: SRBMs shipped to Russia since the start.
        heavy_stock: Heavy systems (170 mm guns, 240 mm launchers) in stock.
        heavy_floor: Heavy systems the KPA keeps.
        heavy_start: Heavy systems at the start, at least 1 (constant).
        heavy_cum: Heavy systems shipped to Russia since the start.
        troops: Troops fighting for Russia this month [thousand].
        casualties: Casualties abroad since the start [thousand].
        experience: Combat experience [index].
        systems: Modern Russian systems received [index].
        nbc: Russian help with nuclear, biological and chemical arms [index].
        rok_alarm: The ROK's alarm [index].
    """

    stock: Array
    stock_start: Array
    production: Array
    utilisation: Array
    floor: Array
    gdp: Array
    gdp_start: Array
    gdp_civil: Array
    arms_gdp: Array
    potential: Array
    growth: Array
    fx: Array
    fx_start: Array
    capability: Array
    capability_start: Array
    attempts_cum: Array
    successes_cum: Array
    exposure: Array
    exposure_start: Array
    trust_russia: Array
    trust_china: Array
    expected_pay: Array
    containers_cum: Array
    rounds_cum: Array
    food_gap: Array
    food_supply: Array
    oil_supply: Array
    security: Array
    deterrence: Array
    missile_stock: Array
    missile_floor: Array
    missile_force_start: Array
    malfunction: Array
    malfunction_start: Array
    missiles_cum: Array
    heavy_stock: Array
    heavy_floor: Array
    heavy_start: Array
    heavy_cum: Array
    troops: Array
    casualties: Array
    experience: Array
    systems: Array
    nbc: Array
    rok_alarm: Array


@dataclass(slots=True)
class RussiaState:
    """Russia: its artillery war, shell stock and books, technology tier, trust and commitment.

    Attributes:
        stock: Shell stock [M rounds].
        stock_dprk: Part of the stock that came from DPRK [M rounds].
        received: Rounds received from DPRK this month, as Russia books them into its
            stock [M rounds/month].
        production: Own production [M rounds/month].
        tier: Technology tier transferred (0-3).
        shortfall: Share of demand own production leaves unmet.
        unmet: Share of demand unmet after DPRK deliveries.
        demand: Fire plus restocking this month [M rounds/month].
        streak: Consecutive months of shortfall at or above the tech-transfer threshold.
        fire: Rounds used this month [M rounds/month].
        trust_dprk: Trust toward DPRK [index].
        trust_china: Trust toward China [index].
        relationship: Multiplier of civilian trade with DPRK [x start].
        commitment: Open commitment to DPRK [share].
    """

    stock: Array
    stock_dprk: Array
    received: Array
    production: Array
    tier: Array
    shortfall: Array
    unmet: Array
    demand: Array
    streak: Array
    fire: Array
    trust_dprk: Array
    trust_china: Array
    relationship: Array
    commitment: Array


@dataclass(slots=True)
class ChinaState:
    """China: its resentment of DPRK's tilt, trade appetite, trust and enforcement.

    Attributes:
        resentment: Resentment of DPRK's tilt to Russia [index].
        resentment_start: Resentment at the start (constant).
        appetite: AR(1) shock on the log of China's normal trade.
        trust_dprk: Trust toward DPRK [index].
        trust_russia: Trust toward Russia [index].
        enforcement: Effective sanctions enforcement at the border [share].
        trade_level: Trade relative to normal, as China's policy set it.
    """

    resentment: Array
    resentment_start: Array
    appetite: Array
    trust_dprk: Array
    trust_russia: Array
    enforcement: Array
    trade_level: Array
