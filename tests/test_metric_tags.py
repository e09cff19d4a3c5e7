"""Metric tags: the lists of metrics are filters over the registry's tags."""

from __future__ import annotations

import pytest

from triad.experiments.ensemble import KEY_METRICS
from triad.game.dashboard import HIDDEN
from triad.game.dashboard import KEY_METRICS as SEAT_METRICS
from triad.game.env import OBSERVATION_METRICS
from triad.game.levers import SEATS
from triad.game.world import SCORE_METRIC
from triad.model.metrics import METRIC_BY_NAME, METRICS, TAGS, metrics_tagged
from triad.narrate import LOWER_IS_BETTER, SUMMARY_METRICS

OLD_KEY = (
    "containers",
    "rounds_cum_m",
    "russia_fire_share",
    "dprk_gdp_bn",
    "dprk_food_gap",
    "satellite_capability",
    "cn_dprk_trade_bn",
    "cn_share_of_dprk_trade",
    "china_resentment",
    "dprk_exposure",
    "dprk_regime_security",
    "bloc_cohesion",
)
OLD_SUMMARY = (
    "containers_cum",
    "rounds_cum_m",
    "containers",
    "russia_fire_share",
    "russia_unmet",
    "russia_tech_tier",
    "dprk_gdp_bn",
    "dprk_food_gap",
    "dprk_fx_m",
    "satellite_capability",
    "satellite_successes_cum",
    "cn_share_of_dprk_trade",
    "china_resentment",
    "dprk_exposure",
    "dprk_regime_security",
    "trust_dprk_russia",
    "trust_russia_dprk",
    "bloc_cohesion",
)
OLD_LOWER_IS_BETTER = [
    "china_resentment",
    "dprk_exposure",
    "dprk_food_gap",
    "russia_shortfall",
    "russia_unmet",
]
OLD_OBSERVATION = (
    "containers",
    "price_per_round",
    "payment_ratio",
    "russia_unmet",
    "russia_fire_share",
    "russia_tech_tier",
    "dprk_food_gap",
    "dprk_gdp_bn",
    "dprk_fx_m",
    "dprk_labour_income_m",
    "dprk_cyber_income_m",
    "dprk_stock_above_floor_m",
    "missiles",
    "missile_malfunction",
    "heavy_systems",
    "troops_k",
    "satellite_capability",
    "dprk_exposure",
    "cn_share_of_dprk_trade",
    "china_enforcement",
    "china_resentment",
    "rok_alarm",
    "war_intensity",
    "trust_dprk_russia",
    "trust_dprk_china",
    "trust_russia_dprk",
    "trust_russia_china",
    "trust_china_dprk",
    "trust_china_russia",
    "score_russia",
    "score_china",
    "score_dprk",
)
OLD_SEAT = {
    "dprk": (
        "score_dprk",
        "containers",
        "price_per_round",
        "payment_m",
        "payment_ratio",
        "dprk_food_gap",
        "dprk_gdp_bn",
        "dprk_fx_m",
        "dprk_labour_income_m",
        "dprk_cyber_income_m",
        "dprk_stock_above_floor_m",
        "satellite_capability",
        "dprk_exposure",
        "china_resentment",
        "cn_share_of_dprk_trade",
    ),
    "russia": (
        "score_russia",
        "rounds_received_m",
        "russia_unmet",
        "russia_fire_share",
        "russia_stock_m",
        "payment_m",
        "price_per_round",
        "russia_tech_tier",
        "dprk_exposure",
        "china_enforcement",
        "war_intensity",
    ),
    "china": (
        "score_china",
        "cn_share_of_dprk_trade",
        "china_resentment",
        "dprk_food_gap",
        "cn_aid_m",
        "cn_dprk_trade_bn",
        "china_enforcement",
        "containers",
        "dprk_exposure",
        "russia_tech_tier",
        "dprk_regime_security",
    ),
}
OLD_HIDDEN = {
    "dprk": [
        "dprk_food_gap",
        "dprk_fx_m",
        "dprk_gdp_bn",
        "dprk_regime_security",
        "dprk_stock_above_floor_m",
        "dprk_stock_m",
        "satellite_capability",
        "score_dprk",
        "trust_dprk_china",
        "trust_dprk_russia",
    ],
    "russia": [
        "russia_fire_share",
        "russia_shortfall",
        "russia_stock_m",
        "russia_unmet",
        "score_russia",
        "trust_russia_china",
        "trust_russia_dprk",
    ],
    "china": ["china_resentment", "score_china", "trust_china_dprk", "trust_china_russia"],
}
OLD_SHORT = {
    "score_dprk": "your score",
    "score_russia": "your score",
    "score_china": "your score",
    "containers": "shipped",
    "price_per_round": "price/round",
    "payment_m": "paid US$ m",
    "payment_ratio": "paid/agreed",
    "dprk_food_gap": "food unmet",
    "dprk_gdp_bn": "GDP US$ bn",
    "dprk_fx_m": "reserves US$ m",
    "dprk_labour_income_m": "workers US$ m",
    "dprk_cyber_income_m": "cyber US$ m",
    "dprk_stock_above_floor_m": "stock>floor M",
    "satellite_capability": "satellite",
    "dprk_exposure": "exposure",
    "china_resentment": "China's anger",
    "cn_share_of_dprk_trade": "China's share",
    "rounds_received_m": "rounds M",
    "russia_unmet": "unmet demand",
    "russia_fire_share": "fire share",
    "russia_stock_m": "stock M rounds",
    "russia_tech_tier": "tech tier",
    "china_enforcement": "enforcement",
    "war_intensity": "war intensity",
    "cn_aid_m": "aid US$ m",
    "cn_dprk_trade_bn": "trade US$ bn",
    "dprk_regime_security": "DPRK security",
}


def test_the_tagged_lists_are_the_hand_kept_lists_they_replace() -> None:
    assert KEY_METRICS == OLD_KEY
    assert SUMMARY_METRICS == OLD_SUMMARY
    assert sorted(LOWER_IS_BETTER) == OLD_LOWER_IS_BETTER
    assert OBSERVATION_METRICS == OLD_OBSERVATION
    assert SEAT_METRICS == OLD_SEAT
    assert {seat: sorted(names) for seat, names in HIDDEN.items()} == OLD_HIDDEN
    assert {m.name: m.short for m in METRICS if m.short} == OLD_SHORT


def test_every_tag_is_known_and_every_place_in_a_list_is_taken_once() -> None:
    for tag in TAGS:
        places = [METRIC_BY_NAME[name].tags[tag] for name in metrics_tagged(tag)]
        assert places == sorted(places)
        ordered = [p for p in places if p]
        assert ordered == list(range(1, len(places) + 1)) or set(places) == {0}, tag
    assert {tag for m in METRICS for tag in m.tags} <= set(TAGS)


def test_an_unknown_tag_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="'keys'"):
        metrics_tagged("keys")


def test_each_seat_watches_its_own_score_first_under_short_labels() -> None:
    for seat in SEATS:
        watched = metrics_tagged(f"dashboard.{seat}")
        assert watched[0] == SCORE_METRIC[seat]
        assert all(0 < len(METRIC_BY_NAME[m].short) <= 14 for m in watched)


def test_hidden_state_belongs_to_the_seats_and_lower_is_better_to_bounded_metrics() -> None:
    assert {METRIC_BY_NAME[m].owner for m in metrics_tagged("hidden")} == set(SEATS)
    assert all(METRIC_BY_NAME[m].bounded for m in metrics_tagged("lower_is_better"))
