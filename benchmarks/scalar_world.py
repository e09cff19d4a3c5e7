"""One world of a triad scenario in plain Python: floats and ``math``, no numpy per world.

This is the scalar reference of ``benchmarks/ensemble.py``: what a Mesa user would write
for one world of the model, one Python float per state variable, stepped month by month.
It ports ``TriadModel.step()`` process by process (``docs/odd.md`` section 7; the code in
``src/triad/model/``): the same schedule, the same equations, the default policies of the
baseline (DPRK ``transactional``, Russia ``war_first``, China ``dependency_builder``, the
Nash bargain of ``policies/bargain.py``), and the same random draws per world-month: four
AR(1) driver shocks, Russia's payment, China's trade appetite, DPRK's forgiveness, launch
and launch outcome, China's forgiveness (10 draws), plus the uncertain parameters (14 in
the baseline) and China's initial appetite at set-up.

Two sources of randomness:

* :class:`MesaDraws`, the timed one: one ``random.Random`` per world, as a Mesa model's
  ``self.random`` (``random()`` and ``gauss(0, 1)``).
* :class:`HashDraws`: the model's own counter-based draws (SplitMix64 of seed, world,
  month and site; normals by the inverse normal CDF) in pure Python. World k then gets the
  model's draws and its trajectory should equal the model's world k up to rounding, which
  ``ensemble.py`` checks. It is slower (a pure-Python hash per draw) and not timed.

What differs from the model (see ``docs/performance.md``): the scalar world keeps no event
log, supports only the baseline's kind of events (dated triggers; no conditional or random
events, no set/scale/ramp of parameters or drivers), runs only the three default policies,
and does not check actions for NaN (``clip_action``'s ``nan_to_num``). None of these is
exercised by the baseline except the log, which the model keeps for worlds 0-99.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from triad.scenario.schema import Distribution, Scenario

_NORMAL = NormalDist()
_MASK = 2**64 - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB

TRACKERS = ("shortfall_streak", "delivery_ratio")  # metrics the policies read, not recorded


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
    """One ``random.Random`` per world, as a Mesa model's ``self.random``; sites ignored."""

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
    """The model's counter-based draws for one world (``triad.model.randomness.Streams``)."""

    def __init__(self, seed: int, world: int) -> None:
        base = _mix(seed % 2**64)
        self._key = _mix((world * _GOLDEN + base) & _MASK)

    def uniform(self, month: int, site: str) -> float:
        """The model's uniform for this world, month and site."""
        counter = (((month + 2) * _GOLDEN) & _MASK) ^ _site(site)
        bits = _mix(self._key ^ _mix(counter)) >> 11
        return (bits + 0.5) * 2.0**-53

    def normal(self, month: int, site: str) -> float:
        """The model's normal: the inverse normal CDF of its uniform."""
        return _NORMAL.inv_cdf(self.uniform(month, site))


# --------------------------------------------------------------------------- set-up
@dataclass(frozen=True)
class NoisyDriver:
    """A driver with AR(1) noise: its path and the noise's settings."""

    name: str
    path: tuple[float, ...]
    sd: float
    persistence: float
    relative: bool
    low: float
    high: float


@dataclass(frozen=True)
class Setting:
    """What every world of a scenario shares, prepared once (like loading the scenario).

    Attributes:
        seed: The scenario seed.
        months: Months to simulate.
        params: Parameter path -> value before per-world sampling.
        uncertain: Parameter path -> distribution, sampled per world.
        paths: Driver -> value per month, for drivers without noise (already in bounds).
        noisy: The drivers with noise.
        start: Driver -> value before the first month (the model's initial ``current``).
        triggers: Month -> model triggers fired by the scenario's dated events.
    """

    seed: int
    months: int
    params: dict[str, float]
    uncertain: tuple[tuple[str, Distribution], ...]
    paths: dict[str, tuple[float, ...]]
    noisy: tuple[NoisyDriver, ...]
    start: dict[str, float]
    triggers: dict[int, tuple[str, ...]]


_DEFAULTS = {"dprk": "transactional", "russia": "war_first", "china": "dependency_builder"}


def prepare(scenario: Scenario) -> Setting:
    """Flatten a scenario into a :class:`Setting` (once per scenario, not per world).

    Raises:
        NotImplementedError: If the scenario uses what the scalar port leaves out: other
            policies than the defaults, events that are not dated triggers.
    """
    from triad.model.drivers import base_path
    from triad.model.params import flat_parameters
    from triad.scenario.schema import DRIVER_BOUNDS, parse_year_month

    actors = scenario.actors
    for actor, policy in (
        ("dprk", actors.dprk.policy),
        ("russia", actors.russia.policy),
        ("china", actors.china.policy),
    ):
        if policy != _DEFAULTS[actor]:
            raise NotImplementedError(f"the scalar port runs {_DEFAULTS[actor]!r} for {actor}")
    start = parse_year_month(scenario.start)
    triggers: dict[int, list[str]] = {}
    for event in scenario.events:
        if event.at is None or any(a.kind != "trigger" for a in event.actions):
            raise NotImplementedError(f"event {event.name!r}: only dated triggers are ported")
        month = parse_year_month(event.at) - start
        triggers.setdefault(month, []).extend(a.target for a in event.actions)
    paths: dict[str, tuple[float, ...]] = {}
    noisy: list[NoisyDriver] = []
    first: dict[str, float] = {}
    for name, (low, high) in DRIVER_BOUNDS.items():
        path = getattr(scenario.world, name)
        values = [float(v) for v in base_path(path, start, scenario.months)]
        first[name] = values[0]
        if path.noise.sd > 0:
            noise = path.noise
            noisy.append(
                NoisyDriver(
                    name, tuple(values), noise.sd, noise.persistence, noise.relative, low, high
                )
            )
        else:
            paths[name] = tuple(min(max(v, low), high) for v in values)
    return Setting(
        seed=scenario.seed,
        months=scenario.months,
        params=flat_parameters(scenario),
        uncertain=tuple(scenario.uncertain.items()),
        paths=paths,
        noisy=tuple(noisy),
        start=first,
        triggers={m: tuple(t) for m, t in triggers.items()},
    )


