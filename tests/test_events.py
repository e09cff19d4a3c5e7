"""Scenario events fire when, and only where, they should, and do what they say.

Each test builds a small scenario inline on the schema defaults (no driver noise, so a
driver's recorded value is exactly its scripted value) and reads the firing back twice:
from the event log, and from the event's effect on a metric or a parameter.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from triad.model.events import evaluate
from triad.model.model import TriadModel
from triad.runs.simulation import Simulation, simulate
from triad.scenario.schema import Condition, Scenario

START = "2023-09"
NOOP = {"set": "dynamics.trust_gain", "value": 0.08}  # the default value: an event with no effect


def scenario(*events: dict[str, Any], months: int = 12, worlds: int = 6, **extra: Any) -> Scenario:
    """A default scenario starting 2023-09 with the given events."""
    data = {"name": "ev", "start": START, "months": months, "worlds": worlds, **extra}
    return Scenario.model_validate({**data, "events": list(events)})


def firings(sim: Simulation, name: str) -> set[tuple[int, int]]:
    """(world, month) pairs where an event fired, from the event log."""
    log = sim.events
    rows = log[(log["kind"] == "event") & log["detail"].str.startswith(f"{name}:")]
    return {(int(w), int(m)) for w, m in zip(rows["world"], rows["month"], strict=True)}


# --------------------------------------------------------------------------- dated
def test_a_dated_event_fires_in_exactly_its_month_in_every_world() -> None:
    embargo = {
        "name": "embargo",
        "at": "2024-01",
        "actions": [
            {"set": "dprk.munitions.max_offer_containers", "value": 0},
            {"set": "world.transport_capacity", "value": 500},
        ],
    }
    sim = simulate(scenario(embargo))
    month = sim.dates.index("2024-01")
    assert firings(sim, "embargo") == {(w, month) for w in range(6)}
    transport = sim.series("transport_capacity")
    assert (transport[:month] == 1300.0).all() and (transport[month:] == 500.0).all()
    containers = sim.series("containers")
    assert (containers[:month] > 0).all() and (containers[month:] == 0).all()


# --------------------------------------------------------------------------- conditional
MILESTONE = {"var": "dprk.containers_cum", "op": ">", "value": 5000.0}
VARIED_OFFER = {
    "dprk.munitions.max_offer_containers": {"dist": "uniform", "low": 200, "high": 1300}
}


def expected_firings(sim: Simulation, repeat: bool) -> set[tuple[int, int]]:
    """Where ``containers_cum > 5000`` held at the end of a month, the event fires the
    month after (conditions read last month's state); without repeat, only the first time."""
    held = sim.series("containers_cum")[:-1] > 5000.0
    out: set[tuple[int, int]] = set()
    for world in range(held.shape[1]):
        months = [int(m) + 1 for m in np.flatnonzero(held[:, world])]
        out |= {(world, m) for m in (months if repeat else months[:1])}
    return out


@pytest.mark.parametrize("repeat", [False, True])
def test_a_conditional_event_fires_only_in_worlds_where_its_condition_holds(repeat: bool) -> None:
    event = {"name": "milestone", "when": MILESTONE, "repeat": repeat, "actions": [NOOP]}
    sim = simulate(scenario(event, worlds=40, uncertain=VARIED_OFFER))
    fired = firings(sim, "milestone")
    assert fired == expected_firings(sim, repeat)
    worlds = {w for w, _ in fired}
    assert 0 < len(worlds) < 40, "the condition should hold in some worlds, not all"
    if not repeat:
        assert len(fired) == len(worlds), "a non-repeating event fires once per world"
    else:
        assert len(fired) > len(worlds)


def test_a_conditional_event_changes_only_the_worlds_where_it_fires() -> None:
    event = {
        "name": "milestone",
        "when": MILESTONE,
        "actions": [{"set": "world.transport_capacity", "value": 77}],
    }
    sim = simulate(scenario(event, worlds=40, uncertain=VARIED_OFFER))
    transport = sim.series("transport_capacity")
    first = {w: m for w, m in sorted(firings(sim, "milestone"), reverse=True)}
    for world in range(40):
        month = first.get(world, sim.months)
        assert (transport[:month, world] == 1300.0).all(), world
        assert (transport[month:, world] == 77.0).all(), world


def test_conditions_combine_with_all_and_any() -> None:
    state = {"a": np.array([0.0, 0.0, 1.0, 1.0]), "b": np.array([0.0, 1.0, 0.0, 1.0])}
    a = {"var": "satellite_capability", "op": ">", "value": 0.5}
    b = {"var": "dprk.dprk_exposure", "op": ">", "value": 0.5}
    metrics = {"satellite_capability": state["a"], "dprk_exposure": state["b"]}
    both = Condition.model_validate({"all": [a, b]})
    either = Condition.model_validate({"any": [a, b]})
    neither = Condition.model_validate(
        {"all": [{"any": [a, b]}, {"var": "dprk_exposure", "op": "<", "value": 0.5}]}
    )
    assert evaluate(both, metrics).tolist() == [False, False, False, True]
    assert evaluate(either, metrics).tolist() == [False, True, True, True]
    assert evaluate(neither, metrics).tolist() == [False, False, True, False]


# --------------------------------------------------------------------------- random
def random_event(probability: float, repeat: bool = True) -> dict[str, Any]:
    return {"name": "shock", "probability": probability, "repeat": repeat, "actions": [NOOP]}


def test_a_random_event_fires_in_about_p_of_world_months() -> None:
    sim = simulate(scenario(random_event(0.3), months=24, worlds=100), log_worlds=100)
    share = len(firings(sim, "shock")) / (24 * 100)
    assert 0.25 <= share <= 0.35


def test_a_random_event_fires_identically_with_the_same_seed_and_not_with_another() -> None:
    base = scenario(random_event(0.3), months=24, worlds=30)
    again = firings(simulate(base), "shock")
    assert again == firings(simulate(base), "shock")
    other = base.model_copy(update={"seed": base.seed + 1})
    assert again != firings(simulate(other), "shock")


def test_a_random_event_without_repeat_fires_at_most_once_per_world() -> None:
    sim = simulate(scenario(random_event(0.3, repeat=False), months=24, worlds=50))
    worlds = [w for w, _ in firings(sim, "shock")]
    assert len(worlds) == len(set(worlds)) > 40  # 1 - 0.7**24: nearly every world fires


@pytest.mark.parametrize(("probability", "expected"), [(0.0, 0), (1.0, 12 * 6)])
def test_a_random_event_of_probability_0_never_fires_and_of_1_always(
    probability: float, expected: int
) -> None:
    assert len(firings(simulate(scenario(random_event(probability))), "shock")) == expected


# --------------------------------------------------------------------------- set, scale, ramp
def test_a_driver_ramp_reaches_its_value_after_its_months_and_stays() -> None:
    ceasefire = {
        "name": "ceasefire",
        "at": "2023-11",
        "actions": [{"ramp": "world.war_intensity", "value": 0.1, "months": 3}],
    }
    war = simulate(scenario(ceasefire)).series("war_intensity")
    expected = [1.0, 1.0, 0.7, 0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
    assert war[:, 0] == pytest.approx(np.array(expected), abs=1e-6)
    assert (war == war[:, :1]).all()


def test_a_parameter_ramp_moves_linearly_to_its_value() -> None:
    resists = {
        "name": "kpa",
        "at": "2023-12",
        "actions": [{"ramp": "dprk.munitions.kpa_floor", "value": 0.8, "months": 6}],
    }
    floor = simulate(scenario(resists)).series("kpa_floor_m")[:, 0] / 12.0
    expected = [0.5] * 3 + [0.5 + 0.05 * k for k in range(1, 7)] + [0.8] * 3
    assert floor == pytest.approx(np.array(expected), abs=1e-6)


def test_scale_multiplies_a_driver_and_a_parameter() -> None:
    squeeze = {
        "name": "squeeze",
        "at": "2023-11",
        "actions": [
            {"scale": "world.transport_capacity", "by": 0.5},
            {"scale": "china.trade.aid_m", "by": 0.4},
        ],
    }
    model = TriadModel(scenario(squeeze, months=4, worlds=3))
    for _ in range(3):
        model.step()
    assert model.params["china.trade.aid_m"].tolist() == pytest.approx([10.0] * 3)
    assert model.recorder.series("transport_capacity")[:3, 0].tolist() == [1300.0, 1300.0, 650.0]


def test_a_repeated_scale_compounds_every_month() -> None:
    erode = {
        "name": "erode",
        "when": {"var": "containers_cum", "op": ">=", "value": 0.0},
        "repeat": True,
        "actions": [{"scale": "dprk.munitions.max_offer_containers", "by": 0.9}],
    }
    model = TriadModel(scenario(erode, months=5, worlds=2))
    for month in range(5):
        model.step()
        expected = 1300.0 * 0.9 ** (month + 1)
        assert model.params["dprk.munitions.max_offer_containers"] == pytest.approx([expected] * 2)


def test_a_set_after_a_scale_gives_the_set_value() -> None:
    events = (
        {
            "name": "halve",
            "at": "2023-10",
            "actions": [{"scale": "world.transport_capacity", "by": 0.5}],
        },
        {
            "name": "pin",
            "at": "2023-12",
            "actions": [{"set": "world.transport_capacity", "value": 900}],
        },
    )
    transport = simulate(scenario(*events, months=6)).series("transport_capacity")[:, 0]
    assert transport.tolist() == [1300.0, 650.0, 650.0, 900.0, 900.0, 900.0]


def test_a_driver_set_after_a_scale_to_zero_takes_the_set_value() -> None:
    """Close the port (scale by 0), then reopen it at 800 containers a month."""
    events = (
        {
            "name": "close",
            "at": "2023-11",
            "actions": [{"scale": "world.transport_capacity", "by": 0}],
        },
        {
            "name": "reopen",
            "at": "2024-02",
            "actions": [{"set": "world.transport_capacity", "value": 800}],
        },
    )
    transport = simulate(scenario(*events, months=8, worlds=2)).series("transport_capacity")[:, 0]
    assert transport.tolist() == [1300.0, 1300.0, 0.0, 0.0, 0.0, 800.0, 800.0, 800.0]


# --------------------------------------------------------------------------- triggers
def test_a_satellite_launch_trigger_adds_one_attempt_in_its_month() -> None:
    launch = {"name": "launch", "at": "2023-12", "actions": [{"trigger": "satellite_launch"}]}
    quiet = {"dprk": {"satellite": {"launch_rate": 0.0}}}  # no launch by DPRK's own policy
    sim = simulate(scenario(launch, actors=quiet))
    attempts = sim.series("satellite_attempts_cum")
    assert (attempts[:3] == 0).all() and (attempts[3:] == 1).all()
    assert set(sim.events[sim.events["kind"] == "launch"]["month"]) == {3}


@pytest.mark.parametrize(
    ("trigger", "up", "down"),
    [
        ("treaty", ("trust_dprk_russia", "trust_russia_dprk", "china_resentment"), ()),
        ("summit", ("trust_dprk_russia", "trust_russia_dprk"), ()),
        ("china_summit", ("trust_dprk_china", "trust_china_dprk"), ("china_resentment",)),
    ],
)
def test_a_diplomatic_trigger_moves_trust_and_resentment_in_its_month(
    trigger: str, up: tuple[str, ...], down: tuple[str, ...]
) -> None:
    """Against the same worlds without the event: equal before, moved in the event month."""
    event = {"name": "signal", "at": "2023-11", "actions": [{"trigger": trigger}]}
    with_event, without = simulate(scenario(event)), simulate(scenario())
    assert np.array_equal(with_event.data[:2], without.data[:2])
    for metric in up:
        assert (with_event.series(metric)[2] > without.series(metric)[2]).all(), metric
    for metric in down:
        assert (with_event.series(metric)[2] < without.series(metric)[2]).all(), metric


# --------------------------------------------------------------------------- the log
def test_the_event_log_keeps_only_worlds_below_log_worlds() -> None:
    shock = random_event(0.5)
    full = simulate(scenario(shock, worlds=20), log_worlds=20).events
    sample = simulate(scenario(shock, worlds=20), log_worlds=5).events
    assert set(full["world"]) == set(range(20))
    assert set(sample["world"]) == set(range(5))
    kept = full[full["world"] < 5].reset_index(drop=True)
    pd.testing.assert_frame_equal(sample, kept)


def test_the_event_log_sample_is_by_global_world_index() -> None:
    sim = simulate(scenario(random_event(0.5), worlds=6), first_world=3, log_worlds=5)
    assert set(sim.events["world"]) == {3, 4}
