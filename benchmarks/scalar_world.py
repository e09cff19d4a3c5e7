"""One world of a triad scenario in plain Python: floats and ``math``, no numpy per world.

This is the scalar reference of ``benchmarks/ensemble.py`` and ``benchmarks/anchors.py``:
what a Mesa or EMA Workbench user would write for one world of the model, one Python float
per state variable, stepped month by month. It ports ``TriadModel.step()`` process by
process (``docs/odd.md`` section 7; the code in ``src/triad/model/``): the same schedule,
the same equations with the same operations in the same order, the policies of the
baseline (DPRK ``transactional``, Russia ``war_first``, China's four built-in policies,
one drawn per world), the events of the baseline (dated or with a date drawn per world;
triggers, and set, scale or ramp of a parameter or a world driver, with values drawn per
world), and the same random draws per world-month: one AR(1) shock per noisy driver (four
in the baseline), Russia's payment, China's trade appetite, DPRK's cyber take, DPRK's
forgiveness, launch and launch outcome, China's forgiveness (11 in the baseline); plus
every uncertain parameter, event date and value, China's policy and its initial appetite
at set-up (183 draws in the baseline).

Two sources of randomness:

* :class:`MesaDraws`, the timed one: one ``random.Random`` per world, as a Mesa model's
  ``self.random`` (``random()`` and ``gauss(0, 1)``).
* :class:`HashDraws`: the model's own counter-based draws (SplitMix64 of seed, world,
  month and site; normals by the inverse normal CDF) in pure Python. World k then gets the
  model's draws. It is slower (a pure-Python hash per draw) and not timed.

Two sets of elementary functions (``maths``):

* ``"plain"`` (the default, timed): ``math.exp``, ``math.log``, ``math.tanh``,
  ``math.pow`` (the C library's) and ``statistics.NormalDist.inv_cdf``.
* ``"model"``: numpy's and scipy's own (``np.exp`` ... on one float, ``scipy.special.ndtri``),
  which on this kind of machine use vectorised (SIMD) implementations that differ from
  the C library's in the last bit for a few per cent of arguments. With these and
  :class:`HashDraws`, world k of the port equals world k of the model **bit for bit**
  (:func:`compare_with_model`, ``tests/test_scalar_world.py``): every arithmetic operation
  is the model's, in the model's order. With ``"plain"`` the port differs from the model
  only by those last-bit differences carried through 60 months (:data:`PLAIN_TOLERANCE`).

What differs from the model (see ``docs/performance.md``): the scalar world keeps no event
log; it refuses (``prepare``) conditional and random events, policies other than the
baseline's, per-world points and ``fix_uncertain``; it clips actions by comparisons (the
model's ``fmax``/``fmin`` also send a NaN to a lever's low end). None of these is
exercised by the baseline except the log, which the model keeps for worlds 0-99.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from triad.scenario.schema import Distribution, Scenario

_NORMAL = NormalDist()
_MASK = 2**64 - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB

TRACKERS = ("shortfall_streak", "delivery_ratio")  # metrics the policies read, not recorded
PLAIN_TOLERANCE = 1e-9
"""Largest relative difference (against max(|model|, 1)) allowed with ``maths="plain"``."""

CHINA_POLICIES = ("dependency_builder", "punisher", "competitor", "enforcer")
_DEFAULTS = {"dprk": "transactional", "russia": "war_first"}


# --------------------------------------------------------------------------- randomness
class Draws(Protocol):
    """A world's random draws: uniform in (0, 1) and standard normal, by month and site."""

    def uniform(self, month: int, site: str) -> float:
        """One uniform draw (``month = -1`` at set-up)."""
        ...

    def normal(self, month: int, site: str) -> float:
        """One standard normal draw."""
        ...


class MesaDraws:
    """One ``random.Random`` per world, as a Mesa model's ``self.random``; sites ignored.

    Args:
        seed: The scenario seed.
        world: The world's index.
    """

    def __init__(self, seed: int, world: int) -> None:
        self._rng = random.Random(seed * 1_000_003 + world)

    def uniform(self, month: int, site: str) -> float:
        """The generator's next uniform."""
        return self._rng.random()

    def normal(self, month: int, site: str) -> float:
        """The generator's next standard normal."""
        return self._rng.gauss(0.0, 1.0)


def _mix(z: int) -> int:
    """SplitMix64's finaliser on a Python int (as ``triad.model.randomness.mix``)."""
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


_SITES: dict[str, int] = {}


def _site(site: str) -> int:
    key = _SITES.get(site)
    if key is None:
        digest = hashlib.blake2b(site.encode(), digest_size=8).digest()
        key = _SITES[site] = int.from_bytes(digest, "little")
    return key


class HashDraws:
    """The model's counter-based draws for one world (``triad.model.randomness.Streams``).

    Args:
        seed: The scenario seed.
        world: The world's index.
        inv_cdf: The inverse normal CDF turning a uniform into a normal.
    """

    def __init__(
        self, seed: int, world: int, inv_cdf: Callable[[float], float] = _NORMAL.inv_cdf
    ) -> None:
        base = _mix(seed % 2**64)
        self._key = _mix((world * _GOLDEN + base) & _MASK)
        self._inv_cdf = inv_cdf

    def uniform(self, month: int, site: str) -> float:
        """The model's uniform for this world, month and site."""
        counter = (((month + 2) * _GOLDEN) & _MASK) ^ _site(site)
        bits = _mix(self._key ^ _mix(counter)) >> 11
        return (bits + 0.5) * 2.0**-53

    def normal(self, month: int, site: str) -> float:
        """The model's normal: the inverse normal CDF of its uniform."""
        return self._inv_cdf(self.uniform(month, site))


# --------------------------------------------------------------------------- maths
@dataclass(frozen=True)
class Maths:
    """The elementary functions a world uses (see the module docstring).

    Attributes:
        exp: Exponential.
        log: Natural logarithm.
        tanh: Hyperbolic tangent.
        pow: ``x ** y`` for floats.
        ndtri: Inverse standard normal CDF.
    """

    exp: Callable[[float], float]
    log: Callable[[float], float]
    tanh: Callable[[float], float]
    pow: Callable[[float, float], float]
    ndtri: Callable[[float], float]


PLAIN = Maths(math.exp, math.log, math.tanh, math.pow, _NORMAL.inv_cdf)


def model_maths() -> Maths:
    """numpy's and scipy's elementary functions on one float: the model's, bit for bit."""
    import numpy as np
    from scipy.special import ndtri

    def exp(x: float) -> float:
        return float(np.exp(x))

    def log(x: float) -> float:
        return float(np.log(x))

    def tanh(x: float) -> float:
        return float(np.tanh(x))

    def power(x: float, y: float) -> float:
        return float(np.power(x, y))

    def inv(u: float) -> float:
        return float(ndtri(u))

    return Maths(exp, log, tanh, power, inv)


# --------------------------------------------------------------------------- set-up
@dataclass(frozen=True)
class DriverSpec:
    """A world driver: its scripted path, bounds and AR(1) noise (``sd = 0``: none)."""

    name: str
    path: tuple[float, ...]
    low: float
    high: float
    sd: float
    persistence: float
    relative: bool


@dataclass(frozen=True)
class ActionSpec:
    """One action of an event: ``trigger``, ``set``, ``scale`` or ``ramp`` of a target."""

    kind: str
    target: str
    value: float
    months: int


@dataclass(frozen=True)
class EventSpec:
    """A dated event: its month (or the key of its drawn date) and its actions."""

    name: str
    month: int
    drawn_at: str | None
    actions: tuple[ActionSpec, ...]


@dataclass(frozen=True)
class Uncertain:
    """One uncertain entry, ready to sample from a uniform draw.

    Attributes:
        key: The ``uncertain`` key (parameter path, ``events.<name>.<field>`` or
            ``china.policy``).
        dist: The distribution kind.
        args: Its numbers (low, mode, high / mean, sd, low, high, a, b / median, sigma).
        values: A choice's values (numbers; policy positions for ``china.policy``).
        edges: A choice's cumulative weights.
    """

    key: str
    dist: str
    args: tuple[float, ...]
    values: tuple[float, ...] = ()
    edges: tuple[float, ...] = ()


@dataclass(frozen=True)
class Setting:
    """What every world of a scenario shares, prepared once (like loading the scenario).

    Attributes:
        seed: The scenario seed.
        months: Months to simulate.
        record_months: The last month index of the dated record (-1: none).
        params: Parameter path -> value before per-world sampling.
        uncertain: The uncertain entries, sampled per world.
        drivers: The world drivers, in the model's order.
        events: The dated events, in the scenario's order.
        china_policy: China's policy when it is not drawn (a position in
            :data:`CHINA_POLICIES`).
    """

    seed: int
    months: int
    record_months: int
    params: dict[str, float]
    uncertain: tuple[Uncertain, ...]
    drivers: tuple[DriverSpec, ...]
    events: tuple[EventSpec, ...]
    china_policy: int = 0
    start: int = field(default=0)


