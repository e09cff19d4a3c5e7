"""The updates after the exchanges, as pure array functions.

Economy, trust, exposure, resentment, and the weighted indices.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class Economy(NamedTuple):
    """DPRK's economy after this month."""

    gdp: Array
    potential: Array
    growth: Array
    food_gap: Array
    oil_supply: Array
    input_index: Array


def food_gap(harvest: Array, food_in: Array, need: Array) -> Array:
    """Share of food need unmet: 1 - harvest - food inflows / need, in [0, 1]."""
    out: Array = np.clip(1.0 - harvest - food_in / need, 0.0, 1.0)
    return out


def input_index(
    imports: Array,
    oil: Array,
    food: Array,
    weights: tuple[Array, Array, Array],
    cap: Array,
    substitution: Array,
) -> Array:
    """Weighted geometric mean of the supply-to-need ratios of imports, oil and food.

    A share ``substitution`` of import needs can be met at home, so the imports ratio
    enters as ``substitution + (1 - substitution) x ratio``. Imports and oil saturate at
    ``cap`` x need; food beyond need adds nothing. Weights are normalised to sum 1.
    """
    wi, wo, wf = weights
    total = np.maximum(wi + wo + wf, 1e-12)
    ri = np.clip(substitution + (1.0 - substitution) * imports, 1e-6, cap)
    ro = np.clip(oil, 1e-6, cap)
    rf = np.clip(food, 1e-6, 1.0)
    out: Array = np.exp((wi * np.log(ri) + wo * np.log(ro) + wf * np.log(rf)) / total)
    return out


def grow_economy(
    gdp: Array,
    potential: Array,
    index: Array,
    erosion_index: Array,
    trend: Array,
    elasticity: Array,
    rate: Array,
    hysteresis: Array,
    tolerance: Array,
) -> tuple[Array, Array]:
    """GDP moves toward potential x index^elasticity.

    Potential grows at the trend and erodes while the inputs that idle plant and people
    cannot do without fall short of need by more than the chronic shortfall the economy
    lives with (hysteresis: ``erosion_index`` below ``1 - tolerance``).

    Args:
        gdp: GDP [US$ bn/yr].
        potential: Potential GDP with every input at need [US$ bn/yr].
        index: Input index (1 = every input at need).
        erosion_index: Input index of the shortages that erode capacity (1 = none).
        trend: Trend growth of potential [share/yr].
        elasticity: Elasticity of output to the input index.
        rate: Share of the gap to target closed each month.
        hysteresis: Erosion of potential per unit of log shortfall of ``erosion_index``
            beyond the tolerance [1/yr].
        tolerance: Chronic shortfall that erodes nothing, share of need.

    Returns:
        New GDP and new potential (the model's growth is that of all GDP, arms output
        included: ``TriadModel.update_economy``).
    """
    beyond = np.minimum(erosion_index / (1.0 - tolerance), 1.0)
    erosion = np.exp(hysteresis / 12.0 * np.log(beyond))
    potential = potential * (1.0 + trend) ** (1.0 / 12.0) * erosion
    target = potential * index**elasticity
    new = gdp + rate * (target - gdp)
    return new, potential


def update_trust(
    trust: Array,
    delivered: Array,
    active: Array,
    gain: Array,
    loss: Array,
    decay: Array,
    baseline: Array,
) -> Array:
    """Trust as a belief: up when a partner delivers, down faster when it does not.

    Args:
        trust: Current trust in [0, 1].
        delivered: Share of what was expected that the partner delivered, in [0, 1].
        active: 1 where there was an exchange to judge this month.
        gain: Share of the gap to 1 closed by full delivery.
        loss: Trust lost per unit of shortfall.
        decay: Pull toward the baseline.
        baseline: Level trust returns to without exchanges.

    Returns:
        New trust, in [0, 1].
    """
    shortfall = np.clip(1.0 - delivered, 0.0, 1.0)
    up = gain * np.clip(delivered, 0.0, 1.0) * (1.0 - trust)
    down = loss * shortfall * trust
    new = trust + active * (up - down) + decay * (baseline - trust)
    out: Array = np.clip(new, 0.0, 1.0)
    return out


def signal(trust: Array, amount: Array) -> Array:
    """A costly signal closes ``amount`` of the gap to full trust."""
    out: Array = trust + np.clip(amount, 0.0, 1.0) * (1.0 - trust)
    return out


def update_exposure(
    exposure: Array,
    seen_kcontainers: Array,
    attempts: Array,
    gain: Array,
    launch_gain: Array,
    decay: Array,
) -> Array:
    """Visible violations raise exposure toward 1; it decays toward 0.

    Args:
        exposure: Current exposure in [0, 1].
        seen_kcontainers: Thousands of containers seen (imagery) this month.
        attempts: Launch attempts this month.
        gain: Exposure gain per thousand containers seen.
        launch_gain: Exposure gain per launch attempt.
        decay: Share lost each month.
    """
    push = np.clip(gain * seen_kcontainers + launch_gain * attempts, 0.0, 1.0)
    out: Array = np.clip(exposure * (1.0 - decay) + (1.0 - exposure) * push, 0.0, 1.0)
    return out


def update_resentment(
    resentment: Array, russia_exchange: Array, china_exchange: Array, rate: Array
) -> Array:
    """China's resentment moves toward DPRK's tilt: its exchange with Russia over the total."""
    total = russia_exchange + china_exchange
    tilt = np.where(total > 0, russia_exchange / np.maximum(total, 1e-12), 0.0)
    out: Array = np.clip(resentment + rate * (tilt - resentment), 0.0, 1.0)
    return out


def need_log(supply: Array, surplus: Array) -> Array:
    """The log of supply over need, with a surplus counting ``surplus`` of a shortfall.

    Below need every log point counts in full; above it, each counts ``surplus`` (grain at
    135% of need is worth less than grain short of it costs): concave, strictly increasing,
    nothing clipped.
    """
    log = np.log(np.maximum(supply, 1e-6))
    out: Array = np.minimum(log, 0.0) + surplus * np.maximum(log, 0.0)
    return out


def erode_commitment(commitment: Array, trust: Array, decay: Array, baseline: Array) -> Array:
    """An ally's commitment erodes while its trust in the partner is below the baseline.

    Args:
        commitment: Open commitment in [0, 1].
        trust: The committed side's trust in its partner, in [0, 1].
        decay: Share of the commitment lost a month at trust 0.
        baseline: Trust at and above which nothing erodes.

    Returns:
        The commitment after a month, in [0, 1].
    """
    doubt = np.maximum(baseline - trust, 0.0) / np.maximum(baseline, 1e-12)
    out: Array = commitment * (1.0 - decay * doubt)
    return out


def logistic(x: Array) -> Array:
    """The logistic function: maps any real to (0, 1), 0.5 at 0, strictly increasing."""
    out: Array = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out
