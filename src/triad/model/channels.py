"""The economic and institutional channels of the model, as processes of ``TriadModel``.

UN monitoring as an institution (``monitor_sanctions``), DPRK's hard currency from workers
abroad and cyber theft (``earn_abroad``), the refined-oil cap (``check_oil_cap``) and the
civil transport links with Russia (used by ``trade_with_russia``). ``TriadModel`` inherits
these methods; each process is one subsection of ``docs/odd.md`` section 7. The equations
live in :mod:`triad.model.monitoring`, :mod:`triad.model.revenue`,
:mod:`triad.model.oilcap` and :mod:`triad.model.infrastructure`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from triad.model import infrastructure as infra
from triad.model import monitoring as mon
from triad.model import oilcap
from triad.model import revenue as rev

if TYPE_CHECKING:
    from triad.model.actors import China, Dprk, Russia
    from triad.model.drivers import Drivers
    from triad.model.randomness import Streams

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]


class EconomicChannels:
    """Processes of the economic and institutional channels (a mixin of ``TriadModel``)."""

    params: dict[str, Array]
    flows: dict[str, Array]
    drivers: Drivers
    streams: Streams
    month: int
    n: int
    dtype: np.dtype
    dprk: Dprk
    russia: Russia
    china: China

    def _oil_m(self) -> Array:  # pragma: no cover - defined by TriadModel
        raise NotImplementedError

    # ------------------------------------------------------------------ set-up
    def _initialise_channels(self) -> None:
        """The channels' state before the first month."""
        p, zeros = self.params, np.zeros(self.n, dtype=self.dtype)
        self.oil_ledger = oilcap.OilLedger(self.n, self.dtype)
        capacity = self._civil_capacity()
        self.civil_capacity_start = capacity.copy()
        regime = p["dynamics.un.regime"]
        self.flows.update(
            detection=mon.detection(regime, p, self.drivers.base_value("monitoring", 0) + zeros),
            reach=mon.reach(regime, p, self.drivers.base_value("un_enforcement", 0) + zeros),
            labour_income=zeros.copy(),
            cyber_income=zeros.copy(),
            channel_push=zeros.copy(),
            oil_refined_kbbl_yr=zeros.copy(),
            oil_cap_ratio=zeros.copy(),
            civil_capacity=capacity,
        )

    def channel_triggers(self) -> dict[str, Callable[[Mask], None]]:
        """The scenario triggers of the channels, by name (see ``TRIGGERS`` in the schema)."""
        return {
            "panel_ends": lambda mask: self._set_regime(mask, mon.NONE),
            "msmt_starts": lambda mask: self._set_regime(mask, mon.MSMT),
            "panel_returns": lambda mask: self._set_regime(mask, mon.PANEL),
            "bridge_opens": self._trigger_bridge_opens,
        }

    # ------------------------------------------------------------------ processes
    def monitor_sanctions(self) -> None:
        """The monitoring regime's detection and third-state reach for this month.

        Detection = the regime's detection x ``world.monitoring``; reach = the regime's
        enforcement x ``world.un_enforcement`` (docs/odd.md 7.2a). The month's exposure
        from the channels starts at zero.
        """
        p, d = self.params, self.drivers.current
        regime = p["dynamics.un.regime"]
        self.flows.update(
            detection=mon.detection(regime, p, d["monitoring"]),
            reach=mon.reach(regime, p, d["un_enforcement"]),
            channel_push=np.zeros(self.n, dtype=self.dtype),
        )

    def earn_abroad(self) -> None:
        """Hard currency from workers abroad and cyber theft, less what enforcement stops.

        Enforcement needs detection: in Russia it reaches ``reach x detection`` of the
        workers; in China the larger of that and China's own enforcement. Workers in Russia
        strengthen the Russia-DPRK relationship a little; workers and cyber operations are
        exposure, as detected.
        """
        p, f, act, v = self.params, self.flows, self.dprk.action, "dprk.revenue."
        watched = f["reach"] * f["detection"]
        workers, effort = act["workers_k"], act["cyber_effort"]
        labour = rev.labour_income(
            workers,
            p[v + "russia_share"],
            p[v + "remit_usd"],
            p[v + "labour_block"],
            watched,
            np.maximum(self.china.state.enforcement, watched),
        )
        shock = rev.lumpy(self.streams.normal(self.month, "dprk:cyber"), p[v + "cyber_sd"])
        cyber = rev.cyber_income(
            effort,
            p[v + "cyber_m"],
            p[v + "cyber_returns"],
            p[v + "cyber_cashout"],
            p[v + "cyber_block"],
            watched,
            shock,
        )
        in_russia = workers * p[v + "russia_share"]
        r = self.russia.state
        r.relationship = r.relationship * (1.0 + p[v + "labour_ties"] * in_russia / 100.0)
        push = rev.exposure_push(
            workers, effort, p[v + "labour_visibility"], p[v + "cyber_visibility"], f["detection"]
        )
        f.update(labour_income=labour, cyber_income=cyber, channel_push=f["channel_push"] + push)

    def check_oil_cap(self) -> None:
        """Refined oil delivered in the last twelve months against the UN cap.

        China's refined exports, Russia's oil payment and the oil in its aid, at this
        month's price; deliveries above the cap are exposure, as detected.
        """
        p, f, u = self.params, self.flows, "dynamics.un."
        kbbl = oilcap.refined_kbbl(self._oil_m(), self.drivers.current["oil_price"])
        yearly = self.oil_ledger.add(kbbl)
        ratio = yearly / p[u + "oil_cap_kbbl_yr"]
        push = oilcap.breach_push(ratio, p[u + "oil_visibility"], f["detection"])
        f.update(
            oil_refined_kbbl_yr=yearly, oil_cap_ratio=ratio, channel_push=f["channel_push"] + push
        )

    # ------------------------------------------------------------------ helpers
    def _civil_capacity(self) -> Array:
        p, t = self.params, "russia.transport."
        return infra.civil_capacity(p[t + "rail_m"], p[t + "bridge_m"], p[t + "bridge_open"])

    def _carry_civil(self, demand: Array) -> Array:
        """Civil Russia-DPRK trade the links carry this month [US$ m] (docs/odd.md 7.9)."""
        capacity = self._civil_capacity()
        self.flows["civil_capacity"] = capacity
        elasticity = self.params["russia.transport.access_elasticity"]
        return infra.carry(demand, capacity, self.civil_capacity_start, elasticity)

    def _set_regime(self, mask: Mask, regime: float) -> None:
        self.params["dynamics.un.regime"] = np.where(
            mask, regime, self.params["dynamics.un.regime"]
        )

    def _trigger_bridge_opens(self, mask: Mask) -> None:
        flag = self.params["russia.transport.bridge_open"]
        self.params["russia.transport.bridge_open"] = np.where(mask, 1.0, flag)

    def _channel_metrics(self) -> dict[str, Array]:
        """The channels' recorded metrics (see ``metrics.py``)."""
        f, act = self.flows, self.dprk.action
        workers = act.get("workers_k", self.params["dprk.revenue.workers_k"])
        return {
            "dprk_workers_abroad_k": workers,
            "dprk_labour_income_m": f["labour_income"],
            "dprk_cyber_income_m": f["cyber_income"],
            "ru_civil_capacity_m": f["civil_capacity"],
            "oil_refined_kbbl_yr": f["oil_refined_kbbl_yr"],
            "oil_cap_ratio": f["oil_cap_ratio"],
            "un_regime": self.params["dynamics.un.regime"],
            "un_detection": f["detection"],
            "un_enforcement_reach": f["reach"],
        }