def prepare(scenario: Scenario) -> Setting:
    """Flatten a scenario into a :class:`Setting` (once per scenario, not per world).

    Raises:
        NotImplementedError: If the scenario uses what the scalar port leaves out.
    """
    import numpy as np
    from scipy.special import ndtr

    from triad.model.drivers import base_path
    from triad.model.params import flat_parameters
    from triad.scenario.month import Month
    from triad.scenario.schema import DRIVER_BOUNDS, uncertain_kind

    if scenario.fix_uncertain:
        raise NotImplementedError("the scalar port samples every uncertain input")
    actors = scenario.actors
    for actor, policy in (("dprk", actors.dprk.policy), ("russia", actors.russia.policy)):
        if policy != _DEFAULTS[actor] or f"{actor}.policy" in scenario.uncertain:
            raise NotImplementedError(f"the scalar port runs {_DEFAULTS[actor]!r} for {actor}")
    if actors.china.policy not in CHINA_POLICIES:
        raise NotImplementedError(f"the scalar port runs China's {CHINA_POLICIES}")
    start = scenario.first_month
    events = []
    for event in scenario.events:
        drawn = f"events.{event.name}.at"
        if event.when is not None or (event.at is None and drawn not in scenario.uncertain):
            raise NotImplementedError(f"event {event.name!r}: only dated events are ported")
        actions = tuple(
            ActionSpec(
                a.kind,
                a.target,
                float((a.by if a.kind == "scale" else a.value) or 0.0),
                a.months,
            )
            for a in event.actions
        )
        events.append(
            EventSpec(
                event.name,
                Month.parse(event.at) - start if event.at is not None else -1,
                drawn if drawn in scenario.uncertain else None,
                actions,
            )
        )
    uncertain = []
    for key, dist in scenario.uncertain.items():
        kind = uncertain_kind(key)
        if kind == "policy" and key != "china.policy":
            raise NotImplementedError(f"uncertain {key!r}: only China's policy is drawn")
        uncertain.append(_uncertain(key, dist, ndtr, np))
    drivers = []
    for name, (low, high) in DRIVER_BOUNDS.items():
        path = getattr(scenario.world, name)
        values = tuple(float(v) for v in base_path(path, start, scenario.months))
        noise = path.noise
        drivers.append(
            DriverSpec(name, values, low, high, noise.sd, noise.persistence, noise.relative)
        )
    record = -1 if scenario.record_until is None else Month.parse(scenario.record_until) - start
    return Setting(
        seed=scenario.seed,
        months=scenario.months,
        record_months=record,
        params=flat_parameters(scenario),
        uncertain=tuple(uncertain),
        drivers=tuple(drivers),
        events=tuple(events),
        china_policy=CHINA_POLICIES.index(actors.china.policy),
        start=start.index,
    )


def _uncertain(key: str, dist: Distribution, ndtr: Any, np: Any) -> Uncertain:
    """An uncertain entry's numbers; the constants of a truncated normal by scipy's ``ndtr``."""

    def f(value: float | None) -> float:
        assert value is not None, "validated by the schema"
        return float(value)

    match dist.dist:
        case "uniform":
            return Uncertain(key, "uniform", (f(dist.low), f(dist.high)))
        case "triangular":
            return Uncertain(key, "triangular", (f(dist.low), f(dist.mode), f(dist.high)))
        case "truncnormal":
            mean, sd, low, high = f(dist.mean), f(dist.sd), f(dist.low), f(dist.high)
            a, b = float(ndtr((low - mean) / sd)), float(ndtr((high - mean) / sd))
            return Uncertain(key, "truncnormal", (mean, sd, low, high, a, b))
        case "lognormal":
            return Uncertain(key, "lognormal", (f(dist.median), f(dist.sigma)))
        case _:
            count = len(dist.values or [])
            weights = dist.weights if dist.weights is not None else [1.0] * count
            w = np.asarray(weights, dtype=np.float64)
            edges = tuple(float(e) for e in np.cumsum(w / w.sum()))
            if dist.names:
                unknown = set(dist.names) - set(CHINA_POLICIES)
                if unknown:
                    raise NotImplementedError(f"uncertain {key!r}: policies {sorted(unknown)}")
                values = tuple(float(CHINA_POLICIES.index(n)) for n in dist.names)
            else:
                values = tuple(dist.numbers)
            return Uncertain(key, "choice", (), values, edges)


def sample(entry: Uncertain, u: float, maths: Maths = PLAIN) -> float:
    """A value of an uncertain entry at the uniform draw ``u`` (``triad.model.params.sample``)."""
    args = entry.args
    match entry.dist:
        case "uniform":
            return args[0] + u * (args[1] - args[0])
        case "triangular":
            low, mode, high = args
            if u < (mode - low) / (high - low):
                return low + math.sqrt(u * (high - low) * (mode - low))
            return high - math.sqrt((1 - u) * (high - low) * (high - mode))
        case "truncnormal":
            mean, sd, low, high, a, b = args
            return _clip(mean + sd * maths.ndtri(a + u * (b - a)), low, high)
        case "lognormal":
            return args[0] * maths.exp(args[1] * maths.ndtri(u))
        case _:
            index = sum(1 for edge in entry.edges if edge <= u)
            return entry.values[min(index, len(entry.values) - 1)]


# --------------------------------------------------------------------------- helpers
def _clip(x: float, low: float, high: float) -> float:
    """``x`` bounded to [low, high] (comparisons: far cheaper than ``min(max(...))``)."""
    return low if x < low else high if x > high else x


def _unmet(demand: float, supply: float) -> float:
    """Unmet share of a demand, in [0, 1] (0 where there is no demand)."""
    if demand > 0:
        return _clip((demand - supply) / max(demand, 1e-12), 0.0, 1.0)
    return 0.0


def _approach(level: float, rate: float) -> float:
    """Close ``rate`` (clipped to [0, 1]) of the gap from ``level`` to 1."""
    return level + _clip(rate, 0.0, 1.0) * (1.0 - level)


def _unmet_share(received: float, need: float) -> float:
    """Share of a need left unmet by what was received (0 without a need)."""
    met = min(received, need) / max(need, 1e-12)
    return 1.0 - met if need > 0 else 0.0


def _trust(
    trust: float,
    delivered: float,
    active: float,
    gain: float,
    loss: float,
    decay: float,
    baseline: float,
) -> float:
    """``triad.model.updates.update_trust`` on floats."""
    shortfall = _clip(1.0 - delivered, 0.0, 1.0)
    up = gain * _clip(delivered, 0.0, 1.0) * (1.0 - trust)
    down = loss * shortfall * trust
    return _clip(trust + active * (up - down) + decay * (baseline - trust), 0.0, 1.0)


def _signal(trust: float, amount: float) -> float:
    return trust + _clip(amount, 0.0, 1.0) * (1.0 - trust)


# Levers and their ranges (``triad.model.policies.base.ACTION_SPACES``); integer levers.
_DPRK_LEVERS = (
    ("offer_containers", 0.0, 5000.0),
    ("price_ask", 0.0, 10000.0),
    ("kpa_floor", 0.0, 1.0),
    ("missile_offer", 0.0, 200.0),
    ("missile_price_k", 0.0, 50000.0),
    ("heavy_offer", 0.0, 100.0),
    ("heavy_price_k", 0.0, 20000.0),
    ("troops_k", 0.0, 200.0),
    ("workers_k", 0.0, 200.0),
    ("cyber_effort", 0.0, 3.0),
)
_RUSSIA_LEVERS = (
    ("request_containers", 0.0, 5000.0),
    ("max_price", 0.0, 10000.0),
    ("pay_share", 0.0, 1.0),
    ("food_share", 0.0, 1.0),
    ("oil_share", 0.0, 1.0),
    ("cash_share", 0.0, 1.0),
    ("missile_request", 0.0, 200.0),
    ("missile_max_price_k", 0.0, 50000.0),
    ("heavy_request", 0.0, 100.0),
    ("heavy_max_price_k", 0.0, 20000.0),
    ("troop_request_k", 0.0, 200.0),
    ("troop_pay_usd", 0.0, 20000.0),
)
_CHINA_LEVERS = (
    ("trade_level", 0.0, 2.0),
    ("aid_m", 0.0, 2000.0),
    ("aid_condition", 0.0, 1.0),
    ("enforcement", 0.0, 1.0),
)


def _clipped(action: dict[str, float], levers: tuple[tuple[str, float, float], ...]) -> None:
    for name, low, high in levers:
        action[name] = _clip(action[name], low, high)


def _whole(x: float, high: float) -> float:
    """An integer lever: clipped to [0, high], then rounded half up (``floor(x + 0.5)``)."""
    return float(math.floor(_clip(x, 0.0, high) + 0.5))


