"""Economic and institutional channels: workers and cyber, the bridge, the oil cap, UN monitoring.

Properties (hypothesis) of each channel's equations and of the model on random valid
scenarios, a behaviour test per channel, and DPRK's new levers through ``triad play`` and
the PettingZoo environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from typer.testing import CliRunner

from strategies import PROPERTY
from triad.cli.app import app
from triad.env import ACTION_NAMES, TriadEnv
from triad.errors import GameError
from triad.game.levers import check_move
from triad.game.session import Session
from triad.model import infrastructure as infra
from triad.model import monitoring as mon
from triad.model import oilcap
from triad.model import revenue as rev
from triad.model.model import TriadModel
from triad.runs.options import RunOptions, prepare_scenario
from triad.runs.simulation import Simulation, simulate
from triad.scenario.loader import load_scenario
from triad.scenario.schema import Action, Event, Scenario

Array = NDArray[np.float64]
SHORT = "months=12"
CHANNEL_METRICS = (
    "dprk_workers_abroad_k",
    "dprk_labour_income_m",
    "dprk_cyber_income_m",
    "ru_civil_capacity_m",
    "oil_refined_kbbl_yr",
    "oil_cap_ratio",
    "un_regime",
    "un_detection",
    "un_enforcement_reach",
)
share = st.floats(0.0, 1.0)
amount = st.floats(0.0, 1e4)


def arr(*values: float) -> Array:
    return np.asarray(values, dtype=np.float64)


def fixed(*paths: str) -> list[str]:
    """``--set`` overrides that remove the baseline's uncertain entries of some paths."""
    return [f"uncertain.{p}=null" for p in paths]


def baseline(*overrides: str, worlds: int = 8, months: int = 12) -> Scenario:
    return prepare_scenario(
        "baseline", RunOptions(worlds=worlds, months=months, overrides=overrides)
    )


# --------------------------------------------------------------------------- equations
@given(amount, share, st.floats(0.0, 5000.0), share, share, share)
def test_labour_income_is_between_nothing_and_the_gross_remittances(
    workers: float, russia: float, remit: float, block: float, reach_ru: float, reach_cn: float
) -> None:
    income = rev.labour_income(
        arr(workers), arr(russia), arr(remit), arr(block), arr(reach_ru), arr(reach_cn)
    )
    assert 0.0 <= income[0] <= workers * remit / 1000.0 * (1 + 1e-12)


@given(amount, share, st.floats(0.0, 5000.0), share, share, share, share)
def test_more_reach_never_raises_labour_income(
    workers: float, russia: float, remit: float, block: float, low: float, high: float, cn: float
) -> None:
    low, high = sorted((low, high))
    args = (arr(workers), arr(russia), arr(remit), arr(block))
    weak = rev.labour_income(*args, arr(low), arr(max(cn, low)))
    strong = rev.labour_income(*args, arr(high), arr(max(cn, high)))
    assert strong[0] <= weak[0] + 1e-9


@given(st.floats(0.0, 3.0), amount, share, share, share, share, share, st.floats(-4, 4))
def test_cyber_income_is_non_negative_and_falls_with_reach(
    effort: float,
    gross: float,
    returns: float,
    cashout: float,
    block: float,
    low: float,
    high: float,
    z: float,
) -> None:
    low, high = sorted((low, high))
    shock = rev.lumpy(arr(z), arr(1.0))
    args = (arr(effort), arr(gross), arr(returns), arr(cashout), arr(block))
    weak, strong = (rev.cyber_income(*args, arr(r), shock) for r in (low, high))
    assert np.isfinite(weak[0]) and 0.0 <= strong[0] <= weak[0] + 1e-9


@given(amount, st.floats(0.1, 1e4), st.floats(0.1, 1e4), st.floats(0.0, 1e4), st.floats(0, 3))
def test_the_links_carry_no_more_than_capacity_and_more_with_more_capacity(
    demand: float, capacity: float, start: float, extra: float, elasticity: float
) -> None:
    carried = infra.carry(arr(demand), arr(capacity), arr(start), arr(elasticity))
    wider = infra.carry(arr(demand), arr(capacity + extra), arr(start), arr(elasticity))
    assert 0.0 <= carried[0] <= capacity
    assert wider[0] >= carried[0] - 1e-9