def sample(dist: Distribution, u: float) -> float:
    """A value of a distribution at the uniform draw ``u`` (``triad.model.params.sample``)."""
    match dist.dist:
        case "uniform":
            return _f(dist.low) + u * (_f(dist.high) - _f(dist.low))
        case "triangular":
            low, mode, high = _f(dist.low), _f(dist.mode), _f(dist.high)
            if u < (mode - low) / (high - low):
                return low + math.sqrt(u * (high - low) * (mode - low))
            return high - math.sqrt((1 - u) * (high - low) * (high - mode))
        case "truncnormal":
            mean, sd, low, high = _f(dist.mean), _f(dist.sd), _f(dist.low), _f(dist.high)
            a, b = _NORMAL.cdf((low - mean) / sd), _NORMAL.cdf((high - mean) / sd)
            return min(max(mean + sd * _NORMAL.inv_cdf(a + u * (b - a)), low), high)
        case "lognormal":
            return _f(dist.median) * math.exp(_f(dist.sigma) * _NORMAL.inv_cdf(u))
        case _:
            values = dist.values or []
            weights = dist.weights or [1.0] * len(values)
            total, edge = sum(weights), 0.0
            for value, weight in zip(values, weights, strict=True):
                edge += weight / total
                if u < edge:
                    return float(value)
            return float(values[-1])


def _f(value: float | None) -> float:
    assert value is not None, "validated by the schema"
    return value


def _clip(x: float, low: float, high: float) -> float:
    """``x`` bounded to [low, high] (comparisons: far cheaper than ``min(max(...))``)."""
    return low if x < low else high if x > high else x


def _unmet(demand: float, supply: float) -> float:
    """Unmet share of a demand, in [0, 1] (0 where there is no demand)."""
    if demand > 0:
        return _clip((demand - supply) / max(demand, 1e-12), 0.0, 1.0)
    return 0.0


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


def _input_index(
    imports: float,
    oil: float,
    food: float,
    wi: float,
    wo: float,
    wf: float,
    cap: float,
    substitution: float,
) -> float:
    """``triad.model.updates.input_index`` on floats."""
    total = max(wi + wo + wf, 1e-12)
    ri = _clip(substitution + (1.0 - substitution) * imports, 1e-6, cap)
    ro = _clip(oil, 1e-6, cap)
    rf = _clip(food, 1e-6, 1.0)
    return math.exp((wi * math.log(ri) + wo * math.log(ro) + wf * math.log(rf)) / total)