# --------------------------------------------------------------------------- the world
class ScalarWorld:
    """One world: the three states' variables as floats, stepped by :meth:`step`.

    Args:
        setting: The prepared scenario.
        world: The world's index (its draws and sampled parameters depend on it).
        draws: The world's random draws.
        maths: The elementary functions (:data:`PLAIN` or :func:`model_maths`).
    """

    def __init__(self, setting: Setting, world: int, draws: Draws, maths: Maths = PLAIN) -> None:
        self.setting, self.draws, self.month = setting, draws, 0
        self.exp, self.log, self.pow = maths.exp, maths.log, maths.pow
        self.tanh = maths.tanh
        p = dict(setting.params)
        self.dates: dict[str, int] = {}
        self.values: dict[str, float] = {}
        self.china_policy = setting.china_policy
        for entry in setting.uncertain:
            value = sample(entry, draws.uniform(-1, f"uncertain:{entry.key}"), maths)
            if entry.key == "china.policy":
                self.china_policy = int(value)
            elif entry.key.startswith("events."):
                if entry.key.endswith(".at"):
                    self.dates[entry.key] = math.floor(value) - setting.start
                else:
                    self.values[entry.key] = value
            else:
                p[entry.key] = value
        self.p = p
        self.records: list[dict[str, float]] = []
        self._init_drivers()
        self._init_state(maths)
        self.ramps: list[list[Any]] = []  # [target, origin, value, start, months]
        self.update_security()  # the start's security
        self.state = self.metrics()

    # ------------------------------------------------------------------ set-up
    def _init_drivers(self) -> None:
        self.level: dict[str, float | None] = {}
        self.scale: dict[str, float] = {}
        self.shock: dict[str, float] = {}
        self.touched: set[str] = set()
        self.d: dict[str, float] = {}
        for spec in self.setting.drivers:
            self.level[spec.name] = None
            self.scale[spec.name] = 1.0
            self.shock[spec.name] = 0.0
            self.d[spec.name] = spec.path[0]

    def _init_state(self, maths: Maths) -> None:
        p, d = self.p, self.d
        stock = p["dprk.munitions.initial_stock_m"]
        gdp = p["dprk.economy.gdp_bn"]
        m = "dprk.missiles."
        # DPRK
        self.d_stock, self.d_stock_start, self.d_production = stock, stock, 0.0
        self.d_utilisation = p["dprk.munitions.utilisation"]
        self.d_floor = p["dprk.munitions.kpa_floor"] * stock
        self.d_gdp, self.d_gdp_start, self.d_gdp_civil, self.d_arms_gdp = gdp, gdp, gdp, 0.0
        self.d_potential, self.d_growth = gdp, 0.0
        self.d_fx, self.d_fx_start = p["dprk.economy.fx_m"], max(p["dprk.economy.fx_m"], 1.0)
        self.d_capability = self.d_capability_start = p["dprk.satellite.capability"]
        self.d_attempts_cum = self.d_successes_cum = 0.0
        self.d_exposure = self.d_exposure_start = p["dprk.exposure"]
        self.d_trust_russia, self.d_trust_china = p["dprk.trust.russia"], p["dprk.trust.china"]
        self.d_expected_pay = 1.0
        self.d_containers_cum = self.d_rounds_cum = self.d_food_gap = 0.0
        self.d_food_supply = self.d_oil_supply = 1.0
        self.d_security = self.d_deterrence = 0.0
        self.d_missile_stock = p[m + "initial_stock"]
        self.d_missile_floor = p[m + "kpa_floor"] * p[m + "initial_stock"]
        self.d_missile_force_start = max(p[m + "initial_stock"] * (1.0 - p[m + "malfunction"]), 1.0)
        self.d_malfunction = self.d_malfunction_start = p[m + "malfunction"]
        self.d_missiles_cum = 0.0
        self.d_heavy_stock = p["dprk.heavy.initial_stock"]
        self.d_heavy_floor = p["dprk.heavy.kpa_floor"] * p["dprk.heavy.initial_stock"]
        self.d_heavy_start = max(p["dprk.heavy.initial_stock"], 1.0)
        self.d_heavy_cum = self.d_troops = self.d_casualties = self.d_experience = 0.0
        self.d_systems = self.d_nbc = self.d_rok_alarm = 0.0
        # Russia
        w = "russia.war."
        fire = p[w + "fire_rate_m"] * d["war_intensity"]
        gap = max(p[w + "restock_target_m"] - p[w + "initial_stock_m"], 0.0)
        demand = fire + gap / p[w + "restock_months"]
        self.r_stock, self.r_stock_dprk = p[w + "initial_stock_m"], 0.0
        self.r_production = p[w + "production_m"]
        self.r_tier = self.r_streak = self.r_fire = 0.0
        self.r_shortfall = self.r_unmet = _unmet(demand, p[w + "production_m"])
        self.r_demand = demand
        self.r_trust_dprk, self.r_trust_china = p["russia.trust.dprk"], p["russia.trust.china"]
        self.r_relationship, self.r_commitment = 1.0, 0.0
        # China
        self.c_resentment = self.c_resentment_start = p["china.resentment"]
        u = self.draws.uniform(-1, "china:appetite")
        self.c_appetite = p["china.trade.level_sd"] * maths.ndtri(u)
        self.c_trust_dprk, self.c_trust_russia = p["china.trust.dprk"], p["china.trust.russia"]
        self.c_enforcement, self.c_trade_level = p["china.enforcement"], 1.0
        # flows of the month (before the first: trade at its normal level)
        self.f_missiles = self.f_heavy = self.f_heavy_price = self.f_heavy_paid = 0.0
        self.f_reliability_gain = self.f_missile_price = self.f_missile_paid = 0.0
        self.f_troop_pay = self.f_forced_outcome = self.f_forced_launch = 0.0
        self.f_containers = self.f_rounds = self.f_request = self.f_agreed = self.f_paid = 0.0
        self.f_pay_food = self.f_pay_oil = self.f_pay_cash = self.f_fire_share = 0.0
        self.f_cn_aid = self.f_cn_absorbed = self.f_cn_cash_cost = self.f_cn_lost = 0.0
        self.f_judged = self.f_ru_aid = self.f_attempts = self.f_imports = self.f_fx_spend = 0.0
        self.f_oil_m = 0.0
        self.f_payment_ratio = self.f_demand_share = self.f_delivery_ratio = 1.0
        self.f_price = p["dprk.behaviour.price_ask"]
        self.f_cn_exports = p["china.trade.exports_m"] * d["border_cn"]
        self.f_cn_imports = p["china.trade.imports_m"] * d["border_cn"]
        self.f_ru_civil = p["russia.trade.civil_trade_m"] * d["border_ru"]
        self.f_transport = d["transport_capacity"]
        # the channels
        self.ledger = [0.0] * 12
        self.ledger_count = 0
        capacity = self._civil_capacity()
        self.civil_capacity_start = capacity
        self.f_detection = self._detection()
        self.f_reach = self._reach()
        self.f_labour_income = self.f_cyber_income = self.f_channel_push = 0.0
        self.f_oil_refined = self.f_oil_cap_ratio = 0.0
        self.f_civil_capacity = capacity
        self.a_dprk: dict[str, float] = {}
        self.a_russia: dict[str, float] = {}
        self.a_china: dict[str, float] = {}

    # ------------------------------------------------------------------ schedule
    def run(self) -> list[dict[str, float]]:
        """Step to the horizon; returns the recorded metrics, one dict per month."""
        while self.month < self.setting.months:
            self.step()
        return self.records

    def step(self) -> None:
        """One month: the model's schedule of ODD processes, in order."""
        self.apply_events()
        self.update_drivers()
        self.monitor_sanctions()
        self.produce()
        self.decide()
        self.ship_munitions()
        self.pay_for_shells()
        self.ship_arms()
        self.deploy_troops()
        self.fire_artillery()
        self.trade_with_china()
        self.trade_with_russia()
        self.earn_abroad()
        self.transfer_technology()
        self.update_economy()
        self.check_oil_cap()
        self.update_exposure()
        self.update_resentment()
        self.update_alarm()
        self.update_trust()
        self.update_security()
        self.record()
        self.month += 1

    # ------------------------------------------------------------------ events, drivers
    def apply_events(self) -> None:
        """This month's dated events (dates drawn per world where uncertain), then ramps."""
        self.f_forced_launch = 0.0
        self.f_forced_outcome = 0.0
        month = self.month
        for event in self.setting.events:
            at = self.dates[event.drawn_at] if event.drawn_at is not None else event.month
            if at != month:
                continue
            for action in event.actions:
                if action.kind == "trigger":
                    self._trigger(action.target)
                    continue
                kind = "by" if action.kind == "scale" else "value"
                value = self.values.get(f"events.{event.name}.{kind}", action.value)
                if action.kind == "set":
                    self._set(action.target, value)
                elif action.kind == "scale":
                    self._scale(action.target, value)
                else:
                    origin = self._get(action.target)
                    self.ramps.append([action.target, origin, value, month, action.months])
        for ramp in self.ramps:
            target, origin, value, start, months = ramp
            if month >= start:
                share = min(1.0, (month - start + 1) / months)
                self._set(target, origin + (value - origin) * share)
        self.ramps = [r for r in self.ramps if month - r[3] + 1 < r[4]]

    def _get(self, target: str) -> float:
        if target.startswith("world."):
            return self.d[target[6:]] * 1.0
        return self.p[target]

    def _set(self, target: str, value: float) -> None:
        if target.startswith("world."):
            name = target[6:]
            self.touched.add(name)
            self.level[name] = value
            self.scale[name] = 1.0
        else:
            self.p[target] = value

    def _scale(self, target: str, factor: float) -> None:
        if target.startswith("world."):
            name = target[6:]
            self.touched.add(name)
            self.scale[name] *= factor
        else:
            self.p[target] *= factor

    def _trigger(self, name: str) -> None:
        p = self.p
        if name in ("satellite_launch", "satellite_success", "satellite_failure"):
            self.f_forced_launch = 1.0
            if name == "satellite_success":
                self.f_forced_outcome = 1.0
            elif name == "satellite_failure":
                self.f_forced_outcome = -1.0
        elif name == "treaty":
            commit = p["dynamics.treaty_commitment"] * 1.0
            self.r_commitment = self.r_commitment + commit * (1.0 - self.r_commitment)
            amount = p["dynamics.treaty_trust"] * 1.0
            self.d_trust_russia = _signal(self.d_trust_russia, amount)
            self.r_trust_dprk = _signal(self.r_trust_dprk, amount)
            bump = p["dynamics.treaty_resentment"] * 1.0
            self.c_resentment = _clip(self.c_resentment + bump, 0.0, 1.0)
            alarm = p["dynamics.rok_alarm_gain"] * 10.0 * commit
            self.d_rok_alarm = _approach(self.d_rok_alarm, alarm)
        elif name == "veto":
            commit = p["dynamics.veto_commitment"] * 1.0
            self.r_commitment = self.r_commitment + commit * (1.0 - self.r_commitment)
        elif name == "summit":
            amount = p["dynamics.summit_trust"] * 1.0
            self.d_trust_russia = _signal(self.d_trust_russia, amount)
            self.r_trust_dprk = _signal(self.r_trust_dprk, amount)
        elif name == "china_summit":
            amount = p["dynamics.summit_trust"] * 1.0
            self.d_trust_china = _signal(self.d_trust_china, amount)
            self.c_trust_dprk = _signal(self.c_trust_dprk, amount)
            self.c_resentment = self.c_resentment * (1.0 - amount)
        elif name == "panel_ends":
            p["dynamics.un.regime"] = 0.0
        elif name == "msmt_starts":
            p["dynamics.un.regime"] = 2.0
        elif name == "panel_returns":
            p["dynamics.un.regime"] = 1.0
        elif name == "bridge_opens":
            p["russia.transport.bridge_open"] = 1.0
        else:
            raise NotImplementedError(f"trigger {name!r}")

    def update_drivers(self) -> None:
        """This month's world drivers: path or event level, times scale, plus AR(1) noise."""
        month, d = self.month, self.d
        for spec in self.setting.drivers:
            name = spec.name
            value = spec.path[month]
            if spec.sd == 0 and name not in self.touched:
                d[name] = value
                continue
            if name in self.touched:
                level = self.level[name]
                value = (value if level is None else level) * self.scale[name]
            if spec.sd > 0:
                eps = self.draws.normal(month, f"driver:{name}")
                innovation = spec.sd * math.sqrt(1.0 - spec.persistence**2) * eps
                shock = spec.persistence * self.shock[name] + innovation
                self.shock[name] = shock
                value = value * (1.0 + shock) if spec.relative else value + shock
            d[name] = _clip(value, spec.low, spec.high)

    def _regime_factor(self, kind: str) -> float:
        regime = self.p["dynamics.un.regime"]
        name = "none" if regime == 0.0 else "msmt" if regime == 2.0 else "panel"
        return self.p[f"dynamics.un.{name}_{kind}"]

    def _detection(self) -> float:
        return _clip(self._regime_factor("detection") * self.d["monitoring"], 0.0, 1.0)

    def _reach(self) -> float:
        return _clip(self._regime_factor("enforcement") * self.d["un_enforcement"], 0.0, 1.0)

    def monitor_sanctions(self) -> None:
        """The monitoring regime's detection and third-state reach this month."""
        self.f_detection = self._detection()
        self.f_reach = self._reach()
        self.f_channel_push = 0.0

    def produce(self) -> None:
        """Russia's and DPRK's own production (in the model's agent order)."""
        p, w = self.p, "russia.war."
        capacity = self._capacity()
        intensity = self.d["war_intensity"]
        bought = self.f_rounds * (1.0 - p[w + "dud_rate"])
        need = self._war_need(self.r_stock, intensity) - bought
        floor = p[w + "production_min_share"] * capacity
        production = min(capacity, max(need, floor))
        self.r_production = production
        self.r_stock = self.r_stock + production
        m = "dprk.munitions."
        base = min(p[m + "utilisation"] * self.d_oil_supply, 1.0)
        paid = self.f_paid / 100.0
        target = 1.0 - (1.0 - base) * self.exp(-p[m + "materials_gain"] * paid)
        util = self.d_utilisation
        util = util + p[m + "supply_adjust"] * (target - util)
        lines = p[m + "export_lines_share"]
        production = p[m + "capacity_m"] * (lines + (1.0 - lines) * util)
        self.d_utilisation = util
        self.d_production = production
        self.d_stock = self.d_stock + production
        self.d_missile_stock = self.d_missile_stock + p["dprk.missiles.production"]
        self.d_heavy_stock = self.d_heavy_stock + p["dprk.heavy.production"]

    def _capacity(self) -> float:
        p, w = self.p, "russia.war."
        ramp = p[w + "production_m"] + p[w + "production_growth_m"] * self.month
        return min(ramp, p[w + "production_max_m"])

    def _war_need(self, stock: float, intensity: float) -> float:
        p, w = self.p, "russia.war."
        gap = max(p[w + "restock_target_m"] - stock, 0.0)
        return p[w + "fire_rate_m"] * intensity + gap / p[w + "restock_months"]

    # ------------------------------------------------------------------ decisions
    def decide(self) -> None:
        """The three policies' actions on last month's state, clipped to the levers."""
        p, st, d = self.p, self.state, self.d
        # what Russia and DPRK derive alike (the model's shared memo)
        floor = p["russia.payment.value_floor"]
        worth = p["russia.payment.value_per_round"] * (
            floor + (1.0 - floor) * st["russia_shortfall"]
        )
        usable = 1.0 - p["russia.war.dud_rate"]
        value = min(worth, p["russia.payment.outside_price"]) * usable
        pressure = d["pressure"] * (1.0 + st["rok_alarm"])
        visible = st["dprk_exposure"] * pressure * (1.0 - st["russia_commitment"])
        cost = p["russia.visibility_weight"] * visible * p["russia.payment.value_per_round"]
        top = max(value - cost, 0.0)
        war = "russia.war."
        lines = p[war + "production_min_share"] * self._capacity()
        need = max(0.0, self._war_need(st["russia_stock_m"], d["war_intensity"]) - lines)
        rounds = need / (1.0 - p[war + "dud_rate"])
        request = rounds * 1e6 / p["dprk.munitions.rounds_per_container"]
        b = "dprk.behaviour."
        power = p[b + "bargaining_power"]
        mine = power * (1.0 + p[b + "salience_markup"] * st["russia_shortfall"])
        theirs = (1.0 - power) * (1.0 + p[b + "need_discount"] * st["dprk_food_gap"])
        dprk_power = mine / max(mine + theirs, 1e-12)
        self._decide_russia(top, request)
        self._decide_china()
        self._decide_dprk(top, request, dprk_power)

    def _decide_russia(self, top: float, request: float) -> None:
        p, st, d = self.p, self.state, self.d
        t = "russia.tech_transfer."
        persistent = st["shortfall_streak"] >= p[t + "shortfall_months"]
        trusted = st["trust_russia_dprk"] >= p[t + "trust_threshold"]
        ready = 1.0 if persistent and trusted else 0.0
        tier = min(st["russia_tech_tier"] + ready, self._allowed_tier())
        food, oil = p["russia.payment.food_share"], p["russia.payment.oil_share"]
        money = p["russia.payment.cash_share"] * 1.0
        total = max(food + oil + money, 1e-9)
        intensity = d["war_intensity"]
        committed = 1.0 if st["russia_commitment"] >= p["russia.troops.min_commitment"] else 0.0
        action = {
            "request_containers": request,
            "max_price": top,
            "pay_share": p["russia.payment.reliability"] * 1.0,
            "food_share": food / total,
            "oil_share": oil / total,
            "cash_share": money / total,
            "missile_request": p["russia.missiles.need"] * intensity * 1.0,
            "missile_max_price_k": p["russia.missiles.value_k"] * (1.0 - st["missile_malfunction"]),
            "heavy_request": p["russia.heavy.need"] * intensity * 1.0,
            "heavy_max_price_k": p["russia.heavy.value_k"],
            "troop_request_k": p["russia.troops.need_k"] * intensity * committed * 1.0,
            "troop_pay_usd": max(p["russia.troops.pay_usd"], p["dprk.troops.reservation_usd"]),
        }
        _clipped(action, _RUSSIA_LEVERS)
        action["tech_tier"] = _whole(tier, 3.0)
        self.a_russia = action

    def _allowed_tier(self) -> float:
        t = "russia.tech_transfer."
        cap = float(math.floor(self.p[t + "max_tier"]))
        return cap if self.p[t + "allow_nbc"] > 0.5 else min(cap, 2.0)

    def _decide_china(self) -> None:
        p, st = self.p, self.state
        resentful = st["china_resentment"] > p["china.resentment_tolerance"]
        policy = self.china_policy
        if policy == 0:  # dependency_builder
            slip = max(0.0, p["china.leverage_target"] - st["cn_share_of_dprk_trade"])
            chill = p["china.chill_level"] if resentful else 1.0
            aid = p["china.trade.aid_m"] * (1.0 + p["china.leverage_aid_boost"] * slip) * chill
            level, enforcement = chill, p["china.enforcement"] * 1.0
        elif policy == 1:  # punisher
            level = p["china.punish_level"] if resentful else 1.0
            enforcement = p["china.punish_enforcement"] if resentful else p["china.enforcement"]
            aid = p["china.trade.aid_m"] * level
        elif policy == 2:  # competitor
            aid = p["china.trade.aid_m"] + p["china.outbid_ratio"] * st["payment_m"]
            level = p["china.competitor_trade_level"] * 1.0
            enforcement = p["china.enforcement"] * 1.0
        else:  # enforcer
            level = p["china.enforcer_trade_level"] * 1.0
            aid = p["china.enforcer_aid_share"] * p["china.trade.aid_m"] * 1.0
            enforcement = p["china.punish_enforcement"] * 1.0
        action = {"trade_level": level, "aid_m": aid, "enforcement": enforcement}
        action["aid_condition"] = 0.0
        _clipped(action, _CHINA_LEVERS)
        self.a_china = action

    def _decide_dprk(self, top: float, request: float, power: float) -> None:
        p, st, d, b = self.p, self.state, self.d, "dprk.behaviour."
        paid = st["payment_ratio"] >= 1.0 - p[b + "tolerance"]
        forgive = self.draws.uniform(self.month, "dprk:forgive") < p[b + "forgiveness"]
        level = 1.0 if paid or forgive else p[b + "cut_level"]
        trust = _clip(
            p[b + "trust_offer_base"] + p[b + "trust_offer_slope"] * st["trust_dprk_russia"], 0, 1
        )
        over = max(0.0, st["china_resentment"] - p["china.resentment_tolerance"])
        caution = p[b + "china_caution"] * st["trust_dprk_china"]
        restraint = _clip(1.0 - p[b + "restraint_slope"] * caution * over, 0, 1)
        offer = p["dprk.munitions.max_offer_containers"] * level * trust * restraint
        need = 1.0 + p[b + "need_discount"] * st["dprk_food_gap"]
        reserve = p[b + "price_ask"] / need
        span = p["russia.payment.demand_span"]
        best_top = max(top, 1e-9)
        margin = max(best_top - reserve, 0.0)
        offer = min(offer, request * margin / (2.0 * span * best_top))
        # the price: the Nash bargain, bounded below by scarcity, grossed up for risk
        nash = 1.0 * reserve + power * max(top - 1.0 * reserve, 0.0)
        above = max(st["dprk_stock_m"] - st["kpa_floor_m"], 0.0) * 1e6
        stock = above / p["dprk.munitions.rounds_per_container"]
        supply = min(min(offer, d["transport_capacity"]), stock)
        taken = min(supply / max(request, 1e-9), 1.0)
        clearing = top * (1.0 - span * taken) if request > 0 else 0.0
        price = max(nash, clearing / need)
        price = price * (1.0 - p[b + "tier_discount"] * st["russia_tech_tier"])
        expected = max(st["dprk_expected_pay"], 1e-3)
        price = price / expected
        launch = (
            1.0
            if self.draws.uniform(self.month, "dprk:launch") < p["dprk.satellite.launch_rate"] * 1.0
            else 0.0
        )
        willing = level * restraint
        trusted = 1.0 if st["trust_dprk_russia"] >= p["dprk.missiles.trust_threshold"] else 0.0
        worth = p["russia.missiles.value_k"] * (1.0 - st["missile_malfunction"])
        reserve_k = p["dprk.missiles.reserve_k"]
        missile_price = (reserve_k + power * max(worth - reserve_k, 0.0)) / expected
        heavy_reserve = p["dprk.heavy.reserve_k"]
        heavy_surplus = max(p["russia.heavy.value_k"] - heavy_reserve, 0.0)
        heavy_price = (heavy_reserve + power * heavy_surplus) / expected
        action = {
            "offer_containers": offer,
            "price_ask": price,
            "kpa_floor": p["dprk.munitions.kpa_floor"],
            "missile_offer": p["dprk.missiles.max_offer"] * trusted * willing,
            "missile_price_k": missile_price,
            "heavy_offer": p["dprk.heavy.max_offer"] * trusted * willing,
            "heavy_price_k": heavy_price,
            "troops_k": p["dprk.troops.max_k"] * willing,
            "workers_k": p["dprk.revenue.workers_k"],
            "cyber_effort": p["dprk.revenue.cyber_effort"],
        }
        _clipped(action, _DPRK_LEVERS)
        action["launch"] = _whole(launch, 1.0)
        self.a_dprk = action

    # ------------------------------------------------------------------ exchanges
    def ship_munitions(self) -> None:
        """Munitions DPRK -> Russia: min(request, offer, transport, stock above the floor)."""
        p, d, a, r = self.p, self.d, self.a_dprk, self.a_russia
        self.d_floor = a["kpa_floor"] * p["dprk.munitions.initial_stock_m"]
        per = p["dprk.munitions.rounds_per_container"]
        price, top = a["price_ask"] * r["pay_share"], r["max_price"]
        room = (top - price) / max(p["russia.payment.demand_span"] * top, 1e-9)
        share = min(room, 1.0) if top > price else 0.0
        request = r["request_containers"]
        capacity = d["transport_capacity"]
        stock, floor = self.d_stock, self.d_floor
        above = max(stock - floor, 0.0) * 1e6 / per
        containers = max(
            min(min(a["offer_containers"], request * share), min(capacity, above)), 0.0
        )
        rounds = min(containers * per / 1e6, max(stock - floor, 0.0))
        judged = min(request * share, min(capacity, above))
        self.d_stock = stock - rounds
        self.d_containers_cum = self.d_containers_cum + containers
        self.d_rounds_cum = self.d_rounds_cum + rounds
        self.f_demand_share, self.f_containers, self.f_rounds = share, containers, rounds
        self.f_transport, self.f_request, self.f_judged = capacity, request, judged
        self.f_delivery_ratio = containers / max(judged, 1e-9) if judged > 0.5 else 1.0

    def pay_for_shells(self) -> None:
        """Payment Russia -> DPRK at the agreed price; Russia delivers a noisy share."""
        p, act = self.p, self.a_russia
        z = self.draws.normal(self.month, "russia:payment")
        total = act["food_share"] + act["oil_share"] + act["cash_share"]
        if total > 0:
            food, oil = act["food_share"] / total, act["oil_share"] / total
            cash = act["cash_share"] / total
        else:
            food = oil = cash = 1.0 / 3.0
        price = self.a_dprk["price_ask"]
        agreed = self.f_rounds * price
        ratio = (
            _clip(act["pay_share"] + p["russia.payment.noise"] * z, 0.0, 1.0) if agreed > 0 else 1.0
        )
        paid = agreed * ratio
        self.f_price, self.f_agreed, self.f_paid = price, agreed, paid
        self.f_pay_food, self.f_pay_oil, self.f_pay_cash = paid * food, paid * oil, paid * cash
        self.f_payment_ratio = ratio
        if agreed > 0:
            e = self.d_expected_pay
            self.d_expected_pay = e + p["dprk.behaviour.pay_memory"] * (ratio - e)
        self.r_stock = self.r_stock + self.f_rounds
        self.r_stock_dprk = self.r_stock_dprk + self.f_rounds

    def ship_arms(self) -> None:
        """SRBMs and heavy systems DPRK -> Russia at the prices DPRK asks; DPRK learns."""
        a, r = self.a_dprk, self.a_russia
        price = a["missile_price_k"]
        above = max(self.d_missile_stock - self.d_missile_floor, 0.0)
        count = (
            min(min(a["missile_offer"], r["missile_request"]), above)
            if price <= r["missile_max_price_k"]
            else 0.0
        )
        paid = count * price / 1000.0 * r["pay_share"]
        self.d_missile_stock = self.d_missile_stock - count
        self.d_missiles_cum = self.d_missiles_cum + count
        before = self.d_malfunction
        learning = self.p["dprk.missiles.learning"]
        self.d_malfunction = before * self.pow(1.0 - learning, count / 10.0)
        self.f_missiles, self.f_reliability_gain = count, before - self.d_malfunction
        self.f_missile_price, self.f_missile_paid = price, paid
        price = a["heavy_price_k"]
        above = max(self.d_heavy_stock - self.d_heavy_floor, 0.0)
        count = (
            min(min(a["heavy_offer"], r["heavy_request"]), above)
            if price <= r["heavy_max_price_k"]
            else 0.0
        )
        self.d_heavy_stock = self.d_heavy_stock - count
        self.d_heavy_cum = self.d_heavy_cum + count
        self.f_heavy, self.f_heavy_price = count, price
        self.f_heavy_paid = count * price / 1000.0 * r["pay_share"]

    def _free(self) -> float:
        """1 where DPRK's own launches and deployments count this month (after the record)."""
        return 1.0 if self.month > self.setting.record_months else 0.0

    def deploy_troops(self) -> None:
        """DPRK troops fight for Russia: paid per soldier, they take casualties and learn."""
        p, r, t = self.p, self.a_russia, "dprk.troops."
        offer = self.a_dprk["troops_k"] * self._free()
        wanted = max(min(offer, r["troop_request_k"]), p[t + "committed_k"])
        troops = wanted if r["troop_pay_usd"] >= p[t + "reservation_usd"] else 0.0
        intensity = self.d["war_intensity"]
        self.d_troops = troops
        self.d_casualties = self.d_casualties + troops * p[t + "casualty_rate"] * intensity
        self.d_experience = _approach(self.d_experience, p[t + "experience_gain"] * troops / 10.0)
        self.r_commitment = _approach(
            self.r_commitment, p["dynamics.troop_commitment"] * troops / 10.0
        )
        self.f_troop_pay = troops * r["troop_pay_usd"] / 1000.0

    def fire_artillery(self) -> None:
        """Russia fires from its stock; DPRK duds cost extra rounds."""
        p, w = self.p, "russia.war."
        dud = p[w + "dud_rate"]
        want = p[w + "fire_rate_m"] * self.d["war_intensity"]
        stock = self.r_stock
        share = self.r_stock_dprk / max(stock, 1e-12) if stock > 0 else 0.0
        used = min(want / (1.0 - dud * share), stock)
        self.r_stock = stock = stock - used
        self.r_stock_dprk = max(self.r_stock_dprk - used * share, 0.0)
        restock = max(p[w + "restock_target_m"] - stock, 0.0) / p[w + "restock_months"]
        demand = want + restock
        self.r_demand = demand
        supply = self.r_production + self.f_rounds * (1.0 - dud)
        self.r_shortfall = _unmet(demand, self.r_production)
        self.r_unmet = _unmet(demand, supply)
        threshold = p["russia.tech_transfer.shortfall_threshold"]
        self.r_streak = self.r_streak + 1 if self.r_shortfall >= threshold else 0.0
        self.r_fire, self.f_fire_share = used, share

    def _russia_pays(self) -> float:
        return self.f_paid + self.f_missile_paid + self.f_heavy_paid + self.f_troop_pay

    def _pressure(self) -> float:
        return self.d["pressure"] * (1.0 + self.d_rok_alarm)

    def trade_with_china(self) -> None:
        """China <-> DPRK exports, imports and aid; China absorbs part of the deficit."""
        p, d, act, ct = self.p, self.d, self.a_china, "china.trade."
        rho, sd = p[ct + "level_persistence"], p[ct + "level_sd"]
        z = self.draws.normal(self.month, "china:appetite")
        self.c_appetite = rho * self.c_appetite + sd * math.sqrt(1.0 - rho * rho) * z
        appetite = self.exp(self.c_appetite - 0.5 * (sd * sd))
        russia = self._russia_pays() + self.f_ru_civil + self.f_ru_aid
        total = russia + self.f_cn_exports + self.f_cn_imports + self.f_cn_aid
        tilt = russia / max(total, 1e-12) if total > 0 else 0.0
        dprk_trade_bn = (self.f_cn_exports + self.f_cn_imports) * 12.0 / 1000.0
        rok = p["china.rok_trade_bn"]
        both = rok + dprk_trade_bn
        stake = rok / max(both, 1e-12) if both > 0 else 0.0
        push = 1.0 - self.exp(-p["china.rok_weight"] * self._pressure() * self.d_exposure * stake)
        enforcement = act["enforcement"] + (1.0 - act["enforcement"]) * push
        border = d["border_cn"]
        income = self.f_pay_cash + p[ct + "imports_m"] * border
        fx_available = self.d_fx + income
        level = act["trade_level"]
        exempt, overdraft = p[ct + "sanctions_exempt"], p[ct + "overdraft_share"]
        open_ = level * border
        exports = (
            p[ct + "exports_m"] * appetite * open_ * (exempt + (1.0 - exempt) * (1.0 - enforcement))
        )
        imports = p[ct + "imports_m"] * appetite * border * (1.0 - d["un_scope"] * enforcement)
        deficit = max(exports - imports, 0.0)
        cost = deficit * (1.0 - overdraft)
        affordable = fx_available / max(cost, 1e-12) if cost > fx_available else 1.0
        exports = imports + (exports - imports) * (affordable if exports > imports else 1.0)
        deficit = max(exports - imports, 0.0)
        cost = deficit * (1.0 - overdraft)
        self.c_enforcement, self.c_trade_level = enforcement, level
        normal = p[ct + "exports_m"] * appetite * border
        shipped = normal * level
        lost = normal * max(1.0 - level, 0.0) + max(shipped - exports, 0.0)
        self.f_cn_exports, self.f_cn_imports = exports, imports
        self.f_cn_aid = act["aid_m"] * (1.0 - act["aid_condition"] * tilt) * border
        self.f_cn_absorbed, self.f_cn_cash_cost, self.f_cn_lost = deficit - cost, cost, lost

    def trade_with_russia(self) -> None:
        """Russia <-> DPRK civilian trade, carried by the rail (and the bridge once open)."""
        p, d = self.p, self.d
        mutual = 0.5 * (self.r_trust_dprk + self.d_trust_russia)
        growth = p["russia.trade.trade_growth"] * (mutual - p["dynamics.trust_baseline"])
        self.r_relationship = max(self.r_relationship * (1.0 + growth), 0.0)
        cut = max(1.0 - self.a_china["trade_level"], 0.0)
        lost = p["china.trade.exports_m"] * d["border_cn"] * cut
        level = (
            p["russia.trade.civil_trade_m"] * self.r_relationship
            + p["russia.trade.substitution"] * lost
        )
        sanctioned = p["russia.trade.sanctioned_share"]
        civil = level * d["border_ru"] * (1.0 - sanctioned * d["un_scope"] * self.f_reach)
        capacity = self._civil_capacity()
        self.f_civil_capacity = capacity
        ratio = capacity / max(self.civil_capacity_start, 1e-9)
        elasticity = p["russia.transport.access_elasticity"]
        potential = max(civil, 0.0) * self.pow(max(ratio, 0.0), elasticity)
        self.f_ru_civil = min(potential, capacity)
        self.f_ru_aid = (
            p["russia.trade.concessional_aid_m"] + p["russia.alliance_aid_m"] * self.r_commitment
        ) * d["border_ru"]

    def _civil_capacity(self) -> float:
        p, t = self.p, "russia.transport."
        bridge = 1.0 if p[t + "bridge_open"] > 0.5 else 0.0
        return max(p[t + "rail_m"] + p[t + "bridge_m"] * bridge, 0.0)

    def earn_abroad(self) -> None:
        """Hard currency from workers abroad and cyber theft, less what enforcement stops."""
        p, act, v = self.p, self.a_dprk, "dprk.revenue."
        watched = self.f_reach * self.f_detection
        workers, effort = act["workers_k"], act["cyber_effort"]
        rs, block = p[v + "russia_share"], p[v + "labour_block"]
        china = max(self.c_enforcement, watched)
        gross = max(workers, 0.0) * p[v + "remit_usd"] / 1000.0
        kept = rs * (1.0 - block * watched) + (1.0 - rs) * (1.0 - block * china)
        labour = gross * _clip(kept, 0.0, 1.0)
        sd = p[v + "cyber_sd"]
        z = self.draws.normal(self.month, "dprk:cyber")
        shock = self.exp(sd * z - 0.5 * (sd * sd))
        theft = p[v + "cyber_m"] * self.pow(max(effort, 0.0), p[v + "cyber_returns"]) * shock
        cyber = (
            theft * p[v + "cyber_cashout"] * _clip(1.0 - p[v + "cyber_block"] * watched, 0.0, 1.0)
        )
        in_russia = workers * rs
        self.r_relationship = self.r_relationship * (1.0 + p[v + "labour_ties"] * in_russia / 100.0)
        seen = p[v + "labour_visibility"] * max(workers, 0.0) / 10.0 + p[
            v + "cyber_visibility"
        ] * max(effort, 0.0)
        push = _clip(seen * self.f_detection, 0.0, 1.0)
        self.f_labour_income, self.f_cyber_income = labour, cyber
        self.f_channel_push = self.f_channel_push + push

    def transfer_technology(self) -> None:
        """Russian technology raises satellite capability; launches follow and teach."""
        p, t = self.p, "russia.tech_transfer."
        before = self.r_tier
        self.r_tier = tier = min(self.a_russia["tech_tier"], self._allowed_tier())
        if tier > before:
            self.r_streak = 0.0
        cap = self.d_capability
        cap = cap + _clip(p["dprk.satellite.tech_gain"] * tier, 0.0, 1.0) * (1.0 - cap)
        self.d_systems = _approach(self.d_systems, p[t + "conventional_gain"] * (tier >= 2))
        self.d_nbc = _approach(self.d_nbc, p[t + "nbc_gain"] * (tier >= 3))
        own = self.a_dprk["launch"] * self._free()
        attempt = max(own, self.f_forced_launch)
        draw = self.draws.uniform(self.month, "dprk:launch_outcome")
        if self.f_forced_outcome > 0:
            draw = -1.0
        elif self.f_forced_outcome < 0:
            draw = 2.0
        success = attempt * (draw < cap)
        self.d_capability = cap + attempt * p["dprk.satellite.learning"] * (1.0 - cap)
        self.d_attempts_cum = self.d_attempts_cum + attempt
        self.d_successes_cum = self.d_successes_cum + success
        self.f_attempts = attempt

    def update_economy(self) -> None:
        """DPRK's hard currency, food, oil, imports and GDP."""
        p, d, e, ct = self.p, self.d, "dprk.economy.", "china.trade."
        # hard currency: income, then committed spending, Russian imports, discretionary
        share = p["russia.trade.dprk_import_share"]
        income = (
            self.f_pay_cash
            + self.f_missile_paid
            + self.f_heavy_paid
            + self.f_troop_pay
            + self.f_cn_imports
            + self.f_ru_civil * (1.0 - share)
            + self.f_labour_income
            + self.f_cyber_income
        )
        committed = self.f_cn_cash_cost + self.f_attempts * p["dprk.satellite.launch_cost_m"]
        cash = max(self.d_fx + income - committed, 0.0)
        ru_imports = min(self.f_ru_civil * share, cash)
        cash = cash - ru_imports
        net = max(income - committed - ru_imports, 0.0)
        spend = p[e + "income_spend_share"] * net + p[e + "fx_spend_rate"] * self.d_fx
        self.f_fx_spend = min(spend, cash)
        self.d_fx = cash - self.f_fx_spend
        self.f_ru_civil = ru_imports + self.f_ru_civil * (1.0 - share)
        # food, oil, goods
        food_in = (
            self.f_cn_exports * p[ct + "food_share"]
            + self.f_cn_aid * p[ct + "aid_food_share"]
            + self.f_pay_food
        )
        food_need, harvest = p[e + "food_need_m"], d["harvest"]
        self.d_food_gap = _clip(1.0 - harvest - food_in / food_need, 0.0, 1.0)
        self.d_food_supply = harvest + food_in / food_need
        aid_oil = p["russia.trade.aid_oil_share"]
        oil_m = self.f_cn_exports * p[ct + "oil_share"] + self.f_pay_oil + self.f_ru_aid * aid_oil
        self.d_oil_supply = (p[ct + "oil_aid_kbbl"] + oil_m / d["oil_price"] * 1000.0) / p[
            e + "oil_need_kbbl"
        ]
        goods = (
            self.f_cn_exports * (1.0 - p[ct + "food_share"] - p[ct + "oil_share"])
            + self.f_cn_aid * (1.0 - p[ct + "aid_food_share"])
            + ru_imports
            + self.f_ru_aid * (1.0 - aid_oil)
            + self.f_fx_spend
        )
        imports, oil, food = goods / p[e + "import_need_m"], self.d_oil_supply, self.d_food_supply
        wi, wo, wf = p[e + "weight_imports"], p[e + "weight_oil"], p[e + "weight_food"]
        cap, sub = p[e + "input_cap"], p[e + "import_substitution"]
        log = self.log
        ri = _clip(sub + (1.0 - sub) * imports, 1e-6, cap)
        ro = _clip(oil, 1e-6, cap)
        rf = _clip(food, 1e-6, 1.0)
        lri, lro, lrf = log(ri), log(ro), log(rf)
        index = self.exp((wi * lri + wo * lro + wf * lrf) / max(wi + wo + wf, 1e-12))
        we = p[e + "import_erosion"] * wi
        erosion_index = self.exp((we * lri + wo * lro + wf * lrf) / max(we + wo + wf, 1e-12))
        beyond = min(erosion_index / (1.0 - p[e + "erosion_tolerance"]), 1.0)
        erosion = self.exp(p[e + "hysteresis"] / 12.0 * log(beyond))
        potential = self.d_potential * self.pow(1.0 + p[e + "trend_growth"], 1.0 / 12.0) * erosion
        self.d_potential = potential
        target = potential * self.pow(index, p[e + "input_elasticity"])
        self.d_gdp_civil = self.d_gdp_civil + p[e + "adjustment_rate"] * (target - self.d_gdp_civil)
        # munitions in GDP: new output at DPRK's own value, exports at their price
        own, added = p[e + "shell_book_value"], p[e + "munitions_value_added"]
        missile = p["dprk.missiles.reserve_k"] / 1000.0
        heavy = p["dprk.heavy.reserve_k"] / 1000.0
        made = added * (
            self.d_production * own
            + p["dprk.missiles.production"] * missile
            + p["dprk.heavy.production"] * heavy
        )
        margin = max(self.f_paid - self.f_rounds * own, 0.0)
        margin = margin + max(self.f_missile_paid - self.f_missiles * missile, 0.0)
        margin = margin + max(self.f_heavy_paid - self.f_heavy * heavy, 0.0)
        arms = (made + margin) * 12.0 / 1000.0
        self.d_arms_gdp = self.d_arms_gdp + p[e + "arms_smoothing"] * (arms - self.d_arms_gdp)
        before = self.d_gdp
        gdp = self.d_gdp_civil + self.d_arms_gdp
        self.d_growth = self.pow(max(gdp, 1e-6) / max(before, 1e-6), 12.0) - 1.0
        self.d_gdp = gdp
        self.f_imports = goods + food_in + oil_m
        self.f_oil_m = oil_m

    def check_oil_cap(self) -> None:
        """Refined oil delivered in the last twelve months against the UN cap."""
        p = self.p
        kbbl = max(self.f_oil_m, 0.0) / max(self.d["oil_price"], 1e-9) * 1000.0
        self.ledger[self.ledger_count % 12] = kbbl
        self.ledger_count += 1
        yearly = 0.0
        for value in self.ledger:
            yearly += value
        yearly = yearly * 12.0 / min(self.ledger_count, 12)
        ratio = yearly / p["dynamics.un.oil_cap_kbbl_yr"]
        push = _clip(
            p["dynamics.un.oil_visibility"] * max(ratio - 1.0, 0.0) * self.f_detection, 0.0, 1.0
        )
        self.f_oil_refined, self.f_oil_cap_ratio = yearly, ratio
        self.f_channel_push = self.f_channel_push + push

    def update_exposure(self) -> None:
        """Shipments seen, launches, arms and troops raise DPRK's exposure; it decays."""
        p, dy = self.p, "dynamics."
        seen = self.f_containers / 1000.0 * p[dy + "detect_rate"] * self.f_detection
        attempts = self.f_attempts + p[dy + "arms_visibility"] * (self.f_missiles + self.f_heavy)
        push = _clip(
            p[dy + "shipment_visibility"] * seen + p[dy + "launch_visibility"] * attempts, 0.0, 1.0
        )
        exposure = self.d_exposure
        decay = p[dy + "exposure_decay"]
        exposure = _clip(exposure * (1.0 - decay) + (1.0 - exposure) * push, 0.0, 1.0)
        exposure = _approach(exposure, p["dprk.troops.visibility"] * self.d_troops / 10.0)
        self.d_exposure = _signal(exposure, self.f_channel_push)

    def update_resentment(self) -> None:
        """China's resentment moves toward DPRK's tilt, its alarm adds; it may forgive."""
        p, dy = self.p, "dynamics."
        russia = self._russia_pays() + self.f_ru_civil + self.f_ru_aid
        china = self.f_cn_exports + self.f_cn_imports + self.f_cn_aid
        total = russia + china
        tilt = russia / max(total, 1e-12) if total > 0 else 0.0
        before = self.c_resentment
        rate = p[dy + "resentment_rate"]
        resentment = _clip(before + rate * (tilt - before), 0.0, 1.0)
        alarm = (
            p[dy + "troop_resentment"] * self.d_troops / 10.0
            + p[dy + "systems_resentment"] * max(self.r_tier - 1.0, 0.0)
            + p[dy + "missile_resentment"] * self.f_reliability_gain
        )
        resentment = _approach(resentment, alarm)
        draw = self.draws.uniform(self.month, "china:forgive")
        if before > p["china.resentment_tolerance"] and draw < p["china.forgiveness"]:
            resentment = resentment * (1.0 - p["china.forgive_relief"])
        self.c_resentment = resentment

    def update_alarm(self) -> None:
        """The ROK's alarm rises with DPRK troops abroad and tiers above 1; it fades."""
        p = self.p
        provocation = self.d_troops / 10.0 + max(self.r_tier - 1.0, 0.0)
        self.d_rok_alarm = _approach(
            self.d_rok_alarm * (1.0 - p["dynamics.rok_alarm_decay"]),
            p["dynamics.rok_alarm_gain"] * provocation,
        )

    def update_trust(self) -> None:
        """The six directed trust values; Russia's commitment erodes below the baseline."""
        p, dy = self.p, "dynamics."
        rates = (
            p[dy + "trust_gain"],
            p[dy + "trust_loss"],
            p[dy + "trust_decay"],
            p[dy + "trust_baseline"],
        )
        active = 1.0 if self.f_agreed > 0 else 0.0
        trust = _trust(self.d_trust_russia, self.f_payment_ratio, active, *rates)
        raised = max(self.r_tier - self.state["russia_tech_tier"], 0.0)
        self.d_trust_russia = _signal(trust, p[dy + "signal_bonus"] * raised)
        active = 1.0 if self.f_judged > 0.5 else 0.0
        self.r_trust_dprk = _trust(self.r_trust_dprk, self.f_delivery_ratio, active, *rates)
        baseline = rates[3]
        doubt = max(baseline - self.r_trust_dprk, 0.0) / max(baseline, 1e-12)
        self.r_commitment = self.r_commitment * (1.0 - p[dy + "commitment_decay"] * doubt)
        grievance = p[dy + "enforcement_grievance"] * self.c_enforcement
        level = min(self.a_china["trade_level"], 1.0) * (1.0 - grievance)
        self.d_trust_china = _trust(self.d_trust_china, level, 1.0, *rates)
        self.c_trust_dprk = _trust(self.c_trust_dprk, 1.0 - self.c_resentment, 1.0, *rates)
        self.r_trust_china = _trust(self.r_trust_china, 1.0 - self.c_enforcement, 1.0, *rates)
        alarm = _clip(1.0 - p[dy + "tier_alarm"] * self.r_tier, 0.0, 1.0)
        self.c_trust_russia = _trust(self.c_trust_russia, alarm, 1.0, *rates)

    def _need_log(self, supply: float, surplus: float) -> float:
        log = self.log(max(supply, 1e-6))
        return min(log, 0.0) + surplus * max(log, 0.0)

    def update_security(self) -> None:
        """DPRK's regime security: a logistic of weighted log gains and losses."""
        p, w, m = self.p, "dprk.security.", "dprk.missiles."
        od = p[w + "other_deterrent_m"]
        other = od * (
            1.0
            + p[w + "weight_experience"] * self.d_experience
            + p[w + "weight_systems"] * self.d_systems
            + p[w + "weight_heavy"] * (self.d_heavy_stock / self.d_heavy_start - 1.0)
        )
        conventional = self.log(
            max(max(self.d_stock, 0.0) + other, 1e-9) / max(self.d_stock_start + od, 1e-9)
        )
        surplus = p[w + "surplus_weight"]
        required = max(
            p[m + "kpa_floor"] * p[m + "initial_stock"] * (1.0 - p[m + "malfunction"]), 1.0
        )
        force = max(self.d_missile_stock * (1.0 - self.d_malfunction), 1.0)
        missiles = self._need_log(force / required, surplus) - self._need_log(
            self.d_missile_force_start / required, surplus
        )
        strategic = (
            self.d_capability
            - self.d_capability_start
            + p[w + "weight_alliance"] * self.r_commitment
            + p[w + "weight_missiles"] * missiles
            + p[w + "weight_nbc"] * self.d_nbc
        )
        sat = p[w + "satellite_share"]
        self.d_deterrence = (1.0 - sat) * conventional + sat * strategic
        month = p["dprk.economy.import_need_m"]
        x = (
            0.0
            + p[w + "weight_food"] * self._need_log(self.d_food_supply, surplus)
            + p[w + "weight_oil"] * self._need_log(self.d_oil_supply, surplus)
            + p[w + "weight_economy"] * self.log(max(self.d_gdp, 1e-6) / self.d_gdp_start)
            + p[w + "weight_reserves"]
            * self.log(max(self.d_fx + month, 1e-9) / (self.d_fx_start + month))
            + p[w + "weight_deterrence"] * self.d_deterrence
            + -p[w + "weight_exposure"] * (self.d_exposure - self.d_exposure_start)
            + -p[w + "weight_anger"] * (self.c_resentment - self.c_resentment_start)
            + -p[w + "weight_casualties"] * self.d_casualties / 10.0
        )
        self.d_security = 0.5 * (1.0 + self.tanh(0.5 * x))

    def record(self) -> None:
        """This month's metrics: recorded, and next month's observed state."""
        self.state = self.metrics()
        self.records.append(self.state)

    # ------------------------------------------------------------------ metrics
    def metrics(self) -> dict[str, float]:
        """Every recorded metric, plus the trackers the policies read."""
        p, d = self.p, self.d
        cn_trade = self.f_cn_exports + self.f_cn_imports
        ru_trade = self.f_ru_civil + self.f_ru_aid
        other = p["dprk.economy.other_trade_m"] * d["border_cn"]
        total = cn_trade + ru_trade + other
        resentment = self.c_resentment
        trusts = (
            self.d_trust_russia,
            self.d_trust_china,
            self.r_trust_dprk,
            self.r_trust_china,
            self.c_trust_dprk,
            self.c_trust_russia,
        )
        cohesion = (
            (0.0 + trusts[0] + trusts[1] + trusts[2] + trusts[3] + trusts[4] + trusts[5])
            / 6.0
            * (1.0 - resentment)
        )
        cn_share = cn_trade / max(total, 1e-12) if total > 0 else 0.0
        unmet = self._need_unmet()
        pressure = self._pressure()
        # Russia's score
        visible = self.d_exposure * pressure * (1.0 - self.r_commitment)
        gains = self.d_malfunction_start - self.d_malfunction + self.d_systems + self.d_nbc
        russia_cost = (
            p["russia.visibility_weight"] * visible
            + p["russia.payment_weight"] * self._russia_pays() / 1000.0
            + p["russia.tech_cost"] * (self.r_tier * self.r_tier)
            + p["russia.proliferation_weight"] * gains
        )
        # China's score
        china_in = self.f_cn_exports + self.f_cn_aid + self.f_cn_absorbed
        inflows = china_in + self.f_paid + ru_trade + other
        leverage = china_in / max(inflows, 1e-12) if inflows > 0 else 0.0
        influence = leverage * self.d_trust_china * (1.0 - resentment)
        sw = p["china.stability_weight"]
        china_gain = sw * (1.0 - self.d_food_gap) + (1.0 - sw) * influence
        spent = self.f_cn_aid + self.f_cn_absorbed + self.f_cn_lost
        china_cost = p["china.cost_weight"] * spent / 1000.0
        china_seen = (
            p["china.rok_weight"] * (self.d_exposure * pressure) * (1.0 - self.c_enforcement)
        )
        workers = self.a_dprk.get("workers_k", p["dprk.revenue.workers_k"])
        return {
            "containers": self.f_containers,
            "containers_cum": self.d_containers_cum,
            "rounds_m": self.f_rounds,
            "rounds_cum_m": self.d_rounds_cum,
            "rounds_received_m": self.f_rounds,
            "russia_fire_m": self.r_fire,
            "russia_fire_per_day": self.r_fire * 1e6 * 12.0 / 365.25,
            "russia_production_m": self.r_production,
            "russia_stock_m": self.r_stock,
            "russia_shortfall": self.r_shortfall,
            "russia_unmet": self.r_unmet,
            "russia_fire_share": self.f_fire_share,
            "dprk_production_m": self.d_production,
            "dprk_utilisation": self.d_utilisation,
            "dprk_stock_m": self.d_stock,
            "dprk_stock_above_floor_m": max(self.d_stock - self.d_floor, 0.0),
            "kpa_floor_m": self.d_floor,
            "price_per_round": self.f_price,
            "payment_m": self.f_paid,
            "payment_food_m": self.f_pay_food,
            "payment_oil_m": self.f_pay_oil,
            "payment_cash_m": self.f_pay_cash,
            "payment_ratio": self.f_payment_ratio,
            "russia_demand_share": self.f_demand_share,
            "dprk_expected_pay": self.d_expected_pay,
            "russia_commitment": self.r_commitment,
            "missiles": self.f_missiles,
            "missiles_cum": self.d_missiles_cum,
            "dprk_missile_stock": self.d_missile_stock,
            "missile_malfunction": self.d_malfunction,
            "missile_price_k": self.f_missile_price,
            "missile_payment_m": self.f_missile_paid,
            "heavy_systems": self.f_heavy,
            "heavy_systems_cum": self.d_heavy_cum,
            "dprk_heavy_stock": self.d_heavy_stock,
            "heavy_price_k": self.f_heavy_price,
            "heavy_payment_m": self.f_heavy_paid,
            "troops_k": self.d_troops,
            "troop_casualties_k": self.d_casualties,
            "troop_pay_m": self.f_troop_pay,
            "combat_experience": self.d_experience,
            "dprk_modern_systems": self.d_systems,
            "dprk_nbc_help": self.d_nbc,
            "rok_alarm": self.d_rok_alarm,
            "dprk_gdp_bn": self.d_gdp,
            "dprk_gdp_growth": self.d_growth,
            "dprk_food_gap": self.d_food_gap,
            "dprk_food_supply": self.d_food_supply,
            "dprk_oil_supply": self.d_oil_supply,
            "dprk_fx_m": self.d_fx,
            "dprk_imports_m": self.f_imports,
            "satellite_capability": self.d_capability,
            "satellite_attempts_cum": self.d_attempts_cum,
            "satellite_successes_cum": self.d_successes_cum,
            "russia_tech_tier": self.r_tier,
            "cn_exports_m": self.f_cn_exports,
            "cn_imports_m": self.f_cn_imports,
            "cn_aid_m": self.f_cn_aid + self.f_cn_absorbed,
            "cn_lost_exports_m": self.f_cn_lost,
            "china_leverage": leverage,
            "cn_dprk_trade_bn": cn_trade * 12.0 / 1000.0,
            "ru_dprk_trade_bn": ru_trade * 12.0 / 1000.0,
            "cn_share_of_dprk_trade": cn_share,
            "china_enforcement": self.c_enforcement,
            "china_resentment": resentment,
            "dprk_exposure": self.d_exposure,
            "dprk_regime_security": self.d_security,
            "dprk_deterrence": self.d_deterrence,
            "bloc_cohesion": _clip(cohesion, 0.0, 1.0),
            "trust_dprk_russia": trusts[0],
            "trust_dprk_china": trusts[1],
            "trust_russia_dprk": trusts[2],
            "trust_russia_china": trusts[3],
            "trust_china_dprk": trusts[4],
            "trust_china_russia": trusts[5],
            "score_dprk": self.d_security,
            "russia_need_unmet": unmet,
            "score_russia": (1.0 - unmet) * self.exp(-russia_cost),
            "score_china": china_gain * self.exp(-china_cost - china_seen),
            "war_intensity": d["war_intensity"],
            "transport_capacity": self.f_transport,
            "dprk_workers_abroad_k": workers,
            "dprk_labour_income_m": self.f_labour_income,
            "dprk_cyber_income_m": self.f_cyber_income,
            "ru_civil_capacity_m": self.f_civil_capacity,
            "oil_refined_kbbl_yr": self.f_oil_refined,
            "oil_cap_ratio": self.f_oil_cap_ratio,
            "un_regime": p["dynamics.un.regime"],
            "un_detection": self.f_detection,
            "un_enforcement_reach": self.f_reach,
            # trackers for policies (not recorded)
            "shortfall_streak": self.r_streak,
            "delivery_ratio": self.f_delivery_ratio,
        }

    def _need_unmet(self) -> float:
        """The share of the worth of Russia's military need left unmet this month."""
        p = self.p
        intensity = self.d["war_intensity"]
        asks = 1.0 if self.r_commitment >= p["russia.troops.min_commitment"] else 0.0
        missiles = p["russia.missiles.need"] * intensity
        heavy = p["russia.heavy.need"] * intensity
        troops = p["russia.troops.need_k"] * intensity * asks
        worth = (
            self.r_demand * p["russia.payment.value_per_round"],
            missiles * p["russia.missiles.value_k"] / 1000.0,
            heavy * p["russia.heavy.value_k"] / 1000.0,
            troops * p["russia.troops.value_usd"] / 1000.0,
        )
        unmet = (
            self.r_unmet,
            _unmet_share(self.f_missiles, missiles),
            _unmet_share(self.f_heavy, heavy),
            _unmet_share(self.d_troops, troops),
        )
        total = 0.0 + worth[0] + worth[1] + worth[2] + worth[3]
        lost = (
            0.0
            + worth[0] * unmet[0]
            + worth[1] * unmet[1]
            + worth[2] * unmet[2]
            + worth[3] * unmet[3]
        )
        return lost / max(total, 1e-12) if total > 0 else 0.0