@given(st.lists(st.floats(0.0, 1e4), min_size=1, max_size=40))
def test_the_oil_ledger_sums_the_last_twelve_months(months: list[float]) -> None:
    ledger = oilcap.OilLedger(1)
    for value in months:
        yearly = ledger.add(arr(value))
    last = months[-12:]
    assert yearly[0] == pytest.approx(sum(last) * 12.0 / len(last), rel=1e-9, abs=1e-9)


@given(st.floats(0.0, 10.0), share, share)
def test_only_deliveries_above_the_cap_expose(ratio: float, visibility: float, seen: float) -> None:
    push = oilcap.breach_push(arr(ratio), arr(visibility), arr(seen))
    assert 0.0 <= push[0] <= 1.0
    assert (push[0] == 0.0) == (visibility * max(ratio - 1.0, 0.0) * seen == 0.0)


@given(st.sampled_from([mon.NONE, mon.PANEL, mon.MSMT]), share, share, share, share)
def test_detection_and_reach_are_shares(
    regime: float, factor: float, other: float, monitoring: float, enforcement: float
) -> None:
    params = {f"dynamics.un.{r}_{k}": arr(factor if r == "msmt" else other)
              for r in ("none", "panel", "msmt") for k in ("detection", "enforcement")}  # fmt: skip
    for value in (
        mon.detection(arr(regime), params, arr(monitoring)),
        mon.reach(arr(regime), params, arr(enforcement)),
    ):
        assert 0.0 <= value[0] <= 1.0


# --------------------------------------------------------------------------- the model
TRIGGERS = ("panel_ends", "msmt_starts", "panel_returns", "bridge_opens")


@st.composite
def channel_scenarios(draw: st.DrawFn) -> Scenario:
    """The baseline with the channels' levels, drivers and triggers drawn at random."""
    months = draw(st.integers(1, 24))
    sets = {
        "dprk.revenue.workers_k": draw(st.floats(0.0, 200.0)),
        "dprk.revenue.cyber_effort": draw(st.floats(0.0, 3.0)),
        "dprk.revenue.cyber_sd": draw(st.floats(0.0, 3.0)),
        "russia.transport.rail_m": draw(st.floats(0.01, 100.0)),
        "russia.transport.access_elasticity": draw(st.floats(0.0, 3.0)),
        "dynamics.un.regime": draw(st.integers(0, 2)),
        "china.trade.oil_share": draw(st.floats(0.0, 1.0)),
        "world.monitoring": draw(share),
        "world.un_enforcement": draw(share),
    }
    sampled = load_scenario("baseline").uncertain
    overrides = [f"uncertain.{p}=null" for p in sets if p in sampled]
    overrides += [f"{p}={v}" for p, v in sets.items()]
    options = RunOptions(
        worlds=draw(st.integers(1, 6)),
        months=months,
        seed=draw(st.integers(0, 2**32)),
        overrides=overrides,
    )
    scenario = prepare_scenario("baseline", options)
    start = scenario.first_month
    drawn = draw(
        st.lists(st.tuples(st.integers(0, months - 1), st.sampled_from(TRIGGERS)), max_size=4)
    )
    events = [
        Event(name=f"t{i}", at=str(start + at), actions=[Action(trigger=trigger)])
        for i, (at, trigger) in enumerate(drawn)
    ]
    return scenario.model_copy(update={"events": [*scenario.events, *events]})


@PROPERTY
@given(channel_scenarios())
def test_channel_flows_are_non_negative_finite_and_shares_bounded(scenario: Scenario) -> None:
    sim = simulate(scenario)
    for metric in CHANNEL_METRICS:
        values = sim.series(metric)
        assert np.isfinite(values).all() and (values >= 0).all(), metric
    for metric in ("un_detection", "un_enforcement_reach"):
        assert (sim.series(metric) <= 1).all(), metric
    assert np.isin(sim.series("un_regime"), (0.0, 1.0, 2.0)).all()
    assert (sim.series("dprk_fx_m") >= 0).all()


