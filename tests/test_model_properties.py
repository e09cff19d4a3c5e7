"""Properties that hold in every valid scenario: conservation, bounds, guards.

Each test runs the model on random valid scenarios from ``strategies.cases()`` (at most
24 months and 16 worlds) and checks one property over every world and month. Metrics are
recorded in single precision, so identities between recorded values hold to a few units
in the last place of the largest term (``close``), while orderings (``>= 0``, ``<= 1``,
``>= floor``) survive rounding exactly and are checked exactly.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given
from numpy.typing import NDArray

from strategies import PROPERTY, Case, Play, cases, plays
from triad.model.metrics import METRIC_NAMES, METRICS
from triad.model.model import TriadModel
from triad.runs.simulation import Simulation, simulate
from triad.scenario.loader import load_scenario

Array = NDArray[np.float64]
TOL = 1e-9
F32 = 4 * float(np.finfo(np.float32).eps)  # a few units in the last place of a stored value


def close(actual: NDArray[np.floating], *terms: NDArray[np.floating]) -> NDArray[np.bool_]:
    """Where ``actual`` equals the sum of ``terms`` up to single-precision rounding."""
    parts = [np.asarray(t, dtype=np.float64) for t in terms]
    scale = np.maximum(np.abs(actual).astype(np.float64), sum(np.abs(t) for t in parts))
    error = np.abs(np.asarray(actual, dtype=np.float64) - sum(parts))
    out: NDArray[np.bool_] = error <= F32 * (len(parts) + 1) * scale + TOL
    return out


def where_not(ok: NDArray[np.bool_], sim: Simulation, *metrics: str) -> str:
    """Describe the first (month, world) where a property fails, with the metrics' values."""
    month, world = (int(i) for i in np.argwhere(~ok)[0])
    shown = ", ".join(f"{m}={sim.series(m)[month, world]!r}" for m in metrics)
    return f"fails in world {world}, month {month} ({sim.dates[month]}): {shown}"


# --------------------------------------------------------------------------- conservation
@PROPERTY
@given(cases())
def test_rounds_shipped_by_dprk_are_the_rounds_russia_receives(case: Case) -> None:
    """DPRK's shipment (``rounds_m``) against Russia's own books of receipts."""
    sim = simulate(case.scenario)
    ok = sim.series("rounds_m") == sim.series("rounds_received_m")
    assert ok.all(), where_not(ok, sim, "rounds_m", "rounds_received_m")


@PROPERTY
@given(cases())
def test_russia_stock_is_last_stock_plus_production_and_receipts_minus_fire(case: Case) -> None:
    sim = simulate(case.scenario)
    initial = TriadModel(case.scenario).params["russia.war.initial_stock_m"]
    stock = sim.series("russia_stock_m")
    before = np.vstack([initial[None, :], stock[:-1]])
    made, fired = sim.series("russia_production_m"), sim.series("russia_fire_m")
    ok = close(stock, before, made, sim.series("rounds_received_m"), -fired)
    assert ok.all(), where_not(ok, sim, "russia_stock_m", "rounds_received_m", "russia_fire_m")


@PROPERTY
@given(cases())
def test_dprk_stock_is_last_stock_plus_production_minus_shipments(case: Case) -> None:
    sim = simulate(case.scenario)
    initial = TriadModel(case.scenario).params["dprk.munitions.initial_stock_m"]
    stock = sim.series("dprk_stock_m")
    before = np.vstack([initial[None, :], stock[:-1]])
    ok = close(stock, before, sim.series("dprk_production_m"), -sim.series("rounds_m"))
    assert ok.all(), where_not(ok, sim, "dprk_stock_m", "dprk_production_m", "rounds_m")


@PROPERTY
@given(cases())
def test_cumulative_shipments_are_running_sums_of_monthly_ones(case: Case) -> None:
    sim = simulate(case.scenario)
    for monthly, total in (("containers", "containers_cum"), ("rounds_m", "rounds_cum_m")):
        running = np.cumsum(sim.series(monthly).astype(np.float64), axis=0)
        ok = np.isclose(sim.series(total), running, rtol=1e-5, atol=TOL)
        assert ok.all(), where_not(ok, sim, monthly, total)


@PROPERTY
@given(cases())
def test_russia_pays_exactly_food_plus_oil_plus_cash(case: Case) -> None:
    sim = simulate(case.scenario)
    parts = [sim.series(f"payment_{kind}_m") for kind in ("food", "oil", "cash")]
    ok = close(sim.series("payment_m"), *parts)
    assert ok.all(), where_not(ok, sim, "payment_m", "payment_food_m", "payment_oil_m")


@PROPERTY
@given(cases())
def test_shipments_follow_containers_and_never_exceed_transport(case: Case) -> None:
    sim = simulate(case.scenario)
    containers = sim.series("containers")
    rounds = sim.series("rounds_m")
    # a shipment of a thousandth of a container or more carries rounds, and rounds need
    # containers (below that, float32 recording may round the rounds to zero)
    ok = (
        (containers <= sim.series("transport_capacity") + TOL)
        & ((containers > 1e-3) <= (rounds > 0))
        & ((rounds > 0) <= (containers > 0))
    )
    assert ok.all(), where_not(ok, sim, "containers", "rounds_m", "transport_capacity")


