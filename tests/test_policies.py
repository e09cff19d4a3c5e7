"""The policy catalogue: every policy is documented, complete, and makes the moves its
docstring promises.

The stories use one helper, :func:`play`: a policy decides on a scripted observation (the
month-0 observation of a small default model, with some state, parameters and random
draws replaced), and the test checks the expected moves world by world.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from triad.errors import ModelError
from triad.model.model import TriadModel, make_policy
from triad.model.policies.base import ACTION_SPACES, Observation, Policy
from triad.model.policies.registry import all_policies, policy_names
from triad.runs.simulation import simulate
from triad.scenario.schema import Scenario

Array = NDArray[np.float64]
Values = float | Sequence[float]
ODD = Path(__file__).parent.parent / "docs" / "odd.md"
CATALOGUE = {
    "dprk": {"transactional", "max_export", "hedger", "juche", "human"},
    "russia": {"war_first", "cautious", "reciprocal", "human"},
    "china": {"dependency_builder", "punisher", "competitor", "enforcer", "human"},
}
NAMED_SOURCES = ("IISS", "NATO", "KOTRA", "UNSC", "Axelrod", "CNN", "Bank of Korea", "UN ")
YEAR = re.compile(r"\b(19|20)\d\d\b")


def scripted(
    actor: str,
    worlds: int = 3,
    state: Mapping[str, Values] | None = None,
    params: Mapping[str, Values] | None = None,
    draws: Mapping[str, Values] | None = None,
) -> Observation:
    """The month-0 observation of a default model, with entries replaced.

    Args:
        actor: Whose observation.
        worlds: Worlds of the small model.
        state: Metric or tracker -> value(s) per world.
        params: Parameter path -> value(s) per world.
        draws: Draw site (``forgive``, ``launch``) -> uniform draw(s) per world
            (default 0.5 everywhere).
    """
    obs = TriadModel(Scenario(name="story"), worlds=worlds).observe(actor)

    def full(value: Values) -> Array:
        out: Array = np.broadcast_to(np.asarray(value, dtype=np.float64), (worlds,)).copy()
        return out

    state_ = {**obs.state, **{k: full(v) for k, v in (state or {}).items()}}
    params_ = {**obs.params, **{k: full(v) for k, v in (params or {}).items()}}
    fixed = {k: full(v) for k, v in (draws or {}).items()}

    def uniform(site: str) -> Array:
        return fixed.get(site, full(0.5))

    return Observation(obs.month, state_, obs.drivers, params_, uniform)


def play(
    actor: str,
    policy: str,
    worlds: int = 3,
    state: Mapping[str, Values] | None = None,
    params: Mapping[str, Values] | None = None,
    draws: Mapping[str, Values] | None = None,
) -> dict[str, Array]:
    """The action a policy chooses on a scripted observation (see :func:`scripted`)."""
    action = make_policy(actor, policy).decide(scripted(actor, worlds, state, params, draws))
    return {
        k: np.broadcast_to(np.asarray(v, dtype=np.float64), (worlds,)) for k, v in action.items()
    }


def ids(policy: type[Policy]) -> str:
    return f"{policy.actor}.{policy.name}"


# --------------------------------------------------------------------------- the catalogue
@pytest.mark.parametrize("policy", all_policies(), ids=ids)
def test_every_policy_has_a_name_an_actor_and_a_sourced_docstring(policy: type[Policy]) -> None:
    assert re.fullmatch(r"[a-z][a-z_]*", policy.name)
    assert policy.actor in ACTION_SPACES
    doc = policy.__doc__ or ""
    cited = YEAR.search(doc) or any(source in doc for source in NAMED_SOURCES)
    assert cited, f"{ids(policy)}: the docstring cites no source (a year or a named source)"


@pytest.mark.parametrize("actor", sorted(CATALOGUE))
def test_the_catalogue_holds_at_least_the_designed_policies(actor: str) -> None:
    assert CATALOGUE[actor] <= set(policy_names(actor))


@pytest.mark.parametrize("actor", sorted(CATALOGUE))
def test_every_policy_is_documented_in_the_odd(actor: str) -> None:
    if not ODD.is_file():
        pytest.fail(f"{ODD} does not exist: every policy must be documented there")
    text = ODD.read_text(encoding="utf-8")
    missing = [n for n in policy_names(actor) if not re.search(rf"\b{re.escape(n)}\b", text)]
    assert not missing, f"{actor} policies missing from docs/odd.md: {missing}"


@pytest.mark.parametrize("policy", all_policies(), ids=ids)
def test_every_policy_moves_every_lever_in_every_world(policy: type[Policy]) -> None:
    worlds = 4
    obs = scripted(policy.actor, worlds)
    action = make_policy(policy.actor, policy.name).decide(obs)
    assert set(action) == {spec.name for spec in ACTION_SPACES[policy.actor]}
    for lever, value in action.items():
        assert np.shape(value) == (worlds,), f"{lever} has shape {np.shape(value)}"
        assert np.isfinite(value).all(), lever


# --------------------------------------------------------------------------- DPRK stories
def test_transactional_dprk_cuts_after_underpayment_unless_it_forgives() -> None:
    """Worlds: paid in full; under-paid and not forgiven; under-paid and forgiven."""
    offer = play(
        "dprk",
        "transactional",
        state={"payment_ratio": [1.0, 0.5, 0.5]},
        params={"dprk.behaviour.forgiveness": 0.3, "dprk.behaviour.cut_level": 0.3},
        draws={"forgive": [0.9, 0.9, 0.1]},
    )["offer_containers"]
    assert offer[0] > 0
    assert offer[1] == pytest.approx(0.3 * offer[0])
    assert offer[2] == pytest.approx(offer[0])


def test_transactional_dprk_tolerates_a_small_underpayment() -> None:
    offer = play(
        "dprk",
        "transactional",
        worlds=2,
        state={"payment_ratio": [1.0, 0.95]},
        params={"dprk.behaviour.tolerance": 0.1, "dprk.behaviour.forgiveness": 0.0},
    )["offer_containers"]
    assert offer[1] == pytest.approx(offer[0]) and offer[0] > 0


def test_transactional_dprk_offers_more_to_a_trusted_russia() -> None:
    offer = play("dprk", "transactional", state={"trust_dprk_russia": [0.0, 0.3, 0.5]})[
        "offer_containers"
    ]
    assert offer[0] < offer[1] < offer[2]


def test_transactional_dprk_holds_back_when_china_resents_the_tilt() -> None:
    offer = play(
        "dprk",
        "transactional",
        worlds=2,
        state={"china_resentment": [0.1, 0.9], "trust_dprk_china": 0.8},
        params={"china.resentment_tolerance": 0.35},
    )["offer_containers"]
    assert offer[1] < offer[0]


def test_dprk_asks_more_when_russia_is_short_and_less_when_hungry() -> None:
    """Leverage rises with Russia's shortfall and falls with DPRK's own need."""
    price = play(
        "dprk",
        "transactional",
        state={"russia_shortfall": [0.0, 0.8, 0.0], "dprk_food_gap": [0.0, 0.0, 0.5]},
    )["price_ask"]
    assert price[1] > price[0] > price[2]


def test_every_dprk_policy_keeps_the_kpa_floor() -> None:
    for name in policy_names("dprk"):
        floor = play("dprk", name, params={"dprk.munitions.kpa_floor": 0.6})["kpa_floor"]
        assert (floor == 0.6).all(), name


def test_max_export_offers_the_maximum_whatever_russia_pays() -> None:
    offer = play(
        "dprk",
        "max_export",
        state={"payment_ratio": [1.0, 0.0, 0.5], "china_resentment": 0.9},
        params={"dprk.munitions.max_offer_containers": 1300.0},
        draws={"forgive": 0.99},
    )["offer_containers"]
    assert (offer == 1300.0).all()


def test_hedger_shrinks_its_offer_as_china_nears_its_tolerance() -> None:
    offer = play(
        "dprk",
        "hedger",
        state={"china_resentment": [0.0, 0.2, 0.4]},
        params={"china.resentment_tolerance": 0.4, "dprk.munitions.max_offer_containers": 1000},
    )["offer_containers"]
    assert offer.tolist() == pytest.approx([1000.0, 500.0, 0.0])


def test_hedger_does_not_launch_while_china_is_at_its_tolerance() -> None:
    launch = play(
        "dprk",
        "hedger",
        worlds=2,
        state={"china_resentment": [0.0, 0.4]},
        params={"china.resentment_tolerance": 0.4, "dprk.satellite.launch_rate": 1.0},
        draws={"launch": 0.5},
    )["launch"]
    assert launch.tolist() == [1.0, 0.0]


def test_juche_offers_a_small_share_at_a_markup() -> None:
    params = {"dprk.munitions.max_offer_containers": 1000.0, "dprk.behaviour.juche_share": 0.3}
    juche = play("dprk", "juche", params=params)
    trader = play("dprk", "transactional", params=params)
    assert juche["offer_containers"] == pytest.approx(np.full(3, 300.0))
    assert (juche["price_ask"] > trader["price_ask"]).all()


# --------------------------------------------------------------------------- Russia stories
TECH = "russia.tech_transfer."


def test_war_first_raises_the_tier_after_persistent_shortfall_with_enough_trust() -> None:
    """Worlds: long shortfall and trust; long shortfall, no trust; trust, brief shortfall."""
    tier = play(
        "russia",
        "war_first",
        state={
            "shortfall_streak": [5.0, 5.0, 1.0],
            "trust_russia_dprk": [0.8, 0.2, 0.8],
            "russia_tech_tier": 0.0,
        },
        params={TECH + "shortfall_months": 4, TECH + "trust_threshold": 0.5, TECH + "max_tier": 1},
    )["tech_tier"]
    assert tier.tolist() == [1.0, 0.0, 0.0]


def test_war_first_never_passes_the_allowed_tier_nor_tier_3_without_allow_nbc() -> None:
    """Worlds ready to raise: capped by max_tier 1; max_tier 3 without allow_nbc; with it."""
    tier = play(
        "russia",
        "war_first",
        state={"shortfall_streak": 9.0, "trust_russia_dprk": 0.9, "russia_tech_tier": [1, 2, 2]},
        params={TECH + "max_tier": [1, 3, 3], TECH + "allow_nbc": [0, 0, 1]},
    )["tech_tier"]
    assert tier.tolist() == [1.0, 2.0, 3.0]


def test_war_first_requests_more_when_fire_outruns_production() -> None:
    request = play("russia", "war_first", worlds=2, params={"russia.war.fire_rate_m": [0.3, 0.6]})[
        "request_containers"
    ]
    assert request[1] > request[0] >= 0


def test_war_first_asks_less_where_its_own_warm_lines_cover_more() -> None:
    request = play(
        "russia", "war_first", worlds=2, params={"russia.war.production_min_share": [0.2, 0.8]}
    )["request_containers"]
    assert request[0] > request[1] >= 0


def test_russia_pays_with_shares_that_sum_to_one() -> None:
    for name in policy_names("russia"):
        action = play("russia", name)
        paid = action["food_share"] + action["oil_share"] + action["cash_share"]
        assert paid == pytest.approx(np.ones(3)), name


def test_cautious_russia_pays_no_cash_transfers_no_technology_and_buys_less() -> None:
    state = {"shortfall_streak": 9.0, "trust_russia_dprk": 0.9}
    cautious, eager = (
        play("russia", "cautious", state=state),
        play("russia", "war_first", state=state),
    )
    assert (cautious["cash_share"] == 0).all() and (cautious["tech_tier"] == 0).all()
    assert (cautious["request_containers"] < eager["request_containers"]).all()


def test_reciprocal_russia_rewards_reliable_delivery_with_technology() -> None:
    tier = play(
        "russia",
        "reciprocal",
        state={
            "delivery_ratio": [1.0, 0.5, 1.0],
            "trust_russia_dprk": [0.8, 0.8, 0.2],
            "russia_tech_tier": 0.0,
        },
        params={TECH + "trust_threshold": 0.5, TECH + "max_tier": 2},
    )["tech_tier"]
    assert tier.tolist() == [1.0, 0.0, 0.0]


# --------------------------------------------------------------------------- China stories
def test_punisher_cuts_trade_and_tightens_the_border_above_its_tolerance() -> None:
    action = play(
        "china",
        "punisher",
        worlds=2,
        state={"china_resentment": [0.5, 0.1]},
        params={
            "china.resentment_tolerance": 0.35,
            "china.punish_level": 0.5,
            "china.punish_enforcement": 0.8,
            "china.enforcement": 0.3,
            "china.trade.aid_m": 25.0,
        },
    )
    assert action["trade_level"].tolist() == [0.5, 1.0]
    assert action["enforcement"].tolist() == [0.8, 0.3]
    assert action["aid_m"].tolist() == [12.5, 25.0]


def test_dependency_builder_raises_aid_when_its_share_of_dprk_trade_slips() -> None:
    aid = play(
        "china", "dependency_builder", worlds=2, state={"cn_share_of_dprk_trade": [0.97, 0.7]}
    )["aid_m"]
    assert aid[1] > aid[0] > 0


def test_competitor_outbids_what_russia_pays() -> None:
    aid = play(
        "china",
        "competitor",
        worlds=2,
        state={"payment_m": [0.0, 100.0]},
        params={"china.outbid_ratio": 0.5},
    )["aid_m"]
    assert aid[1] - aid[0] == pytest.approx(50.0)


def test_enforcer_enforces_strictly_and_trades_less() -> None:
    enforcer = play("china", "enforcer", params={"china.punish_enforcement": 0.8})
    builder = play("china", "dependency_builder", state={"cn_share_of_dprk_trade": 0.97})
    assert (enforcer["enforcement"] == 0.8).all()
    assert (enforcer["trade_level"] < builder["trade_level"]).all()
    assert (enforcer["aid_m"] < builder["aid_m"]).all()


# --------------------------------------------------------------------------- human seats
def human(actor: str, worlds: int = 4, months: int = 3) -> TriadModel:
    """A small default model with ``actor`` played by ``human``."""
    data: dict[str, Any] = {"name": "play", "months": months, "worlds": worlds}
    data["actors"] = {actor: {"policy": "human"}}
    return TriadModel(Scenario.model_validate(data))


def default_move(model: TriadModel, actor: str) -> dict[str, Array]:
    """What the actor's default policy would do this month in this model."""
    default = next(p for p in all_policies() if p.actor == actor and "default" in p.tags)
    move = default().decide(model.observe(actor))
    return {
        k: np.broadcast_to(np.asarray(v, dtype=np.float64), (model.n,)) for k, v in move.items()
    }