# --------------------------------------------------------------------------- running
def run_worlds(
    setting: Setting,
    first: int,
    count: int,
    exact: bool = False,
    maths: str = "plain",
) -> list[list[dict[str, float]]]:
    """Run worlds ``first .. first + count - 1``, one after the other.

    Args:
        setting: The prepared scenario.
        first: Index of the first world.
        count: Number of worlds.
        exact: Use the model's counter-based draws (:class:`HashDraws`) instead of
            ``random.Random`` (:class:`MesaDraws`).
        maths: ``"plain"`` (``math``) or ``"model"`` (numpy's and scipy's own functions).

    Returns:
        Per world, the recorded metrics of each month.
    """
    functions = model_maths() if maths == "model" else PLAIN
    out = []
    for k in range(first, first + count):
        draws: Draws = (
            HashDraws(setting.seed, k, functions.ndtri) if exact else MesaDraws(setting.seed, k)
        )
        out.append(ScalarWorld(setting, k, draws, functions).run())
    return out


@dataclass(frozen=True)
class Comparison:
    """The port against the model, world by world, month by month, metric by metric.

    Attributes:
        worlds: Worlds compared (0 .. worlds - 1).
        months: Months compared.
        maths: The port's elementary functions (``"model"`` or ``"plain"``).
        values: Values compared (worlds x months x metrics).
        differing: Values not bit-identical.
        max_abs: Largest absolute difference.
        max_rel: Largest difference relative to ``max(|model value|, 1)``.
        worst: ``(world, month, metric, model value, port value)`` of the largest relative
            difference, or None if every value is identical.
        missing: Recorded metrics of the model that the port does not compute.
        extra: Metrics of the port that the model does not record.
        worlds_off: Worlds with at least one differing value.
    """

    worlds: int
    months: int
    maths: str
    values: int
    differing: int
    max_abs: float
    max_rel: float
    worst: tuple[int, int, str, float, float] | None
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    worlds_off: int

    @property
    def identical(self) -> bool:
        """Every value bit-identical and every recorded metric ported."""
        return self.differing == 0 and not self.missing

    def describe(self) -> str:
        """One line for a report or a failing test."""
        where = ""
        if self.worst is not None:
            world, month, name, model, port = self.worst
            where = f"; worst: world {world}, month {month}, {name}: model {model!r}, port {port!r}"
        missing = f"; metrics not ported: {list(self.missing)}" if self.missing else ""
        return (
            f"{self.worlds} worlds x {self.months} months, maths={self.maths}: "
            f"{self.differing:,} of {self.values:,} values differ in {self.worlds_off} worlds "
            f"(largest {self.max_abs:.3g} absolute, {self.max_rel:.3g} relative){where}{missing}"
        )


