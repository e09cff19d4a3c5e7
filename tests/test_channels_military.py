"""Missiles, troops, technology's effects and the record: properties and behaviour.

Properties run on random valid scenarios (``strategies.cases()``); behaviour tests compare
small ensembles of the bundled scenarios, world by world (same seed, same worlds).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given

from strategies import PROPERTY, Case, cases
from test_model_properties import close, where_not
from triad.env import ACTION_NAMES, TriadEnv
from triad.game.levers import policy_choice
from triad.game.session import Session
from triad.model.model import TriadModel
from triad.model.policies.russia import troop_pay
from triad.runs.simulation import Simulation, simulate
from triad.scenario.loader import load_scenario

WORLDS = 64


def run(name: str, *overrides: str) -> Simulation:
    return simulate(load_scenario(name, [f"worlds={WORLDS}", *overrides]))


def at(sim: Simulation, metric: str, month: str) -> np.ndarray:
    return np.asarray(sim.series(metric)[sim.dates.index(month)], dtype=np.float64)


# --------------------------------------------------------------------------- properties
@PROPERTY
@given(cases())
def test_missile_stock_is_initial_plus_production_minus_shipments(case: Case) -> None:
    sim = simulate(case.scenario)
    model = TriadModel(case.scenario)
    made = [model.params["dprk.missiles.initial_stock"].copy()]
    while model.month < case.scenario.months:
        model.step()  # events may change production: count each month's, as the model does
        made.append(made[-1] + model.params["dprk.missiles.production"])
    built = np.array(made[1:])
    ok = close(sim.series("dprk_missile_stock"), built, -sim.series("missiles_cum"))
    assert ok.all(), where_not(ok, sim, "dprk_missile_stock", "missiles_cum")


HALTED = Case(  # production scaled to 0 from the first month (found by hypothesis)
    base="baseline",
    delta={
        "name": "h",
        "months": 1,
        "worlds": 1,
        "seed": 0,
        "events": [
            {
                "name": "e0",
                "actor": "world",
                "actions": [{"scale": "dprk.heavy.production", "by": 0.0}],
                "at": "2023-09",
            }
        ],
    },
)


@PROPERTY
@given(cases())
@example(HALTED)
def test_heavy_stock_is_initial_plus_production_minus_shipments(case: Case) -> None:
    sim = simulate(case.scenario)
    model = TriadModel(case.scenario)
    p = model.params
    made = [p["dprk.heavy.initial_stock"].copy()]
    while model.month < case.scenario.months:
        model.step()  # events may change production: count each month's, as the model does
        made.append(made[-1] + model.params["dprk.heavy.production"])
    built = np.array(made[1:])
    ok = close(sim.series("dprk_heavy_stock"), built, -sim.series("heavy_systems_cum"))
    assert ok.all(), where_not(ok, sim, "dprk_heavy_stock", "heavy_systems_cum")
    floor = p["dprk.heavy.kpa_floor"] * p["dprk.heavy.initial_stock"]
    least = np.minimum(floor, built)
    kept = sim.series("dprk_heavy_stock") >= least - 1e-6 * np.maximum(least, 1.0)
    assert kept.all(), ("a sale never takes the stock below the KPA's floor", least.min())


@PROPERTY
@given(cases())
def test_military_channels_stay_in_their_bounds(case: Case) -> None:
    sim = simulate(case.scenario)
    metrics = ("missiles", "heavy_systems", "troops_k", "troop_pay_m", "missile_payment_m")
    for metric in (*metrics, "heavy_payment_m"):
        ok = sim.series(metric) >= 0.0
        assert ok.all(), where_not(ok, sim, metric)
    for metric in ("missile_malfunction", "combat_experience", "dprk_modern_systems", "rok_alarm"):
        values = sim.series(metric)
        ok = (values >= 0.0) & (values <= 1.0)
        assert ok.all(), where_not(ok, sim, metric)
    casualties = sim.series("troop_casualties_k")
    ok = np.diff(casualties, axis=0) >= 0.0
    assert ok.all(), "casualties since the start never fall"
    malfunction = sim.series("missile_malfunction")
    assert (np.diff(malfunction, axis=0) <= 0.0).all(), "combat use only teaches"


# --------------------------------------------------------------------------- the record
def test_the_conditioned_baseline_reproduces_every_dated_event_in_every_world() -> None:
    sim = run("baseline", "months=28")
    assert (at(sim, "satellite_successes_cum", "2023-11") == 1).all()  # Malligyong-1
    assert (at(sim, "satellite_attempts_cum", "2024-05") == 2).all()  # the May 2024 failure
    assert (at(sim, "satellite_successes_cum", "2025-12") == 1).all()  # no other launch
    assert (at(sim, "missiles", "2023-11") == 0).all()  # none before the first use
    assert (at(sim, "missiles", "2023-12") > 0).all()  # first used late Dec 2023
    assert (at(sim, "troops_k", "2024-09") == 0).all()  # none before Kursk
    assert np.allclose(at(sim, "troops_k", "2024-10"), 11.5)  # ~11,000-12,000 from Oct 2024
    assert np.allclose(at(sim, "troops_k", "2025-06"), 13.0)  # ~13,000 by mid-2025
    before, after = at(sim, "trust_china_dprk", "2025-08"), at(sim, "trust_china_dprk", "2025-09")
    assert (after > before).all()  # Kim in Beijing, Sep 2025
    assert (at(sim, "un_regime", "2024-04") == 1).all()  # the Panel until its mandate ends
    assert (at(sim, "un_regime", "2024-05") == 0).all()  # ended 30 Apr 2024
    assert (at(sim, "un_regime", "2024-10") == 2).all()  # the MSMT from Oct 2024
    jump = at(sim, "russia_commitment", "2024-06") - at(sim, "russia_commitment", "2024-05")
    assert (jump > 0).all()  # the treaty, Jun 2024


def test_free_running_leaves_the_record_to_chance() -> None:
    sim = run("free_running", "months=12")
    success = at(sim, "satellite_successes_cum", "2023-11")
    assert 0.0 < success.mean() < 1.0


# --------------------------------------------------------------------------- behaviour
def test_a_troop_deployment_raises_exposure_china_resentment_and_rok_alarm() -> None:
    base, surge = run("baseline"), run("troop_surge")
    for metric in ("dprk_exposure", "china_resentment", "rok_alarm", "russia_commitment"):
        diff = at(surge, metric, "2026-12") - at(base, metric, "2026-12")
        assert np.median(diff) > 0, metric
    pay = at(surge, "troop_pay_m", "2026-06") - at(base, "troop_pay_m", "2026-06")
    more = at(surge, "troops_k", "2026-06") - at(base, "troops_k", "2026-06")
    per_soldier = troop_pay(TriadModel(load_scenario("troop_surge", [f"worlds={WORLDS}"])).params)
    assert (more > 0).all() and np.median(more) == 30.0  # 30,000 less any the model sent
    assert np.allclose(pay, more * per_soldier / 1000.0)  # every extra soldier at the world's pay


def test_heavy_systems_sold_earn_cash_and_cost_deterrence_and_exposure() -> None:
    base, sold = run("baseline"), run("heavy_systems")
    more = at(sold, "heavy_systems_cum", "2026-12") - at(base, "heavy_systems_cum", "2026-12")
    assert (more >= 0).all() and np.median(more) > 0
    paid = at(sold, "heavy_payment_m", "2026-06")
    price = at(sold, "heavy_price_k", "2026-06")
    agreed = at(sold, "heavy_systems", "2026-06") * price / 1000
    assert (paid <= agreed + 1e-6).all() and (paid[agreed > 0] > 0.5 * agreed[agreed > 0]).all()
    for metric, way in (("dprk_deterrence", -1), ("dprk_exposure", 1), ("dprk_heavy_stock", -1)):
        diff = at(sold, metric, "2026-12") - at(base, metric, "2026-12")
        assert np.median(diff) * way > 0, metric


def test_missiles_fired_in_combat_raise_their_reliability() -> None:
    none = run("baseline", "months=24", "russia.missiles.need=0")
    sold = run("baseline", "months=24")
    assert (at(none, "missile_malfunction", "2025-08") == 0.5).all()
    assert (at(sold, "missile_malfunction", "2025-08") < 0.5).all()


def test_tier_two_gives_dprk_modern_systems_that_raise_deterrence_and_alarm_china() -> None:
    fixed = ["months=24", "russia.tech_transfer.max_tier=2", "russia.policy=human"]
    one = Session("baseline", "russia", "month", seed=3, overrides=fixed[:1])
    two = Session("baseline", "russia", "month", seed=3, overrides=fixed[:2])
    for _ in range(12):
        one.play({"tech_tier": 1})
        two.play({"tech_tier": 2})
    assert two.series("dprk_modern_systems")[-1] > 0.2
    assert one.series("dprk_modern_systems")[-1] == 0.0
    assert two.series("dprk_deterrence")[-1] > one.series("dprk_deterrence")[-1]
    assert two.series("china_resentment")[-1] > one.series("china_resentment")[-1]


@pytest.mark.parametrize(
    ("seat", "move", "metric"),
    [
        ("dprk", {"troops_k": 0.0}, "troops_k"),
        ("dprk", {"missile_offer": 0.0}, "missiles"),
        ("dprk", {"heavy_offer": 0.0}, "heavy_systems"),
        ("russia", {"troop_pay_usd": 0.0}, "troops_k"),
        ("russia", {"missile_request": 0.0}, "missiles"),
        ("russia", {"heavy_request": 0.0}, "heavy_systems"),
    ],
)
def test_a_player_can_refuse_missiles_and_troops(
    seat: str, move: dict[str, float], metric: str
) -> None:
    free = ["months=16", "russia.troops.min_commitment=0.5", "dprk.missiles.trust_threshold=0"]
    free += ["dprk.heavy.max_offer=10"]
    played = Session("free_running", seat, "month", seed=2, overrides=free)
    model = Session("free_running", seat, "month", seed=2, overrides=free)
    for _ in range(16):
        played.play(move)
        model.play(policy_choice(model.model, seat))  # the model's own choice each month
    assert played.series(metric).sum() == 0.0
    assert model.series(metric).sum() > 0.0


# --------------------------------------------------------------------------- the env
def _env_month(dprk: dict[str, float], russia: dict[str, float]) -> dict[str, float]:
    """One month of ``free_running`` through the PettingZoo env, both seats as agents."""
    free = ("dprk.missiles.trust_threshold=0", "dprk.heavy.max_offer=10")
    env = TriadEnv("free_running", months=6, overrides=free)
    env.reset(seed=4)
    actions = {}
    for seat, levers in (("dprk", dprk), ("russia", russia)):
        model = env._model
        assert model is not None
        chosen = policy_choice(model, seat) | levers  # the model's move, these levers set
        actions[seat] = np.array([chosen[name] for name in ACTION_NAMES[seat]], np.float32)
    env.step(actions)
    assert env._model is not None
    shown = ("missiles", "heavy_systems", "troops_k", "troop_pay_m")
    return {k: float(env._model.state[k][0]) for k in shown}


def test_missile_heavy_and_troop_levers_through_the_pettingzoo_env() -> None:
    assert {"missile_offer", "heavy_offer", "troops_k"} <= set(ACTION_NAMES["dprk"])
    assert {"missile_request", "heavy_request", "troop_pay_usd"} <= set(ACTION_NAMES["russia"])
    ask = {"missile_request": 10.0, "troop_request_k": 20.0, "troop_pay_usd": 5000.0}
    ask |= {"heavy_request": 5.0, "heavy_max_price_k": 4000.0}
    sell = {"missile_offer": 10.0, "missile_price_k": 1500.0, "troops_k": 20.0}
    sell |= {"heavy_offer": 5.0, "heavy_price_k": 2000.0}
    idle = _env_month({"missile_offer": 0.0, "troops_k": 0.0, "heavy_offer": 0.0}, ask)
    busy = _env_month(sell, ask)
    refused = _env_month(
        sell, {**ask, "troop_pay_usd": 0.0, "missile_request": 0.0, "heavy_request": 0.0}
    )
    assert idle["missiles"] == 0.0 and idle["troops_k"] == 0.0 and idle["heavy_systems"] == 0.0
    assert busy["missiles"] == 10.0 and busy["troops_k"] == 20.0
    assert busy["heavy_systems"] == 5.0
    assert busy["troop_pay_m"] == pytest.approx(20.0 * 5000.0 / 1000.0)
    assert refused["missiles"] == 0.0 and refused["troops_k"] == 0.0
    assert refused["heavy_systems"] == 0.0
