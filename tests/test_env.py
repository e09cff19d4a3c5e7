"""The PettingZoo environment: PettingZoo's own API test, seeds, rewards, and the docs' loop."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from pettingzoo.test import api_test, parallel_api_test, parallel_seed_test, state_test
from pettingzoo.utils import aec_to_parallel

from triad.env import ACTION_NAMES, OBSERVATION_NAMES, TriadEnv, env, parallel_env, raw_env
from triad.errors import TriadError, TriadNote
from triad.model.policies.base import ACTION_SPACES

DOC = Path(__file__).resolve().parent.parent / "docs" / "play.md"


def _episode(seed: int, months: int = 12) -> list[dict[str, np.ndarray]]:
    env = TriadEnv("baseline", months=months)
    observations, _ = env.reset(seed=seed)
    trail = [observations]
    actions = np.random.default_rng(0)
    while env.agents:
        step = {
            a: env.action_space(a).low
            + actions.random() * (env.action_space(a).high - env.action_space(a).low)
            for a in env.agents
        }
        observations, *_ = env.step(step)
        trail.append(observations)
    return trail


def test_pettingzoo_parallel_api_test_passes() -> None:
    made = parallel_env(scenario="baseline", months=12)
    assert isinstance(made, TriadEnv)
    parallel_api_test(made, num_cycles=15)


def test_pettingzoo_api_test_passes_on_the_aec_factories() -> None:
    """``env`` and ``raw_env`` are the AEC version, as PettingZoo's own environments give."""
    api_test(env(scenario="baseline", months=12), num_cycles=15)
    api_test(raw_env(scenario="baseline", months=12), num_cycles=15)
    assert isinstance(aec_to_parallel(raw_env(scenario="baseline", months=12)), TriadEnv)


def test_pettingzoo_seed_test_passes() -> None:
    parallel_seed_test(lambda: parallel_env(scenario="baseline", months=12), num_cycles=15)


def test_the_state_is_the_common_observation_in_the_state_space() -> None:
    state_test(env(scenario="baseline", months=12), parallel_env(scenario="baseline", months=12))
    made = parallel_env(scenario="baseline", months=3)
    with pytest.raises(TriadError, match=r"call reset\(\)"):
        made.state()
    observations, _ = made.reset(seed=2)
    while True:
        assert all(np.array_equal(made.state(), o) for o in observations.values())
        assert made.state_space.contains(made.state())
        if not made.agents:
            break
        observations, *_ = made.step({})
    assert made.state().shape == made.state_space.shape == (len(OBSERVATION_NAMES),)


def test_same_seed_and_actions_give_the_same_observations() -> None:
    first, again, other = _episode(7), _episode(7), _episode(8)
    assert all(np.array_equal(a[k], b[k]) for a, b in zip(first, again, strict=True) for k in a)
    assert not all(np.array_equal(a["dprk"], b["dprk"]) for a, b in zip(first, other, strict=True))


def _world(env: TriadEnv, seed: int | None = None) -> np.ndarray:
    """The first three months of a world, every seat on its default policy."""
    observations, _ = env.reset(seed=seed)
    trail = [observations["dprk"]]
    for _ in range(3):
        observations, *_ = env.step({})
        trail.append(observations["dprk"])
    return np.concatenate(trail)


def test_an_unseeded_reset_plays_a_fresh_world_and_a_seed_replays_the_sequence() -> None:
    env = TriadEnv("baseline", months=12)
    first = _world(env)
    second = _world(env)
    third = _world(env)
    assert not np.array_equal(first, second) and not np.array_equal(second, third)
    assert np.array_equal(_world(TriadEnv("baseline", months=12)), first)  # the scenario's seed
    seeded = _world(env, seed=5)
    after = _world(env)
    later = _world(env)
    assert not np.array_equal(seeded, after) and not np.array_equal(after, later)
    assert np.array_equal(_world(env, seed=5), seeded)
    assert np.array_equal(_world(env), after) and np.array_equal(_world(env), later)


