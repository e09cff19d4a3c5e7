"""Metric definitions and the recorder: what the model writes down each month.

Every metric has a name, a unit and the actor it describes. Names are the public
vocabulary of triad: scenario conditions, charts, backtest targets and the results store
all refer to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from triad.errors import ModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray


@dataclass(frozen=True)
class Metric:
    """One recorded quantity.

    Attributes:
        name: Column name in every result.
        unit: Unit of the value (shown on chart axes).
        owner: The actor it describes: ``dprk``, ``russia``, ``china`` or ``world``.
        description: One line for docs and chart titles.
        bounded: True if the value is a share or index in [0, 1].
        ends: For an index in [0, 1], what its two ends mean, as the model computes it
            (``"0 = ..., 1 = ..."``); shown where index charts are read.
        tags: The lists the metric belongs to (see :data:`TAGS`), each with the metric's
            place in it (1 first; 0 in a set, whose order does not matter).
        short: A label of at most 14 characters for the game's compact dashboard.
    """

    name: str
    unit: str
    owner: str
    description: str
    bounded: bool = False
    ends: str = ""
    tags: Mapping[str, int] = field(default_factory=dict, hash=False)
    short: str = ""


def _m(
    name: str,
    unit: str,
    owner: str,
    description: str,
    bounded: bool = False,
    ends: str = "",
    *,
    tags: Mapping[str, int] | None = None,
    short: str = "",
) -> Metric:
    return Metric(name, unit, owner, description, bounded, ends, dict(tags or {}), short)


TAGS: dict[str, str] = {
    "key": "the outcomes shown first in summaries, reports and charts",
    "summary": "the final-state table closing each story of ``triad narrate``",
    "lower_is_better": "a gap, a grievance or a risk: its best world has the lowest value "
    "(bad for the actor it describes whatever the side one takes)",
    "hidden": "its owner's hidden state: the other seats see it only as an estimate under "
    "the game's fog of war",
    "observation": "a number of the game environment's observation, after ``progress``",
    "dashboard.dprk": "the numbers DPRK's seat watches in the game, its own score first",
    "dashboard.russia": "the numbers Russia's seat watches in the game, its own score first",
    "dashboard.china": "the numbers China's seat watches in the game, its own score first",
}
"""Every tag a metric may carry, with what it means."""


TRUST_ENDS = "0 = no trust, 1 = full trust (rises as the partner delivers, falls faster if not)"


METRICS: tuple[Metric, ...] = (
    _m(
        "containers",
        "containers/month",
        "dprk",
        "containers shipped DPRK -> Russia this month",
        tags={"key": 1, "summary": 3, "observation": 1, "dashboard.dprk": 2, "dashboard.china": 8},
        short="shipped",
    ),
    _m(
        "containers_cum",
        "containers",
        "dprk",
        "containers shipped DPRK -> Russia since start",
        tags={"summary": 1},
    ),
    _m("rounds_m", "M rounds/month", "dprk", "rounds shipped DPRK -> Russia this month"),
    _m(
        "rounds_cum_m",
        "M rounds",
        "dprk",
        "rounds shipped DPRK -> Russia since start",
        tags={"key": 2, "summary": 2},
    ),
    _m(
        "rounds_received_m",
        "M rounds/month",
        "russia",
        "rounds received by Russia this month",
        tags={"dashboard.russia": 2},
        short="rounds M",
    ),
    _m("russia_fire_m", "M rounds/month", "russia", "Russian artillery fire"),
    _m("russia_fire_per_day", "rounds/day", "russia", "Russian artillery fire per day"),
    _m("russia_production_m", "M rounds/month", "russia", "Russian shell production"),
    _m(
        "russia_stock_m",
        "M rounds",
        "russia",
        "Russian shell stock",
        tags={"dashboard.russia": 5, "hidden": 0},
        short="stock M rounds",
    ),
    _m(
        "russia_shortfall",
        "share",
        "russia",
        "share of Russia's shell demand its own production leaves unmet",
        True,
        tags={"lower_is_better": 0, "hidden": 0},
    ),
    _m(
        "russia_unmet",
        "share",
        "russia",
        "share of Russia's shell demand unmet after DPRK deliveries",
        True,
        tags={
            "summary": 5,
            "observation": 4,
            "dashboard.russia": 3,
            "lower_is_better": 0,
            "hidden": 0,
        },
        short="unmet demand",
    ),
    _m(
        "russia_need_unmet",
        "share",
        "russia",
        "share of the worth of Russia's need for shells, SRBMs, heavy systems and troops unmet",
        True,
    ),
    _m(
        "russia_fire_share",
        "share",
        "russia",
        "share of Russia's fire supplied by DPRK",
        True,
        tags={"key": 3, "summary": 4, "observation": 5, "dashboard.russia": 4, "hidden": 0},
        short="fire share",
    ),
    _m("dprk_production_m", "M rounds/month", "dprk", "DPRK shell production"),
    _m(
        "dprk_utilisation",
        "share",
        "dprk",
        "utilisation of the DPRK plants not on Russian lines",
        True,
    ),
    _m("dprk_stock_m", "M rounds", "dprk", "DPRK shell stockpile", tags={"hidden": 0}),
    _m(
        "dprk_stock_above_floor_m",
        "M rounds",
        "dprk",
        "DPRK stockpile above the KPA floor",
        tags={"observation": 12, "dashboard.dprk": 11, "hidden": 0},
        short="stock>floor M",
    ),
    _m("kpa_floor_m", "M rounds", "dprk", "the KPA reserve floor"),
    _m(
        "price_per_round",
        "US$/round",
        "dprk",
        "price DPRK asks per round (agreed if Russia buys)",
        tags={"observation": 2, "dashboard.dprk": 3, "dashboard.russia": 7},
        short="price/round",
    ),
    _m(
        "payment_m",
        "US$ m/month",
        "russia",
        "value Russia paid DPRK this month",
        tags={"dashboard.dprk": 4, "dashboard.russia": 6},
        short="paid US$ m",
    ),
    _m("payment_food_m", "US$ m/month", "russia", "food Russia sent DPRK"),
    _m("payment_oil_m", "US$ m/month", "russia", "refined oil Russia sent DPRK"),
    _m("payment_cash_m", "US$ m/month", "russia", "hard currency Russia paid DPRK"),
    _m(
        "payment_ratio",
        "share",
        "russia",
        "paid / agreed this month",
        True,
        tags={"observation": 3, "dashboard.dprk": 5},
        short="paid/agreed",
    ),
    _m(
        "dprk_expected_pay",
        "share",
        "dprk",
        "share of the agreed value DPRK expects Russia to deliver (its memory of payments)",
        True,
    ),
    _m(
        "russia_demand_share",
        "share",
        "russia",
        "share of its request Russia takes at the agreed price",
        True,
    ),
    _m(
        "russia_commitment",
        "share",
        "russia",
        "Russia's open commitment to DPRK (treaty): its visibility cost spent",
        True,
    ),
    _m(
        "missiles",
        "missiles/month",
        "dprk",
        "ballistic missiles (SRBMs) shipped DPRK -> Russia",
        tags={"observation": 13},
    ),
    _m("missiles_cum", "missiles", "dprk", "SRBMs shipped DPRK -> Russia since start"),
    _m("dprk_missile_stock", "missiles", "dprk", "DPRK's SRBM stock"),
    _m(
        "missile_malfunction",
        "share",
        "dprk",
        "share of DPRK's SRBMs that malfunction",
        True,
        tags={"observation": 14},
    ),
    _m("missile_price_k", "US$ k/missile", "dprk", "price DPRK asks per SRBM"),
    _m("missile_payment_m", "US$ m/month", "russia", "value Russia delivers for SRBMs"),
    _m(
        "heavy_systems",
        "systems/month",
        "dprk",
        "170 mm guns and 240 mm launchers shipped DPRK -> Russia",
        tags={"observation": 15},
    ),
    _m("heavy_systems_cum", "systems", "dprk", "heavy systems shipped DPRK -> Russia since start"),
    _m("dprk_heavy_stock", "systems", "dprk", "DPRK's stock of 170 mm guns and 240 mm launchers"),
    _m("heavy_price_k", "US$ k/system", "dprk", "price DPRK asks per heavy system"),
    _m("heavy_payment_m", "US$ m/month", "russia", "value Russia delivers for heavy systems"),
    _m("troops_k", "thousand", "dprk", "DPRK troops deployed to Russia", tags={"observation": 16}),
    _m("troop_casualties_k", "thousand", "dprk", "DPRK troops killed or wounded since start"),
    _m("troop_pay_m", "US$ m/month", "russia", "pay Russia delivers for DPRK troops"),
    _m(
        "combat_experience",
        "index",
        "dprk",
        "the KPA's combat experience, 0 to 1",
        True,
        "0 = none, 1 = the limit that troops at war approach",
    ),
    _m(
        "dprk_modern_systems",
        "index",
        "dprk",
        "modern Russian systems (air defence, EW, drones, aircraft) DPRK holds, 0 to 1",
        True,
        "0 = none, 1 = the limit that Russian transfers at tier 2 or more approach",
    ),
    _m(
        "dprk_nbc_help",
        "index",
        "dprk",
        "nuclear, biological or chemical help, 0 to 1",
        True,
        "0 = none, 1 = the limit that Russian transfers at tier 3 approach",
    ),
    _m(
        "rok_alarm",
        "index",
        "world",
        "the ROK's alarm: raises the pressure actors weigh",
        True,
        "0 = calm, 1 = the pressure actors weigh doubled",
        tags={"observation": 22},
    ),
    _m(
        "dprk_gdp_bn",
        "US$ bn/yr",
        "dprk",
        "DPRK GDP",
        tags={"key": 4, "summary": 7, "observation": 8, "dashboard.dprk": 7, "hidden": 0},
        short="GDP US$ bn",
    ),
    _m("dprk_gdp_growth", "share/yr", "dprk", "DPRK GDP growth, annualised month on month"),
    _m(
        "dprk_food_gap",
        "share",
        "dprk",
        "share of DPRK food need unmet",
        True,
        tags={
            "key": 5,
            "summary": 8,
            "observation": 7,
            "dashboard.dprk": 6,
            "dashboard.china": 4,
            "lower_is_better": 0,
            "hidden": 0,
        },
        short="food unmet",
    ),
    _m("dprk_food_supply", "share of need", "dprk", "DPRK food supply (harvest and inflows)"),
    _m("dprk_oil_supply", "share of need", "dprk", "DPRK refined-oil supply relative to need"),
    _m(
        "dprk_fx_m",
        "US$ m",
        "dprk",
        "DPRK hard-currency reserves",
        tags={"summary": 9, "observation": 9, "dashboard.dprk": 8, "hidden": 0},
        short="reserves US$ m",
    ),
    _m("dprk_imports_m", "US$ m/month", "dprk", "DPRK imports, all partners and payments"),
    _m(
        "satellite_capability",
        "probability",
        "dprk",
        "per-launch success probability",
        True,
        tags={"key": 6, "summary": 10, "observation": 17, "dashboard.dprk": 12, "hidden": 0},
        short="satellite",
    ),
    _m("satellite_attempts_cum", "launches", "dprk", "satellite launch attempts since start"),
    _m(
        "satellite_successes_cum",
        "launches",
        "dprk",
        "successful satellite launches since start",
        tags={"summary": 11},
    ),
    _m(
        "russia_tech_tier",
        "tier",
        "russia",
        "technology tier Russia transfers (0-3)",
        tags={"summary": 6, "observation": 6, "dashboard.russia": 8, "dashboard.china": 10},
        short="tech tier",
    ),
    _m("cn_exports_m", "US$ m/month", "china", "China's exports to DPRK"),
    _m("cn_imports_m", "US$ m/month", "china", "China's imports from DPRK"),
    _m(
        "cn_aid_m",
        "US$ m/month",
        "china",
        "China's aid and absorbed deficit to DPRK",
        tags={"dashboard.china": 5},
        short="aid US$ m",
    ),
    _m("cn_lost_exports_m", "US$ m/month", "china", "China's exports lost to its own cuts"),
    _m(
        "china_leverage",
        "share",
        "china",
        "China's share of what flows into DPRK (exports, aid, absorbed deficit)",
        True,
    ),
    _m(
        "cn_dprk_trade_bn",
        "US$ bn/yr",
        "china",
        "China-DPRK trade, annualised",
        tags={"key": 7, "dashboard.china": 6},
        short="trade US$ bn",
    ),
    _m("ru_dprk_trade_bn", "US$ bn/yr", "russia", "Russia-DPRK civilian trade, annualised"),
    _m(
        "cn_share_of_dprk_trade",
        "share",
        "china",
        "China's share of DPRK trade",
        True,
        tags={
            "key": 8,
            "summary": 12,
            "observation": 19,
            "dashboard.dprk": 15,
            "dashboard.china": 2,
        },
        short="China's share",
    ),
    _m(
        "china_enforcement",
        "share",
        "china",
        "China's sanctions enforcement at its border",
        True,
        tags={"observation": 20, "dashboard.russia": 10, "dashboard.china": 7},
        short="enforcement",
    ),
    _m(
        "china_resentment",
        "index",
        "china",
        "China's resentment of DPRK's tilt to Russia",
        True,
        "0 = none, 1 = full, as if DPRK traded only with Russia",
        tags={
            "key": 9,
            "summary": 13,
            "observation": 21,
            "dashboard.dprk": 14,
            "dashboard.china": 3,
            "lower_is_better": 0,
            "hidden": 0,
        },
        short="China's anger",
    ),
    _m(
        "dprk_exposure",
        "index",
        "dprk",
        "visibility of DPRK's sanctions violations",
        True,
        "0 = nothing seen, 1 = the limit that visible violations push it toward",
        tags={
            "key": 10,
            "summary": 14,
            "observation": 18,
            "dashboard.dprk": 13,
            "dashboard.russia": 9,
            "dashboard.china": 9,
            "lower_is_better": 0,
        },
        short="exposure",
    ),
    _m(
        "dprk_regime_security",
        "index",
        "dprk",
        "DPRK regime security (composite)",
        True,
        "a logistic of weighted gains and losses: 0 = losses overwhelm, "
        "0.5 = they balance, 1 = gains overwhelm",
        tags={"key": 11, "summary": 15, "dashboard.china": 11, "hidden": 0},
        short="DPRK security",
    ),
    _m(
        "bloc_cohesion",
        "index",
        "world",
        "cohesion of the three-state bloc",
        True,
        "0 = no trust among the three or full Chinese resentment, "
        "1 = full mutual trust and no resentment",
        tags={"key": 12, "summary": 18},
    ),
    _m(
        "trust_dprk_russia",
        "index",
        "dprk",
        "DPRK's trust toward Russia",
        True,
        TRUST_ENDS,
        tags={"summary": 16, "observation": 24, "hidden": 0},
    ),
    _m(
        "trust_dprk_china",
        "index",
        "dprk",
        "DPRK's trust toward China",
        True,
        TRUST_ENDS,
        tags={"observation": 25, "hidden": 0},
    ),
    _m(
        "trust_russia_dprk",
        "index",
        "russia",
        "Russia's trust toward DPRK",
        True,
        TRUST_ENDS,
        tags={"summary": 17, "observation": 26, "hidden": 0},
    ),
    _m(
        "trust_russia_china",
        "index",
        "russia",
        "Russia's trust toward China",
        True,
        TRUST_ENDS,
        tags={"observation": 27, "hidden": 0},
    ),
    _m(
        "trust_china_dprk",
        "index",
        "china",
        "China's trust toward DPRK",
        True,
        TRUST_ENDS,
        tags={"observation": 28, "hidden": 0},
    ),
    _m(
        "trust_china_russia",
        "index",
        "china",
        "China's trust toward Russia",
        True,
        TRUST_ENDS,
        tags={"observation": 29, "hidden": 0},
    ),
    _m(
        "dprk_deterrence",
        "log ratio",
        "dprk",
        "DPRK deterrence: conventional strength and strategic capability since the start",
    ),
    _m(
        "score_dprk",
        "index",
        "dprk",
        "DPRK's objective score",
        True,
        "its regime security: 0 = losses overwhelm, 0.5 = they balance, 1 = gains overwhelm",
        tags={"observation": 32, "dashboard.dprk": 1, "hidden": 0},
        short="your score",
    ),
    _m(
        "score_russia",
        "index",
        "russia",
        "Russia's objective score",
        True,
        "0 = none of its military need met, 1 = all of it met at no cost",
        tags={"observation": 30, "dashboard.russia": 1, "hidden": 0},
        short="your score",
    ),
    _m(
        "score_china",
        "index",
        "china",
        "China's objective score",
        True,
        "0 = DPRK unfed and China without influence there, 1 = DPRK fed and China's "
        "influence full, at no cost",
        tags={"observation": 31, "dashboard.china": 1, "hidden": 0},
        short="your score",
    ),
    _m(
        "war_intensity",
        "index",
        "world",
        "Ukraine war intensity (1 = 2024 level)",
        tags={"observation": 23, "dashboard.russia": 11},
        short="war intensity",
    ),
    _m("transport_capacity", "containers/month", "world", "Russia-DPRK transport capacity"),
    _m("dprk_workers_abroad_k", "thousand", "dprk", "DPRK workers abroad (Russia and China)"),
    _m(
        "dprk_labour_income_m",
        "US$ m/month",
        "dprk",
        "workers' remittances reaching DPRK",
        tags={"observation": 10, "dashboard.dprk": 9},
        short="workers US$ m",
    ),
    _m(
        "dprk_cyber_income_m",
        "US$ m/month",
        "dprk",
        "stolen funds DPRK turns into hard currency",
        tags={"observation": 11, "dashboard.dprk": 10},
        short="cyber US$ m",
    ),
    _m(
        "ru_civil_capacity_m",
        "US$ m/month",
        "world",
        "civil transport capacity Russia-DPRK (rail, and the Tumen road bridge once open)",
    ),
    _m(
        "oil_refined_kbbl_yr",
        "thousand bbl/yr",
        "dprk",
        "refined oil delivered to DPRK, last 12 months",
    ),
    _m("oil_cap_ratio", "ratio", "dprk", "refined oil delivered over the UN cap of 500,000 bbl/yr"),
    _m("un_regime", "code", "world", "UN monitoring body: 0 none, 1 Panel of Experts, 2 MSMT"),
    _m("un_detection", "share", "world", "share of visible breaches that becomes exposure", True),
    _m(
        "un_enforcement_reach",
        "share",
        "world",
        "share of third-state enforcement that reaches DPRK's civil trade, workers and cyber",
        True,
    ),
)

METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in METRICS)
METRIC_BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}


def metrics_tagged(tag: str) -> tuple[str, ...]:
    """The names of the metrics carrying a tag, by their place in it, then registry order.

    Raises:
        KeyError: If the tag is not one of :data:`TAGS`.
    """
    if tag not in TAGS:
        raise KeyError(f"unknown metric tag {tag!r}: use one of {', '.join(TAGS)}")
    tagged = [m for m in METRICS if tag in m.tags]
    return tuple(m.name for m in sorted(tagged, key=lambda m: m.tags[tag]))


CUMULATIVE_FORMS: dict[str, str] = {
    "containers": "containers_cum",
    "rounds_m": "rounds_cum_m",
    "missiles": "missiles_cum",
    "heavy_systems": "heavy_systems_cum",
}
"""A monthly flow -> the metric that sums it since the start (its cumulative form)."""


def other_form(metric: str) -> str | None:
    """A flow's cumulative form, a cumulative metric's monthly flow, or None."""
    if metric in CUMULATIVE_FORMS:
        return CUMULATIVE_FORMS[metric]
    return next((flow for flow, total in CUMULATIVE_FORMS.items() if total == metric), None)


ACTORS: tuple[str, ...] = ("russia", "china", "dprk")


def condition_variable(name: str) -> str | None:
    """Map a condition variable to a metric name, or None if it is unknown.

    A condition may name a metric directly (``satellite_capability``) or prefix it with
    its owner (``dprk.satellite_capability``).

    Args:
        name: The variable as written in a scenario.

    Returns:
        The metric name, or None.
    """
    if name in METRIC_BY_NAME:
        return name
    owner, _, rest = name.partition(".")
    metric = METRIC_BY_NAME.get(rest)
    if metric is not None and metric.owner == owner:
        return rest
    return None


class Recorder:
    """Preallocated storage of every metric for every month and world.

    Values are stored in single precision (about 7 significant digits): the model state
    stays in double precision, and single-precision storage halves the memory of large
    ensembles (100,000 worlds x 60 months x 60 metrics = 1.4 GB instead of 2.8 GB).

    Args:
        months: Months recorded.
        worlds: Worlds recorded.
        out: Where to record instead of a new array: a float32 array (or view) of shape
            ``(months, metrics, worlds)``, e.g. this chunk's place in the ensemble's
            array or a buffer reused from chunk to chunk. It is zeroed first.

    Attributes:
        data: Array of shape ``(months, metrics, worlds)``, float32.

    Raises:
        ModelError: If ``out`` has another shape or type.
    """

    def __init__(self, months: int, worlds: int, out: NDArray[np.float32] | None = None) -> None:
        shape = (months, len(METRICS), worlds)
        if out is None:
            out = np.empty(shape, dtype=np.float32)
        elif out.shape != shape or out.dtype != np.float32:
            raise ModelError(f"a recorder needs float32 {shape}, got {out.dtype} {out.shape}")
        self.data: NDArray[np.float32] = out
        self.data.fill(0.0)  # touch every page now, in one pass: far cheaper than row by row
        self._index = {name: i for i, name in enumerate(METRIC_NAMES)}

    def record(self, month: int, values: dict[str, NDArray[np.float64]]) -> None:
        """Store this month's values; every metric must be present.

        Args:
            month: Month index (0 = the start month).
            values: Metric name -> array of shape ``(worlds,)``.
        """
        for name, i in self._index.items():
            self.data[month, i] = values[name]

    def series(self, name: str) -> NDArray[np.float32]:
        """One metric over months and worlds, shape ``(months, worlds)``."""
        return self.data[:, self._index[name], :]