def test_human_plays_the_submitted_levers_and_the_default_for_the_rest() -> None:
    model = human("dprk")
    expected = default_move(model, "dprk")
    model.submit("dprk", {"offer_containers": 100.0, "launch": np.array([0.0, 1.0, 0.0, 1.0])})
    model.step()
    assert model.dprk.action["offer_containers"].tolist() == [100.0] * 4
    assert model.dprk.action["launch"].tolist() == [0.0, 1.0, 0.0, 1.0]
    for lever in ("price_ask", "kpa_floor"):
        assert np.array_equal(model.dprk.action[lever], expected[lever]), lever
    assert (model.recorder.series("containers")[0] <= 100.0).all()


def test_human_submission_lasts_one_month_then_the_default_plays() -> None:
    model = human("china")
    model.submit("china", {"trade_level": 0.2, "aid_m": 0.0, "enforcement": 1.0})
    model.step()
    assert model.china.action["trade_level"].tolist() == [0.2] * 4
    expected = default_move(model, "china")
    model.step()
    for lever, value in expected.items():
        assert np.allclose(model.china.action[lever], value), lever


def test_a_silent_human_plays_exactly_the_default_policies() -> None:
    seats = {"dprk": "human", "russia": "human", "china": "human"}
    scenario = Scenario.model_validate(
        {
            "name": "silent",
            "months": 12,
            "worlds": 8,
            "actors": {a: {"policy": p} for a, p in seats.items()},
        }
    )
    defaults = Scenario.model_validate({"name": "silent", "months": 12, "worlds": 8})
    assert np.array_equal(simulate(scenario).data, simulate(defaults).data)


