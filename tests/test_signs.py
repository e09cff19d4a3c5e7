"""Signs an analyst can explain: each claim is a direction on ensemble medians (200 worlds).

The bundled what-ifs state the directions they expect in their ``expect:`` entries, with
the reason; each is checked here against the scenario it extends, as the median of paired
differences (common random numbers: same seed, same worlds). The other claims are the
directional properties of the decisions (docs/odd.md 7.4-7.15).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from numpy.typing import NDArray

from conftest import Ensemble
from triad.experiments.signs import (
    BUNDLED_WHAT_IFS,
    NO_DEAL,
    WEIGHTS,
    check_signs,
    parent_of,
    weight_points,
)
from triad.model.model import TriadModel
from triad.runs.simulation import Simulation
from triad.scenario.loader import load_scenario

WHAT_IFS = BUNDLED_WHAT_IFS


def paired(a: Simulation, b: Simulation, metric: str, date: str) -> NDArray[np.float64]:
    """Per-world difference ``b - a`` of a metric in a month."""
    month = a.dates.index(date)
    out: NDArray[np.float64] = b.series(metric)[month].astype(np.float64) - a.series(metric)[
        month
    ].astype(np.float64)
    return out


def expectations() -> list[tuple[str, str, str, str]]:
    """(what-if, metric, month, sign) for every stated expectation of a bundled what-if."""
    out = []
    for name in WHAT_IFS:
        for e in load_scenario(name).expect:
            out.append((name, e.metric, e.at, e.sign))
    return out


def test_every_bundled_what_if_states_its_expected_signs() -> None:
    for name in WHAT_IFS:
        assert len(load_scenario(name).expect) >= 3, name


@pytest.mark.parametrize(("name", "metric", "date", "sign"), expectations())
def test_a_what_if_moves_its_outcomes_the_way_its_header_says(
    ensemble: Ensemble, name: str, metric: str, date: str, sign: str
) -> None:
    parent = parent_of(name)  # the header's reference: the scenario it extends
    diff = float(np.median(paired(ensemble(parent), ensemble(name), metric, date)))
    assert diff > 0 if sign == "+" else diff < 0, f"{name}: {metric}@{date} moved {diff:+.4g}"


@pytest.mark.parametrize("date", ["2024-06", "2024-12", "2025-06", "2025-12"])
def test_the_deal_leaves_dprk_more_secure_than_no_deal(ensemble: Ensemble, date: str) -> None:
    """Pyongyang chose the deal: with it, the median world is more secure through 2025."""
    diff = paired(ensemble("baseline", NO_DEAL), ensemble("baseline"), "dprk_regime_security", date)
    assert np.median(diff) > 0.0
    assert (diff > 0).mean() > 0.5


def test_the_deal_raises_dprk_growth_materially_in_2024(ensemble: Ensemble) -> None:
    deal, none = ensemble("baseline"), ensemble("baseline", NO_DEAL)
    gdp = paired(none, deal, "dprk_gdp_bn", "2024-12") / none.series("dprk_gdp_bn")[
        none.dates.index("2024-12")
    ].astype(np.float64)
    assert np.median(gdp) > 0.01  # more than a point of GDP by the end of 2024


@pytest.mark.parametrize("floor", ["0.6", "0.75", "0.9"])
def test_raising_the_kpa_floor_never_lowers_deterrence(ensemble: Ensemble, floor: str) -> None:
    """Keeping shells raises deterrence. Held apart from Russia's technology (a DPRK that
    sells less also earns less Russian trust and so less satellite help) and from the
    missile trade (a Russia short of shells may buy missiles instead, which lowers the SRBM
    force: a substitution, not a shell effect; docs/odd.md 7.15)."""
    held = ("russia.tech_transfer.max_tier=0", "russia.missiles.need=0")
    held += ("dprk.munitions.kpa_floor=0.5",)  # the base fixes the floor each world draws
    base = ensemble("baseline", *held)
    kept = ensemble("baseline", *held, f"dprk.munitions.kpa_floor={floor}")
    for date in ("2024-06", "2025-06", "2026-06", "2028-08"):
        diff = paired(base, kept, "dprk_deterrence", date)
        assert np.median(diff) >= 0.0 and diff.min() >= -1e-6, date
        assert (paired(base, kept, "dprk_stock_m", date) >= -1e-4).all(), date


def _spending_at_price(price: float, worlds: int = 64, months: int = 12) -> float:
    """Median Russian payment over a few months when DPRK asks a fixed price."""
    scenario = load_scenario("baseline", ["actors.dprk.policy=human", f"months={months}"])
    model = TriadModel(scenario, worlds=worlds, log_worlds=0)
    paid = np.zeros(worlds)
    for _ in range(months):
        model.submit("dprk", {"price_ask": price})
        model.step()
        paid += model.state["payment_m"]
    return float(np.median(paid))


def test_russia_spends_less_as_the_price_rises_past_its_worth() -> None:
    spending = [_spending_at_price(p) for p in (600.0, 900.0, 1500.0, 3000.0, 10000.0)]
    assert all(b <= a + 1e-9 for a, b in pairwise(spending)), spending
    assert spending[-1] == 0.0 and spending[-2] == 0.0
    assert _spending_at_price(200.0) > 0.0


def test_after_a_ceasefire_russia_buys_less_but_keeps_its_stock_near_target(
    ensemble: Ensemble,
) -> None:
    base, ceasefire = ensemble("baseline"), ensemble("ceasefire_2025")
    month = base.dates.index("2026-12")
    bought = ceasefire.series("containers")[month]
    assert np.median(bought) < 0.5 * np.median(base.series("containers")[month])
    assert (bought > 0).mean() > 0.25  # refilling the stock: not exactly zero everywhere
    stock = ceasefire.series("russia_stock_m")[-1]
    target = 15.0  # russia.war.restock_target_m in the baseline
    assert 0.8 * target <= np.median(stock) <= 1.2 * target


def test_china_forgives_in_a_positive_share_of_worlds_within_two_years() -> None:
    scenario = load_scenario("china_punishes", ["months=48"])
    model = TriadModel(scenario, worlds=200, log_worlds=0)
    tolerance = model.params["china.resentment_tolerance"]
    began = np.full(model.n, -1)
    ended = np.zeros(model.n, dtype=bool)
    for month in range(model.scenario.months):
        model.step()
        angry = model.state["china_resentment"] > tolerance
        began = np.where((began < 0) & angry, month, began)
        within = (began >= 0) & (month - began <= 24)
        ended |= within & ~angry
    punished = began >= 0
    assert punished.mean() > 0.5
    share = ended[punished].mean()
    assert 0.0 < share < 1.0, share


def test_china_dprk_trade_has_an_honest_spread(ensemble: Ensemble) -> None:
    """At least the ~7% a year the recorded 2011-15 year-on-year changes show."""
    trade = ensemble("baseline").series("cn_dprk_trade_bn")[-1].astype(np.float64)
    spread = np.std(np.log(trade))
    assert spread >= 0.07, spread


def test_stated_signs_hold_over_the_plausible_range_of_the_objective_weights() -> None:
    """Each sign holds at the default weights and at weight points spread over x1/2..x2."""
    table = check_signs(worlds=100, points=3).frame()
    assert len(table) >= 3 * 7
    assert table["holds"].all(), table.loc[~table["holds"], ["what_if", "metric", "median"]]
    assert table["robust"].all(), table.loc[~table["robust"], ["what_if", "metric", "kept"]]


def test_weight_points_scale_each_weight_within_half_to_double() -> None:
    scenario = load_scenario("baseline")
    points = weight_points(scenario, 5)
    assert len(points) == 5 and all(len(p) == len(WEIGHTS) for p in points)
    default = load_scenario("baseline").actors.dprk.security.weight_food
    foods = [float(p[0].split("=")[1]) for p in points]
    assert all(default / 2 <= f <= default * 2 for f in foods)
    assert len(set(foods)) == 5  # one per stratum


def test_each_what_if_is_judged_against_the_scenario_it_extends() -> None:
    assert parent_of("ceasefire_treaty") == "ceasefire_2025"
    assert parent_of("troop_surge") == "baseline"
    assert parent_of("history/trade_2011_2022") == "baseline"  # ../baseline.yaml