def compare_with_model(
    scenario: Scenario, worlds: int, maths: str = "model", months: int | None = None
) -> Comparison:
    """Run the port and ``TriadModel`` on worlds ``0 .. worlds - 1`` and compare every value.

    The model is stepped month by month and its float64 metrics (``model.state``, what
    the recorder then stores in float32) are compared with the port's, every recorded
    metric and the two trackers of every month, with the model's draws
    (:class:`HashDraws`).

    Args:
        scenario: The scenario (the port must support it, see :func:`prepare`).
        worlds: Worlds to compare.
        maths: The port's elementary functions: ``"model"`` (expected bit-identical) or
            ``"plain"`` (expected within :data:`PLAIN_TOLERANCE`).
        months: Months to compare (default: the scenario's).
    """
    import numpy as np

    from triad.model.metrics import METRIC_NAMES
    from triad.model.model import TriadModel

    if months is not None:
        scenario = scenario.model_copy(update={"months": months})
    setting = prepare(scenario)
    ported = run_worlds(setting, 0, worlds, exact=True, maths=maths)
    model = TriadModel(scenario, worlds=worlds)
    names = [*METRIC_NAMES, *TRACKERS]
    have = set(ported[0][0]) if ported and ported[0] else set()
    missing = tuple(n for n in names if n not in have)
    extra = tuple(sorted(have - set(names)))
    common = [n for n in names if n in have]
    ref = np.empty((scenario.months, len(common), worlds))
    for month in range(scenario.months):
        model.step()
        for i, name in enumerate(common):
            ref[month, i] = model.state[name]
    mine = np.array([[[m[n] for n in common] for m in w] for w in ported]).transpose(1, 2, 0)
    same = (mine == ref) | (np.isnan(mine) & np.isnan(ref))
    diff = np.where(same, 0.0, np.abs(mine - ref))
    rel = diff / np.maximum(np.abs(ref), 1.0)
    worst = None
    if not same.all():
        month, metric, world = (int(i) for i in np.unravel_index(int(np.nanargmax(rel)), rel.shape))
        worst = (
            int(world),
            int(month),
            common[metric],
            float(ref[month, metric, world]),
            float(mine[month, metric, world]),
        )
    return Comparison(
        worlds=worlds,
        months=scenario.months,
        maths=maths,
        values=int(same.size),
        differing=int((~same).sum()),
        max_abs=float(np.nanmax(diff)) if diff.size else 0.0,
        max_rel=float(np.nanmax(rel)) if rel.size else 0.0,
        worst=worst,
        missing=missing,
        extra=extra,
        worlds_off=int((~same).any(axis=(0, 1)).sum()),
    )