def _extreme(env: TriadEnv, end: str, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every lever of every seat at its top, its bottom, or each at a random one of them."""
    spaces = {a: env.action_space(a) for a in env.agents}
    if end == "random":
        return {a: np.where(rng.random(s.shape) < 0.5, s.low, s.high) for a, s in spaces.items()}
    return {a: getattr(s, end) for a, s in spaces.items()}


def test_observations_of_extreme_play_lie_within_finite_bounds_unclipped() -> None:
    """Bounds a normalising wrapper can use, that 60 months of extreme play stay within."""
    env = TriadEnv("baseline")
    space = env.observation_space("dprk")
    assert np.isfinite(space.low).all() and np.isfinite(space.high).all()
    assert env.state_space.low.tolist() == space.low.tolist()
    assert env.state_space.high.tolist() == space.high.tolist()
    rng = np.random.default_rng(0)
    months = 0
    for seed in (0, 1, 2):
        for end in ("high", "low", "random"):
            observations, infos = env.reset(seed=seed)
            while True:
                assert all(i["clipped"] == () for i in infos.values()), (seed, end, infos)
                assert all(space.contains(o) for o in observations.values())
                if not env.agents:
                    break
                observations, _, _, _, infos = env.step(_extreme(env, end, rng))
                months += 1
    assert months == 3 * 3 * 60


def test_an_observation_beyond_its_bounds_is_clipped_with_a_warning() -> None:
    env = TriadEnv("baseline", months=3, overrides=["dprk.economy.gdp_bn=400"])
    gdp = OBSERVATION_NAMES.index("dprk_gdp_bn")
    with pytest.warns(TriadNote, match=r"observation dprk_gdp_bn = 400 lies outside"):
        observations, infos = env.reset(seed=0)
    assert observations["dprk"][gdp] == env.observation_space("dprk").high[gdp]
    assert infos["dprk"]["clipped"] == ("dprk_gdp_bn",)


def test_an_episode_returns_the_game_score_and_truncates_at_the_horizon() -> None:
    """The return is the score averaged over the months played: the game's objective."""
    env = TriadEnv("baseline", months=12)
    env.reset(seed=1)
    returns = dict.fromkeys(env.agents, 0.0)
    scores: dict[str, list[float]] = {a: [] for a in env.agents}
    steps = 0
    while env.agents:
        _, rewards, terminations, truncations, infos = env.step({})
        steps += 1
        for agent, reward in rewards.items():
            returns[agent] += reward
            scores[agent].append(infos[agent]["score"])
    assert steps == 12 and all(truncations.values()) and not any(terminations.values())
    for agent, series in scores.items():
        assert returns[agent] == pytest.approx(sum(series) / 12)
        assert infos[agent]["game_score"] == pytest.approx(returns[agent])
        assert len(set(series)) > 1  # the score moves, so the mean is not the last value


def test_the_first_reward_reflects_the_first_action() -> None:
    """Rewards are the score after the step: a DPRK that sells nothing and one that sells all
    it can score differently in the first month of the same world."""
    env = TriadEnv("baseline", months=12)
    space = env.action_space("dprk")
    idle, sell = space.low.copy(), space.low.copy()
    for i, name in enumerate(ACTION_NAMES["dprk"]):
        if name in ("offer_containers", "missile_offer", "heavy_offer"):
            sell[i] = space.high[i]
    first = {}
    for name, action in (("idle", idle), ("sell", sell)):
        _, infos = env.reset(seed=3)
        assert {a: (i["month"], "score" in i) for a, i in infos.items()} == dict.fromkeys(
            env.possible_agents, (0, True)
        )  # the score at reset is in infos
        _, rewards, *_, infos = env.step({"dprk": action})
        assert rewards["dprk"] == pytest.approx(infos["dprk"]["score"] / 12)
        first[name] = rewards["dprk"]
    assert abs(first["idle"] - first["sell"]) > 1e-4


def test_options_choose_the_scenario_and_horizon() -> None:
    env = TriadEnv()
    env.reset(seed=0, options={"scenario": "ceasefire_2025", "months": 20})
    steps = 0
    while env.agents:
        env.step({})
        steps += 1
    assert steps == 20


def test_a_wrong_action_size_is_a_clear_error() -> None:
    env = TriadEnv("baseline", months=12)
    env.reset(seed=0)
    levers = len(ACTION_SPACES["dprk"])
    with pytest.raises(TriadError, match=rf"dprk: an action has {levers} values"):
        env.step({"dprk": np.zeros(2)})


def test_the_docs_environment_examples_run() -> None:
    """Every Python example of the docs' environment section: the random-agent loop, the AEC
    loop with the global state, and PettingZoo's tests."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## The PettingZoo environment", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(examples) == 3
    names: dict[str, object] = {}
    for example in examples:
        namespace: dict[str, object] = {}
        exec(compile(example, str(DOC), "exec"), namespace)
        names |= namespace
    returns, state = names["returns"], names["state"]
    assert isinstance(returns, dict) and set(returns) == {"russia", "china", "dprk"}
    assert isinstance(state, np.ndarray) and state.shape == (len(OBSERVATION_NAMES),)


def test_world_k_of_a_seed_is_world_k_of_the_ensemble() -> None:
    from triad.api import run

    months, seed = 12, 5
    finals = run("baseline", worlds=3, seed=seed, months=months, log_worlds=0).simulation
    env = TriadEnv("baseline", months=months)
    for world in range(3):
        _, infos = env.reset(seed=seed, options={"world": world})
        while env.agents:
            *_, infos = env.step({})  # every seat on its default policy
        expected = finals.series("score_dprk")[-1, world]
        assert np.float32(infos["dprk"]["score"]) == expected
    with pytest.raises(TriadError, match=r"options\['world'\] -1"):
        env.reset(seed=seed, options={"world": -1})


def test_the_docs_list_every_observation_in_order() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    section = text.split("### Observations", 1)[1].split("### Rewards", 1)[0]
    assert f"({len(OBSERVATION_NAMES)},), float32)" in section
    named = re.findall(r"`([a-z_0-9]+)`", section)
    assert [n for n in named if n in OBSERVATION_NAMES] == list(OBSERVATION_NAMES[1:])