# --------------------------------------------------------------------------- bounds
@PROPERTY
@given(cases())
def test_stocks_and_reserves_never_go_negative(case: Case) -> None:
    sim = simulate(case.scenario)
    for metric in ("dprk_stock_m", "russia_stock_m", "dprk_fx_m", "containers", "rounds_m"):
        ok = sim.series(metric) >= 0.0
        assert ok.all(), where_not(ok, sim, metric)


@PROPERTY
@given(cases())
def test_every_bounded_metric_lies_in_the_unit_interval(case: Case) -> None:
    sim = simulate(case.scenario)
    for metric in (m.name for m in METRICS if m.bounded):
        values = sim.series(metric)
        ok = (values >= 0.0) & (values <= 1.0)
        assert ok.all(), where_not(ok, sim, metric)


# Regressions: cases that once gave NaN (hypothesis found the first), checked every run.
NO_CHINA_TRADE = Case(  # no China-ROK stake and a closed border: 0 / 0 in China's enforcement
    "defaults",
    {
        "months": 3,
        "worlds": 1,
        "actors": {"china": {"rok_trade_bn": 0.0}},
        "world": {"border_cn": 0.0},
    },
)
REOPENED_PORT = Case(  # a driver scaled by 0, then set: its level becomes value / 0
    "defaults",
    {
        "months": 4,
        "worlds": 1,
        "events": [
            {
                "name": "close",
                "at": "2023-10",
                "actions": [{"scale": "world.transport_capacity", "by": 0}],
            },
            {
                "name": "reopen",
                "at": "2023-11",
                "actions": [{"set": "world.transport_capacity", "value": 800}],
            },
        ],
    },
)


@PROPERTY
@given(cases())
@example(NO_CHINA_TRADE)
@example(REOPENED_PORT)
def test_no_metric_is_ever_nan_or_infinite(case: Case) -> None:
    sim = simulate(case.scenario)
    finite = np.isfinite(sim.data)
    if not finite.all():
        month, metric, world = (int(i) for i in np.argwhere(~finite)[0])
        value = sim.data[month, metric, world]
        raise AssertionError(f"{METRIC_NAMES[metric]}={value} in world {world}, month {month}")


@PROPERTY
@given(cases())
def test_shipments_never_take_the_stock_below_the_kpa_floor(case: Case) -> None:
    sim = simulate(case.scenario)
    shipped = sim.series("rounds_m") > 0
    ok = ~shipped | (sim.series("dprk_stock_m") >= sim.series("kpa_floor_m") - TOL)
    assert ok.all(), where_not(ok, sim, "dprk_stock_m", "kpa_floor_m", "rounds_m")


# --------------------------------------------------------------------------- technology
@PROPERTY
@given(cases(allow_nbc=False))
def test_tier_three_is_never_transferred_unless_allow_nbc(case: Case) -> None:
    """Even where an event or an uncertain entry sets ``max_tier`` to 3."""
    sim = simulate(case.scenario)
    tier = sim.series("russia_tech_tier")
    ok = np.isin(tier, (0.0, 1.0, 2.0))
    assert ok.all(), where_not(ok, sim, "russia_tech_tier")


@PROPERTY
@given(
    cases(
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
def test_tier_three_is_reached_where_allowed_and_always_ready(case: Case) -> None:
    """War-first Russia, ready every month, climbs one tier a month to 3 when NBC is allowed."""
    tier = simulate(case.scenario).series("russia_tech_tier")
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


# --------------------------------------------------------------------------- play mode
def played(play: Play) -> Simulation:
    """Run a scenario month by month, submitting each month's moves to the human seats."""
    model = TriadModel(play.case.scenario)
    for moves in play.moves:
        for actor, move in moves.items():
            model.submit(actor, {lever: np.asarray(v) for lever, v in move.items()})
        model.step()
    return Simulation(model.scenario, model.world_ids, model.recorder.data, model.log.frame())


@PROPERTY
@given(plays())
def test_no_submitted_action_breaks_stocks_bounds_or_the_kpa_floor(play: Play) -> None:
    """Whatever a player submits within the levers' ranges, the physics still holds."""
    sim = played(play)
    assert np.isfinite(sim.data).all()
    initial = TriadModel(play.case.scenario).params["dprk.munitions.initial_stock_m"]
    stock = sim.series("dprk_stock_m")
    before = np.vstack([initial[None, :], stock[:-1]])
    ok = close(stock, before, sim.series("dprk_production_m"), -sim.series("rounds_m"))
    assert ok.all(), where_not(ok, sim, "dprk_stock_m", "dprk_production_m", "rounds_m")
    for metric in ("dprk_stock_m", "russia_stock_m", "dprk_fx_m", "containers"):
        ok = sim.series(metric) >= 0.0
        assert ok.all(), where_not(ok, sim, metric)
    ok = (sim.series("rounds_m") == 0) | (stock >= sim.series("kpa_floor_m"))
    assert ok.all(), where_not(ok, sim, "dprk_stock_m", "kpa_floor_m", "rounds_m")
    for metric in (m.name for m in METRICS if m.bounded):
        ok = (sim.series(metric) >= 0.0) & (sim.series(metric) <= 1.0)
        assert ok.all(), where_not(ok, sim, metric)
