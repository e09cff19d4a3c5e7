"""TriadModel: one month of three states, for N worlds at once.

``step()`` is the schedule; each call in it is one ODD process, named and documented as
the submodel of the same name in ``docs/odd.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import mesa
import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from triad.errors import ModelError
from triad.model import exchanges as ex
from triad.model import military as mil
from triad.model import updates as up
from triad.model.actors import Actor, China, Dprk, Russia
from triad.model.channels import EconomicChannels
from triad.model.drivers import Drivers
from triad.model.eventlog import EventLog
from triad.model.events import EventEngine, Targets
from triad.model.metrics import Recorder
from triad.model.params import choice_index, event_draws, parameter_arrays, uncertain_shapes
from triad.model.policies.base import Observation, Policy
from triad.model.policies.human import Human
from triad.model.policies.mixture import Mixture
from triad.model.policies.registry import all_policies, get_policy, policy_names
from triad.model.policies.russia import allowed_tier
from triad.model.randomness import Streams
from triad.model.state import ChinaState, DprkState, RussiaState
from triad.scenario.month import Month
from triad.scenario.points import check_points
from triad.scenario.schema import Scenario

Array = NDArray[np.float64]


def make_policy(actor: str, name: str) -> Policy:
    """Instantiate a policy; ``human`` falls back to the actor's default policy."""
    cls = get_policy(actor, name)
    if issubclass(cls, Human):
        default = next(p for p in all_policies() if p.actor == actor and "default" in p.tags)
        return cls(default())
    return cls()


class ScoreParts(NamedTuple):
    """A seat's objective score split into the parts that make it (``score_parts``).

    Attributes:
        scale: ``logit`` (the score is the logistic of the parts' sum) or ``log`` (the
            exponential of their sum).
        parts: Part name -> its value per world, in the order the objective lists them.
        score: The score per world.
    """

    scale: str
    parts: dict[str, NDArray[np.float64]]
    score: NDArray[np.float64]


