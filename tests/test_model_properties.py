"""Properties that hold in every valid scenario: conservation, bounds, guards.

Each test runs the model on random valid scenarios from ``strategies.scenarios()`` (at
most 24 months and 16 worlds) and checks one property over every world and month.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from numpy.typing import NDArray

from strategies import PROPERTY, scenarios
from triad.model.metrics import METRIC_NAMES, METRICS
from triad.model.model import TriadModel
from triad.model.simulation import Simulation, simulate
from triad.scenario.loader import load_scenario
from triad.scenario.schema import Scenario

Array = NDArray[np.float64]
TOL = 1e-9


def where_not(ok: NDArray[np.bool_], sim: Simulation, *metrics: str) -> str:
    """Describe the first (month, world) where a property fails, with the metrics' values."""
    month, world = (int(i) for i in np.argwhere(~ok)[0])
    shown = ", ".join(f"{m}={sim.series(m)[month, world]!r}" for m in metrics)
    return f"fails in world {world}, month {month} ({sim.dates[month]}): {shown}"


# --------------------------------------------------------------------------- conservation
@PROPERTY
@given(scenarios())
def test_rounds_shipped_by_dprk_are_the_rounds_russia_receives(scenario: Scenario) -> None:
    sim = simulate(scenario)
    ok = sim.series("rounds_m") == sim.series("rounds_received_m")
    assert ok.all(), where_not(ok, sim, "rounds_m", "rounds_received_m")


@PROPERTY
@given(scenarios())
def test_dprk_stock_is_last_stock_plus_production_minus_shipments(scenario: Scenario) -> None:
    sim = simulate(scenario)
    initial = TriadModel(scenario).params["dprk.munitions.initial_stock_m"]
    stock = sim.series("dprk_stock_m")
    before = np.vstack([initial[None, :], stock[:-1]])
    expected = before + sim.series("dprk_production_m") - sim.series("rounds_m")
    ok = np.isclose(stock, expected, rtol=1e-12, atol=TOL)
    assert ok.all(), where_not(ok, sim, "dprk_stock_m", "dprk_production_m", "rounds_m")


@PROPERTY
@given(scenarios())
def test_cumulative_shipments_are_running_sums_of_monthly_ones(scenario: Scenario) -> None:
    sim = simulate(scenario)
    for monthly, total in (("containers", "containers_cum"), ("rounds_m", "rounds_cum_m")):
        ok = np.isclose(sim.series(total), np.cumsum(sim.series(monthly), axis=0), atol=TOL)
        assert ok.all(), where_not(ok, sim, monthly, total)


@PROPERTY
@given(scenarios())
def test_russia_pays_exactly_food_plus_oil_plus_cash(scenario: Scenario) -> None:
    sim = simulate(scenario)
    parts = sum(sim.series(f"payment_{k}_m") for k in ("food", "oil", "cash"))
    ok = np.isclose(sim.series("payment_m"), parts, rtol=1e-12, atol=TOL)
    assert ok.all(), where_not(ok, sim, "payment_m", "payment_food_m", "payment_oil_m")


@PROPERTY
@given(scenarios())
def test_shipments_follow_containers_and_never_exceed_transport(scenario: Scenario) -> None:
    sim = simulate(scenario)
    containers = sim.series("containers")
    ok = (containers <= sim.series("transport_capacity") + TOL) & (
        (containers > 0) == (sim.series("rounds_m") > 0)
    )
    assert ok.all(), where_not(ok, sim, "containers", "rounds_m", "transport_capacity")


# --------------------------------------------------------------------------- bounds
@PROPERTY
@given(scenarios())
def test_stocks_and_reserves_never_go_negative(scenario: Scenario) -> None:
    sim = simulate(scenario)
    for metric in ("dprk_stock_m", "russia_stock_m", "dprk_fx_m", "containers", "rounds_m"):
        ok = sim.series(metric) >= 0.0
        assert ok.all(), where_not(ok, sim, metric)


@PROPERTY
@given(scenarios())
def test_every_bounded_metric_lies_in_the_unit_interval(scenario: Scenario) -> None:
    sim = simulate(scenario)
    for metric in (m.name for m in METRICS if m.bounded):
        values = sim.series(metric)
        ok = (values >= 0.0) & (values <= 1.0)
        assert ok.all(), where_not(ok, sim, metric)


@PROPERTY
@given(scenarios())
def test_no_metric_is_ever_nan_or_infinite(scenario: Scenario) -> None:
    sim = simulate(scenario)
    finite = np.isfinite(sim.data)
    if not finite.all():
        month, metric, world = (int(i) for i in np.argwhere(~finite)[0])
        value = sim.data[month, metric, world]
        raise AssertionError(f"{METRIC_NAMES[metric]}={value} in world {world}, month {month}")


@PROPERTY
@given(scenarios())
def test_shipments_never_take_the_stock_below_the_kpa_floor(scenario: Scenario) -> None:
    sim = simulate(scenario)
    shipped = sim.series("rounds_m") > 0
    ok = ~shipped | (sim.series("dprk_stock_m") >= sim.series("kpa_floor_m") - TOL)
    assert ok.all(), where_not(ok, sim, "dprk_stock_m", "kpa_floor_m", "rounds_m")


# --------------------------------------------------------------------------- technology
@PROPERTY
@given(scenarios(allow_nbc=False))
def test_tier_three_is_never_transferred_unless_allow_nbc(scenario: Scenario) -> None:
    """Even where an event or an uncertain entry sets ``max_tier`` to 3."""
    sim = simulate(scenario)
    tier = sim.series("russia_tech_tier")
    ok = np.isin(tier, (0.0, 1.0, 2.0))
    assert ok.all(), where_not(ok, sim, "russia_tech_tier")


@PROPERTY
@given(
    scenarios(
        allow_nbc=True,
        min_months=3,
        fixed={
            "russia.policy": "war_first",
            "russia.tech_transfer.max_tier": 3,
            "russia.tech_transfer.shortfall_months": 0,
            "russia.tech_transfer.trust_threshold": 0.0,
        },
    )
)
def test_tier_three_is_reached_where_allowed_and_always_ready(scenario: Scenario) -> None:
    """War-first Russia, ready every month, climbs one tier a month to 3 when NBC is allowed."""
    tier = simulate(scenario).series("russia_tech_tier")
    assert (tier[:3] == np.array([[1.0], [2.0], [3.0]])).all()
    assert (tier[2:] == 3.0).all()


def test_baseline_reaches_tier_three_only_with_allow_nbc() -> None:
    """The same eager Russia stops at tier 2 without ``allow_nbc`` and reaches 3 with it."""
    eager = [
        "russia.tech_transfer.shortfall_months=0",
        "russia.tech_transfer.trust_threshold=0",
        "months=12",
    ]
    blocked = load_scenario("baseline", [*eager, "russia.tech_transfer.max_tier=2"])
    allowed = load_scenario(
        "baseline",
        [*eager, "russia.tech_transfer.allow_nbc=true", "russia.tech_transfer.max_tier=3"],
    )
    assert simulate(blocked, worlds=20).series("russia_tech_tier").max() == 2.0
    assert (simulate(allowed, worlds=20).series("russia_tech_tier")[-1] == 3.0).all()