# --------------------------------------------------------------------------- the world
class ScalarWorld:
    """One world: the three states' variables as floats, stepped by :meth:`step`.

    Args:
        setting: The prepared scenario.
        world: The world's index (its draws and sampled parameters depend on it).
        draws: The world's random draws.
    """

    def __init__(self, setting: Setting, world: int, draws: Draws) -> None:
        self.setting, self.draws, self.month = setting, draws, 0
        p = dict(setting.params)
        for path, dist in setting.uncertain:
            p[path] = sample(dist, draws.uniform(-1, f"uncertain:{path}"))
        self.p = p
        self.drivers = dict(setting.start)
        self.shocks = [0.0] * len(setting.noisy)
        self.records: list[dict[str, float]] = []
        stock = p["dprk.munitions.initial_stock_m"]
        gdp = p["dprk.economy.gdp_bn"]
        # DPRK
        self.d_stock, self.d_stock_start, self.d_production = stock, stock, 0.0
        self.d_utilisation = p["dprk.munitions.utilisation"]
        self.d_floor = p["dprk.munitions.kpa_floor"] * stock
        self.d_gdp, self.d_gdp_start, self.d_potential, self.d_growth = gdp, gdp, gdp, 0.0
        self.d_gdp_civil, self.d_arms_gdp = gdp, 0.0
        self.d_fx, self.d_fx_start = p["dprk.economy.fx_m"], max(p["dprk.economy.fx_m"], 1.0)
        self.d_capability = self.d_capability_start = p["dprk.satellite.capability"]
        self.d_attempts_cum = self.d_successes_cum = 0.0
        self.d_exposure = self.d_exposure_start = p["dprk.exposure"]
        self.d_trust_russia, self.d_trust_china = p["dprk.trust.russia"], p["dprk.trust.china"]
        self.d_expected_pay = 1.0
        self.d_containers_cum = self.d_rounds_cum = self.d_food_gap = 0.0
        self.d_food_supply = self.d_oil_supply = 1.0
        self.d_security = self.d_deterrence = 0.0
        # Russia
        self.r_stock, self.r_stock_dprk = p["russia.war.initial_stock_m"], 0.0
        self.r_production = p["russia.war.production_m"]
        self.r_tier = self.r_shortfall = self.r_unmet = self.r_streak = self.r_fire = 0.0
        self.r_trust_dprk, self.r_trust_china = p["russia.trust.dprk"], p["russia.trust.china"]
        self.r_relationship, self.r_commitment = 1.0, 0.0
        # China
        self.c_resentment = self.c_resentment_start = p["china.resentment"]
        self.c_appetite = p["china.trade.level_sd"] * _NORMAL.inv_cdf(
            draws.uniform(-1, "china:appetite")
        )
        self.c_trust_dprk, self.c_trust_russia = p["china.trust.dprk"], p["china.trust.russia"]
        self.c_enforcement, self.c_trade_level = p["china.enforcement"], 1.0
        # flows of the month (before the first: trade at its normal level)
        self.f_containers = self.f_rounds = self.f_request = self.f_agreed = self.f_paid = 0.0
        self.f_pay_food = self.f_pay_oil = self.f_pay_cash = self.f_fire_share = 0.0
        self.f_cn_aid = self.f_cn_absorbed = self.f_cn_cash_cost = self.f_cn_lost = 0.0
        self.f_ru_aid = self.f_attempts = self.f_imports = self.f_fx_spend = 0.0
        self.f_forced_launch = 0.0
        self.f_payment_ratio = self.f_demand_share = self.f_delivery_ratio = 1.0
        self.f_price = p["dprk.behaviour.price_ask"]
        self.f_cn_exports = p["china.trade.exports_m"] * self.drivers["border_cn"]
        self.f_cn_imports = p["china.trade.imports_m"] * self.drivers["border_cn"]
        self.f_ru_civil = p["russia.trade.civil_trade_m"] * self.drivers["border_ru"]
        self.f_transport = self.drivers["transport_capacity"]
        self.state = self.metrics()

    def run(self) -> list[dict[str, float]]:
        """Step to the horizon; returns the recorded metrics, one dict per month."""
        while self.month < self.setting.months:
            self.step()
        return self.records

    def step(self) -> None:
        """One month: the model's schedule of ODD processes, in order."""
        self.apply_events()
        self.update_drivers()
        self.produce()
        self.decide()
        self.ship_munitions()
        self.pay_for_shells()
        self.fire_artillery()
        self.trade_with_china()
        self.trade_with_russia()
        self.transfer_technology()
        self.update_economy()
        self.update_exposure()
        self.update_resentment()
        self.update_trust()
        self.update_security()
        self.record()
        self.month += 1

    # ------------------------------------------------------------------ processes
    def apply_events(self) -> None:
        """This month's dated triggers: summit, treaty, veto, China summit, forced launch."""
        p = self.p
        self.f_forced_launch = 0.0
        for trigger in self.setting.triggers.get(self.month, ()):
            if trigger == "satellite_launch":
                self.f_forced_launch = 1.0
            elif trigger == "treaty":
                commit = p["dynamics.treaty_commitment"]
                self.r_commitment = self.r_commitment + commit * (1.0 - self.r_commitment)
                amount = p["dynamics.treaty_trust"]
                self.d_trust_russia = _signal(self.d_trust_russia, amount)
                self.r_trust_dprk = _signal(self.r_trust_dprk, amount)
                bump = p["dynamics.treaty_resentment"]
                self.c_resentment = _clip(self.c_resentment + bump, 0.0, 1.0)
            elif trigger == "veto":
                commit = p["dynamics.veto_commitment"]
                self.r_commitment = self.r_commitment + commit * (1.0 - self.r_commitment)
            elif trigger == "summit":
                amount = p["dynamics.summit_trust"]
                self.d_trust_russia = _signal(self.d_trust_russia, amount)
                self.r_trust_dprk = _signal(self.r_trust_dprk, amount)
            else:  # china_summit
                amount = p["dynamics.summit_trust"]
                self.d_trust_china = _signal(self.d_trust_china, amount)
                self.c_trust_dprk = _signal(self.c_trust_dprk, amount)
                self.c_resentment = self.c_resentment * (1.0 - amount)

    def update_drivers(self) -> None:
        """This month's drivers: the path, plus AR(1) noise where the scenario has it."""
        month, drivers = self.month, self.drivers
        for name, path in self.setting.paths.items():
            drivers[name] = path[month]
        for i, noisy in enumerate(self.setting.noisy):
            eps = self.draws.normal(month, f"driver:{noisy.name}")
            rho = noisy.persistence
            shock = rho * self.shocks[i] + noisy.sd * math.sqrt(1.0 - rho**2) * eps
            self.shocks[i] = shock
            value = noisy.path[month]
            value = value * (1.0 + shock) if noisy.relative else value + shock
            drivers[noisy.name] = _clip(value, noisy.low, noisy.high)

    def produce(self) -> None:
        """Russia's and DPRK's own shell production (``Russia/Dprk.produce``)."""
        p = self.p
        capacity = self._capacity()
        fire = p["russia.war.fire_rate_m"] * self.drivers["war_intensity"]
        gap = max(p["russia.war.restock_target_m"] - self.r_stock, 0.0)
        bought = self.f_rounds * (1.0 - p["russia.war.dud_rate"])
        need = fire + gap / p["russia.war.restock_months"] - bought
        floor = p["russia.war.production_min_share"] * capacity
        self.r_production = min(capacity, max(need, floor))
        self.r_stock = self.r_stock + self.r_production

        base = min(p["dprk.munitions.utilisation"] * self.d_oil_supply, 1.0)
        paid = self.f_paid / 100.0
        target = 1.0 - (1.0 - base) * math.exp(-p["dprk.munitions.materials_gain"] * paid)
        util = self.d_utilisation
        util = util + p["dprk.munitions.supply_adjust"] * (target - util)
        lines = p["dprk.munitions.export_lines_share"]
        self.d_utilisation = util
        self.d_production = p["dprk.munitions.capacity_m"] * (lines + (1.0 - lines) * util)
        self.d_stock = self.d_stock + self.d_production

    def _capacity(self) -> float:
        p = self.p
        ramp = p["russia.war.production_m"] + p["russia.war.production_growth_m"] * self.month
        return min(ramp, p["russia.war.production_max_m"])

    def _allowed_tier(self) -> float:
        p = self.p
        cap = math.floor(p["russia.tech_transfer.max_tier"])
        return float(cap) if p["russia.tech_transfer.allow_nbc"] > 0.5 else min(cap, 2.0)

    def decide(self) -> None:
        """The three default policies, on last month's metrics, clipped to the levers."""
        p, s, month = self.p, self.state, self.month
        # the bargain (policies/bargain.py), which both sides compute the same way
        floor = p["russia.payment.value_floor"]
        worth = p["russia.payment.value_per_round"] * (
            floor + (1.0 - floor) * s["russia_shortfall"]
        )
        # a delivered round is usable with probability 1 - dud rate
        usable = 1.0 - p["russia.war.dud_rate"]
        value = min(worth, p["russia.payment.outside_price"]) * usable
        visible = s["dprk_exposure"] * self.drivers["pressure"] * (1.0 - s["russia_commitment"])
        cost = p["russia.visibility_weight"] * visible * p["russia.payment.value_per_round"]
        top = max(value - cost, 0.0)

        # Russia: war_first
        persistent = s["shortfall_streak"] >= p["russia.tech_transfer.shortfall_months"]
        trusted = s["trust_russia_dprk"] >= p["russia.tech_transfer.trust_threshold"]
        ready = 1.0 if persistent and trusted else 0.0
        tier = min(s["russia_tech_tier"] + ready, self._allowed_tier())
        fire = p["russia.war.fire_rate_m"] * self.drivers["war_intensity"]
        restock = (
            max(0.0, p["russia.war.restock_target_m"] - s["russia_stock_m"])
            / p["russia.war.restock_months"]
        )
        need = max(0.0, fire + restock - p["russia.war.production_min_share"] * self._capacity())
        request = (
            need / (1.0 - p["russia.war.dud_rate"]) * 1e6 / p["dprk.munitions.rounds_per_container"]
        )
        food, oil = p["russia.payment.food_share"], p["russia.payment.oil_share"]
        money = p["russia.payment.cash_share"]
        total = max(food + oil + money, 1e-9)
        self.a_request = _clip(request, 0.0, 5000.0)
        self.a_max_price = _clip(top, 0.0, 10000.0)
        self.a_pay_share = _clip(p["russia.payment.reliability"], 0.0, 1.0)
        self.a_food_share = _clip(food / total, 0.0, 1.0)
        self.a_oil_share = _clip(oil / total, 0.0, 1.0)
        self.a_cash_share = _clip(money / total, 0.0, 1.0)
        self.a_tech_tier = float(math.floor(_clip(tier, 0.0, 3.0) + 0.5))

        # China: dependency_builder
        slip = max(0.0, p["china.leverage_target"] - s["cn_share_of_dprk_trade"])
        resentful = s["china_resentment"] > p["china.resentment_tolerance"]
        chill = p["china.chill_level"] if resentful else 1.0
        aid = p["china.trade.aid_m"] * (1.0 + p["china.leverage_aid_boost"] * slip) * chill
        self.a_trade_level = _clip(chill, 0.0, 2.0)
        self.a_aid = _clip(aid, 0.0, 2000.0)
        self.a_enforcement = _clip(p["china.enforcement"], 0.0, 1.0)
        self.a_aid_condition = 0.0

        # DPRK: transactional
        paid = s["payment_ratio"] >= 1.0 - p["dprk.behaviour.tolerance"]
        forgive = self.draws.uniform(month, "dprk:forgive") < p["dprk.behaviour.forgiveness"]
        level = 1.0 if paid or forgive else p["dprk.behaviour.cut_level"]
        trust = _clip(
            p["dprk.behaviour.trust_offer_base"]
            + p["dprk.behaviour.trust_offer_slope"] * s["trust_dprk_russia"],
            0,
            1,
        )
        over = max(0.0, s["china_resentment"] - p["china.resentment_tolerance"])
        caution = p["dprk.behaviour.china_caution"] * s["trust_dprk_china"]
        restraint = _clip(1.0 - p["dprk.behaviour.restraint_slope"] * caution * over, 0, 1)
        offer = p["dprk.munitions.max_offer_containers"] * level * trust * restraint
        # DPRK's reservation price, lowered by its need
        need = 1.0 + p["dprk.behaviour.need_discount"] * s["dprk_food_gap"]
        reserve = p["dprk.behaviour.price_ask"] / need
        # no more than the margin-maximising quantity on Russia's demand curve
        span = p["russia.payment.demand_span"]
        best_top = max(top, 1e-9)
        margin = max(best_top - reserve, 0.0)
        offer = min(offer, request * margin / (2.0 * span * best_top))
        power = p["dprk.behaviour.bargaining_power"]
        mine = power * (1.0 + p["dprk.behaviour.salience_markup"] * s["russia_shortfall"])
        theirs = (1.0 - power) * (1.0 + p["dprk.behaviour.need_discount"] * s["dprk_food_gap"])
        nash = reserve + mine / max(mine + theirs, 1e-12) * max(top - reserve, 0.0)
        # never below the scarcity price at which Russia still takes all DPRK can ship
        per = p["dprk.munitions.rounds_per_container"]
        above = max(s["dprk_stock_m"] - s["kpa_floor_m"], 0.0) * 1e6 / per
        supply = min(min(offer, self.drivers["transport_capacity"]), above)
        if request > 0:
            taken = min(supply / max(request, 1e-9), 1.0)
            clearing = top * (1.0 - span * taken) / need
        else:
            clearing = 0.0
        # each technology tier takes a share off; grossed up by the share of the agreed
        # value DPRK expects Russia to deliver
        tiers = 1.0 - p["dprk.behaviour.tier_discount"] * s["russia_tech_tier"]
        price = max(nash, clearing) * tiers / max(s["dprk_expected_pay"], 1e-3)
        launch = self.draws.uniform(month, "dprk:launch") < p["dprk.satellite.launch_rate"]
        self.a_offer = _clip(offer, 0.0, 5000.0)
        self.a_price = _clip(price, 0.0, 10000.0)
        self.a_kpa_floor = _clip(p["dprk.munitions.kpa_floor"], 0.0, 1.0)
        self.a_launch = 1.0 if launch else 0.0

    def ship_munitions(self) -> None:
        """Munitions DPRK -> Russia: min(request x demand share, offer, transport, stock)."""
        p = self.p
        self.d_floor = self.a_kpa_floor * p["dprk.munitions.initial_stock_m"]
        per = p["dprk.munitions.rounds_per_container"]
        # Russia weighs the price it means to pay: the agreed price times its pay share
        max_price, price = self.a_max_price, self.a_price * self.a_pay_share
        if max_price > price:
            span = p["russia.payment.demand_span"]
            share = min((max_price - price) / max(span * max_price, 1e-9), 1.0)
        else:
            share = 0.0
        wanted = self.a_request * share
        capacity = self.drivers["transport_capacity"]
        spare = max(self.d_stock - self.d_floor, 0.0)
        containers = max(min(min(self.a_offer, wanted), min(capacity, spare * 1e6 / per)), 0.0)
        rounds = min(containers * per / 1e6, spare)
        self.d_stock = self.d_stock - rounds
        self.d_containers_cum = self.d_containers_cum + containers
        self.d_rounds_cum = self.d_rounds_cum + rounds
        self.f_demand_share, self.f_containers, self.f_rounds = share, containers, rounds
        self.f_transport, self.f_request = capacity, self.a_request
        self.f_delivery_ratio = containers / max(wanted, 1e-9) if wanted > 0.5 else 1.0

    def pay_for_shells(self) -> None:
        """Russia pays the agreed price, a noisy share of it, in food, oil and cash."""
        z = self.draws.normal(self.month, "russia:payment")
        total = self.a_food_share + self.a_oil_share + self.a_cash_share
        if total > 0:
            food, oil, cash = (
                self.a_food_share / total,
                self.a_oil_share / total,
                self.a_cash_share / total,
            )
        else:
            food = oil = cash = 1.0 / 3.0
        agreed = self.f_rounds * self.a_price
        if agreed > 0:
            ratio = _clip(self.a_pay_share + self.p["russia.payment.noise"] * z, 0.0, 1.0)
        else:
            ratio = 1.0
        paid = agreed * ratio
        if agreed > 0:
            memory = self.p["dprk.behaviour.pay_memory"]
            self.d_expected_pay = self.d_expected_pay + memory * (ratio - self.d_expected_pay)
        self.f_price, self.f_agreed, self.f_paid, self.f_payment_ratio = (
            self.a_price,
            agreed,
            paid,
            ratio,
        )
        self.f_pay_food, self.f_pay_oil, self.f_pay_cash = paid * food, paid * oil, paid * cash
        self.r_stock = self.r_stock + self.f_rounds
        self.r_stock_dprk = self.r_stock_dprk + self.f_rounds

    def fire_artillery(self) -> None:
        """Russia fires from its stock; DPRK duds cost extra rounds."""
        p = self.p
        dud = p["russia.war.dud_rate"]
        want = p["russia.war.fire_rate_m"] * self.drivers["war_intensity"]
        stock = self.r_stock
        share = self.r_stock_dprk / max(stock, 1e-12) if stock > 0 else 0.0
        used = min(want / (1.0 - dud * share), stock)
        self.r_stock = stock - used
        self.r_stock_dprk = max(self.r_stock_dprk - used * share, 0.0)
        restock = (
            max(p["russia.war.restock_target_m"] - self.r_stock, 0.0)
            / p["russia.war.restock_months"]
        )
        demand = want + restock
        supply = self.r_production + self.f_rounds * (1.0 - dud)
        self.r_shortfall = _unmet(demand, self.r_production)
        self.r_unmet = _unmet(demand, supply)
        threshold = p["russia.tech_transfer.shortfall_threshold"]
        self.r_streak = self.r_streak + 1 if self.r_shortfall >= threshold else 0.0
        self.r_fire, self.f_fire_share = used, share

    def trade_with_china(self) -> None:
        """China <-> DPRK exports, imports and aid; China absorbs part of the deficit."""
        p, d = self.p, self.drivers
        rho, sd = p["china.trade.level_persistence"], p["china.trade.level_sd"]
        z = self.draws.normal(self.month, "china:appetite")
        self.c_appetite = rho * self.c_appetite + sd * math.sqrt(1.0 - rho**2) * z
        appetite = math.exp(self.c_appetite - 0.5 * sd**2)
        russia = self.f_paid + self.f_ru_civil + self.f_ru_aid
        total = russia + self.f_cn_exports + self.f_cn_imports + self.f_cn_aid
        tilt = russia / max(total, 1e-12) if total > 0 else 0.0
        rok = p["china.rok_trade_bn"]
        both = rok + (self.f_cn_exports + self.f_cn_imports) * 12.0 / 1000.0
        stake = rok / max(both, 1e-12) if both > 0 else 0.0
        push = 1.0 - math.exp(-p["china.rok_weight"] * d["pressure"] * self.d_exposure * stake)
        enforcement = self.a_enforcement + (1.0 - self.a_enforcement) * push
        border = d["border_cn"]
        fx_available = self.d_fx + self.f_pay_cash + p["china.trade.imports_m"] * border
        normal_exports = p["china.trade.exports_m"] * appetite
        exempt, overdraft = p["china.trade.sanctions_exempt"], p["china.trade.overdraft_share"]
        exports = (
            normal_exports
            * (self.a_trade_level * border)
            * (exempt + (1.0 - exempt) * (1.0 - enforcement))
        )
        imports = (
            p["china.trade.imports_m"] * appetite * border * (1.0 - d["un_scope"] * enforcement)
        )
        cost = max(exports - imports, 0.0) * (1.0 - overdraft)
        affordable = fx_available / max(cost, 1e-12) if cost > fx_available else 1.0
        exports = imports + (exports - imports) * (affordable if exports > imports else 1.0)
        deficit = max(exports - imports, 0.0)
        cost = deficit * (1.0 - overdraft)
        aid = self.a_aid * (1.0 - self.a_aid_condition * tilt)
        self.c_enforcement, self.c_trade_level = enforcement, self.a_trade_level
        self.f_cn_exports, self.f_cn_imports, self.f_cn_aid = exports, imports, aid * border
        self.f_cn_absorbed, self.f_cn_cash_cost = deficit - cost, cost
        self.f_cn_lost = max(normal_exports * border - exports, 0.0)

    def trade_with_russia(self) -> None:
        """Russia <-> DPRK civilian trade, growing with mutual trust, plus aid."""
        p, d = self.p, self.drivers
        mutual = 0.5 * (self.r_trust_dprk + self.d_trust_russia)
        growth = p["russia.trade.trade_growth"] * (mutual - p["dynamics.trust_baseline"])
        self.r_relationship = max(self.r_relationship * (1.0 + growth), 0.0)
        cut = max(1.0 - self.a_trade_level, 0.0)
        lost = p["china.trade.exports_m"] * d["border_cn"] * cut
        level = (
            p["russia.trade.civil_trade_m"] * self.r_relationship
            + p["russia.trade.substitution"] * lost
        )
        self.f_ru_civil = (
            level
            * d["border_ru"]
            * (1.0 - p["russia.trade.sanctioned_share"] * d["un_scope"] * d["un_enforcement"])
        )
        self.f_ru_aid = p["russia.trade.concessional_aid_m"] * d["border_ru"]

    def transfer_technology(self) -> None:
        """Russian technology raises satellite capability; launches follow and teach."""
        p = self.p
        before = self.r_tier
        self.r_tier = min(self.a_tech_tier, self._allowed_tier())
        if self.r_tier > before:
            self.r_streak = 0.0
        cap = self.d_capability
        cap = cap + _clip(p["dprk.satellite.tech_gain"] * self.r_tier, 0.0, 1.0) * (1.0 - cap)
        attempt = max(self.a_launch, self.f_forced_launch)
        draw = self.draws.uniform(self.month, "dprk:launch_outcome")
        success = attempt if draw < cap else 0.0
        self.d_capability = cap + attempt * p["dprk.satellite.learning"] * (1.0 - cap)
        self.d_attempts_cum = self.d_attempts_cum + attempt
        self.d_successes_cum = self.d_successes_cum + success
        self.f_attempts = attempt

    def update_economy(self) -> None:
        """DPRK's hard currency, food, oil, imports and GDP."""
        p, d = self.p, self.drivers
        # hard currency: income, the unabsorbed deficit, Russian imports, discretionary
        share = p["russia.trade.dprk_import_share"]
        income = self.f_pay_cash + self.f_cn_imports + self.f_ru_civil * (1.0 - share)
        cash = max(self.d_fx + income - self.f_cn_cash_cost, 0.0)
        ru_imports = min(self.f_ru_civil * share, cash)
        cash = cash - ru_imports
        net = max(income - self.f_cn_cash_cost - ru_imports, 0.0)
        spend = (
            p["dprk.economy.income_spend_share"] * net + p["dprk.economy.fx_spend_rate"] * self.d_fx
        )
        self.f_fx_spend = min(spend, cash)
        self.d_fx = cash - self.f_fx_spend
        self.f_ru_civil = ru_imports + self.f_ru_civil * (1.0 - share)

        aid_oil = p["russia.trade.aid_oil_share"]
        food_in = (
            self.f_cn_exports * p["china.trade.food_share"]
            + self.f_cn_aid * p["china.trade.aid_food_share"]
            + self.f_pay_food
        )
        food_need = p["dprk.economy.food_need_m"]
        harvest = d["harvest"]
        self.d_food_gap = _clip(1.0 - harvest - food_in / food_need, 0.0, 1.0)
        self.d_food_supply = harvest + food_in / food_need
        oil_m = (
            self.f_cn_exports * p["china.trade.oil_share"]
            + self.f_pay_oil
            + self.f_ru_aid * aid_oil
        )
        self.d_oil_supply = (p["china.trade.oil_aid_kbbl"] + oil_m / d["oil_price"] * 1000.0) / p[
            "dprk.economy.oil_need_kbbl"
        ]
        goods = (
            self.f_cn_exports * (1.0 - p["china.trade.food_share"] - p["china.trade.oil_share"])
            + self.f_cn_aid * (1.0 - p["china.trade.aid_food_share"])
            + ru_imports
            + self.f_ru_aid * (1.0 - aid_oil)
            + self.f_fx_spend
        )
        ratios = (goods / p["dprk.economy.import_need_m"], self.d_oil_supply, self.d_food_supply)
        wi, wo, wf = (
            p["dprk.economy.weight_imports"],
            p["dprk.economy.weight_oil"],
            p["dprk.economy.weight_food"],
        )
        cap, sub = p["dprk.economy.input_cap"], p["dprk.economy.import_substitution"]
        index = _input_index(*ratios, wi, wo, wf, cap, sub)
        erosion_index = _input_index(
            *ratios, p["dprk.economy.import_erosion"] * wi, wo, wf, cap, sub
        )
        beyond = min(erosion_index / (1.0 - p["dprk.economy.erosion_tolerance"]), 1.0)
        erosion = math.exp(p["dprk.economy.hysteresis"] / 12.0 * math.log(beyond))
        self.d_potential = (
            self.d_potential * (1.0 + p["dprk.economy.trend_growth"]) ** (1.0 / 12.0) * erosion
        )
        target = self.d_potential * index ** p["dprk.economy.input_elasticity"]
        self.d_gdp_civil += p["dprk.economy.adjustment_rate"] * (target - self.d_gdp_civil)
        # munitions in GDP: new rounds at their book value, exports at their price
        own = p["dprk.economy.shell_book_value"]
        made = p["dprk.economy.munitions_value_added"] * self.d_production * own
        arms = (made + max(self.f_paid - self.f_rounds * own, 0.0)) * 12.0 / 1000.0
        self.d_arms_gdp += p["dprk.economy.arms_smoothing"] * (arms - self.d_arms_gdp)
        gdp = self.d_gdp_civil + self.d_arms_gdp
        self.d_growth = (max(gdp, 1e-6) / max(self.d_gdp, 1e-6)) ** 12 - 1.0
        self.d_gdp = gdp
        self.f_imports = goods + food_in + oil_m

    def update_exposure(self) -> None:
        """Shipments seen and launches raise DPRK's exposure, which decays."""
        p = self.p
        seen = self.f_containers / 1000.0 * p["dynamics.detect_rate"] * self.drivers["monitoring"]
        push = _clip(
            p["dynamics.shipment_visibility"] * seen
            + p["dynamics.launch_visibility"] * self.f_attempts,
            0.0,
            1.0,
        )
        exposure = self.d_exposure
        decay = p["dynamics.exposure_decay"]
        self.d_exposure = _clip(exposure * (1.0 - decay) + (1.0 - exposure) * push, 0.0, 1.0)

    def update_resentment(self) -> None:
        """China's resentment moves toward DPRK's tilt; a resentful China may forgive."""
        p = self.p
        russia = self.f_paid + self.f_ru_civil + self.f_ru_aid
        total = russia + self.f_cn_exports + self.f_cn_imports + self.f_cn_aid
        tilt = russia / max(total, 1e-12) if total > 0 else 0.0
        before = self.c_resentment
        rate = p["dynamics.resentment_rate"]
        self.c_resentment = _clip(before + rate * (tilt - before), 0.0, 1.0)
        draw = self.draws.uniform(self.month, "china:forgive")
        if before > p["china.resentment_tolerance"] and draw < p["china.forgiveness"]:
            self.c_resentment = self.c_resentment * (1.0 - p["china.forgive_relief"])

    def update_trust(self) -> None:
        """The six directed trust values."""
        p = self.p
        rates = (
            p["dynamics.trust_gain"],
            p["dynamics.trust_loss"],
            p["dynamics.trust_decay"],
            p["dynamics.trust_baseline"],
        )
        active = 1.0 if self.f_agreed > 0 else 0.0
        trust = _trust(self.d_trust_russia, self.f_payment_ratio, active, *rates)
        raised = max(self.r_tier - self.state["russia_tech_tier"], 0.0)
        self.d_trust_russia = _signal(trust, p["dynamics.signal_bonus"] * raised)
        active = 1.0 if self.f_request > 0.5 else 0.0
        self.r_trust_dprk = _trust(self.r_trust_dprk, self.f_delivery_ratio, active, *rates)
        grievance = p["dynamics.enforcement_grievance"] * self.c_enforcement
        level = min(self.c_trade_level, 1.0) * (1.0 - grievance)
        self.d_trust_china = _trust(self.d_trust_china, level, 1.0, *rates)
        self.c_trust_dprk = _trust(self.c_trust_dprk, 1.0 - self.c_resentment, 1.0, *rates)
        self.r_trust_china = _trust(self.r_trust_china, 1.0 - self.c_enforcement, 1.0, *rates)
        alarm = _clip(1.0 - p["dynamics.tier_alarm"] * self.r_tier, 0.0, 1.0)
        self.c_trust_russia = _trust(self.c_trust_russia, alarm, 1.0, *rates)

    def update_security(self) -> None:
        """DPRK's regime security: a logistic of weighted log gains and losses."""
        p = self.p
        other, month = p["dprk.security.other_deterrent_m"], p["dprk.economy.import_need_m"]
        conventional = math.log(
            (max(self.d_stock, 0.0) + other) / max(self.d_stock_start + other, 1e-9)
        )
        strategic = (
            self.d_capability
            - self.d_capability_start
            + p["dprk.security.weight_alliance"] * self.r_commitment
        )
        sat = p["dprk.security.satellite_share"]
        self.d_deterrence = (1.0 - sat) * conventional + sat * strategic
        # food and oil: a log point above need counts ``surplus_weight`` of one below
        surplus = p["dprk.security.surplus_weight"]
        food = math.log(max(self.d_food_supply, 1e-6))
        food = food if food < 0.0 else surplus * food
        oil = math.log(max(self.d_oil_supply, 1e-6))
        oil = oil if oil < 0.0 else surplus * oil
        x = (
            0.0
            + p["dprk.security.weight_food"] * food
            + p["dprk.security.weight_oil"] * oil
            + p["dprk.security.weight_economy"] * math.log(max(self.d_gdp, 1e-6) / self.d_gdp_start)
            + p["dprk.security.weight_reserves"]
            * math.log((self.d_fx + month) / (self.d_fx_start + month))
            + p["dprk.security.weight_deterrence"] * self.d_deterrence
            + -p["dprk.security.weight_exposure"] * (self.d_exposure - self.d_exposure_start)
            + -p["dprk.security.weight_anger"] * (self.c_resentment - self.c_resentment_start)
        )
        self.d_security = 0.5 * (1.0 + math.tanh(0.5 * x))

    def record(self) -> None:
        """This month's metrics: recorded, and next month's observed state."""
        self.state = self.metrics()
        self.records.append(self.state)

    # ------------------------------------------------------------------ metrics
    def metrics(self) -> dict[str, float]:
        """Every recorded metric, plus the trackers the policies read."""
        p, d = self.p, self.drivers
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
        cohesion = (0.0 + sum(trusts)) / 6.0 * (1.0 - resentment)
        cn_share = cn_trade / max(total, 1e-12) if total > 0 else 0.0
        sw = p["china.stability_weight"]
        visible = self.d_exposure * d["pressure"] * (1.0 - self.r_commitment)
        russia_cost = (
            p["russia.visibility_weight"] * visible
            + p["russia.payment_weight"] * self.f_paid / 1000.0
            + p["russia.tech_cost"] * self.r_tier
        )
        china_cost = self.f_cn_aid + self.f_cn_absorbed + self.f_cn_lost
        china_in = self.f_cn_exports + self.f_cn_aid + self.f_cn_absorbed
        inflows = china_in + self.f_paid + ru_trade + other
        leverage = china_in / max(inflows, 1e-12) if inflows > 0 else 0.0
        influence = leverage * self.d_trust_china * (1.0 - resentment)
        china_gain = sw * (1.0 - self.d_food_gap) + (1.0 - sw) * influence
        exposed = self.d_exposure * d["pressure"]
        china_seen = p["china.rok_weight"] * exposed * (1.0 - self.c_enforcement)
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
            "cn_dprk_trade_bn": cn_trade * 12.0 / 1000.0,
            "ru_dprk_trade_bn": ru_trade * 12.0 / 1000.0,
            "cn_share_of_dprk_trade": cn_share,
            "china_leverage": leverage,
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
            "score_russia": (1.0 - self.r_unmet) * math.exp(-russia_cost),
            "score_china": china_gain
            * math.exp(-p["china.cost_weight"] * china_cost / 1000.0 - china_seen),
            "war_intensity": d["war_intensity"],
            "transport_capacity": self.f_transport,
            # trackers for policies (not recorded)
            "shortfall_streak": self.r_streak,
            "delivery_ratio": self.f_delivery_ratio,
        }


def run_worlds(
    setting: Setting, first: int, count: int, exact: bool = False
) -> list[list[dict[str, float]]]:
    """Run worlds ``first .. first + count - 1``, one after the other.

    Args:
        setting: The prepared scenario.
        first: Index of the first world.
        count: Number of worlds.
        exact: Use the model's counter-based draws (:class:`HashDraws`) instead of
            ``random.Random`` (:class:`MesaDraws`).

    Returns:
        Per world, the recorded metrics of each month.
    """
    kind: type[HashDraws] | type[MesaDraws] = HashDraws if exact else MesaDraws
    return [
        ScalarWorld(setting, k, kind(setting.seed, k)).run() for k in range(first, first + count)
    ]