def test_human_russias_payment_is_still_food_plus_oil_plus_cash() -> None:
    """Submitted payment shares that do not sum to 1 must not create or destroy value."""
    model = human("russia", worlds=2)
    model.submit("russia", {"food_share": 1.0, "oil_share": 1.0, "cash_share": 1.0})
    model.step()
    paid = model.recorder.series("payment_m")[0].astype(np.float64)
    parts = sum(
        model.recorder.series(f"payment_{k}_m")[0].astype(np.float64)
        for k in ("food", "oil", "cash")
    )
    assert (paid > 0).all()
    assert np.allclose(parts, paid, rtol=1e-6)


def test_a_human_russia_cannot_transfer_tier_3_without_allow_nbc() -> None:
    """The NBC guard holds for players too: a submitted tier 3 is capped at 2."""
    model = human("russia", worlds=2)
    assert not model.scenario.actors.russia.tech_transfer.allow_nbc
    model.submit("russia", {"tech_tier": 3.0})
    model.step()
    assert (model.recorder.series("russia_tech_tier")[0] <= 2.0).all()


def test_submitting_to_an_actor_not_played_by_human_raises_model_error() -> None:
    model = human("dprk")
    with pytest.raises(ModelError, match="russia"):
        model.submit("russia", {"request_containers": 10.0})


def test_submitting_an_unknown_lever_is_refused() -> None:
    model = human("dprk")
    with pytest.raises((KeyError, ModelError), match="request_containers"):
        model.submit("dprk", {"request_containers": 10.0})
