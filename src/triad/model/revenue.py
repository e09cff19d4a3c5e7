"""DPRK's hard currency from abroad: workers in Russia and China, and cyber theft.

Pure array functions. What the sanctions stop is what third states' enforcement reaches
and the monitoring regime detects (:mod:`triad.model.monitoring`): the more watched and
enforced, the less arrives.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def labour_income(
    workers_k: Array,
    russia_share: Array,
    remit_usd: Array,
    block: Array,
    reach_russia: Array,
    reach_china: Array,
) -> Array:
    """Workers' remittances reaching the state [US$ m/month].

    Args:
        workers_k: Workers abroad [thousand].
        russia_share: Share of them in Russia (the rest in China) [share].
        remit_usd: What one worker remits to the state a month [US$].
        block: Share of remittances stopped at full reach [share].
        reach_russia: Enforcement reaching workers in Russia [share].
        reach_china: Enforcement reaching workers in China [share].

    Returns:
        Income per world, never negative.
    """
    gross = np.maximum(workers_k, 0.0) * remit_usd / 1000.0
    kept = russia_share * (1.0 - block * reach_russia) + (1.0 - russia_share) * (
        1.0 - block * reach_china
    )
    out: Array = gross * np.clip(kept, 0.0, 1.0)
    return out


def cyber_income(
    effort: Array,
    gross_m: Array,
    returns: Array,
    cashout: Array,
    block: Array,
    reach: Array,
    shock: Array,
) -> Array:
    """Stolen funds that DPRK turns into usable hard currency [US$ m/month].

    Theft grows with effort at diminishing returns (``effort ** returns``: targets harden,
    exchanges grow wary); ``cashout`` of it survives laundering, and enforcement (exchange
    freezes, designations) stops ``block x reach`` of that. ``shock`` is a mean-one
    lognormal factor: heists are lumpy.
    """
    theft = gross_m * np.maximum(effort, 0.0) ** returns * shock
    out: Array = theft * cashout * np.clip(1.0 - block * reach, 0.0, 1.0)
    return out


def lumpy(z: Array, sd: Array) -> Array:
    """A mean-one lognormal factor from standard normal draws."""
    out: Array = np.exp(sd * z - 0.5 * sd**2)
    return out


def exposure_push(
    workers_k: Array,
    effort: Array,
    labour_visibility: Array,
    cyber_visibility: Array,
    detection: Array,
) -> Array:
    """Exposure gained this month from workers abroad and cyber operations, as detected."""
    seen = labour_visibility * np.maximum(workers_k, 0.0) / 10.0 + cyber_visibility * np.maximum(
        effort, 0.0
    )
    out: Array = np.clip(seen * detection, 0.0, 1.0)
    return out