@PROPERTY
@given(st.floats(0.0, 200.0), st.floats(0.0, 3.0))
def test_every_dollar_earned_abroad_is_kept_or_spent_on_imports(
    workers: float, effort: float
) -> None:
    """In the first month, income from abroad is reserves plus imports, nothing else."""
    spread = fixed("dprk.revenue.workers_k")
    earning = TriadModel(
        baseline(
            *spread, f"dprk.revenue.workers_k={workers}", f"dprk.revenue.cyber_effort={effort}"
        )
    )
    idle = TriadModel(baseline(*spread, "dprk.revenue.workers_k=0", "dprk.revenue.cyber_effort=0"))
    earning.step()
    idle.step()
    s, t = earning.state, idle.state
    income = s["dprk_labour_income_m"] + s["dprk_cyber_income_m"]
    kept = s["dprk_fx_m"] - t["dprk_fx_m"]
    spent = s["dprk_imports_m"] - t["dprk_imports_m"]
    np.testing.assert_allclose(kept + spent, income, rtol=1e-9, atol=1e-9)
    assert (t["dprk_labour_income_m"] == 0).all() and (t["dprk_cyber_income_m"] == 0).all()


# --------------------------------------------------------------------------- behaviour
def _pair(first: Scenario, second: Scenario) -> tuple[Simulation, Simulation]:
    return simulate(first), simulate(second)


def test_the_bridge_raises_civil_russia_dprk_trade() -> None:
    base = load_scenario("baseline").model_copy(update={"worlds": 30})
    bridge = load_scenario("bridge_opens").model_copy(update={"worlds": 30})
    before, after = _pair(base, bridge)
    month = before.dates.index("2027-06")
    gain = after.series("ru_dprk_trade_bn")[month] - before.series("ru_dprk_trade_bn")[month]
    assert (gain > 0).all()
    capacity = after.series("ru_civil_capacity_m")
    opened = after.dates.index("2026-06")
    assert (capacity[opened] > capacity[opened - 1]).all()
    # not capped at today's openness: the border was already fully open
    assert base.world.border_ru.value == 1.0


def test_more_monitoring_lowers_labour_and_cyber_income() -> None:
    watched, blind = _pair(baseline("world.monitoring=1.0"), baseline("world.monitoring=0.3"))
    for metric in ("dprk_labour_income_m", "dprk_cyber_income_m"):
        assert (watched.series(metric)[0] < blind.series(metric)[0]).all(), metric


def test_more_third_state_enforcement_lowers_income_from_abroad() -> None:
    strict, lax = _pair(baseline("world.un_enforcement=0.9"), baseline("world.un_enforcement=0.1"))
    total = "dprk_labour_income_m", "dprk_cyber_income_m"
    assert (sum(strict.series(m)[0] for m in total) < sum(lax.series(m)[0] for m in total)).all()


def test_income_from_abroad_reaches_reserves_and_regime_security() -> None:
    spread = fixed(
        "dprk.revenue.workers_k", "dprk.revenue.cyber_visibility", "dprk.revenue.labour_visibility"
    )
    quiet = (*spread, "dprk.revenue.cyber_visibility=0", "dprk.revenue.labour_visibility=0")
    none = (*quiet, "dprk.revenue.workers_k=0", "dprk.revenue.cyber_effort=0")
    earning, idle = _pair(baseline(*quiet), baseline(*none))
    assert (earning.series("dprk_fx_m")[-1] > idle.series("dprk_fx_m")[-1]).all()
    security = "dprk_regime_security"
    assert (earning.series(security)[-1] > idle.series(security)[-1]).all()


def test_oil_above_the_cap_raises_exposure_and_below_it_does_not() -> None:
    spread = fixed("dynamics.un.oil_visibility")
    above = [*spread, "russia.payment.oil_share=0.3", "china.trade.oil_share=0.1"]
    no_oil = (
        "russia.payment.oil_share=0",
        "china.trade.oil_share=0",
        "russia.trade.aid_oil_share=0",
    )
    below = [*spread, *no_oil]
    for oil, exposed in ((above, True), (below, False)):
        seen, unseen = _pair(
            baseline(*oil, "dynamics.un.oil_visibility=0.01"),
            baseline(*oil, "dynamics.un.oil_visibility=0"),
        )
        ratio = seen.series("oil_cap_ratio")
        assert (ratio > 1).all() if exposed else (ratio <= 1).all()
        diff = seen.series("dprk_exposure")[-1] - unseen.series("dprk_exposure")[-1]
        assert (diff > 0).all() if exposed else (diff == 0).all()


