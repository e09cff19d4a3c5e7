"""A PettingZoo ``ParallelEnv``: the three seats played by agents, one month a step.

Description:
    One world of a triad scenario with every seat (``russia``, ``china``, ``dprk``) run by
    the ``human`` policy, so that each month's action comes from the agents. Scenario
    events, world drivers and random shocks happen as in ``triad run``. An agent whose
    action is missing from a step plays its actor's default policy that month.

Actions:
    ``Box(low, high, (k,), float32)`` per agent: the agent's levers in
    ``ACTION_SPACES`` order (:data:`ACTION_NAMES`), with the levers' own ranges. Values
    outside the range are clipped; whole-number levers (DPRK's ``launch``, Russia's
    ``tech_tier``) are rounded to the nearest whole number.

Observations:
    ``Box(low, high, (33,), float32)``, the same for every agent (the game is one of full
    information; ``state()`` returns it too, in ``state_space``): the share of the horizon
    played, then last month's metrics in :data:`OBSERVATION_NAMES` order (key outcomes, the
    six directed trust values and the three objective scores). Every bound is finite
    (:func:`observation_bounds`): shares and indices lie in [0, 1]; an amount that a lever
    caps (containers, price, missiles, heavy systems, troops, the technology tier) up to the
    lever's top, the war's intensity up to its driver's; the others (GDP, reserves, labour
    and cyber income, the stock above the floor) up to :data:`AMOUNT_CEILINGS`, set above
    what extreme play reaches. An entry beyond its bounds is clipped, with a warning the
    first time and its name in ``info["clipped"]``, never silently.

Rewards:
    The agent's objective score (``score_russia``, ``score_china``, ``score_dprk``, each in
    [0, 1]) in the month just simulated, divided by the horizon. An episode's return is the
    score averaged over the months of the game (``info["game_score"]``), the quantity
    ``triad play`` and the exploit search rank: a seat is judged on every month it played,
    not on where it ends (a Russia that starves its front for three years to end cheaply
    does not win).

Episode end:
    At the scenario's horizon (``months``), every agent is truncated; nothing terminates
    earlier.

Version history:
    v0: first version (triad 0.1).
    v1: the reward is the month's score over the horizon (the return is the game's mean
        score), no longer the change of score; ``info`` gains ``game_score``.
    v2: DPRK's levers gain ``workers_k`` (workers abroad) and ``cyber_effort``; observations
        gain DPRK's labour and cyber income.
    v3: DPRK's levers gain ``missile_offer``, ``missile_price_k``, ``heavy_offer``,
        ``heavy_price_k`` and ``troops_k``; Russia's ``missile_request``,
        ``missile_max_price_k``, ``heavy_request``, ``heavy_max_price_k``,
        ``troop_request_k`` and ``troop_pay_usd``; observations gain the missiles, heavy
        systems and troops of the month, the missiles' malfunction share and the ROK's alarm.
    v4: every observation bound is finite (amounts were unbounded above); an entry beyond
        its bounds is warned and listed in ``info["clipped"]``; ``state()`` and
        ``state_space``; an unseeded ``reset()`` plays a fresh world; the factories
        ``env()`` and ``raw_env()`` give the AEC version.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
from gymnasium import spaces
from numpy.typing import NDArray
from pettingzoo import AECEnv, ParallelEnv
from pettingzoo.utils import parallel_to_aec, wrappers

from triad.errors import GameError, TriadNote
from triad.game.levers import SEATS
from triad.game.seats import seat_players
from triad.model.metrics import METRIC_BY_NAME, metrics_tagged
from triad.model.model import TriadModel
from triad.model.policies.base import ACTION_SPACES
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.schema import DRIVER_BOUNDS, Scenario

AGENTS: Final[tuple[str, ...]] = SEATS

OBSERVATION_METRICS: Final[tuple[str, ...]] = metrics_tagged("observation")
"""The metrics of an observation, after ``progress`` (see the module docstring)."""

OBSERVATION_NAMES: Final[tuple[str, ...]] = ("progress", *OBSERVATION_METRICS)
ACTION_NAMES: Final[dict[str, tuple[str, ...]]] = {
    agent: tuple(spec.name for spec in ACTION_SPACES[agent]) for agent in AGENTS
}

LEVER_CEILINGS: Final[dict[str, tuple[str, str]]] = {
    "containers": ("dprk", "offer_containers"),  # shipped: at most what DPRK offers
    "price_per_round": ("dprk", "price_ask"),  # the agreed price is DPRK's ask
    "missiles": ("dprk", "missile_offer"),
    "heavy_systems": ("dprk", "heavy_offer"),
    "troops_k": ("dprk", "troops_k"),  # beyond the commitment, at most what DPRK offers
    "russia_tech_tier": ("russia", "tech_tier"),
}
"""Observed amounts capped by a lever: metric -> (actor, lever); the bound is its top."""

AMOUNT_CEILINGS: Final[dict[str, float]] = {
    "dprk_gdp_bn": 150.0,  # US$ bn/yr; at most 60 in the measurement below
    "dprk_fx_m": 1_000_000.0,  # US$ m; 110,000 in 60 months, 380,000 in 240
    "dprk_labour_income_m": 500.0,  # US$ m/month; 114 (200,000 workers abroad)
    "dprk_cyber_income_m": 100_000.0,  # US$ m/month; 46,000 once (lognormal heists)
    "dprk_stock_above_floor_m": 200.0,  # M rounds; 36 in 60 months, 79 in 240
}
"""Upper bounds of the observed amounts no lever or driver range caps [their units].