class TriadModel(EconomicChannels, mesa.Model):  # type: ignore[misc]
    """Russia, China and DPRK exchanging munitions, aid and trade in N worlds in lockstep.

    Args:
        scenario: A validated scenario.
        worlds: Worlds held by this model (default: the scenario's ``worlds``).
        first_world: Global index of the first world held here (for chunks).
        log_worlds: Worlds with a global index below this keep an event log.
        points: Input path -> values for the worlds held here, shape ``(worlds,)``: a
            parameter's value, a world driver's constant (``world.pressure``), an actor's
            policy as its position in ``policy_names(actor)`` (``china.policy``), an
            event's month or action value (``events.ceasefire.at`` as an absolute month
            index, ``events.ceasefire.value``) or a number of an ``uncertain``
            distribution (``uncertain.dynamics.commitment_decay.high``). They replace the
            scenario's value (and any sampled uncertainty) world by world and are checked
            as a scenario file's values are (:mod:`triad.scenario.points`).
        world_ids: Global indices of the worlds held here, instead of ``first_world``
            onwards; an index may repeat (common random numbers for several points).
        record_into: Where the recorder writes (see :class:`~triad.model.metrics.Recorder`):
            this chunk's place in an ensemble's array, or a buffer reused across chunks;
            by default a new array.

    Attributes:
        scenario: The scenario simulated (Mesa's ``scenario`` property, overridden).
        mesa_scenario: The seed-only ``mesa.experimental.scenarios.Scenario`` that
            ``mesa.Model`` makes for itself.
        n: Worlds held here.
        month: Index of the month being (or last) simulated.
        params: Parameter path -> array over worlds.
        recorder: The recorded metrics, ``(months, metrics, worlds)``.
        log: The event log.
    """

    def __init__(
        self,
        scenario: Scenario,
        worlds: int | None = None,
        first_world: int = 0,
        log_worlds: int = 100,
        points: Mapping[str, Array] | None = None,
        world_ids: NDArray[np.int64] | None = None,
        record_into: NDArray[np.float32] | None = None,
    ) -> None:
        super().__init__(rng=scenario.seed)  # sets Mesa's own scenario (see the setter)
        self._scenario = scenario
        n = scenario.worlds if worlds is None else worlds
        if world_ids is not None:
            n, first_world = len(world_ids), int(np.min(world_ids, initial=0))
        if n < 1 or first_world < 0:
            raise ModelError(
                f"an ensemble needs at least one world from index >= 0; got {n} from {first_world}"
            )
        self.n, self.month = n, 0
        self.world_ids = (
            np.arange(first_world, first_world + n, dtype=np.int64)
            if world_ids is None
            else np.asarray(world_ids, dtype=np.int64).copy()
        )
        self.dtype = np.dtype(scenario.precision)
        self.streams = Streams(scenario.seed, self.world_ids, self.dtype)
        given = self._check_points(points or {})
        self.params = parameter_arrays(scenario, self.streams, n, uncertain_shapes(given))
        self.params.update(
            {k: np.asarray(v, dtype=self.dtype) for k, v in given.items() if k in self.params}
        )
        constants = {k[6:]: v for k, v in given.items() if k.startswith("world.")}
        self.drivers = Drivers(scenario, self.streams, n, constants)
        self.recorder = Recorder(scenario.months, n, record_into)
        self.log = EventLog(log_worlds)
        actors = scenario.actors
        self.russia = Russia(self, self._policy("russia", actors.russia.policy, given))
        self.china = China(self, self._policy("china", actors.china.policy, given))
        self.dprk = Dprk(self, self._policy("dprk", actors.dprk.policy, given))
        self.flows: dict[str, Array] = {}
        self._shared: dict[str, Array] = {}  # what the actors derive alike this month
        self._initialise()
        targets = Targets(
            self.params,
            self.drivers.level,
            self.drivers.scale,
            self.drivers.current,
            self.drivers.touched,
        )
        triggers = {
            "satellite_launch": self._trigger_launch,
            "satellite_success": self._trigger_success,
            "satellite_failure": self._trigger_failure,
            "treaty": self._trigger_treaty,
            "summit": self._trigger_summit,
            "china_summit": self._trigger_china_summit,
            "veto": self._trigger_veto,
            **self.channel_triggers(),
        }
        start = scenario.first_month
        self._record_months = (
            -1 if scenario.record_until is None else Month.parse(scenario.record_until) - start
        )
        dates, values = event_draws(scenario, self.streams, n, given)
        self.events = EventEngine(
            scenario.events,
            start,
            self.streams,
            targets,
            triggers,
            self.log,
            self.world_ids,
            dates,
            values,
        )
        self.update_security()  # the start's security, so a score at reset means something
        self.state = self._metrics()

    @property
    def scenario(self) -> Scenario:
        """The scenario this model simulates, fixed when the model is built."""
        return self._scenario

    @scenario.setter
    def scenario(self, scenario: Any) -> None:
        """Keep the seed-only scenario ``mesa.Model.__init__`` sets, as ``mesa_scenario``.

        Raises:
            ModelError: If given a triad scenario: the model's arrays are built from the one
                it was constructed with.
        """
        if isinstance(scenario, Scenario):
            raise ModelError("a model's scenario is fixed when it is built; build a new model")
        scenario.model = self
        self.mesa_scenario = scenario

    # ------------------------------------------------------------------ set-up
    def _policy(self, actor: str, name: str, points: Mapping[str, Array]) -> Policy:
        """The actor's policy: the one named, or one per world if given per world or uncertain."""
        key = f"{actor}.policy"
        if key in points:  # positions in policy_names(actor), checked by _check_points
            catalogue = policy_names(actor)
            used, index = np.unique(points[key].astype(np.intp), return_inverse=True)
            return Mixture([make_policy(actor, catalogue[i]) for i in used], index)
        if key not in self.scenario.uncertain:
            return make_policy(actor, name)
        names = self.scenario.uncertain[key].names
        index = choice_index(self.scenario, self.streams, key, self.n)
        return Mixture([make_policy(actor, option) for option in names], index)

    def _check_points(self, points: Mapping[str, Array]) -> dict[str, Array]:
        """Each world's own values of some inputs (sweep, sensitivity or evaluation points).

        Raises:
            ModelError: If an array does not hold one value per world.
            PointError: If a path or a value is one no scenario could hold.
        """
        for path, values in points.items():
            shape = np.shape(values)
            if shape != (self.n,):
                raise ModelError(f"points for {path!r} need shape ({self.n},), got {shape}")
        checked = check_points(self.scenario, points, label="world", ids=self.world_ids)
        return {path: values.copy() for path, values in checked.items()}

    def _start_demand(self) -> Array:
        """Russia's demand for shells before the first month [M rounds].

        As ``fire_artillery`` measures it: fire at the first month's intensity plus restocking.
        """
        p = self.params
        fire = p["russia.war.fire_rate_m"] * self.drivers.base_value("war_intensity", 0)
        stock_gap = np.maximum(
            p["russia.war.restock_target_m"] - p["russia.war.initial_stock_m"], 0.0
        )
        out: Array = fire + stock_gap / p["russia.war.restock_months"]
        return out

    def _start_shortfall(self) -> Array:
        """Russia's shortfall before the first month, as ``fire_artillery`` measures it.

        The war was on before the summit: the first bargain sees the gap own production
        left at the start, not zero.
        """
        return _unmet(self._start_demand(), self.params["russia.war.production_m"])

    def _initialise(self) -> None:
        """The actors' state and the month's flows before the first month."""
        self.dprk.state = self._dprk_start()
        self.russia.state = self._russia_start()
        self.china.state = self._china_start()
        p, zeros = self.params, np.zeros(self.n, dtype=self.dtype)
        for name in _FLOWS:
            self.flows[name] = zeros.copy()
        self.flows["payment_ratio"] = np.ones(self.n, dtype=self.dtype)
        self.flows["demand_share"] = np.ones(self.n, dtype=self.dtype)
        self.flows["delivery_ratio"] = np.ones(self.n, dtype=self.dtype)
        self.flows["price"] = p["dprk.behaviour.price_ask"].copy()
        # the state before the first month: China's and Russia's trade at their normal level
        self.flows["cn_exports"] = p["china.trade.exports_m"] * self.drivers.base_value(
            "border_cn", 0
        )
        self.flows["cn_imports"] = p["china.trade.imports_m"] * self.drivers.base_value(
            "border_cn", 0
        )
        self.flows["ru_civil"] = p["russia.trade.civil_trade_m"] * self.drivers.base_value(
            "border_ru", 0
        )
        self.flows["transport"] = np.full(
            self.n, self.drivers.base_value("transport_capacity", 0), dtype=self.dtype
        )
        self._initialise_channels()

    def _dprk_start(self) -> DprkState:
        """DPRK before the first month (``docs/odd.md`` section 2.2)."""
        p, zeros, m = self.params, np.zeros(self.n, dtype=self.dtype), "dprk.missiles."
        return DprkState(
            stock=p["dprk.munitions.initial_stock_m"].copy(),
            stock_start=p["dprk.munitions.initial_stock_m"].copy(),
            production=zeros.copy(),
            utilisation=p["dprk.munitions.utilisation"].copy(),
            floor=p["dprk.munitions.kpa_floor"] * p["dprk.munitions.initial_stock_m"],
            gdp=p["dprk.economy.gdp_bn"].copy(),
            gdp_start=p["dprk.economy.gdp_bn"].copy(),
            gdp_civil=p["dprk.economy.gdp_bn"].copy(),
            arms_gdp=zeros.copy(),
            potential=p["dprk.economy.gdp_bn"].copy(),
            growth=zeros.copy(),
            fx=p["dprk.economy.fx_m"].copy(),
            fx_start=np.maximum(p["dprk.economy.fx_m"], 1.0),
            capability=p["dprk.satellite.capability"].copy(),
            capability_start=p["dprk.satellite.capability"].copy(),
            attempts_cum=zeros.copy(),
            successes_cum=zeros.copy(),
            exposure=p["dprk.exposure"].copy(),
            exposure_start=p["dprk.exposure"].copy(),
            trust_russia=p["dprk.trust.russia"].copy(),
            trust_china=p["dprk.trust.china"].copy(),
            expected_pay=np.ones(self.n, dtype=self.dtype),
            containers_cum=zeros.copy(),
            rounds_cum=zeros.copy(),
            food_gap=zeros.copy(),
            food_supply=np.ones(self.n, dtype=self.dtype),
            oil_supply=np.ones(self.n, dtype=self.dtype),
            security=zeros.copy(),
            deterrence=zeros.copy(),
            missile_stock=p[m + "initial_stock"].copy(),
            missile_floor=p[m + "kpa_floor"] * p[m + "initial_stock"],
            missile_force_start=np.maximum(
                p[m + "initial_stock"] * (1.0 - p[m + "malfunction"]), 1.0
            ),
            malfunction=p[m + "malfunction"].copy(),
            malfunction_start=p[m + "malfunction"].copy(),
            missiles_cum=zeros.copy(),
            heavy_stock=p["dprk.heavy.initial_stock"].copy(),
            heavy_floor=p["dprk.heavy.kpa_floor"] * p["dprk.heavy.initial_stock"],
            heavy_start=np.maximum(p["dprk.heavy.initial_stock"], 1.0),
            heavy_cum=zeros.copy(),
            troops=zeros.copy(),
            casualties=zeros.copy(),
            experience=zeros.copy(),
            systems=zeros.copy(),
            nbc=zeros.copy(),
            rok_alarm=zeros.copy(),
        )

    def _russia_start(self) -> RussiaState:
        """Russia before the first month (``docs/odd.md`` section 2.2)."""
        p, zeros = self.params, np.zeros(self.n, dtype=self.dtype)
        return RussiaState(
            stock=p["russia.war.initial_stock_m"].copy(),
            stock_dprk=zeros.copy(),
            received=zeros.copy(),
            production=p["russia.war.production_m"].copy(),
            tier=zeros.copy(),
            shortfall=self._start_shortfall(),
            unmet=self._start_shortfall(),
            demand=self._start_demand(),
            streak=zeros.copy(),
            fire=zeros.copy(),
            trust_dprk=p["russia.trust.dprk"].copy(),
            trust_china=p["russia.trust.china"].copy(),
            relationship=np.ones(self.n, dtype=self.dtype),
            commitment=zeros.copy(),
        )

    def _china_start(self) -> ChinaState:
        """China before the first month (``docs/odd.md`` section 2.2)."""
        p = self.params
        return ChinaState(
            resentment=p["china.resentment"].copy(),
            resentment_start=p["china.resentment"].copy(),
            appetite=p["china.trade.level_sd"]
            * ndtri(self.streams.setup_uniform("china:appetite")).astype(self.dtype),
            trust_dprk=p["china.trust.dprk"].copy(),
            trust_russia=p["china.trust.russia"].copy(),
            enforcement=p["china.enforcement"].copy(),
            trade_level=np.ones(self.n, dtype=self.dtype),
        )

    # ------------------------------------------------------------------ schedule
    def step(self) -> None:
        """One month: the schedule of ODD processes, in order."""
        if self.month >= self.scenario.months:
            raise ModelError(f"the horizon of {self.scenario.months} months is reached")
        self.apply_events()
        self.update_drivers()
        self.monitor_sanctions()
        self.agents.do("produce")
        self._shared = {}  # the month's drivers and state are set: derive shared things anew
        self.agents.do("decide")
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
        self._shared = {}  # observations between months see this month's state afresh
        self.month += 1

    def run(self) -> TriadModel:
        """Step to the horizon; returns the model for chaining."""
        while self.month < self.scenario.months:
            self.step()
        return self

    # ------------------------------------------------------------------ processes
    def apply_events(self) -> None:
        """Fire this month's dated, conditional and random events (conditions on last month)."""
        self.flows["forced_launch"] = np.zeros(self.n, dtype=self.dtype)
        # +1 success, -1 failure, 0 by chance
        self.flows["forced_outcome"] = np.zeros(self.n, dtype=self.dtype)
        self.events.apply(self.month, self.state)

    def update_drivers(self) -> None:
        """Compute this month's world drivers: path or override, times scale, plus noise."""
        self.drivers.step(self.month)

    def ship_munitions(self) -> None:
        """Munitions DPRK -> Russia: min(request, offer, transport, stock above the floor)."""
        p, d, dprk = self.params, self.drivers.current, self.dprk
        dprk.state.floor = dprk.action["kpa_floor"] * p["dprk.munitions.initial_stock_m"]
        per = p["dprk.munitions.rounds_per_container"]
        # Russia weighs the price it means to pay: the agreed price times its pay share
        share = ex.demand_share(
            dprk.action["price_ask"] * self.russia.action["pay_share"],
            self.russia.action["max_price"],
            p["russia.payment.demand_span"],
        )
        shipment = ex.ship_munitions(
            dprk.action["offer_containers"],
            self.russia.action["request_containers"] * share,
            d["transport_capacity"],
            dprk.state.stock,
            dprk.state.floor,
            per,
        )
        request = self.russia.action["request_containers"]
        judged = ex.deliverable(
            request * share, d["transport_capacity"], dprk.state.stock, dprk.state.floor, per
        )
        dprk.state.stock = dprk.state.stock - shipment.rounds_m
        dprk.state.containers_cum = dprk.state.containers_cum + shipment.containers
        dprk.state.rounds_cum = dprk.state.rounds_cum + shipment.rounds_m
        self.flows.update(
            demand_share=share,
            containers=shipment.containers,
            rounds=shipment.rounds_m,
            transport=d["transport_capacity"],
            request=request,
            judged=judged,
            delivery_ratio=np.where(
                judged > 0.5, shipment.containers / np.maximum(judged, 1e-9), 1.0
            ),
        )
        self._log_offer_cut()

    def pay_for_shells(self) -> None:
        """Payment Russia -> DPRK at the agreed price; Russia delivers the share it chooses."""
        p, act = self.params, self.russia.action
        z = self.streams.normal(self.month, "russia:payment")
        total = act["food_share"] + act["oil_share"] + act["cash_share"]
        food, oil, cash = (
            np.where(total > 0, act[k] / np.where(total > 0, total, 1.0), 1.0 / 3.0)
            for k in ("food_share", "oil_share", "cash_share")
        )
        shares = (food, oil, cash)
        price = self.dprk.action["price_ask"]
        pay = ex.pay_for_shells(
            self.flows["rounds"],
            price,
            act["pay_share"],
            p["russia.payment.noise"],
            z,
            shares,
        )
        self.flows.update(
            price=price,
            agreed=pay.agreed,
            paid=pay.paid,
            pay_food=pay.food,
            pay_oil=pay.oil,
            pay_cash=pay.cash,
            payment_ratio=pay.ratio,
        )
        memory, s = p["dprk.behaviour.pay_memory"], self.dprk.state
        learned = s.expected_pay + memory * (pay.ratio - s.expected_pay)
        s.expected_pay = np.where(pay.agreed > 0, learned, s.expected_pay)
        self._receive_rounds()

    def _receive_rounds(self) -> None:
        """Russia books the month's shipment into its stock: its own account of receipts."""
        r, received = self.russia.state, self.flows["rounds"]
        r.received = received
        r.stock = r.stock + received
        r.stock_dprk = r.stock_dprk + received

    def ship_arms(self) -> None:
        """SRBMs and heavy systems DPRK -> Russia at the prices DPRK asks; DPRK learns.

        Russia buys nothing where a price exceeds the most it pays (a working missile's
        worth, a replacement system's cost); each 10 SRBMs fired remove
        ``dprk.missiles.learning`` of the malfunction rate.
        """
        p, s, act = self.params, self.dprk.state, self.russia.action
        sale = mil.sell_arms(
            self.dprk.action["missile_offer"],
            act["missile_request"],
            self.dprk.action["missile_price_k"],
            act["missile_max_price_k"],
            s.missile_stock,
            s.missile_floor,
            act["pay_share"],
        )
        s.missile_stock = s.missile_stock - sale.shipped
        s.missiles_cum = s.missiles_cum + sale.shipped
        before = s.malfunction
        s.malfunction = mil.learn_from_combat(before, sale.shipped, p["dprk.missiles.learning"])
        self.flows.update(
            missiles=sale.shipped,
            reliability_gain=before - s.malfunction,
            missile_price=self.dprk.action["missile_price_k"],
            missile_paid=sale.paid,
        )
        self._ship_heavy()

    def _ship_heavy(self) -> None:
        """Heavy systems (170 mm guns, 240 mm launchers): sold from the stock above the floor."""
        s, act = self.dprk.state, self.russia.action
        sale = mil.sell_arms(
            self.dprk.action["heavy_offer"],
            act["heavy_request"],
            self.dprk.action["heavy_price_k"],
            act["heavy_max_price_k"],
            s.heavy_stock,
            s.heavy_floor,
            act["pay_share"],
        )
        s.heavy_stock = s.heavy_stock - sale.shipped
        s.heavy_cum = s.heavy_cum + sale.shipped
        self.flows.update(
            heavy=sale.shipped, heavy_price=self.dprk.action["heavy_price_k"], heavy_paid=sale.paid
        )

    def _free_of_record(self) -> float:
        """1 where DPRK's own launches and deployments count this month, else 0.

        Until ``record_until`` the record's launches and deployments are the only ones in
        the model's worlds; a DPRK seat played from outside this month is never bound by
        the record (its levers act); one left to its default policy is.
        """
        policy = self.dprk.policy
        played = isinstance(policy, Human) and policy.played
        return 1.0 if played or self.month > self._record_months else 0.0

    def deploy_troops(self) -> None:
        """DPRK troops fight for Russia: paid per soldier, they take casualties and learn.

        Deployed: the agreed commitment, or more where Russia asks, DPRK offers and the pay
        reaches DPRK's reservation; until ``record_until`` only the commitment (the record's
        deployments), unless DPRK is played. Combat experience closes ``experience_gain`` of
        its gap a month per 10,000 deployed; Russia's obligation to DPRK grows the same way.
        """
        p, s, r = self.params, self.dprk.state, self.russia.state
        act, t = self.russia.action, "dprk.troops."
        troops = mil.deploy_troops(
            self.dprk.action["troops_k"] * self._free_of_record(),
            act["troop_request_k"],
            p[t + "committed_k"],
            act["troop_pay_usd"],
            p[t + "reservation_usd"],
        )
        intensity = self.drivers.current["war_intensity"]
        s.troops = troops
        s.casualties = s.casualties + troops * p[t + "casualty_rate"] * intensity
        s.experience = mil.approach(s.experience, p[t + "experience_gain"] * troops / 10.0)
        r.commitment = mil.approach(r.commitment, p["dynamics.troop_commitment"] * troops / 10.0)
        self.flows["troop_pay"] = troops * act["troop_pay_usd"] / 1000.0  # US$ m/month

    def fire_artillery(self) -> None:
        """Russia fires from its stock; DPRK duds cost extra rounds.

        The shortfall is the share of fire plus the wish to restock that own production
        leaves unmet; ``unmet`` is what is left after DPRK deliveries.
        """
        p, s = self.params, self.russia.state
        dud, want = (
            p["russia.war.dud_rate"],
            p["russia.war.fire_rate_m"] * self.drivers.current["war_intensity"],
        )
        share = np.where(s.stock > 0, s.stock_dprk / np.maximum(s.stock, 1e-12), 0.0)
        used = np.minimum(want / (1.0 - dud * share), s.stock)
        s.stock = s.stock - used
        s.stock_dprk = np.maximum(s.stock_dprk - used * share, 0.0)
        restock = (
            np.maximum(p["russia.war.restock_target_m"] - s.stock, 0.0)
            / p["russia.war.restock_months"]
        )
        demand = want + restock
        s.demand = demand
        supply = s.production + self.flows["rounds"] * (1.0 - dud)
        s.shortfall = _unmet(demand, s.production)
        s.unmet = _unmet(demand, supply)
        s.streak = np.where(
            s.shortfall >= p["russia.tech_transfer.shortfall_threshold"], s.streak + 1, 0.0
        )
        s.fire, self.flows["fire_share"] = used, share

    def trade_with_china(self) -> None:
        """China <-> DPRK exports, imports and aid; China absorbs part of the deficit.

        China's trade appetite drifts by world (an AR(1) shock on the log of normal trade:
        customs campaigns, politics); conditional aid shrinks with DPRK's tilt to Russia.
        """
        p, d, act = self.params, self.drivers.current, self.china.action
        appetite = self._china_appetite()
        tilt = self._tilt()
        dprk_trade_bn = (self.flows["cn_exports"] + self.flows["cn_imports"]) * 12.0 / 1000.0
        both = p["china.rok_trade_bn"] + dprk_trade_bn
        stake = np.where(both > 0, p["china.rok_trade_bn"] / np.maximum(both, 1e-12), 0.0)
        push = 1.0 - np.exp(
            -p["china.rok_weight"] * self._pressure() * self.dprk.state.exposure * stake
        )
        enforcement = act["enforcement"] + (1.0 - act["enforcement"]) * push
        income = self.flows["pay_cash"] + p["china.trade.imports_m"] * d["border_cn"]
        trade = ex.trade_china(
            p["china.trade.exports_m"] * appetite,
            p["china.trade.imports_m"] * appetite,
            act["trade_level"],
            act["aid_m"] * (1.0 - act["aid_condition"] * tilt),
            d["border_cn"],
            enforcement,
            p["china.trade.sanctions_exempt"],
            d["un_scope"],
            p["china.trade.overdraft_share"],
            self.dprk.state.fx + income,
        )
        self.china.state.enforcement, self.china.state.trade_level = (
            enforcement,
            act["trade_level"],
        )
        self.flows.update(
            cn_exports=trade.exports,
            cn_imports=trade.imports,
            cn_aid=trade.aid,
            cn_absorbed=trade.absorbed,
            cn_cash_cost=trade.dprk_cash_cost,
            cn_lost=_lost_exports(
                p["china.trade.exports_m"] * appetite * d["border_cn"],
                act["trade_level"],
                trade.exports,
            ),
        )

    def _china_appetite(self) -> Array:
        """Advance China's trade-appetite shock one month; the factor on normal trade."""
        p, c = self.params, self.china.state
        rho, sd = p["china.trade.level_persistence"], p["china.trade.level_sd"]
        z = self.streams.normal(self.month, "china:appetite")
        c.appetite = rho * c.appetite + sd * np.sqrt(1.0 - rho**2) * z
        out: Array = np.exp(c.appetite - 0.5 * sd**2)
        return out

    def _tilt(self) -> Array:
        """DPRK's tilt: its exchange with Russia over its exchange with both.

        This month's payment for shells (already booked) and last month's other flows.
        """
        f = self.flows
        russia = self._russia_pays() + f["ru_civil"] + f["ru_aid"]
        total = russia + f["cn_exports"] + f["cn_imports"] + f["cn_aid"]
        out: Array = np.where(total > 0, russia / np.maximum(total, 1e-12), 0.0)
        return out

    def _russia_pays(self) -> Array:
        """What Russia pays DPRK this month for shells, missiles, heavy systems, troops [US$ m]."""
        f = self.flows
        out: Array = f["paid"] + f["missile_paid"] + f["heavy_paid"] + f["troop_pay"]
        return out

    def trade_with_russia(self) -> None:
        """Russia <-> DPRK civilian trade, growing with mutual trust, plus concessional aid."""
        p, d, s = self.params, self.drivers.current, self.russia.state
        mutual = 0.5 * (s.trust_dprk + self.dprk.state.trust_russia)
        growth = p["russia.trade.trade_growth"] * (mutual - p["dynamics.trust_baseline"])
        s.relationship = np.maximum(s.relationship * (1.0 + growth), 0.0)
        cut = np.maximum(1.0 - self.china.action["trade_level"], 0.0)
        lost = p["china.trade.exports_m"] * d["border_cn"] * cut
        level = (
            p["russia.trade.civil_trade_m"] * s.relationship + p["russia.trade.substitution"] * lost
        )
        civil = ex.civil_trade_russia(
            level,
            d["border_ru"],
            d["un_scope"],
            self.flows["reach"],
            p["russia.trade.sanctioned_share"],
        )
        civil = self._carry_civil(civil)  # the rail, and the road bridge once open
        self.flows.update(
            ru_civil=civil,
            ru_aid=(
                p["russia.trade.concessional_aid_m"] + p["russia.alliance_aid_m"] * s.commitment
            )
            * d["border_ru"],
        )

    def transfer_technology(self) -> None:
        """Russian technology by tier raises satellite capability; launches follow.

        Launches are attempted, succeed with probability equal to capability, and teach.
        """
        p, s, r = self.params, self.dprk.state, self.russia.state
        before = r.tier.copy()
        r.tier = np.minimum(self.russia.action["tech_tier"], allowed_tier(self.params))
        r.streak = np.where(r.tier > before, 0.0, r.streak)  # a raise answers the shortfall
        self._log_change(
            "russia",
            "decision",
            r.tier != before,
            "technology tier {before:.0f} -> {after:.0f}",
            before,
            r.tier,
        )
        s.capability = ex.transfer_technology(s.capability, r.tier, p["dprk.satellite.tech_gain"])
        tech = "russia.tech_transfer."
        s.systems = mil.approach(s.systems, p[tech + "conventional_gain"] * (r.tier >= 2))
        s.nbc = mil.approach(s.nbc, p[tech + "nbc_gain"] * (r.tier >= 3))
        f = self.flows
        own = self.dprk.action["launch"] * self._free_of_record()
        attempt = np.maximum(own, f["forced_launch"])
        draw = self.streams.uniform(self.month, "dprk:launch_outcome")
        draw = np.where(f["forced_outcome"] > 0, -1.0, np.where(f["forced_outcome"] < 0, 2.0, draw))
        launch = ex.launch_satellites(attempt, s.capability, draw, p["dprk.satellite.learning"])
        self._log_change(
            "dprk",
            "launch",
            launch.successes > 0,
            "satellite launch succeeds (capability {before:.2f})",
            s.capability,
        )
        self._log_change(
            "dprk",
            "launch",
            (attempt > 0) & (launch.successes == 0),
            "satellite launch fails (capability {before:.2f})",
            s.capability,
        )
        s.capability = launch.capability
        s.attempts_cum = s.attempts_cum + attempt
        s.successes_cum = s.successes_cum + launch.successes
        self.flows["attempts"] = attempt

    def update_economy(self) -> None:
        """Food, oil, imports, hard currency and GDP of DPRK."""
        p, d, f, s = self.params, self.drivers.current, self.flows, self.dprk.state
        e = "dprk.economy."
        ru_imports = self._pay_hard_currency()
        food_in = self._food_in()
        s.food_gap = up.food_gap(d["harvest"], food_in, p[e + "food_need_m"])
        s.food_supply = d["harvest"] + food_in / p[e + "food_need_m"]
        s.oil_supply = self._oil_supply()
        goods = self._goods(ru_imports)
        ratios = (goods / p[e + "import_need_m"], s.oil_supply, s.food_supply)
        weights = (p[e + "weight_imports"], p[e + "weight_oil"], p[e + "weight_food"])
        index = up.input_index(*ratios, weights, p[e + "input_cap"], p[e + "import_substitution"])
        eroding = (p[e + "import_erosion"] * weights[0], weights[1], weights[2])
        erosion_index = up.input_index(
            *ratios, eroding, p[e + "input_cap"], p[e + "import_substitution"]
        )
        before = s.gdp
        s.gdp_civil, s.potential = up.grow_economy(
            s.gdp_civil,
            s.potential,
            index,
            erosion_index,
            p[e + "trend_growth"],
            p[e + "input_elasticity"],
            p[e + "adjustment_rate"],
            p[e + "hysteresis"],
            p[e + "erosion_tolerance"],
        )
        s.arms_gdp = s.arms_gdp + p[e + "arms_smoothing"] * (self._arms_output() - s.arms_gdp)
        s.gdp = s.gdp_civil + s.arms_gdp
        ratio = np.maximum(s.gdp, 1e-6).astype(np.float64) / np.maximum(before, 1e-6)
        s.growth = (ratio**12 - 1.0).astype(self.dtype, copy=False)  # in float64 at any precision
        f["imports"] = goods + food_in + self._oil_m()  # every import, whatever it is

    def _arms_output(self) -> Array:
        """Munitions in GDP [US$ bn/yr]: output at DPRK's own value, exports at their price.

        New rounds count at their book value (times the domestic value-added share); a
        round sold out of stock adds what Russia paid for it less its book value (national
        accounts: an export at its price, a fall in inventories at book value). A month's
        sales below book value add nothing rather than subtract: the loss falls on the
        stock of old rounds, not on output, and cannot turn measured GDP negative. SRBMs
        count the same way at DPRK's reservation price. Troops' pay is income from abroad
        (in the national income, not in GDP): it reaches the economy through reserves.
        """
        p, f, s = self.params, self.flows, self.dprk.state
        own, added = p["dprk.economy.shell_book_value"], p["dprk.economy.munitions_value_added"]
        missile = p["dprk.missiles.reserve_k"] / 1000.0  # US$ m
        heavy = p["dprk.heavy.reserve_k"] / 1000.0
        made = added * (
            s.production * own
            + p["dprk.missiles.production"] * missile
            + p["dprk.heavy.production"] * heavy
        )
        margin = np.maximum(f["paid"] - f["rounds"] * own, 0.0)  # a sale below book adds 0
        margin = margin + np.maximum(f["missile_paid"] - f["missiles"] * missile, 0.0)
        margin = margin + np.maximum(f["heavy_paid"] - f["heavy"] * heavy, 0.0)
        out: Array = (made + margin) * 12.0 / 1000.0
        return out

    def _food_in(self) -> Array:
        """Food reaching DPRK from China and Russia [US$ m]."""
        p, f, ct = self.params, self.flows, "china.trade."
        out: Array = (
            f["cn_exports"] * p[ct + "food_share"]
            + f["cn_aid"] * p[ct + "aid_food_share"]
            + f["pay_food"]
        )
        return out

    def _oil_m(self) -> Array:
        """Refined oil bought or received from China and Russia [US$ m]."""
        p, f = self.params, self.flows
        out: Array = (
            f["cn_exports"] * p["china.trade.oil_share"]
            + f["pay_oil"]
            + f["ru_aid"] * p["russia.trade.aid_oil_share"]
        )
        return out

    def _oil_supply(self) -> Array:
        """Oil supply relative to need: China's pipeline crude plus oil bought or received."""
        p, d = self.params, self.drivers.current
        pipeline = p["china.trade.oil_aid_kbbl"]  # the lifeline: kept open through punishments
        out: Array = (pipeline + self._oil_m() / d["oil_price"] * 1000.0) / p[
            "dprk.economy.oil_need_kbbl"
        ]
        return out

    def _goods(self, ru_imports: Array) -> Array:
        """Non-food, non-oil imports [US$ m].

        China's other exports and aid, Russian civilian imports and aid, and what DPRK buys
        with its hard currency.
        """
        p, f, ct = self.params, self.flows, "china.trade."
        out: Array = (
            f["cn_exports"] * (1.0 - p[ct + "food_share"] - p[ct + "oil_share"])
            + f["cn_aid"] * (1.0 - p[ct + "aid_food_share"])
            + ru_imports
            + f["ru_aid"] * (1.0 - p["russia.trade.aid_oil_share"])
            + f["fx_spend"]
        )
        return out

    def _pay_hard_currency(self) -> Array:
        """Book DPRK's hard currency.

        Income first, then the unabsorbed China deficit and the month's launch attempts
        (``dprk.satellite.launch_cost_m`` each), then Russian civilian imports (cut to what
        DPRK can pay), then discretionary imports.

        Returns:
            DPRK's civilian imports from Russia this month [US$ m].
        """
        p, f, s = self.params, self.flows, self.dprk.state
        share = p["russia.trade.dprk_import_share"]
        income = (
            f["pay_cash"]
            + f["missile_paid"]
            + f["heavy_paid"]
            + f["troop_pay"]
            + f["cn_imports"]
            + f["ru_civil"] * (1.0 - share)
            + f["labour_income"]
            + f["cyber_income"]
        )
        committed = f["cn_cash_cost"] + f["attempts"] * p["dprk.satellite.launch_cost_m"]
        cash = np.maximum(s.fx + income - committed, 0.0)
        ru_imports = np.minimum(f["ru_civil"] * share, cash)
        cash = cash - ru_imports
        net = np.maximum(income - committed - ru_imports, 0.0)
        spend = p["dprk.economy.income_spend_share"] * net + p["dprk.economy.fx_spend_rate"] * s.fx
        f["fx_spend"] = np.minimum(spend, cash)
        s.fx = cash - f["fx_spend"]
        f["ru_civil"] = ru_imports + f["ru_civil"] * (1.0 - share)
        return ru_imports

    def update_exposure(self) -> None:
        """Shipments seen by imagery, launches and arms at war raise DPRK's exposure; it decays.

        Each SRBM fired in Ukraine (its debris identified) or heavy system seen on a flatcar
        counts ``dynamics.arms_visibility`` of a launch; troops abroad add
        ``dprk.troops.visibility`` per 10,000 a month.
        """
        p, s = self.params, self.dprk.state
        seen = (
            self.flows["containers"] / 1000.0 * p["dynamics.detect_rate"] * self.flows["detection"]
        )
        s.exposure = up.update_exposure(
            s.exposure,
            seen,
            self.flows["attempts"]
            + p["dynamics.arms_visibility"] * (self.flows["missiles"] + self.flows["heavy"]),
            p["dynamics.shipment_visibility"],
            p["dynamics.launch_visibility"],
            p["dynamics.exposure_decay"],
        )
        troops = p["dprk.troops.visibility"] * s.troops / 10.0
        s.exposure = mil.approach(s.exposure, troops)
        s.exposure = up.signal(s.exposure, self.flows["channel_push"])  # workers, cyber, oil

    def update_resentment(self) -> None:
        """China's resentment moves toward DPRK's tilt to Russia; a resentful China may forgive.

        While resentment exceeds its tolerance, China forgives with probability
        ``china.forgiveness`` a month, and forgiving removes ``china.forgive_relief`` of it.
        """
        f, c = self.flows, self.china.state
        russia = self._russia_pays() + f["ru_civil"] + f["ru_aid"]
        china = f["cn_exports"] + f["cn_imports"] + f["cn_aid"]
        before = c.resentment.copy()
        c.resentment = up.update_resentment(
            c.resentment, russia, china, self.params["dynamics.resentment_rate"]
        )
        c.resentment = mil.approach(c.resentment, self._china_alarm())
        tol = self.params["china.resentment_tolerance"]
        forgive = (before > tol) & (
            self.streams.uniform(self.month, "china:forgive") < self.params["china.forgiveness"]
        )
        c.resentment = np.where(
            forgive, c.resentment * (1.0 - self.params["china.forgive_relief"]), c.resentment
        )
        self._log_change(
            "china",
            "decision",
            forgive,
            "China forgives the tilt: resentment {before:.2f} -> {after:.2f}",
            before,
            c.resentment,
        )
        self._log_change(
            "china",
            "threshold",
            (before <= tol) & (c.resentment > tol),
            "resentment crosses tolerance: {before:.2f} -> {after:.2f}",
            before,
            c.resentment,
        )

    def _china_alarm(self) -> Array:
        """Resentment China adds this month for DPRK's troops, Russian systems and missiles.

        Each is a share of the gap to full resentment: per 10,000 troops in Russia, per
        technology tier above 1, and per unit rise of DPRK's missile reliability.
        """
        p, dy = self.params, "dynamics."
        above = np.maximum(self.russia.state.tier - 1.0, 0.0)
        out: Array = (
            p[dy + "troop_resentment"] * self.dprk.state.troops / 10.0
            + p[dy + "systems_resentment"] * above
            + p[dy + "missile_resentment"] * self.flows["reliability_gain"]
        )
        return out

    def update_alarm(self) -> None:
        """The ROK's alarm rises with DPRK troops abroad and Russian tiers above 1; it fades.

        The alarm raises the pressure every visibility cost weighs (Russia's and China's);
        a treaty raises it at once (``_trigger_treaty``).
        """
        p, s = self.params, self.dprk.state
        above = np.maximum(self.russia.state.tier - 1.0, 0.0)
        s.rok_alarm = mil.update_alarm(
            s.rok_alarm,
            s.troops / 10.0 + above,
            p["dynamics.rok_alarm_gain"],
            p["dynamics.rok_alarm_decay"],
        )

    def _pressure(self) -> Array:
        """ROK/US pressure as the actors weigh it: the driver raised by the ROK's alarm."""
        out: Array = self.drivers.current["pressure"] * (1.0 + self.dprk.state.rok_alarm)
        return out

    def update_trust(self) -> None:
        """Update the six directed trust values.

        Delivery raises trust, shortfall lowers it faster, all decay toward the baseline;
        a tech transfer is a costly signal. Russia's commitment erodes while its trust in
        DPRK is below the baseline: an alliance is kept by what the partner gives.
        """
        p, f, d, r, c = (
            self.params,
            self.flows,
            self.dprk.state,
            self.russia.state,
            self.china.state,
        )
        rates = (
            p["dynamics.trust_gain"],
            p["dynamics.trust_loss"],
            p["dynamics.trust_decay"],
            p["dynamics.trust_baseline"],
        )
        one: Array = np.ones(self.n, dtype=self.dtype)
        before = d.trust_russia.copy()
        d.trust_russia = up.update_trust(
            d.trust_russia, f["payment_ratio"], (f["agreed"] > 0) * one, *rates
        )
        raised = np.maximum(r.tier - self.state["russia_tech_tier"], 0.0)
        d.trust_russia = up.signal(d.trust_russia, p["dynamics.signal_bonus"] * raised)
        r.trust_dprk = up.update_trust(
            r.trust_dprk, f["delivery_ratio"], (f["judged"] > 0.5) * one, *rates
        )
        r.commitment = up.erode_commitment(
            r.commitment, r.trust_dprk, p["dynamics.commitment_decay"], rates[3]
        )
        grievance = p["dynamics.enforcement_grievance"] * c.enforcement
        d.trust_china = up.update_trust(
            d.trust_china,
            np.minimum(self.china.action["trade_level"], 1.0) * (1.0 - grievance),
            one,
            *rates,
        )
        c.trust_dprk = up.update_trust(c.trust_dprk, 1.0 - c.resentment, one, *rates)
        r.trust_china = up.update_trust(r.trust_china, 1.0 - c.enforcement, one, *rates)
        alarm = np.clip(1.0 - p["dynamics.tier_alarm"] * r.tier, 0.0, 1.0)
        c.trust_russia = up.update_trust(c.trust_russia, alarm, one, *rates)
        cut = (before >= 0.5) & (d.trust_russia < 0.5)
        self._log_change(
            "dprk",
            "threshold",
            cut,
            "trust in Russia falls below 0.5: {before:.2f} -> {after:.2f}",
            before,
            d.trust_russia,
        )

    def update_security(self) -> None:
        """DPRK's regime security: a logistic of weighted gains and losses.

        Food and oil count as the log of supply over need, GDP and reserves as the log of
        their ratio to the start, never capped, so a gain counts as much as a loss.
        Deterrence counts the *total* conventional strength (the shell stock plus the rest
        of the KPA in shell equivalents, which combat experience and modern Russian systems
        raise) and strategic capability (satellite, alliance, the working SRBM force, NBC
        help), so keeping shells never lowers it. Rises in exposure and in China's
        resentment cost, and so do casualties abroad.
        """
        p, s, w = self.params, self.dprk.state, "dprk.security."
        other = p[w + "other_deterrent_m"] * (
            1.0
            + p[w + "weight_experience"] * s.experience
            + p[w + "weight_systems"] * s.systems
            + p[w + "weight_heavy"] * (s.heavy_stock / s.heavy_start - 1.0)
        )
        conventional = np.log(  # floored: a weight of 0 must not meet log(0)
            np.maximum(np.maximum(s.stock, 0.0) + other, 1e-9)
            / np.maximum(s.stock_start + p[w + "other_deterrent_m"], 1e-9)
        )
        strategic = (
            s.capability
            - s.capability_start
            + p[w + "weight_alliance"] * self.russia.state.commitment
            + p[w + "weight_missiles"] * self._missile_force(surplus=p[w + "surplus_weight"])
            + p[w + "weight_nbc"] * s.nbc
        )
        sat = p[w + "satellite_share"]
        s.deterrence = (1.0 - sat) * conventional + sat * strategic
        terms = self._security_terms()
        s.security = up.logistic(sum(terms.values(), np.zeros(self.n, dtype=self.dtype)))

    def _security_terms(self) -> dict[str, Array]:
        """DPRK's regime security on the logit scale, term by term (their sum is its logit)."""
        p, s, w = self.params, self.dprk.state, "dprk.security."
        c, month = self.china.state, p["dprk.economy.import_need_m"]
        surplus = p[w + "surplus_weight"]
        return {
            "food": p[w + "weight_food"] * up.need_log(s.food_supply, surplus),
            "oil": p[w + "weight_oil"] * up.need_log(s.oil_supply, surplus),
            "economy": p[w + "weight_economy"] * np.log(np.maximum(s.gdp, 1e-6) / s.gdp_start),
            "reserves": p[w + "weight_reserves"]
            * np.log(np.maximum(s.fx + month, 1e-9) / (s.fx_start + month)),
            "deterrence": p[w + "weight_deterrence"] * s.deterrence,
            "exposure": -p[w + "weight_exposure"] * (s.exposure - s.exposure_start),
            "China's anger": -p[w + "weight_anger"] * (c.resentment - c.resentment_start),
            "casualties": -p[w + "weight_casualties"] * s.casualties / 10.0,
        }

    def score_parts(self, seat: str) -> ScoreParts:
        """A seat's objective score now, split into the parts that make it.

        DPRK's parts are the terms of its regime security on the logit scale (the score is
        their logistic); Russia's and China's are on the log scale (the score is the
        exponential of their sum): Russia's worth of its need met and each of its costs,
        China's stability and influence and each of its costs. A part's sign says whether
        it raises or lowers the score; parts on one scale can be compared with each other.

        Raises:
            ModelError: If the seat is unknown.
        """
        if seat == "dprk":
            return ScoreParts("logit", self._security_terms(), self.dprk.state.security.copy())
        if seat == "russia":
            cost, unmet = self._russia_costs(), self._russia_need_unmet()
            parts = {"need met": np.log(np.maximum(1.0 - unmet, 1e-12))}
            parts |= {name: -value for name, value in cost.items()}
            return ScoreParts("log", parts, self._russia_score(cost, unmet))
        if seat == "china":
            gain, cost = self._china_gain(), self._china_costs()
            parts = {"stability and influence": np.log(np.maximum(gain, 1e-12))}
            parts |= {name: -value for name, value in cost.items()}
            return ScoreParts("log", parts, self._china_score(gain, cost))
        raise ModelError(f"unknown seat {seat!r}; choose russia, china or dprk")

    def _russia_costs(self) -> dict[str, Array]:
        """The costs in Russia's objective, each in its exponent (section 4, Objectives)."""
        p, d, r = self.params, self.dprk.state, self.russia.state
        visible = d.exposure * self._pressure() * (1.0 - r.commitment)
        gains = d.malfunction_start - d.malfunction + d.systems + d.nbc
        return {
            "visibility": p["russia.visibility_weight"] * visible,
            "payment": p["russia.payment_weight"] * self._russia_pays() / 1000.0,
            "technology": p["russia.tech_cost"] * r.tier**2,
            "proliferation": p["russia.proliferation_weight"] * gains,
        }

    @staticmethod
    def _russia_score(cost: dict[str, Array], unmet: Array) -> Array:
        total = cost["visibility"] + cost["payment"] + cost["technology"] + cost["proliferation"]
        out: Array = (1.0 - unmet) * np.exp(-total)
        return out

    def _china_gain(self) -> Array:
        """China's gain: stability (DPRK fed) and influence (its leverage, trusted, unresented)."""
        d, c, p = self.dprk.state, self.china.state, self.params
        influence = self._china_leverage() * d.trust_china * (1.0 - c.resentment)
        sw = p["china.stability_weight"]
        out: Array = sw * (1.0 - d.food_gap) + (1.0 - sw) * influence
        return out

    def _china_leverage(self) -> Array:
        """China's share of what flows into DPRK (metric ``china_leverage``).

        Inflows: China's exports, aid and absorbed deficit, Russia's payments and trade, and
        other trade.
        """
        f = self.flows
        other = self.params["dprk.economy.other_trade_m"] * self.drivers.current["border_cn"]
        china_in = f["cn_exports"] + f["cn_aid"] + f["cn_absorbed"]
        inflows = china_in + f["paid"] + (f["ru_civil"] + f["ru_aid"]) + other
        out: Array = np.where(inflows > 0, china_in / np.maximum(inflows, 1e-12), 0.0)
        return out

    def _china_costs(self) -> dict[str, Array]:
        """The costs in China's objective, each in its exponent (section 4, Objectives)."""
        f, d, c, p = self.flows, self.dprk.state, self.china.state, self.params
        spent = f["cn_aid"] + f["cn_absorbed"] + f["cn_lost"]
        exposed = d.exposure * self._pressure()
        return {
            "cost of DPRK": p["china.cost_weight"] * spent / 1000.0,
            "exposure seen by the ROK": p["china.rok_weight"] * exposed * (1.0 - c.enforcement),
        }

    def _china_score(self, gain: Array, cost: dict[str, Array]) -> Array:
        out: Array = gain * np.exp(-cost["cost of DPRK"] - cost["exposure seen by the ROK"])
        return out

    def _russia_need_unmet(self) -> Array:
        """The share of the worth of Russia's military need left unmet this month.

        Four lines, each weighted by what its need is worth [US$ m]: shells (fire and
        restocking, at ``value_per_round``), SRBMs and heavy systems (``need`` a month at
        war intensity 1, at ``value_k``) and troops (``need_k`` at war intensity 1 once
        Russia's commitment reaches ``min_commitment``, at ``value_usd`` a soldier).
        """
        p, f, r = self.params, self.flows, self.russia.state
        intensity = self.drivers.current["war_intensity"]
        asks = r.commitment >= p["russia.troops.min_commitment"]
        needs = (
            p["russia.missiles.need"] * intensity,
            p["russia.heavy.need"] * intensity,
            p["russia.troops.need_k"] * intensity * asks,
        )
        worth = (
            r.demand * p["russia.payment.value_per_round"],
            needs[0] * p["russia.missiles.value_k"] / 1000.0,
            needs[1] * p["russia.heavy.value_k"] / 1000.0,
            needs[2] * p["russia.troops.value_usd"] / 1000.0,
        )
        unmet = (
            r.unmet,
            mil.unmet_share(f["missiles"], needs[0]),
            mil.unmet_share(f["heavy"], needs[1]),
            mil.unmet_share(self.dprk.state.troops, needs[2]),
        )
        return mil.unmet_worth(worth, unmet)

    def _missile_force(self, surplus: Array) -> Array:
        """The working SRBM force's worth: its log ratio to the KPA's requirement, from the start.

        The requirement is the working force of the stock the KPA keeps (``kpa_floor`` of
        the initial stock at the start's malfunction rate); missiles beyond it count
        ``surplus`` of one below it, as food and oil above need do.
        """
        p, s, m = self.params, self.dprk.state, "dprk.missiles."
        required = np.maximum(
            p[m + "kpa_floor"] * p[m + "initial_stock"] * (1.0 - p[m + "malfunction"]), 1.0
        )
        force = np.maximum(s.missile_stock * (1.0 - s.malfunction), 1.0)
        out: Array = up.need_log(force / required, surplus) - up.need_log(
            s.missile_force_start / required, surplus
        )
        return out

    def record(self) -> None:
        """Write this month's metrics into the recorder; they become next month's state."""
        self.state = self._metrics()
        self.recorder.record(self.month, self.state)

    # ------------------------------------------------------------------ observation
    def observe(self, actor: str) -> Observation:
        """What an actor sees: last month's metrics and trackers, drivers, parameters."""
        month = self.month

        def uniform(site: str) -> Array:
            return self.streams.uniform(month, f"{actor}:{site}")

        return Observation(
            month, self.state, self.drivers.current, self.params, uniform, self._shared, self.dtype
        )

    def submit(self, actor: str, action: Mapping[str, float | Array]) -> None:
        """Set the next action of an actor played by the ``human`` policy.

        Raises:
            ModelError: If the actor does not run the ``human`` policy.
        """
        policy = self._actor(actor).policy
        if not isinstance(policy, Human):
            raise ModelError(f"{actor} runs the {policy.name!r} policy, not 'human'")
        policy.submit(action)

    def _actor(self, key: str) -> Actor:
        return {"russia": self.russia, "china": self.china, "dprk": self.dprk}[key]

    # ------------------------------------------------------------------ metrics
    def _metrics(self) -> dict[str, Array]:
        f, d, r, c = self.flows, self.dprk.state, self.russia.state, self.china.state
        cn_trade = f["cn_exports"] + f["cn_imports"]
        ru_trade = f["ru_civil"] + f["ru_aid"]
        other = self.params["dprk.economy.other_trade_m"] * self.drivers.current["border_cn"]
        total = cn_trade + ru_trade + other
        trusts = {
            "trust_dprk_russia": d.trust_russia,
            "trust_dprk_china": d.trust_china,
            "trust_russia_dprk": r.trust_dprk,
            "trust_russia_china": r.trust_china,
            "trust_china_dprk": c.trust_dprk,
            "trust_china_russia": c.trust_russia,
        }
        cohesion = (
            sum(trusts.values(), np.zeros(self.n, dtype=self.dtype)) / 6.0 * (1.0 - c.resentment)
        )
        cn_share = np.where(total > 0, cn_trade / np.maximum(total, 1e-12), 0.0)
        unmet = self._russia_need_unmet()
        return {
            "containers": f["containers"],
            "containers_cum": d.containers_cum,
            "rounds_m": f["rounds"],
            "rounds_cum_m": d.rounds_cum,
            "rounds_received_m": r.received,
            "russia_fire_m": r.fire,
            "russia_fire_per_day": r.fire * 1e6 * 12.0 / 365.25,
            "russia_production_m": r.production,
            "russia_stock_m": r.stock,
            "russia_shortfall": r.shortfall,
            "russia_unmet": r.unmet,
            "russia_fire_share": f["fire_share"],
            "dprk_production_m": d.production,
            "dprk_utilisation": d.utilisation,
            "dprk_stock_m": d.stock,
            "dprk_stock_above_floor_m": np.maximum(d.stock - d.floor, 0.0),
            "kpa_floor_m": d.floor,
            "price_per_round": f["price"],
            "payment_m": f["paid"],
            "payment_food_m": f["pay_food"],
            "payment_oil_m": f["pay_oil"],
            "payment_cash_m": f["pay_cash"],
            "payment_ratio": f["payment_ratio"],
            "russia_demand_share": f["demand_share"],
            "dprk_expected_pay": d.expected_pay,
            "russia_commitment": r.commitment,
            "missiles": f["missiles"],
            "missiles_cum": d.missiles_cum,
            "dprk_missile_stock": d.missile_stock,
            "missile_malfunction": d.malfunction,
            "missile_price_k": f["missile_price"],
            "missile_payment_m": f["missile_paid"],
            "heavy_systems": f["heavy"],
            "heavy_systems_cum": d.heavy_cum,
            "dprk_heavy_stock": d.heavy_stock,
            "heavy_price_k": f["heavy_price"],
            "heavy_payment_m": f["heavy_paid"],
            "troops_k": d.troops,
            "troop_casualties_k": d.casualties,
            "troop_pay_m": f["troop_pay"],
            "combat_experience": d.experience,
            "dprk_modern_systems": d.systems,
            "dprk_nbc_help": d.nbc,
            "rok_alarm": d.rok_alarm,
            "dprk_gdp_bn": d.gdp,
            "dprk_gdp_growth": d.growth,
            "dprk_food_gap": d.food_gap,
            "dprk_food_supply": d.food_supply,
            "dprk_oil_supply": d.oil_supply,
            "dprk_fx_m": d.fx,
            "dprk_imports_m": f["imports"],
            "satellite_capability": d.capability,
            "satellite_attempts_cum": d.attempts_cum,
            "satellite_successes_cum": d.successes_cum,
            "russia_tech_tier": r.tier,
            "cn_exports_m": f["cn_exports"],
            "cn_imports_m": f["cn_imports"],
            "cn_aid_m": f["cn_aid"] + f["cn_absorbed"],
            "cn_lost_exports_m": f["cn_lost"],
            "china_leverage": self._china_leverage(),
            "cn_dprk_trade_bn": cn_trade * 12.0 / 1000.0,
            "ru_dprk_trade_bn": ru_trade * 12.0 / 1000.0,
            "cn_share_of_dprk_trade": cn_share,
            "china_enforcement": c.enforcement,
            "china_resentment": c.resentment,
            "dprk_exposure": d.exposure,
            "dprk_regime_security": d.security,
            "dprk_deterrence": d.deterrence,
            "bloc_cohesion": np.clip(cohesion, 0.0, 1.0),
            **{k: v for k, v in trusts.items()},
            "score_dprk": d.security,
            "russia_need_unmet": unmet,
            "score_russia": self._russia_score(self._russia_costs(), unmet),
            "score_china": self._china_score(self._china_gain(), self._china_costs()),
            "war_intensity": self.drivers.current["war_intensity"],
            "transport_capacity": f["transport"],
            **self._channel_metrics(),
            # trackers for policies (not recorded)
            "shortfall_streak": r.streak,
            "delivery_ratio": f["delivery_ratio"],
        }

    # ------------------------------------------------------------------ triggers and log
    def _trigger_launch(self, mask: NDArray[np.bool_]) -> None:
        self.flows["forced_launch"] = np.where(mask, 1.0, self.flows["forced_launch"])

    def _trigger_success(self, mask: NDArray[np.bool_]) -> None:
        self._trigger_launch(mask)
        self.flows["forced_outcome"] = np.where(mask, 1.0, self.flows["forced_outcome"])

    def _trigger_failure(self, mask: NDArray[np.bool_]) -> None:
        self._trigger_launch(mask)
        self.flows["forced_outcome"] = np.where(mask, -1.0, self.flows["forced_outcome"])

    def _trigger_treaty(self, mask: NDArray[np.bool_]) -> None:
        commit = self.params["dynamics.treaty_commitment"] * mask
        r = self.russia.state
        r.commitment = r.commitment + commit * (1.0 - r.commitment)
        amount = self.params["dynamics.treaty_trust"] * mask
        self.dprk.state.trust_russia = up.signal(self.dprk.state.trust_russia, amount)
        self.russia.state.trust_dprk = up.signal(self.russia.state.trust_dprk, amount)
        bump = self.params["dynamics.treaty_resentment"] * mask
        self.china.state.resentment = np.clip(self.china.state.resentment + bump, 0.0, 1.0)
        alarm = self.params["dynamics.rok_alarm_gain"] * 10.0 * commit  # a full alliance: 10 units
        self.dprk.state.rok_alarm = mil.approach(self.dprk.state.rok_alarm, alarm)

    def _trigger_veto(self, mask: NDArray[np.bool_]) -> None:
        commit = self.params["dynamics.veto_commitment"] * mask
        r = self.russia.state
        r.commitment = r.commitment + commit * (1.0 - r.commitment)

    def _trigger_summit(self, mask: NDArray[np.bool_]) -> None:
        amount = self.params["dynamics.summit_trust"] * mask
        self.dprk.state.trust_russia = up.signal(self.dprk.state.trust_russia, amount)
        self.russia.state.trust_dprk = up.signal(self.russia.state.trust_dprk, amount)

    def _trigger_china_summit(self, mask: NDArray[np.bool_]) -> None:
        amount = self.params["dynamics.summit_trust"] * mask
        self.dprk.state.trust_china = up.signal(self.dprk.state.trust_china, amount)
        self.china.state.trust_dprk = up.signal(self.china.state.trust_dprk, amount)
        self.china.state.resentment = self.china.state.resentment * (1.0 - amount)

    def _log_change(
        self,
        actor: str,
        kind: str,
        mask: NDArray[np.bool_],
        detail: str,
        before: Array,
        after: Array | None = None,
    ) -> None:
        self.log.add(self.world_ids, mask, self.month, actor, kind, detail, before, after)

    def _log_offer_cut(self) -> None:
        offer, full = (
            self.dprk.action["offer_containers"],
            self.params["dprk.munitions.max_offer_containers"],
        )
        cut = offer < 0.5 * full
        was = self.state.get("containers", np.zeros(self.n, dtype=self.dtype)) > 0
        self._log_change(
            "dprk",
            "decision",
            cut & was & (self.flows["payment_ratio"] < 1.0),
            "DPRK cuts its offer to {after:.0f} containers (last payment {before:.0%} of agreed)",
            self.flows["payment_ratio"],
            offer,
        )