def test_the_msmt_raises_detection_and_exposure_against_no_monitoring_body() -> None:
    with_msmt = baseline(worlds=20, months=24)
    without = with_msmt.model_copy(
        update={"events": [e for e in with_msmt.events if e.name != "msmt_starts"]}
    )
    msmt, none = _pair(with_msmt, without)
    month = msmt.dates.index("2025-06")
    assert (msmt.series("un_regime")[month] == 2).all() and (
        none.series("un_regime")[month] == 0
    ).all()
    assert (msmt.series("un_detection")[month] > none.series("un_detection")[month]).all()
    assert (
        msmt.series("un_enforcement_reach")[month] > none.series("un_enforcement_reach")[month]
    ).all()
    assert np.median(msmt.series("dprk_exposure")[month] - none.series("dprk_exposure")[month]) > 0
    panel = msmt.dates.index("2024-04")
    assert (msmt.series("un_detection")[panel] > msmt.series("un_detection")[month]).all()


# --------------------------------------------------------------------------- the levers
def test_the_dprk_levers_are_checked_like_every_lever() -> None:
    assert check_move("dprk", {"workers_k": 80, "cyber_effort": 1.5}) == {
        "workers_k": 80.0,
        "cyber_effort": 1.5,
    }
    with pytest.raises(GameError, match=r"workers_k: 300 is out of range; allowed: 0 to 200"):
        check_move("dprk", {"workers_k": 300})


def test_play_workers_and_cyber_effort_earn_hard_currency_and_exposure() -> None:
    games = {}
    for name, move in (
        ("idle", {"workers_k": 0, "cyber_effort": 0}),
        ("busy", {"workers_k": 150, "cyber_effort": 2}),
    ):
        game = Session("baseline", "dprk", "quarter", seed=5, overrides=[SHORT])
        game.play(move)
        games[name] = game
    idle, busy = games["idle"], games["busy"]
    assert idle.series("dprk_labour_income_m").tolist() == [0.0, 0.0, 0.0]
    assert idle.series("dprk_cyber_income_m").tolist() == [0.0, 0.0, 0.0]
    assert (busy.series("dprk_labour_income_m") > 0).all()
    assert busy.series("dprk_workers_abroad_k").tolist() == [150.0, 150.0, 150.0]
    assert (busy.series("dprk_fx_m") > idle.series("dprk_fx_m")).all()
    assert (busy.series("dprk_exposure") > idle.series("dprk_exposure")).all()


def test_the_new_levers_through_the_triad_play_command(tmp_path: Path) -> None:
    moves = tmp_path / "moves.yaml"
    moves.write_text("- {workers_k: 120, cyber_effort: 0.5}\n- {workers_k: 500}\n")
    args = ["play", "baseline", "--as", "dprk", "--turn", "quarter", "--seed", "1"]
    result = CliRunner().invoke(app, [*args, "--set", SHORT, "--moves", str(moves)])
    assert result.exit_code == 2
    assert "turn 2: workers_k: 500 is out of range; allowed: 0 to 200 thousand" in result.output
    moves.write_text("- {workers_k: 120, cyber_effort: 0.5}\n")
    transcript = tmp_path / "game.md"
    result = CliRunner().invoke(
        app, [*args, "--set", SHORT, "--moves", str(moves), "--transcript", str(transcript)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "workers_k 120" in transcript.read_text() and "cyber_effort 0.5" in transcript.read_text()
    )


def _env_income(workers: float, effort: float) -> dict[str, Any]:
    env = TriadEnv("baseline", months=12)
    env.reset(seed=3)
    names = ACTION_NAMES["dprk"]
    action = env.action_space("dprk").low.copy()
    defaults = {"offer_containers": 1000.0, "price_ask": 500.0, "kpa_floor": 0.5}
    for i, name in enumerate(names):
        action[i] = {"workers_k": workers, "cyber_effort": effort}.get(
            name, defaults.get(name, action[i])
        )
    env.step({"dprk": action})
    model = env._model
    assert model is not None
    return {
        k: float(model.state[k][0])
        for k in ("dprk_labour_income_m", "dprk_cyber_income_m", "dprk_fx_m")
    }


def test_the_new_levers_through_the_pettingzoo_env() -> None:
    assert {"workers_k", "cyber_effort"} <= set(ACTION_NAMES["dprk"])
    idle, busy = _env_income(0.0, 0.0), _env_income(150.0, 2.0)
    assert idle["dprk_labour_income_m"] == 0.0 and idle["dprk_cyber_income_m"] == 0.0
    assert busy["dprk_labour_income_m"] > 0.0 and busy["dprk_cyber_income_m"] > 0.0
    assert busy["dprk_fx_m"] > idle["dprk_fx_m"]