Nothing in the model bounds these (reserves and the stock accumulate; cyber income has a
lognormal shock), so the bounds are set above what extreme play reaches, about twice the
largest value measured (comments) on the baseline in 10,000 worlds of 60 months and 300 of
240 months, every seat with every lever at its top, at its bottom, at random ends each
month, or on its default policy (December 2026). They are wide so that a normalising
wrapper never meets a value beyond them; most worlds use a small part of the range.
"""

type Vector = NDArray[np.float32]


def observation_bounds() -> tuple[Vector, Vector]:
    """Lower and upper bounds of every observation entry, all finite.

    Every entry is at least 0. The upper bound is 1 for the progress and every share or
    index; a lever's top for an amount it caps (:data:`LEVER_CEILINGS`); a driver's top
    for a driver (``war_intensity``); else :data:`AMOUNT_CEILINGS`.

    Raises:
        KeyError: If an observed metric has no upper bound (a new one must be given one).
    """
    low = np.zeros(len(OBSERVATION_NAMES), dtype=np.float32)
    high = np.array([_ceiling(name) for name in OBSERVATION_NAMES], dtype=np.float32)
    return low, high


def _ceiling(name: str) -> float:
    if name == "progress" or METRIC_BY_NAME[name].bounded:
        return 1.0
    if name in LEVER_CEILINGS:
        actor, lever = LEVER_CEILINGS[name]
        return next(float(s.high) for s in ACTION_SPACES[actor] if s.name == lever)
    if name in DRIVER_BOUNDS:
        return float(DRIVER_BOUNDS[name][1])
    if name not in AMOUNT_CEILINGS:
        raise KeyError(f"observation {name!r} has no upper bound: add it to AMOUNT_CEILINGS")
    return AMOUNT_CEILINGS[name]


class TriadEnv(ParallelEnv):  # type: ignore[misc]
    """The triad model as a PettingZoo parallel environment (see the module docstring).

    Args:
        scenario: Default scenario: a bundled name or a file (``reset`` options may change it).
        overrides: Default ``PATH=VALUE`` overrides.
        months: Default horizon (default: the scenario's).
        render_mode: ``None`` or ``"ansi"`` (``render`` returns a one-line summary).
    """

    metadata: Final = {"name": "triad_v4", "render_modes": ["ansi"], "is_parallelizable": True}

    def __init__(
        self,
        scenario: str = "baseline",
        overrides: Sequence[str] = (),
        months: int | None = None,
        render_mode: str | None = None,
    ) -> None:
        if render_mode not in (None, "ansi"):
            raise GameError(f"render_mode {render_mode!r}: choose None or 'ansi'")
        self.render_mode = render_mode
        self.possible_agents: list[str] = list(AGENTS)
        self.agents: list[str] = []
        self._defaults: dict[str, Any] = {
            "scenario": scenario,
            "overrides": list(overrides),
            "months": months,
        }
        low, high = observation_bounds()
        self._observation_spaces = {
            a: spaces.Box(low, high, dtype=np.float32) for a in self.possible_agents
        }
        self.state_space = spaces.Box(low, high, dtype=np.float32)
        self._action_spaces = {a: _action_box(a) for a in self.possible_agents}
        self._rng: np.random.Generator | None = None
        self._model: TriadModel | None = None
        self._observation: Vector | None = None
        self._clipped: tuple[str, ...] = ()
        self._warned: set[str] = set()
        self._scores: dict[str, float] = {}
        self._totals: dict[str, float] = {}

    # ------------------------------------------------------------------ spaces
    def observation_space(self, agent: str) -> spaces.Box:
        """The observation space of an agent (the same object every call)."""
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Box:
        """The action space of an agent (the same object every call)."""
        return self._action_spaces[agent]

    # ------------------------------------------------------------------ episode
    def reset(
        self, seed: int | None = None, options: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, Vector], dict[str, dict[str, Any]]]:
        """Start an episode.

        Args:
            seed: Seed of the world's random draws. None: a fresh world each reset, its seed
                drawn from a generator seeded by the last explicit seed (the scenario's own
                seed until one is given), so ``reset(seed=s)`` followed by unseeded resets
                replays the same sequence of worlds.
            options: ``scenario`` (name or file), ``overrides`` (list of ``PATH=VALUE``),
                ``months`` (horizon); each defaults to the constructor's. ``world``: which
                world of the seed's ensemble to play (default 0): world ``k`` draws the
                same random numbers as world ``k`` of ``triad run`` with that seed. Other
                keys are ignored.

        Returns:
            Observations and infos of every agent.

        Raises:
            GameError: If ``world`` is not a whole number >= 0.
        """
        chosen = {**self._defaults, **{k: v for k, v in (options or {}).items() if v is not None}}
        scenario = self._scenario(chosen, self._seed(seed))
        if self._rng is None:  # the first unseeded reset plays the scenario's own seed
            self._rng = np.random.default_rng(scenario.seed)
        self._model = TriadModel(scenario, worlds=1, first_world=_world(chosen.get("world", 0)))
        self.agents = list(self.possible_agents)
        self._scores = self._score_now()
        self._totals = {}
        self._observation = self._observe()
        return {a: self._observation.copy() for a in self.agents}, self._infos()

    def step(
        self, actions: Mapping[str, Any]
    ) -> tuple[
        dict[str, Vector],
        dict[str, float],
        dict[str, bool],
        dict[str, bool],
        dict[str, dict[str, Any]],
    ]:
        """Apply every agent's action and simulate one month.

        Raises:
            GameError: If the episode is over (or not started), an agent is unknown or an
                action has the wrong size.
        """
        model = self._running()
        for agent, action in actions.items():
            if agent not in self.agents:
                raise GameError(f"unknown or finished agent {agent!r}; live: {self.agents}")
            model.submit(agent, _lever_values(agent, action))
        model.step()
        self._scores = self._score_now()
        horizon = model.scenario.months
        rewards = {a: self._scores[a] / horizon for a in self.agents}
        for a in self.agents:
            self._totals[a] = self._totals.get(a, 0.0) + self._scores[a]
        over = model.month >= model.scenario.months
        self._observation = self._observe()
        result = (
            {a: self._observation.copy() for a in self.agents},
            rewards,
            dict.fromkeys(self.agents, False),
            dict.fromkeys(self.agents, over),
            self._infos(),
        )
        if over:
            self.agents = []
        return result

    def state(self) -> Vector:
        """The global state: the observation every agent sees (the game is one of full information).

        Its space is :attr:`state_space`; after the last step it is the final month's.

        Raises:
            GameError: Before the first ``reset()`` or after ``close()``.
        """
        if self._observation is None:
            raise GameError("no state yet: call reset()")
        return self._observation.copy()

    def render(self) -> str | None:
        """A one-line summary of the month and the scores (``ansi`` mode), else None."""
        if self.render_mode != "ansi" or self._model is None:
            return None
        scores = " ".join(f"{a}={s:.3f}" for a, s in self._scores.items())
        return f"month {self._model.month}/{self._model.scenario.months}: {scores}"

    def close(self) -> None:
        """Drop the model."""
        self._model = None
        self._observation = None

    # ------------------------------------------------------------------ helpers
    def _seed(self, seed: int | None) -> int | None:
        """The seed of the next world: ``seed``, else the next draw of the seed generator.

        None before any world is played without a seed: the scenario's own seed, which then
        seeds the generator (see :meth:`reset`).
        """
        if seed is not None:
            self._rng = np.random.default_rng(seed)
            return seed
        return None if self._rng is None else int(self._rng.integers(2**31))

    def _scenario(self, chosen: Mapping[str, Any], seed: int | None) -> Scenario:
        options = RunOptions(
            worlds=1, seed=seed, months=chosen["months"], overrides=list(chosen["overrides"])
        )
        scenario = prepare_scenario(str(chosen["scenario"]), options)
        return seat_players(scenario, self.possible_agents)

    def _running(self) -> TriadModel:
        if self._model is None or not self.agents:
            raise GameError("the episode is over or not started: call reset()")
        return self._model

    def _score_now(self) -> dict[str, float]:
        state = self._running().state
        return {a: float(state[f"score_{a}"][0]) for a in self.possible_agents}

    def _observe(self) -> Vector:
        """The common observation; an entry beyond its bounds is clipped, never silently.

        The clipped entries are kept for ``info["clipped"]``; the first time an entry is
        clipped a :class:`~triad.errors.TriadNote` warning says so.
        """
        model = self._running()
        progress = model.month / model.scenario.months
        values = np.array([progress, *(float(model.state[m][0]) for m in OBSERVATION_METRICS)])
        low, high = self.state_space.low, self.state_space.high
        outside = (values < low) | (values > high)
        self._clipped = tuple(np.asarray(OBSERVATION_NAMES)[outside].tolist())
        for i in np.flatnonzero(outside):
            name = OBSERVATION_NAMES[i]
            if name not in self._warned:
                self._warned.add(name)
                warnings.warn(
                    f"observation {name} = {values[i]:.6g} lies outside its bounds "
                    f"[{low[i]:g}, {high[i]:g}]: clipped (info['clipped'] names every clipped "
                    "entry; this warning is not repeated for it)",
                    TriadNote,
                    stacklevel=3,
                )
        out: Vector = np.clip(values, low, high).astype(np.float32)
        return out

    def _infos(self) -> dict[str, dict[str, Any]]:
        model = self._running()
        played = max(model.month, 1)
        return {
            a: {
                "month": model.month,
                "score": self._scores[a],
                "game_score": self._totals.get(a, 0.0) / played,
                "clipped": self._clipped,
            }
            for a in self.agents
        }


def _world(value: Any) -> int:
    """The ``world`` option, checked."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise GameError(f"options['world'] {value!r}: a world index is a whole number >= 0")
    return int(value)


def _action_box(agent: str) -> spaces.Box:
    specs = ACTION_SPACES[agent]
    low = np.array([s.low for s in specs], dtype=np.float32)
    high = np.array([s.high for s in specs], dtype=np.float32)
    return spaces.Box(low, high, dtype=np.float32)


def _lever_values(agent: str, action: Any) -> dict[str, float]:
    """An action vector as lever -> value (clipping and rounding happen in the model)."""
    vector = np.asarray(action, dtype=np.float64).reshape(-1)
    names = ACTION_NAMES[agent]
    if vector.size != len(names):
        raise GameError(f"{agent}: an action has {len(names)} values ({', '.join(names)})")
    return {name: float(v) for name, v in zip(names, vector, strict=True)}


def parallel_env(**kwargs: Any) -> TriadEnv:
    """The environment as a PettingZoo ``ParallelEnv``: ``TriadEnv(**kwargs)``."""
    return TriadEnv(**kwargs)


def raw_env(**kwargs: Any) -> AECEnv:
    """The environment as a PettingZoo ``AECEnv``, the seats acting in turn within a month.

    PettingZoo's ``parallel_to_aec`` of :func:`parallel_env` (``aec_to_parallel`` gives the
    ``TriadEnv`` back): the month is simulated once the last live seat has acted.
    """
    return parallel_to_aec(parallel_env(**kwargs))


def env(**kwargs: Any) -> AECEnv:
    """:func:`raw_env` with PettingZoo's usual wrappers for ``Box`` actions.

    ``ClipOutOfBoundsWrapper`` (an out-of-range action is clipped with a warning) and
    ``OrderEnforcingWrapper`` (no ``step`` before ``reset``), as PettingZoo's own
    continuous environments are made.
    """
    return wrappers.OrderEnforcingWrapper(wrappers.ClipOutOfBoundsWrapper(raw_env(**kwargs)))


__all__ = [
    "ACTION_NAMES",
    "AGENTS",
    "OBSERVATION_METRICS",
    "OBSERVATION_NAMES",
    "TriadEnv",
    "env",
    "parallel_env",
    "raw_env",
]