def _lost_exports(normal: Array, level: Array, exports: Array) -> Array:
    """China's exports lost to its own cuts [US$ m].

    What its trade level keeps below normal, plus what enforcement and DPRK's inability to
    pay keep of the exports its trade level would ship. Trade above normal does not make
    up for what enforcement blocks: a China trading at twice normal and blocking its
    sanctioned goods loses those goods' sales all the same.
    """
    shipped_at_level = normal * level
    cut = normal * np.maximum(1.0 - level, 0.0)
    blocked = np.maximum(shipped_at_level - exports, 0.0)  # >= 0 up to rounding
    out: Array = cut + blocked
    return out


def _unmet(demand: Array, supply: Array) -> Array:
    """Unmet share of a demand, in [0, 1] (0 where there is no demand)."""
    gap = np.clip((demand - supply) / np.maximum(demand, 1e-12), 0.0, 1.0)
    out: Array = np.where(demand > 0, gap, 0.0)
    return out


_FLOWS = (
    "missiles",
    "heavy",
    "heavy_price",
    "heavy_paid",
    "reliability_gain",
    "missile_price",
    "missile_paid",
    "troop_pay",
    "forced_outcome",
    "containers",
    "rounds",
    "request",
    "agreed",
    "paid",
    "pay_food",
    "pay_oil",
    "pay_cash",
    "fire_share",
    "cn_exports",
    "cn_imports",
    "cn_aid",
    "cn_absorbed",
    "cn_cash_cost",
    "cn_lost",
    "judged",
    "ru_civil",
    "ru_aid",
    "attempts",
    "imports",
    "fx_spend",
    "forced_launch",
)
