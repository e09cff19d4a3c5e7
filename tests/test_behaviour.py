"""What the model should do: each test states a claim about medians over 200 worlds.

Every comparison uses common random numbers: the what-if and the baseline share the seed
and the worlds, so they differ only by what the what-if changes. Each claim can fail: the
baseline's value is checked to be large enough for the comparison to mean something.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from conftest import Ensemble
from triad.runs.simulation import Simulation

DATA = Path(__file__).parent / "data" / "model"
NO_AID = ("china.trade.aid_m=0", "china.trade.oil_aid_kbbl=0")


def median(sim: Simulation, metric: str, date: str | None = None) -> float:
    """Median over worlds of a metric in a month (default: the horizon)."""
    month = sim.months - 1 if date is None else sim.dates.index(date)
    return float(np.median(sim.series(metric)[month]))


FIXED = "fix_uncertain=true"
"""Every uncertain input at its central value: a controlled comparison."""


def total(sim: Simulation, metric: str, scale: float = 1.0) -> NDArray[np.float64]:
    """Sum over months of a metric, per world."""
    out: NDArray[np.float64] = sim.series(metric).astype(np.float64).sum(axis=0) * scale
    return out


def exchange_with_russia(sim: Simulation) -> float:
    """Median over worlds of DPRK's exchange with Russia over the run [US$ m]:
    payments for shells plus civilian trade (annualised US$ bn -> US$ m a month)."""
    per_world = total(sim, "payment_m") + total(sim, "ru_dprk_trade_bn", 1000.0 / 12.0)
    return float(np.median(per_world))


# --------------------------------------------------------------------------- what-ifs
def test_a_what_if_is_identical_to_the_baseline_before_its_first_event(
    ensemble: Ensemble,
) -> None:
    """Common random numbers: the ceasefire run equals the baseline up to 2025-02 (inputs
    fixed: the baseline's own ceasefire, drawn per world, comes earlier in some worlds)."""
    baseline, ceasefire = ensemble("baseline", FIXED), ensemble("ceasefire_2025", FIXED)
    before = baseline.dates.index("2025-03")
    assert np.array_equal(baseline.data[:before], ceasefire.data[:before])
    assert not np.array_equal(baseline.data[before:], ceasefire.data[before:])


def test_a_2025_ceasefire_halves_monthly_shipments_within_six_months(
    ensemble: Ensemble,
) -> None:
    """Six months after the March 2025 ceasefire, median containers are at most half the
    baseline's in the same month (inputs fixed, the baseline's war at its central path)."""
    baseline, ceasefire = ensemble("baseline", FIXED), ensemble("ceasefire_2025", FIXED)
    assert median(baseline, "containers", "2025-09") > 100.0
    assert median(ceasefire, "containers", "2025-09") <= 0.5 * median(
        baseline, "containers", "2025-09"
    )


def test_china_punishing_the_tilt_lowers_china_dprk_trade(ensemble: Ensemble) -> None:
    """Under ``china_punishes`` China-DPRK trade at the horizon is below the baseline's."""
    baseline, punished = ensemble("baseline"), ensemble("china_punishes")
    assert median(punished, "cn_dprk_trade_bn") < median(baseline, "cn_dprk_trade_bn")


def test_china_punishing_the_tilt_pushes_dprk_further_to_russia(ensemble: Ensemble) -> None:
    """Under ``china_punishes`` DPRK's exchange with Russia (payments for shells plus
    civilian trade, summed over the run) exceeds the baseline's."""
    baseline, punished = ensemble("baseline"), ensemble("china_punishes")
    assert exchange_with_russia(punished) > exchange_with_russia(baseline)


def test_tech_for_shells_raises_satellite_capability(ensemble: Ensemble) -> None:
    """Trading tier-2 technology for shells leaves DPRK's satellites more capable at the
    horizon."""
    baseline, deal = ensemble("baseline"), ensemble("tech_for_shells")
    assert median(deal, "satellite_capability") > median(baseline, "satellite_capability")


def test_tech_for_shells_moves_more_containers(ensemble: Ensemble) -> None:
    """Trading technology for shells raises the cumulative containers at the horizon."""
    baseline, deal = ensemble("baseline"), ensemble("tech_for_shells")
    assert median(deal, "containers_cum") > median(baseline, "containers_cum")


def test_a_resisting_kpa_lowers_the_rounds_russia_gets(ensemble: Ensemble) -> None:
    """A KPA floor raised from 0.5 to 0.75 of the stock lowers cumulative rounds shipped."""
    baseline, resists = ensemble("baseline"), ensemble("kpa_resists")
    assert median(resists, "rounds_cum_m") < median(baseline, "rounds_cum_m")


def test_aid_withdrawal_during_the_run_lowers_dprk_gdp(ensemble: Ensemble) -> None:
    """China stopping aid and pipeline crude in March 2024 leaves DPRK's GDP at the horizon
    below the baseline's (the mechanism of the 1990s collapse)."""
    baseline, cut = ensemble("baseline"), ensemble(str(DATA / "aid_withdrawal.yaml"))
    assert median(cut, "dprk_gdp_bn") < median(baseline, "dprk_gdp_bn")


def test_a_dprk_without_chinese_aid_ends_poorer(ensemble: Ensemble) -> None:
    """The baseline with China's aid and pipeline crude at zero from the start (``--set``
    overrides) ends with a lower DPRK GDP than the baseline."""
    baseline, cut = ensemble("baseline"), ensemble("baseline", *NO_AID)
    assert median(cut, "dprk_gdp_bn") < median(baseline, "dprk_gdp_bn")


def test_sanctions_snapback_raises_exposure_or_lowers_shipments(ensemble: Ensemble) -> None:
    """Monitoring and enforcement returning in September 2024 make DPRK's violations more
    exposed (median exposure over the months after) or cut cumulative containers."""
    baseline, snap = ensemble("baseline"), ensemble("sanctions_snapback")
    after = baseline.dates.index("2024-09")

    def exposure(sim: Simulation) -> float:
        return float(np.median(sim.series("dprk_exposure")[after:].mean(axis=0)))

    exposed = exposure(snap) > exposure(baseline)
    fewer = median(snap, "containers_cum") < median(baseline, "containers_cum")
    assert exposed or fewer


# --------------------------------------------------------------------------- calibration
@pytest.mark.parametrize(
    ("metric", "date", "low", "high"),
    [
        # US National Security Council, 13 Oct 2023: ~1,000 containers by end Sept 2023
        ("containers", "2023-09", 800.0, 1500.0),
        # ROK Defence Minister Shin Won-sik, Feb 2024: ~6,700 containers since Sept 2023
        ("containers_cum", "2024-02", 5000.0, 8000.0),
        # NATO via CNN, Mar 2024: ~10,000 rounds a day
        ("russia_fire_per_day", "2024-03", 8000.0, 12000.0),
        # NATO via CNN, Mar 2024: ~250,000 rounds a month
        ("russia_production_m", "2024-03", 0.2, 0.3),
    ],
)
def test_the_baseline_reproduces_its_calibration_figures(
    ensemble: Ensemble, metric: str, date: str, low: float, high: float
) -> None:
    """The baseline's median lies in the range the public sources allow."""
    assert low <= median(ensemble("baseline"), metric, date) <= high


def test_the_baseline_keeps_china_at_95_to_98_percent_of_dprk_trade(ensemble: Ensemble) -> None:
    """KOTRA/IISS: China held almost 97% of DPRK trade; the baseline's December 2023 share
    (median over worlds) lies in [0.95, 0.98], and the 2024 chill leaves it above 0.9."""
    share = ensemble("baseline").series("cn_share_of_dprk_trade")
    assert 0.95 <= float(np.median(share[3])) <= 0.98  # 2023-12
    assert float(np.median(share[:12].mean(axis=0))) > 0.9
